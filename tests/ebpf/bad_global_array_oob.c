// SPDX-License-Identifier: MIT
// bad: unchecked index into a global (.bss) array. Unsafe: 8-byte read-modify-write of per_queue[ctx->rx_queue_index] in a 64-byte .bss map value, index unbounded.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 per_queue[8]; /* .bss */

SEC("xdp")
int global_array_oob(struct xdp_md *ctx)
{
    per_queue[ctx->rx_queue_index]++;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
