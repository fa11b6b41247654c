/* SPDX-License-Identifier: MIT */
/* Exact integers with +-oo: the GMP slow paths, division, shifts, wrap-around, text.
 *
 * Invariants: see domains/num.h. Every function here leaves its result canonical: a value whose
 * magnitude fits 64 bits is inline (POS/NEG, 0 is POS), only |v| >= 2^64 is BIG. Temporaries of
 * type mpz_t are always cleared before returning; results are built in a temporary and then
 * swapped into place, so outputs may alias inputs.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domains/num.h"

/* ---- mpz <-> inline helpers ---- */

static void num_mpz_set_u64(mpz_t z, uint64_t v)
{
#if ULONG_MAX >= UINT64_MAX
    mpz_set_ui(z, (unsigned long)v);
#else
    mpz_import(z, 1, 1, sizeof v, 0, 0, &v);
#endif
}

/* z := the finite value of n (z initialised). */
static void num_to_mpz(mpz_t z, const draco_num *n)
{
    switch ((draco_num_kind)n->kind) {
    case DRACO_NUM_POS:
        num_mpz_set_u64(z, n->u.mag);
        break;
    case DRACO_NUM_NEG:
        num_mpz_set_u64(z, n->u.mag);
        mpz_neg(z, z);
        break;
    case DRACO_NUM_BIG:
        mpz_set(z, n->u.z);
        break;
    case DRACO_NUM_PINF:
    case DRACO_NUM_NINF:
        mpz_set_ui(z, 0);
        break;
    }
}

/* True and *mag set iff |z| < 2^64. */
static bool num_mpz_mag_u64(const mpz_t z, uint64_t *mag)
{
    if (mpz_sizeinbase(z, 2) > 64)
        return false;
#if GMP_NUMB_BITS == 64 && GMP_NAIL_BITS == 0
    *mag = mpz_size(z) ? (uint64_t)mpz_getlimbn(z, 0) : 0;
#else
    uint64_t v = 0;
    size_t cnt = 0;
    mpz_export(&v, &cnt, -1, sizeof v, 0, 0, z);
    *mag = cnt ? v : 0;
#endif
    return true;
}

/* *r (initialised) := z canonically. z is left with an unspecified value (it may be swapped). */
static void num_take_mpz(draco_num *r, mpz_t z)
{
    uint64_t mag;
    if (num_mpz_mag_u64(z, &mag)) {
        int s = mpz_sgn(z);
        draco_num_fini(r);
        r->kind = s < 0 ? DRACO_NUM_NEG : DRACO_NUM_POS;
        r->u.mag = mag;
        return;
    }
    if (r->kind != DRACO_NUM_BIG) {
        mpz_init(r->u.z);
        r->kind = DRACO_NUM_BIG;
    }
    mpz_swap(r->u.z, z);
}

static inline int num_sgn_finite(const draco_num *n)
{
    if (n->kind == DRACO_NUM_BIG)
        return mpz_sgn(n->u.z);
    if (n->kind == DRACO_NUM_NEG)
        return -1;
    return n->u.mag != 0;
}

/* ---- lifetime ---- */

void draco_num_clear_big(draco_num *n)
{
    if (n->kind == DRACO_NUM_BIG)
        mpz_clear(n->u.z);
    n->kind = DRACO_NUM_POS;
    n->u.mag = 0;
}

void draco_num_set_slow(draco_num *dst, const draco_num *src)
{
    if (dst == src)
        return;
    if (src->kind == DRACO_NUM_BIG) {
        if (dst->kind == DRACO_NUM_BIG) {
            mpz_set(dst->u.z, src->u.z);
        } else {
            mpz_init_set(dst->u.z, src->u.z);
            dst->kind = DRACO_NUM_BIG;
        }
        return;
    }
    draco_num_fini(dst);
    *dst = *src;
}

void draco_num_set_mpz(draco_num *n, const mpz_t z)
{
    mpz_t t;
    mpz_init_set(t, z);
    num_take_mpz(n, t);
    mpz_clear(t);
}

void draco_num_set_pow2(draco_num *n, unsigned k, int sign)
{
    if (k < 64) {
        draco_num_fini(n);
        n->u.mag = (uint64_t)1 << k;
        n->kind = sign < 0 ? DRACO_NUM_NEG : DRACO_NUM_POS;
        return;
    }
    mpz_t t;
    mpz_init(t);
    mpz_setbit(t, k);
    if (sign < 0)
        mpz_neg(t, t);
    num_take_mpz(n, t);
    mpz_clear(t);
}

/* ---- queries ---- */

int draco_num_sgn(const draco_num *n)
{
    if (n->kind == DRACO_NUM_PINF)
        return 1;
    if (n->kind == DRACO_NUM_NINF)
        return -1;
    return num_sgn_finite(n);
}

bool draco_num_get_i64(const draco_num *n, int64_t *out)
{
    int64_t v;
    if (n->kind == DRACO_NUM_POS && n->u.mag <= (uint64_t)INT64_MAX)
        v = (int64_t)n->u.mag;
    else if (n->kind == DRACO_NUM_NEG && n->u.mag <= (uint64_t)1 << 63)
        v = n->u.mag == (uint64_t)1 << 63 ? INT64_MIN : -(int64_t)n->u.mag;
    else
        return false;
    if (out)
        *out = v;
    return true;
}

bool draco_num_get_u64(const draco_num *n, uint64_t *out)
{
    if (n->kind != DRACO_NUM_POS)
        return false;
    if (out)
        *out = n->u.mag;
    return true;
}

bool draco_num_get_mpz(const draco_num *n, mpz_t z)
{
    if (!draco_num_is_finite(n))
        return false;
    num_to_mpz(z, n);
    return true;
}

int draco_num_cmp_slow(const draco_num *a, const draco_num *b)
{
    if (a->kind == b->kind && (a->kind == DRACO_NUM_PINF || a->kind == DRACO_NUM_NINF))
        return 0;
    if (a->kind == DRACO_NUM_NINF || b->kind == DRACO_NUM_PINF)
        return -1;
    if (a->kind == DRACO_NUM_PINF || b->kind == DRACO_NUM_NINF)
        return 1;
    if (a->kind == DRACO_NUM_BIG && b->kind == DRACO_NUM_BIG) {
        int c = mpz_cmp(a->u.z, b->u.z);
        return (c > 0) - (c < 0);
    }
    if (a->kind == DRACO_NUM_BIG)   /* |a| >= 2^64 > |b| */
        return mpz_sgn(a->u.z);
    if (b->kind == DRACO_NUM_BIG)
        return -mpz_sgn(b->u.z);
    return draco_num_cmp(a, b);     /* both inline: cannot recurse back here */
}

/* ---- arithmetic slow paths ---- */

bool draco_num_add_slow(draco_num *r, const draco_num *a, const draco_num *b)
{
    bool ainf = !draco_num_is_finite(a), binf = !draco_num_is_finite(b);
    if (ainf || binf) {
        if (ainf && binf && a->kind != b->kind) {
            draco_num_fini(r);      /* (+oo) + (-oo): undefined, documented caller bug */
            return false;
        }
        draco_num_kind k = (draco_num_kind)(ainf ? a->kind : b->kind);
        draco_num_fini(r);
        r->kind = (uint8_t)k;
        return true;
    }
    if (a->kind != DRACO_NUM_BIG && b->kind != DRACO_NUM_BIG && r->kind == DRACO_NUM_BIG) {
        draco_num t = draco_num_from_u64(0);
        bool fast = draco_num_add(&t, a, b);   /* t is inline: the fast path or mpz below */
        draco_num_move(r, &t);
        return fast;
    }
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    num_to_mpz(x, a);
    num_to_mpz(y, b);
    mpz_add(x, x, y);
    num_take_mpz(r, x);
    mpz_clear(x);
    mpz_clear(y);
    return false;
}

bool draco_num_sub_slow(draco_num *r, const draco_num *a, const draco_num *b)
{
    draco_num nb;
    draco_num_init(&nb);
    draco_num_neg(&nb, b);
    bool fast = draco_num_add(r, a, &nb);
    bool was_inline = draco_num_is_inline(&nb);
    draco_num_fini(&nb);
    return fast && was_inline;
}

bool draco_num_mul_slow(draco_num *r, const draco_num *a, const draco_num *b)
{
    bool ainf = !draco_num_is_finite(a), binf = !draco_num_is_finite(b);
    if (ainf || binf) {
        int s = draco_num_sgn(a) * draco_num_sgn(b);
        draco_num_fini(r);
        if (s > 0)
            r->kind = DRACO_NUM_PINF;
        else if (s < 0)
            r->kind = DRACO_NUM_NINF;
        return true;                /* 0 * oo = 0 */
    }
    if (a->kind != DRACO_NUM_BIG && b->kind != DRACO_NUM_BIG && r->kind == DRACO_NUM_BIG) {
        draco_num t = draco_num_from_u64(0);
        bool fast = draco_num_mul(&t, a, b);
        draco_num_move(r, &t);
        return fast;
    }
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    num_to_mpz(x, a);
    num_to_mpz(y, b);
    mpz_mul(x, x, y);
    num_take_mpz(r, x);
    mpz_clear(x);
    mpz_clear(y);
    return false;
}

bool draco_num_neg(draco_num *r, const draco_num *a)
{
    switch ((draco_num_kind)a->kind) {
    case DRACO_NUM_POS:
    case DRACO_NUM_NEG: {
        draco_num t = *a;
        if (t.u.mag)
            t.kind = t.kind == DRACO_NUM_POS ? DRACO_NUM_NEG : DRACO_NUM_POS;
        draco_num_fini(r);
        *r = t;
        return true;
    }
    case DRACO_NUM_PINF:
        draco_num_set_ninf(r);
        return true;
    case DRACO_NUM_NINF:
        draco_num_set_pinf(r);
        return true;
    case DRACO_NUM_BIG:
        break;
    }
    draco_num_set(r, a);
    mpz_neg(r->u.z, r->u.z);
    return false;
}

bool draco_num_add_i64(draco_num *r, const draco_num *a, int64_t v)
{
    draco_num t = draco_num_from_i64(v);
    return draco_num_add(r, a, &t);
}

bool draco_num_mul_i64(draco_num *r, const draco_num *a, int64_t v)
{
    draco_num t = draco_num_from_i64(v);
    return draco_num_mul(r, a, &t);
}

/* ---- division ---- */

enum num_round { NUM_TRUNC, NUM_FLOOR, NUM_CEIL };

static bool num_div(draco_num *r, const draco_num *a, const draco_num *b, enum num_round mode)
{
    if (!draco_num_is_finite(b) || draco_num_is_zero(b)) {
        draco_num_fini(r);          /* documented caller bug */
        return false;
    }
    if (!draco_num_is_finite(a)) {
        int s = draco_num_sgn(a) * num_sgn_finite(b);
        if (s > 0)
            draco_num_set_pinf(r);
        else
            draco_num_set_ninf(r);
        return true;
    }
    if (a->kind != DRACO_NUM_BIG && b->kind != DRACO_NUM_BIG) {
        uint64_t q = a->u.mag / b->u.mag, rem = a->u.mag % b->u.mag;
        bool neg = a->kind != b->kind && a->u.mag != 0;
        /* q + 1 cannot overflow: rem != 0 implies b > 1, so q < 2^63 */
        if (rem && ((mode == NUM_FLOOR && neg) || (mode == NUM_CEIL && !neg)))
            q++;
        draco_num_fini(r);
        r->u.mag = q;
        r->kind = (neg && q) ? DRACO_NUM_NEG : DRACO_NUM_POS;
        return true;
    }
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    num_to_mpz(x, a);
    num_to_mpz(y, b);
    if (mode == NUM_TRUNC)
        mpz_tdiv_q(x, x, y);
    else if (mode == NUM_FLOOR)
        mpz_fdiv_q(x, x, y);
    else
        mpz_cdiv_q(x, x, y);
    num_take_mpz(r, x);
    mpz_clear(x);
    mpz_clear(y);
    return false;
}

bool draco_num_tdiv(draco_num *r, const draco_num *a, const draco_num *b) { return num_div(r, a, b, NUM_TRUNC); }
bool draco_num_fdiv(draco_num *r, const draco_num *a, const draco_num *b) { return num_div(r, a, b, NUM_FLOOR); }
bool draco_num_cdiv(draco_num *r, const draco_num *a, const draco_num *b) { return num_div(r, a, b, NUM_CEIL); }

bool draco_num_tmod(draco_num *r, const draco_num *a, const draco_num *b)
{
    if (!draco_num_is_finite(a) || !draco_num_is_finite(b) || draco_num_is_zero(b)) {
        draco_num_fini(r);
        return false;
    }
    if (a->kind != DRACO_NUM_BIG && b->kind != DRACO_NUM_BIG) {
        uint64_t m = a->u.mag % b->u.mag;
        draco_num_kind k = (m && a->kind == DRACO_NUM_NEG) ? DRACO_NUM_NEG : DRACO_NUM_POS;
        draco_num_fini(r);
        r->u.mag = m;
        r->kind = (uint8_t)k;
        return true;
    }
    mpz_t x, y;
    mpz_init(x);
    mpz_init(y);
    num_to_mpz(x, a);
    num_to_mpz(y, b);
    mpz_tdiv_r(x, x, y);
    num_take_mpz(r, x);
    mpz_clear(x);
    mpz_clear(y);
    return false;
}

bool draco_num_mul_2exp(draco_num *r, const draco_num *a, unsigned k)
{
    if (!draco_num_is_finite(a)) {
        draco_num_set(r, a);
        return true;
    }
    if (a->kind != DRACO_NUM_BIG && (a->u.mag == 0 || (k < 64 && a->u.mag <= (UINT64_MAX >> k)))) {
        draco_num t = *a;
        t.u.mag = k < 64 ? t.u.mag << k : 0;
        draco_num_fini(r);
        *r = t;
        return true;
    }
    mpz_t x;
    mpz_init(x);
    num_to_mpz(x, a);
    mpz_mul_2exp(x, x, k);
    num_take_mpz(r, x);
    mpz_clear(x);
    return false;
}

bool draco_num_fdiv_2exp(draco_num *r, const draco_num *a, unsigned k)
{
    if (!draco_num_is_finite(a)) {
        draco_num_set(r, a);
        return true;
    }
    if (a->kind == DRACO_NUM_POS) {
        uint64_t m = k >= 64 ? 0 : a->u.mag >> k;
        draco_num_set_u64(r, m);
        return true;
    }
    if (a->kind == DRACO_NUM_NEG) {
        uint64_t m = a->u.mag, c;
        if (k >= 64)
            c = 1;                  /* 0 < m < 2^64: ceil(m / 2^k) = 1 */
        else
            c = (m >> k) + ((m & (((uint64_t)1 << k) - 1)) != 0);
        draco_num_fini(r);
        r->u.mag = c;
        r->kind = DRACO_NUM_NEG;
        return true;
    }
    mpz_t x;
    mpz_init(x);
    num_to_mpz(x, a);
    mpz_fdiv_q_2exp(x, x, k);
    num_take_mpz(r, x);
    mpz_clear(x);
    return false;
}

/* ---- machine wrap-around ---- */

static inline uint64_t num_mask(unsigned width)
{
    return width >= 64 ? UINT64_MAX : (((uint64_t)1 << width) - 1);
}

bool draco_num_wrap(draco_num *r, const draco_num *a, unsigned width, bool is_signed)
{
    if (!draco_num_is_finite(a) || width == 0 || width > 64) {
        draco_num_fini(r);
        return false;
    }
    bool fast = true;
    uint64_t v;                     /* a mod 2^64 */
    if (a->kind == DRACO_NUM_POS) {
        v = a->u.mag;
    } else if (a->kind == DRACO_NUM_NEG) {
        v = (uint64_t)0 - a->u.mag;
    } else {
        mpz_t x;
        mpz_init(x);
        mpz_fdiv_r_2exp(x, a->u.z, 64);
        uint64_t m = 0;
        num_mpz_mag_u64(x, &m);
        mpz_clear(x);
        v = m;
        fast = false;
    }
    v &= num_mask(width);
    draco_num_fini(r);
    if (is_signed && (v >> (width - 1)) & 1) {
        r->u.mag = (num_mask(width) - v) + 1;   /* 2^width - v, in (0, 2^(width-1)] */
        r->kind = DRACO_NUM_NEG;
    } else {
        r->u.mag = v;
        r->kind = DRACO_NUM_POS;
    }
    return fast;
}

draco_num draco_num_width_min(unsigned width, bool is_signed)
{
    if (!is_signed || width == 0)
        return draco_num_from_u64(0);
    draco_num n;
    n.kind = DRACO_NUM_NEG;
    n.u.mag = (uint64_t)1 << ((width > 64 ? 64 : width) - 1);
    return n;
}

draco_num draco_num_width_max(unsigned width, bool is_signed)
{
    if (width == 0)
        return draco_num_from_u64(0);
    if (width > 64)
        width = 64;
    return draco_num_from_u64(is_signed ? num_mask(width - 1) : num_mask(width));
}

/* ---- text ---- */

size_t draco_num_snprint(const draco_num *n, char *buf, size_t size)
{
    char small[32] = "";
    const char *text = small;
    char *heap = NULL;
    switch ((draco_num_kind)n->kind) {
    case DRACO_NUM_POS:
        snprintf(small, sizeof small, "%llu", (unsigned long long)n->u.mag);
        break;
    case DRACO_NUM_NEG:
        snprintf(small, sizeof small, "-%llu", (unsigned long long)n->u.mag);
        break;
    case DRACO_NUM_PINF:
        text = "+oo";
        break;
    case DRACO_NUM_NINF:
        text = "-oo";
        break;
    case DRACO_NUM_BIG:
        heap = malloc(mpz_sizeinbase(n->u.z, 10) + 2);
        if (heap) {
            mpz_get_str(heap, 10, n->u.z);
            text = heap;
        } else {
            text = mpz_sgn(n->u.z) < 0 ? "-?" : "?";   /* out of memory: still NUL-terminated */
        }
        break;
    }
    size_t len = strlen(text);
    if (size) {
        size_t c = len < size - 1 ? len : size - 1;
        memcpy(buf, text, c);
        buf[c] = 0;
    }
    free(heap);
    return len;
}

void draco_num_print(const draco_num *n, struct draco_sb *sb)
{
    char small[48];
    size_t len = draco_num_snprint(n, small, sizeof small);
    if (len < sizeof small) {
        draco_sb_puts(sb, small);
        return;
    }
    char *heap = malloc(len + 1);
    if (!heap) {
        sb->oom = true;
        return;
    }
    draco_num_snprint(n, heap, len + 1);
    draco_sb_puts(sb, heap);
    free(heap);
}

draco_status draco_num_parse(const char *s, const char **end, draco_num *n)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (p[0] == 'o' && p[1] == 'o') {
        if (neg)
            draco_num_set_ninf(n);
        else
            draco_num_set_pinf(n);
        if (end)
            *end = p + 2;
        return DRACO_OK;
    }
    if (*p < '0' || *p > '9') {
        if (end)
            *end = s;
        return DRACO_ERR_INVALID;
    }
    uint64_t m = 0;
    bool big = false;
    mpz_t z;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (!big) {
            uint64_t t;
            if (!__builtin_mul_overflow(m, 10, &t) && !__builtin_add_overflow(t, d, &t)) {
                m = t;
                continue;
            }
            big = true;
            mpz_init(z);
            num_mpz_set_u64(z, m);
        }
        mpz_mul_ui(z, z, 10);
        mpz_add_ui(z, z, d);
    }
    if (big) {
        if (neg)
            mpz_neg(z, z);
        num_take_mpz(n, z);
        mpz_clear(z);
    } else {
        draco_num_fini(n);
        n->u.mag = m;
        n->kind = (neg && m) ? DRACO_NUM_NEG : DRACO_NUM_POS;
    }
    if (end)
        *end = p;
    return DRACO_OK;
}
