/* SPDX-License-Identifier: MIT */
/* analysis/numeric: the state's numeric part — thin wrappers over the zone domain that speak
 * intervals (draco_itv) and difference constraints, with sticky error handling.
 *
 * Invariants: every wrapper is a no-op on a bottom state; a zone that becomes bottom makes the
 * whole state bottom. Bounds that do not fit 128 bits are treated as infinite (dropping a
 * constraint is always sound). A zone error is recorded in the context and leaves the zone as a
 * sound over-approximation (the domain's contract).
 */
#include <string.h>
#include "analysis/astate.h"

draco_i128 draco_num_to_i128(const draco_num *n, bool upper)
{
    if (draco_num_is_pinf(n))
        return DRACO_I128_PINF;
    if (draco_num_is_ninf(n))
        return DRACO_I128_NINF;
    if (n->kind == DRACO_NUM_POS)
        return (draco_i128)n->u.mag;
    if (n->kind == DRACO_NUM_NEG)
        return -(draco_i128)n->u.mag;
    /* BIG: beyond 64 bits; treat as unbounded on that side (sound for bounds) */
    return upper ? DRACO_I128_PINF : DRACO_I128_NINF;
}

void draco_num_from_i128(draco_num *n, draco_i128 v)
{
    if (v == DRACO_I128_PINF) {
        draco_num_set_pinf(n);
        return;
    }
    if (v == DRACO_I128_NINF) {
        draco_num_set_ninf(n);
        return;
    }
    unsigned __int128 mag = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    if (mag >> 64) {
        /* |v| >= 2^64: go through GMP (rare) */
        mpz_t z;
        mpz_init(z);
        mpz_set_ui(z, (unsigned long)(uint64_t)(mag >> 64));
        mpz_mul_2exp(z, z, 64);
        mpz_add_ui(z, z, (unsigned long)(uint64_t)mag);
        if (v < 0)
            mpz_neg(z, z);
        draco_num_set_mpz(n, z);
        mpz_clear(z);
        return;
    }
    draco_num_fini(n);
    n->u.mag = (uint64_t)mag;
    n->kind = (v < 0) ? DRACO_NUM_NEG : DRACO_NUM_POS;
}

static void zone_check(struct draco_actx *ax, struct draco_astate *s, draco_status st)
{
    if (st != DRACO_OK)
        draco_actx_fail(ax, st, "numeric domain error %d", (int)st);
    if (draco_zone_is_bottom(&s->zone))
        draco_as_set_bottom(ax, s);
}

void draco_as_itv(struct draco_actx *ax, const struct draco_astate *s, uint32_t var, draco_itv *out)
{
    DRACO_UNUSED(ax);
    if (s->bottom) {
        draco_itv_set_bottom(out);
        return;
    }
    struct draco_bound_pair b = draco_zone_bound(&s->zone, var);
    if (b.empty) {
        draco_itv_set_bottom(out);
        return;
    }
    draco_num_from_i128(&out->lb, b.lb);
    draco_num_from_i128(&out->ub, b.ub);
    draco_itv_normalize(out);
}

void draco_as_forget(struct draco_actx *ax, struct draco_astate *s, uint32_t var)
{
    if (s->bottom || var == DRACO_VAR_NONE)
        return;
    zone_check(ax, s, draco_zone_forget(&ax->dctx, &s->zone, var));
}

static void lin_one(struct draco_linexpr *e, uint32_t var, int64_t coef)
{
    e->terms[e->nterms].var = var;
    e->terms[e->nterms].coef = coef;
    e->nterms++;
}

void draco_as_add_lin(struct draco_actx *ax, struct draco_astate *s, const struct draco_linexpr *e,
                      enum draco_cons_kind kind)
{
    if (s->bottom)
        return;
    struct draco_lincons c;
    c.expr = *e;
    c.kind = kind;
    zone_check(ax, s, draco_zone_add_constraint(&ax->dctx, &s->zone, &c));
}

static void add_bound(struct draco_actx *ax, struct draco_astate *s, uint32_t var, draco_i128 k, bool upper)
{
    if (!draco_zone_is_finite_i128(k))
        return;
    struct draco_linexpr e = {0};
    /* upper: var - k <= 0; lower: k - var <= 0 */
    lin_one(&e, var, upper ? 1 : -1);
    e.cst = upper ? -k : k;
    draco_as_add_lin(ax, s, &e, DRACO_CONS_LEQ);
}

void draco_as_meet_itv(struct draco_actx *ax, struct draco_astate *s, uint32_t var, const draco_itv *v)
{
    if (s->bottom)
        return;
    if (draco_itv_is_bottom(v)) {
        draco_as_set_bottom(ax, s);
        return;
    }
    add_bound(ax, s, var, draco_num_to_i128(&v->lb, false), false);
    add_bound(ax, s, var, draco_num_to_i128(&v->ub, true), true);
}

void draco_as_set_itv(struct draco_actx *ax, struct draco_astate *s, uint32_t var, const draco_itv *v)
{
    draco_as_forget(ax, s, var);
    draco_as_meet_itv(ax, s, var, v);
}

void draco_as_set_range(struct draco_actx *ax, struct draco_astate *s, uint32_t var, int64_t lo, int64_t hi)
{
    draco_as_forget(ax, s, var);
    add_bound(ax, s, var, lo, false);
    add_bound(ax, s, var, hi, true);
}

void draco_as_set_cst(struct draco_actx *ax, struct draco_astate *s, uint32_t var, int64_t c)
{
    if (s->bottom)
        return;
    struct draco_linexpr e = {0};
    e.cst = c;
    zone_check(ax, s, draco_zone_assign(&ax->dctx, &s->zone, var, &e));
}

void draco_as_assign_var(struct draco_actx *ax, struct draco_astate *s, uint32_t dst, uint32_t src, int64_t k)
{
    if (s->bottom)
        return;
    struct draco_linexpr e = {0};
    lin_one(&e, src, 1);
    e.cst = k;
    zone_check(ax, s, draco_zone_assign(&ax->dctx, &s->zone, dst, &e));
}

void draco_as_assign_sum(struct draco_actx *ax, struct draco_astate *s, uint32_t dst, uint32_t a,
                         int64_t ca, uint32_t b, int64_t cb, int64_t k)
{
    if (s->bottom)
        return;
    struct draco_linexpr e = {0};
    e.cst = k;
    /* a term whose variable is a known constant becomes part of the constant, so that the zone
     * sees a single-variable assignment (which it keeps relationally) */
    uint32_t vs[2] = {a, b};
    int64_t cs[2] = {ca, cb};
    for (int i = 0; i < 2; i++) {
        if (vs[i] == DRACO_VAR_NONE || !cs[i])
            continue;
        struct draco_bound_pair bp = draco_zone_bound(&s->zone, vs[i]);
        if (!bp.empty && bp.lb == bp.ub && draco_zone_is_finite_i128(bp.lb) && bp.lb > INT64_MIN / 4 &&
            bp.lb < INT64_MAX / 4 && cs[i] >= -1 && cs[i] <= 1) {
            e.cst += (draco_i128)cs[i] * bp.lb;
            continue;
        }
        lin_one(&e, vs[i], cs[i]);
    }
    zone_check(ax, s, draco_zone_assign(&ax->dctx, &s->zone, dst, &e));
}

void draco_as_add_le(struct draco_actx *ax, struct draco_astate *s, uint32_t x, uint32_t y, int64_t k)
{
    struct draco_linexpr e = {0};
    lin_one(&e, x, 1);
    if (y != DRACO_VAR_NONE)
        lin_one(&e, y, -1);
    e.cst = -(draco_i128)k;
    draco_as_add_lin(ax, s, &e, DRACO_CONS_LEQ);
}

void draco_as_add_ge(struct draco_actx *ax, struct draco_astate *s, uint32_t x, int64_t k)
{
    add_bound(ax, s, x, k, false);
}

void draco_as_add_eq(struct draco_actx *ax, struct draco_astate *s, uint32_t x, uint32_t y, int64_t k)
{
    struct draco_linexpr e = {0};
    lin_one(&e, x, 1);
    if (y != DRACO_VAR_NONE)
        lin_one(&e, y, -1);
    e.cst = -(draco_i128)k;
    draco_as_add_lin(ax, s, &e, DRACO_CONS_EQ);
}

void draco_as_add_neq_cst(struct draco_actx *ax, struct draco_astate *s, uint32_t x, int64_t k)
{
    struct draco_linexpr e = {0};
    lin_one(&e, x, 1);
    e.cst = -(draco_i128)k;
    draco_as_add_lin(ax, s, &e, DRACO_CONS_NEQ);
}

bool draco_as_entails_lin(struct draco_actx *ax, const struct draco_astate *s, const struct draco_linexpr *e)
{
    if (s->bottom)
        return true;
    struct draco_lincons c;
    c.expr = *e;
    c.kind = DRACO_CONS_LEQ;
    return draco_zone_entails(&ax->dctx, &s->zone, &c);
}

bool draco_as_entails_le(struct draco_actx *ax, const struct draco_astate *s, uint32_t x, uint32_t y,
                         draco_i128 k)
{
    if (s->bottom)
        return true;
    if (!draco_zone_is_finite_i128(k))
        return k == DRACO_I128_PINF;
    struct draco_linexpr e = {0};
    lin_one(&e, x, 1);
    if (y != DRACO_VAR_NONE)
        lin_one(&e, y, -1);
    e.cst = -k;
    return draco_as_entails_lin(ax, s, &e);
}

bool draco_as_entails_ge(struct draco_actx *ax, const struct draco_astate *s, uint32_t x, draco_i128 k)
{
    if (s->bottom)
        return true;
    if (!draco_zone_is_finite_i128(k))
        return k == DRACO_I128_NINF;
    struct draco_linexpr e = {0};
    lin_one(&e, x, -1);
    e.cst = k;
    return draco_as_entails_lin(ax, s, &e);
}

void draco_as_eval(struct draco_actx *ax, const struct draco_astate *s, const struct draco_linexpr *e,
                   draco_itv *out)
{
    DRACO_UNUSED(ax);
    if (s->bottom) {
        draco_itv_set_bottom(out);
        return;
    }
    struct draco_bound_pair b = draco_zone_eval(&s->zone, e);
    if (b.empty) {
        draco_itv_set_bottom(out);
        return;
    }
    draco_num_from_i128(&out->lb, b.lb);
    draco_num_from_i128(&out->ub, b.ub);
    draco_itv_normalize(out);
}
