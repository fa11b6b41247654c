// SPDX-License-Identifier: MIT
// ok: tracepoint program reads the syscall id and first argument from its context (offsets 8 and 16) and counts them in a map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* layout of the syscalls:sys_enter_* tracepoint record */
struct sys_enter_args {
    __u64 common; /* common_type, flags, preempt_count, pid */
    long id;
    unsigned long args[6];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 128);
    __type(key, __u64);
    __type(value, __u64);
} dirfd_count SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint_ctx(struct sys_enter_args *ctx)
{
    __u64 key = ctx->args[0] ^ ((__u64)ctx->id << 32);
    __u64 one = 1;
    __u64 *n = bpf_map_lookup_elem(&dirfd_count, &key);

    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&dirfd_count, &key, &one, BPF_NOEXIST);
    return 0;
}

char _license[] SEC("license") = "GPL";
