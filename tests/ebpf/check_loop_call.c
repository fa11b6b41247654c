// SPDX-License-Identifier: MIT
// Test programs for tests/check_check_ebpf.c: a bounded loop over a stack array filled by a
// bpf2bpf call (must pass, loop bounded), and an unbounded one (must fail termination).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int fill(unsigned char *buf, int n)
{
    for (int i = 0; i < n && i < 16; i++)
        buf[i] = (unsigned char)i;
    return n;
}

SEC("xdp")
int loop_call(struct xdp_md *ctx)
{
    unsigned char buf[16];
    int n = fill(buf, 16);
    int sum = 0;
#pragma clang loop unroll(disable)
    for (int i = 0; i < 16; i++)
        sum += buf[i];
    return (sum + n) & 1 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int loop_forever(struct xdp_md *ctx)
{
    volatile int x = 0;
#pragma clang loop unroll(disable)
    while (x == 0)
        x = ctx->ingress_ifindex ? 0 : 0;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
