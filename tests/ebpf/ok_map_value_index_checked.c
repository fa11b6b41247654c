// SPDX-License-Identifier: MIT
// ok: an index from the context is range-checked (idx < 16) before it selects one of the 16 u64 slots of an array-map value.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct slots {
    __u64 slot[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct slots);
} per_queue SEC(".maps");

SEC("xdp")
int map_value_index_checked(struct xdp_md *ctx)
{
    __u32 zero = 0;
    struct slots *v = bpf_map_lookup_elem(&per_queue, &zero);

    if (!v)
        return XDP_PASS;
    __u32 idx = ctx->rx_queue_index;
    if (idx < 16)
        v->slot[idx] += 1;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
