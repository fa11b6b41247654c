// SPDX-License-Identifier: MIT
// ok: bpf_for_each_map_elem over a hash map with a callback that reads the key and the value, resets the value in place, deletes stale elements through the map argument and flags them in the caller's stack ctx.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_val {
    __u64 packets;
    __u64 last_seen;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 128);
    __type(key, __u32);
    __type(value, struct flow_val);
} flows SEC(".maps");

struct scan_ctx {
    __u64 now;
    __u32 stale;
    __u32 last_key;
};

static long scan_flow(void *map, __u32 *key, struct flow_val *val, struct scan_ctx *c)
{
    c->last_key = *key;
    if (c->now - val->last_seen > 1000000000ull) {
        bpf_map_delete_elem(map, key);
        c->stale = 1;
        return 0;
    }
    val->packets = 0;
    return 0;
}

SEC("xdp")
int for_each_map_elem(struct xdp_md *ctx)
{
    struct scan_ctx c = {bpf_ktime_get_ns(), 0, 0};

    bpf_for_each_map_elem(&flows, scan_flow, &c, 0);
    return c.stale ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
