// SPDX-License-Identifier: MIT
// ok: bpf_tail_call() through a BPF_MAP_TYPE_PROG_ARRAY with a bounded index; falls through to XDP_PASS when the slot is empty.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u32);
} jump_table SEC(".maps");

SEC("xdp")
int tail_call(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &jump_table, ctx->rx_queue_index & 3);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
