// SPDX-License-Identifier: MIT
// bad: partly initialised stack key passed to a helper. Unsafe: bpf_map_lookup_elem() reads the 16-byte key whose bytes 8..15 (key.cookie) were never written.
// kernel: unprivileged (a CAP_PERFMON loader may read uninitialised stack; the kernel rejects this only without CAP_PERFMON)
// also: --privileged => pass
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct qkey {
    __u32 ifindex;
    __u32 queue;
    __u64 cookie;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, struct qkey);
    __type(value, __u64);
} per_queue SEC(".maps");

SEC("xdp")
int stack_uninit_key(struct xdp_md *ctx)
{
    struct qkey key;

    key.ifindex = ctx->ingress_ifindex;
    key.queue = ctx->rx_queue_index; /* key.cookie is left uninitialised */
    __u64 *n = bpf_map_lookup_elem(&per_queue, &key);
    if (n)
        __sync_fetch_and_add(n, 1);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
