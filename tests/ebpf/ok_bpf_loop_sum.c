// SPDX-License-Identifier: MIT
// ok: bpf_loop over a bounded count (64) with a callback that reads a map value and adds into a u64 of the caller's stack through the ctx pointer, then returns 0.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct loop_ctx {
    __u64 sum;
    __u64 seen;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} vals SEC(".maps");

static long add_one(__u64 index, void *data)
{
    struct loop_ctx *c = data;
    __u32 key = (__u32)index;
    __u64 *v = bpf_map_lookup_elem(&vals, &key);

    if (v)
        c->sum += *v;
    c->seen++;
    return 0;
}

SEC("xdp")
int bpf_loop_sum(struct xdp_md *ctx)
{
    struct loop_ctx c = {0, 0};

    bpf_loop(64, add_one, &c, 0);
    return c.sum > 1000 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
