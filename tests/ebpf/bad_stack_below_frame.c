// SPDX-License-Identifier: MIT
// bad: stack write below the 512-byte frame. Unsafe: 8-byte store at buf - 520 = r10 - 528, outside [r10 - 512, r10).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int stack_below_frame(struct xdp_md *ctx)
{
    __u64 buf[1] = { ctx->rx_queue_index };
    __u64 *p = buf;

    asm volatile("" : "+r"(p)); /* hide the provenance of p from the optimiser */
    p[-65] = 1;
    return buf[0] ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
