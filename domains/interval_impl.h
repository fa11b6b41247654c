/* SPDX-License-Identifier: MIT */
/* Private helpers shared by the interval files (interval.c, interval_arith.c, interval_bits.c,
 * interval_cmp.c). Not for use outside the interval domain.
 *
 * Invariants: a "piece split" describes the machine values { x mod 2^w | x in gamma(a) } of an
 * exact interval a in one view (signed/unsigned, width w) as at most two intervals inside the
 * view's range. When `exact` is set, piece i plus shift[i] gives back exactly the part of a that
 * wrapped onto it (so refinements of a piece can be mapped back to a); otherwise there is one
 * piece, the whole view range, and nothing can be mapped back.
 */
#ifndef DRACO_DOMAINS_INTERVAL_IMPL_H
#define DRACO_DOMAINS_INTERVAL_IMPL_H

#include "domains/interval.h"

struct draco_itv_pieces {
    unsigned n;            /* 0 (bottom), 1 or 2 */
    bool exact;            /* shifts are meaningful */
    draco_itv p[2];
    draco_num shift[2];    /* a-part = p[i] + shift[i] (multiples of 2^w) */
};

/** Initialises and fills *out (release with draco_itv_pieces_fini()). */
void draco_itv_pieces_split(struct draco_itv_pieces *out, const draco_itv *a, unsigned width,
                            bool is_signed);
void draco_itv_pieces_fini(struct draco_itv_pieces *ps);
/** *r := the hull of all pieces (bottom when n == 0). */
void draco_itv_pieces_hull(draco_itv *r, const struct draco_itv_pieces *ps);

/** A machine-op kernel: r := op(a, b) where a and b lie inside the width range of the kernel's
 *  natural view; r is an exact integer set (it may leave the range; the caller wraps it). */
typedef void (*draco_itv_kernel)(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width);

/** r := wrap_view( join over piece pairs of kernel(pa, pb) ), where a and b are split in the
 *  natural view `nat_signed` and the result is read in the view `is_signed`. */
void draco_itv_lift2(draco_itv *r, draco_itv_kernel kernel, const draco_itv *a, const draco_itv *b,
                     unsigned width, bool nat_signed, bool is_signed);

/** Machine-op kernels in their natural view (operands already inside the width range). */
void draco_itv_bits_and_u(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width);
void draco_itv_bits_or_u(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width);
void draco_itv_bits_xor_u(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width);

#endif
