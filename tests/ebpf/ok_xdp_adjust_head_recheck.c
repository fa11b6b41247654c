// SPDX-License-Identifier: MIT
// ok: after bpf_xdp_adjust_head() pops the Ethernet header, data/data_end are reloaded from ctx and re-checked before the read.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_adjust_head_recheck(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;

    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    if (bpf_xdp_adjust_head(ctx, (int)sizeof(struct ethhdr)))
        return XDP_DROP;
    data = (void *)(long)ctx->data;
    data_end = (void *)(long)ctx->data_end;
    __u8 *ver_ihl = data;
    if ((void *)(ver_ihl + 1) > data_end)
        return XDP_DROP;
    return (*ver_ihl >> 4) == 4 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
