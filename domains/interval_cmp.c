/* SPDX-License-Identifier: MIT */
/* Interval comparison refinement for the eBPF conditional jumps at width 32 or 64 (any 1..64).
 *
 * Invariants: each operand is split into at most two pieces of its w-bit image in the view of the
 * comparison (draco_itv_pieces_split). A piece whose preimage is known (exact split) is refined
 * in the view and shifted back; an operand whose image is the whole view range with an unknown
 * preimage is kept as it is unless the comparison is infeasible (then both become bottom). So
 * every concrete pair (x, y) that satisfies the comparison survives: the refinement is sound.
 */
#include "domains/interval_impl.h"

draco_itv_cmp draco_itv_cmp_negate(draco_itv_cmp op)
{
    switch (op) {
    case DRACO_ITV_EQ: return DRACO_ITV_NE;
    case DRACO_ITV_NE: return DRACO_ITV_EQ;
    case DRACO_ITV_UGT: return DRACO_ITV_ULE;
    case DRACO_ITV_UGE: return DRACO_ITV_ULT;
    case DRACO_ITV_ULT: return DRACO_ITV_UGE;
    case DRACO_ITV_ULE: return DRACO_ITV_UGT;
    case DRACO_ITV_SGT: return DRACO_ITV_SLE;
    case DRACO_ITV_SGE: return DRACO_ITV_SLT;
    case DRACO_ITV_SLT: return DRACO_ITV_SGE;
    case DRACO_ITV_SLE: return DRACO_ITV_SGT;
    case DRACO_ITV_SET: return DRACO_ITV_NSET;
    case DRACO_ITV_NSET: return DRACO_ITV_SET;
    case DRACO_ITV_CMP_COUNT: break;
    }
    return op;
}

draco_itv_cmp draco_itv_cmp_swap(draco_itv_cmp op)
{
    switch (op) {
    case DRACO_ITV_UGT: return DRACO_ITV_ULT;
    case DRACO_ITV_UGE: return DRACO_ITV_ULE;
    case DRACO_ITV_ULT: return DRACO_ITV_UGT;
    case DRACO_ITV_ULE: return DRACO_ITV_UGE;
    case DRACO_ITV_SGT: return DRACO_ITV_SLT;
    case DRACO_ITV_SGE: return DRACO_ITV_SLE;
    case DRACO_ITV_SLT: return DRACO_ITV_SGT;
    case DRACO_ITV_SLE: return DRACO_ITV_SGE;
    case DRACO_ITV_EQ:
    case DRACO_ITV_NE:
    case DRACO_ITV_SET:
    case DRACO_ITV_NSET:
    case DRACO_ITV_CMP_COUNT:
        break;
    }
    return op;
}

static bool cmp_is_signed(draco_itv_cmp op)
{
    return op == DRACO_ITV_SGT || op == DRACO_ITV_SGE || op == DRACO_ITV_SLT || op == DRACO_ITV_SLE;
}

/* r := { x in x_itv | exists y in y_itv: x op y }, over-approximated; both inside the view. */
static void cmp_refine_left(draco_itv *r, const draco_itv *x, const draco_itv *y, draco_itv_cmp op,
                            unsigned width)
{
    draco_itv t;
    draco_num c;
    draco_itv_init(&t);
    draco_num_init(&c);
    draco_itv_set(&t, x);
    if (draco_itv_is_bottom(y)) {
        draco_itv_set_bottom(&t);
        goto out;
    }
    switch (op) {
    case DRACO_ITV_EQ:
        draco_itv_meet(&t, &t, y);
        break;
    case DRACO_ITV_NE:
        if (draco_itv_singleton(y, &c))
            draco_itv_exclude(&t, &t, &c);
        break;
    case DRACO_ITV_ULT:
    case DRACO_ITV_SLT:             /* x < y  =>  x <= max(y) - 1 */
        draco_num_add_i64(&c, &y->ub, -1);
        draco_itv_meet_ub(&t, &t, &c);
        break;
    case DRACO_ITV_ULE:
    case DRACO_ITV_SLE:
        draco_itv_meet_ub(&t, &t, &y->ub);
        break;
    case DRACO_ITV_UGT:
    case DRACO_ITV_SGT:             /* x > y  =>  x >= min(y) + 1 */
        draco_num_add_i64(&c, &y->lb, 1);
        draco_itv_meet_lb(&t, &t, &c);
        break;
    case DRACO_ITV_UGE:
    case DRACO_ITV_SGE:
        draco_itv_meet_lb(&t, &t, &y->lb);
        break;
    case DRACO_ITV_SET: {           /* x & y != 0 needs a possibly nonzero AND */
        draco_itv and_r;
        draco_itv_init(&and_r);
        draco_itv_bits_and_u(&and_r, &t, y, width);
        if (draco_itv_singleton_u64(&and_r, NULL) && draco_num_is_zero(&and_r.lb))
            draco_itv_set_bottom(&t);
        draco_itv_fini(&and_r);
        break;
    }
    case DRACO_ITV_NSET: {          /* x & y == 0 needs a possibly zero AND */
        draco_itv and_r;
        draco_itv_init(&and_r);
        draco_itv_bits_and_u(&and_r, &t, y, width);
        if (!draco_itv_contains_u64(&and_r, 0)) {
            draco_itv_set_bottom(&t);
        } else {
            uint64_t cv;
            if (draco_itv_singleton_u64(y, &cv)) {
                /* x & c == 0  =>  x == x & ~c, which lies within the AND bounds of [x] & ~c */
                uint64_t mask = width >= 64 ? UINT64_MAX : (((uint64_t)1 << width) - 1);
                draco_itv nc, lim;
                draco_itv_init(&nc);
                draco_itv_init(&lim);
                draco_itv_set_u64(&nc, ~cv & mask);
                draco_itv_bits_and_u(&lim, &t, &nc, width);
                draco_itv_meet(&t, &t, &lim);
                draco_itv_fini(&nc);
                draco_itv_fini(&lim);
            }
        }
        draco_itv_fini(&and_r);
        break;
    }
    case DRACO_ITV_CMP_COUNT:
        break;
    }
out:
    draco_itv_move(r, &t);
    draco_num_fini(&c);
}

/* Refines operand `a` (split in pieces) against the view hull `other`. *r receives the refined
 * exact set, *hull the refined image in the view. Returns false if no piece survives. */
static bool cmp_refine_operand(draco_itv *r, draco_itv *hull, const draco_itv *a,
                               const struct draco_itv_pieces *ps, const draco_itv *other,
                               draco_itv_cmp op, unsigned width)
{
    draco_itv acc, img, one;
    draco_itv_init(&acc);
    draco_itv_init(&img);
    draco_itv_init(&one);
    draco_itv_set_bottom(&acc);
    draco_itv_set_bottom(&img);
    for (unsigned i = 0; i < ps->n; i++) {
        cmp_refine_left(&one, &ps->p[i], other, op, width);
        draco_itv_join(&img, &img, &one);
        if (ps->exact && !draco_itv_is_bottom(&one)) {
            draco_itv_add_num(&one, &one, &ps->shift[i]);
            draco_itv_join(&acc, &acc, &one);
        }
    }
    bool alive = !draco_itv_is_bottom(&img);
    if (alive && !ps->exact)
        draco_itv_set(&acc, a);        /* preimage unknown: keep the operand as it was */
    if (alive)
        draco_itv_meet(&acc, &acc, a); /* never grow */
    draco_itv_move(r, &acc);
    draco_itv_move(hull, &img);
    draco_itv_fini(&one);
    return alive && !draco_itv_is_bottom(r);
}

void draco_itv_assume(draco_itv *ra, draco_itv *rb, draco_itv_cmp op, const draco_itv *a,
                      const draco_itv *b, unsigned width)
{
    if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b) || (unsigned)op >= DRACO_ITV_CMP_COUNT) {
        if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b)) {
            draco_itv_set_bottom(ra);
            draco_itv_set_bottom(rb);
        } else {
            draco_itv_set(ra, a);       /* unknown comparison: no refinement */
            draco_itv_set(rb, b);
        }
        return;
    }
    bool view_signed = cmp_is_signed(op);
    struct draco_itv_pieces pa, pb;
    draco_itv hb, ha2, hb2, na, nb;
    draco_itv_init(&hb);
    draco_itv_init(&ha2);
    draco_itv_init(&hb2);
    draco_itv_init(&na);
    draco_itv_init(&nb);
    draco_itv_pieces_split(&pa, a, width, view_signed);
    draco_itv_pieces_split(&pb, b, width, view_signed);
    draco_itv_pieces_hull(&hb, &pb);
    bool ok = cmp_refine_operand(&na, &ha2, a, &pa, &hb, op, width) &&
              cmp_refine_operand(&nb, &hb2, b, &pb, &ha2, draco_itv_cmp_swap(op), width);
    if (!ok) {
        draco_itv_set_bottom(&na);
        draco_itv_set_bottom(&nb);
    }
    draco_itv_move(ra, &na);
    draco_itv_move(rb, &nb);
    draco_itv_pieces_fini(&pa);
    draco_itv_pieces_fini(&pb);
    draco_itv_fini(&hb);
    draco_itv_fini(&ha2);
    draco_itv_fini(&hb2);
}

int draco_itv_cmp_eval(draco_itv_cmp op, const draco_itv *a, const draco_itv *b, unsigned width)
{
    draco_itv x, y;
    draco_itv_init(&x);
    draco_itv_init(&y);
    int res = -1;
    draco_itv_assume(&x, &y, op, a, b, width);
    if (draco_itv_is_bottom(&x)) {
        res = 0;                        /* no pair satisfies op */
    } else {
        draco_itv_assume(&x, &y, draco_itv_cmp_negate(op), a, b, width);
        if (draco_itv_is_bottom(&x))
            res = 1;                    /* no pair violates op */
    }
    draco_itv_fini(&x);
    draco_itv_fini(&y);
    return res;
}
