/* SPDX-License-Identifier: MIT */
/* Interval domain over exact integers with +-oo: lattice operations, exact and machine-width
 * arithmetic with eBPF semantics, comparison refinement, printing and parsing.
 *
 * Representation invariants (draco_itv):
 *  - The concretisation of [lb, ub] is { x in Z | lb <= x <= ub }.
 *  - Canonical bottom: lb = +oo and ub = -oo. Every non-bottom interval has lb <= ub, lb != +oo
 *    and ub != -oo. All functions return canonical values; draco_itv_set_bounds() canonicalises.
 *  - Top is [-oo, +oo]. All-zero bytes are the valid interval [0, 0].
 *  - Ownership as for draco_num: an interval owns GMP storage only if one of its bounds is BIG
 *    (|bound| >= 2^64). Any interval within (-2^64, 2^64) plus infinities -- in particular
 *    [-2^63, 2^63-1], [0, 2^64-1] and [-2^63, 2^64-1] -- is inline, so copying it is a struct copy
 *    and never allocates. Release with draco_itv_fini(); copy with draco_itv_set().
 *  - Outputs may alias inputs in every function (draco_itv_join(a, a, b) is the in-place join).
 *
 * Two families of operations:
 *  - exact (unbounded) ones: draco_itv_add/sub/mul/neg, lattice operations. Nothing wraps.
 *  - machine ones "at width w" (w in {8,16,32,64}) with a view `is_signed`: the operands are first
 *    reduced modulo 2^w, the eBPF instruction is applied to the w-bit values (division by zero,
 *    INT_MIN / -1 and shift-amount masking as RFC 9669 defines them), and the result is read as
 *    a w-bit signed (is_signed) or unsigned value. When the exact range of a wrapped set straddles
 *    a wrap boundary the result is the whole range of the view, never a wrong subrange.
 * Every transfer function over-approximates: for all concrete x in gamma(a), y in gamma(b), the
 * concrete result is in gamma(result). Imprecision always goes toward top.
 *
 * Thread-safety: no shared state.
 */
#ifndef DRACO_DOMAINS_INTERVAL_H
#define DRACO_DOMAINS_INTERVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "domains/num.h"
#include "util/util.h"

/** An interval [lb, ub]; see the invariants above. Fields are public for read access (the zone
 *  domain reads bounds directly); write them only through the functions here or follow with
 *  draco_itv_normalize(). */
typedef struct draco_itv {
    draco_num lb;
    draco_num ub;
} draco_itv;

/* ---- lifetime and construction (all outputs must be initialised, except for _init) ---- */

/** *r := [0, 0] without reading *r (for uninitialised storage). */
static inline void draco_itv_init(draco_itv *r) { draco_num_init(&r->lb); draco_num_init(&r->ub); }
/** Releases GMP storage; *r becomes [0, 0] and stays usable. */
static inline void draco_itv_fini(draco_itv *r) { draco_num_fini(&r->lb); draco_num_fini(&r->ub); }
/** Deep copy. */
static inline void draco_itv_set(draco_itv *dst, const draco_itv *src)
{
    draco_num_set(&dst->lb, &src->lb);
    draco_num_set(&dst->ub, &src->ub);
}
/** Moves *src into *dst (no allocation); *src becomes [0, 0]. */
static inline void draco_itv_move(draco_itv *dst, draco_itv *src)
{
    draco_num_move(&dst->lb, &src->lb);
    draco_num_move(&dst->ub, &src->ub);
}
static inline void draco_itv_swap(draco_itv *a, draco_itv *b) { draco_itv t = *a; *a = *b; *b = t; }
/** True iff no GMP storage is held (copying by struct assignment is then safe). */
static inline bool draco_itv_is_inline(const draco_itv *a)
{
    return draco_num_is_inline(&a->lb) && draco_num_is_inline(&a->ub);
}

void draco_itv_set_top(draco_itv *r);
void draco_itv_set_bottom(draco_itv *r);
/** Singletons [v, v]. */
void draco_itv_set_i64(draco_itv *r, int64_t v);
void draco_itv_set_u64(draco_itv *r, uint64_t v);
void draco_itv_set_num(draco_itv *r, const draco_num *v);
/** [lo, hi]; bottom when lo > hi. */
void draco_itv_set_range_i64(draco_itv *r, int64_t lo, int64_t hi);
void draco_itv_set_range_u64(draco_itv *r, uint64_t lo, uint64_t hi);
/** [lb, ub] from numbers (copied; may be infinite); canonicalised (bottom when empty). */
void draco_itv_set_bounds(draco_itv *r, const draco_num *lb, const draco_num *ub);
/** Full range of a width-bit integer: [0, 2^w - 1] or [-2^(w-1), 2^(w-1) - 1]; width 1..64. */
void draco_itv_set_width_range(draco_itv *r, unsigned width, bool is_signed);
/** Restores the canonical form after a direct write to lb/ub. */
void draco_itv_normalize(draco_itv *r);

/* ---- queries ---- */
static inline bool draco_itv_is_bottom(const draco_itv *a) { return a->lb.kind == DRACO_NUM_PINF; }
static inline bool draco_itv_is_top(const draco_itv *a)
{
    return a->lb.kind == DRACO_NUM_NINF && a->ub.kind == DRACO_NUM_PINF;
}
/** True and *out set (a copy; `out` initialised, may be NULL) iff a is a singleton [v, v]. */
bool draco_itv_singleton(const draco_itv *a, draco_num *out);
/** Singleton that fits int64 / uint64. */
bool draco_itv_singleton_i64(const draco_itv *a, int64_t *out);
bool draco_itv_singleton_u64(const draco_itv *a, uint64_t *out);
/** v (finite) in gamma(a). */
bool draco_itv_contains(const draco_itv *a, const draco_num *v);
bool draco_itv_contains_i64(const draco_itv *a, int64_t v);
bool draco_itv_contains_u64(const draco_itv *a, uint64_t v);
/** gamma(a) is within [lo, hi] (bottom is within everything). */
bool draco_itv_is_within(const draco_itv *a, const draco_num *lo, const draco_num *hi);
/** gamma(a) is within the range of a width-bit integer of that signedness. */
bool draco_itv_is_within_width(const draco_itv *a, unsigned width, bool is_signed);

/* ---- lattice ---- */
/** a is included in b. */
bool draco_itv_leq(const draco_itv *a, const draco_itv *b);
bool draco_itv_eq(const draco_itv *a, const draco_itv *b);
/** r := a join b (convex hull); bottom is the identity. */
void draco_itv_join(draco_itv *r, const draco_itv *a, const draco_itv *b);
/** r := a meet b (intersection). */
void draco_itv_meet(draco_itv *r, const draco_itv *a, const draco_itv *b);
/**
 * r := a widen b: a bound of b that moved outward past a's jumps to the nearest threshold beyond
 * it (thresholds: `nthr` finite numbers sorted ascending, may be NULL/0), else to +-oo. Bounds that
 * did not move stay. Any increasing chain stabilises after at most nthr + 2 steps per bound.
 */
void draco_itv_widen(draco_itv *r, const draco_itv *a, const draco_itv *b,
                     const draco_num *thresholds, size_t nthr);
/** r := a narrow b: infinite bounds of a are replaced by b's; finite ones stay. */
void draco_itv_narrow(draco_itv *r, const draco_itv *a, const draco_itv *b);
/** r := a minus {c} when c is an endpoint (or a is the singleton c); otherwise r := a. */
void draco_itv_exclude(draco_itv *r, const draco_itv *a, const draco_num *c);
/** r := a meet [lo, +oo] / [-oo, hi]. */
void draco_itv_meet_lb(draco_itv *r, const draco_itv *a, const draco_num *lo);
void draco_itv_meet_ub(draco_itv *r, const draco_itv *a, const draco_num *hi);

/* ---- exact arithmetic (no wrap) ---- */
void draco_itv_add(draco_itv *r, const draco_itv *a, const draco_itv *b);
void draco_itv_sub(draco_itv *r, const draco_itv *a, const draco_itv *b);
void draco_itv_mul(draco_itv *r, const draco_itv *a, const draco_itv *b);
void draco_itv_neg(draco_itv *r, const draco_itv *a);
/** r := a + c (c finite). */
void draco_itv_add_num(draco_itv *r, const draco_itv *a, const draco_num *c);

/* ---- machine-width reinterpretation (width in {8,16,32,64}; any 1..64 works) ---- */
/**
 * r := { x mod 2^width read as signed/unsigned width-bit | x in gamma(a) }, as an interval: exact
 * when a lies in one wrap window (a single shift), the full width range otherwise.
 * This one function is truncation, zero-extension (is_signed = false), sign-extension
 * (is_signed = true) and signed/unsigned reinterpretation.
 */
void draco_itv_wrap(draco_itv *r, const draco_itv *a, unsigned width, bool is_signed);
/** Named forms of draco_itv_wrap(): zext = low `width` bits, unsigned; sext = low `width` bits,
 *  sign-extended; trunc = zext (the value of the truncated register). */
void draco_itv_trunc(draco_itv *r, const draco_itv *a, unsigned width);
void draco_itv_zext(draco_itv *r, const draco_itv *a, unsigned width);
void draco_itv_sext(draco_itv *r, const draco_itv *a, unsigned width);
/** The same machine values in the other view: unsigned width-bit <-> signed width-bit. */
void draco_itv_to_unsigned(draco_itv *r, const draco_itv *a, unsigned width);
void draco_itv_to_signed(draco_itv *r, const draco_itv *a, unsigned width);

/* ---- machine arithmetic at a width ---- */

/** eBPF ALU binary operations. */
typedef enum draco_itv_binop {
    DRACO_ITV_ADD = 0,
    DRACO_ITV_SUB,
    DRACO_ITV_MUL,
    DRACO_ITV_UDIV,   /**< unsigned; x / 0 = 0 */
    DRACO_ITV_SDIV,   /**< signed, truncating; x / 0 = 0; INT_MIN / -1 = INT_MIN */
    DRACO_ITV_UMOD,   /**< unsigned; x % 0 = x */
    DRACO_ITV_SMOD,   /**< signed, sign of the dividend; x % 0 = x; INT_MIN % -1 = 0 */
    DRACO_ITV_AND,
    DRACO_ITV_OR,
    DRACO_ITV_XOR,
    DRACO_ITV_SHL,    /**< shift amount masked to width - 1 */
    DRACO_ITV_LSHR,
    DRACO_ITV_ASHR,
    DRACO_ITV_BINOP_COUNT
} draco_itv_binop;

/**
 * r := op(a, b) at `width` with eBPF semantics, the result read in the `is_signed` view. The
 * operands are any exact integer sets (e.g. a register's svalue or uvalue interval); each is
 * reduced modulo 2^width before the operation, in the view the operation needs.
 */
void draco_itv_binop_w(draco_itv *r, draco_itv_binop op, const draco_itv *a, const draco_itv *b,
                       unsigned width, bool is_signed);
/** Named forms of draco_itv_binop_w(). */
void draco_itv_add_w(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_sub_w(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_mul_w(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_udiv(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_sdiv(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_umod(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_smod(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_and(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_or(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_xor(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_shl(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_lshr(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
void draco_itv_ashr(draco_itv *r, const draco_itv *a, const draco_itv *b, unsigned width, bool is_signed);
/** r := -a at width (0 - a, wrapped). */
void draco_itv_neg_w(draco_itv *r, const draco_itv *a, unsigned width, bool is_signed);

/* ---- comparison refinement ---- */

/** eBPF conditional-jump comparisons (the ten ordered/equality ones, plus JSET and its negation). */
typedef enum draco_itv_cmp {
    DRACO_ITV_EQ = 0,
    DRACO_ITV_NE,
    DRACO_ITV_UGT,
    DRACO_ITV_UGE,
    DRACO_ITV_ULT,
    DRACO_ITV_ULE,
    DRACO_ITV_SGT,
    DRACO_ITV_SGE,
    DRACO_ITV_SLT,
    DRACO_ITV_SLE,
    DRACO_ITV_SET,    /**< (a & b) != 0 */
    DRACO_ITV_NSET,   /**< (a & b) == 0 */
    DRACO_ITV_CMP_COUNT
} draco_itv_cmp;

/** The comparison that holds exactly when `op` does not (EQ <-> NE, UGT <-> ULE, ...). */
draco_itv_cmp draco_itv_cmp_negate(draco_itv_cmp op);
/** The comparison with its operands exchanged (UGT <-> ULT, EQ -> EQ, ...). */
draco_itv_cmp draco_itv_cmp_swap(draco_itv_cmp op);

/**
 * Refines both operands under the assumption that `op` holds between the low `width` bits of a
 * and b (read unsigned for EQ/NE/U*, SET/NSET; signed for S*). a and b are exact integer sets (e.g.
 * the 64-bit svalue intervals of two registers); ra/rb receive subsets that keep every x in a
 * (resp. y in b) for which some partner in the other operand satisfies the comparison. Where the
 * wrap of an operand is not a single shift (it straddles a wrap boundary) that operand is only
 * refined as far as soundness allows (possibly not at all). If no pair satisfies op, both become
 * bottom. ra/rb may alias a/b.
 */
void draco_itv_assume(draco_itv *ra, draco_itv *rb, draco_itv_cmp op, const draco_itv *a,
                      const draco_itv *b, unsigned width);
/** Three-valued check: 1 if op holds for every pair, 0 if for none, -1 if unknown. */
int draco_itv_cmp_eval(draco_itv_cmp op, const draco_itv *a, const draco_itv *b, unsigned width);

/* ---- text (PREVAIL style) ---- */
/** Appends "_|_", "5", "[0, 10]", "[-oo, 5]", "[-oo, +oo]". */
void draco_itv_print(const draco_itv *a, struct draco_sb *sb);
/** snprintf-like: returns the full length needed (without NUL); buf always NUL-terminated. */
size_t draco_itv_snprint(const draco_itv *a, char *buf, size_t size);
/**
 * Parses the syntax printed by draco_itv_print() (also "top", "bottom", "[a,b]" without blank,
 * "oo" for +oo), skipping leading blanks. *r must be initialised; *end (if not NULL) is set past
 * the text. An interval written with lb > ub parses as bottom.
 * @return DRACO_OK or DRACO_ERR_INVALID (r unchanged, *end = s).
 */
draco_status draco_itv_parse(const char *s, const char **end, draco_itv *r);

#endif
