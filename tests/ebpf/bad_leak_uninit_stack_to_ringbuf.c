// SPDX-License-Identifier: MIT
// bad: never-written stack bytes sent to user space. Unsafe: bpf_ringbuf_output() reads the 16-byte event whose bytes 8..15 (ev.arg) were never written.
// kernel: unprivileged (a CAP_PERFMON loader may read uninitialised stack; the kernel rejects this only without CAP_PERFMON)
// also: --privileged => pass
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

struct event {
    __u32 ifindex;
    __u32 queue;
    __u64 arg;
};

SEC("xdp")
int uninit_stack_to_ringbuf(struct xdp_md *ctx)
{
    struct event ev;

    ev.ifindex = ctx->ingress_ifindex;
    ev.queue = ctx->rx_queue_index; /* ev.arg is left uninitialised */
    bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
