// SPDX-License-Identifier: MIT
// bad: map lookup result used without a NULL check. Unsafe: 8-byte read-modify-write of *count where count = bpf_map_lookup_elem() may be NULL.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} pkts_per_ifindex SEC(".maps");

SEC("xdp")
int map_lookup_unchecked(struct xdp_md *ctx)
{
    __u32 key = ctx->ingress_ifindex;
    __u64 *count = bpf_map_lookup_elem(&pkts_per_ifindex, &key);

    *count += 1;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
