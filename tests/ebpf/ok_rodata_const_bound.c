// SPDX-License-Identifier: MIT
// ok: packet bounds from read-only globals (const volatile in .rodata and, as cilium's CONFIG(), in .rodata.config): the loader freezes these maps, so the kernel and draco read hdr_len = 14 and proto_off = 12 from the object and data + hdr_len <= data_end covers bytes 12 and 13.
// also: --no-rodata-contents => fail
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 hdr_len = 14;                         /* .rodata */
const volatile __u8 proto_off SEC(".rodata.config") = 12;  /* .rodata.config */

SEC("tc")
int rodata_const_bound(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    __u8 *p = data;

    if (data + hdr_len > data_end)
        return TC_ACT_OK;
    return p[proto_off] == 0x86 && p[proto_off + 1] == 0xdd ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
