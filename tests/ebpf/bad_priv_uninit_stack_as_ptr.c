// SPDX-License-Identifier: MIT
// bad: never-written stack bytes used as a pointer. Unsafe: `r2 = *(u64 *)(r10 - 8)` reads a stack slot nothing wrote and `*(u8 *)(r2 + 0)` dereferences it.
// also: --privileged => fail
// A root loader reads uninitialised stack as an unknown number (allow_uninit_stack), which is
// never a pointer: the kernel refuses the dereference for root too.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
__attribute__((naked)) int uninit_stack_as_ptr(struct xdp_md *ctx)
{
    asm volatile(
        "r2 = *(u64 *)(r10 - 8);"
        "r0 = *(u8 *)(r2 + 0);"
        "r0 &= 1;"
        "exit;"
        ::: "memory");
}

char _license[] SEC("license") = "GPL";
