// SPDX-License-Identifier: MIT
// bad: XDP bounds check made with the wrong pointer (data_meta, which may lie before data). Unsafe: 2-byte read of data + 12 after checking only data_meta + 14 <= data_end.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_check_wrong_ptr(struct xdp_md *ctx)
{
    void *meta = (void *)(long)ctx->data_meta;
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;

    if (meta + sizeof(struct ethhdr) > data_end)
        return XDP_PASS;
    return eth->h_proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
