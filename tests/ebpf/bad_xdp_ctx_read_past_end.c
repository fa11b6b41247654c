// SPDX-License-Identifier: MIT
// bad: context read past its end. Unsafe: 4-byte read at ctx + sizeof(struct xdp_md) (offset 24), just beyond the XDP context.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_ctx_read_past_end(struct xdp_md *ctx)
{
    __u32 beyond = *(__u32 *)((char *)ctx + sizeof(struct xdp_md));

    return beyond == 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
