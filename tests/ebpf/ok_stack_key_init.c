// SPDX-License-Identifier: MIT
// ok: a 16-byte struct key with padding is fully initialised on the stack (memset, then fields) before it is passed to bpf_map_lookup_elem().
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow_key {
    __u32 saddr;
    __u32 daddr;
    __u16 sport;
    __u16 dport;
    __u8 proto; /* followed by 3 bytes of padding */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, struct flow_key);
    __type(value, __u64);
} flows SEC(".maps");

SEC("xdp")
int stack_key_init(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct flow_key key;

    if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end)
        return XDP_PASS;
    __builtin_memset(&key, 0, sizeof(key));
    key.saddr = ip->saddr;
    key.daddr = ip->daddr;
    key.proto = ip->protocol;
    __u64 *bytes = bpf_map_lookup_elem(&flows, &key);
    if (bytes)
        __sync_fetch_and_add(bytes, 1);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
