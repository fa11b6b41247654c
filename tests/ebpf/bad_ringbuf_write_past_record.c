// SPDX-License-Identifier: MIT
// bad: write past the reserved ring buffer record. Unsafe: 8-byte store to e->ts at offset 8 of a record reserved with size 8.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u32 ifindex;
    __u32 queue;
    __u64 ts;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_write_past_record(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, 8, 0); /* should be sizeof(*e) == 16 */

    if (!e)
        return XDP_PASS;
    e->ifindex = ctx->ingress_ifindex;
    e->queue = ctx->rx_queue_index;
    e->ts = bpf_ktime_get_ns();
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
