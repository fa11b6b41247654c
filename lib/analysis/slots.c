/* SPDX-License-Identifier: MIT */
/* analysis/slots: operations on value slots (registers, stack cells, saved registers): type
 * assignment, havoc, copy, and the signed/unsigned views of numbers.
 *
 * Invariants: after any operation here the kind variables of types a slot cannot have are
 * forgotten; a number slot's svalue lies in the int64 range and its uvalue in the uint64 range,
 * both describing the same 64-bit word (each view is reduced by the other when read or set).
 */
#include "analysis/astate.h"

static bool kind_in_types(enum draco_vk k, draco_typeset ts)
{
    for (unsigned t = DRACO_TYPE_NUMBER; t < DRACO_TYPE_COUNT; t++) {
        if (!(ts & DRACO_TS(t)))
            continue;
        enum draco_vk ks[2];
        unsigned n = draco_type_kinds((draco_type)t, ks);
        for (unsigned i = 0; i < n; i++)
            if (ks[i] == k)
                return true;
    }
    return false;
}

draco_typeset draco_as_types(const struct draco_astate *s, const struct draco_vslot *slot)
{
    if (s->bottom)
        return DRACO_TS_NONE;
    return draco_types_get(&s->types, slot->tvar);
}

static void types_status(struct draco_actx *ax, draco_status st)
{
    if (st != DRACO_OK)
        draco_actx_fail(ax, st, "type domain error %d", (int)st);
}

void draco_slot_forget_kinds(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                             draco_typeset keep, bool keep_u)
{
    if (s->bottom)
        return;
    for (unsigned k = 0; k < DRACO_VK_COUNT; k++) {
        if (slot->var[k] == DRACO_VAR_NONE)
            continue;
        if (k == DRACO_VK_UVAL ? keep_u : kind_in_types((enum draco_vk)k, keep))
            continue;
        draco_as_forget(ax, s, slot->var[k]);
    }
}

void draco_slot_havoc(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot)
{
    if (s->bottom)
        return;
    types_status(ax, draco_types_havoc(&s->types, slot->tvar));
    draco_slot_forget_kinds(ax, s, slot, DRACO_TS_NONE, false);
    draco_slot_set_tz(s, slot, 0);
}

void draco_slot_set_type(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                         draco_type t)
{
    if (s->bottom)
        return;
    types_status(ax, draco_types_assign_const(&s->types, slot->tvar, DRACO_TS(t)));
    draco_slot_forget_kinds(ax, s, slot, DRACO_TS_NONE, false);
    draco_slot_set_tz(s, slot, 0);
}

void draco_slot_copy(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *dst,
                     struct draco_vslot *src)
{
    if (s->bottom || dst == src)
        return;
    draco_typeset ts = draco_as_types(s, src);
    draco_slot_set_tz(s, dst, draco_slot_tz(ax, s, src));
    types_status(ax, draco_types_assign_var(&s->types, dst->tvar, src->tvar));
    for (unsigned k = 0; k < DRACO_VK_COUNT; k++) {
        bool wanted = k == DRACO_VK_UVAL || kind_in_types((enum draco_vk)k, ts);
        if (wanted && !(ts & DRACO_TS(DRACO_TYPE_UNINIT))) {
            /* allocate the source's variable even when unconstrained: the copy stays equal */
            uint32_t sv = draco_vslot_var(ax, src, (enum draco_vk)k);
            uint32_t d = draco_vslot_var(ax, dst, (enum draco_vk)k);
            if (s->bottom)
                return;
            draco_status st = draco_zone_copy_var(&ax->dctx, &s->zone, d, sv);
            if (st != DRACO_OK)
                draco_actx_fail(ax, st, "zone copy failed");
        } else if (wanted && src->var[k] != DRACO_VAR_NONE) {
            uint32_t d = draco_vslot_var(ax, dst, (enum draco_vk)k);
            if (s->bottom)
                return;
            draco_status st = draco_zone_copy_var(&ax->dctx, &s->zone, d, src->var[k]);
            if (st != DRACO_OK)
                draco_actx_fail(ax, st, "zone copy failed");
        } else if (dst->var[k] != DRACO_VAR_NONE) {
            draco_as_forget(ax, s, dst->var[k]);
        }
    }
}

void draco_slot_num_views(struct draco_actx *ax, const struct draco_astate *s, struct draco_vslot *slot,
                          draco_itv *sv, draco_itv *uv)
{
    draco_itv t;
    draco_itv_init(&t);
    if (slot->var[DRACO_VK_SVAL] != DRACO_VAR_NONE)
        draco_as_itv(ax, s, slot->var[DRACO_VK_SVAL], sv);
    else
        draco_itv_set_top(sv);
    if (slot->var[DRACO_VK_UVAL] != DRACO_VAR_NONE)
        draco_as_itv(ax, s, slot->var[DRACO_VK_UVAL], uv);
    else
        draco_itv_set_top(uv);
    draco_itv_set_width_range(&t, 64, true);
    draco_itv_meet(sv, sv, &t);
    draco_itv_set_width_range(&t, 64, false);
    draco_itv_meet(uv, uv, &t);
    if (draco_itv_is_bottom(sv) || draco_itv_is_bottom(uv)) {
        draco_itv_fini(&t);
        return;
    }
    draco_itv_to_signed(&t, uv, 64);
    draco_itv_meet(sv, sv, &t);
    draco_itv_to_unsigned(&t, sv, 64);
    draco_itv_meet(uv, uv, &t);
    draco_itv_fini(&t);
}

void draco_slot_set_num_views(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                              const draco_itv *sv, const draco_itv *uv)
{
    if (s->bottom)
        return;
    draco_itv a, b, t;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&t);
    draco_itv_set_width_range(&t, 64, true);
    draco_itv_meet(&a, sv, &t);
    draco_itv_set_width_range(&t, 64, false);
    draco_itv_meet(&b, uv, &t);
    draco_itv_to_signed(&t, &b, 64);
    draco_itv_meet(&a, &a, &t);
    draco_itv_to_unsigned(&t, &a, 64);
    draco_itv_meet(&b, &b, &t);
    uint32_t vs = draco_vslot_var(ax, slot, DRACO_VK_SVAL);
    uint32_t vu = draco_vslot_var(ax, slot, DRACO_VK_UVAL);
    draco_slot_set_type(ax, s, slot, DRACO_TYPE_NUMBER);
    if (draco_itv_is_bottom(&a) || draco_itv_is_bottom(&b)) {
        /* no value is possible: the caller's operands were contradictory */
        draco_as_set_bottom(ax, s);
    } else {
        draco_as_set_itv(ax, s, vs, &a);
        if (draco_num_sgn(&a.lb) >= 0) {
            draco_as_assign_var(ax, s, vu, vs, 0);
        } else {
            draco_as_set_itv(ax, s, vu, &b);
        }
    }
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&t);
}

void draco_slot_set_num_range(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                              int64_t lo, int64_t hi)
{
    draco_itv a, b;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_set_range_i64(&a, lo, hi);
    draco_itv_to_unsigned(&b, &a, 64);
    draco_slot_set_num_views(ax, s, slot, &a, &b);
    draco_itv_fini(&a);
    draco_itv_fini(&b);
}

void draco_slot_set_num_width(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                              unsigned width, bool is_signed)
{
    draco_itv a, b;
    draco_itv_init(&a);
    draco_itv_init(&b);
    if (width >= 8) {
        draco_itv_set_width_range(&a, 64, true);
        draco_itv_set_width_range(&b, 64, false);
    } else {
        draco_itv_set_width_range(&a, width * 8, is_signed);
        draco_itv_to_unsigned(&b, &a, 64);
    }
    draco_slot_set_num_views(ax, s, slot, &a, &b);
    draco_itv_fini(&a);
    draco_itv_fini(&b);
}

void draco_slot_align(struct draco_actx *ax, struct draco_astate *s, unsigned r)
{
    unsigned tz = s->bottom ? 0 : s->tz[r];
    if (!tz || draco_as_types(s, &ax->regs[r]) != DRACO_TS_NUM)
        return;
    struct draco_vslot *R = &ax->regs[r];
    int64_t m = tz >= 62 ? (int64_t)1 << 62 : (int64_t)1 << tz;
    for (int k = 0; k < 2 && !s->bottom; k++) {
        uint32_t v = R->var[k == 0 ? DRACO_VK_SVAL : DRACO_VK_UVAL];
        if (v == DRACO_VAR_NONE)
            continue;
        struct draco_bound_pair b = draco_zone_bound(&s->zone, v);
        if (b.empty)
            continue;
        /* [lb, ub] -> [ceil(lb / m) * m, floor(ub / m) * m] for finite bounds (|b| <= 2^65) */
        const draco_i128 lim = (draco_i128)1 << 65;
        if (draco_zone_is_finite_i128(b.lb) && b.lb > -lim && b.lb < lim) {
            draco_i128 q = b.lb / m, lo = q * m;
            if (lo < b.lb)
                lo += m;
            if (lo != b.lb) {
                struct draco_linexpr e = {0};   /* lo - v <= 0 */
                e.nterms = 1;
                e.terms[0].var = v;
                e.terms[0].coef = -1;
                e.cst = lo;
                draco_as_add_lin(ax, s, &e, DRACO_CONS_LEQ);
            }
        }
        if (!s->bottom && draco_zone_is_finite_i128(b.ub) && b.ub > -lim && b.ub < lim) {
            draco_i128 q = b.ub / m, hi = q * m;
            if (hi > b.ub)
                hi -= m;
            if (hi != b.ub) {
                struct draco_linexpr e = {0};   /* v - hi <= 0 */
                e.nterms = 1;
                e.terms[0].var = v;
                e.terms[0].coef = 1;
                e.cst = -hi;
                draco_as_add_lin(ax, s, &e, DRACO_CONS_LEQ);
            }
        }
    }
}
