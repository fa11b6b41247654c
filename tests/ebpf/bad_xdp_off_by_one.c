// SPDX-License-Identifier: MIT
// bad: XDP packet bounds off by one. Unsafe: 1-byte read of data[14] when only data + 14 <= data_end was checked.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_off_by_one(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    __u8 *p = data;

    if ((void *)(p + 14) > data_end)
        return XDP_PASS;
    return p[14] == 0x45 ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
