// SPDX-License-Identifier: MIT
// bad: unbounded loop. Unsafe: the back edge is taken while bpf_get_prandom_u32() % 8 != 0, so no bound on the iteration count exists.
// also: --no-termination => pass
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} retries SEC(".maps");

SEC("xdp")
int loop_unbounded(struct xdp_md *ctx)
{
    __u32 zero = 0;
    __u64 *n = bpf_map_lookup_elem(&retries, &zero);

    if (!n)
        return XDP_PASS;
    while (bpf_get_prandom_u32() % 8 != 0)
        __sync_fetch_and_add(n, 1);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
