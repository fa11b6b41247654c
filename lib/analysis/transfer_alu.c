/* SPDX-License-Identifier: MIT */
/* analysis/transfer_alu: ALU and ALU64 instructions (BIN and UN), numbers and pointer arithmetic.
 *
 * Numbers: every result is computed on intervals with exact eBPF semantics at the instruction's
 * width (draco_itv_binop_w) from both views of the operands and intersected — each view is a
 * sound description of the same machine words, so the intersection over-approximates the result.
 * 32-bit results are zero-extended (both views equal the unsigned 32-bit value). Additions and
 * subtractions that provably do not wrap are also assigned relationally in the zone (this is what
 * keeps loop counters and packet offsets related). Pointers: ptr ± number moves the offset of
 * every possible pointer type by the number (each offset is only meaningful for its type, so
 * updating all of them at once is sound); same-region pointer difference is a number; anything
 * else on a pointer makes the destination unusable (the checker has already rejected it).
 * Privileged (a root loader, opts.privileged): the operations the kernel then allows on pointers
 * without keeping a pointer -- 32-bit MOV and SUB, sign-extending MOV, NEG and byte swaps -- give
 * an unknown number of the result's width (never a pointer, never a known alignment), which
 * over-approximates whatever bits of an address the result holds.
 */
#include "analysis/astate.h"

static draco_itv_binop map_binop(enum draco_bin_op op, bool *ok)
{
    *ok = true;
    switch (op) {
    case DRACO_BIN_ADD: return DRACO_ITV_ADD;
    case DRACO_BIN_SUB: return DRACO_ITV_SUB;
    case DRACO_BIN_MUL: return DRACO_ITV_MUL;
    case DRACO_BIN_UDIV: return DRACO_ITV_UDIV;
    case DRACO_BIN_SDIV: return DRACO_ITV_SDIV;
    case DRACO_BIN_UMOD: return DRACO_ITV_UMOD;
    case DRACO_BIN_SMOD: return DRACO_ITV_SMOD;
    case DRACO_BIN_OR: return DRACO_ITV_OR;
    case DRACO_BIN_AND: return DRACO_ITV_AND;
    case DRACO_BIN_LSH: return DRACO_ITV_SHL;
    case DRACO_BIN_RSH: return DRACO_ITV_LSHR;
    case DRACO_BIN_ARSH: return DRACO_ITV_ASHR;
    case DRACO_BIN_XOR: return DRACO_ITV_XOR;
    case DRACO_BIN_MOV:
    case DRACO_BIN_MOVSX8:
    case DRACO_BIN_MOVSX16:
    case DRACO_BIN_MOVSX32:
        break;
    }
    *ok = false;
    return DRACO_ITV_ADD;
}

struct views {
    draco_itv s, u;
};

static void views_init(struct views *v)
{
    draco_itv_init(&v->s);
    draco_itv_init(&v->u);
}

static void views_fini(struct views *v)
{
    draco_itv_fini(&v->s);
    draco_itv_fini(&v->u);
}

/* operand views: a register's or the immediate's (sign-extended 64-bit) */
static void operand_views(struct draco_actx *ax, struct draco_astate *s, const struct draco_ir_insn *in,
                          struct views *v)
{
    if (in->src_is_reg) {
        draco_slot_num_views(ax, s, &ax->regs[in->src], &v->s, &v->u);
    } else {
        draco_itv_set_i64(&v->s, in->imm);
        draco_itv_set_u64(&v->u, (uint64_t)in->imm);
    }
}

static bool itv_within(const draco_itv *a, draco_i128 lo, draco_i128 hi)
{
    if (draco_itv_is_bottom(a))
        return true;
    draco_i128 l = draco_num_to_i128(&a->lb, false), h = draco_num_to_i128(&a->ub, true);
    return draco_zone_is_finite_i128(l) && draco_zone_is_finite_i128(h) && l >= lo && h <= hi;
}

/* r := op(a, b) at width, meeting what both views of the operands give */
static void binop_views(draco_itv *r, draco_itv_binop op, const struct views *a, const struct views *b,
                        unsigned width, bool is_signed)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_itv_binop_w(r, op, &a->s, &b->s, width, is_signed);
    draco_itv_binop_w(&t, op, &a->u, &b->u, width, is_signed);
    draco_itv_meet(r, r, &t);
    draco_itv_fini(&t);
}

/* Numeric dst := dst op src at width; dst and src are numbers. */
static void num_binop(struct draco_actx *ax, struct draco_astate *s, const struct draco_ir_insn *in,
                      draco_itv_binop op)
{
    struct draco_vslot *D = &ax->regs[in->dst];
    struct views a, b;
    draco_itv rs, ru;
    views_init(&a);
    views_init(&b);
    draco_itv_init(&rs);
    draco_itv_init(&ru);
    draco_slot_num_views(ax, s, D, &a.s, &a.u);
    operand_views(ax, s, in, &b);
    unsigned w = in->is64 ? 64 : 32;
    binop_views(&ru, op, &a, &b, w, false);
    if (w == 64)
        binop_views(&rs, op, &a, &b, w, true);
    else
        draco_itv_set(&rs, &ru);
    /* relational add/sub when nothing wraps */
    bool rel = false;
    if ((op == DRACO_ITV_ADD || op == DRACO_ITV_SUB) && !s->bottom) {
        int64_t sign = op == DRACO_ITV_ADD ? 1 : -1;
        draco_itv exact;
        draco_itv_init(&exact);
        if (w == 64) {
            if (op == DRACO_ITV_ADD)
                draco_itv_add(&exact, &a.s, &b.s);
            else
                draco_itv_sub(&exact, &a.s, &b.s);
            rel = itv_within(&exact, INT64_MIN, INT64_MAX) && !draco_itv_is_bottom(&exact);
        } else if (!in->src_is_reg) {
            /* the immediate as a 32-bit signed amount: w1 += -1 is w1 - 1 when it cannot wrap */
            draco_itv k;
            draco_itv_init(&k);
            draco_itv_set_i64(&k, (int32_t)in->imm);
            if (op == DRACO_ITV_ADD)
                draco_itv_add(&exact, &a.u, &k);
            else
                draco_itv_sub(&exact, &a.u, &k);
            draco_itv_fini(&k);
            rel = itv_within(&a.u, 0, UINT32_MAX) && itv_within(&exact, 0, UINT32_MAX) &&
                  !draco_itv_is_bottom(&exact);
        } else {
            if (op == DRACO_ITV_ADD)
                draco_itv_add(&exact, &a.u, &b.u);
            else
                draco_itv_sub(&exact, &a.u, &b.u);
            rel = itv_within(&a.u, 0, UINT32_MAX) && itv_within(&b.u, 0, UINT32_MAX) &&
                  itv_within(&exact, 0, UINT32_MAX) && !draco_itv_is_bottom(&exact);
        }
        draco_itv_fini(&exact);
        if (rel) {
            uint32_t ds = draco_vslot_var(ax, D, DRACO_VK_SVAL);
            uint32_t du = draco_vslot_var(ax, D, DRACO_VK_UVAL);
            uint32_t src = w == 64 ? DRACO_VK_SVAL : DRACO_VK_UVAL;
            uint32_t dv = w == 64 ? ds : du;
            if (in->src_is_reg) {
                uint32_t sv = draco_vslot_var(ax, &ax->regs[in->src], (enum draco_vk)src);
                draco_as_assign_sum(ax, s, dv, dv, 1, sv, sign, 0);
            } else {
                draco_as_assign_var(ax, s, dv, dv, sign * (w == 64 ? in->imm : (int64_t)(int32_t)in->imm));
            }
            draco_as_meet_itv(ax, s, dv, w == 64 ? &rs : &ru);
            /* the other view */
            uint32_t ov = w == 64 ? du : ds;
            const draco_itv *oi = w == 64 ? &ru : &rs;
            if (itv_within(w == 64 ? &rs : &ru, 0, INT64_MAX))
                draco_as_assign_var(ax, s, ov, dv, 0);
            else
                draco_as_set_itv(ax, s, ov, oi);
            /* the type stays number; other kinds are already forgotten */
        }
    }
    if (!rel)
        draco_slot_set_num_views(ax, s, D, &rs, &ru);
    views_fini(&a);
    views_fini(&b);
    draco_itv_fini(&rs);
    draco_itv_fini(&ru);
}

static bool is_num(draco_typeset t) { return t == DRACO_TS_NUM; }

/* Privileged: dst := an unknown number of `bytes` bytes (zero-extended), for a result computed
 * from a pointer's bits. Returns false (nothing done) when not privileged. */
static bool leak_as_number(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *D, unsigned bytes)
{
    if (!ax->opts.privileged)
        return false;
    draco_slot_set_num_width(ax, s, D, bytes, false);
    return true;
}

/* dst (types td, each pointer type's offset) += sign * src number (reg or imm) */
static void ptr_offset_add(struct draco_actx *ax, struct draco_astate *s, const struct draco_ir_insn *in,
                           struct draco_vslot *D, draco_typeset td, int64_t sign)
{
    struct views b;
    views_init(&b);
    operand_views(ax, s, in, &b);
    uint32_t sv = in->src_is_reg ? draco_vslot_var(ax, &ax->regs[in->src], DRACO_VK_SVAL) : DRACO_VAR_NONE;
    for (unsigned t = DRACO_TYPE_CTX; t < DRACO_TYPE_COUNT; t++) {
        if (!(td & DRACO_TS(t)) || !(DRACO_TS_ARITH & DRACO_TS(t)))
            continue;
        enum draco_vk ks[2];
        draco_type_kinds((draco_type)t, ks);
        uint32_t off = draco_vslot_var(ax, D, ks[0]);
        if (in->src_is_reg)
            draco_as_assign_sum(ax, s, off, off, 1, sv, sign, 0);
        else
            draco_as_assign_var(ax, s, off, off, sign * in->imm);
    }
    if (td & DRACO_TS(DRACO_TYPE_STACK)) {
        /* moving up by k keeps k fewer numeric bytes ahead; otherwise ask the bitmap */
        int64_t k;
        uint32_t ns = draco_vslot_var(ax, D, DRACO_VK_STACK_NUMSIZE);
        if (td != DRACO_TS(DRACO_TYPE_STACK) && draco_itv_singleton_i64(&b.s, &k) && sign * k >= 0 &&
            k < INT32_MAX && k > INT32_MIN)
            draco_as_assign_var(ax, s, ns, ns, -sign * k);
        else
            draco_stack_refresh_numsize(ax, s, D);
    }
    /* the abstract address moves with the offset */
    uint32_t uv = draco_vslot_var(ax, D, DRACO_VK_UVAL);
    draco_itv u, r;
    draco_itv_init(&u);
    draco_itv_init(&r);
    draco_as_itv(ax, s, uv, &u);
    if (sign > 0)
        draco_itv_add(&r, &u, &b.s);
    else
        draco_itv_sub(&r, &u, &b.s);
    if (itv_within(&r, 1, INT64_MAX))
        draco_as_set_itv(ax, s, uv, &r);
    else
        draco_as_set_range(ax, s, uv, 0, INT64_MAX);
    if (td & DRACO_TS_NUM) {
        /* the number case of a mixed register: its value is not tracked */
        draco_as_forget(ax, s, D->var[DRACO_VK_SVAL]);
    }
    draco_itv_fini(&u);
    draco_itv_fini(&r);
    views_fini(&b);
}

static void transfer_add_sub(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    struct draco_vslot *D = &ax->regs[in->dst];
    struct draco_vslot *S = in->src_is_reg ? &ax->regs[in->src] : NULL;
    draco_typeset td = draco_as_types(s, D), ts = S ? draco_as_types(s, S) : DRACO_TS_NUM;
    bool add = in->op == DRACO_BIN_ADD;
    if (is_num(td) && is_num(ts)) {
        num_binop(ax, s, in, add ? DRACO_ITV_ADD : DRACO_ITV_SUB);
        return;
    }
    if (!in->is64) {
        if (!add && S && draco_typeset_is_singleton(td) && td == ts && (td & DRACO_TS_SINGLETON_PTR)) {
            /* 32-bit difference of two pointers into one region: the offsets' difference,
             * truncated to 32 bits (no address bits leak) */
            draco_type t = (draco_type)__builtin_ctz(td);
            enum draco_vk ks[2];
            draco_type_kinds(t, ks);
            struct draco_linexpr e = {0};
            e.nterms = 2;
            e.terms[0].var = draco_vslot_var(ax, D, ks[0]);
            e.terms[0].coef = 1;
            e.terms[1].var = draco_vslot_var(ax, S, ks[0]);
            e.terms[1].coef = -1;
            draco_itv d, z;
            draco_itv_init(&d);
            draco_itv_init(&z);
            draco_as_eval(ax, s, &e, &d);
            draco_itv_zext(&z, &d, 32);
            draco_slot_set_num_views(ax, s, D, &z, &z);
            draco_itv_fini(&d);
            draco_itv_fini(&z);
            return;
        }
        if (!add && leak_as_number(ax, s, D, 4))
            return;
        draco_slot_havoc(ax, s, D);
        return;
    }
    bool td_ok = td && !(td & ~DRACO_TS_ARITH_OR_NUM);
    if (td_ok && (td & DRACO_TS_ARITH) && is_num(ts)) {
        ptr_offset_add(ax, s, in, D, td, add ? 1 : -1);
        return;
    }
    if (add && is_num(td) && ts && !(ts & ~DRACO_TS_ARITH) && S) {
        /* number + pointer: the result is the pointer moved by the number */
        uint32_t dsv = draco_vslot_var(ax, D, DRACO_VK_SVAL);
        draco_itv n, u, r;
        draco_itv_init(&n);
        draco_itv_init(&u);
        draco_itv_init(&r);
        draco_as_itv(ax, s, dsv, &n);
        for (unsigned t = DRACO_TYPE_CTX; t < DRACO_TYPE_COUNT; t++) {
            if (!(ts & DRACO_TS(t)))
                continue;
            enum draco_vk ks[2];
            unsigned nk = draco_type_kinds((draco_type)t, ks);
            uint32_t doff = draco_vslot_var(ax, D, ks[0]);
            uint32_t soff = draco_vslot_var(ax, S, ks[0]);
            draco_as_assign_sum(ax, s, doff, soff, 1, dsv, 1, 0);
            if (nk > 1) {
                uint32_t d2 = draco_vslot_var(ax, D, ks[1]);
                if (t == DRACO_TYPE_STACK)
                    draco_as_forget(ax, s, d2);
                else
                    draco_as_assign_var(ax, s, d2, draco_vslot_var(ax, S, ks[1]), 0);
            }
        }
        draco_as_itv(ax, s, draco_vslot_var(ax, S, DRACO_VK_UVAL), &u);
        draco_itv_add(&r, &u, &n);
        uint32_t duv = draco_vslot_var(ax, D, DRACO_VK_UVAL);
        if (itv_within(&r, 1, INT64_MAX))
            draco_as_set_itv(ax, s, duv, &r);
        else
            draco_as_set_range(ax, s, duv, 0, INT64_MAX);
        if (!s->bottom) {
            draco_status st = draco_types_assign_var(&s->types, D->tvar, S->tvar);
            if (st != DRACO_OK)
                draco_actx_fail(ax, st, "type domain error");
        }
        draco_as_forget(ax, s, dsv);
        if (ts & DRACO_TS(DRACO_TYPE_STACK))
            draco_stack_refresh_numsize(ax, s, D);
        draco_itv_fini(&n);
        draco_itv_fini(&u);
        draco_itv_fini(&r);
        return;
    }
    if (!add && S && draco_typeset_is_singleton(td) && td == ts && (td & DRACO_TS_SINGLETON_PTR)) {
        /* same-region pointer difference: a number */
        draco_type t = (draco_type)__builtin_ctz(td);
        enum draco_vk ks[2];
        draco_type_kinds(t, ks);
        uint32_t doff = draco_vslot_var(ax, D, ks[0]), soff = draco_vslot_var(ax, S, ks[0]);
        uint32_t dsv = draco_vslot_var(ax, D, DRACO_VK_SVAL);
        draco_as_assign_sum(ax, s, dsv, doff, 1, soff, -1, 0);
        draco_itv v, u;
        draco_itv_init(&v);
        draco_itv_init(&u);
        draco_as_itv(ax, s, dsv, &v);
        draco_itv_to_unsigned(&u, &v, 64);
        if (!s->bottom) {
            draco_status st = draco_types_assign_const(&s->types, D->tvar, DRACO_TS_NUM);
            if (st != DRACO_OK)
                draco_actx_fail(ax, st, "type domain error");
        }
        draco_slot_forget_kinds(ax, s, D, DRACO_TS_NUM, false);
        uint32_t duv = draco_vslot_var(ax, D, DRACO_VK_UVAL);
        if (itv_within(&v, 0, INT64_MAX))
            draco_as_assign_var(ax, s, duv, dsv, 0);
        else
            draco_as_set_itv(ax, s, duv, &u);
        draco_itv_fini(&v);
        draco_itv_fini(&u);
        return;
    }
    draco_slot_havoc(ax, s, D);
}

static void transfer_mov(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    struct draco_vslot *D = &ax->regs[in->dst];
    if (!in->src_is_reg) {
        int64_t v = in->is64 ? in->imm : (int64_t)(uint32_t)in->imm;
        if (v >= 0) {
            draco_slot_set_num_range(ax, s, D, v, v);
        } else {
            draco_itv a, b;
            draco_itv_init(&a);
            draco_itv_init(&b);
            draco_itv_set_i64(&a, v);
            draco_itv_set_u64(&b, (uint64_t)v);
            draco_slot_set_num_views(ax, s, D, &a, &b);
            draco_itv_fini(&a);
            draco_itv_fini(&b);
        }
        return;
    }
    struct draco_vslot *S = &ax->regs[in->src];
    if (in->is64) {
        draco_slot_copy(ax, s, D, S);
        return;
    }
    if (!is_num(draco_as_types(s, S))) {
        if (!leak_as_number(ax, s, D, 4))
            draco_slot_havoc(ax, s, D);
        return;
    }
    struct views a;
    views_init(&a);
    draco_slot_num_views(ax, s, S, &a.s, &a.u);
    if (itv_within(&a.u, 0, UINT32_MAX)) {
        draco_slot_copy(ax, s, D, S);
    } else {
        draco_itv z;
        draco_itv_init(&z);
        draco_itv_zext(&z, &a.u, 32);
        draco_slot_set_num_views(ax, s, D, &z, &z);
        draco_itv_fini(&z);
    }
    views_fini(&a);
}

static void transfer_movsx(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    struct draco_vslot *D = &ax->regs[in->dst];
    unsigned bits = in->op == DRACO_BIN_MOVSX8 ? 8 : in->op == DRACO_BIN_MOVSX16 ? 16 : 32;
    struct views a;
    views_init(&a);
    if (in->src_is_reg) {
        if (!is_num(draco_as_types(s, &ax->regs[in->src]))) {
            if (!ax->opts.privileged)
                draco_slot_havoc(ax, s, D);
            else if (in->is64)
                draco_slot_set_num_width(ax, s, D, bits / 8, true);   /* a pointer's low bits, sign-extended */
            else
                draco_slot_set_num_width(ax, s, D, 4, false);
            views_fini(&a);
            return;
        }
        draco_slot_num_views(ax, s, &ax->regs[in->src], &a.s, &a.u);
    } else {
        draco_itv_set_i64(&a.s, in->imm);
        draco_itv_set_u64(&a.u, (uint64_t)in->imm);
    }
    if (in->src_is_reg) {
        /* a value that already fits the narrow signed range is unchanged (64-bit result), or
         * unchanged if also non-negative (32-bit result): keep its relations */
        draco_itv lim;
        draco_itv_init(&lim);
        draco_itv_set_width_range(&lim, bits, true);
        bool fits = !draco_itv_is_bottom(&a.s) && draco_itv_leq(&a.s, &lim) &&
                    (in->is64 || draco_num_sgn(&a.s.lb) >= 0);
        draco_itv_fini(&lim);
        if (fits) {
            draco_slot_copy(ax, s, D, &ax->regs[in->src]);
            views_fini(&a);
            return;
        }
    }
    draco_itv r, u;
    draco_itv_init(&r);
    draco_itv_init(&u);
    draco_itv_sext(&r, &a.u, bits);
    if (in->is64) {
        draco_itv_to_unsigned(&u, &r, 64);
        draco_slot_set_num_views(ax, s, D, &r, &u);
    } else {
        draco_itv_zext(&u, &r, 32);
        draco_slot_set_num_views(ax, s, D, &u, &u);
    }
    draco_itv_fini(&r);
    draco_itv_fini(&u);
    views_fini(&a);
}

static unsigned ctz64(uint64_t v)
{
    return v ? (unsigned)__builtin_ctzll(v) : 63;
}

/* Known trailing zero bits of the result of `in` from those of its operands (0 = unknown). */
static unsigned result_tz(const struct draco_ir_insn *in, unsigned td, unsigned ts)
{
    unsigned w = in->is64 ? 64 : 32, r = 0;
    int64_t k = in->imm;
    switch ((enum draco_bin_op)in->op) {
    case DRACO_BIN_MOV: r = ts; break;
    case DRACO_BIN_ADD:
    case DRACO_BIN_SUB:
    case DRACO_BIN_OR:
    case DRACO_BIN_XOR: r = td < ts ? td : ts; break;
    case DRACO_BIN_AND: r = td > ts ? td : ts; break;
    case DRACO_BIN_MUL: r = td + ts; break;
    case DRACO_BIN_LSH:
        if (!in->src_is_reg && k >= 0 && (uint64_t)k < w)
            r = td + (unsigned)k;
        break;
    case DRACO_BIN_RSH:
    case DRACO_BIN_ARSH:
        if (!in->src_is_reg && k >= 0 && (uint64_t)k < w && (unsigned)k <= td)
            r = td - (unsigned)k;
        break;
    case DRACO_BIN_UDIV:
    case DRACO_BIN_SDIV:
    case DRACO_BIN_UMOD:
    case DRACO_BIN_SMOD:
    case DRACO_BIN_MOVSX8:
    case DRACO_BIN_MOVSX16:
    case DRACO_BIN_MOVSX32:
        break;
    }
    if (r > w - 1)
        r = w - 1;
    return r;
}

static void transfer_bin_values(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s);

void draco_transfer_bin(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    if (s->bottom)
        return;
    unsigned td = s->tz[in->dst];
    unsigned ts = in->src_is_reg ? s->tz[in->src] : ctz64(in->is64 ? (uint64_t)in->imm : (uint32_t)in->imm);
    struct draco_ir_insn shift = *in;
    if (in->src_is_reg && (in->op == DRACO_BIN_LSH || in->op == DRACO_BIN_RSH || in->op == DRACO_BIN_ARSH)) {
        /* a shift by a register holding a known amount aligns like a shift by that constant */
        draco_itv sv, uv;
        draco_itv_init(&sv);
        draco_itv_init(&uv);
        draco_slot_num_views(ax, s, &ax->regs[in->src], &sv, &uv);
        uint64_t k;
        if (draco_as_types(s, &ax->regs[in->src]) == DRACO_TS_NUM && draco_itv_singleton_u64(&uv, &k)) {
            shift.src_is_reg = false;
            shift.imm = (int64_t)(k & (in->is64 ? 63 : 31));
        }
        draco_itv_fini(&sv);
        draco_itv_fini(&uv);
    }
    /* operands' alignments describe numbers only: a result computed from a pointer's bits (a
     * privileged leak, a pointer difference) has none known */
    bool from_nums = (!in->src_is_reg || draco_as_types(s, &ax->regs[in->src]) == DRACO_TS_NUM) &&
                     (in->op == DRACO_BIN_MOV || in->op == DRACO_BIN_MOVSX8 || in->op == DRACO_BIN_MOVSX16 ||
                      in->op == DRACO_BIN_MOVSX32 || draco_as_types(s, &ax->regs[in->dst]) == DRACO_TS_NUM);
    transfer_bin_values(ax, in, s);
    if (!s->bottom) {
        s->tz[in->dst] = draco_as_types(s, &ax->regs[in->dst]) == DRACO_TS_NUM && from_nums
                             ? (uint8_t)result_tz(&shift, td, ts) : 0;
        if (s->tz[in->dst] && in->op != DRACO_BIN_MOV)
            draco_slot_align(ax, s, in->dst);   /* x << 32 <= 2^64 - 2^32 */
    }
}

static void transfer_bin_values(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    if (in->src_is_reg && in->src == in->dst && (in->op == DRACO_BIN_SUB || in->op == DRACO_BIN_XOR) &&
        draco_as_types(s, &ax->regs[in->dst]) == DRACO_TS_NUM) {
        draco_slot_set_num_range(ax, s, &ax->regs[in->dst], 0, 0);   /* x - x = x ^ x = 0 */
        return;
    }
    switch ((enum draco_bin_op)in->op) {
    case DRACO_BIN_MOV:
        transfer_mov(ax, in, s);
        return;
    case DRACO_BIN_MOVSX8:
    case DRACO_BIN_MOVSX16:
    case DRACO_BIN_MOVSX32:
        transfer_movsx(ax, in, s);
        return;
    case DRACO_BIN_ADD:
    case DRACO_BIN_SUB:
        transfer_add_sub(ax, in, s);
        return;
    case DRACO_BIN_MUL:
    case DRACO_BIN_UDIV:
    case DRACO_BIN_SDIV:
    case DRACO_BIN_UMOD:
    case DRACO_BIN_SMOD:
    case DRACO_BIN_OR:
    case DRACO_BIN_AND:
    case DRACO_BIN_LSH:
    case DRACO_BIN_RSH:
    case DRACO_BIN_ARSH:
    case DRACO_BIN_XOR:
        break;
    }
    draco_typeset td = draco_as_types(s, &ax->regs[in->dst]);
    draco_typeset ts = in->src_is_reg ? draco_as_types(s, &ax->regs[in->src]) : DRACO_TS_NUM;
    bool ok;
    draco_itv_binop op = map_binop((enum draco_bin_op)in->op, &ok);
    if (!ok) {
        draco_actx_fail(ax, DRACO_ERR_INTERNAL, "%u: unknown ALU operation %u", in->pc, in->op);
        return;
    }
    if (!is_num(td) || !is_num(ts)) {
        draco_slot_havoc(ax, s, &ax->regs[in->dst]);
        return;
    }
    if (op == DRACO_ITV_AND && !in->src_is_reg && in->imm > 0 && ((uint64_t)in->imm & ((uint64_t)in->imm + 1)) == 0) {
        /* x & (2^k - 1) is x itself when x already fits: keep x and its relations */
        draco_itv sv, uv, m;
        draco_itv_init(&sv);
        draco_itv_init(&uv);
        draco_itv_init(&m);
        draco_slot_num_views(ax, s, &ax->regs[in->dst], &sv, &uv);
        draco_itv_set_range_u64(&m, 0, (uint64_t)in->imm);
        bool fits = !draco_itv_is_bottom(&uv) && draco_itv_leq(&uv, &m);
        draco_itv_fini(&sv);
        draco_itv_fini(&uv);
        draco_itv_fini(&m);
        if (fits)
            return;
    }
    num_binop(ax, s, in, op);
}

static uint64_t bswap_w(uint64_t v, unsigned w)
{
    switch (w) {
    case 16: return __builtin_bswap16((uint16_t)v);
    case 32: return __builtin_bswap32((uint32_t)v);
    default: return __builtin_bswap64(v);
    }
}

void draco_transfer_un(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    if (s->bottom)
        return;
    struct draco_vslot *D = &ax->regs[in->dst];
    if (!is_num(draco_as_types(s, D))) {
        /* root: NEG at the instruction's width, a byte swap or truncation at its imm width */
        unsigned bw = in->op == DRACO_UN_NEG ? (in->is64 ? 64 : 32) : (unsigned)in->imm;
        if (bw != 16 && bw != 32)
            bw = 64;
        if (!leak_as_number(ax, s, D, bw / 8))
            draco_slot_havoc(ax, s, D);
        return;
    }
    struct views a;
    views_init(&a);
    draco_slot_num_views(ax, s, D, &a.s, &a.u);
    draco_itv rs, ru;
    draco_itv_init(&rs);
    draco_itv_init(&ru);
    unsigned w = in->is64 ? 64 : 32;
    switch ((enum draco_un_op)in->op) {
    case DRACO_UN_NEG: {
        draco_itv t;
        draco_itv_init(&t);
        draco_itv_neg_w(&ru, &a.s, w, false);
        draco_itv_neg_w(&t, &a.u, w, false);
        draco_itv_meet(&ru, &ru, &t);
        if (w == 64) {
            draco_itv_neg_w(&rs, &a.s, w, true);
            draco_itv_neg_w(&t, &a.u, w, true);
            draco_itv_meet(&rs, &rs, &t);
        } else {
            draco_itv_set(&rs, &ru);
        }
        draco_itv_fini(&t);
        break;
    }
    case DRACO_UN_LE16:
    case DRACO_UN_LE32:
    case DRACO_UN_LE64:
        if (ax->opts.big_endian)
            goto swap;   /* to little endian on a big-endian machine: a byte swap */
        goto truncate;
    case DRACO_UN_BE16:
    case DRACO_UN_BE32:
    case DRACO_UN_BE64:
        if (!ax->opts.big_endian)
            goto swap;
        goto truncate;
    truncate: {
        /* little-endian host: truncation to the width */
        unsigned bw = (unsigned)in->imm;
        if (bw != 16 && bw != 32 && bw != 64)
            bw = 64;
        if (bw == 64) {
            draco_itv_set(&rs, &a.s);
            draco_itv_set(&ru, &a.u);
        } else {
            draco_itv_zext(&ru, &a.u, bw);
            draco_itv_set(&rs, &ru);
        }
        break;
    }
    case DRACO_UN_SWAP16:
    case DRACO_UN_SWAP32:
    case DRACO_UN_SWAP64:
    swap: {
        unsigned bw = (unsigned)in->imm;
        if (bw != 16 && bw != 32 && bw != 64)
            bw = 64;
        uint64_t v;
        if (draco_itv_singleton_u64(&a.u, &v)) {
            uint64_t r = bswap_w(v, bw);
            draco_itv_set_u64(&ru, r);
            draco_itv_set_i64(&rs, (int64_t)r);
        } else if (bw == 64) {
            draco_itv_set_width_range(&rs, 64, true);
            draco_itv_set_width_range(&ru, 64, false);
        } else {
            draco_itv_set_width_range(&ru, bw, false);
            draco_itv_set(&rs, &ru);
        }
        break;
    }
    }
    unsigned tz = s->tz[in->dst];
    draco_slot_set_num_views(ax, s, D, &rs, &ru);
    if (!s->bottom && in->op == DRACO_UN_NEG)
        s->tz[in->dst] = (uint8_t)tz;
    draco_itv_fini(&rs);
    draco_itv_fini(&ru);
    views_fini(&a);
}
