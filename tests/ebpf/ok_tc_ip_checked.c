// SPDX-License-Identifier: MIT
// ok: TC (sched_cls) direct packet access: reads and then writes (decrements the TTL of) the IPv4 header after checking ip + 1 <= data_end.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int tc_ip_checked(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;

    if ((void *)(eth + 1) > data_end)
        return TC_ACT_OK;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return TC_ACT_OK;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end)
        return TC_ACT_OK;
    if (ip->ttl <= 1)
        return TC_ACT_SHOT;
    ip->ttl--;
    return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
