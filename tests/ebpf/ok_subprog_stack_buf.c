// SPDX-License-Identifier: MIT
// ok: bpf2bpf call: the caller passes a 16-byte stack buffer to a __noinline function that fills all of it; the caller then uses it as a map key.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, __u8[16]);
    __type(value, __u64);
} seen SEC(".maps");

static __noinline int fill_key(__u8 *buf, __u32 a, __u32 b)
{
    __builtin_memset(buf, 0, 16);
    *(__u32 *)buf = a;
    *(__u32 *)(buf + 8) = b;
    return (int)(a ^ b);
}

SEC("xdp")
int subprog_stack_buf(struct xdp_md *ctx)
{
    __u8 key[16];
    int mix = fill_key(key, ctx->ingress_ifindex, ctx->rx_queue_index);
    __u64 *n = bpf_map_lookup_elem(&seen, key);

    if (n)
        __sync_fetch_and_add(n, 1);
    return (mix & 1) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
