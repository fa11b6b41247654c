// SPDX-License-Identifier: MIT
// ok: a real bounded loop (at most 64 iterations, not unrolled) reads packet bytes, checking each one against data_end inside the loop.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int loop_packet_scan(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u32 sum = 0;

#pragma clang loop unroll(disable)
    for (int i = 0; i < 64; i++) {
        __u8 *p = data + i;
        if ((void *)(p + 1) > data_end)
            break;
        sum += *p;
    }
    return (sum & 1) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
