// SPDX-License-Identifier: MIT
// bad: the bpf_for_each_map_elem callback stores 0 through its key pointer (*key = 0): the key of a hash-map element is read-only memory.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

static long clear_key(void *map, __u32 *key, __u64 *val, void *data)
{
    *(volatile __u32 *)key = 0;
    return 0;
}

SEC("xdp")
int for_each_write_key(struct xdp_md *ctx)
{
    bpf_for_each_map_elem(&counts, clear_key, 0, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
