// SPDX-License-Identifier: MIT
// bad: ring buffer record used without a NULL check. Unsafe: 4-byte store to e->ifindex where e = bpf_ringbuf_reserve() may be NULL.
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
int ringbuf_no_null_check(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

    e->ifindex = ctx->ingress_ifindex;
    e->queue = ctx->rx_queue_index;
    e->ts = bpf_ktime_get_ns();
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
