/* SPDX-License-Identifier: MIT */
/* Tests for lib/platform: program types from section names, context layouts, --type names.
 *
 * The corpus test reads ../shared/corpus/baselines/{corpus,kernel-6.18}.tsv (relative to the
 * repository root, the working directory of the test runner) and skips with a message when they
 * are absent; the embedded cases run everywhere.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "platform/linux_platform.h"
#include "tsv_split.h"

#define SHARED_DIR "../shared"

static const struct draco_prog_type *from_section(const char *section, const char *path)
{
    const struct draco_platform *pl = draco_platform_linux();
    return pl->prog_type_from_section(pl, section, path);
}

struct section_case {
    const char *section, *path, *type;
};
/* Expected types follow PREVAIL's prefix rules (first match in its table order). */
static const struct section_case section_cases[] = {
    {"xdp", "build/packet_access.o", "xdp"},
    {"xdp_prog", "build/tail_call.o", "xdp"},
    {"xdp_prog/0", "build/tail_call.o", "xdp"},
    {"xdp.frags", "", "xdp"},
    {"socket1", "linux/sockex1_kern.o", "socket_filter"},
    {"socket/3", "linux/sockex3_kern.o", "socket_filter"},
    {".text", "build/badhelpercall.o", "socket_filter"},
    {"test", "build/bounded_loop.o", "socket_filter"},
    {"", "", "socket_filter"},
    {"kprobe/sys_write", "", "kprobe"},
    {"kretprobe/tcp_v4_connect", "", "kprobe"},
    {"uretprobe/bash_readline", "", "kprobe"},   /* libbpf uretprobe+ (not in PREVAIL's table) */
    {"uprobe/libc.so.6:malloc", "", "kprobe"},
    {"uprobe.s/x", "", "kprobe"},
    {"usdt/libc:probe", "", "kprobe"},
    {"tracepoint/syscalls/sys_enter_open", "", "tracepoint"},
    {"raw_tracepoint/filler/sys_open", "", "raw_tracepoint"},
    {"raw_tp/sched_switch", "", "raw_tracepoint"},
    {"raw_tp.w/foo", "", "raw_tracepoint_writable"},
    {"raw_tracepoint.w/foo", "", "raw_tracepoint_writable"},
    {"perf_event", "", "perf_event"},
    {"perf_section", "", "perf_event"},
    {"classifier", "", "sched_cls"},
    {"classifier/ingress", "", "sched_cls"},
    {"action/police", "", "sched_act"},
    {"tc", "cilium-examples/tcx_bpf_bpfel.o", "socket_filter"},
    {"sockops", "", "sock_ops"},
    {"sk_skb/stream_parser", "", "sk_skb"},
    {"sk_msg", "", "sk_msg"},
    {"cgroup/skb", "", "cgroup_skb"},
    {"cgroup_skb/egress", "", "socket_filter"},
    {"cgroup/dev", "", "cgroup_device"},
    {"cgroup/sock", "", "cgroup_sock"},
    {"cgroup/sock1", "linux/sock_flags_kern.o", "cgroup_sock"},
    {"cgroup/sock_release", "", "cgroup_sock"},
    {"cgroup/connect4", "", "cgroup_sock_addr"},
    {"cgroup/sendmsg6", "", "cgroup_sock_addr"},
    {"cgroup/recvmsg4", "", "cgroup_sock_addr"},
    {"cgroup/post_bind4", "", "cgroup_sock_addr"},
    {"cgroup/bind4", "", "cgroup_sock_addr"},
    {"cgroup/getsockname6", "", "cgroup_sock_addr"},
    {"cgroup/getsockopt", "", "cgroup_sockopt"},
    {"cgroup/setsockopt", "", "cgroup_sockopt"},
    {"cgroup/sysctl", "", "cgroup_sysctl"},
    {"lwt_in", "", "lwt_in"},
    {"lwt_out", "", "lwt_out"},
    {"lwt_xmit", "", "lwt_xmit"},
    {"lwt_seg6local", "", "lwt_seg6local"},
    {"lirc_mode2", "", "lirc_mode2"},
    {"sk_reuseport/migrate", "", "sk_reuseport"},
    {"flow_dissector", "", "flow_dissector"},
    {"freplace/foo", "", "ext"},
    {"fentry/tcp_connect", "", "tracing"},
    {"fexit/tcp_close", "", "tracing"},
    {"fmod_ret/foo", "", "tracing"},
    {"iter/task", "", "tracing"},
    {"tp_btf/sched_switch", "", "tracing"},
    {"lsm.s/bprm_committed_creds", "", "tracing"},
    {"lsm/file_open", "", "lsm"},
    {"struct_ops/tcp_init", "", "struct_ops"},
    {"sk_lookup/dispatch", "", "sk_lookup"},
    {"syscall", "", "syscall"},
    {"netfilter/hook", "", "netfilter"},
    /* the cilium path rules */
    {"from-netdev", "cilium/bpf_xdp.o", "xdp"},
    {"2/1", "cilium/bpf_xdp_dsr_linux.o", "xdp"},
    {"2/1", "cilium/bpf_lxc.o", "sched_cls"},
    {"tc/tail", "cilium-core/bpf_lxc.o", "sched_cls"},
    {"xdp/entry", "cilium-core/bpf_xdp.o", "xdp"},
    {"2/1", "cilium/bpf_lb.o", "socket_filter"},
    {"tc/tail", "cilium-core/bpf_host.o", "socket_filter"},
    {"2/1", "other/bpf_lxc.o", "socket_filter"},
};

START_TEST(test_section_embedded)
{
    const struct section_case *c = &section_cases[_i];
    const struct draco_prog_type *t = from_section(c->section, c->path);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(strcmp(t->name, c->type) == 0, "section '%s' path '%s': got %s, want %s",
                  c->section, c->path, t->name, c->type);
}
END_TEST

START_TEST(test_section_flags)
{
    ck_assert(from_section("kprobe/x", "")->is_privileged);
    ck_assert(from_section("raw_tracepoint/x", "")->is_privileged);
    ck_assert(from_section("raw_tp.w/x", "")->is_privileged);
    ck_assert(from_section("fentry/x", "")->is_privileged);
    ck_assert(!from_section("xdp", "")->is_privileged);
    ck_assert(!from_section("socket", "")->is_privileged);
    ck_assert(!from_section("tracepoint/x/y", "")->is_privileged);
    ck_assert(!from_section("fentry/x", "")->is_sleepable);
    ck_assert(from_section("fentry.s/x", "")->is_sleepable);
    ck_assert(from_section("lsm.s/x", "")->is_sleepable);
    ck_assert(from_section("syscall", "")->is_sleepable);
    ck_assert_str_eq(from_section("fentry.s/x", "")->name, "tracing");
    /* NULL section and path are tolerated */
    ck_assert_str_eq(from_section(NULL, NULL)->name, "socket_filter");
}
END_TEST

START_TEST(test_prog_type_table)
{
    size_t n = 0;
    const struct draco_prog_type *types = draco_linux_prog_types(&n);
    ck_assert_uint_eq(n, 33);
    const struct draco_platform *pl = draco_platform_linux();
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(types[i].id, i);
        ck_assert_ptr_nonnull(types[i].ctx);
        ck_assert_ptr_nonnull(types[i].ctx->name);
        const struct draco_prog_type *t = pl->prog_type_by_name(pl, types[i].name);
        ck_assert_ptr_eq(t, &types[i]);
        const struct draco_ctx_desc *c = types[i].ctx;
        /* packet offsets, when present, lie inside the context and are distinct */
        int32_t off[3] = {c->data, c->data_end, c->data_meta};
        for (int k = 0; k < 3; k++) {
            if (off[k] < 0) {
                ck_assert_int_eq(off[k], -1);
                continue;
            }
            ck_assert_int_le(off[k] + 4, c->size);
            for (int m = 0; m < k; m++)
                ck_assert_int_ne(off[k], off[m]);
        }
        ck_assert((c->data < 0) == (c->data_end < 0));
        if (c->data_meta >= 0)
            ck_assert_int_ge(c->data, 0);
    }
    ck_assert_ptr_null(pl->prog_type_by_name(pl, "no_such_type"));
    ck_assert_ptr_null(pl->prog_type_by_name(pl, NULL));
    ck_assert_str_eq(pl->prog_type_by_name(pl, "tc")->name, "sched_cls");
}
END_TEST

struct ctx_case {
    const char *type;
    int32_t size, data, data_end, data_meta;
};
static const struct ctx_case ctx_cases[] = {
    {"socket_filter", 192, 76, 80, 140}, {"sched_cls", 192, 76, 80, 140},
    {"sched_act", 192, 76, 80, 140},     {"cgroup_skb", 192, 76, 80, 140},
    {"lwt_in", 192, 76, 80, 140},        {"lwt_xmit", 192, 76, 80, 140},
    {"sk_skb", 192, 76, 80, 140},        {"xdp", 24, 0, 4, 8},
    {"sk_msg", 80, 0, 8, -1},            {"sk_reuseport", 56, 0, 8, -1},
    {"flow_dissector", 192, 76, 80, -1}, {"kprobe", 608, -1, -1, -1},
    {"tracepoint", 2048, -1, -1, -1},    {"raw_tracepoint", 2048, -1, -1, -1},
    {"perf_event", 632, -1, -1, -1},     {"cgroup_sock", 80, -1, -1, -1},
    {"sock_ops", 224, -1, -1, -1},       {"cgroup_sock_addr", 72, -1, -1, -1},
    {"cgroup_sockopt", 40, -1, -1, -1},  {"sk_lookup", 72, -1, -1, -1},
    {"cgroup_sysctl", 8, -1, -1, -1},    {"cgroup_device", 12, -1, -1, -1},
    {"tracing", 96, -1, -1, -1},         {"lsm", 96, -1, -1, -1},
    {"struct_ops", 96, -1, -1, -1},      {"lirc_mode2", 4, -1, -1, -1},
    {"netfilter", 16, -1, -1, -1},       {"syscall", 65535, -1, -1, -1},
    {"unspec", 0, -1, -1, -1},
};

START_TEST(test_ctx_layouts)
{
    const struct ctx_case *c = &ctx_cases[_i];
    const struct draco_platform *pl = draco_platform_linux();
    const struct draco_prog_type *t = pl->prog_type_by_name(pl, c->type);
    ck_assert_ptr_nonnull(t);
    ck_assert_msg(t->ctx->size == c->size && t->ctx->data == c->data &&
                      t->ctx->data_end == c->data_end && t->ctx->data_meta == c->data_meta,
                  "%s: ctx {%d,%d,%d,%d}", c->type, t->ctx->size, t->ctx->data, t->ctx->data_end,
                  t->ctx->data_meta);
}
END_TEST

/* ---- corpus: section names of the sample corpus vs the kernel baseline ---- */
#define MAX_FIELDS 16

struct krow {
    char *file, *section, *type, *source;
};

/* Places where libbpf (and so the kernel baseline) and PREVAIL's prefix table disagree; the
 * platform follows PREVAIL. want = what PREVAIL's rules give. */
struct divergence {
    const char *prefix, *want, *kernel;
};
static const struct divergence divergences[] = {
    {"tc", "socket_filter", "sched_cls"},             /* libbpf: "tc", "tc/..." */
    {"cgroup_skb/", "socket_filter", "cgroup_skb"},   /* PREVAIL only knows "cgroup/skb" */
    {"cgroup/post_bind", "cgroup_sock_addr", "cgroup_sock"},
    {"af_xdp", "socket_filter", "xdp"},               /* baseline: "xdp" anywhere in the name */
};

START_TEST(test_section_corpus)
{
    FILE *kf = fopen(SHARED_DIR "/corpus/baselines/kernel-6.18.tsv", "r");
    FILE *cf = fopen(SHARED_DIR "/corpus/baselines/corpus.tsv", "r");
    if (!kf || !cf) {
        printf("SKIP test_section_corpus: " SHARED_DIR "/corpus/baselines not found "
               "(run from the repository root with the shared inputs next to it)\n");
        fflush(stdout);
        if (kf)
            fclose(kf);
        if (cf)
            fclose(cf);
        return;
    }
    DRACO_VEC(struct krow) rows = {0};
    char *line = NULL;
    size_t cap = 0;
    char *f[MAX_FIELDS];
    bool header = true;
    while (getline(&line, &cap, kf) > 0) {
        if (header) {
            header = false;
            continue;
        }
        if (tsv_split(line, f, MAX_FIELDS) < 9)
            continue;
        struct krow r = {strdup(f[0]), strdup(f[1]), strdup(f[3]), strdup(f[8])};
        ck_assert_int_eq(draco_vec_push(&rows, r), 0);
    }
    ck_assert_uint_gt(rows.len, 100);
    size_t sections = 0, compared = 0, agree = 0, diverge = 0, dir_default = 0, no_kernel = 0;
    header = true;
    while (getline(&line, &cap, cf) > 0) {
        if (header) {
            header = false;
            continue;
        }
        if (tsv_split(line, f, MAX_FIELDS) < 3)
            continue;
        sections++;
        const struct draco_prog_type *t = from_section(f[1], f[0]);
        ck_assert_ptr_nonnull(t);
        const struct krow *k = NULL;
        for (size_t i = 0; i < rows.len && !k; i++)
            if (strcmp(rows.data[i].file, f[0]) == 0 && strcmp(rows.data[i].section, f[1]) == 0)
                k = &rows.data[i];
        if (!k || strcmp(k->type, "-") == 0) {
            no_kernel++;
            continue;
        }
        bool cilium_rule = strstr(f[0], "cilium") && (strstr(f[0], "xdp") || strstr(f[0], "lxc"));
        if (strncmp(k->source, "dir-default", 11) == 0 && !cilium_rule) {
            /* the baseline chose the type from the directory, not the section: PREVAIL's rules
             * give whatever the section's prefix (or the socket_filter default) says */
            dir_default++;
            continue;
        }
        compared++;
        if (strcmp(t->name, k->type) == 0) {
            agree++;
            continue;
        }
        const struct divergence *d = NULL;
        for (size_t i = 0; i < DRACO_ARRAY_LEN(divergences) && !d; i++)
            if (strncmp(f[1], divergences[i].prefix, strlen(divergences[i].prefix)) == 0)
                d = &divergences[i];
        ck_assert_msg(d != NULL, "%s section '%s': platform says %s, kernel baseline %s (%s)",
                      f[0], f[1], t->name, k->type, k->source);
        ck_assert_str_eq(t->name, d->want);
        ck_assert_str_eq(k->type, d->kernel);
        diverge++;
    }
    printf("section corpus: %zu sections, %zu compared with the kernel baseline, %zu agree, "
           "%zu known PREVAIL/libbpf divergences, %zu directory defaults, %zu without a kernel "
           "row\n", sections, compared, agree, diverge, dir_default, no_kernel);
    fflush(stdout);
    ck_assert_uint_gt(agree, 300);
    for (size_t i = 0; i < rows.len; i++) {
        free(rows.data[i].file);
        free(rows.data[i].section);
        free(rows.data[i].type);
        free(rows.data[i].source);
    }
    draco_vec_free(&rows);
    free(line);
    fclose(kf);
    fclose(cf);
}
END_TEST

extern Suite *draco_suite_platform_progtypes(void);
Suite *draco_suite_platform_progtypes(void)
{
    Suite *s = suite_create("platform_progtypes");
    TCase *tc = tcase_create("sections");
    tcase_add_loop_test(tc, test_section_embedded, 0, (int)DRACO_ARRAY_LEN(section_cases));
    tcase_add_test(tc, test_section_flags);
    tcase_add_test(tc, test_section_corpus);
    suite_add_tcase(s, tc);
    tc = tcase_create("types");
    tcase_add_test(tc, test_prog_type_table);
    tcase_add_loop_test(tc, test_ctx_layouts, 0, (int)DRACO_ARRAY_LEN(ctx_cases));
    suite_add_tcase(s, tc);
    return s;
}
