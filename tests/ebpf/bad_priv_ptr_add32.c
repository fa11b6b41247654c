// SPDX-License-Identifier: MIT
// bad: 32-bit addition to a packet pointer. Unsafe: `w2 += 14` on the packet pointer r2 (only 32-bit subtraction of pointers is allowed, and only to a root loader), then the result is used as a number.
// also: --privileged => fail
// The kernel refuses it for root too ("32-bit pointer arithmetic prohibited").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
__attribute__((naked)) int ptr_add32(struct xdp_md *ctx)
{
    asm volatile(
        "r2 = *(u32 *)(r1 + 0);"
        "w2 += 14;"
        "r0 = r2;"
        "r0 &= 1;"
        "exit;"
        ::: "memory");
}

char _license[] SEC("license") = "GPL";
