/* SPDX-License-Identifier: MIT */
/* check/check_access: the checks of types, memory accesses (bounds per region, null, stack
 * initialisation), stores, divisors, pointer arithmetic and comparisons (digest §2.2, §4.2).
 *
 * Invariants: every check reads the state only; a bound is proven by zone entailment of a linear
 * constraint over the region's offset variable and the region's size variable, so relations
 * (packet_offset <= packet_size learnt from a comparison) count. A register whose type set may
 * contain "uninitialised" fails every check that reads it.
 */
#include <string.h>
#include "check/check_internal.h"

/* entails c0*x0 + c1*x1 + k <= 0 (x1 may be NONE) */
static bool ent2(struct draco_actx *ax, const struct draco_astate *s, uint32_t x0, int64_t c0, uint32_t x1,
                 int64_t c1, draco_i128 k)
{
    struct draco_linexpr e = {0};
    if (x0 != DRACO_VAR_NONE && c0) {
        e.terms[e.nterms].var = x0;
        e.terms[e.nterms++].coef = c0;
    }
    if (x1 != DRACO_VAR_NONE && c1) {
        e.terms[e.nterms].var = x1;
        e.terms[e.nterms++].coef = c1;
    }
    e.cst = k;
    return draco_as_entails_lin(ax, s, &e);
}

/* entails c0*x0 + c1*x1 + c2*x2 + k <= 0 */
static bool ent3(struct draco_actx *ax, const struct draco_astate *s, uint32_t x0, int64_t c0, uint32_t x1,
                 int64_t c1, uint32_t x2, int64_t c2, draco_i128 k)
{
    struct draco_linexpr e = {0};
    uint32_t xs[3] = {x0, x1, x2};
    int64_t cs[3] = {c0, c1, c2};
    for (int i = 0; i < 3; i++) {
        if (xs[i] == DRACO_VAR_NONE || !cs[i])
            continue;
        e.terms[e.nterms].var = xs[i];
        e.terms[e.nterms++].coef = cs[i];
    }
    e.cst = k;
    return draco_as_entails_lin(ax, s, &e);
}

static void range_of(struct draco_actx *ax, const struct draco_astate *s, uint32_t var, draco_i128 *lo,
                     draco_i128 *hi)
{
    draco_itv v;
    draco_itv_init(&v);
    draco_as_itv(ax, s, var, &v);
    *lo = draco_num_to_i128(&v.lb, false);
    *hi = draco_num_to_i128(&v.ub, true);
    draco_itv_fini(&v);
}

bool draco_check_type(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                      struct draco_sb *why)
{
    draco_typeset ts = draco_as_reg_types(ax, s, a->reg);
    draco_typeset group = a->kind == DRACO_A_INIT ? (draco_typeset)(DRACO_TS_ALL & ~DRACO_TS(DRACO_TYPE_UNINIT))
                                                  : a->group;
    if (ts && !(ts & ~group))
        return true;
    draco_sb_puts(why, "Invalid type");
    return false;
}

struct width {
    uint32_t var;       /* DRACO_VAR_NONE when constant */
    int64_t cst;        /* constant width, or 0 */
    draco_i128 min, max;
};

static void width_of(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                     struct width *w)
{
    if (a->width_is_reg) {
        w->var = draco_reg_var(ax, a->width_reg, DRACO_VK_SVAL);
        w->cst = 0;
        range_of(ax, s, w->var, &w->min, &w->max);
        if (w->min < 0)
            w->min = 0;
        if (w->min == w->max && draco_zone_is_finite_i128(w->min) && w->min < INT32_MAX) {
            /* a known width: keep the bound checks to two variables (exact in the zone) */
            w->var = DRACO_VAR_NONE;
            w->cst = (int64_t)w->min;
        }
    } else {
        w->var = DRACO_VAR_NONE;
        w->cst = a->width;
        w->min = w->max = a->width;
    }
}

/* [off + a->off, off + a->off + width) within [lo_var + lo_k, hi_var + hi_k) */
static bool lower_ok(struct draco_actx *ax, const struct draco_astate *s, uint32_t off, int32_t aoff,
                     uint32_t lo_var, draco_i128 lo_k)
{
    /* lo_var + lo_k - off - aoff <= 0 */
    return ent2(ax, s, lo_var, 1, off, -1, lo_k - aoff);
}

static bool upper_ok(struct draco_actx *ax, const struct draco_astate *s, uint32_t off, int32_t aoff,
                     const struct width *w, uint32_t hi_var, draco_i128 hi_k)
{
    /* off + aoff + width - hi_var - hi_k <= 0 */
    return ent3(ax, s, off, 1, w->var, 1, hi_var, -1, (draco_i128)aoff + w->cst - hi_k);
}

static bool fail_msg(struct draco_sb *why, const char *m)
{
    draco_sb_puts(why, m);
    return false;
}

static bool stack_numeric(struct draco_actx *ax, const struct draco_astate *s, struct draco_vslot *R,
                          uint32_t off, const struct draco_assertion *a, const struct width *w)
{
    if (w->max == 0)
        return true;
    draco_i128 lo, hi;
    range_of(ax, s, off, &lo, &hi);
    if (draco_zone_is_finite_i128(lo) && draco_zone_is_finite_i128(hi) && draco_zone_is_finite_i128(w->max) &&
        hi - lo < 1 << 20 && w->max < 1 << 20) {
        draco_i128 b = lo + a->off, e = hi + a->off + w->max;
        if (b >= 0 && e <= ax->total_stack && draco_stack_all_numeric(ax, s, (int64_t)b, (int64_t)e))
            return true;
    }
    if (a->off >= 0 && R->var[DRACO_VK_STACK_NUMSIZE] != DRACO_VAR_NONE &&
        ent2(ax, s, w->var, 1, R->var[DRACO_VK_STACK_NUMSIZE], -1, (draco_i128)a->off + w->cst))
        return true;
    return false;
}

/* A load through a stack pointer other than r10 that reads back exactly one stored cell (a spill
 * of any type) at a known offset: the load copies the cell (draco_stack_load), as a fill through
 * r10 does, and the kernel allows it through any stack pointer with a constant offset. */
static bool stack_exact_fill(struct draco_actx *ax, const struct draco_astate *s, uint32_t off,
                             const struct draco_assertion *a, const struct width *w)
{
    if (!a->is_load || a->width_is_reg || w->cst <= 0 ||
        draco_as_reg_types(ax, s, a->reg) != DRACO_TS(DRACO_TYPE_STACK))
        return false;
    draco_i128 lo, hi;
    range_of(ax, s, off, &lo, &hi);
    if (lo != hi || !draco_zone_is_finite_i128(lo) || lo + a->off < 0 || lo + a->off + w->cst > ax->total_stack)
        return false;
    return draco_stack_find(ax, s, (int32_t)(lo + a->off), (uint32_t)w->cst) != NULL;
}

/* The Linux __sk_buff and xdp_md contexts are made of 4-byte fields (plus four 8-byte ones in
 * __sk_buff); the kernel refuses an access that straddles fields. Only constant accesses are
 * judged here (the bounds checks handle the rest). */
static bool ctx_field_ok(struct draco_actx *ax, const struct draco_astate *s, uint32_t off,
                         const struct draco_assertion *a, const struct width *w)
{
    const struct draco_ctx_desc *c = ax->ctxd;
    if (!c || !c->name || a->width_is_reg)
        return true;
    bool skb = strcmp(c->name, "__sk_buff") == 0, xdp = strcmp(c->name, "xdp_md") == 0;
    if (!skb && !xdp)
        return true;
    draco_i128 lo, hi;
    range_of(ax, s, off, &lo, &hi);
    if (lo != hi || !draco_zone_is_finite_i128(lo))
        return true;
    int64_t o = (int64_t)lo + a->off, n = w->cst;
    if (n == 8)
        return skb && (o == 144 || o == 152 || o == 168 || o == 184);
    return n <= 0 || o / 4 == (o + n - 1) / 4;
}

/* Writable fields of the Linux contexts the kernel checks per field: nothing in xdp_md; in
 * __sk_buff mark, queue_mapping, priority, tc_index, cb[], tc_classid and tstamp (the union over
 * the skb program types). Other contexts are not modelled (any in-bounds write that spares the
 * packet pointers is accepted, as in PREVAIL). */
static bool ctx_write_ok(struct draco_actx *ax, const struct draco_astate *s, uint32_t off,
                         const struct draco_assertion *a, const struct width *w)
{
    const struct draco_ctx_desc *c = ax->ctxd;
    if (!c || !c->name)
        return true;
    bool skb = strcmp(c->name, "__sk_buff") == 0, xdp = strcmp(c->name, "xdp_md") == 0;
    if (!skb && !xdp)
        return true;
    /* field permissions belong to a program type: when the type is only the fallback for a
     * section nobody names (libbpf says "unspec", e.g. a .text function verified on its own) and
     * no type was given, they are not applied (PREVAIL applies none) */
    if (!ax->opts.prog_type && ax->prog && ax->prog->type_name && strcmp(ax->prog->type_name, "unspec") == 0)
        return true;
    if (xdp)
        return false;
    static const struct { int16_t lo, hi; } tc[] = {
        {8, 16}, {32, 36}, {44, 68}, {72, 76}, {152, 160},
    };
    draco_i128 lo, hi;
    range_of(ax, s, off, &lo, &hi);
    if (lo != hi || !draco_zone_is_finite_i128(lo) || w->var != DRACO_VAR_NONE)
        return false;
    int64_t o = (int64_t)lo + a->off, e = o + w->cst;
    /* the union over skb program types: sections the platform types as socket filters (PREVAIL's
     * table, e.g. "tc/...") are often loaded as tc programs */
    for (size_t i = 0; i < DRACO_ARRAY_LEN(tc); i++)
        if (o >= tc[i].lo && e <= tc[i].hi)
            return true;
    return false;
}

/* The readable fields of struct bpf_sock common to every socket (the kernel's sock_common
 * view): offset, size, whether narrower aligned reads are allowed. */
static bool socket_field_ok(int64_t o, int64_t w)
{
    static const struct { int16_t off, size; bool narrow; } fields[] = {
        {0, 4, false},   /* bound_dev_if */
        {4, 4, true},    /* family */
        {24, 4, true},   /* src_ip4 */
        {28, 16, true},  /* src_ip6[4] */
        {44, 4, true},   /* src_port */
        {48, 2, true},   /* dst_port (__be16, a u32 read at its start is allowed) */
        {52, 4, true},   /* dst_ip4 */
        {56, 16, true},  /* dst_ip6[4] */
        {72, 4, true},   /* state */
        {76, 4, true},   /* rx_queue_mapping */
    };
    if (w != 1 && w != 2 && w != 4)
        return false;
    if (o == 48 && w == 4)
        return true;
    for (size_t i = 0; i < DRACO_ARRAY_LEN(fields); i++) {
        int64_t f = fields[i].off, e = f + fields[i].size;
        if (o < f || o + w > e)
            continue;
        if (!fields[i].narrow)
            return o == f && w == fields[i].size;
        return o % w == 0 && o / 4 == (o + w - 1) / 4;
    }
    return false;
}

static bool access_one(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                       draco_type t, const struct width *w, struct draco_sb *why)
{
    struct draco_vslot *R = &ax->regs[a->reg];
    bool cmp = a->access == DRACO_ACC_COMPARE;
    switch (t) {
    case DRACO_TYPE_STACK: {
        uint32_t off = draco_vslot_var(ax, R, DRACO_VK_STACK_OFF);
        uint32_t r10 = draco_reg_var(ax, 10, DRACO_VK_STACK_OFF);
        draco_i128 r10lo, r10hi;
        range_of(ax, s, r10, &r10lo, &r10hi);
        if (draco_as_reg_types(ax, s, 10) == DRACO_TS(DRACO_TYPE_STACK) && r10lo == r10hi &&
            draco_zone_is_finite_i128(r10lo)) {
            /* the current frame or a caller's */
            if (!lower_ok(ax, s, off, a->off, DRACO_VAR_NONE, r10lo - (draco_i128)ax->frame_size))
                return fail_msg(why, "Lower bound must be at least r10.stack_offset - subprogram_stack_size");
        } else if (!lower_ok(ax, s, off, a->off, DRACO_VAR_NONE, 0)) {
            return fail_msg(why, "Lower bound must be at least 0");
        }
        if (!upper_ok(ax, s, off, a->off, w, DRACO_VAR_NONE, ax->total_stack))
            return fail_msg(why, "Upper bound must be at most total_stack_size");
        /* a root loader may read stack bytes never written or holding pointers (the kernel's
         * allow_uninit_stack and allow_ptr_leaks): the loads give numbers (transfer_mem), and
         * helpers only read the bytes */
        if (a->access == DRACO_ACC_READ && !ax->opts.privileged && !stack_numeric(ax, s, R, off, a, w) &&
            !stack_exact_fill(ax, s, off, a, w))
            return fail_msg(why, "Stack content is not numeric");
        return true;
    }
    case DRACO_TYPE_CTX: {
        uint32_t off = draco_vslot_var(ax, R, DRACO_VK_CTX_OFF);
        if (!lower_ok(ax, s, off, a->off, DRACO_VAR_NONE, 0))
            return fail_msg(why, "Lower bound must be at least 0");
        int32_t size = ax->ctxd ? ax->ctxd->size : 0;
        if (!upper_ok(ax, s, off, a->off, w, DRACO_VAR_NONE, size))
            return fail_msg(why, "Upper bound must be at most ctx size");
        if (!cmp && !ctx_field_ok(ax, s, off, a, w))
            return fail_msg(why, "Invalid context field access");
        if (a->access == DRACO_ACC_WRITE && ax->ctxd) {
            const struct draco_ctx_desc *c = ax->ctxd;
            int32_t pw = c->data >= 0 && c->data_end > c->data ? c->data_end - c->data : 4;
            int32_t f[3] = {c->data, c->data_end, c->data_meta};
            draco_i128 lo, hi;
            range_of(ax, s, off, &lo, &hi);
            for (int i = 0; i < 3; i++) {
                if (f[i] < 0)
                    continue;
                /* may [lo+aoff, hi+aoff+wmax) overlap [f, f+pw)? */
                if (lo + a->off < f[i] + pw && hi + a->off + w->max > f[i])
                    return fail_msg(why, "Cannot write to context pointer field");
            }
        }
        if (a->access == DRACO_ACC_WRITE && !ctx_write_ok(ax, s, off, a, w))
            return fail_msg(why, "Cannot write to a read-only context field");
        return true;
    }
    case DRACO_TYPE_PACKET: {
        uint32_t off = draco_vslot_var(ax, R, DRACO_VK_PKT_OFF);
        if (!lower_ok(ax, s, off, a->off, ax->meta_offset, 0))
            return fail_msg(why, "Lower bound must be at least meta_offset");
        if (cmp) {
            if (!upper_ok(ax, s, off, a->off, w, DRACO_VAR_NONE, (draco_i128)ax->opts.max_packet_size))
                return fail_msg(why, "Upper bound must be at most MAX_PACKET_SIZE");
        } else if (!upper_ok(ax, s, off, a->off, w, ax->packet_size, 0)) {
            return fail_msg(why, "Upper bound must be at most packet_size");
        }
        return true;
    }
    case DRACO_TYPE_SHARED:
    case DRACO_TYPE_ALLOC_MEM: {
        bool sh = t == DRACO_TYPE_SHARED;
        uint32_t off = draco_vslot_var(ax, R, sh ? DRACO_VK_SHARED_OFF : DRACO_VK_ALLOC_OFF);
        uint32_t size = draco_vslot_var(ax, R, sh ? DRACO_VK_SHARED_SIZE : DRACO_VK_ALLOC_SIZE);
        if (!lower_ok(ax, s, off, a->off, DRACO_VAR_NONE, 0))
            return fail_msg(why, "Lower bound must be at least 0");
        if (!upper_ok(ax, s, off, a->off, w, size, 0)) {
            draco_sb_printf(why, "Upper bound must be at most r%u.%s", a->reg,
                            sh ? "shared_region_size" : "alloc_mem_size");
            return false;
        }
        if (!cmp && !a->or_null &&
            !draco_as_entails_ge(ax, s, draco_vslot_var(ax, R, DRACO_VK_UVAL), 1))
            return fail_msg(why, "Possible null access");
        return true;
    }
    case DRACO_TYPE_SOCKET: {
        if (cmp)
            return true;
        if (a->access == DRACO_ACC_WRITE)
            return fail_msg(why, "Cannot write to a socket");
        uint32_t off = draco_vslot_var(ax, R, DRACO_VK_SOCK_OFF);
        draco_i128 lo, hi;
        range_of(ax, s, off, &lo, &hi);
        if (lo != hi || !draco_zone_is_finite_i128(lo) || w->var != DRACO_VAR_NONE ||
            !socket_field_ok((int64_t)lo + a->off, w->cst))
            return fail_msg(why, "Invalid socket access");
        if (!draco_as_entails_ge(ax, s, draco_vslot_var(ax, R, DRACO_VK_UVAL), 1))
            return fail_msg(why, "Possible null access");
        return true;
    }
    case DRACO_TYPE_NUMBER:
        if (cmp)
            return true;
        if (a->or_null) {
            uint32_t sv = draco_vslot_var(ax, R, DRACO_VK_SVAL);
            bool zero = draco_as_entails_le(ax, s, sv, DRACO_VAR_NONE, 0) && draco_as_entails_ge(ax, s, sv, 0);
            bool wzero = w->max == 0;
            if (zero && wzero)
                return true;
        }
        return fail_msg(why, "Only pointers can be dereferenced");
    case DRACO_TYPE_MAP_FD:
    case DRACO_TYPE_MAP_FD_PROGRAMS:
        if (cmp)
            return true;
        return fail_msg(why, "FDs cannot be dereferenced directly");
    case DRACO_TYPE_BTF_ID:
    case DRACO_TYPE_FUNC:
        if (cmp)
            return true;
        return fail_msg(why, "Only pointers can be dereferenced");
    case DRACO_TYPE_UNINIT:
    case DRACO_TYPE_COUNT:
        break;
    }
    return fail_msg(why, "Invalid type");
}

bool draco_check_access(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                        struct draco_sb *why)
{
    draco_typeset ts = draco_as_reg_types(ax, s, a->reg);
    if (!ts || (ts & DRACO_TS(DRACO_TYPE_UNINIT)))
        return fail_msg(why, "Invalid type");
    struct width w;
    width_of(ax, s, a, &w);
    if (a->width_is_reg && draco_as_reg_types(ax, s, a->width_reg) != DRACO_TS_NUM)
        return fail_msg(why, "Invalid size");
    if (!draco_zone_is_finite_i128(w.max) && a->access != DRACO_ACC_COMPARE) {
        /* an unbounded width can only fit where nothing is accessed: let the bounds decide */
    }
    for (unsigned t = 0; t < DRACO_TYPE_COUNT; t++)
        if ((ts & DRACO_TS(t)) && !access_one(ax, s, a, (draco_type)t, &w, why))
            return false;
    return true;
}

bool draco_check_store(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                       struct draco_sb *why)
{
    if (draco_types_implies_not_type(&s->types, ax->regs[a->reg].tvar, DRACO_TYPE_STACK,
                                     ax->regs[a->reg2].tvar, DRACO_TS_NUM)) {
        /* on the stack anything may be stored, but it must still be a defined value there */
        return true;
    }
    return fail_msg(why, "Only numbers can be stored to externally-visible regions");
}

bool draco_check_divisor(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                         struct draco_sb *why)
{
    struct draco_vslot *R = &ax->regs[a->reg];
    if (draco_as_types(s, R) != DRACO_TS_NUM)
        return fail_msg(why, "Only numbers can be used as divisors");
    if (ax->opts.allow_division_by_zero)
        return true;
    draco_itv sv, uv, t;
    draco_itv_init(&sv);
    draco_itv_init(&uv);
    draco_itv_init(&t);
    draco_slot_num_views(ax, s, R, &sv, &uv);
    bool ok;
    if (a->is64) {
        ok = !draco_itv_contains_i64(&sv, 0) || !draco_itv_contains_u64(&uv, 0) ||
             draco_zone_excludes(&s->zone, draco_vslot_var(ax, R, DRACO_VK_SVAL), 0);
    } else {
        draco_itv_zext(&t, &uv, 32);
        ok = !draco_itv_contains_u64(&t, 0);
        if (!ok) {
            draco_itv_sext(&t, &sv, 32);
            ok = !draco_itv_contains_i64(&t, 0);
        }
    }
    draco_itv_fini(&sv);
    draco_itv_fini(&uv);
    draco_itv_fini(&t);
    return ok ? true : fail_msg(why, "Possible division by zero");
}

bool draco_check_addable(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                         struct draco_sb *why)
{
    if (draco_types_implies(&s->types, ax->regs[a->reg].tvar, DRACO_TS_ARITH, ax->regs[a->reg2].tvar,
                            DRACO_TS_NUM))
        return true;
    return fail_msg(why, "Only numbers can be added to pointers");
}

bool draco_check_comparable(struct draco_actx *ax, const struct draco_astate *s,
                            const struct draco_assertion *a, struct draco_sb *why)
{
    struct draco_vslot *A = &ax->regs[a->reg], *B = &ax->regs[a->reg2];
    draco_typeset ta = draco_as_types(s, A), tb = draco_as_types(s, B);
    if ((ta | tb) & DRACO_TS(DRACO_TYPE_UNINIT))
        return fail_msg(why, "Invalid type");
    if (a->reg == a->reg2 || draco_types_same_type(&s->types, A->tvar, B->tvar)) {
        draco_typeset ptrs = (draco_typeset)(ta & ~DRACO_TS_NUM);
        draco_typeset ok = (draco_typeset)(DRACO_TS_SINGLETON_PTR | DRACO_TS(DRACO_TYPE_MAP_FD) |
                                           DRACO_TS(DRACO_TYPE_MAP_FD_PROGRAMS));
        if (ptrs & ~ok)
            return fail_msg(why, "Cannot subtract pointers to non-singleton regions");
        if (a->or_r2_is_number && (ptrs & (DRACO_TS(DRACO_TYPE_MAP_FD) | DRACO_TS(DRACO_TYPE_MAP_FD_PROGRAMS))))
            return fail_msg(why, "Cannot subtract pointers to non-singleton regions");
        struct draco_assertion c = {.kind = DRACO_A_ACCESS, .reg = a->reg, .access = DRACO_ACC_COMPARE};
        if (!draco_check_access(ax, s, &c, why))
            return false;
        c.reg = a->reg2;
        return draco_check_access(ax, s, &c, why);
    }
    if (tb == DRACO_TS_NUM && (a->or_r2_is_number || ta == DRACO_TS_NUM))
        return true;
    if (!a->or_r2_is_number && tb == DRACO_TS_NUM && !(ta & ~DRACO_TS_PTR_OR_NUM))
        return true;
    return fail_msg(why, "Cannot subtract pointers to different regions");
}
