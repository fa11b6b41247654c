// SPDX-License-Identifier: MIT
// ok: TC reads skb->len, skb->protocol and skb->ifindex and writes the writable fields skb->mark and skb->priority.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int tc_ctx_fields(struct __sk_buff *skb)
{
    __u32 len = skb->len;

    if (skb->protocol != bpf_htons(ETH_P_IP))
        return TC_ACT_OK;
    skb->mark = len > 1000 ? 1 : 2;
    skb->priority = skb->ifindex & 7;
    return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
