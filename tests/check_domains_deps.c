/* SPDX-License-Identifier: MIT */
/* Tests for domains/deps: units, lattice laws and soundness by sampling.
 *
 * A concrete state gives each variable the set of sources it really depends on; it is in γ(d)
 * iff each such set is a subset of d's. Samples draw random subsets of the abstract sets.
 * Property tests use the loop index as the seed (printed on failure).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "domains/deps.h"

#include "check_fast.h"


static draco_depset rand_set(uint64_t *s)
{
    switch (rng_below(s, 7)) {
    case 0: return DRACO_DEP_NONE;
    case 1: return DRACO_DEP_PACKET;
    case 2: return DRACO_DEP_CTX | DRACO_DEP_PACKET;
    case 3: return draco_depset_map(rng_below(s, 70));
    case 4: return DRACO_DEP_ALL;
    default: return rng_next(s) & rng_next(s);
    }
}

#define NV 12

static void rand_state(uint64_t *s, struct draco_deps *d)
{
    if (rng_below(s, 25) == 0) {
        draco_deps_init_bottom(d);
        return;
    }
    draco_deps_init_top(d);
    unsigned ops = rng_below(s, 3 * NV);
    for (unsigned k = 0; k < ops; k++) {
        uint32_t x = rng_below(s, NV), y = rng_below(s, NV), z = rng_below(s, NV);
        draco_status st;
        switch (rng_below(s, 5)) {
        case 0: case 1: st = draco_deps_assign(d, x, rand_set(s)); break;
        case 2: st = draco_deps_assign_union(d, x, y, z); break;
        case 3: st = draco_deps_add(d, x, rand_set(s)); break;
        default: st = rng_below(s, 4) ? draco_deps_assign_var(d, x, y) : draco_deps_havoc(d, x); break;
        }
        CHECK_OK(st);
    }
}

static bool in_gamma(const struct draco_deps *d, const draco_depset *sigma)
{
    if (draco_deps_is_bottom(d))
        return false;
    for (uint32_t v = 0; v < NV; v++)
        if (sigma[v] & ~draco_deps_get(d, v))
            return false;
    return true;
}

static void sample(uint64_t *s, const struct draco_deps *d, draco_depset *sigma)
{
    for (uint32_t v = 0; v < NV; v++)
        sigma[v] = draco_deps_get(d, v) & (rng_below(s, 3) ? rng_next(s) : DRACO_DEP_ALL);
}

static struct draco_deps join_of(const struct draco_deps *a, const struct draco_deps *b)
{
    struct draco_deps r;
    draco_deps_copy(&r, a);
    CHECK_OK(draco_deps_join_into(&r, b));
    return r;
}

static struct draco_deps meet_of(const struct draco_deps *a, const struct draco_deps *b)
{
    struct draco_deps r;
    draco_deps_copy(&r, a);
    CHECK_OK(draco_deps_meet_into(&r, b));
    return r;
}

START_TEST(test_units)
{
    struct draco_deps d, e;
    draco_deps_init_top(&d);
    CHECK1(draco_deps_is_top(&d));
    ck_assert_uint_eq(draco_deps_get(&d, 5), DRACO_DEP_ALL);
    CHECK_OK(draco_deps_assign(&d, 0, DRACO_DEP_PACKET));    /* r0 = *(u8 *)pkt */
    CHECK_OK(draco_deps_assign(&d, 1, draco_depset_map(3))); /* r1 = *map3_value */
    CHECK_OK(draco_deps_assign(&d, 2, DRACO_DEP_NONE));      /* r2 = 7 */
    CHECK_OK(draco_deps_assign_union(&d, 2, 0, 1));          /* r2 = r0 + r1 */
    ck_assert_uint_eq(draco_deps_get(&d, 2), DRACO_DEP_PACKET | draco_depset_map(3));
    CHECK1(draco_deps_may_depend(&d, 2, DRACO_DEP_ANY_MAP));
    CHECK1(!draco_deps_may_depend(&d, 0, DRACO_DEP_ANY_MAP | DRACO_DEP_CTX));
    ck_assert_uint_eq(draco_depset_map(200), DRACO_DEP_MAP_OTHER);
    ck_assert_uint_eq(draco_depset_map(60), (draco_depset)1 << 62);
    draco_deps_copy(&e, &d);
    CHECK_OK(draco_deps_assign(&e, 0, DRACO_DEP_CTX));
    ck_assert_uint_eq(draco_deps_get(&d, 0), DRACO_DEP_PACKET);   /* copy-on-write */
    struct draco_deps j = join_of(&d, &e);
    ck_assert_uint_eq(draco_deps_get(&j, 0), DRACO_DEP_PACKET | DRACO_DEP_CTX);
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_deps_print_var(&j, 2, &sb);
    ck_assert_str_eq(draco_sb_str(&sb), "{packet, map3}");
    draco_sb_clear(&sb);
    draco_depset_print(DRACO_DEP_CTX | draco_depset_map(0) | draco_depset_map(99), &sb);
    ck_assert_str_eq(draco_sb_str(&sb), "{ctx, map0, map*}");
    draco_sb_clear(&sb);
    draco_depset_print(DRACO_DEP_NONE, &sb);
    ck_assert_str_eq(draco_sb_str(&sb), "{}");
    draco_sb_fini(&sb);
    draco_deps_fini(&d);
    draco_deps_fini(&e);
    draco_deps_fini(&j);
}
END_TEST

START_TEST(prop_laws)
{
    uint64_t s = (uint64_t)_i * 7919u + 23;
    struct draco_deps a, b, c;
    rand_state(&s, &a);
    rand_state(&s, &b);
    rand_state(&s, &c);
    struct draco_deps ab = join_of(&a, &b), ba = join_of(&b, &a), aa = join_of(&a, &a);
    CHECK(draco_deps_is_equal(&ab, &ba), "seed %d: join not commutative", _i);
    CHECK(draco_deps_is_equal(&aa, &a), "seed %d: join not idempotent", _i);
    CHECK(draco_deps_leq(&a, &ab) && draco_deps_leq(&b, &ab), "seed %d: a !<= a|b", _i);
    struct draco_deps ab_c = join_of(&ab, &c), bc = join_of(&b, &c), a_bc = join_of(&a, &bc);
    CHECK(draco_deps_is_equal(&ab_c, &a_bc), "seed %d: join not associative", _i);
    struct draco_deps mab = meet_of(&a, &b), mba = meet_of(&b, &a), maa = meet_of(&a, &a);
    CHECK(draco_deps_is_equal(&mab, &mba), "seed %d: meet not commutative", _i);
    CHECK(draco_deps_is_equal(&maa, &a), "seed %d: meet not idempotent", _i);
    CHECK(draco_deps_leq(&mab, &a) && draco_deps_leq(&mab, &b), "seed %d: a&b !<= a", _i);
    struct draco_deps mab_c = meet_of(&mab, &c), mbc = meet_of(&b, &c), ma_bc = meet_of(&a, &mbc);
    CHECK(draco_deps_is_equal(&mab_c, &ma_bc), "seed %d: meet not associative", _i);
    struct draco_deps abs1 = join_of(&a, &mab), abs2 = meet_of(&a, &ab);
    CHECK(draco_deps_is_equal(&abs1, &a) && draco_deps_is_equal(&abs2, &a), "seed %d: absorption", _i);
    struct draco_deps top, bot;
    draco_deps_init_top(&top);
    draco_deps_init_bottom(&bot);
    struct draco_deps jt = join_of(&a, &top), mt = meet_of(&a, &top), jb = join_of(&bot, &a),
                      mb = meet_of(&a, &bot);
    CHECK(draco_deps_is_top(&jt), "seed %d: a|top", _i);
    CHECK(draco_deps_is_equal(&mt, &a), "seed %d: a&top", _i);
    CHECK(draco_deps_is_equal(&jb, &a), "seed %d: bot|a", _i);
    CHECK(draco_deps_is_bottom(&mb), "seed %d: a&bot", _i);
    /* soundness by sampling */
    draco_depset sigma[NV];
    for (int k = 0; k < 20; k++) {
        if (!draco_deps_is_bottom(&a)) {
            sample(&s, &a, sigma);
            CHECK1(in_gamma(&a, sigma));
            CHECK(in_gamma(&ab, sigma), "seed %d: join unsound", _i);
            CHECK(in_gamma(&mab, sigma) == in_gamma(&b, sigma), "seed %d: meet not exact", _i);
            /* transfer: x := y op z */
            uint32_t x = rng_below(&s, NV), y = rng_below(&s, NV), z = rng_below(&s, NV);
            struct draco_deps t;
            draco_deps_copy(&t, &a);
            CHECK_OK(draco_deps_assign_union(&t, x, y, z));
            draco_depset img[NV];
            memcpy(img, sigma, sizeof img);
            img[x] = sigma[y] | sigma[z];
            CHECK(in_gamma(&t, img), "seed %d: assign_union unsound", _i);
            draco_deps_fini(&t);
        }
    }
    struct draco_deps *all[] = {&a, &b, &c, &ab, &ba, &aa, &ab_c, &bc, &a_bc, &mab, &mba, &maa, &mab_c,
                                &mbc, &ma_bc, &abs1, &abs2, &top, &bot, &jt, &mt, &jb, &mb};
    for (size_t i = 0; i < DRACO_ARRAY_LEN(all); i++)
        draco_deps_fini(all[i]);
}
END_TEST

START_TEST(prop_widen_stabilises)
{
    uint64_t s = (uint64_t)_i * 2654435761u + 29;
    struct draco_deps x;
    rand_state(&s, &x);
    unsigned strict = 0;
    for (unsigned k = 0; k < 200; k++) {
        struct draco_deps r, next;
        rand_state(&s, &r);
        draco_deps_copy(&next, &x);
        CHECK_OK(draco_deps_widen_into(&next, &r));
        CHECK(draco_deps_leq(&x, &next) && draco_deps_leq(&r, &next), "seed %d: widen bound", _i);
        strict += !draco_deps_leq(&next, &x);
        draco_deps_assign_state(&x, &next);
        draco_deps_fini(&next);
        draco_deps_fini(&r);
    }
    /* each strict step adds a bit to some variable or forgets one: at most 65 per variable */
    CHECK(strict <= 65 * NV + 1, "seed %d: %u strict increases", _i, strict);
    draco_deps_fini(&x);
}
END_TEST

extern Suite *draco_suite_domains_deps(void);
Suite *draco_suite_domains_deps(void)
{
    Suite *s = suite_create("domains_deps");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, test_units);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("properties");
    tcase_set_timeout(tp, 120);
    tcase_add_loop_test(tp, prop_laws, 0, 2000);
    tcase_add_loop_test(tp, prop_widen_stabilises, 0, 1000);
    suite_add_tcase(s, tp);
    return s;
}
