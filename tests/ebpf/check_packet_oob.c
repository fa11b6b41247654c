// SPDX-License-Identifier: MIT
// Test program for tests/check_check_ebpf.c: checks 14 bytes but reads bytes 14..15 (must fail
// with "Upper bound must be at most packet_size").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int packet_oob(struct xdp_md *ctx)
{
    unsigned char *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    if ((void *)(data + 14) > data_end)
        return XDP_PASS;
    return *(volatile unsigned short *)(data + 14) == 8 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
