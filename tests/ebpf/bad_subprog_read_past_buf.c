// SPDX-License-Identifier: MIT
// bad: bpf2bpf callee reads beyond the caller's buffer. Unsafe: 8-byte read of words[1] (buffer + 8) in a __noinline callee, where the caller's stack buffer holds one 8-byte word.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u64 sum_two_words(const __u64 *words)
{
    return words[0] + words[1]; /* the caller's buffer holds only words[0] */
}

SEC("xdp")
int subprog_read_past_buf(struct xdp_md *ctx)
{
    __u64 buf[1];

    buf[0] = ctx->rx_queue_index;
    return (sum_two_words(buf) & 1) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
