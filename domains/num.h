/* SPDX-License-Identifier: MIT */
/* Exact integers with +oo/-oo: an inline 64-bit magnitude fast path, GMP when a value leaves it.
 *
 * Representation invariants (draco_num):
 *  - `kind` DRACO_NUM_POS: the value is +u.mag (0 is always POS, never NEG);
 *    `kind` DRACO_NUM_NEG: the value is -u.mag with u.mag > 0;
 *    so every integer in (-2^64, 2^64) -- in particular all of [-2^63, 2^64 - 1], the union of the
 *    int64 and uint64 ranges -- is held inline without GMP.
 *  - `kind` DRACO_NUM_BIG: u.z is an initialised mpz_t whose absolute value is >= 2^64 (a value
 *    that fits inline is always demoted back to POS/NEG, so the representation is canonical and
 *    equality is structural on the kind first).
 *  - `kind` DRACO_NUM_PINF / DRACO_NUM_NINF: +oo / -oo; u.mag is 0 and meaningless.
 *  - All-zero bytes are the valid number 0: zeroed (calloc/memset) arrays of draco_num need no
 *    init. Only a BIG number owns memory (GMP limbs, allocated with GMP's default allocator; we
 *    never call mp_set_memory_functions). A number must be passed to draco_num_fini() before its
 *    storage is released or overwritten by plain assignment, unless draco_num_is_inline() holds.
 *    Never copy a draco_num with `=`/memcpy unless it is inline: use draco_num_set().
 *  - Results may alias operands everywhere (r == a == b is fine).
 *  - Arithmetic is exact: nothing ever wraps. Machine wrap-around exists only in draco_num_wrap().
 *
 * Fast-path accounting: every arithmetic function returns true iff it was computed on the inline
 * fast path (no GMP call). Callers that care pass the result to draco_num_stats_count() on their
 * own draco_num_stats; everyone else ignores it (no global counters).
 *
 * Thread-safety: no shared state; distinct numbers may be used from distinct threads.
 * Out of memory: GMP aborts the process when it cannot allocate limbs; big numbers therefore stay
 * off the common eBPF path (any int64/uint64 value and any sum of two of them is inline).
 */
#ifndef DRACO_DOMAINS_NUM_H
#define DRACO_DOMAINS_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gmp.h>
#include "util/util.h"

/** What a draco_num holds (see the file comment for the invariants). */
typedef enum draco_num_kind {
    DRACO_NUM_POS = 0,   /**< finite, inline, value = +mag (includes 0) */
    DRACO_NUM_NEG = 1,   /**< finite, inline, value = -mag, mag > 0 */
    DRACO_NUM_BIG = 2,   /**< finite, |value| >= 2^64, held in u.z */
    DRACO_NUM_PINF = 3,  /**< +oo */
    DRACO_NUM_NINF = 4,  /**< -oo */
} draco_num_kind;

/** An exact integer or +-oo. 24 bytes; see the invariants above. */
typedef struct draco_num {
    union {
        uint64_t mag;   /**< magnitude when kind is POS or NEG */
        mpz_t z;        /**< value when kind is BIG */
    } u;
    uint8_t kind;       /**< a draco_num_kind */
} draco_num;

/** Fast-path counters, owned by the caller (e.g. a benchmark or an analysis context). */
typedef struct draco_num_stats {
    uint64_t fast;   /**< operations computed inline */
    uint64_t slow;   /**< operations that went through GMP (or handled a BIG operand) */
} draco_num_stats;

/** Adds one operation to `st` (NULL is allowed and ignored). */
static inline void draco_num_stats_count(draco_num_stats *st, bool fast)
{
    if (st) {
        if (fast)
            st->fast++;
        else
            st->slow++;
    }
}

/* ---- slow paths (out of line; call the inline wrappers below instead) ---- */
void draco_num_clear_big(draco_num *n);
void draco_num_set_slow(draco_num *dst, const draco_num *src);
bool draco_num_add_slow(draco_num *r, const draco_num *a, const draco_num *b);
bool draco_num_sub_slow(draco_num *r, const draco_num *a, const draco_num *b);
bool draco_num_mul_slow(draco_num *r, const draco_num *a, const draco_num *b);
int draco_num_cmp_slow(const draco_num *a, const draco_num *b);

/* ---- construction and lifetime ---- */

/** Sets *n to 0 without reading it (use on uninitialised storage). */
static inline void draco_num_init(draco_num *n) { n->u.mag = 0; n->kind = DRACO_NUM_POS; }
/** Releases GMP storage if any; *n becomes 0 and stays usable. Idempotent. */
static inline void draco_num_fini(draco_num *n)
{
    if (DRACO_UNLIKELY(n->kind == DRACO_NUM_BIG))
        draco_num_clear_big(n);
    n->u.mag = 0;
    n->kind = DRACO_NUM_POS;
}
/** By-value constructors: the results are inline, so returning them by value is safe. */
static inline draco_num draco_num_from_i64(int64_t v)
{
    draco_num n;
    n.kind = v < 0 ? DRACO_NUM_NEG : DRACO_NUM_POS;
    n.u.mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    return n;
}
static inline draco_num draco_num_from_u64(uint64_t v)
{
    draco_num n;
    n.kind = DRACO_NUM_POS;
    n.u.mag = v;
    return n;
}
static inline draco_num draco_num_pinf(void) { draco_num n; n.u.mag = 0; n.kind = DRACO_NUM_PINF; return n; }
static inline draco_num draco_num_ninf(void) { draco_num n; n.u.mag = 0; n.kind = DRACO_NUM_NINF; return n; }

/** Deep copy: *dst (initialised) becomes a copy of *src. */
static inline void draco_num_set(draco_num *dst, const draco_num *src)
{
    if (DRACO_LIKELY(dst->kind != DRACO_NUM_BIG && src->kind != DRACO_NUM_BIG))
        *dst = *src;
    else if (dst != src)
        draco_num_set_slow(dst, src);
}
/** *n (initialised) := v. */
static inline void draco_num_set_i64(draco_num *n, int64_t v) { draco_num_fini(n); *n = draco_num_from_i64(v); }
static inline void draco_num_set_u64(draco_num *n, uint64_t v) { draco_num_fini(n); *n = draco_num_from_u64(v); }
static inline void draco_num_set_pinf(draco_num *n) { draco_num_fini(n); n->kind = DRACO_NUM_PINF; }
static inline void draco_num_set_ninf(draco_num *n) { draco_num_fini(n); n->kind = DRACO_NUM_NINF; }
/** *n (initialised) := the value of z (copied). */
void draco_num_set_mpz(draco_num *n, const mpz_t z);
/** *n (initialised) := sign * 2^k (sign is +1 or -1). */
void draco_num_set_pow2(draco_num *n, unsigned k, int sign);
/** Moves *src into *dst (initialised; its old value is released) and leaves *src = 0. No alloc. */
static inline void draco_num_move(draco_num *dst, draco_num *src)
{
    if (dst == src)
        return;
    draco_num_fini(dst);
    *dst = *src;
    src->u.mag = 0;
    src->kind = DRACO_NUM_POS;
}
/** Exchanges two numbers without allocating. */
static inline void draco_num_swap(draco_num *a, draco_num *b) { draco_num t = *a; *a = *b; *b = t; }

/* ---- queries ---- */
static inline bool draco_num_is_inline(const draco_num *n) { return n->kind != DRACO_NUM_BIG; }
static inline bool draco_num_is_finite(const draco_num *n) { return n->kind <= DRACO_NUM_BIG; }
static inline bool draco_num_is_pinf(const draco_num *n) { return n->kind == DRACO_NUM_PINF; }
static inline bool draco_num_is_ninf(const draco_num *n) { return n->kind == DRACO_NUM_NINF; }
static inline bool draco_num_is_zero(const draco_num *n) { return n->kind == DRACO_NUM_POS && n->u.mag == 0; }
/** -1, 0 or +1 (infinities included). */
int draco_num_sgn(const draco_num *n);
/** True and *out set iff n is finite and fits the type. `out` may be NULL. */
bool draco_num_get_i64(const draco_num *n, int64_t *out);
bool draco_num_get_u64(const draco_num *n, uint64_t *out);
/** Stores a finite n into z (initialised by the caller). Returns false (z untouched) for +-oo. */
bool draco_num_get_mpz(const draco_num *n, mpz_t z);

/** Total order with -oo < every integer < +oo: returns <0, 0, >0. */
static inline int draco_num_cmp(const draco_num *a, const draco_num *b)
{
    if (DRACO_LIKELY(a->kind <= DRACO_NUM_NEG && b->kind <= DRACO_NUM_NEG)) {
        if (a->kind != b->kind)
            return a->kind == DRACO_NUM_POS ? 1 : -1;
        int c = (a->u.mag > b->u.mag) - (a->u.mag < b->u.mag);
        return a->kind == DRACO_NUM_POS ? c : -c;
    }
    return draco_num_cmp_slow(a, b);
}
static inline int draco_num_cmp_i64(const draco_num *a, int64_t v)
{
    draco_num t = draco_num_from_i64(v);
    return draco_num_cmp(a, &t);
}
static inline int draco_num_cmp_u64(const draco_num *a, uint64_t v)
{
    draco_num t = draco_num_from_u64(v);
    return draco_num_cmp(a, &t);
}
static inline bool draco_num_eq(const draco_num *a, const draco_num *b) { return draco_num_cmp(a, b) == 0; }
/** Copies the smaller / larger of a and b into r. */
static inline void draco_num_min(draco_num *r, const draco_num *a, const draco_num *b)
{
    draco_num_set(r, draco_num_cmp(a, b) <= 0 ? a : b);
}
static inline void draco_num_max(draco_num *r, const draco_num *a, const draco_num *b)
{
    draco_num_set(r, draco_num_cmp(a, b) >= 0 ? a : b);
}

/* ---- arithmetic (exact; r may alias a and/or b; returns true iff inline fast path) ---- */

/** r := a + b. Infinities absorb finite values; (+oo) + (-oo) is a caller bug: r becomes 0 and the
 *  function returns false (debug builds may flag it). Interval code never forms it. */
static inline bool draco_num_add(draco_num *r, const draco_num *a, const draco_num *b)
{
    if (DRACO_LIKELY(a->kind <= DRACO_NUM_NEG && b->kind <= DRACO_NUM_NEG && r->kind != DRACO_NUM_BIG)) {
        uint64_t m;
        if (a->kind == b->kind) {
            if (!__builtin_add_overflow(a->u.mag, b->u.mag, &m)) {
                r->kind = a->kind;
                r->u.mag = m;
                return true;
            }
        } else if (a->u.mag >= b->u.mag) {
            m = a->u.mag - b->u.mag;
            r->kind = m ? a->kind : DRACO_NUM_POS;
            r->u.mag = m;
            return true;
        } else {
            m = b->u.mag - a->u.mag;
            r->kind = b->kind;
            r->u.mag = m;
            return true;
        }
    }
    return draco_num_add_slow(r, a, b);
}
/** r := a - b. Same conventions as draco_num_add ((+oo) - (+oo) is the undefined case). */
static inline bool draco_num_sub(draco_num *r, const draco_num *a, const draco_num *b)
{
    if (DRACO_LIKELY(b->kind <= DRACO_NUM_NEG)) {
        draco_num nb = *b;
        if (nb.u.mag)
            nb.kind = nb.kind == DRACO_NUM_POS ? DRACO_NUM_NEG : DRACO_NUM_POS;
        return draco_num_add(r, a, &nb);
    }
    return draco_num_sub_slow(r, a, b);
}
/** r := a * b, with 0 * (+-oo) = 0 (the convention interval bounds need). */
static inline bool draco_num_mul(draco_num *r, const draco_num *a, const draco_num *b)
{
    if (DRACO_LIKELY(a->kind <= DRACO_NUM_NEG && b->kind <= DRACO_NUM_NEG && r->kind != DRACO_NUM_BIG)) {
        uint64_t m;
        if (!__builtin_mul_overflow(a->u.mag, b->u.mag, &m)) {
            r->kind = (m && a->kind != b->kind) ? DRACO_NUM_NEG : DRACO_NUM_POS;
            r->u.mag = m;
            return true;
        }
    }
    return draco_num_mul_slow(r, a, b);
}
/** r := -a (-(+oo) = -oo). */
bool draco_num_neg(draco_num *r, const draco_num *a);
/** r := a + v, r := a * v for a small constant. */
bool draco_num_add_i64(draco_num *r, const draco_num *a, int64_t v);
bool draco_num_mul_i64(draco_num *r, const draco_num *a, int64_t v);

/** Integer division of finite or infinite a by finite nonzero b, rounding toward zero (t),
 *  toward -oo (f) or toward +oo (c). (+-oo) / b is +-oo with the sign rule. b == 0 or b infinite
 *  is a caller bug: r becomes 0 and the function returns false. */
bool draco_num_tdiv(draco_num *r, const draco_num *a, const draco_num *b);
bool draco_num_fdiv(draco_num *r, const draco_num *a, const draco_num *b);
bool draco_num_cdiv(draco_num *r, const draco_num *a, const draco_num *b);
/** Remainder of truncated division (sign of a, like C's %), a and b finite, b != 0. */
bool draco_num_tmod(draco_num *r, const draco_num *a, const draco_num *b);
/** r := a * 2^k (exact; infinities unchanged). */
bool draco_num_mul_2exp(draco_num *r, const draco_num *a, unsigned k);
/** r := floor(a / 2^k) (infinities unchanged). */
bool draco_num_fdiv_2exp(draco_num *r, const draco_num *a, unsigned k);

/**
 * Machine wrap-around: r := a mod 2^width, read back as an unsigned width-bit value (in
 * [0, 2^width)) or a signed one (in [-2^(width-1), 2^(width-1))). width is 1..64. a must be
 * finite (an infinite a is a caller bug: r becomes 0, returns false).
 */
bool draco_num_wrap(draco_num *r, const draco_num *a, unsigned width, bool is_signed);
/** Smallest / largest value of a width-bit integer of the given signedness (width 1..64). */
draco_num draco_num_width_min(unsigned width, bool is_signed);
draco_num draco_num_width_max(unsigned width, bool is_signed);

/* ---- text ---- */

/** Appends n in decimal, or "+oo" / "-oo". */
void draco_num_print(const draco_num *n, struct draco_sb *sb);
/** Writes n in decimal (or "+oo"/"-oo") into buf (always NUL-terminated, truncated to size).
 *  Returns the full length that the text needs (excluding the NUL), like snprintf. */
size_t draco_num_snprint(const draco_num *n, char *buf, size_t size);
/**
 * Parses an optional sign then decimal digits (any length), or "+oo", "oo", "-oo", from s after
 * skipping blanks. On success *n (initialised) holds the value, *end (if not NULL) points past it.
 * @return DRACO_OK or DRACO_ERR_INVALID (then *n is unchanged and *end = s).
 */
draco_status draco_num_parse(const char *s, const char **end, draco_num *n);

#endif
