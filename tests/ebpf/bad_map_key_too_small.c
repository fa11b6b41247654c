// SPDX-License-Identifier: MIT
// bad: map key buffer smaller than the map's key size. Unsafe: bpf_map_lookup_elem() reads an 8-byte key from a 4-byte stack variable.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u64);
    __type(value, __u64);
} by_u64 SEC(".maps");

SEC("xdp")
int map_key_too_small(struct xdp_md *ctx)
{
    __u32 key = ctx->ingress_ifindex; /* the map's key is a __u64 */
    __u64 *n = bpf_map_lookup_elem(&by_u64, &key);

    if (n)
        __sync_fetch_and_add(n, 1);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
