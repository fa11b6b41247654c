// SPDX-License-Identifier: MIT
// bad: tail call through a map that is not a program array. Unsafe: bpf_tail_call() given a BPF_MAP_TYPE_HASH map as its prog-array argument.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u32);
} not_a_prog_array SEC(".maps");

SEC("xdp")
int tail_call_wrong_map(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &not_a_prog_array, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
