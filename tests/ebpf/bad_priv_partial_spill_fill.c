// SPDX-License-Identifier: MIT
// bad: half of a spilled pointer read back as a number. Unsafe: the context pointer is spilled to r10 - 8 and `r0 = *(u32 *)(r10 - 4)` reloads its upper 4 bytes.
// also: --privileged => fail
// Uninitialised stack reads as a number for root, but a part of a spilled pointer does not: the
// kernel refuses the fill for root too ("invalid size of register fill").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
__attribute__((naked)) int partial_spill_fill(struct xdp_md *ctx)
{
    asm volatile(
        "*(u64 *)(r10 - 8) = r1;"
        "r0 = *(u32 *)(r10 - 4);"
        "r0 &= 1;"
        "exit;"
        ::: "memory");
}

char _license[] SEC("license") = "GPL";
