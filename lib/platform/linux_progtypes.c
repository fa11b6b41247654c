/* SPDX-License-Identifier: MIT */
/* platform: Linux program types, their context layouts, and the section-name rules.
 *
 * Invariants: the rules pick a program type from a section name exactly as PREVAIL's Linux
 * platform does (so verdicts are comparable): the first entry of `section_rules`, in order, whose
 * prefix starts the section wins; unknown sections are socket_filter (a distinct object marked
 * is_section_default, which keeps PREVAIL's helper availability by context); an object path
 * containing "cilium" and "xdp" is xdp, and "cilium" and "lxc" is sched_cls, whatever the
 * section. A few
 * sleepable prefixes ("fentry.s/", ...) that PREVAIL's list lacks are added; they cannot match a
 * section any PREVAIL prefix matches. Every program type points at a context descriptor; program
 * types sharing a kernel context struct share the descriptor object.
 */
#include <string.h>
#include "platform/linux_platform.h"

/* Context layouts {name, size, data, data_end, data_meta}. Sizes are the kernel structs' (for
 * pt_regs a cross-architecture upper bound, for tracepoints the maximal record size). */
static const struct draco_ctx_desc ctx_unspec = {"unspec", 0, -1, -1, -1};
static const struct draco_ctx_desc ctx_sk_buff = {"__sk_buff", 192, 76, 80, 140};
static const struct draco_ctx_desc ctx_flow_dissector = {"__sk_buff/flow_dissector", 192, 76, 80, -1};
static const struct draco_ctx_desc ctx_xdp_md = {"xdp_md", 24, 0, 4, 8};
static const struct draco_ctx_desc ctx_sk_msg_md = {"sk_msg_md", 80, 0, 8, -1};
static const struct draco_ctx_desc ctx_sk_reuseport_md = {"sk_reuseport_md", 56, 0, 8, -1};
static const struct draco_ctx_desc ctx_pt_regs = {"pt_regs", 608, -1, -1, -1};
static const struct draco_ctx_desc ctx_tracepoint = {"tracepoint", 2048, -1, -1, -1};
static const struct draco_ctx_desc ctx_perf_event = {"bpf_perf_event_data", 632, -1, -1, -1};
static const struct draco_ctx_desc ctx_sock = {"bpf_sock", 80, -1, -1, -1};
static const struct draco_ctx_desc ctx_sock_ops = {"bpf_sock_ops", 224, -1, -1, -1};
static const struct draco_ctx_desc ctx_sock_addr = {"bpf_sock_addr", 72, -1, -1, -1};
static const struct draco_ctx_desc ctx_sockopt = {"bpf_sockopt", 40, -1, -1, -1};
static const struct draco_ctx_desc ctx_sk_lookup = {"bpf_sk_lookup", 72, -1, -1, -1};
static const struct draco_ctx_desc ctx_sysctl = {"bpf_sysctl", 8, -1, -1, -1};
static const struct draco_ctx_desc ctx_cgroup_dev = {"bpf_cgroup_dev_ctx", 12, -1, -1, -1};
static const struct draco_ctx_desc ctx_tracing = {"tracing_args", 96, -1, -1, -1};
static const struct draco_ctx_desc ctx_lirc = {"lirc_mode2", 4, -1, -1, -1};
static const struct draco_ctx_desc ctx_netfilter = {"bpf_nf_ctx", 16, -1, -1, -1};
static const struct draco_ctx_desc ctx_syscall = {"syscall_args", 65535, -1, -1, -1};

#define PT(n, c, i, priv, sleep) {.name = n, .ctx = &c, .id = DRACO_LINUX_PROG_##i, \
                                  .is_privileged = priv, .is_sleepable = sleep}
/* One entry per name (prog_type_by_name returns these); the sleepable variant is separate. */
static const struct draco_prog_type prog_types[] = {
    PT("unspec", ctx_unspec, UNSPEC, false, false),
    PT("socket_filter", ctx_sk_buff, SOCKET_FILTER, false, false),
    PT("kprobe", ctx_pt_regs, KPROBE, true, false),
    PT("sched_cls", ctx_sk_buff, SCHED_CLS, false, false),
    PT("sched_act", ctx_sk_buff, SCHED_ACT, false, false),
    PT("tracepoint", ctx_tracepoint, TRACEPOINT, false, false),
    PT("xdp", ctx_xdp_md, XDP, false, false),
    PT("perf_event", ctx_perf_event, PERF_EVENT, false, false),
    PT("cgroup_skb", ctx_sk_buff, CGROUP_SKB, false, false),
    PT("cgroup_sock", ctx_sock, CGROUP_SOCK, false, false),
    PT("lwt_in", ctx_sk_buff, LWT_IN, false, false),
    PT("lwt_out", ctx_sk_buff, LWT_OUT, false, false),
    PT("lwt_xmit", ctx_sk_buff, LWT_XMIT, false, false),
    PT("sock_ops", ctx_sock_ops, SOCK_OPS, false, false),
    PT("sk_skb", ctx_sk_buff, SK_SKB, false, false),
    PT("cgroup_device", ctx_cgroup_dev, CGROUP_DEVICE, false, false),
    PT("sk_msg", ctx_sk_msg_md, SK_MSG, false, false),
    PT("raw_tracepoint", ctx_tracepoint, RAW_TRACEPOINT, true, false),
    PT("cgroup_sock_addr", ctx_sock_addr, CGROUP_SOCK_ADDR, false, false),
    PT("lwt_seg6local", ctx_sk_buff, LWT_SEG6LOCAL, false, false),
    PT("lirc_mode2", ctx_lirc, LIRC_MODE2, false, false),
    PT("sk_reuseport", ctx_sk_reuseport_md, SK_REUSEPORT, false, false),
    PT("flow_dissector", ctx_flow_dissector, FLOW_DISSECTOR, false, false),
    PT("cgroup_sysctl", ctx_sysctl, CGROUP_SYSCTL, false, false),
    PT("raw_tracepoint_writable", ctx_tracepoint, RAW_TRACEPOINT_WRITABLE, true, false),
    PT("cgroup_sockopt", ctx_sockopt, CGROUP_SOCKOPT, false, false),
    PT("tracing", ctx_tracing, TRACING, true, false),
    PT("struct_ops", ctx_tracing, STRUCT_OPS, true, false),
    PT("ext", ctx_unspec, EXT, false, false),
    PT("lsm", ctx_tracing, LSM, true, false),
    PT("sk_lookup", ctx_sk_lookup, SK_LOOKUP, false, false),
    PT("syscall", ctx_syscall, SYSCALL, true, true),
    PT("netfilter", ctx_netfilter, NETFILTER, false, false),
};
static const struct draco_prog_type prog_tracing_sleepable =
    PT("tracing", ctx_tracing, TRACING, true, true);
/* an unknown section (see draco_prog_type.is_section_default) */
static const struct draco_prog_type prog_section_default = {
    .name = "socket_filter", .ctx = &ctx_sk_buff, .id = DRACO_LINUX_PROG_SOCKET_FILTER,
    .is_section_default = true};
#undef PT

struct section_rule {
    const char *prefix;
    const struct draco_prog_type *type;
};
#define T(i) (&prog_types[DRACO_LINUX_PROG_##i])
/* In PREVAIL's order: the first matching prefix wins (e.g. "cgroup/post_bind4" is
 * cgroup_sock_addr here, while libbpf says cgroup_sock). */
static const struct section_rule section_rules[] = {
    {"socket", T(SOCKET_FILTER)},
    {"xdp", T(XDP)},
    {"cgroup/dev", T(CGROUP_DEVICE)},
    {"cgroup/skb", T(CGROUP_SKB)},
    {"cgroup/sock", T(CGROUP_SOCK)},
    {"kprobe/", T(KPROBE)},
    {"kretprobe/", T(KPROBE)},
    /* not in PREVAIL's table (which would fall back to socket_filter): libbpf's uprobe+,
     * uretprobe+, uprobe.s+, usdt+ sections are kprobe programs, as the kernel loads them */
    {"uprobe", T(KPROBE)},
    {"uretprobe", T(KPROBE)},
    {"usdt", T(KPROBE)},
    {"lwt_in", T(LWT_IN)},
    {"lwt_out", T(LWT_OUT)},
    {"lwt_xmit", T(LWT_XMIT)},
    {"perf_section", T(PERF_EVENT)},
    {"perf_event", T(PERF_EVENT)},
    {"action", T(SCHED_ACT)},
    {"classifier", T(SCHED_CLS)},
    {"sk_skb", T(SK_SKB)},
    {"sockops", T(SOCK_OPS)},
    {"tracepoint/", T(TRACEPOINT)},
    {"cgroup/getsockopt", T(CGROUP_SOCKOPT)},
    {"cgroup/setsockopt", T(CGROUP_SOCKOPT)},
    {"sk_msg", T(SK_MSG)},
    {"raw_tracepoint/", T(RAW_TRACEPOINT)},
    {"raw_tp/", T(RAW_TRACEPOINT)},
    {"raw_tracepoint.w/", T(RAW_TRACEPOINT_WRITABLE)},
    {"raw_tp.w/", T(RAW_TRACEPOINT_WRITABLE)},
    {"cgroup/bind", T(CGROUP_SOCK_ADDR)},
    {"cgroup/post_bind", T(CGROUP_SOCK_ADDR)},
    {"cgroup/connect", T(CGROUP_SOCK_ADDR)},
    {"cgroup/sendmsg", T(CGROUP_SOCK_ADDR)},
    {"cgroup/recvmsg", T(CGROUP_SOCK_ADDR)},
    {"cgroup/getpeername", T(CGROUP_SOCK_ADDR)},
    {"cgroup/getsockname", T(CGROUP_SOCK_ADDR)},
    {"lwt_seg6local", T(LWT_SEG6LOCAL)},
    {"lirc_mode2", T(LIRC_MODE2)},
    {"sk_reuseport/", T(SK_REUSEPORT)},
    {"flow_dissector", T(FLOW_DISSECTOR)},
    {"cgroup/sysctl", T(CGROUP_SYSCTL)},
    {"freplace/", T(EXT)},
    {"fentry/", T(TRACING)},
    {"fexit/", T(TRACING)},
    {"fmod_ret/", T(TRACING)},
    {"iter/", T(TRACING)},
    {"lsm.s/", &prog_tracing_sleepable},
    {"tp_btf/", T(TRACING)},
    {"struct_ops/", T(STRUCT_OPS)},
    {"lsm/", T(LSM)},
    {"sk_lookup/", T(SK_LOOKUP)},
    {"syscall/", T(SYSCALL)},
    {"netfilter/", T(NETFILTER)},
    /* additions (sleepable variants; no PREVAIL prefix matches these) */
    {"fentry.s/", &prog_tracing_sleepable},
    {"fexit.s/", &prog_tracing_sleepable},
    {"fmod_ret.s/", &prog_tracing_sleepable},
    {"iter.s/", &prog_tracing_sleepable},
    {"syscall", T(SYSCALL)},   /* libbpf's spelling */
};

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

const struct draco_prog_type *draco_linux_prog_type_from_section(const struct draco_platform *self,
                                                                 const char *section,
                                                                 const char *path)
{
    DRACO_UNUSED(self);
    if (path && strstr(path, "cilium")) {
        if (strstr(path, "xdp"))
            return T(XDP);
        if (strstr(path, "lxc"))
            return T(SCHED_CLS);
    }
    if (section) {
        for (size_t i = 0; i < DRACO_ARRAY_LEN(section_rules); i++)
            if (has_prefix(section, section_rules[i].prefix))
                return section_rules[i].type;
    }
    return &prog_section_default;
}

const struct draco_prog_type *draco_linux_prog_type_by_name(const struct draco_platform *self,
                                                            const char *name)
{
    DRACO_UNUSED(self);
    if (!name)
        return NULL;
    for (size_t i = 0; i < DRACO_ARRAY_LEN(prog_types); i++)
        if (strcmp(prog_types[i].name, name) == 0)
            return &prog_types[i];
    /* libbpf's other spellings of a few types */
    if (strcmp(name, "tc") == 0 || strcmp(name, "classifier") == 0)
        return T(SCHED_CLS);
    if (strcmp(name, "action") == 0)
        return T(SCHED_ACT);
    if (strcmp(name, "socket") == 0)
        return T(SOCKET_FILTER);
    if (strcmp(name, "sockops") == 0)
        return T(SOCK_OPS);
    if (strcmp(name, "raw_tp") == 0)
        return T(RAW_TRACEPOINT);
    if (strcmp(name, "tracing.s") == 0 || strcmp(name, "sleepable") == 0)
        return &prog_tracing_sleepable;
    return NULL;
}

const struct draco_prog_type *draco_linux_prog_types(size_t *n)
{
    *n = DRACO_ARRAY_LEN(prog_types);
    return prog_types;
}
#undef T
