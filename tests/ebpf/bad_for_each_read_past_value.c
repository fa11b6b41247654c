// SPDX-License-Identifier: MIT
// bad: the bpf_for_each_map_elem callback reads 8 bytes at offset 16 of a 16-byte map value (value->pad[2] of a struct with two u64), past the end of the value.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pair {
    __u64 a, b;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, struct pair);
} pairs SEC(".maps");

static long read_past(void *map, __u32 *key, struct pair *val, __u64 *sum)
{
    volatile __u64 *p = (volatile __u64 *)val;

    *sum += p[2];
    return 0;
}

SEC("xdp")
int for_each_read_past_value(struct xdp_md *ctx)
{
    __u64 sum = 0;

    bpf_for_each_map_elem(&pairs, read_past, &sum, 0);
    return sum ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
