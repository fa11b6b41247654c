/* SPDX-License-Identifier: MIT */
/* Interval bit operations at a width: and, or, xor (exact unsigned bounds after Warren, Hacker's
 * Delight 4-3) and the shifts shl, lshr, ashr with eBPF's masked shift amount.
 *
 * Invariants: kernels receive operands inside the natural view of the operation (unsigned
 * [0, 2^w) for and/or/xor/lshr and the amount, signed for ashr), so every bound fits a uint64
 * or int64; the lifted result is wrapped into the caller's view. Outputs may alias inputs.
 */
#include "domains/interval_impl.h"

/* ---- Warren's bounds for [a,b] op [c,d] over unsigned 64-bit ---- */

static uint64_t bits_min_or(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    for (uint64_t m = (uint64_t)1 << 63; m; m >>= 1) {
        if (~a & c & m) {
            uint64_t t = (a | m) & (0 - m);
            if (t <= b) {
                a = t;
                break;
            }
        } else if (a & ~c & m) {
            uint64_t t = (c | m) & (0 - m);
            if (t <= d) {
                c = t;
                break;
            }
        }
    }
    return a | c;
}

static uint64_t bits_max_or(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    for (uint64_t m = (uint64_t)1 << 63; m; m >>= 1) {
        if (b & d & m) {
            uint64_t t = (b - m) | (m - 1);
            if (t >= a) {
                b = t;
                break;
            }
            t = (d - m) | (m - 1);
            if (t >= c) {
                d = t;
                break;
            }
        }
    }
    return b | d;
}

static uint64_t bits_min_and(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    for (uint64_t m = (uint64_t)1 << 63; m; m >>= 1) {
        if (~a & ~c & m) {
            uint64_t t = (a | m) & (0 - m);
            if (t <= b) {
                a = t;
                break;
            }
            t = (c | m) & (0 - m);
            if (t <= d) {
                c = t;
                break;
            }
        }
    }
    return a & c;
}

static uint64_t bits_max_and(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    for (uint64_t m = (uint64_t)1 << 63; m; m >>= 1) {
        if (b & ~d & m) {
            uint64_t t = (b & ~m) | (m - 1);
            if (t >= a) {
                b = t;
                break;
            }
        } else if (~b & d & m) {
            uint64_t t = (d & ~m) | (m - 1);
            if (t >= c) {
                d = t;
                break;
            }
        }
    }
    return b & d;
}

static uint64_t bits_min_xor(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return bits_min_and(a, b, ~d, ~c) | bits_min_and(~b, ~a, c, d);
}

static uint64_t bits_max_xor(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return bits_max_or(0, bits_max_and(a, b, ~d, ~c), 0, bits_max_and(~b, ~a, c, d));
}

/* Fetches unsigned 64-bit bounds of an operand inside [0, 2^w); false if it is not (then the
 * caller answers with the full range: sound). */
static bool bits_get_u(const draco_itv *a, uint64_t *lo, uint64_t *hi)
{
    return draco_num_get_u64(&a->lb, lo) && draco_num_get_u64(&a->ub, hi);
}

enum bits_op { BITS_AND, BITS_OR, BITS_XOR };

static void bits_kernel(draco_itv *r, const draco_itv *x, const draco_itv *y, unsigned width, enum bits_op op)
{
    uint64_t a, b, c, d;
    if (!bits_get_u(x, &a, &b) || !bits_get_u(y, &c, &d)) {
        draco_itv_set_width_range(r, width, false);
        return;
    }
    uint64_t lo, hi;
    switch (op) {
    case BITS_AND:
        lo = bits_min_and(a, b, c, d);
        hi = bits_max_and(a, b, c, d);
        break;
    case BITS_OR:
        lo = bits_min_or(a, b, c, d);
        hi = bits_max_or(a, b, c, d);
        break;
    case BITS_XOR:
        lo = bits_min_xor(a, b, c, d);
        hi = bits_max_xor(a, b, c, d);
        break;
    default:
        lo = 0;
        hi = UINT64_MAX;
        break;
    }
    draco_itv_set_range_u64(r, lo, hi);
}

void draco_itv_bits_and_u(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width)
{
    bits_kernel(r, a, b, width, BITS_AND);
}

void draco_itv_bits_or_u(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width)
{
    bits_kernel(r, a, b, width, BITS_OR);
}

void draco_itv_bits_xor_u(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width)
{
    bits_kernel(r, a, b, width, BITS_XOR);
}

void draco_itv_and(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv_lift2(r, draco_itv_bits_and_u, a, b, width, false, is_signed);
}

void draco_itv_or(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv_lift2(r, draco_itv_bits_or_u, a, b, width, false, is_signed);
}

void draco_itv_xor(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    draco_itv_lift2(r, draco_itv_bits_xor_u, a, b, width, false, is_signed);
}

/* ---- shifts ---- */

/* The effective shift amounts (b mod 2^w, then mod w as eBPF masks with w - 1) as [*k1, *k2].
 * Returns false when b is bottom. */
static bool bits_shift_amounts(const draco_itv *b, unsigned width, unsigned *k1, unsigned *k2)
{
    struct draco_itv_pieces ps;
    draco_itv_pieces_split(&ps, b, width, false);
    bool any = ps.n > 0;
    unsigned lo = width, hi = 0;
    for (unsigned i = 0; i < ps.n; i++) {
        uint64_t x, y;
        if (!bits_get_u(&ps.p[i], &x, &y) || y - x >= width || x / width != y / width) {
            lo = 0;
            hi = width - 1;
            break;
        }
        unsigned xl = (unsigned)(x % width), yl = (unsigned)(y % width);
        if (xl < lo)
            lo = xl;
        if (yl > hi)
            hi = yl;
    }
    draco_itv_pieces_fini(&ps);
    *k1 = lo;
    *k2 = hi;
    return any;
}

void draco_itv_shl(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    unsigned k1, k2;
    if (draco_itv_is_bottom(a) || !bits_shift_amounts(b, width, &k1, &k2)) {
        draco_itv_set_bottom(r);
        return;
    }
    /* x << k = x * 2^k mod 2^w, and x * 2^k is congruent for every representative of x: shift the
     * raw interval when finite (most precise), else the unsigned image */
    draco_itv base, acc, one;
    draco_itv_init(&base);
    draco_itv_init(&acc);
    draco_itv_init(&one);
    if (draco_num_is_finite(&a->lb) && draco_num_is_finite(&a->ub))
        draco_itv_set(&base, a);
    else
        draco_itv_wrap(&base, a, width, false);
    draco_itv_set_bottom(&acc);
    draco_itv full;
    draco_itv_init(&full);
    draco_itv_set_width_range(&full, width, is_signed);
    for (unsigned k = k1; k <= k2; k++) {
        draco_num_mul_2exp(&one.lb, &base.lb, k);
        draco_num_mul_2exp(&one.ub, &base.ub, k);
        draco_itv_wrap(&one, &one, width, is_signed);
        draco_itv_join(&acc, &acc, &one);
        if (draco_itv_eq(&acc, &full))
            break;
    }
    draco_itv_move(r, &acc);
    draco_itv_fini(&base);
    draco_itv_fini(&one);
    draco_itv_fini(&full);
}

void draco_itv_lshr(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    unsigned k1, k2;
    if (draco_itv_is_bottom(a) || !bits_shift_amounts(b, width, &k1, &k2)) {
        draco_itv_set_bottom(r);
        return;
    }
    /* x >> k (unsigned) is nondecreasing in x and nonincreasing in k */
    struct draco_itv_pieces ps;
    draco_itv acc, one;
    draco_itv_init(&acc);
    draco_itv_init(&one);
    draco_itv_set_bottom(&acc);
    draco_itv_pieces_split(&ps, a, width, false);
    for (unsigned i = 0; i < ps.n; i++) {
        draco_num_fdiv_2exp(&one.lb, &ps.p[i].lb, k2);
        draco_num_fdiv_2exp(&one.ub, &ps.p[i].ub, k1);
        draco_itv_join(&acc, &acc, &one);
    }
    draco_itv_pieces_fini(&ps);
    draco_itv_wrap(r, &acc, width, is_signed);
    draco_itv_fini(&acc);
    draco_itv_fini(&one);
}

void draco_itv_ashr(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed)
{
    unsigned k1, k2;
    if (draco_itv_is_bottom(a) || !bits_shift_amounts(b, width, &k1, &k2)) {
        draco_itv_set_bottom(r);
        return;
    }
    /* arithmetic shift = floor(x / 2^k) on the signed value: nondecreasing in x; in k it moves
     * toward 0 for x >= 0 and toward -1 for x < 0, so the extremes are at k1 or k2 */
    struct draco_itv_pieces ps;
    draco_itv acc, one;
    draco_itv_init(&acc);
    draco_itv_init(&one);
    draco_itv_set_bottom(&acc);
    draco_itv_pieces_split(&ps, a, width, true);
    for (unsigned i = 0; i < ps.n; i++) {
        const draco_itv *p = &ps.p[i];
        draco_num_fdiv_2exp(&one.lb, &p->lb, draco_num_sgn(&p->lb) >= 0 ? k2 : k1);
        draco_num_fdiv_2exp(&one.ub, &p->ub, draco_num_sgn(&p->ub) >= 0 ? k1 : k2);
        draco_itv_join(&acc, &acc, &one);
    }
    draco_itv_pieces_fini(&ps);
    draco_itv_wrap(r, &acc, width, is_signed);
    draco_itv_fini(&acc);
    draco_itv_fini(&one);
}
