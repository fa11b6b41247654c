// SPDX-License-Identifier: MIT
// bad: the bpf_loop callback returns 2 (r0 = 2 at its exit); the kernel requires a callback return value in [0, 1].
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long ret_two(__u64 index, void *data)
{
    return 2;
}

SEC("xdp")
int bpf_loop_callback_returns_2(struct xdp_md *ctx)
{
    bpf_loop(4, ret_two, 0, 0);
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
