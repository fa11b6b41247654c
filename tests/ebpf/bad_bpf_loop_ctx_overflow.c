// SPDX-License-Identifier: MIT
// bad: the bpf_loop callback writes buf[index] for index up to 15 through the ctx pointer to the caller's 8-byte stack buffer (u8 buf[8]): a write past the buffer, above the caller's frame top once index >= 8 with the buffer at r10-8.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static long fill(__u64 index, void *data)
{
    volatile __u8 *buf = data;

    buf[index & 15] = 1;
    return 0;
}

SEC("xdp")
int bpf_loop_ctx_overflow(struct xdp_md *ctx)
{
    __u8 buf[8] = {0};

    bpf_loop(16, fill, buf, 0);
    return buf[0] ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
