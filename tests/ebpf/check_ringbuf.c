// SPDX-License-Identifier: MIT
// Test programs for tests/check_check_ebpf.c: a ring-buffer record reserved, null-checked, filled
// within its size and submitted (must pass); one written past its reserved size (must fail).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_ok(struct xdp_md *ctx)
{
    __u32 *rec = bpf_ringbuf_reserve(&events, 8, 0);
    if (!rec)
        return XDP_PASS;
    rec[0] = ctx->ingress_ifindex;
    rec[1] = ctx->rx_queue_index;
    bpf_ringbuf_submit(rec, 0);
    return XDP_PASS;
}

SEC("xdp")
int ringbuf_overflow(struct xdp_md *ctx)
{
    __u32 *rec = bpf_ringbuf_reserve(&events, 8, 0);
    if (!rec)
        return XDP_PASS;
    rec[0] = ctx->ingress_ifindex;
    ((volatile __u32 *)rec)[2] = 1;   /* bytes 8..11 of an 8-byte record */
    bpf_ringbuf_submit(rec, 0);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
