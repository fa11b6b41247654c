// SPDX-License-Identifier: MIT
// bad: a cgroup_skb program returns a pointer. Unsafe: exit with r0 = the context pointer r1, where the kernel needs a verdict number.
// also: --privileged => fail
// Root may return a pointer from the program types whose return value the kernel does not
// range-check (xdp, tc, socket filters, tracing), not from cgroup programs: the kernel refuses
// it for root too ("At program exit the register R0 is not a known value").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup/skb")
__attribute__((naked)) int cgroup_return_ptr(struct __sk_buff *skb)
{
    asm volatile(
        "r0 = r1;"
        "exit;"
        ::: "memory");
}

char _license[] SEC("license") = "GPL";
