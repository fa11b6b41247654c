// SPDX-License-Identifier: MIT
// Test programs for tests/check_check_ebpf.c: a map value used with and without a null check
// (map_checked must pass, map_unchecked must fail with "Possible null access").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int map_checked(struct xdp_md *ctx)
{
    __u32 key = ctx->ingress_ifindex;
    __u64 *v = bpf_map_lookup_elem(&counts, &key);
    if (v)
        __sync_fetch_and_add(v, 1);
    return XDP_PASS;
}

SEC("xdp")
int map_unchecked(struct xdp_md *ctx)
{
    __u32 key = ctx->ingress_ifindex;
    __u64 *v = bpf_map_lookup_elem(&counts, &key);
    *(volatile __u64 *)v += 1;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
