// SPDX-License-Identifier: MIT
// ok: global variables in .rodata (const volatile), .data and .bss are read and written through their global-data maps, indices bounded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 cfg_queues = 4; /* .rodata */
__u32 packets = 1;                    /* .data */
__u64 per_queue[8];                   /* .bss */

SEC("xdp")
int global_data(struct xdp_md *ctx)
{
    __u32 q = ctx->rx_queue_index & 7;

    packets++;
    per_queue[q]++;
    return q < cfg_queues ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
