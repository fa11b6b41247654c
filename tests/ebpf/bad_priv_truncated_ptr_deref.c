// SPDX-License-Identifier: MIT
// bad: a pointer truncated to 32 bits and then dereferenced. Unsafe: `w2 = w1` keeps the low half of the context pointer and `*(u8 *)(r2 + 0)` reads through that number.
// also: --privileged => fail
// A root loader may copy the low half of a pointer (it becomes an unknown number), never
// dereference it: the kernel refuses the load ("invalid mem access 'scalar'") for root too.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
__attribute__((naked)) int truncated_ptr_deref(struct xdp_md *ctx)
{
    asm volatile(
        "w2 = w1;"
        "r0 = *(u8 *)(r2 + 0);"
        "r0 &= 1;"
        "exit;"
        ::: "memory");
}

char _license[] SEC("license") = "GPL";
