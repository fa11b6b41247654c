// SPDX-License-Identifier: MIT
// bad: packet pointer used after bpf_xdp_adjust_head() without reload/re-check. Unsafe: 2-byte read of eth->h_proto through the pointer checked before the helper moved data.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_adjust_head_stale(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct ethhdr)))
        return XDP_DROP;
    return eth->h_proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
