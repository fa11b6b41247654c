// SPDX-License-Identifier: MIT
// bad: stack read above the frame. Unsafe: 8-byte read at &word + 8 = r10 + 0, past the top of the program's stack frame.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int stack_above_frame(struct xdp_md *ctx)
{
    __u64 word = ctx->rx_queue_index;
    __u64 *p = &word;

    asm volatile("" : "+r"(p)); /* hide the provenance of p from the optimiser */
    return p[1] == 7 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
