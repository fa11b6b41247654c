// SPDX-License-Identifier: MIT
// bad: write to a read-only context field. Unsafe: 4-byte store to skb->len (__sk_buff offset 0) in a TC program.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int tc_ctx_write_len(struct __sk_buff *skb)
{
    skb->mark = 1;  /* writable */
    skb->len = 64;  /* read-only */
    return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
