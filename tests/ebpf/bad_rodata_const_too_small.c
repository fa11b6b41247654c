// SPDX-License-Identifier: MIT
// bad: the read-only bound hdr_len is 13 in the object (.rodata, frozen), so data + hdr_len <= data_end covers bytes 0..12 only and the read of packet byte 13 (p[13]) may be past data_end.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 hdr_len = 13; /* .rodata: one byte short of what is read */

SEC("tc")
int rodata_const_too_small(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    __u8 *p = data;

    if (data + hdr_len > data_end)
        return TC_ACT_OK;
    return p[12] == 0x86 && p[13] == 0xdd ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
