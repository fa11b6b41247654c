// SPDX-License-Identifier: MIT
// ok: kprobe: bpf_probe_read_kernel() copies exactly sizeof(buf) = 16 bytes into a 16-byte stack buffer, which is then stored in a map value.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u8[16]);
} last_bytes SEC(".maps");

/* x86-64 struct pt_regs: di (first argument) is at byte offset 112 */
#define PT_REGS_DI_OFF 112

SEC("kprobe/vfs_read")
int kprobe_probe_read(void *ctx)
{
    const void *file = (const void *)*(unsigned long *)((char *)ctx + PT_REGS_DI_OFF);
    __u8 buf[16];
    __u32 zero = 0;

    if (bpf_probe_read_kernel(buf, sizeof(buf), file) < 0)
        return 0;
    __u8 *v = bpf_map_lookup_elem(&last_bytes, &zero);
    if (v)
        __builtin_memcpy(v, buf, sizeof(buf));
    return 0;
}

char _license[] SEC("license") = "GPL";
