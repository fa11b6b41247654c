// SPDX-License-Identifier: MIT
// Test program for tests/check_check_ebpf.c: reads the Ethernet type after a correct bounds check
// (must pass).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int packet_ok(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end)
        return XDP_PASS;
    return eth->h_proto == 0x0008 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
