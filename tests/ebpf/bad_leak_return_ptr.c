// SPDX-License-Identifier: MIT
// bad: pointer leak through the return value. Unsafe: exit with r0 = the packet pointer loaded from ctx->data.
// kernel: unprivileged (a CAP_PERFMON loader may leak pointers; the kernel rejects this only without CAP_PERFMON)
// also: --privileged => pass
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int leak_return_ptr(struct xdp_md *ctx)
{
    return ctx->data;
}

char _license[] SEC("license") = "GPL";
