// SPDX-License-Identifier: MIT
// ok: XDP finds the TCP header at a variable offset (ip->ihl * 4, 20..60) and checks it against data_end before reading.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_ip_var_offset(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end)
        return XDP_PASS;
    if (ip->protocol != IPPROTO_TCP)
        return XDP_PASS;
    __u32 hlen = ip->ihl * 4;
    if (hlen < sizeof(*ip))
        return XDP_DROP;
    struct tcphdr *tcp = (void *)ip + hlen;
    if ((void *)(tcp + 1) > data_end)
        return XDP_PASS;
    return tcp->dest == bpf_htons(23) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
