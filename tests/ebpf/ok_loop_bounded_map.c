// SPDX-License-Identifier: MIT
// ok: a real (not unrolled: #pragma clang loop unroll(disable)) loop of 16 iterations sums the u64 slots of an array-map value.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct slots {
    __u64 slot[16];
    __u64 total;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct slots);
} stats SEC(".maps");

SEC("xdp")
int loop_bounded_map(struct xdp_md *ctx)
{
    __u32 zero = 0;
    struct slots *v = bpf_map_lookup_elem(&stats, &zero);

    if (!v)
        return XDP_PASS;
    __u64 sum = 0;
#pragma clang loop unroll(disable)
    for (int i = 0; i < 16; i++)
        sum += v->slot[i];
    v->total = sum;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
