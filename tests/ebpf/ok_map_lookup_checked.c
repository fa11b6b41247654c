// SPDX-License-Identifier: MIT
// ok: the result of bpf_map_lookup_elem() on a hash map is compared with NULL before it is dereferenced.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} pkts_per_ifindex SEC(".maps");

SEC("xdp")
int map_lookup_checked(struct xdp_md *ctx)
{
    __u32 key = ctx->ingress_ifindex;
    __u64 *count = bpf_map_lookup_elem(&pkts_per_ifindex, &key);

    if (count) {
        __sync_fetch_and_add(count, 1);
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&pkts_per_ifindex, &key, &one, BPF_NOEXIST);
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
