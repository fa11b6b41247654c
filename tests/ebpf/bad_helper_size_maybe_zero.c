// SPDX-License-Identifier: MIT
// bad: helper size argument that may be zero where the helper requires a positive size. Unsafe: bpf_skb_load_bytes(skb, 0, buf, skb->len & 7) with a length in [0, 7].
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int helper_size_maybe_zero(struct __sk_buff *skb)
{
    __u8 buf[8];
    __u32 len = skb->len & 7;

    __builtin_memset(buf, 0, sizeof(buf));
    if (bpf_skb_load_bytes(skb, 0, buf, len) < 0)
        return 0;
    return buf[0] == 0xff ? skb->len : 0;
}

char _license[] SEC("license") = "GPL";
