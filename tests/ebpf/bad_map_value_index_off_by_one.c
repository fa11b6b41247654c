// SPDX-License-Identifier: MIT
// bad: off-by-one range check (idx <= 16) on an index into a 16-slot map-value array. Unsafe: 8-byte access at value offset 128 (v->slot[16]) of a 128-byte value.
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
int map_value_index_off_by_one(struct xdp_md *ctx)
{
    __u32 zero = 0;
    struct slots *v = bpf_map_lookup_elem(&per_queue, &zero);
    __u32 idx = ctx->rx_queue_index;

    if (!v || idx > 16)
        return XDP_PASS;
    v->slot[idx] += 1;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
