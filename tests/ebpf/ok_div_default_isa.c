// SPDX-License-Identifier: MIT
// ok: 64-bit division and modulo by a register that may be zero; safe under the default ISA semantics (x/0 = 0, x%0 = x).
// also: --no-division-by-zero => fail
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} ratios SEC(".maps");

SEC("xdp")
int div_default_isa(struct xdp_md *ctx)
{
    __u64 a = ctx->ingress_ifindex;
    __u64 b = ctx->rx_queue_index; /* may be 0 */
    __u32 k0 = 0, k1 = 1;
    __u64 *q = bpf_map_lookup_elem(&ratios, &k0);
    __u64 *r = bpf_map_lookup_elem(&ratios, &k1);

    if (!q || !r)
        return XDP_PASS;
    *q = a / b;
    *r = a % b;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
