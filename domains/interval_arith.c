/* SPDX-License-Identifier: MIT */
/* Interval arithmetic: exact add/sub/mul/neg and the eBPF machine operations add, sub, mul,
 * neg, udiv, sdiv, umod, smod at a width, plus the binop dispatcher.
 *
 * Invariants: exact operations never wrap (bounds go to GMP when they leave 64 bits). Machine
 * operations split each operand into at most two pieces inside the operation's natural view
 * (draco_itv_pieces_split), apply an over-approximating kernel to every pair, join, then wrap the
 * exact result into the requested view (full view range when it straddles a wrap boundary).
 * Every local is finished before return; outputs may alias inputs.
 */
#include "domains/interval_impl.h"

/* ---- exact arithmetic ---- */

void draco_itv_add(draco_itv *r, const draco_itv *a, const draco_itv *b)
{
    if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b)) {
        draco_itv_set_bottom(r);
        return;
    }
    /* lb + lb never meets +oo (non-bottom lb < +oo), ub + ub never meets -oo: always defined */
    draco_itv t;
    draco_itv_init(&t);
    draco_num_add(&t.lb, &a->lb, &b->lb);
    draco_num_add(&t.ub, &a->ub, &b->ub);
    draco_itv_move(r, &t);
}

void draco_itv_sub(draco_itv *r, const draco_itv *a, const draco_itv *b)
{
    if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b)) {
        draco_itv_set_bottom(r);
        return;
    }
    draco_itv t;
    draco_itv_init(&t);
    draco_num_sub(&t.lb, &a->lb, &b->ub);   /* (< +oo) - (> -oo): defined */
    draco_num_sub(&t.ub, &a->ub, &b->lb);
    draco_itv_move(r, &t);
}

void draco_itv_mul(draco_itv *r, const draco_itv *a, const draco_itv *b)
{
    if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b)) {
        draco_itv_set_bottom(r);
        return;
    }
    /* x*y is bilinear, so its extremes over a box are at the corners; 0 * oo = 0 is right
     * because every concrete point is finite */
    draco_num c[4];
    for (int i = 0; i < 4; i++)
        draco_num_init(&c[i]);
    draco_num_mul(&c[0], &a->lb, &b->lb);
    draco_num_mul(&c[1], &a->lb, &b->ub);
    draco_num_mul(&c[2], &a->ub, &b->lb);
    draco_num_mul(&c[3], &a->ub, &b->ub);
    int lo = 0, hi = 0;
    for (int i = 1; i < 4; i++) {
        if (draco_num_cmp(&c[i], &c[lo]) < 0)
            lo = i;
        if (draco_num_cmp(&c[i], &c[hi]) > 0)
            hi = i;
    }
    draco_itv t;
    draco_itv_init(&t);
    draco_num_set(&t.lb, &c[lo]);
    draco_num_set(&t.ub, &c[hi]);
    for (int i = 0; i < 4; i++)
        draco_num_fini(&c[i]);
    draco_itv_move(r, &t);
}

void draco_itv_neg(draco_itv *r, const draco_itv *a)
{
    if (draco_itv_is_bottom(a)) {
        draco_itv_set_bottom(r);
        return;
    }
    draco_itv t;
    draco_itv_init(&t);
    draco_num_neg(&t.lb, &a->ub);
    draco_num_neg(&t.ub, &a->lb);
    draco_itv_move(r, &t);
}

void draco_itv_add_num(draco_itv *r, const draco_itv *a, const draco_num *c)
{
    if (draco_itv_is_bottom(a) || !draco_num_is_finite(c)) {
        if (draco_itv_is_bottom(a))
            draco_itv_set_bottom(r);
        else
            draco_itv_set_top(r);    /* not a valid use; stay sound */
        return;
    }
    draco_itv t;
    draco_itv_init(&t);
    draco_num_add(&t.lb, &a->lb, c);
    draco_num_add(&t.ub, &a->ub, c);
    draco_itv_move(r, &t);
}

/* ---- lifting kernels over wrap pieces ---- */

void draco_itv_lift2(draco_itv *r, draco_itv_kernel kernel, const draco_itv *a, const draco_itv *b,
                     unsigned width, bool nat_signed, bool is_signed)
{
    struct draco_itv_pieces pa, pb;
    draco_itv acc, one;
    draco_itv_init(&acc);
    draco_itv_init(&one);
    draco_itv_set_bottom(&acc);
    draco_itv_pieces_split(&pa, a, width, nat_signed);
    draco_itv_pieces_split(&pb, b, width, nat_signed);
    for (unsigned i = 0; i < pa.n; i++) {
        for (unsigned j = 0; j < pb.n; j++) {
            kernel(&one, &pa.p[i], &pb.p[j], width);
            draco_itv_join(&acc, &acc, &one);
        }
    }
    draco_itv_wrap(r, &acc, width, is_signed);
    draco_itv_pieces_fini(&pa);
    draco_itv_pieces_fini(&pb);
    draco_itv_fini(&acc);
    draco_itv_fini(&one);
}

/* ---- division and remainder kernels (operands inside the natural view) ---- */

static void itv_udiv_kernel(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width)
{
    DRACO_UNUSED(width);
    draco_num one = draco_num_from_u64(1);
    if (draco_num_is_zero(&b->ub)) {            /* b = {0}: x / 0 = 0 */
        draco_itv_set_u64(r, 0);
        return;
    }
    /* for y >= 1, x / y is nondecreasing in x and nonincreasing in y */
    const draco_num *blo = draco_num_is_zero(&b->lb) ? &one : &b->lb;
    draco_itv t;
    draco_itv_init(&t);
    draco_num_tdiv(&t.lb, &a->lb, &b->ub);
    draco_num_tdiv(&t.ub, &a->ub, blo);
    if (draco_num_is_zero(&b->lb))
        draco_num_set_u64(&t.lb, 0);            /* the zero divisor contributes 0 */
    draco_itv_move(r, &t);
}

static void itv_umod_kernel(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width)
{
    DRACO_UNUSED(width);
    draco_itv acc, part;
    draco_itv_init(&acc);
    draco_itv_init(&part);
    draco_itv_set_bottom(&acc);
    if (draco_num_is_zero(&b->lb))
        draco_itv_set(&acc, a);                 /* x % 0 = x */
    if (!draco_num_is_zero(&b->ub)) {
        draco_num one = draco_num_from_u64(1);
        const draco_num *blo = draco_num_is_zero(&b->lb) ? &one : &b->lb;
        draco_num q1, q2;
        draco_num_init(&q1);
        draco_num_init(&q2);
        bool one_period = false;
        if (draco_num_eq(blo, &b->ub)) {
            draco_num_tdiv(&q1, &a->lb, blo);
            draco_num_tdiv(&q2, &a->ub, blo);
            one_period = draco_num_eq(&q1, &q2);
        }
        if (draco_num_cmp(&a->ub, blo) < 0) {
            draco_itv_set(&part, a);            /* x < y: x % y = x */
        } else if (one_period) {
            draco_num_tmod(&part.lb, &a->lb, blo);   /* one period of a constant divisor */
            draco_num_tmod(&part.ub, &a->ub, blo);
        } else {
            draco_num_set_u64(&part.lb, 0);          /* 0 <= x % y <= min(x, y - 1) */
            draco_num_add_i64(&q1, &b->ub, -1);
            draco_num_min(&part.ub, &a->ub, &q1);
        }
        draco_itv_join(&acc, &acc, &part);
        draco_num_fini(&q1);
        draco_num_fini(&q2);
    }
    draco_itv_move(r, &acc);
    draco_itv_fini(&part);
}

/* b restricted to negative (sign < 0) or positive (sign > 0) divisors; false if empty. */
static bool itv_divisor_part(draco_itv *out, const draco_itv *b, int sign)
{
    draco_num m = draco_num_from_i64(sign < 0 ? -1 : 1);
    if (sign < 0)
        draco_itv_meet_ub(out, b, &m);
    else
        draco_itv_meet_lb(out, b, &m);
    return !draco_itv_is_bottom(out);
}

static void itv_sdiv_kernel(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width)
{
    draco_itv acc, part, q;
    draco_itv_init(&acc);
    draco_itv_init(&part);
    draco_itv_init(&q);
    draco_itv_set_bottom(&acc);
    if (draco_itv_contains_i64(b, 0))
        draco_itv_set_i64(&acc, 0);             /* x / 0 = 0 */
    draco_num c[4];
    for (int i = 0; i < 4; i++)
        draco_num_init(&c[i]);
    for (int sign = -1; sign <= 1; sign += 2) {
        if (!itv_divisor_part(&part, b, sign))
            continue;
        /* within one divisor sign, truncated x / y is monotone in each argument: corners */
        draco_num_tdiv(&c[0], &a->lb, &part.lb);
        draco_num_tdiv(&c[1], &a->lb, &part.ub);
        draco_num_tdiv(&c[2], &a->ub, &part.lb);
        draco_num_tdiv(&c[3], &a->ub, &part.ub);
        int lo = 0, hi = 0;
        for (int i = 1; i < 4; i++) {
            if (draco_num_cmp(&c[i], &c[lo]) < 0)
                lo = i;
            if (draco_num_cmp(&c[i], &c[hi]) > 0)
                hi = i;
        }
        draco_itv_set_bounds(&q, &c[lo], &c[hi]);
        draco_itv_join(&acc, &acc, &q);
    }
    /* the exact quotient 2^(w-1) only comes from INT_MIN / -1, which the ISA defines as INT_MIN */
    draco_num top = draco_num_width_max(width, true), intmin = draco_num_width_min(width, true);
    draco_num_add_i64(&top, &top, 1);
    if (!draco_itv_is_bottom(&acc) && draco_num_eq(&acc.ub, &top)) {
        draco_num_add_i64(&acc.ub, &acc.ub, -1);
        draco_itv_normalize(&acc);
        draco_itv_set_num(&q, &intmin);
        draco_itv_join(&acc, &acc, &q);
    }
    for (int i = 0; i < 4; i++)
        draco_num_fini(&c[i]);
    draco_itv_move(r, &acc);
    draco_itv_fini(&part);
    draco_itv_fini(&q);
}

static void itv_smod_kernel(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width)
{
    DRACO_UNUSED(width);
    draco_itv acc, part, q;
    draco_itv_init(&acc);
    draco_itv_init(&part);
    draco_itv_init(&q);
    draco_itv_set_bottom(&acc);
    if (draco_itv_contains_i64(b, 0))
        draco_itv_set(&acc, a);                 /* x % 0 = x */
    draco_num ymax, ymin, t;
    draco_num_init(&ymax);
    draco_num_init(&ymin);
    draco_num_init(&t);
    for (int sign = -1; sign <= 1; sign += 2) {
        if (!itv_divisor_part(&part, b, sign))
            continue;
        /* |y| ranges over [ymin, ymax]; the remainder has the sign of x and |x % y| < |y|, |x % y| <= |x| */
        if (sign < 0) {
            draco_num_neg(&ymax, &part.lb);
            draco_num_neg(&ymin, &part.ub);
        } else {
            draco_num_set(&ymax, &part.ub);
            draco_num_set(&ymin, &part.lb);
        }
        draco_num xs, ys;
        draco_num_init(&xs);
        draco_num_init(&ys);
        if (draco_itv_singleton(a, &xs) && draco_itv_singleton(&part, &ys)) {
            draco_num_tmod(&t, &xs, &ys);       /* INT_MIN % -1 = 0 falls out exactly */
            draco_itv_set_num(&q, &t);
        } else {
            draco_num m1;
            draco_num_init(&m1);
            draco_num_add_i64(&m1, &ymin, -1);  /* |x| < ymin: x % y = x */
            draco_num nm1;
            draco_num_init(&nm1);
            draco_num_neg(&nm1, &m1);
            if (draco_num_cmp(&nm1, &a->lb) <= 0 && draco_num_cmp(&a->ub, &m1) <= 0) {
                draco_itv_set(&q, a);
            } else {
                draco_num_add_i64(&m1, &ymax, -1);
                draco_num_neg(&nm1, &m1);
                draco_itv_set_i64(&q, 0);
                if (draco_num_sgn(&a->lb) < 0)
                    draco_num_max(&q.lb, &a->lb, &nm1);
                if (draco_num_sgn(&a->ub) > 0)
                    draco_num_min(&q.ub, &a->ub, &m1);
            }
            draco_num_fini(&m1);
            draco_num_fini(&nm1);
        }
        draco_num_fini(&xs);
        draco_num_fini(&ys);
        draco_itv_join(&acc, &acc, &q);
    }
    draco_num_fini(&ymax);
    draco_num_fini(&ymin);
    draco_num_fini(&t);
    draco_itv_move(r, &acc);
    draco_itv_fini(&part);
    draco_itv_fini(&q);
}

/* ---- machine operations at a width ---- */

/* exact op then wrap: (a mod 2^w) op (b mod 2^w) = (a op b) mod 2^w for +, -, * */
void draco_itv_add_w(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_itv_add(&t, a, b);
    draco_itv_wrap(r, &t, width, is_signed);
    draco_itv_fini(&t);
}

void draco_itv_sub_w(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_itv_sub(&t, a, b);
    draco_itv_wrap(r, &t, width, is_signed);
    draco_itv_fini(&t);
}

void draco_itv_mul_w(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv t, wa, wb;
    draco_itv_init(&t);
    draco_itv_init(&wa);
    draco_itv_init(&wb);
    /* multiply the narrower of the raw operand and its wrapped image in either view: all are
     * congruent modulo 2^w, so any choice is sound, and narrower factors give tighter products */
    const draco_itv *ops[2] = {a, b};
    draco_itv *w[2] = {&wa, &wb};
    for (int i = 0; i < 2; i++) {
        draco_itv_set(w[i], ops[i]);
        for (int s = 0; s < 2; s++) {
            struct draco_itv_pieces ps;
            draco_itv_pieces_split(&ps, ops[i], width, s != 0);
            if (ps.n == 1 && ps.exact) {
                draco_num d1, d2;
                draco_num_init(&d1);
                draco_num_init(&d2);
                draco_num_sub(&d1, &ps.p[0].ub, &ps.p[0].lb);
                draco_num_sub(&d2, &w[i]->ub, &w[i]->lb);
                if (!draco_num_is_finite(&w[i]->lb) || !draco_num_is_finite(&w[i]->ub) ||
                    draco_num_cmp(&d1, &d2) < 0 ||
                    (draco_num_eq(&d1, &d2) && draco_num_sgn(&ps.p[0].lb) >= 0 && draco_num_sgn(&w[i]->lb) < 0))
                    draco_itv_set(w[i], &ps.p[0]);
                draco_num_fini(&d1);
                draco_num_fini(&d2);
            }
            draco_itv_pieces_fini(&ps);
        }
    }
    draco_itv_mul(&t, &wa, &wb);
    draco_itv_wrap(r, &t, width, is_signed);
    draco_itv_fini(&t);
    draco_itv_fini(&wa);
    draco_itv_fini(&wb);
}

void draco_itv_neg_w(draco_itv *r, const draco_itv *a, unsigned width, bool is_signed)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_itv_neg(&t, a);
    draco_itv_wrap(r, &t, width, is_signed);
    draco_itv_fini(&t);
}

void draco_itv_udiv(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv_lift2(r, itv_udiv_kernel, a, b, width, false, is_signed);
}

void draco_itv_sdiv(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv_lift2(r, itv_sdiv_kernel, a, b, width, true, is_signed);
}

void draco_itv_umod(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv_lift2(r, itv_umod_kernel, a, b, width, false, is_signed);
}

void draco_itv_smod(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv_lift2(r, itv_smod_kernel, a, b, width, true, is_signed);
}

void draco_itv_binop_w(draco_itv *r, draco_itv_binop op, const draco_itv *a, const draco_itv *b,
                       unsigned width, bool is_signed)
{
    switch (op) {
    case DRACO_ITV_ADD: draco_itv_add_w(r, a, b, width, is_signed); return;
    case DRACO_ITV_SUB: draco_itv_sub_w(r, a, b, width, is_signed); return;
    case DRACO_ITV_MUL: draco_itv_mul_w(r, a, b, width, is_signed); return;
    case DRACO_ITV_UDIV: draco_itv_udiv(r, a, b, width, is_signed); return;
    case DRACO_ITV_SDIV: draco_itv_sdiv(r, a, b, width, is_signed); return;
    case DRACO_ITV_UMOD: draco_itv_umod(r, a, b, width, is_signed); return;
    case DRACO_ITV_SMOD: draco_itv_smod(r, a, b, width, is_signed); return;
    case DRACO_ITV_AND: draco_itv_and(r, a, b, width, is_signed); return;
    case DRACO_ITV_OR: draco_itv_or(r, a, b, width, is_signed); return;
    case DRACO_ITV_XOR: draco_itv_xor(r, a, b, width, is_signed); return;
    case DRACO_ITV_SHL: draco_itv_shl(r, a, b, width, is_signed); return;
    case DRACO_ITV_LSHR: draco_itv_lshr(r, a, b, width, is_signed); return;
    case DRACO_ITV_ASHR: draco_itv_ashr(r, a, b, width, is_signed); return;
    case DRACO_ITV_BINOP_COUNT: break;
    }
    /* unknown operation: the only sound answer is everything */
    if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b))
        draco_itv_set_bottom(r);
    else
        draco_itv_set_width_range(r, width, is_signed);
}
