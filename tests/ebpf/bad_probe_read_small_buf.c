// SPDX-License-Identifier: MIT
// bad: helper size argument larger than the buffer. Unsafe: bpf_probe_read_kernel(buf, 16, ...) writes 16 bytes into an 8-byte stack buffer.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} last_word SEC(".maps");

/* x86-64 struct pt_regs: di (first argument) is at byte offset 112 */
#define PT_REGS_DI_OFF 112

SEC("kprobe/vfs_read")
int probe_read_small_buf(void *ctx)
{
    const void *file = (const void *)*(unsigned long *)((char *)ctx + PT_REGS_DI_OFF);
    __u64 buf;

    if (bpf_probe_read_kernel(&buf, 16, file) < 0)
        return 0;
    __u32 zero = 0;
    __u64 *v = bpf_map_lookup_elem(&last_word, &zero);
    if (v)
        *v = buf;
    return 0;
}

char _license[] SEC("license") = "GPL";
