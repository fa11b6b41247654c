// SPDX-License-Identifier: MIT
// bad: the packet bound hdr_len is a writable global (.data, initially 14) that user space or another program may change at any time, so after data + hdr_len <= data_end the read of packet byte 13 (p[13]) may be past data_end.
// also: --no-rodata-contents => fail
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

__u32 hdr_len = 14; /* .data: not read-only, its initial value proves nothing */

SEC("tc")
int data_var_bound(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    __u8 *p = data;

    if (data + hdr_len > data_end)
        return TC_ACT_OK;
    return p[12] == 0x86 && p[13] == 0xdd ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
