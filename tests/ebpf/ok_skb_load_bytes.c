// SPDX-License-Identifier: MIT
// ok: a socket filter lets bpf_skb_load_bytes() fill a 4-byte stack buffer (writable-memory helper argument) and then reads it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int skb_load_bytes(struct __sk_buff *skb)
{
    __u8 buf[4];

    if (bpf_skb_load_bytes(skb, 12, buf, sizeof(buf)) < 0)
        return 0;
    /* keep IPv4 (ethertype 0x0800) and ARP (0x0806) frames whole, drop the rest */
    if (buf[0] == 0x08 && (buf[1] == 0x00 || buf[1] == 0x06))
        return skb->len;
    return 0;
}

char _license[] SEC("license") = "GPL";
