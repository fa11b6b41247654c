/* SPDX-License-Identifier: MIT */
/* check/check_call: assertions of helper calls from their prototypes, and the checks specific to
 * calls (sizes, map keys and values, map types, context offset, zero arguments, callx targets)
 * and to loops (bounded loop count).
 *
 * Invariants: an argument kind or return kind the analysis cannot model yields a failing
 * assertion (DRACO_A_FAIL) — never a silent pass; callbacks (PTR_TO_FUNC) are refused unless the
 * platform models the helper (bpf_loop, bpf_for_each_map_elem: DRACO_A_CALLBACK, check_callback.c).
 */
#include <string.h>
#include "check/check_internal.h"

#define TS_INIT ((draco_typeset)(DRACO_TS_ALL & ~DRACO_TS(DRACO_TYPE_UNINIT)))

static struct draco_assertion *add(struct draco_assertions *out, enum draco_assert_kind k, unsigned reg)
{
    if (out->n >= DRACO_MAX_ASSERTIONS)
        return NULL;
    struct draco_assertion *a = &out->a[out->n++];
    *a = (struct draco_assertion){0};
    a->kind = (uint8_t)k;
    a->reg = (uint8_t)reg;
    return a;
}

static void add_type(struct draco_assertions *out, unsigned reg, draco_typeset g)
{
    struct draco_assertion *a = add(out, DRACO_A_TYPE, reg);
    if (a)
        a->group = g;
}

static void add_fail(struct draco_assertions *out, const char *why, const char *helper)
{
    struct draco_assertion *a = add(out, DRACO_A_FAIL, 0);
    if (a) {
        a->why = why;
        a->helper = helper;
    }
}

static int map_arg_reg(const struct draco_helper_proto *p)
{
    for (int i = 0; i < DRACO_HELPER_ARGS; i++)
        if (p->args[i] == DRACO_ARG_PTR_TO_MAP || p->args[i] == DRACO_ARG_PTR_TO_MAP_OF_PROGRAMS)
            return i + 1;
    return -1;
}

void draco_assertions_of_helper(struct draco_actx *ax, const struct draco_helper_proto *p,
                                struct draco_assertions *out)
{
    const char *why = NULL;
    if (p->unsupported || p->ret == DRACO_RET_UNSUPPORTED) {
        add_fail(out, "helper is not supported", p->name);
        return;
    }
    if (!draco_helper_proto_is_wellformed(p, &why)) {
        add_fail(out, "malformed helper prototype", p->name);
        return;
    }
    if (!draco_helper_proto_usable_in(p, ax->ptype) ||
        (p->id >= 0 && ax->plat->helper_usable && !ax->plat->helper_usable(ax->plat, p->id, ax->ptype))) {
        add_fail(out, "helper is not available for this program type", p->name);
        return;
    }
    /* ARG_ANYTHING takes a pointer from a privileged type or a root loader (it leaks into the
     * helper as a number; the kernel refuses it only without allow_ptr_leaks) */
    bool priv = (ax->ptype && ax->ptype->is_privileged) || ax->opts.privileged;
    int mreg = map_arg_reg(p);
    for (int i = 0; i < DRACO_HELPER_ARGS; i++) {
        unsigned r = (unsigned)i + 1;
        enum draco_arg_kind k = p->args[i];
        struct draco_assertion *a;
        switch (k) {
        case DRACO_ARG_DONTCARE:
            i = DRACO_HELPER_ARGS;
            break;
        case DRACO_ARG_ANYTHING:
            add_type(out, r, priv ? TS_INIT : DRACO_TS_NUM);
            break;
        case DRACO_ARG_CONST_SIZE:
        case DRACO_ARG_CONST_SIZE_OR_ZERO:
        case DRACO_ARG_CONST_ALLOC_SIZE_OR_ZERO:
            add_type(out, r, DRACO_TS_NUM);
            a = add(out, DRACO_A_SIZE, r);
            if (a)
                a->can_be_zero = k != DRACO_ARG_CONST_SIZE;
            break;
        case DRACO_ARG_PTR_TO_CTX:
        case DRACO_ARG_PTR_TO_CTX_OR_NULL:
            add_type(out, r, k == DRACO_ARG_PTR_TO_CTX ? DRACO_TS(DRACO_TYPE_CTX)
                                                       : (draco_typeset)(DRACO_TS(DRACO_TYPE_CTX) | DRACO_TS_NUM));
            a = add(out, DRACO_A_ZERO_CTX, r);
            if (a)
                a->or_null = k == DRACO_ARG_PTR_TO_CTX_OR_NULL;
            break;
        case DRACO_ARG_PTR_TO_MAP:
            add_type(out, r, DRACO_TS(DRACO_TYPE_MAP_FD));
            break;
        case DRACO_ARG_PTR_TO_MAP_OF_PROGRAMS:
            add_type(out, r, DRACO_TS(DRACO_TYPE_MAP_FD_PROGRAMS));
            break;
        case DRACO_ARG_PTR_TO_MAP_KEY:
        case DRACO_ARG_PTR_TO_MAP_VALUE:
        case DRACO_ARG_PTR_TO_MAP_VALUE_OR_NULL:
        case DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE:
            add_type(out, r, k == DRACO_ARG_PTR_TO_MAP_VALUE_OR_NULL
                                 ? (draco_typeset)(DRACO_TS_HELPER_MEM | DRACO_TS_NUM) : DRACO_TS_HELPER_MEM);
            if (mreg < 0) {
                add_fail(out, "map key/value argument without a map", p->name);
                break;
            }
            a = add(out, DRACO_A_MAP_KV, r);
            if (a) {
                a->reg2 = (uint8_t)mreg;
                a->is_key = k == DRACO_ARG_PTR_TO_MAP_KEY;
                a->or_null = k == DRACO_ARG_PTR_TO_MAP_VALUE_OR_NULL;
                a->numeric_needed = k != DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE;
            }
            break;
        case DRACO_ARG_PTR_TO_READONLY_MEM:
        case DRACO_ARG_PTR_TO_READONLY_MEM_OR_NULL:
        case DRACO_ARG_PTR_TO_READABLE_MEM:
        case DRACO_ARG_PTR_TO_READABLE_MEM_OR_NULL:
        case DRACO_ARG_PTR_TO_WRITABLE_MEM:
        case DRACO_ARG_PTR_TO_WRITABLE_MEM_OR_NULL: {
            bool nul = draco_arg_kind_is_nullable(k);
            int j = draco_helper_proto_size_arg(p, i);
            add_type(out, r, nul ? (draco_typeset)(DRACO_TS_HELPER_MEM | DRACO_TS_NUM) : DRACO_TS_HELPER_MEM);
            a = add(out, DRACO_A_ACCESS, r);
            if (a) {
                a->width_is_reg = true;
                a->width_reg = (uint8_t)(j + 1);
                a->or_null = nul;
                a->access = (k == DRACO_ARG_PTR_TO_WRITABLE_MEM || k == DRACO_ARG_PTR_TO_WRITABLE_MEM_OR_NULL)
                                ? DRACO_ACC_WRITE : DRACO_ACC_READ;
            }
            break;
        }
        case DRACO_ARG_PTR_TO_FIXED_READONLY_MEM:
        case DRACO_ARG_PTR_TO_FIXED_MEM:
        case DRACO_ARG_PTR_TO_LONG:
        case DRACO_ARG_PTR_TO_INT:
            add_type(out, r, DRACO_TS_HELPER_MEM);
            a = add(out, DRACO_A_ACCESS, r);
            if (a) {
                a->width = k == DRACO_ARG_PTR_TO_LONG ? 8 : k == DRACO_ARG_PTR_TO_INT ? 4 : p->arg_size[i];
                a->access = k == DRACO_ARG_PTR_TO_FIXED_READONLY_MEM || k == DRACO_ARG_PTR_TO_FIXED_MEM
                                ? DRACO_ACC_READ : DRACO_ACC_WRITE;
            }
            break;
        case DRACO_ARG_PTR_TO_STACK:
            add_type(out, r, DRACO_TS(DRACO_TYPE_STACK));
            break;
        case DRACO_ARG_PTR_TO_STACK_OR_NULL:
            add_type(out, r, (draco_typeset)(DRACO_TS(DRACO_TYPE_STACK) | DRACO_TS_NUM));
            break;
        case DRACO_ARG_PTR_TO_FUNC:
            if (p->callback == DRACO_CALLBACK_NONE) {
                add_fail(out, "callback functions are not verified", p->name);
                break;
            }
            add_type(out, r, DRACO_TS(DRACO_TYPE_FUNC));
            a = add(out, DRACO_A_CALLBACK, r);
            if (a)
                a->helper = p->name;
            break;
        case DRACO_ARG_PTR_TO_SOCK_COMMON:
        case DRACO_ARG_PTR_TO_BTF_ID_SOCK_COMMON:
        case DRACO_ARG_PTR_TO_SOCKET:
            add_type(out, r, DRACO_TS(DRACO_TYPE_SOCKET));
            add(out, DRACO_A_NONNULL, r);
            break;
        case DRACO_ARG_PTR_TO_BTF_ID:
        case DRACO_ARG_PTR_TO_PERCPU_BTF_ID:
            add_type(out, r, DRACO_TS(DRACO_TYPE_BTF_ID));
            add(out, DRACO_A_NONNULL, r);
            break;
        case DRACO_ARG_PTR_TO_ALLOC_MEM:
            /* ringbuf submit/discard: the reserved (non-null) record */
            add_type(out, r, DRACO_TS(DRACO_TYPE_ALLOC_MEM));
            add(out, DRACO_A_NONNULL, r);
            break;
        case DRACO_ARG_PTR_TO_SPIN_LOCK:
        case DRACO_ARG_PTR_TO_TIMER:
            add_type(out, r, DRACO_TS_MEM);
            break;
        case DRACO_ARG_PTR_TO_CONST_STR:
        case DRACO_ARG_PTR_TO_DYNPTR:
        case DRACO_ARG_UNSUPPORTED:
            add_fail(out, "argument kind is not supported", p->name);
            break;
        }
    }
    for (int i = 0; i < DRACO_HELPER_ARGS; i++) {
        if (p->zero_args & (1u << i)) {
            add(out, DRACO_A_ARG_ZERO, (unsigned)i + 1);
        }
    }
    if (p->map_types && mreg > 0) {
        struct draco_assertion *a = add(out, DRACO_A_MAP_TYPE, (unsigned)mreg);
        if (a) {
            a->map_types = p->map_types;
            a->helper = p->name;
        }
    }
}

static bool fail_msg(struct draco_sb *why, const char *m)
{
    draco_sb_puts(why, m);
    return false;
}

bool draco_check_size(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                      struct draco_sb *why)
{
    uint32_t sv = draco_reg_var(ax, a->reg, DRACO_VK_SVAL);
    if (draco_as_entails_ge(ax, s, sv, a->can_be_zero ? 0 : 1))
        return true;
    return fail_msg(why, "Invalid size");
}

bool draco_check_zero_ctx(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                          struct draco_sb *why)
{
    draco_typeset ts = draco_as_reg_types(ax, s, a->reg);
    if (ts & DRACO_TS(DRACO_TYPE_CTX)) {
        uint32_t o = draco_reg_var(ax, a->reg, DRACO_VK_CTX_OFF);
        if (!draco_as_entails_le(ax, s, o, DRACO_VAR_NONE, 0) || !draco_as_entails_ge(ax, s, o, 0))
            return fail_msg(why, "Nonzero context offset");
    }
    if (ts & DRACO_TS_NUM) {
        uint32_t sv = draco_reg_var(ax, a->reg, DRACO_VK_SVAL);
        if (!a->or_null || !draco_as_entails_le(ax, s, sv, DRACO_VAR_NONE, 0) || !draco_as_entails_ge(ax, s, sv, 0))
            return fail_msg(why, "Nonzero context offset");
    }
    return true;
}

bool draco_check_arg_zero(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                          struct draco_sb *why)
{
    uint32_t sv = draco_reg_var(ax, a->reg, DRACO_VK_SVAL);
    if (draco_as_reg_types(ax, s, a->reg) == DRACO_TS_NUM && draco_as_entails_le(ax, s, sv, DRACO_VAR_NONE, 0) &&
        draco_as_entails_ge(ax, s, sv, 0))
        return true;
    return fail_msg(why, "Argument must be zero");
}

bool draco_check_map_type(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                          struct draco_sb *why)
{
    draco_typeset ts = draco_as_reg_types(ax, s, a->reg);
    bool progs = ts == DRACO_TS(DRACO_TYPE_MAP_FD_PROGRAMS);
    uint32_t ks, vs, mt;
    bool tk;
    if (!draco_reg_map_sizes(ax, s, a->reg, progs, &ks, &vs, &mt, &tk) || !tk)
        return true;   /* unknown type: PREVAIL only checks known types; the fd checks decide */
    if (mt < 64 && (a->map_types & (1ull << mt)))
        return true;
    draco_sb_printf(why, "map type %u is not allowed for %s", mt, a->helper ? a->helper : "this helper");
    return false;
}

/* --strict: a key of an array map must be a known index below max_entries. */
static bool array_key_ok(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                         uint32_t mt, bool type_known, struct draco_sb *why)
{
    const struct draco_map_type_info *ti = type_known && ax->plat->map_type ? ax->plat->map_type(ax->plat, mt) : NULL;
    if (!ti || !ti->is_array)
        return true;
    draco_itv fd, u;
    draco_itv_init(&fd);
    draco_itv_init(&u);
    draco_as_itv(ax, s, draco_reg_var(ax, a->reg2, DRACO_VK_MAP_FD), &fd);
    int64_t f, off;
    const struct draco_map_desc *m = draco_itv_singleton_i64(&fd, &f) ? draco_actx_map(ax, f) : NULL;
    draco_itv o;
    draco_itv_init(&o);
    draco_as_itv(ax, s, draco_reg_var(ax, a->reg, DRACO_VK_STACK_OFF), &o);
    bool ok = m && m->info.key_size == 4 && draco_as_reg_types(ax, s, a->reg) == DRACO_TS(DRACO_TYPE_STACK) &&
              draco_itv_singleton_i64(&o, &off) &&
              draco_stack_value_range(ax, s, off, 4, &u);
    if (ok) {
        uint64_t ub;
        ok = draco_num_get_u64(&u.ub, &ub) && ub < m->info.max_entries;
    }
    draco_itv_fini(&fd);
    draco_itv_fini(&u);
    draco_itv_fini(&o);
    if (!ok)
        draco_sb_puts(why, "Array index overflow");
    return ok;
}

bool draco_check_map_kv(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                        struct draco_sb *why)
{
    uint32_t ks, vs, mt;
    bool tk;
    if (draco_as_reg_types(ax, s, a->reg2) != DRACO_TS(DRACO_TYPE_MAP_FD) ||
        !draco_reg_map_sizes(ax, s, a->reg2, false, &ks, &vs, &mt, &tk))
        return fail_msg(why, a->is_key ? "Map key size is not singleton" : "Map value size is not singleton");
    int64_t size = a->is_key ? ks : vs;
    draco_typeset ts = draco_as_reg_types(ax, s, a->reg);
    if (!ts || (ts & DRACO_TS(DRACO_TYPE_UNINIT)))
        return fail_msg(why, "Invalid type");
    if (ts & ~(DRACO_TS_HELPER_MEM | (a->or_null ? DRACO_TS_NUM : 0)))
        return fail_msg(why, "Only stack, packet, or shared can be used as a parameter");
    struct draco_assertion acc = {.kind = DRACO_A_ACCESS, .reg = a->reg, .width = size,
                                  .access = a->numeric_needed ? DRACO_ACC_READ : DRACO_ACC_WRITE,
                                  .or_null = a->or_null};
    if (size == 0)
        return true;
    if (ax->opts.strict && a->is_key && !array_key_ok(ax, s, a, mt, tk, why))
        return false;
    if (!draco_check_access(ax, s, &acc, why)) {
        if ((ts & DRACO_TS(DRACO_TYPE_STACK)) && a->numeric_needed) {
            /* name the range like PREVAIL does */
            struct draco_sb tmp;
            draco_sb_init(&tmp);
            draco_sb_puts(&tmp, draco_sb_str(why));
            draco_sb_clear(why);
            if (strstr(draco_sb_str(&tmp), "not numeric"))
                draco_sb_puts(why, "Illegal map update with a non-numerical value");
            else
                draco_sb_puts(why, draco_sb_str(&tmp));
            draco_sb_fini(&tmp);
        }
        return false;
    }
    return true;
}

bool draco_check_func(struct draco_actx *ax, uint32_t v, const struct draco_astate *s,
                      const struct draco_assertion *a, struct draco_sb *why)
{
    draco_itv id;
    draco_itv_init(&id);
    draco_as_itv(ax, s, draco_reg_var(ax, a->reg, DRACO_VK_SVAL), &id);
    int64_t h;
    bool single = draco_itv_singleton_i64(&id, &h);
    draco_itv_fini(&id);
    if (!single || h < 0 || h > INT32_MAX)
        return fail_msg(why, "callx helper function id is not a valid singleton");
    const struct draco_helper_proto *p = ax->plat->helper_proto(ax->plat, (int32_t)h, ax->ptype);
    if (!p || (ax->plat->helper_usable && !ax->plat->helper_usable(ax->plat, (int32_t)h, ax->ptype))) {
        draco_sb_printf(why, "invalid helper function id %lld", (long long)h);
        return false;
    }
    struct draco_assertions as;
    as.n = 0;
    draco_assertions_of_helper(ax, p, &as);
    for (unsigned i = 0; i < as.n; i++)
        if (!draco_assertion_check(ax, v, s, &as.a[i], why))
            return false;
    return true;
}

bool draco_check_nonnull(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                         struct draco_sb *why)
{
    if (draco_as_entails_ge(ax, s, draco_reg_var(ax, a->reg, DRACO_VK_UVAL), 1))
        return true;
    return fail_msg(why, "Possible null access");
}

bool draco_check_loop(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                      struct draco_sb *why)
{
    if (!ax->opts.check_termination)
        return true;
    uint32_t c = draco_counter_var(ax, a->node);
    if (draco_as_entails_le(ax, s, c, DRACO_VAR_NONE, 100000))
        return true;
    return fail_msg(why, "Loop counter is too large");
}
