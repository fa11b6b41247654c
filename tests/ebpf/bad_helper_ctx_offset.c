// SPDX-License-Identifier: MIT
// bad: helper given a context pointer that is not at offset 0. Unsafe: bpf_skb_load_bytes() called with r1 = skb + 4 instead of skb.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int helper_ctx_offset(struct __sk_buff *skb)
{
    __u8 buf[4];

    if (bpf_skb_load_bytes((char *)skb + 4, 12, buf, sizeof(buf)) < 0)
        return 0;
    return buf[0] == 0x08 ? skb->len : 0;
}

char _license[] SEC("license") = "GPL";
