// SPDX-License-Identifier: MIT
// ok: XDP reads a 4-byte mark from the metadata area only after checking data_meta + 4 <= data.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_meta_checked(struct xdp_md *ctx)
{
    void *meta = (void *)(long)ctx->data_meta;
    void *data = (void *)(long)ctx->data;
    __u32 *mark = meta;

    if ((void *)(mark + 1) > data)
        return XDP_PASS;
    return *mark == 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
