// SPDX-License-Identifier: MIT
// bad: unchecked index into an array inside a map value. Unsafe: 8-byte access to v->slot[idx] (value size 128) with idx = ctx->rx_queue_index unbounded.
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
int map_value_index_unchecked(struct xdp_md *ctx)
{
    __u32 zero = 0;
    struct slots *v = bpf_map_lookup_elem(&per_queue, &zero);

    if (!v)
        return XDP_PASS;
    v->slot[ctx->rx_queue_index] += 1;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
