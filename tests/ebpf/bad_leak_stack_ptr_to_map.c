// SPDX-License-Identifier: MIT
// bad: pointer leak. Unsafe: 8-byte store of a stack address (&zero, derived from r10) into an array-map value.
// kernel: unprivileged (a CAP_PERFMON loader may leak pointers; the kernel rejects this only without CAP_PERFMON)
// also: --privileged => pass
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} last_sp SEC(".maps");

SEC("xdp")
int leak_stack_ptr_to_map(struct xdp_md *ctx)
{
    __u32 zero = 0;
    __u64 *v = bpf_map_lookup_elem(&last_sp, &zero);

    if (!v)
        return XDP_PASS;
    *v = (__u64)(long)&zero;
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
