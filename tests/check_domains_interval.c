/* SPDX-License-Identifier: MIT */
/* Tests for domains/interval: lattice laws, widening, and soundness by sampling of every
 * operation against exact eBPF semantics on uint64/int64 at widths 8/16/32/64.
 *
 * Invariants: property tests take the loop index as their PRNG seed and print it on failure;
 * intervals are generated from bounds biased toward 0, +-1, the int64/uint64 extremes, +-2^64
 * and +-oo, plus bottom and top. Every value is finished (ASan checks for leaks).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "domains/interval.h"

Suite *draco_suite_interval(void);

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A biased finite "centre" value. */
static void gen_point(uint64_t *s, draco_num *n)
{
    switch (rng_next(s) % 14) {
    case 0: draco_num_set_i64(n, 0); break;
    case 1: draco_num_set_i64(n, 1); break;
    case 2: draco_num_set_i64(n, -1); break;
    case 3: draco_num_set_i64(n, INT64_MIN); break;
    case 4: draco_num_set_i64(n, INT64_MAX); break;
    case 5: draco_num_set_u64(n, UINT64_MAX); break;
    case 6: draco_num_set_pow2(n, 64, rng_next(s) & 1 ? 1 : -1); break;
    case 7: draco_num_set_i64(n, INT32_MIN); break;
    case 8: draco_num_set_u64(n, UINT32_MAX); break;
    case 9: draco_num_set_u64(n, rng_next(s)); break;
    case 10: draco_num_set_i64(n, (int64_t)rng_next(s)); break;
    case 11: draco_num_set_i64(n, (int64_t)(int32_t)rng_next(s)); break;
    default: draco_num_set_i64(n, (int64_t)(rng_next(s) % 64) - 32); break;
    }
}

/* A biased width (distance lb..ub). */
static void gen_span(uint64_t *s, draco_num *n)
{
    switch (rng_next(s) % 9) {
    case 0: case 1: draco_num_set_u64(n, 0); break;
    case 2: draco_num_set_u64(n, 1); break;
    case 3: draco_num_set_u64(n, rng_next(s) % 16); break;
    case 4: draco_num_set_u64(n, rng_next(s) % 300); break;
    case 5: draco_num_set_u64(n, UINT32_MAX); break;
    case 6: draco_num_set_u64(n, (uint64_t)1 << 63); break;
    case 7: draco_num_set_u64(n, UINT64_MAX); break;
    default: draco_num_set_u64(n, rng_next(s) >> (rng_next(s) % 64)); break;
    }
}

/* A biased interval: bottom, top, half-infinite, or [c - k1, c + k2]. */
static void gen_itv(uint64_t *s, draco_itv *r)
{
    draco_num c, d;
    draco_num_init(&c);
    draco_num_init(&d);
    uint64_t pick = rng_next(s) % 20;
    gen_point(s, &c);
    if (pick == 0) {
        draco_itv_set_bottom(r);
    } else if (pick == 1) {
        draco_itv_set_top(r);
    } else if (pick == 2) {
        draco_num n = draco_num_ninf();
        draco_itv_set_bounds(r, &n, &c);
    } else if (pick == 3) {
        draco_num p = draco_num_pinf();
        draco_itv_set_bounds(r, &c, &p);
    } else {
        draco_itv_set_num(r, &c);
        if (rng_next(s) & 1) {
            gen_span(s, &d);
            draco_num_sub(&r->lb, &r->lb, &d);
        }
        if (rng_next(s) & 1) {
            gen_span(s, &d);
            draco_num_add(&r->ub, &r->ub, &d);
        }
    }
    draco_num_fini(&c);
    draco_num_fini(&d);
}

/* A concrete point of gamma(a) (a not bottom), biased to the endpoints. */
static void sample_point(uint64_t *s, const draco_itv *a, draco_num *out)
{
    draco_num d;
    draco_num_init(&d);
    bool lfin = draco_num_is_finite(&a->lb), ufin = draco_num_is_finite(&a->ub);
    uint64_t pick = rng_next(s) % 6;
    if (!lfin && !ufin) {
        gen_point(s, out);
    } else if (lfin && (pick == 0 || !ufin)) {
        gen_span(s, &d);                  /* lb + something (clamped below if ub finite) */
        if (pick == 0)
            draco_num_set_u64(&d, 0);
        draco_num_add(out, &a->lb, &d);
        if (ufin && draco_num_cmp(out, &a->ub) > 0)
            draco_num_set(out, &a->ub);
    } else if (pick == 1 || !lfin) {
        gen_span(s, &d);
        if (pick == 1)
            draco_num_set_u64(&d, 0);
        draco_num_sub(out, &a->ub, &d);
        if (lfin && draco_num_cmp(out, &a->lb) < 0)
            draco_num_set(out, &a->lb);
    } else {                              /* uniform-ish in [lb, ub] through GMP */
        mpz_t lo, hi, x;
        mpz_inits(lo, hi, x, NULL);
        draco_num_get_mpz(&a->lb, lo);
        draco_num_get_mpz(&a->ub, hi);
        mpz_sub(hi, hi, lo);
        mpz_add_ui(hi, hi, 1);
        mpz_set_ui(x, (unsigned long)rng_next(s));
        mpz_mul_2exp(x, x, 64);
        mpz_add_ui(x, x, (unsigned long)rng_next(s));
        mpz_mod(x, x, hi);
        mpz_add(x, x, lo);
        draco_num_set_mpz(out, x);
        mpz_clears(lo, hi, x, NULL);
    }
    draco_num_fini(&d);
}

static const char *itv_str(const draco_itv *a, char *buf, size_t n)
{
    draco_itv_snprint(a, buf, n);
    return buf;
}

#define SEEDS 2000
#define FAIL_CTX(a, b) itv_str((a), sa, sizeof sa), itv_str((b), sb2, sizeof sb2)

/* ---- lattice laws ---- */

START_TEST(prop_lattice_laws)
{
    uint64_t s = (uint64_t)_i * 7919u + 17;
    draco_itv a, b, c, t1, t2, t3, bot, top;
    draco_itv *all[] = {&a, &b, &c, &t1, &t2, &t3, &bot, &top};
    for (size_t i = 0; i < 8; i++)
        draco_itv_init(all[i]);
    draco_itv_set_bottom(&bot);
    draco_itv_set_top(&top);
    char sa[128], sb2[128];
    for (int it = 0; it < 10; it++) {
        gen_itv(&s, &a);
        gen_itv(&s, &b);
        gen_itv(&s, &c);
        /* commutative */
        draco_itv_join(&t1, &a, &b);
        draco_itv_join(&t2, &b, &a);
        ck_assert_msg(draco_itv_eq(&t1, &t2), "seed %d: join comm %s %s", _i, FAIL_CTX(&a, &b));
        draco_itv_meet(&t1, &a, &b);
        draco_itv_meet(&t2, &b, &a);
        ck_assert_msg(draco_itv_eq(&t1, &t2), "seed %d: meet comm %s %s", _i, FAIL_CTX(&a, &b));
        /* associative */
        draco_itv_join(&t1, &a, &b);
        draco_itv_join(&t1, &t1, &c);
        draco_itv_join(&t2, &b, &c);
        draco_itv_join(&t2, &a, &t2);
        ck_assert_msg(draco_itv_eq(&t1, &t2), "seed %d: join assoc %s %s", _i, FAIL_CTX(&a, &b));
        draco_itv_meet(&t1, &a, &b);
        draco_itv_meet(&t1, &t1, &c);
        draco_itv_meet(&t2, &b, &c);
        draco_itv_meet(&t2, &a, &t2);
        ck_assert_msg(draco_itv_eq(&t1, &t2), "seed %d: meet assoc %s %s", _i, FAIL_CTX(&a, &b));
        /* idempotent */
        draco_itv_join(&t1, &a, &a);
        ck_assert_msg(draco_itv_eq(&t1, &a), "seed %d: join idem %s", _i, itv_str(&a, sa, sizeof sa));
        draco_itv_meet(&t1, &a, &a);
        ck_assert_msg(draco_itv_eq(&t1, &a), "seed %d: meet idem %s", _i, itv_str(&a, sa, sizeof sa));
        /* bounds and order */
        draco_itv_join(&t1, &a, &b);
        ck_assert_msg(draco_itv_leq(&a, &t1) && draco_itv_leq(&b, &t1), "seed %d: a <= a|b %s %s", _i,
                      FAIL_CTX(&a, &b));
        draco_itv_meet(&t2, &a, &b);
        ck_assert_msg(draco_itv_leq(&t2, &a) && draco_itv_leq(&t2, &b), "seed %d: a&b <= a %s %s", _i,
                      FAIL_CTX(&a, &b));
        ck_assert_msg(draco_itv_leq(&a, &b) == draco_itv_eq(&t1, &b), "seed %d: leq vs join %s %s", _i,
                      FAIL_CTX(&a, &b));
        ck_assert_msg(draco_itv_leq(&a, &b) == draco_itv_eq(&t2, &a), "seed %d: leq vs meet %s %s", _i,
                      FAIL_CTX(&a, &b));
        /* absorption */
        draco_itv_meet(&t3, &a, &t1);
        ck_assert_msg(draco_itv_eq(&t3, &a), "seed %d: absorption %s %s", _i, FAIL_CTX(&a, &b));
        /* identities */
        draco_itv_join(&t1, &a, &bot);
        ck_assert_msg(draco_itv_eq(&t1, &a), "seed %d: join bottom", _i);
        draco_itv_meet(&t1, &a, &top);
        ck_assert_msg(draco_itv_eq(&t1, &a), "seed %d: meet top", _i);
        draco_itv_join(&t1, &a, &top);
        ck_assert_msg(draco_itv_is_top(&t1), "seed %d: join top", _i);
        draco_itv_meet(&t1, &a, &bot);
        ck_assert_msg(draco_itv_is_bottom(&t1), "seed %d: meet bottom", _i);
        ck_assert(draco_itv_leq(&bot, &a) && draco_itv_leq(&a, &top));
        /* widening and narrowing bounds */
        draco_itv_widen(&t1, &a, &b, NULL, 0);
        ck_assert_msg(draco_itv_leq(&a, &t1) && draco_itv_leq(&b, &t1), "seed %d: widen bounds %s %s", _i,
                      FAIL_CTX(&a, &b));
        if (draco_itv_leq(&b, &a)) {
            draco_itv_narrow(&t2, &a, &b);
            ck_assert_msg(draco_itv_leq(&t2, &a) && draco_itv_leq(&b, &t2), "seed %d: narrow %s %s", _i,
                          FAIL_CTX(&a, &b));
        }
        /* text round trip */
        const char *end;
        itv_str(&a, sa, sizeof sa);
        ck_assert_int_eq(draco_itv_parse(sa, &end, &t1), DRACO_OK);
        ck_assert_msg(*end == 0 && draco_itv_eq(&t1, &a), "seed %d: parse %s", _i, sa);
    }
    for (size_t i = 0; i < 8; i++)
        draco_itv_fini(all[i]);
}
END_TEST

START_TEST(prop_widen_stabilises)
{
    uint64_t s = (uint64_t)_i * 31337u + 5;
    draco_itv x, nx, y;
    draco_itv_init(&x);
    draco_itv_init(&nx);
    draco_itv_init(&y);
    draco_num thr[6];
    size_t nthr = rng_next(&s) % 7;
    for (size_t i = 0; i < 6; i++)
        draco_num_init(&thr[i]);
    for (size_t i = 0; i < nthr; i++)
        gen_point(&s, &thr[i]);
    for (size_t i = 1; i < nthr; i++)     /* insertion sort */
        for (size_t j = i; j > 0 && draco_num_cmp(&thr[j - 1], &thr[j]) > 0; j--)
            draco_num_swap(&thr[j - 1], &thr[j]);
    gen_itv(&s, &x);
    size_t limit = 2 * (nthr + 2), steps = 0;
    bool stable = false;
    /* an arbitrary increasing chain: x_{k+1} = x_k widen (x_k join random) */
    for (int k = 0; k < 200 && !stable; k++) {
        gen_itv(&s, &y);
        draco_itv_join(&y, &y, &x);
        draco_itv_widen(&nx, &x, &y, thr, nthr);
        ck_assert_msg(draco_itv_leq(&x, &nx) && draco_itv_leq(&y, &nx), "seed %d: widen not upper", _i);
        if (!draco_itv_eq(&nx, &x))
            steps++;
        draco_itv_set(&x, &nx);
        ck_assert_msg(steps <= limit, "seed %d: %zu strict widening steps > %zu", _i, steps, limit);
    }
    for (size_t i = 0; i < 6; i++)
        draco_num_fini(&thr[i]);
    draco_itv_fini(&x);
    draco_itv_fini(&nx);
    draco_itv_fini(&y);
}
END_TEST

/* ---- concrete eBPF semantics ---- */

static uint64_t mask_w(unsigned w) { return w >= 64 ? UINT64_MAX : (((uint64_t)1 << w) - 1); }

static int64_t sext_w(uint64_t v, unsigned w)
{
    v &= mask_w(w);
    if (w < 64 && (v >> (w - 1)) & 1)
        v |= ~mask_w(w);
    return (int64_t)v;
}

static uint64_t low_bits(const draco_num *x)
{
    draco_num t;
    draco_num_init(&t);
    draco_num_wrap(&t, x, 64, false);
    uint64_t v = 0;
    draco_num_get_u64(&t, &v);
    draco_num_fini(&t);
    return v;
}

static uint64_t concrete_binop(draco_itv_binop op, uint64_t x, uint64_t y, unsigned w)
{
    uint64_t m = mask_w(w);
    x &= m;
    y &= m;
    int64_t sx = sext_w(x, w), sy = sext_w(y, w);
    int64_t smin = sext_w((uint64_t)1 << (w - 1), w);
    unsigned k = (unsigned)(y % w);
    switch (op) {
    case DRACO_ITV_ADD: return (x + y) & m;
    case DRACO_ITV_SUB: return (x - y) & m;
    case DRACO_ITV_MUL: return (x * y) & m;
    case DRACO_ITV_UDIV: return y ? x / y : 0;
    case DRACO_ITV_UMOD: return y ? x % y : x;
    case DRACO_ITV_SDIV:
        if (!sy)
            return 0;
        if (sx == smin && sy == -1)
            return (uint64_t)smin & m;
        return (uint64_t)(sx / sy) & m;
    case DRACO_ITV_SMOD:
        if (!sy)
            return x;
        if (sy == -1)
            return 0;
        return (uint64_t)(sx % sy) & m;
    case DRACO_ITV_AND: return x & y;
    case DRACO_ITV_OR: return x | y;
    case DRACO_ITV_XOR: return x ^ y;
    case DRACO_ITV_SHL: return (x << k) & m;
    case DRACO_ITV_LSHR: return x >> k;
    case DRACO_ITV_ASHR: return (uint64_t)(sx < 0 ? ~(~sx >> k) : sx >> k) & m;
    case DRACO_ITV_BINOP_COUNT: break;
    }
    return 0;
}

static draco_num view_num(uint64_t v, unsigned w, bool sg)
{
    return sg ? draco_num_from_i64(sext_w(v, w)) : draco_num_from_u64(v & mask_w(w));
}

static bool concrete_cmp(draco_itv_cmp op, uint64_t x, uint64_t y, unsigned w)
{
    x &= mask_w(w);
    y &= mask_w(w);
    int64_t sx = sext_w(x, w), sy = sext_w(y, w);
    switch (op) {
    case DRACO_ITV_EQ: return x == y;
    case DRACO_ITV_NE: return x != y;
    case DRACO_ITV_UGT: return x > y;
    case DRACO_ITV_UGE: return x >= y;
    case DRACO_ITV_ULT: return x < y;
    case DRACO_ITV_ULE: return x <= y;
    case DRACO_ITV_SGT: return sx > sy;
    case DRACO_ITV_SGE: return sx >= sy;
    case DRACO_ITV_SLT: return sx < sy;
    case DRACO_ITV_SLE: return sx <= sy;
    case DRACO_ITV_SET: return (x & y) != 0;
    case DRACO_ITV_NSET: return (x & y) == 0;
    case DRACO_ITV_CMP_COUNT: break;
    }
    return false;
}

static const unsigned widths[] = {8, 16, 32, 64};

/* ---- soundness by sampling ---- */

START_TEST(prop_binop_sound)
{
    uint64_t s = (uint64_t)_i * 2654435761u + 11;
    draco_itv a, b, r;
    draco_num x, y;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&r);
    draco_num_init(&x);
    draco_num_init(&y);
    char sa[128], sb2[128], sr[128];
    for (int it = 0; it < 4; it++) {
        gen_itv(&s, &a);
        gen_itv(&s, &b);
        if (rng_next(&s) % 4 == 0)        /* small shift amounts are the interesting ones */
            draco_itv_set_range_u64(&b, rng_next(&s) % 70, rng_next(&s) % 70);
        if (draco_itv_is_bottom(&b))
            gen_itv(&s, &b);
        for (unsigned wi = 0; wi < 4; wi++) {
            unsigned w = widths[wi];
            for (int sg = 0; sg < 2; sg++) {
                for (int op = 0; op < DRACO_ITV_BINOP_COUNT; op++) {
                    draco_itv_binop_w(&r, (draco_itv_binop)op, &a, &b, w, sg);
                    if (draco_itv_is_bottom(&a) || draco_itv_is_bottom(&b)) {
                        ck_assert_msg(draco_itv_is_bottom(&r), "seed %d: op %d on bottom", _i, op);
                        continue;
                    }
                    ck_assert_msg(draco_itv_is_within_width(&r, w, sg), "seed %d: op %d w %u s %d: %s out of view",
                                  _i, op, w, sg, itv_str(&r, sr, sizeof sr));
                    for (int k = 0; k < 6; k++) {
                        sample_point(&s, &a, &x);
                        sample_point(&s, &b, &y);
                        uint64_t cv = concrete_binop((draco_itv_binop)op, low_bits(&x), low_bits(&y), w);
                        draco_num v = view_num(cv, w, sg);
                        if (!draco_itv_contains(&r, &v)) {
                            char sx[64], sy[64], sv[64];
                            draco_num_snprint(&x, sx, sizeof sx);
                            draco_num_snprint(&y, sy, sizeof sy);
                            draco_num_snprint(&v, sv, sizeof sv);
                            ck_abort_msg("seed %d: op %d w %u signed %d: a=%s b=%s x=%s y=%s -> %s not in %s", _i,
                                         op, w, sg, FAIL_CTX(&a, &b), sx, sy, sv, itv_str(&r, sr, sizeof sr));
                        }
                    }
                }
            }
        }
    }
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&r);
    draco_num_fini(&x);
    draco_num_fini(&y);
}
END_TEST

START_TEST(prop_unary_exact_sound)
{
    uint64_t s = (uint64_t)_i * 40503u + 7;
    draco_itv a, b, r;
    draco_num x, y, v;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&r);
    draco_num_init(&x);
    draco_num_init(&y);
    draco_num_init(&v);
    char sa[128], sb2[128];
    for (int it = 0; it < 8; it++) {
        gen_itv(&s, &a);
        gen_itv(&s, &b);
        if (draco_itv_is_bottom(&a) || draco_itv_is_bottom(&b))
            continue;
        for (int k = 0; k < 6; k++) {
            sample_point(&s, &a, &x);
            sample_point(&s, &b, &y);
            ck_assert_msg(draco_itv_contains(&a, &x), "seed %d: sampler", _i);
            draco_itv_add(&r, &a, &b);
            draco_num_add(&v, &x, &y);
            ck_assert_msg(draco_itv_contains(&r, &v), "seed %d: add %s %s", _i, FAIL_CTX(&a, &b));
            draco_itv_sub(&r, &a, &b);
            draco_num_sub(&v, &x, &y);
            ck_assert_msg(draco_itv_contains(&r, &v), "seed %d: sub %s %s", _i, FAIL_CTX(&a, &b));
            draco_itv_mul(&r, &a, &b);
            draco_num_mul(&v, &x, &y);
            ck_assert_msg(draco_itv_contains(&r, &v), "seed %d: mul %s %s", _i, FAIL_CTX(&a, &b));
            draco_itv_neg(&r, &a);
            draco_num_neg(&v, &x);
            ck_assert_msg(draco_itv_contains(&r, &v), "seed %d: neg %s %s", _i, FAIL_CTX(&a, &b));
            for (unsigned wi = 0; wi < 4; wi++) {
                unsigned w = widths[wi];
                for (int sg = 0; sg < 2; sg++) {
                    draco_itv_wrap(&r, &a, w, sg);
                    draco_num_wrap(&v, &x, w, sg);
                    ck_assert_msg(draco_itv_contains(&r, &v), "seed %d: wrap w %u s %d %s %s", _i, w, sg,
                                  FAIL_CTX(&a, &b));
                    ck_assert_msg(draco_itv_is_within_width(&r, w, sg), "seed %d: wrap range", _i);
                    draco_itv_neg_w(&r, &a, w, sg);
                    draco_num_neg(&v, &x);
                    draco_num_wrap(&v, &v, w, sg);
                    ck_assert_msg(draco_itv_contains(&r, &v), "seed %d: neg_w w %u s %d %s %s", _i, w, sg,
                                  FAIL_CTX(&a, &b));
                }
            }
            /* exclude: removes only c */
            draco_itv_exclude(&r, &a, &a.lb);
            if (!draco_num_eq(&x, &a.lb))
                ck_assert_msg(draco_itv_contains(&r, &x), "seed %d: exclude lost a point", _i);
            else
                ck_assert_msg(!draco_itv_contains(&r, &x), "seed %d: exclude kept c", _i);
        }
    }
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&r);
    draco_num_fini(&x);
    draco_num_fini(&y);
    draco_num_fini(&v);
}
END_TEST

START_TEST(prop_assume_sound)
{
    uint64_t s = (uint64_t)_i * 11400714819323198485ull + 3;
    draco_itv a, b, ra, rb;
    draco_num x, y;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&ra);
    draco_itv_init(&rb);
    draco_num_init(&x);
    draco_num_init(&y);
    char sa[128], sb2[128], s1[128], s2[128];
    for (int it = 0; it < 4; it++) {
        gen_itv(&s, &a);
        gen_itv(&s, &b);
        if (draco_itv_is_bottom(&a) || draco_itv_is_bottom(&b))
            continue;
        for (int wi = 2; wi < 4; wi++) {
            unsigned w = widths[wi];
            for (int op = 0; op < DRACO_ITV_CMP_COUNT; op++) {
                draco_itv_assume(&ra, &rb, (draco_itv_cmp)op, &a, &b, w);
                ck_assert_msg(draco_itv_leq(&ra, &a) && draco_itv_leq(&rb, &b), "seed %d: assume grew", _i);
                int ev = draco_itv_cmp_eval((draco_itv_cmp)op, &a, &b, w);
                for (int k = 0; k < 8; k++) {
                    sample_point(&s, &a, &x);
                    if (k & 1 && draco_itv_contains(&b, &x))
                        draco_num_set(&y, &x);   /* make EQ hits likely */
                    else
                        sample_point(&s, &b, &y);
                    bool holds = concrete_cmp((draco_itv_cmp)op, low_bits(&x), low_bits(&y), w);
                    if (ev >= 0)
                        ck_assert_msg(holds == (ev == 1), "seed %d: eval op %d w %u %s %s", _i, op, w,
                                      FAIL_CTX(&a, &b));
                    if (!holds)
                        continue;
                    if (!draco_itv_contains(&ra, &x) || !draco_itv_contains(&rb, &y)) {
                        char sx[64], sy[64];
                        draco_num_snprint(&x, sx, sizeof sx);
                        draco_num_snprint(&y, sy, sizeof sy);
                        ck_abort_msg("seed %d: assume op %d w %u: a=%s b=%s x=%s y=%s lost; got %s %s", _i, op, w,
                                     FAIL_CTX(&a, &b), sx, sy, itv_str(&ra, s1, sizeof s1),
                                     itv_str(&rb, s2, sizeof s2));
                    }
                }
            }
        }
    }
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&ra);
    draco_itv_fini(&rb);
    draco_num_fini(&x);
    draco_num_fini(&y);
}
END_TEST

/* ---- unit tests: precision and ISA corner cases ---- */

static void parse_ok(draco_itv *r, const char *text)
{
    ck_assert_msg(draco_itv_parse(text, NULL, r) == DRACO_OK, "parse %s", text);
}

static void expect(const draco_itv *r, const char *want)
{
    char buf[128];
    itv_str(r, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
}

START_TEST(test_text)
{
    draco_itv a;
    draco_itv_init(&a);
    static const char *const forms[] = {"[0, 10]", "[-oo, 5]", "5", "_|_", "[-oo, +oo]", "[-9223372036854775808, 18446744073709551615]",
                                        "[18446744073709551616, +oo]"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        parse_ok(&a, forms[i]);
        expect(&a, forms[i]);
    }
    parse_ok(&a, "[3,1]");
    ck_assert(draco_itv_is_bottom(&a));
    parse_ok(&a, "top");
    ck_assert(draco_itv_is_top(&a));
    parse_ok(&a, "[ 4 , 4 ]");
    expect(&a, "4");
    ck_assert_int_eq(draco_itv_parse("[1, 2", NULL, &a), DRACO_ERR_INVALID);
    expect(&a, "4");
    draco_itv_set_range_u64(&a, 0, UINT64_MAX);
    ck_assert(draco_itv_is_inline(&a));
    draco_itv_set_width_range(&a, 64, true);
    expect(&a, "[-9223372036854775808, 9223372036854775807]");
    draco_itv_fini(&a);
}
END_TEST

START_TEST(test_isa_division)
{
    draco_itv a, b, r;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&r);
    parse_ok(&a, "[10, 20]");
    parse_ok(&b, "0");
    draco_itv_udiv(&r, &a, &b, 64, false);
    expect(&r, "0");                               /* x / 0 = 0 */
    draco_itv_umod(&r, &a, &b, 64, false);
    expect(&r, "[10, 20]");                        /* x % 0 = x */
    draco_itv_sdiv(&r, &a, &b, 32, true);
    expect(&r, "0");
    draco_itv_smod(&r, &a, &b, 32, true);
    expect(&r, "[10, 20]");
    parse_ok(&b, "[0, 2]");
    draco_itv_udiv(&r, &a, &b, 64, false);
    expect(&r, "[0, 20]");
    parse_ok(&b, "3");
    draco_itv_umod(&r, &a, &b, 64, false);
    expect(&r, "[0, 2]");
    parse_ok(&a, "[12, 14]");
    draco_itv_umod(&r, &a, &b, 64, false);
    expect(&r, "[0, 2]");
    draco_itv_udiv(&r, &a, &b, 64, false);
    expect(&r, "4");
    /* INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0, at both widths */
    parse_ok(&a, "-9223372036854775808");
    parse_ok(&b, "-1");
    draco_itv_sdiv(&r, &a, &b, 64, true);
    expect(&r, "-9223372036854775808");
    draco_itv_smod(&r, &a, &b, 64, true);
    expect(&r, "0");
    parse_ok(&a, "-2147483648");
    draco_itv_sdiv(&r, &a, &b, 32, true);
    expect(&r, "-2147483648");
    draco_itv_sdiv(&r, &a, &b, 32, false);
    expect(&r, "2147483648");
    /* -7 / 2 = -3 (truncating), -7 % 2 = -1 */
    parse_ok(&a, "-7");
    parse_ok(&b, "2");
    draco_itv_sdiv(&r, &a, &b, 64, true);
    expect(&r, "-3");
    draco_itv_smod(&r, &a, &b, 64, true);
    expect(&r, "-1");
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&r);
}
END_TEST

START_TEST(test_width_ops)
{
    draco_itv a, b, r;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&r);
    parse_ok(&a, "-1");
    draco_itv_to_unsigned(&r, &a, 64);
    expect(&r, "18446744073709551615");
    draco_itv_zext(&r, &a, 32);
    expect(&r, "4294967295");
    parse_ok(&a, "[250, 260]");
    draco_itv_trunc(&r, &a, 8);                     /* straddles 256: full byte */
    expect(&r, "[0, 255]");
    parse_ok(&a, "[256, 260]");
    draco_itv_trunc(&r, &a, 8);
    expect(&r, "[0, 4]");
    parse_ok(&a, "[128, 130]");
    draco_itv_sext(&r, &a, 8);
    expect(&r, "[-128, -126]");
    parse_ok(&a, "[-2, 3]");
    draco_itv_to_unsigned(&r, &a, 64);              /* two pieces, hull is everything */
    expect(&r, "[0, 18446744073709551615]");
    parse_ok(&b, "255");
    draco_itv_and(&r, &a, &b, 64, false);           /* pieces keep AND precise */
    expect(&r, "[0, 255]");
    parse_ok(&a, "[0, 1000]");
    parse_ok(&b, "15");
    draco_itv_and(&r, &a, &b, 64, true);
    expect(&r, "[0, 15]");
    draco_itv_or(&r, &a, &b, 64, false);
    expect(&r, "[15, 1007]");
    parse_ok(&b, "3");
    draco_itv_shl(&r, &a, &b, 64, false);
    expect(&r, "[0, 8000]");
    draco_itv_lshr(&r, &a, &b, 64, false);
    expect(&r, "[0, 125]");
    parse_ok(&a, "[-16, 16]");
    parse_ok(&b, "66");                             /* masked: 66 & 63 = 2 */
    draco_itv_ashr(&r, &a, &b, 64, true);
    expect(&r, "[-4, 4]");
    parse_ok(&a, "18446744073709551615");
    parse_ok(&b, "1");
    draco_itv_add_w(&r, &a, &b, 64, false);         /* wraps to 0, never 2^64 */
    expect(&r, "0");
    draco_itv_add(&r, &a, &b);                      /* exact: 2^64 */
    expect(&r, "18446744073709551616");
    draco_itv_mul_w(&r, &a, &a, 64, true);          /* (-1) * (-1) */
    expect(&r, "1");
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&r);
}
END_TEST

START_TEST(test_assume)
{
    draco_itv a, b, ra, rb;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&ra);
    draco_itv_init(&rb);
    parse_ok(&a, "[0, 18446744073709551615]");
    parse_ok(&b, "10");
    draco_itv_assume(&ra, &rb, DRACO_ITV_ULT, &a, &b, 64);
    expect(&ra, "[0, 9]");
    draco_itv_assume(&ra, &rb, DRACO_ITV_UGE, &a, &b, 64);
    expect(&ra, "[10, 18446744073709551615]");
    parse_ok(&a, "[-100, 100]");
    draco_itv_assume(&ra, &rb, DRACO_ITV_SGT, &a, &b, 64);
    expect(&ra, "[11, 100]");
    draco_itv_assume(&ra, &rb, DRACO_ITV_ULT, &a, &b, 64);  /* unsigned view of a signed range */
    expect(&ra, "[0, 9]");
    parse_ok(&b, "100");
    draco_itv_assume(&ra, &rb, DRACO_ITV_NE, &a, &b, 64);
    expect(&ra, "[-100, 99]");
    draco_itv_assume(&ra, &rb, DRACO_ITV_EQ, &a, &b, 64);
    expect(&ra, "100");
    parse_ok(&b, "200");
    draco_itv_assume(&ra, &rb, DRACO_ITV_EQ, &a, &b, 64);
    ck_assert(draco_itv_is_bottom(&ra) && draco_itv_is_bottom(&rb));
    ck_assert_int_eq(draco_itv_cmp_eval(DRACO_ITV_SLT, &a, &b, 64), 1);
    ck_assert_int_eq(draco_itv_cmp_eval(DRACO_ITV_EQ, &a, &b, 64), 0);
    ck_assert_int_eq(draco_itv_cmp_eval(DRACO_ITV_ULT, &a, &b, 64), -1);
    /* 32-bit comparison of a value inside one 2^32 window: refined and shifted back */
    parse_ok(&a, "[4294967296, 4294967396]");        /* low 32 bits [0, 100] */
    parse_ok(&b, "50");
    draco_itv_assume(&ra, &rb, DRACO_ITV_ULT, &a, &b, 32);
    expect(&ra, "[4294967296, 4294967345]");
    /* JSET / JNSET */
    parse_ok(&a, "[0, 7]");
    parse_ok(&b, "8");
    ck_assert_int_eq(draco_itv_cmp_eval(DRACO_ITV_SET, &a, &b, 64), 0);
    parse_ok(&a, "[0, 255]");
    parse_ok(&b, "240");
    draco_itv_assume(&ra, &rb, DRACO_ITV_NSET, &a, &b, 64);
    expect(&ra, "[0, 15]");
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&ra);
    draco_itv_fini(&rb);
}
END_TEST

START_TEST(test_widen_thresholds)
{
    draco_itv a, b, r;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&r);
    draco_num thr[3] = {draco_num_from_i64(-1), draco_num_from_i64(0), draco_num_from_i64(64)};
    parse_ok(&a, "[0, 1]");
    parse_ok(&b, "[0, 2]");
    draco_itv_widen(&r, &a, &b, thr, 3);
    expect(&r, "[0, 64]");
    draco_itv_widen(&r, &a, &b, NULL, 0);
    expect(&r, "[0, +oo]");
    parse_ok(&b, "[-5, 1]");
    draco_itv_widen(&r, &a, &b, thr, 3);
    expect(&r, "[-oo, 1]");
    parse_ok(&a, "[-oo, 100]");
    parse_ok(&b, "[3, 50]");
    draco_itv_narrow(&r, &a, &b);
    expect(&r, "[3, 100]");
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&r);
}
END_TEST

Suite *draco_suite_interval(void)
{
    Suite *s = suite_create("domains_interval");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, test_text);
    tcase_add_test(tc, test_isa_division);
    tcase_add_test(tc, test_width_ops);
    tcase_add_test(tc, test_assume);
    tcase_add_test(tc, test_widen_thresholds);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("properties");
    tcase_set_timeout(tp, 300);
    tcase_add_loop_test(tp, prop_lattice_laws, 0, SEEDS);
    tcase_add_loop_test(tp, prop_widen_stabilises, 0, SEEDS);
    tcase_add_loop_test(tp, prop_unary_exact_sound, 0, SEEDS);
    tcase_add_loop_test(tp, prop_binop_sound, 0, SEEDS);
    tcase_add_loop_test(tp, prop_assume_sound, 0, SEEDS);
    suite_add_tcase(s, tp);
    return s;
}
