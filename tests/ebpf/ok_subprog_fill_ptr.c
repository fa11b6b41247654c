// SPDX-License-Identifier: MIT
// ok: a subprogram reads back the context pointer the caller stored in a stack struct, through its pointer argument (a fill through a stack pointer other than r10), then checks the packet and reads it.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct args {
    struct xdp_md *ctx;
    __u64 drop_if;
};

static __attribute__((noinline)) int first_byte_is(struct args *a)
{
    struct xdp_md *ctx = a->ctx;
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;

    if (data + 1 > end)
        return XDP_PASS;
    return *(__u8 *)data == a->drop_if ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int fill_ptr_through_arg(struct xdp_md *ctx)
{
    struct args a = {.ctx = ctx, .drop_if = 0x45};

    return first_byte_is(&a);
}

char _license[] SEC("license") = "GPL";
