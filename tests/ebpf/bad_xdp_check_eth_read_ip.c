// SPDX-License-Identifier: MIT
// bad: XDP checks the end of the Ethernet header, then reads the IP header. Unsafe: 1-byte read of ip->protocol (data + 23) when only data + 14 <= data_end was checked.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_check_eth_read_ip(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);

    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    return ip->protocol == IPPROTO_ICMP ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
