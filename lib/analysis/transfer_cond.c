/* SPDX-License-Identifier: MIT */
/* analysis/transfer_cond: assume edges — refining the state by a branch condition.
 *
 * Over-approximation: a refinement only removes concrete states that violate the condition.
 * Numbers: interval refinement of both views at the comparison's width (draco_itv_assume), plus
 * relational zone constraints when the comparison is exact on the 64-bit view (64-bit compares, or
 * 32-bit ones whose operands provably fit the low half). Pointers of one and the same unique
 * region (ctx/packet/stack) compare by offset. A pointer compared with the immediate 0 refines
 * its abstract address (null checks); any other pointer comparison refines nothing.
 */
#include "analysis/astate.h"

static draco_itv_cmp map_cmp(enum draco_cond_op op)
{
    switch (op) {
    case DRACO_COND_EQ: return DRACO_ITV_EQ;
    case DRACO_COND_NE: return DRACO_ITV_NE;
    case DRACO_COND_SET: return DRACO_ITV_SET;
    case DRACO_COND_NSET: return DRACO_ITV_NSET;
    case DRACO_COND_LT: return DRACO_ITV_ULT;
    case DRACO_COND_LE: return DRACO_ITV_ULE;
    case DRACO_COND_GT: return DRACO_ITV_UGT;
    case DRACO_COND_GE: return DRACO_ITV_UGE;
    case DRACO_COND_SLT: return DRACO_ITV_SLT;
    case DRACO_COND_SLE: return DRACO_ITV_SLE;
    case DRACO_COND_SGT: return DRACO_ITV_SGT;
    case DRACO_COND_SGE: return DRACO_ITV_SGE;
    case DRACO_COND_ALWAYS:
        break;
    }
    return DRACO_ITV_CMP_COUNT;
}

static bool itv_in(const draco_itv *a, draco_i128 lo, draco_i128 hi)
{
    if (draco_itv_is_bottom(a))
        return true;
    draco_i128 l = draco_num_to_i128(&a->lb, false), h = draco_num_to_i128(&a->ub, true);
    return draco_zone_is_finite_i128(l) && draco_zone_is_finite_i128(h) && l >= lo && h <= hi;
}

/* x - y <= k with 128-bit k; y may be NONE (then x <= k), x may be NONE (then -y <= k) */
static void add_diff(struct draco_actx *ax, struct draco_astate *s, uint32_t x, uint32_t y, draco_i128 k)
{
    struct draco_linexpr e = {0};
    if (x != DRACO_VAR_NONE) {
        e.terms[e.nterms].var = x;
        e.terms[e.nterms++].coef = 1;
    }
    if (y != DRACO_VAR_NONE) {
        e.terms[e.nterms].var = y;
        e.terms[e.nterms++].coef = -1;
    }
    e.cst = -k;
    draco_as_add_lin(ax, s, &e, DRACO_CONS_LEQ);
}

/* Relational constraint `x op y` (y a var) or `x op c` (y NONE) on one view. */
static void rel_constraint(struct draco_actx *ax, struct draco_astate *s, enum draco_cond_op op, uint32_t x,
                           uint32_t y, draco_i128 c)
{
    switch (op) {
    case DRACO_COND_EQ:
        add_diff(ax, s, x, y, y == DRACO_VAR_NONE ? c : 0);
        add_diff(ax, s, y, x, y == DRACO_VAR_NONE ? -c : 0);
        return;
    case DRACO_COND_LT:
    case DRACO_COND_SLT:
        add_diff(ax, s, x, y, (y == DRACO_VAR_NONE ? c : 0) - 1);
        return;
    case DRACO_COND_LE:
    case DRACO_COND_SLE:
        add_diff(ax, s, x, y, y == DRACO_VAR_NONE ? c : 0);
        return;
    case DRACO_COND_GT:
    case DRACO_COND_SGT:
        add_diff(ax, s, y, x, (y == DRACO_VAR_NONE ? -c : 0) - 1);
        return;
    case DRACO_COND_GE:
    case DRACO_COND_SGE:
        add_diff(ax, s, y, x, y == DRACO_VAR_NONE ? -c : 0);
        return;
    case DRACO_COND_NE:
        if (y == DRACO_VAR_NONE && c >= INT64_MIN && c <= INT64_MAX)
            draco_as_add_neq_cst(ax, s, x, (int64_t)c);
        return;
    case DRACO_COND_SET:
    case DRACO_COND_NSET:
    case DRACO_COND_ALWAYS:
        return;
    }
}

static bool is_signed_op(enum draco_cond_op op)
{
    return op == DRACO_COND_SLT || op == DRACO_COND_SLE || op == DRACO_COND_SGT || op == DRACO_COND_SGE;
}

/* Interval refinement of a register's two views by `L op R` at width w. */
static void refine_views(struct draco_actx *ax, struct draco_astate *s, const struct draco_cfg_cond *c)
{
    struct draco_vslot *L = &ax->regs[c->left];
    struct draco_vslot *R = c->right_is_reg ? &ax->regs[c->right] : NULL;
    unsigned w = c->is64 ? 64 : 32;
    draco_itv_cmp op = map_cmp((enum draco_cond_op)c->op);
    draco_itv ls, lu, rs, ru, a1, b1, a2, b2;
    draco_itv_init(&ls); draco_itv_init(&lu); draco_itv_init(&rs); draco_itv_init(&ru);
    draco_itv_init(&a1); draco_itv_init(&b1); draco_itv_init(&a2); draco_itv_init(&b2);
    draco_slot_num_views(ax, s, L, &ls, &lu);
    if (R) {
        draco_slot_num_views(ax, s, R, &rs, &ru);
    } else {
        draco_itv_set_i64(&rs, c->imm);
        draco_itv_set_u64(&ru, (uint64_t)c->imm);
    }
    draco_itv_assume(&a1, &b1, op, &ls, &rs, w);
    draco_itv_assume(&a2, &b2, op, &lu, &ru, w);
    if (draco_itv_is_bottom(&a1) || draco_itv_is_bottom(&a2) || draco_itv_is_bottom(&b1) ||
        draco_itv_is_bottom(&b2)) {
        draco_as_set_bottom(ax, s);
    } else {
        draco_as_meet_itv(ax, s, draco_vslot_var(ax, L, DRACO_VK_SVAL), &a1);
        draco_as_meet_itv(ax, s, draco_vslot_var(ax, L, DRACO_VK_UVAL), &a2);
        if (R && R != L) {
            draco_as_meet_itv(ax, s, draco_vslot_var(ax, R, DRACO_VK_SVAL), &b1);
            draco_as_meet_itv(ax, s, draco_vslot_var(ax, R, DRACO_VK_UVAL), &b2);
        }
        /* relational part where the comparison is exact on the 64-bit views */
        if (!s->bottom) {
            bool sgn = is_signed_op((enum draco_cond_op)c->op);
            bool exact = c->is64;
            if (!exact) {
                if (sgn)
                    exact = itv_in(&ls, INT32_MIN, INT32_MAX) && (!R || itv_in(&rs, INT32_MIN, INT32_MAX));
                else
                    exact = itv_in(&lu, 0, UINT32_MAX) && (!R || itv_in(&ru, 0, UINT32_MAX));
            }
            if (exact) {
                enum draco_cond_op cop = (enum draco_cond_op)c->op;
                draco_i128 k = sgn ? (draco_i128)c->imm
                                   : (draco_i128)(c->is64 ? (uint64_t)c->imm : (uint64_t)(uint32_t)c->imm);
                enum draco_vk kind = sgn ? DRACO_VK_SVAL : DRACO_VK_UVAL;
                uint32_t x = draco_vslot_var(ax, L, kind);
                uint32_t y = R ? draco_vslot_var(ax, R, kind) : DRACO_VAR_NONE;
                if (!(R == L))
                    rel_constraint(ax, s, cop, x, y, k);
                /* both operands in the same signed half: the signed and unsigned orders agree,
                 * so the relation holds on the other view too (64-bit only) */
                if (R && R != L && c->is64 && cop != DRACO_COND_EQ && cop != DRACO_COND_NE && !s->bottom &&
                    ((itv_in(&ls, 0, INT64_MAX) && itv_in(&rs, 0, INT64_MAX)) ||
                     (itv_in(&ls, INT64_MIN, -1) && itv_in(&rs, INT64_MIN, -1)))) {
                    enum draco_vk other = sgn ? DRACO_VK_UVAL : DRACO_VK_SVAL;
                    enum draco_cond_op oop = cop;
                    switch (cop) {
                    case DRACO_COND_LT: oop = DRACO_COND_SLT; break;
                    case DRACO_COND_LE: oop = DRACO_COND_SLE; break;
                    case DRACO_COND_GT: oop = DRACO_COND_SGT; break;
                    case DRACO_COND_GE: oop = DRACO_COND_SGE; break;
                    case DRACO_COND_SLT: oop = DRACO_COND_LT; break;
                    case DRACO_COND_SLE: oop = DRACO_COND_LE; break;
                    case DRACO_COND_SGT: oop = DRACO_COND_GT; break;
                    case DRACO_COND_SGE: oop = DRACO_COND_GE; break;
                    case DRACO_COND_ALWAYS:
                    case DRACO_COND_EQ:
                    case DRACO_COND_NE:
                    case DRACO_COND_SET:
                    case DRACO_COND_NSET:
                        break;
                    }
                    if (oop != DRACO_COND_SET && oop != DRACO_COND_NSET)
                        rel_constraint(ax, s, oop, draco_vslot_var(ax, L, other), draco_vslot_var(ax, R, other), 0);
                }
                if (cop == DRACO_COND_EQ && !s->bottom) {
                    /* equality holds on the other view too */
                    enum draco_vk other = DRACO_VK_SVAL;
                    uint32_t x2 = draco_vslot_var(ax, L, other);
                    uint32_t y2 = R ? draco_vslot_var(ax, R, other) : DRACO_VAR_NONE;
                    if (R && R != L && c->is64)
                        rel_constraint(ax, s, cop, x2, y2, 0);
                    else if (!R && c->is64)
                        rel_constraint(ax, s, cop, x2, DRACO_VAR_NONE, (draco_i128)c->imm);
                }
            }
        }
        /* bounds rounded to the registers' alignment (x in [8, 127], x % 8 == 0 -> [8, 120]) */
        if (!s->bottom)
            draco_slot_align(ax, s, c->left);
        if (!s->bottom && R && R != L)
            draco_slot_align(ax, s, c->right);
        /* reduce each register's views by the other; a value in [0, INT64_MAX] has equal views */
        if (!s->bottom) {
            draco_slot_num_views(ax, s, L, &ls, &lu);
            if (draco_itv_is_bottom(&ls) || draco_itv_is_bottom(&lu)) {
                draco_as_set_bottom(ax, s);
            } else {
                draco_as_meet_itv(ax, s, L->var[DRACO_VK_SVAL], &ls);
                draco_as_meet_itv(ax, s, L->var[DRACO_VK_UVAL], &lu);
                if (itv_in(&ls, 0, INT64_MAX))
                    draco_as_add_eq(ax, s, L->var[DRACO_VK_SVAL], L->var[DRACO_VK_UVAL], 0);
            }
            if (R && R != L && !s->bottom) {
                draco_slot_num_views(ax, s, R, &rs, &ru);
                if (draco_itv_is_bottom(&rs) || draco_itv_is_bottom(&ru)) {
                    draco_as_set_bottom(ax, s);
                } else {
                    draco_as_meet_itv(ax, s, R->var[DRACO_VK_SVAL], &rs);
                    draco_as_meet_itv(ax, s, R->var[DRACO_VK_UVAL], &ru);
                    if (itv_in(&rs, 0, INT64_MAX))
                        draco_as_add_eq(ax, s, R->var[DRACO_VK_SVAL], R->var[DRACO_VK_UVAL], 0);
                }
            }
        }
    }
    draco_itv_fini(&ls); draco_itv_fini(&lu); draco_itv_fini(&rs); draco_itv_fini(&ru);
    draco_itv_fini(&a1); draco_itv_fini(&b1); draco_itv_fini(&a2); draco_itv_fini(&b2);
}

/* A pointer (abstract address in uvalue) compared with 0. */
static void refine_null(struct draco_actx *ax, struct draco_astate *s, const struct draco_cfg_cond *c)
{
    struct draco_vslot *L = &ax->regs[c->left];
    uint32_t u = draco_vslot_var(ax, L, DRACO_VK_UVAL);
    switch ((enum draco_cond_op)c->op) {
    case DRACO_COND_EQ:
    case DRACO_COND_LE:   /* u <= 0 */
        draco_as_add_le(ax, s, u, DRACO_VAR_NONE, 0);
        return;
    case DRACO_COND_NE:
    case DRACO_COND_GT:   /* u > 0 */
        draco_as_add_ge(ax, s, u, 1);
        return;
    case DRACO_COND_SET:
        if (c->is64)
            draco_as_add_ge(ax, s, u, 1);
        return;
    case DRACO_COND_NSET:
        return;
    case DRACO_COND_LT:   /* u < 0: impossible */
        if (c->is64)
            draco_as_set_bottom(ax, s);
        return;
    case DRACO_COND_GE:
    case DRACO_COND_SLT:
    case DRACO_COND_SLE:
    case DRACO_COND_SGT:
    case DRACO_COND_SGE:
    case DRACO_COND_ALWAYS:
        return;
    }
}

void draco_transfer_assume(struct draco_actx *ax, const struct draco_cfg_cond *c, struct draco_astate *s)
{
    if (s->bottom)
        return;
    struct draco_vslot *L = &ax->regs[c->left];
    struct draco_vslot *R = c->right_is_reg ? &ax->regs[c->right] : NULL;
    draco_typeset tl = draco_as_types(s, L), tr = R ? draco_as_types(s, R) : DRACO_TS_NUM;
    if ((tl | tr) & DRACO_TS(DRACO_TYPE_UNINIT))
        return;   /* the checker rejects the comparison */
    if (tl == DRACO_TS_NUM && tr == DRACO_TS_NUM) {
        refine_views(ax, s, c);
        return;
    }
    if (tr == DRACO_TS_NUM && !draco_typeset_is_singleton(tl) && (tl & DRACO_TS_NUM) && R != L) {
        /* a register that may be a number or a pointer: refine each case apart and join, so
         * that e.g. `r1 != 0` removes the number 0 (and with it the number type) */
        struct draco_astate *acc = draco_as_new_bottom(ax);
        if (!acc)
            return;
        for (unsigned t = DRACO_TYPE_NUMBER; t < DRACO_TYPE_COUNT; t++) {
            if (!(tl & DRACO_TS(t)))
                continue;
            struct draco_astate *b = draco_as_copy(ax, s);
            if (!b)
                break;
            draco_status st = draco_types_restrict(&b->types, L->tvar, DRACO_TS(t));
            if (st != DRACO_OK)
                draco_actx_fail(ax, st, "type domain error");
            if (draco_types_is_bottom(&b->types))
                draco_as_set_bottom(ax, b);
            if (!b->bottom) {
                draco_slot_forget_kinds(ax, b, L, DRACO_TS(t), true);
                if (t == DRACO_TYPE_NUMBER)
                    refine_views(ax, b, c);
                else if (!R && c->imm == 0 && c->is64)
                    refine_null(ax, b, c);
            }
            draco_as_join_into(ax, acc, b);
            draco_as_free(ax, b);
        }
        /* s := acc */
        draco_as_set_bottom(ax, s);
        draco_as_join_into(ax, s, acc);
        draco_as_free(ax, acc);
        return;
    }
    if (!R) {
        if (!c->is64 && c->op != DRACO_COND_EQ && c->op != DRACO_COND_NE)
            return;
        if (c->imm == 0 && c->is64)
            refine_null(ax, s, c);
        return;
    }
    if (c->is64 && draco_typeset_is_singleton(tl) && tl == tr && (tl & DRACO_TS_SINGLETON_PTR) && R != L) {
        draco_type t = (draco_type)__builtin_ctz(tl);
        enum draco_vk ks[2];
        draco_type_kinds(t, ks);
        uint32_t x = draco_vslot_var(ax, L, ks[0]), y = draco_vslot_var(ax, R, ks[0]);
        enum draco_cond_op op = (enum draco_cond_op)c->op;
        /* pointers compare as unsigned addresses of one region: offsets order the same way;
         * signed comparisons are mapped onto the same relation as PREVAIL does */
        switch (op) {
        case DRACO_COND_SLT: op = DRACO_COND_LT; break;
        case DRACO_COND_SLE: op = DRACO_COND_LE; break;
        case DRACO_COND_SGT: op = DRACO_COND_GT; break;
        case DRACO_COND_SGE: op = DRACO_COND_GE; break;
        case DRACO_COND_ALWAYS:
        case DRACO_COND_EQ:
        case DRACO_COND_NE:
        case DRACO_COND_SET:
        case DRACO_COND_NSET:
        case DRACO_COND_LT:
        case DRACO_COND_LE:
        case DRACO_COND_GT:
        case DRACO_COND_GE:
            break;
        }
        if (op != DRACO_COND_NE && op != DRACO_COND_SET && op != DRACO_COND_NSET) {
            rel_constraint(ax, s, op, x, y, 0);
        } else if (op == DRACO_COND_NE) {
            /* offsets differ: usable when one of them is a known constant */
            struct draco_bound_pair bx = draco_zone_bound(&s->zone, x), by = draco_zone_bound(&s->zone, y);
            if (!by.empty && by.lb == by.ub && by.lb >= INT64_MIN && by.lb <= INT64_MAX)
                draco_as_add_neq_cst(ax, s, x, (int64_t)by.lb);
            else if (!bx.empty && bx.lb == bx.ub && bx.lb >= INT64_MIN && bx.lb <= INT64_MAX)
                draco_as_add_neq_cst(ax, s, y, (int64_t)bx.lb);
        }
    }
}
