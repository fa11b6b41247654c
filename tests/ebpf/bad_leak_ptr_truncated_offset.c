// SPDX-License-Identifier: MIT
// bad: 32-bit arithmetic on packet pointers (cilium's tail_handle_ipv6 pattern). Unsafe: `w3 = w2` copies the low half of the packet pointer r2 (data + 14) and `w3 -= w1` subtracts the 32-bit packet start: a pointer used as a number.
// kernel: unprivileged (a CAP_PERFMON loader may leak pointers; the kernel rejects this only without CAP_PERFMON)
// also: --privileged => pass
// Both results are unknown numbers to a root loader: the offset handed to bpf_skb_load_bytes()
// (an ARG_ANYTHING, checked at run time) and nothing is dereferenced through it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
__attribute__((naked)) int ptr_truncated_offset(struct __sk_buff *skb)
{
    asm volatile(
        "r6 = r1;"
        "r1 = *(u32 *)(r6 + 76);"     /* skb->data */
        "r2 = *(u32 *)(r6 + 80);"     /* skb->data_end */
        "r3 = r1;"
        "r3 += 14;"
        "if r3 > r2 goto 1f;"
        "r2 = r1;"
        "r2 += 14;"                   /* the network header */
        "w3 = w2;"                    /* 32-bit copy of a packet pointer */
        "w3 -= w1;"                   /* minus the packet start: 14, as a 32-bit number */
        "w2 = w3;"
        "r1 = r6;"
        "r3 = r10;"
        "r3 += -8;"
        "w4 = 2;"
        "call %[load_bytes];"
        "1:"
        "r0 = 0;"
        "exit;"
        :
        : [load_bytes] "i"(BPF_FUNC_skb_load_bytes)
        : "memory");
}

char _license[] SEC("license") = "GPL";
