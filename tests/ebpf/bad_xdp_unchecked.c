// SPDX-License-Identifier: MIT
// bad: XDP packet access with no bounds check at all. Unsafe: 2-byte read of eth->h_proto (data + 12) without comparing against data_end.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_unchecked(struct xdp_md *ctx)
{
    struct ethhdr *eth = (void *)(long)ctx->data;

    return eth->h_proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
