// SPDX-License-Identifier: MIT
// ok: division and modulo only after the divisor is checked to be non-zero; safe with or without --no-division-by-zero.
// also: --no-division-by-zero => pass
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} ratios SEC(".maps");

SEC("xdp")
int div_checked(struct xdp_md *ctx)
{
    __u64 a = ctx->ingress_ifindex;
    __u64 b = ctx->rx_queue_index;
    __u32 k0 = 0, k1 = 1;
    __u64 *q = bpf_map_lookup_elem(&ratios, &k0);
    __u64 *r = bpf_map_lookup_elem(&ratios, &k1);

    if (!q || !r || b == 0)
        return XDP_PASS;
    *q = a / b;
    *r = a % b;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
