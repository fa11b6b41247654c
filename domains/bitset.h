/* SPDX-License-Identifier: MIT */
/* domains/bitset: inline helpers over fixed-length arrays of 64-bit words (byte bitmaps).
 *
 * Invariants: a bitset of n bits is ceil(n/64) uint64_t words; bit i is bit (i % 64) of word
 * i / 64. Every range helper takes a half-open range [lo, hi) that the caller has already
 * clipped to [0, n); bits at or beyond n in the last word are kept zero by every writer here, so
 * whole-word operations (and, or, subset, equality) stay exact. No allocation, no state.
 */
#ifndef DRACO_DOMAINS_BITSET_H
#define DRACO_DOMAINS_BITSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DRACO_BITSET_WORDS(n) (((size_t)(n) + 63u) / 64u)

/** Mask of the bits [lo, hi) of one word, 0 <= lo <= hi <= 64. */
static inline uint64_t draco_bitset_word_mask(unsigned lo, unsigned hi)
{
    uint64_t up = hi >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << hi) - 1);
    uint64_t down = lo >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << lo) - 1);
    return up & ~down;
}

static inline bool draco_bitset_test(const uint64_t *w, size_t i)
{
    return (w[i / 64] >> (i % 64)) & 1u;
}

/** Sets (val = true) or clears bits [lo, hi). */
static inline void draco_bitset_assign_range(uint64_t *w, size_t lo, size_t hi, bool val)
{
    while (lo < hi) {
        size_t wi = lo / 64;
        unsigned a = (unsigned)(lo % 64);
        unsigned b = (hi - wi * 64) >= 64 ? 64u : (unsigned)(hi - wi * 64);
        uint64_t m = draco_bitset_word_mask(a, b);
        if (val)
            w[wi] |= m;
        else
            w[wi] &= ~m;
        lo = wi * 64 + b;
    }
}

/** True iff every bit of [lo, hi) is set (true for an empty range). */
static inline bool draco_bitset_all_range(const uint64_t *w, size_t lo, size_t hi)
{
    while (lo < hi) {
        size_t wi = lo / 64;
        unsigned a = (unsigned)(lo % 64);
        unsigned b = (hi - wi * 64) >= 64 ? 64u : (unsigned)(hi - wi * 64);
        uint64_t m = draco_bitset_word_mask(a, b);
        if ((w[wi] & m) != m)
            return false;
        lo = wi * 64 + b;
    }
    return true;
}

/** True iff some bit of [lo, hi) is set. */
static inline bool draco_bitset_any_range(const uint64_t *w, size_t lo, size_t hi)
{
    while (lo < hi) {
        size_t wi = lo / 64;
        unsigned a = (unsigned)(lo % 64);
        unsigned b = (hi - wi * 64) >= 64 ? 64u : (unsigned)(hi - wi * 64);
        if (w[wi] & draco_bitset_word_mask(a, b))
            return true;
        lo = wi * 64 + b;
    }
    return false;
}

/** Number of consecutive set bits starting at lo, not looking at or beyond n. */
static inline size_t draco_bitset_run(const uint64_t *w, size_t lo, size_t n)
{
    size_t i = lo;
    while (i < n) {
        unsigned a = (unsigned)(i % 64);
        uint64_t inv = ~(w[i / 64] >> a);   /* the a shifted-in top bits become ones */
        unsigned r = inv ? (unsigned)__builtin_ctzll(inv) : 64u;
        i += r;
        if (a + r < 64)
            break;                         /* found a clear bit inside this word */
    }
    return (i > n ? n : i) - lo;
}

/** dst &= src over nw words; returns true iff dst changed. */
static inline bool draco_bitset_and_into(uint64_t *dst, const uint64_t *src, size_t nw)
{
    uint64_t diff = 0;
    for (size_t i = 0; i < nw; i++) {
        uint64_t v = dst[i] & src[i];
        diff |= v ^ dst[i];
        dst[i] = v;
    }
    return diff != 0;
}

/** dst |= src over nw words; returns true iff dst changed. */
static inline bool draco_bitset_or_into(uint64_t *dst, const uint64_t *src, size_t nw)
{
    uint64_t diff = 0;
    for (size_t i = 0; i < nw; i++) {
        uint64_t v = dst[i] | src[i];
        diff |= v ^ dst[i];
        dst[i] = v;
    }
    return diff != 0;
}

/** True iff every bit set in a is set in b. */
static inline bool draco_bitset_is_subset(const uint64_t *a, const uint64_t *b, size_t nw)
{
    for (size_t i = 0; i < nw; i++)
        if (a[i] & ~b[i])
            return false;
    return true;
}

static inline bool draco_bitset_is_zero(const uint64_t *a, size_t nw)
{
    for (size_t i = 0; i < nw; i++)
        if (a[i])
            return false;
    return true;
}

#endif
