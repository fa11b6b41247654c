// SPDX-License-Identifier: MIT
// bad: the subprogram reads only the low 4 bytes of the context pointer the caller stored in a stack struct (through its pointer argument) and dereferences the number it got: ((struct xdp_md *)(long)lo)->data.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
    struct xdp_md *ctx;
};

static __attribute__((noinline)) int read_half(struct args *a)
{
    __u32 lo = *(volatile __u32 *)&a->ctx;
    struct xdp_md *ctx = (struct xdp_md *)(long)lo;

    return ctx->data ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int fill_half_ptr(struct xdp_md *ctx)
{
    struct args a = {.ctx = ctx};

    return read_half(&a);
}

char _license[] SEC("license") = "GPL";
