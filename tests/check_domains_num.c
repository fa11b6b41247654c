/* SPDX-License-Identifier: MIT */
/* Tests for domains/num: exact integers with +-oo against a GMP reference model.
 *
 * Invariants: property tests take the loop index as their PRNG seed and print it on failure;
 * generated values are biased toward 0, +-1, the int64/uint64 extremes, +-2^64 and +-oo. Every
 * draco_num is finished so ASan's leak checker sees no GMP limbs left.
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "domains/num.h"

/* ---- seeded generator (splitmix64; state on the stack) ---- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Reference value: mpz plus an infinity flag (-1, 0, +1). */
struct ref {
    int inf;
    mpz_t z;
};

static void ref_from_num(struct ref *r, const draco_num *n)
{
    r->inf = draco_num_is_pinf(n) ? 1 : draco_num_is_ninf(n) ? -1 : 0;
    if (!r->inf)
        draco_num_get_mpz(n, r->z);
    else
        mpz_set_ui(r->z, 0);
}

static bool ref_eq_num(const struct ref *r, const draco_num *n)
{
    if (r->inf)
        return r->inf > 0 ? draco_num_is_pinf(n) : draco_num_is_ninf(n);
    if (!draco_num_is_finite(n))
        return false;
    mpz_t t;
    mpz_init(t);
    draco_num_get_mpz(n, t);
    bool eq = mpz_cmp(t, r->z) == 0;
    mpz_clear(t);
    /* canonical form: inline iff |v| < 2^64 */
    bool should_inline = mpz_sizeinbase(r->z, 2) <= 64;
    return eq && should_inline == draco_num_is_inline(n);
}

/* A biased random number; allow_inf lets +-oo appear. n must be initialised. */
static void gen_num(uint64_t *s, draco_num *n, bool allow_inf)
{
    uint64_t pick = rng_next(s) % (allow_inf ? 16 : 14);
    mpz_t z;
    switch (pick) {
    case 0: draco_num_set_i64(n, 0); break;
    case 1: draco_num_set_i64(n, 1); break;
    case 2: draco_num_set_i64(n, -1); break;
    case 3: draco_num_set_i64(n, INT64_MIN); break;
    case 4: draco_num_set_i64(n, INT64_MAX); break;
    case 5: draco_num_set_u64(n, UINT64_MAX); break;
    case 6: draco_num_set_pow2(n, 64, rng_next(s) & 1 ? 1 : -1); break;
    case 7: draco_num_set_i64(n, (int64_t)(rng_next(s) % 200) - 100); break;
    case 8: draco_num_set_i64(n, (int64_t)rng_next(s)); break;
    case 9: draco_num_set_u64(n, rng_next(s)); break;
    case 10: draco_num_set_i64(n, (int64_t)(int32_t)rng_next(s)); break;
    case 11:   /* +-(2^64 +- small) */
    case 12:   /* big: up to 192 bits */
    case 13:
        mpz_init(z);
        if (pick == 11) {
            mpz_setbit(z, 64);
            mpz_add_ui(z, z, rng_next(s) % 5);
            mpz_sub_ui(z, z, 2);
        } else {
            for (int i = 0; i < 3; i++) {
                mpz_mul_2exp(z, z, 64);
                mpz_add_ui(z, z, (unsigned long)rng_next(s));
            }
            mpz_fdiv_q_2exp(z, z, (mp_bitcnt_t)(rng_next(s) % 128));
        }
        if (rng_next(s) & 1)
            mpz_neg(z, z);
        draco_num_set_mpz(n, z);
        mpz_clear(z);
        break;
    case 14: draco_num_set_pinf(n); break;
    default: draco_num_set_ninf(n); break;
    }
}

#define SEEDS 3000

/* ---- property tests ---- */

START_TEST(prop_arith_matches_gmp)
{
    uint64_t s = (uint64_t)_i * 7919u + 1;
    draco_num a, b, r;
    draco_num_init(&a);
    draco_num_init(&b);
    draco_num_init(&r);
    struct ref ra, rb, want;
    mpz_init(ra.z);
    mpz_init(rb.z);
    mpz_init(want.z);
    for (int it = 0; it < 40; it++) {
        gen_num(&s, &a, false);
        gen_num(&s, &b, false);
        ref_from_num(&ra, &a);
        ref_from_num(&rb, &b);
        ck_assert_msg(ref_eq_num(&ra, &a), "seed %d: canonical input", _i);
        want.inf = 0;

        mpz_add(want.z, ra.z, rb.z);
        draco_num_add(&r, &a, &b);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: add", _i, it);
        mpz_sub(want.z, ra.z, rb.z);
        draco_num_sub(&r, &a, &b);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: sub", _i, it);
        mpz_mul(want.z, ra.z, rb.z);
        draco_num_mul(&r, &a, &b);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: mul", _i, it);
        mpz_neg(want.z, ra.z);
        draco_num_neg(&r, &a);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: neg", _i, it);
        int c = mpz_cmp(ra.z, rb.z);
        ck_assert_msg(((c > 0) - (c < 0)) == draco_num_cmp(&a, &b), "seed %d it %d: cmp", _i, it);
        if (mpz_sgn(rb.z) != 0) {
            mpz_tdiv_q(want.z, ra.z, rb.z);
            draco_num_tdiv(&r, &a, &b);
            ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: tdiv", _i, it);
            mpz_fdiv_q(want.z, ra.z, rb.z);
            draco_num_fdiv(&r, &a, &b);
            ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: fdiv", _i, it);
            mpz_cdiv_q(want.z, ra.z, rb.z);
            draco_num_cdiv(&r, &a, &b);
            ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: cdiv", _i, it);
            mpz_tdiv_r(want.z, ra.z, rb.z);
            draco_num_tmod(&r, &a, &b);
            ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: tmod", _i, it);
        }
        unsigned k = (unsigned)(rng_next(&s) % 130);
        mpz_mul_2exp(want.z, ra.z, k);
        draco_num_mul_2exp(&r, &a, k);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: mul_2exp %u", _i, it, k);
        mpz_fdiv_q_2exp(want.z, ra.z, k);
        draco_num_fdiv_2exp(&r, &a, k);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: fdiv_2exp %u", _i, it, k);
        /* aliasing: r == a */
        draco_num_set(&r, &a);
        mpz_add(want.z, ra.z, rb.z);
        draco_num_add(&r, &r, &b);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: add aliased", _i, it);
        draco_num_set(&r, &b);
        mpz_mul(want.z, rb.z, rb.z);
        draco_num_mul(&r, &r, &r);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: mul self", _i, it);
        /* wrap */
        static const unsigned widths[] = {8, 16, 32, 64};
        unsigned w = widths[rng_next(&s) % 4];
        bool sg = rng_next(&s) & 1;
        mpz_fdiv_r_2exp(want.z, ra.z, w);
        if (sg && mpz_tstbit(want.z, w - 1)) {
            mpz_t p;
            mpz_init(p);
            mpz_setbit(p, w);
            mpz_sub(want.z, want.z, p);
            mpz_clear(p);
        }
        draco_num_wrap(&r, &a, w, sg);
        ck_assert_msg(ref_eq_num(&want, &r), "seed %d it %d: wrap %u %d", _i, it, w, sg);
    }
    draco_num_fini(&a);
    draco_num_fini(&b);
    draco_num_fini(&r);
    mpz_clear(ra.z);
    mpz_clear(rb.z);
    mpz_clear(want.z);
}
END_TEST

START_TEST(prop_infinities)
{
    uint64_t s = (uint64_t)_i * 104729u + 3;
    draco_num a, b, r;
    draco_num_init(&a);
    draco_num_init(&b);
    draco_num_init(&r);
    for (int it = 0; it < 40; it++) {
        gen_num(&s, &a, true);
        gen_num(&s, &b, true);
        /* total order: antisymmetric, -oo least, +oo greatest */
        int c1 = draco_num_cmp(&a, &b), c2 = draco_num_cmp(&b, &a);
        ck_assert_msg(c1 == -c2, "seed %d: cmp antisymmetric", _i);
        draco_num ni = draco_num_ninf(), pi = draco_num_pinf();
        ck_assert_msg(draco_num_cmp(&ni, &a) <= 0 && draco_num_cmp(&a, &pi) <= 0, "seed %d: inf order", _i);
        bool ainf = !draco_num_is_finite(&a), binf = !draco_num_is_finite(&b);
        if (ainf && binf && a.kind != b.kind)
            continue;                       /* undefined sum */
        draco_num_add(&r, &a, &b);
        if (ainf)
            ck_assert_msg(r.kind == a.kind, "seed %d: inf + x", _i);
        else if (binf)
            ck_assert_msg(r.kind == b.kind, "seed %d: x + inf", _i);
        draco_num_mul(&r, &a, &b);
        int sg = draco_num_sgn(&a) * draco_num_sgn(&b);
        if (ainf || binf) {
            if (sg == 0)
                ck_assert_msg(draco_num_is_zero(&r), "seed %d: 0 * oo", _i);
            else
                ck_assert_msg(sg > 0 ? draco_num_is_pinf(&r) : draco_num_is_ninf(&r), "seed %d: oo sign", _i);
        }
    }
    draco_num_fini(&a);
    draco_num_fini(&b);
    draco_num_fini(&r);
}
END_TEST

START_TEST(prop_text_roundtrip)
{
    uint64_t s = (uint64_t)_i + 99;
    draco_num a, b;
    draco_num_init(&a);
    draco_num_init(&b);
    struct draco_sb sb;
    draco_sb_init(&sb);
    for (int it = 0; it < 20; it++) {
        gen_num(&s, &a, true);
        draco_sb_clear(&sb);
        draco_num_print(&a, &sb);
        const char *end = NULL;
        ck_assert_int_eq(draco_num_parse(draco_sb_str(&sb), &end, &b), DRACO_OK);
        ck_assert_msg(*end == 0, "seed %d: parse stopped early in %s", _i, draco_sb_str(&sb));
        ck_assert_msg(draco_num_eq(&a, &b), "seed %d: roundtrip %s", _i, draco_sb_str(&sb));
        char buf[8];
        size_t len = draco_num_snprint(&a, buf, sizeof buf);
        ck_assert_uint_eq(len, strlen(draco_sb_str(&sb)));
        ck_assert_int_eq(strncmp(buf, draco_sb_str(&sb), sizeof buf - 1), 0);
    }
    draco_sb_fini(&sb);
    draco_num_fini(&a);
    draco_num_fini(&b);
}
END_TEST

/* ---- unit tests ---- */

START_TEST(test_fast_path)
{
    draco_num_stats st = {0};
    draco_num a = draco_num_from_u64(UINT64_MAX), b = draco_num_from_i64(INT64_MIN), r;
    draco_num_init(&r);
    /* uvalue max + int64 min stays inline: (2^64 - 1) - 2^63 */
    draco_num_stats_count(&st, draco_num_add(&r, &a, &b));
    ck_assert(draco_num_is_inline(&r));
    ck_assert_int_eq(draco_num_cmp_u64(&r, ((uint64_t)1 << 63) - 1), 0);
    /* (2^64 - 1) + 1 leaves 64 bits: GMP, not a wrap to 0 */
    draco_num one = draco_num_from_i64(1);
    draco_num_stats_count(&st, draco_num_add(&r, &a, &one));
    ck_assert(!draco_num_is_inline(&r));
    ck_assert(draco_num_sgn(&r) > 0);
    ck_assert_int_gt(draco_num_cmp(&r, &a), 0);
    /* back below: demoted to inline */
    draco_num_stats_count(&st, draco_num_sub(&r, &r, &one));
    ck_assert(draco_num_is_inline(&r));
    ck_assert(draco_num_eq(&r, &a));
    /* 64 x 64 product */
    draco_num_stats_count(&st, draco_num_mul(&r, &a, &a));
    ck_assert(!draco_num_is_inline(&r));
    ck_assert_uint_eq(st.fast, 1);
    ck_assert_uint_eq(st.slow, 3);
    char buf[64];
    draco_num_snprint(&r, buf, sizeof buf);
    ck_assert_str_eq(buf, "340282366920938463426481119284349108225");
    draco_num_stats_count(NULL, true);   /* NULL stats is fine */
    draco_num_fini(&r);
    ck_assert(draco_num_is_zero(&r));
}
END_TEST

START_TEST(test_copy_ownership)
{
    /* copies of big numbers are deep: finishing one leaves the other intact */
    draco_num a, b, arr[4];
    draco_num_init(&a);
    draco_num_init(&b);
    memset(arr, 0, sizeof arr);            /* zeroed memory is the number 0 */
    for (int i = 0; i < 4; i++)
        ck_assert(draco_num_is_zero(&arr[i]));
    draco_num_set_pow2(&a, 100, -1);
    draco_num_set(&b, &a);
    draco_num_set(&arr[0], &a);
    draco_num_fini(&a);
    ck_assert(draco_num_eq(&b, &arr[0]));
    ck_assert_int_lt(draco_num_sgn(&b), 0);
    draco_num_move(&arr[1], &b);           /* no copy */
    ck_assert(draco_num_is_zero(&b));
    draco_num_swap(&arr[1], &arr[2]);
    ck_assert(draco_num_eq(&arr[2], &arr[0]));
    draco_num_set_i64(&arr[0], 5);         /* releases the big value */
    draco_num_set(&arr[0], &arr[0]);       /* self copy */
    ck_assert_int_eq(draco_num_cmp_i64(&arr[0], 5), 0);
    for (int i = 0; i < 4; i++)
        draco_num_fini(&arr[i]);
    draco_num_fini(&b);
}
END_TEST

START_TEST(test_conversions_and_text)
{
    int64_t i;
    uint64_t u;
    draco_num n = draco_num_from_i64(INT64_MIN);
    ck_assert(draco_num_get_i64(&n, &i) && i == INT64_MIN);
    ck_assert(!draco_num_get_u64(&n, &u));
    n = draco_num_from_u64((uint64_t)1 << 63);
    ck_assert(!draco_num_get_i64(&n, &i));
    ck_assert(draco_num_get_u64(&n, &u) && u == (uint64_t)1 << 63);
    draco_num m;
    draco_num_init(&m);
    const char *end;
    ck_assert_int_eq(draco_num_parse("  -oo,", &end, &m), DRACO_OK);
    ck_assert(draco_num_is_ninf(&m) && *end == ',');
    ck_assert_int_eq(draco_num_parse("+oo", &end, &m), DRACO_OK);
    ck_assert(draco_num_is_pinf(&m));
    ck_assert_int_eq(draco_num_parse("-0", &end, &m), DRACO_OK);
    ck_assert(draco_num_is_zero(&m) && m.kind == DRACO_NUM_POS);
    ck_assert_int_eq(draco_num_parse("-18446744073709551616", &end, &m), DRACO_OK);
    ck_assert(!draco_num_is_inline(&m));
    ck_assert_int_eq(draco_num_parse("x", &end, &m), DRACO_ERR_INVALID);
    ck_assert_str_eq(end, "x");
    ck_assert(!draco_num_is_inline(&m));   /* unchanged on error */
    draco_num w;
    draco_num_init(&w);
    draco_num_wrap(&w, &m, 64, false);     /* -2^64 mod 2^64 = 0 */
    ck_assert(draco_num_is_zero(&w));
    n = draco_num_from_u64(0xff);
    draco_num_wrap(&w, &n, 8, true);
    ck_assert_int_eq(draco_num_cmp_i64(&w, -1), 0);
    n = draco_num_width_min(32, true);
    ck_assert_int_eq(draco_num_cmp_i64(&n, INT32_MIN), 0);
    n = draco_num_width_max(64, false);
    ck_assert_int_eq(draco_num_cmp_u64(&n, UINT64_MAX), 0);
    draco_num_fini(&m);
    draco_num_fini(&w);
}
END_TEST

Suite *draco_suite_num(void);
Suite *draco_suite_num(void)
{
    Suite *s = suite_create("domains_num");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, test_fast_path);
    tcase_add_test(tc, test_copy_ownership);
    tcase_add_test(tc, test_conversions_and_text);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("properties");
    tcase_set_timeout(tp, 120);
    tcase_add_loop_test(tp, prop_arith_matches_gmp, 0, SEEDS);
    tcase_add_loop_test(tp, prop_infinities, 0, SEEDS);
    tcase_add_loop_test(tp, prop_text_roundtrip, 0, SEEDS);
    suite_add_tcase(s, tp);
    return s;
}
