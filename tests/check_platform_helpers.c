/* SPDX-License-Identifier: MIT */
/* Tests for lib/platform: the Linux helper table (shape, ids and names against libbpf's
 * bpf_helper_defs.h when present, pointer/size pairs against the C signatures), usability per
 * program type, lookup by name, builtins and kfuncs.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "platform/linux_platform.h"

#define HELPER_DEFS "/usr/include/bpf/bpf_helper_defs.h"

static const struct draco_platform *linux_pl(void) { return draco_platform_linux(); }

static const struct draco_prog_type *ptype(const char *name)
{
    const struct draco_prog_type *t = linux_pl()->prog_type_by_name(linux_pl(), name);
    ck_assert_msg(t != NULL, "no program type %s", name);
    return t;
}

static const struct draco_helper_proto *by_name(const char *name)
{
    return linux_pl()->helper_by_name(linux_pl(), name);
}

static bool usable(const char *helper, const char *type)
{
    const struct draco_helper_proto *p = by_name(helper);
    ck_assert_int_ge(p->id, 0);
    return linux_pl()->helper_usable(linux_pl(), p->id, ptype(type));
}

START_TEST(test_table_shape)
{
    ck_assert_uint_eq(draco_linux_helper_count, 212);
    for (size_t i = 0; i < draco_linux_helper_count; i++) {
        const struct draco_helper_proto *p = &draco_linux_helpers[i];
        const char *why = NULL;
        ck_assert_int_eq(p->id, (int32_t)i);
        ck_assert_msg(strncmp(p->name, "bpf_", 4) == 0, "%s", p->name);
        ck_assert_msg(draco_helper_proto_is_wellformed(p, &why), "%s: %s", p->name, why);
        ck_assert_ptr_eq(linux_pl()->helper_proto(linux_pl(), (int32_t)i, NULL), p);
        /* an unsupported kind anywhere makes the whole helper unsupported */
        bool bad_kind = p->ret == DRACO_RET_UNSUPPORTED;
        for (int a = 0; a < DRACO_HELPER_ARGS; a++)
            bad_kind |= p->args[a] == DRACO_ARG_PTR_TO_CONST_STR ||
                        p->args[a] == DRACO_ARG_PTR_TO_DYNPTR ||
                        p->args[a] == DRACO_ARG_UNSUPPORTED;
        ck_assert_msg(!bad_kind || p->unsupported, "%s has an unmodelled kind", p->name);
        /* a map restriction needs a map argument */
        bool has_map = false;
        for (int a = 0; a < DRACO_HELPER_ARGS; a++)
            has_map |= p->args[a] == DRACO_ARG_PTR_TO_MAP ||
                       p->args[a] == DRACO_ARG_PTR_TO_MAP_OF_PROGRAMS;
        ck_assert_msg(!p->map_types || has_map, "%s: map types without a map", p->name);
        /* key/value arguments need the map they refer to */
        for (int a = 0; a < DRACO_HELPER_ARGS; a++)
            if (p->args[a] == DRACO_ARG_PTR_TO_MAP_KEY || p->args[a] == DRACO_ARG_PTR_TO_MAP_VALUE ||
                p->args[a] == DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE ||
                p->args[a] == DRACO_ARG_PTR_TO_MAP_VALUE_OR_NULL)
                ck_assert_msg(has_map, "%s: key/value without a map", p->name);
        if (p->ret == DRACO_RET_PTR_TO_MAP_VALUE_OR_NULL || p->ret == DRACO_RET_PTR_TO_MAP_VALUE)
            ck_assert_msg(has_map, "%s returns a map value without a map", p->name);
    }
    ck_assert_ptr_null(linux_pl()->helper_proto(linux_pl(), 212, NULL));
    ck_assert_ptr_null(linux_pl()->helper_proto(linux_pl(), 100000, NULL));
    ck_assert(!linux_pl()->helper_usable(linux_pl(), 0, ptype("xdp")));
    ck_assert(!linux_pl()->helper_usable(linux_pl(), 212, ptype("xdp")));
}
END_TEST

/* ---- bpf_helper_defs.h: ids, names and pointer/size pairs ---- */
struct c_param {
    bool is_ptr, is_const, is_void_ptr;
    char name[64];
};

static int parse_params(const char *s, struct c_param *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char buf[256];
        if (len >= sizeof buf)
            len = sizeof buf - 1;
        memcpy(buf, s, len);
        buf[len] = 0;
        struct c_param *p = &out[n];
        memset(p, 0, sizeof *p);
        p->is_ptr = strchr(buf, '*') != NULL;
        p->is_const = strstr(buf, "const ") != NULL;
        p->is_void_ptr = strstr(buf, "void *") != NULL;
        char *end = buf + strlen(buf);
        while (end > buf && !isalnum((unsigned char)end[-1]) && end[-1] != '_')
            end--;
        char *start = end;
        while (start > buf && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
            start--;
        snprintf(p->name, sizeof p->name, "%.*s", (int)(end - start), start);
        if (strcmp(buf, "void") != 0 && strcmp(buf, "...") != 0 && strstr(buf, "...") == NULL)
            n++;
        if (!e)
            break;
        s = e + 1;
        while (*s == ' ')
            s++;
    }
    return n;
}

static bool name_is_size(const char *n)
{
    return strstr(n, "size") || strstr(n, "len") || strcmp(n, "sz") == 0 || strstr(n, "_sz");
}

START_TEST(test_against_helper_defs)
{
    FILE *f = fopen(HELPER_DEFS, "r");
    if (!f) {
        printf("SKIP test_against_helper_defs: " HELPER_DEFS " not found (libbpf-dev)\n");
        fflush(stdout);
        return;
    }
    char *line = NULL;
    size_t cap = 0, seen = 0, pairs = 0;
    bool seen_id[212] = {false};
    while (getline(&line, &cap, f) > 0) {
        if (strncmp(line, "static ", 7) != 0)
            continue;
        char *name = strstr(line, "(*bpf_");
        char *idp = strstr(line, "= (void *) ");
        if (!name || !idp)
            continue;
        name += 2;
        char *name_end = strchr(name, ')');
        ck_assert_ptr_nonnull(name_end);
        *name_end = 0;
        long id = strtol(idp + 11, NULL, 10);
        ck_assert_msg(id > 0 && id < 212, "%s: id %ld outside the table", name, id);
        const struct draco_helper_proto *p = &draco_linux_helpers[id];
        ck_assert_msg(strcmp(p->name, name) == 0, "id %ld: table %s, header %s", id, p->name,
                      name);
        ck_assert_ptr_eq(by_name(name), p);
        ck_assert_ptr_eq(by_name(name + 4), p);
        seen_id[id] = true;
        seen++;
        /* parameters: between "(" after the name and ") = " */
        char *params = name_end + 2;
        char *params_end = strstr(params, ") = (void *)");
        ck_assert_ptr_nonnull(params_end);
        *params_end = 0;
        struct c_param cp[8];
        int np = parse_params(params, cp, 8);
        int nk = 0;
        while (nk < DRACO_HELPER_ARGS && p->args[nk] != DRACO_ARG_DONTCARE)
            nk++;
        if (p->unsupported)
            continue;
        ck_assert_msg(nk == np || (id == 6 && nk == 2),
                      "%s: %d argument kinds, %d C parameters", name, nk, np);
        for (int a = 0; a < nk && a < np; a++) {
            enum draco_arg_kind k = p->args[a];
            if (draco_arg_kind_is_pair(k)) {
                /* a pair pointer is a C pointer whose size parameter is named like a size */
                ck_assert_msg(cp[a].is_ptr, "%s arg %d (%s) is a pair but not a pointer", name,
                              a + 1, cp[a].name);
                int j = draco_helper_proto_size_arg(p, a);
                ck_assert_int_ge(j, 0);
                ck_assert_msg(name_is_size(cp[j].name) && !cp[j].is_ptr,
                              "%s: size of arg %d is '%s'", name, a + 1, cp[j].name);
                pairs++;
            }
            if (draco_arg_kind_is_size(k))
                ck_assert_msg(!cp[a].is_ptr, "%s arg %d size is a pointer", name, a + 1);
            if (k == DRACO_ARG_ANYTHING || draco_arg_kind_is_size(k) ||
                k == DRACO_ARG_CONST_ALLOC_SIZE_OR_ZERO)
                continue;
            /* every other kind is some pointer in C */
            ck_assert_msg(cp[a].is_ptr, "%s arg %d (%s) has pointer kind %s", name, a + 1,
                          cp[a].name, draco_arg_kind_str(k));
            /* a const buffer in C is never written through */
            if (cp[a].is_const && cp[a].is_ptr)
                ck_assert_msg(!draco_arg_kind_is_written(k), "%s arg %d is const but written",
                              name, a + 1);
        }
        /* C pointer parameters named like buffers followed by a size must be pairs */
        for (int a = 0; a + 1 < np && a + 1 < nk; a++)
            if (cp[a].is_void_ptr && !cp[a + 1].is_ptr && name_is_size(cp[a + 1].name) &&
                strcmp(cp[a].name, "map") != 0 && strcmp(cp[a].name, "ringbuf") != 0 &&
                strcmp(cp[a].name, "ctx") != 0 && strcmp(cp[a].name, "skb") != 0)
                ck_assert_msg(draco_arg_kind_is_pair(p->args[a]),
                              "%s: '%s' followed by size '%s' is %s, not a pair", name,
                              cp[a].name, cp[a + 1].name, draco_arg_kind_str(p->args[a]));
    }
    free(line);
    fclose(f);
    ck_assert_uint_eq(seen, 211);
    for (int i = 1; i < 212; i++)
        ck_assert_msg(seen_id[i], "id %d missing from " HELPER_DEFS, i);
    ck_assert_uint_gt(pairs, 60);
}
END_TEST

START_TEST(test_reallocating)
{
    static const char *const realloc_helpers[] = {
        "skb_store_bytes", "l3_csum_replace", "l4_csum_replace", "clone_redirect",
        "skb_vlan_push", "skb_vlan_pop", "skb_change_proto", "skb_change_type",
        "skb_change_tail", "skb_change_head", "skb_pull_data", "xdp_adjust_head",
        "xdp_adjust_meta", "xdp_adjust_tail", "skb_adjust_room", "lwt_push_encap",
        "lwt_seg6_store_bytes", "lwt_seg6_adjust_srh", "lwt_seg6_action", "msg_push_data",
        "msg_pop_data", "msg_pull_data",
    };
    size_t n = 0;
    for (size_t i = 0; i < DRACO_ARRAY_LEN(realloc_helpers); i++) {
        const struct draco_helper_proto *p = by_name(realloc_helpers[i]);
        ck_assert_int_ge(p->id, 1);
        ck_assert_msg(p->reallocates_packet, "%s", p->name);
    }
    for (size_t i = 0; i < draco_linux_helper_count; i++)
        n += draco_linux_helpers[i].reallocates_packet;
    ck_assert_uint_eq(n, DRACO_ARRAY_LEN(realloc_helpers));
    ck_assert(by_name("xdp_store_bytes")->writes_packet);
    ck_assert(!by_name("xdp_store_bytes")->reallocates_packet);
    ck_assert(!by_name("map_lookup_elem")->writes_packet);
}
END_TEST

START_TEST(test_kinds_spot)
{
    const struct draco_helper_proto *p = by_name("bpf_map_lookup_elem");
    ck_assert_int_eq(p->id, 1);
    ck_assert_int_eq(p->ret, DRACO_RET_PTR_TO_MAP_VALUE_OR_NULL);
    ck_assert_int_eq(p->args[0], DRACO_ARG_PTR_TO_MAP);
    ck_assert_int_eq(p->args[1], DRACO_ARG_PTR_TO_MAP_KEY);
    ck_assert_int_eq(p->args[2], DRACO_ARG_DONTCARE);
    ck_assert(p->map_types & (1ull << 1));    /* HASH */
    ck_assert(!(p->map_types & (1ull << 3))); /* not PROG_ARRAY */
    ck_assert(!(p->map_types & (1ull << 15)));/* not SOCKMAP (lookup yields a socket) */
    p = by_name("map_update_elem");
    ck_assert_int_eq(p->args[2], DRACO_ARG_PTR_TO_MAP_VALUE);
    p = by_name("map_pop_elem");
    ck_assert_int_eq(p->args[1], DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE);
    ck_assert(draco_arg_kind_is_written(p->args[1]));
    p = by_name("tail_call");
    ck_assert_int_eq(p->ret, DRACO_RET_INTEGER_OR_NO_RETURN_IF_SUCCEED);
    ck_assert_int_eq(p->args[1], DRACO_ARG_PTR_TO_MAP_OF_PROGRAMS);
    p = by_name("probe_read_kernel");
    ck_assert_int_eq(p->args[0], DRACO_ARG_PTR_TO_WRITABLE_MEM);
    ck_assert_int_eq(p->args[1], DRACO_ARG_CONST_SIZE_OR_ZERO);
    p = by_name("skb_load_bytes");
    ck_assert_int_eq(p->args[2], DRACO_ARG_PTR_TO_WRITABLE_MEM);
    ck_assert_int_eq(p->args[3], DRACO_ARG_CONST_SIZE);
    p = by_name("perf_event_output");
    ck_assert_int_eq(p->args[3], DRACO_ARG_PTR_TO_READONLY_MEM);
    ck_assert(!draco_arg_kind_is_written(p->args[3]));
    p = by_name("ringbuf_reserve");
    ck_assert_int_eq(p->ret, DRACO_RET_PTR_TO_ALLOC_MEM_OR_NULL);
    ck_assert_int_eq(p->args[1], DRACO_ARG_CONST_ALLOC_SIZE_OR_ZERO);
    ck_assert_int_eq(by_name("ringbuf_submit")->args[0], DRACO_ARG_PTR_TO_ALLOC_MEM);
    p = by_name("csum_diff");
    ck_assert_int_eq(p->args[0], DRACO_ARG_PTR_TO_READONLY_MEM_OR_NULL);
    ck_assert(draco_arg_kind_is_nullable(p->args[0]));
    ck_assert_int_eq(draco_helper_proto_size_arg(p, 2), 3);
    p = by_name("strtol");
    ck_assert_int_eq(p->args[3], DRACO_ARG_PTR_TO_LONG);
    p = by_name("check_mtu");
    ck_assert_int_eq(p->args[2], DRACO_ARG_PTR_TO_FIXED_MEM);
    ck_assert_int_eq(p->arg_size[2], 4);
    ck_assert_int_eq(by_name("tcp_raw_gen_syncookie_ipv6")->arg_size[0], 40);
    ck_assert_int_eq(by_name("sk_lookup_tcp")->ret, DRACO_RET_PTR_TO_SOCKET_OR_NULL);
    ck_assert_int_eq(by_name("skc_lookup_tcp")->ret, DRACO_RET_PTR_TO_SOCK_COMMON_OR_NULL);
    ck_assert_int_eq(by_name("tcp_sock")->ret, DRACO_RET_PTR_TO_TCP_SOCKET_OR_NULL);
    ck_assert_int_eq(by_name("get_local_storage")->ret, DRACO_RET_PTR_TO_MAP_VALUE);
    ck_assert_int_eq(by_name("loop")->args[1], DRACO_ARG_PTR_TO_FUNC);
    ck_assert_int_eq(by_name("spin_lock")->args[0], DRACO_ARG_PTR_TO_SPIN_LOCK);
    ck_assert_int_eq(by_name("timer_init")->args[0], DRACO_ARG_PTR_TO_TIMER);
    ck_assert_int_eq(by_name("this_cpu_ptr")->ret, DRACO_RET_PTR_TO_MEM_OR_BTF_ID);
    ck_assert_str_eq(draco_arg_kind_str(DRACO_ARG_PTR_TO_MAP_KEY), "ptr_to_map_key");
    ck_assert_str_eq(draco_ret_kind_str(DRACO_RET_VOID), "void");
}
END_TEST

START_TEST(test_usability)
{
    ck_assert(usable("map_lookup_elem", "socket_filter"));
    ck_assert(usable("map_lookup_elem", "xdp"));
    ck_assert(usable("xdp_adjust_head", "xdp"));
    ck_assert(!usable("xdp_adjust_head", "sched_cls"));
    ck_assert(usable("skb_store_bytes", "sched_cls"));
    ck_assert(usable("skb_store_bytes", "sched_act"));
    ck_assert(!usable("skb_store_bytes", "xdp"));
    ck_assert(!usable("skb_store_bytes", "kprobe"));
    ck_assert(usable("skb_load_bytes", "flow_dissector"));
    ck_assert(!usable("skb_load_bytes", "xdp"));
    ck_assert(usable("msg_push_data", "sk_msg"));
    ck_assert(!usable("msg_push_data", "sk_skb"));
    ck_assert(usable("override_return", "kprobe"));
    ck_assert(!usable("override_return", "tracepoint"));
    ck_assert(usable("sock_map_update", "sock_ops"));
    ck_assert(usable("sysctl_get_name", "cgroup_sysctl"));
    ck_assert(!usable("sysctl_get_name", "cgroup_skb"));
    ck_assert(usable("get_socket_cookie", "sched_cls"));
    ck_assert(!usable("get_socket_cookie", "xdp"));
    ck_assert(!usable("get_socket_cookie", "kprobe"));
    /* sleepable helpers only in sleepable programs */
    const struct draco_platform *pl = linux_pl();
    const struct draco_helper_proto *cfu = by_name("copy_from_user");
    ck_assert(cfu->might_sleep);
    ck_assert(!pl->helper_usable(pl, cfu->id, pl->prog_type_from_section(pl, "fentry/x", "")));
    ck_assert(pl->helper_usable(pl, cfu->id, pl->prog_type_from_section(pl, "fentry.s/x", "")));
    ck_assert(!usable("copy_from_user", "kprobe"));
    /* unsupported helpers are listed but never usable */
    static const char *const unsupported[] = {
        "snprintf", "strncmp", "kptr_xchg", "dynptr_from_mem", "dynptr_read", "dynptr_write",
        "dynptr_data", "ringbuf_reserve_dynptr", "ringbuf_submit_dynptr",
        "ringbuf_discard_dynptr", "user_ringbuf_drain",
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(unsupported); i++) {
        const struct draco_helper_proto *p = by_name(unsupported[i]);
        ck_assert_msg(p->id > 0 && p->unsupported, "%s", unsupported[i]);
        size_t n = 0;
        const struct draco_prog_type *types = draco_linux_prog_types(&n);
        for (size_t t = 0; t < n; t++)
            ck_assert(!pl->helper_usable(pl, p->id, &types[t]));
    }
    /* every supported helper is usable by at least one program type */
    size_t n = 0;
    const struct draco_prog_type *types = draco_linux_prog_types(&n);
    const struct draco_prog_type *sleepy = pl->prog_type_from_section(pl, "fentry.s/x", "");
    for (size_t i = 1; i < draco_linux_helper_count; i++) {
        const struct draco_helper_proto *p = &draco_linux_helpers[i];
        if (p->unsupported)
            continue;
        bool any = pl->helper_usable(pl, p->id, sleepy);
        for (size_t t = 0; t < n && !any; t++)
            any = pl->helper_usable(pl, p->id, &types[t]);
        ck_assert_msg(any, "%s is usable nowhere", p->name);
    }
}
END_TEST

START_TEST(test_builtins_and_names)
{
    const struct draco_platform *pl = linux_pl();
    const struct draco_helper_proto *p = pl->helper_by_name(pl, "memset");
    ck_assert_int_eq(p->id, DRACO_BUILTIN_MEMSET);
    ck_assert_int_eq(p->args[0], DRACO_ARG_PTR_TO_WRITABLE_MEM);
    ck_assert_int_eq(draco_helper_proto_size_arg(p, 0), 2);
    ck_assert_int_eq(draco_helper_proto_size_arg(p, 1), -1);
    p = pl->helper_by_name(pl, "memcpy");
    ck_assert_int_eq(p->id, DRACO_BUILTIN_MEMCPY);
    ck_assert_int_eq(draco_helper_proto_size_arg(p, 0), 2);
    ck_assert_int_eq(draco_helper_proto_size_arg(p, 1), 2);
    ck_assert_int_eq(p->args[1], DRACO_ARG_PTR_TO_READONLY_MEM);
    ck_assert_int_eq(pl->helper_by_name(pl, "memmove")->id, DRACO_BUILTIN_MEMMOVE);
    ck_assert_int_eq(pl->helper_by_name(pl, "__builtin_memcmp")->id, DRACO_BUILTIN_MEMCMP);
    p = pl->helper_by_name(pl, "some_unknown_extern");
    ck_assert_int_eq(p->id, DRACO_BUILTIN_EXTERN_UNSPECIFIED);
    ck_assert(p->reallocates_packet);
    for (int a = 0; a < DRACO_HELPER_ARGS; a++)
        ck_assert_int_eq(p->args[a], DRACO_ARG_ANYTHING);
    for (int32_t id = DRACO_BUILTIN_EXTERN_UNSPECIFIED; id < 0; id++) {
        const char *why = NULL;
        p = pl->helper_proto(pl, id, NULL);
        ck_assert_ptr_nonnull(p);
        ck_assert_int_eq(p->id, id);
        ck_assert_msg(draco_helper_proto_is_wellformed(p, &why), "%s: %s", p->name, why);
        ck_assert(pl->helper_usable(pl, id, ptype("xdp")));
    }
    ck_assert_ptr_null(pl->helper_proto(pl, -6, NULL));
    ck_assert_ptr_eq(pl->helper_by_name(pl, "ebpf_map_lookup_elem"), &draco_linux_helpers[1]);
    ck_assert_int_eq(pl->helper_by_name(pl, "bpf_unspec")->id, DRACO_BUILTIN_EXTERN_UNSPECIFIED);
    /* kfuncs: a few known, anything else unknown */
    ck_assert_ptr_nonnull(pl->kfunc_resolve(pl, "bpf_rcu_read_lock", ptype("tracing")));
    ck_assert_ptr_null(pl->kfunc_resolve(pl, "bpf_obj_new_impl", ptype("tracing")));
    ck_assert_ptr_null(pl->kfunc_resolve(pl, NULL, ptype("tracing")));
}
END_TEST

START_TEST(test_wellformed_rejects)
{
    const char *why = NULL;
    struct draco_helper_proto p = {.name = "x", .args = {DRACO_ARG_PTR_TO_READONLY_MEM}};
    ck_assert(!draco_helper_proto_is_wellformed(&p, &why));
    ck_assert_ptr_nonnull(why);
    struct draco_helper_proto q = {.name = "x", .args = {DRACO_ARG_ANYTHING, DRACO_ARG_CONST_SIZE}};
    ck_assert(!draco_helper_proto_is_wellformed(&q, &why));
    struct draco_helper_proto r = {.name = "x",
                                   .args = {DRACO_ARG_DONTCARE, DRACO_ARG_ANYTHING}};
    ck_assert(!draco_helper_proto_is_wellformed(&r, &why));
    struct draco_helper_proto s = {.name = "x", .args = {DRACO_ARG_PTR_TO_FIXED_MEM}};
    ck_assert(!draco_helper_proto_is_wellformed(&s, &why));
    s.arg_size[0] = 4;
    ck_assert(draco_helper_proto_is_wellformed(&s, &why));
    struct draco_helper_proto t = {.name = "x", .ret = DRACO_RET_PTR_TO_ALLOC_MEM_OR_NULL};
    ck_assert(!draco_helper_proto_is_wellformed(&t, &why));
    struct draco_helper_proto u = {.name = "x", .reallocates_packet = true};
    ck_assert(!draco_helper_proto_is_wellformed(&u, &why));
    struct draco_helper_proto v = {.name = "x", .args = {DRACO_ARG_PTR_TO_WRITABLE_MEM,
                                                         DRACO_ARG_ANYTHING,
                                                         DRACO_ARG_CONST_SIZE},
                                   .size_arg = {2}};
    ck_assert(!draco_helper_proto_is_wellformed(&v, &why));  /* size arg is not a size */
    v.size_arg[0] = 3;
    ck_assert(draco_helper_proto_is_wellformed(&v, &why));
}
END_TEST

extern Suite *draco_suite_platform_helpers(void);
Suite *draco_suite_platform_helpers(void)
{
    Suite *s = suite_create("platform_helpers");
    TCase *tc = tcase_create("helpers");
    tcase_add_test(tc, test_table_shape);
    tcase_add_test(tc, test_against_helper_defs);
    tcase_add_test(tc, test_reallocating);
    tcase_add_test(tc, test_kinds_spot);
    tcase_add_test(tc, test_usability);
    tcase_add_test(tc, test_builtins_and_names);
    tcase_add_test(tc, test_wellformed_rejects);
    suite_add_tcase(s, tc);
    return s;
}
