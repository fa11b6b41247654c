// SPDX-License-Identifier: MIT
// bad: write to the packet-pointer slot of the context. Unsafe: 4-byte store to ctx->data (xdp_md offset 0).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_ctx_write_data(struct xdp_md *ctx)
{
    ctx->data = ctx->data + 14;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
