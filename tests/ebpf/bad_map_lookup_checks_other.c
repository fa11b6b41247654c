// SPDX-License-Identifier: MIT
// bad: two lookups, only the first is NULL-checked. Unsafe: 8-byte read-modify-write of *out, the unchecked (maybe NULL) result of the second bpf_map_lookup_elem().
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int map_lookup_checks_other(struct xdp_md *ctx)
{
    __u32 k_in = ctx->ingress_ifindex;
    __u32 k_out = ctx->rx_queue_index;
    __u64 *in = bpf_map_lookup_elem(&counters, &k_in);
    __u64 *out = bpf_map_lookup_elem(&counters, &k_out);

    if (!in)
        return XDP_PASS;
    *in += 1;
    *out += 1;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
