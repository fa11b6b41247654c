// SPDX-License-Identifier: MIT
// ok: bpf_ringbuf_reserve() result is NULL-checked, written within the reserved 16 bytes, then bpf_ringbuf_submit()ted.
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
int ringbuf_submit(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

    if (!e)
        return XDP_PASS;
    e->ifindex = ctx->ingress_ifindex;
    e->queue = ctx->rx_queue_index;
    e->ts = bpf_ktime_get_ns();
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
