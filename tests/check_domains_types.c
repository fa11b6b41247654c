/* SPDX-License-Identifier: MIT */
/* Tests for domains/types: unit cases plus lattice-law and soundness property tests.
 *
 * Property tests run one seed per loop index (printed on failure). Soundness is checked
 * exhaustively: for up to 4 variables, every concrete assignment of the 12 types is enumerated
 * and membership in γ(state) is decided from the public queries only (get, same_type).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "domains/types.h"

#include "check_fast.h"

/* ---- random generation ---- */


/* Biased toward singletons, NUM, groups and ALL, which is where the interesting cases are. */
static draco_typeset rand_set(uint64_t *s)
{
    switch (rng_below(s, 8)) {
    case 0: case 1: case 2:
        return DRACO_TS(rng_below(s, DRACO_TYPE_COUNT));
    case 3:
        return (draco_typeset)(DRACO_TS(rng_below(s, 4)) | DRACO_TS(rng_below(s, 4)));
    case 4:
        return DRACO_TS_ALL;
    case 5:
        return rng_below(s, 2) ? DRACO_TS_PTR_OR_NUM : DRACO_TS_MEM;
    default:
        return (draco_typeset)(rng_next(s) & DRACO_TS_ALL);   /* may be empty */
    }
}

static bool is_canonical(const struct draco_types *t, uint32_t n);

/* A random state over nvars variables (n of them possibly beyond its stored size). */
static void rand_state(uint64_t *s, uint32_t nvars, struct draco_types *t)
{
    if (rng_below(s, 25) == 0) {
        draco_types_init_bottom(t);
        return;
    }
    CHECK_OK(draco_types_init_top(t, rng_below(s, nvars + 1)));
    uint32_t ops = rng_below(s, 3 * nvars + 2);
    for (uint32_t k = 0; k < ops; k++) {
        uint32_t x = rng_below(s, nvars), y = rng_below(s, nvars);
        draco_status st = DRACO_OK;
        switch (rng_below(s, 7)) {
        case 0: case 1:
            st = draco_types_assign_const(t, x, rand_set(s) | DRACO_TS(rng_below(s, 12)));
            break;
        case 2: case 3:
            st = draco_types_assign_var(t, x, y);
            break;
        case 4:
            if (rng_below(s, 3) == 0)   /* keep bottom rare */
                st = draco_types_restrict(t, x, rand_set(s));
            break;
        case 5:
            if (rng_below(s, 3) == 0)
                st = draco_types_unify(t, x, y);
            break;
        default:
            st = draco_types_havoc(t, x);
            break;
        }
        CHECK_OK(st);
    }
    CHECK1(is_canonical(t, nvars));
}

/* ---- concretisation: a concrete state gives each variable one type ---- */

#define MAXV 4

static bool in_gamma(const struct draco_types *t, const unsigned *sigma, uint32_t n)
{
    if (draco_types_is_bottom(t))
        return false;
    for (uint32_t v = 0; v < n; v++) {
        if (!(draco_types_get(t, v) & DRACO_TS(sigma[v])))
            return false;
        for (uint32_t w = v + 1; w < n; w++)
            if (draco_types_same_type(t, v, w) && sigma[v] != sigma[w])
                return false;
    }
    return true;
}

/* Iterates sigma over all 12^n assignments; returns false after the last. */
static bool sigma_next(unsigned *sigma, uint32_t n)
{
    for (uint32_t v = 0; v < n; v++) {
        if (++sigma[v] < DRACO_TYPE_COUNT)
            return true;
        sigma[v] = 0;
    }
    return false;
}

/* Canonical form: variables that are surely the same single type are reported must-equal, and
 * must-equal variables have the same set. */
static bool is_canonical(const struct draco_types *t, uint32_t n)
{
    if (draco_types_is_bottom(t))
        return true;
    for (uint32_t v = 0; v < n; v++) {
        draco_typeset sv = draco_types_get(t, v);
        if (sv == 0)
            return false;
        for (uint32_t w = 0; w < n; w++) {
            draco_typeset sw = draco_types_get(t, w);
            bool same = draco_types_same_type(t, v, w);
            if (draco_typeset_is_singleton(sv) && sv == sw && !same)
                return false;
            if (same && sv != sw)
                return false;
        }
    }
    return true;
}

static struct draco_types join_of(const struct draco_types *a, const struct draco_types *b)
{
    struct draco_types r;
    draco_types_copy(&r, a);
    CHECK_OK(draco_types_join_into(&r, b));
    CHECK1(is_canonical(&r, 12));
    return r;
}

static struct draco_types meet_of(const struct draco_types *a, const struct draco_types *b)
{
    struct draco_types r;
    draco_types_copy(&r, a);
    CHECK_OK(draco_types_meet_into(&r, b));
    CHECK1(is_canonical(&r, 12));
    return r;
}

/* ---- unit tests ---- */

static const char *set_str(draco_typeset s, struct draco_sb *sb)
{
    draco_sb_clear(sb);
    draco_typeset_print(s, sb);
    return draco_sb_str(sb);
}

START_TEST(test_print)
{
    struct draco_sb sb;
    draco_sb_init(&sb);
    ck_assert_str_eq(set_str(DRACO_TS_NUM, &sb), "number");
    ck_assert_str_eq(set_str(DRACO_TS_NUM | DRACO_TS(DRACO_TYPE_PACKET), &sb), "{number, packet}");
    ck_assert_str_eq(set_str(DRACO_TS(DRACO_TYPE_MAP_FD_PROGRAMS), &sb), "map_fd_programs");
    ck_assert_str_eq(set_str(0, &sb), "{}");
    ck_assert_str_eq(set_str(DRACO_TS_ALL, &sb),
                     "{uninit, number, ctx, stack, packet, shared, map_fd, map_fd_programs, socket, "
                     "btf_id, alloc_mem, func}");
    for (unsigned i = 0; i < DRACO_TYPE_COUNT; i++) {
        draco_type ty;
        CHECK1(draco_type_parse(draco_type_name((draco_type)i), &ty));
        ck_assert_uint_eq(ty, i);
    }
    draco_type ty;
    CHECK1(!draco_type_parse("pointer", &ty));
    ck_assert_str_eq(draco_type_name(DRACO_TYPE_COUNT), "?");
    struct draco_types t;
    CHECK_OK(draco_types_init_top(&t, 3));
    CHECK_OK(draco_types_assign_const(&t, 1, DRACO_TS_NUM | DRACO_TS(DRACO_TYPE_STACK)));
    draco_sb_clear(&sb);
    draco_types_print_var(&t, 1, &sb);
    ck_assert_str_eq(draco_sb_str(&sb), "{number, stack}");
    draco_sb_clear(&sb);
    draco_types_print(&t, &sb);
    ck_assert_str_eq(draco_sb_str(&sb), "v1: {number, stack}\n");
    draco_types_fini(&t);
    draco_sb_fini(&sb);
}
END_TEST

START_TEST(test_copy_equalities)
{
    struct draco_types t;
    CHECK_OK(draco_types_init_top(&t, 4));
    CHECK1(draco_types_is_top(&t));
    draco_typeset np = DRACO_TS_NUM | DRACO_TS(DRACO_TYPE_PACKET);
    CHECK_OK(draco_types_assign_const(&t, 0, np));
    CHECK_OK(draco_types_assign_var(&t, 2, 0));   /* r2 := r0 */
    CHECK1(draco_types_same_type(&t, 0, 2));
    CHECK1(!draco_types_same_type(&t, 0, 1));
    ck_assert_uint_eq(draco_types_get(&t, 2), np);
    CHECK1(draco_types_implies(&t, 0, DRACO_TS_NUM, 2, DRACO_TS_NUM));
    CHECK1(!draco_types_implies(&t, 0, DRACO_TS_NUM, 1, DRACO_TS_NUM));
    CHECK1(draco_types_implies_not_type(&t, 2, DRACO_TYPE_PACKET, 0, DRACO_TS_NUM));
    /* assume r2 is a packet pointer: r0 follows */
    CHECK_OK(draco_types_remove(&t, 2, DRACO_TYPE_NUMBER));
    CHECK1(draco_types_entail_type(&t, 0, DRACO_TYPE_PACKET));
    CHECK1(draco_types_is_in_group(&t, 0, DRACO_TS_PTR));
    CHECK1(!draco_types_may_have_type(&t, 0, DRACO_TYPE_NUMBER));
    /* r0 := number breaks the equality */
    CHECK_OK(draco_types_assign_const(&t, 0, DRACO_TS_NUM));
    CHECK1(!draco_types_same_type(&t, 0, 2));
    CHECK1(draco_types_entail_type(&t, 2, DRACO_TYPE_PACKET));
    /* two surely-number variables are must-equal (singleton classes merge) */
    CHECK_OK(draco_types_assign_const(&t, 3, DRACO_TS_NUM));
    CHECK1(draco_types_same_type(&t, 0, 3));
    /* restrict to an empty set is bottom; every must query then holds vacuously */
    CHECK_OK(draco_types_restrict(&t, 3, DRACO_TS(DRACO_TYPE_CTX)));
    CHECK1(draco_types_is_bottom(&t));
    CHECK1(draco_types_entail_type(&t, 1, DRACO_TYPE_CTX));
    CHECK1(!draco_types_may_have_type(&t, 1, DRACO_TYPE_CTX));
    draco_types_fini(&t);
}
END_TEST

START_TEST(test_join_meet_units)
{
    struct draco_types a, b;
    CHECK_OK(draco_types_init_top(&a, 3));
    CHECK_OK(draco_types_init_top(&b, 3));
    CHECK_OK(draco_types_assign_const(&a, 0, DRACO_TS_NUM));
    CHECK_OK(draco_types_assign_var(&a, 1, 0));
    CHECK_OK(draco_types_assign_const(&a, 2, DRACO_TS(DRACO_TYPE_CTX)));
    CHECK_OK(draco_types_assign_const(&b, 0, DRACO_TS(DRACO_TYPE_STACK)));
    CHECK_OK(draco_types_assign_var(&b, 1, 0));
    CHECK_OK(draco_types_assign_const(&b, 2, DRACO_TS(DRACO_TYPE_STACK)));
    struct draco_types j = join_of(&a, &b);
    CHECK1(draco_types_same_type(&j, 0, 1));    /* equal on both sides */
    CHECK1(!draco_types_same_type(&j, 0, 2));   /* equal only in b */
    ck_assert_uint_eq(draco_types_get(&j, 2), DRACO_TS(DRACO_TYPE_CTX) | DRACO_TS(DRACO_TYPE_STACK));
    CHECK1(draco_types_leq(&a, &j) && draco_types_leq(&b, &j));
    CHECK1(!draco_types_leq(&j, &a));
    struct draco_types m = meet_of(&a, &b);
    CHECK1(draco_types_is_bottom(&m));
    /* meet adds equalities: x=y in one, y=z in the other => x=z */
    struct draco_types c, d;
    CHECK_OK(draco_types_init_top(&c, 3));
    CHECK_OK(draco_types_init_top(&d, 5));
    CHECK_OK(draco_types_assign_var(&c, 0, 1));
    CHECK_OK(draco_types_assign_var(&d, 2, 1));
    CHECK_OK(draco_types_restrict(&d, 4, DRACO_TS_PTR));
    struct draco_types cd = meet_of(&c, &d);
    CHECK1(draco_types_same_type(&cd, 0, 2));
    ck_assert_uint_eq(draco_types_get(&cd, 4), DRACO_TS_PTR);
    CHECK1(draco_types_leq(&cd, &c) && draco_types_leq(&cd, &d));
    /* copy-on-write: mutating a copy leaves the original alone */
    struct draco_types e;
    draco_types_copy(&e, &cd);
    CHECK_OK(draco_types_havoc(&e, 0));
    CHECK1(draco_types_same_type(&cd, 0, 2));
    CHECK1(!draco_types_same_type(&e, 0, 2));
    draco_types_fini(&a);
    draco_types_fini(&b);
    draco_types_fini(&c);
    draco_types_fini(&d);
    draco_types_fini(&e);
    draco_types_fini(&j);
    draco_types_fini(&m);
    draco_types_fini(&cd);
}
END_TEST

START_TEST(test_frames)
{
    struct draco_types t;
    CHECK_OK(draco_types_init_top(&t, 4));
    CHECK_OK(draco_types_assign_const(&t, 0, DRACO_TS(DRACO_TYPE_CTX)));
    CHECK_OK(draco_types_assign_const(&t, 1, DRACO_TS_NUM | DRACO_TS(DRACO_TYPE_SHARED)));
    const uint32_t from[] = {0, 1}, to[] = {10, 11}, bad[] = {1, 12};
    ck_assert_int_eq(draco_types_copy_vars(&t, from, bad, 2), DRACO_ERR_INVALID);
    CHECK_OK(draco_types_rename_vars(&t, from, to, 2));
    ck_assert_uint_eq(t.nvars, 12);
    ck_assert_uint_eq(draco_types_get(&t, 10), DRACO_TS(DRACO_TYPE_CTX));
    ck_assert_uint_eq(draco_types_get(&t, 11), DRACO_TS_NUM | DRACO_TS(DRACO_TYPE_SHARED));
    ck_assert_uint_eq(draco_types_get(&t, 0), DRACO_TS_ALL);
    CHECK1(!draco_types_same_type(&t, 1, 11));
    CHECK_OK(draco_types_rename_vars(&t, to, from, 2));
    ck_assert_uint_eq(draco_types_get(&t, 0), DRACO_TS(DRACO_TYPE_CTX));
    ck_assert_uint_eq(draco_types_get(&t, 11), DRACO_TS_ALL);
    draco_types_fini(&t);
}
END_TEST

/* ---- property tests ---- */

START_TEST(prop_join_meet_laws)
{
    uint64_t s = (uint64_t)_i * 7919u + 1;
    uint32_t n = 1 + rng_below(&s, 10);
    struct draco_types a, b, c;
    rand_state(&s, n, &a);
    rand_state(&s, n, &b);
    rand_state(&s, n, &c);
    struct draco_types ab = join_of(&a, &b), ba = join_of(&b, &a), aa = join_of(&a, &a);
    CHECK(draco_types_is_equal(&ab, &ba), "seed %d: join not commutative", _i);
    CHECK(draco_types_is_equal(&aa, &a), "seed %d: join not idempotent", _i);
    CHECK(draco_types_leq(&a, &ab) && draco_types_leq(&b, &ab), "seed %d: a !<= a|b", _i);
    struct draco_types ab_c = join_of(&ab, &c), bc = join_of(&b, &c), a_bc = join_of(&a, &bc);
    CHECK(draco_types_is_equal(&ab_c, &a_bc), "seed %d: join not associative", _i);
    struct draco_types mab = meet_of(&a, &b), mba = meet_of(&b, &a), maa = meet_of(&a, &a);
    CHECK(draco_types_is_equal(&mab, &mba), "seed %d: meet not commutative", _i);
    CHECK(draco_types_is_equal(&maa, &a), "seed %d: meet not idempotent", _i);
    CHECK(draco_types_leq(&mab, &a) && draco_types_leq(&mab, &b), "seed %d: a&b !<= a", _i);
    struct draco_types mab_c = meet_of(&mab, &c), mbc = meet_of(&b, &c), ma_bc = meet_of(&a, &mbc);
    CHECK(draco_types_is_equal(&mab_c, &ma_bc), "seed %d: meet not associative", _i);
    /* absorption, and leq agrees with join/meet */
    struct draco_types abs1 = join_of(&a, &mab), abs2 = meet_of(&a, &ab);
    CHECK(draco_types_is_equal(&abs1, &a) && draco_types_is_equal(&abs2, &a),
                  "seed %d: absorption", _i);
    CHECK(draco_types_leq(&a, &b) == draco_types_is_equal(&ab, &b), "seed %d: leq/join", _i);
    CHECK(draco_types_leq(&a, &b) == draco_types_is_equal(&mab, &a), "seed %d: leq/meet", _i);
    /* top and bottom */
    struct draco_types top, bot;
    CHECK_OK(draco_types_init_top(&top, rng_below(&s, n + 1)));
    draco_types_init_bottom(&bot);
    struct draco_types jt = join_of(&a, &top), mt = meet_of(&a, &top);
    struct draco_types jb = join_of(&a, &bot), mb = meet_of(&a, &bot), jb2 = join_of(&bot, &a);
    CHECK(draco_types_is_top(&jt), "seed %d: a|top != top", _i);
    CHECK(draco_types_is_equal(&mt, &a), "seed %d: a&top != a", _i);
    CHECK(draco_types_is_equal(&jb, &a) && draco_types_is_equal(&jb2, &a), "seed %d: a|bot", _i);
    CHECK(draco_types_is_bottom(&mb), "seed %d: a&bot != bot", _i);
    CHECK1(draco_types_leq(&bot, &a) && draco_types_leq(&a, &top));
    struct draco_types *all[] = {&a, &b, &c, &ab, &ba, &aa, &ab_c, &bc, &a_bc, &mab, &mba, &maa,
                                 &mab_c, &mbc, &ma_bc, &abs1, &abs2, &top, &bot, &jt, &mt, &jb,
                                 &mb, &jb2};
    for (size_t i = 0; i < DRACO_ARRAY_LEN(all); i++)
        draco_types_fini(all[i]);
}
END_TEST

START_TEST(prop_soundness_exhaustive)
{
    uint64_t s = (uint64_t)_i * 104729u + 3;
    uint32_t n = 1 + rng_below(&s, MAXV - 1 + (_i % 4 == 0));
    struct draco_types a, b;
    rand_state(&s, n, &a);
    rand_state(&s, n, &b);
    struct draco_types j = join_of(&a, &b), m = meet_of(&a, &b);
    bool a_leq_b = draco_types_leq(&a, &b);
    unsigned sigma[MAXV] = {0};
    do {
        bool ia = in_gamma(&a, sigma, n), ib = in_gamma(&b, sigma, n);
        CHECK(!(ia || ib) || in_gamma(&j, sigma, n), "seed %d: join unsound", _i);
        CHECK((ia && ib) == in_gamma(&m, sigma, n), "seed %d: meet not exact", _i);
        CHECK(!a_leq_b || !ia || ib, "seed %d: leq unsound", _i);
    } while (sigma_next(sigma, n));
    draco_types_fini(&a);
    draco_types_fini(&b);
    draco_types_fini(&j);
    draco_types_fini(&m);
}
END_TEST

/* Transfer functions: the image of every concrete state of γ(a) is in γ(op(a)). */
START_TEST(prop_transfer_soundness)
{
    uint64_t s = (uint64_t)_i * 15485863u + 5;
    uint32_t n = 1 + rng_below(&s, MAXV - 1);
    struct draco_types a, r;
    rand_state(&s, n, &a);
    uint32_t x = rng_below(&s, n), y = rng_below(&s, n);
    draco_typeset mask = rand_set(&s), cst = rand_set(&s) | DRACO_TS(rng_below(&s, 12));
    unsigned op = rng_below(&s, 6);
    draco_types_copy(&r, &a);
    switch (op) {
    case 0: CHECK_OK(draco_types_assign_const(&r, x, cst)); break;
    case 1: CHECK_OK(draco_types_assign_var(&r, x, y)); break;
    case 2: CHECK_OK(draco_types_restrict(&r, x, mask)); break;
    case 3: CHECK_OK(draco_types_unify(&r, x, y)); break;
    case 4: CHECK_OK(draco_types_havoc(&r, x)); break;
    default: CHECK_OK(draco_types_remove(&r, x, (draco_type)(mask % 12))); break;
    }
    CHECK(is_canonical(&r, n + 1), "seed %d: op %u result not canonical", _i, op);
    unsigned sigma[MAXV] = {0}, img[MAXV];
    do {
        if (!in_gamma(&a, sigma, n))
            continue;
        memcpy(img, sigma, sizeof img);
        bool keep = true;
        switch (op) {
        case 0: img[x] = (unsigned)__builtin_ctz(cst); break;   /* one member of cst */
        case 1: img[x] = sigma[y]; break;
        case 2: keep = (mask & DRACO_TS(sigma[x])) != 0; break;
        case 3: keep = sigma[x] == sigma[y]; break;
        case 4: img[x] = (unsigned)(_i % 12); break;
        default: keep = sigma[x] != mask % 12; break;
        }
        /* restricting ops are exact: kept states are in, dropped ones out */
        if (keep)
            CHECK(in_gamma(&r, img, n), "seed %d: op %u unsound", _i, op);
        else if (op == 2 || op == 3 || op == 5)
            CHECK(!in_gamma(&r, img, n), "seed %d: op %u imprecise", _i, op);
    } while (sigma_next(sigma, n));
    /* queries agree with the restrict-a-copy definition */
    draco_typeset s2 = rand_set(&s);
    struct draco_types c;
    draco_types_copy(&c, &a);
    CHECK_OK(draco_types_restrict(&c, x, mask));
    CHECK(draco_types_implies(&a, x, mask, y, s2) == draco_types_is_in_group(&c, y, s2),
                  "seed %d: implies", _i);
    draco_types_fini(&a);
    draco_types_fini(&r);
    draco_types_fini(&c);
}
END_TEST

START_TEST(prop_widen_stabilises)
{
    uint64_t s = (uint64_t)_i * 2654435761u + 7;
    uint32_t n = 1 + rng_below(&s, 12);
    struct draco_types x;
    rand_state(&s, n, &x);
    unsigned strict = 0, bound = 14 * n + 2;
    for (unsigned k = 0; k < 4 * bound; k++) {
        struct draco_types r, next;
        rand_state(&s, n, &r);
        draco_types_copy(&next, &x);
        CHECK_OK(draco_types_widen_into(&next, &r));
        CHECK(draco_types_leq(&x, &next) && draco_types_leq(&r, &next),
                      "seed %d: widening does not bound its arguments", _i);
        if (!draco_types_leq(&next, &x))
            strict++;
        draco_types_assign_state(&x, &next);
        draco_types_fini(&next);
        draco_types_fini(&r);
    }
    CHECK(strict <= bound, "seed %d: %u strict increases", _i, strict);
    struct draco_types nar;
    draco_types_copy(&nar, &x);
    CHECK_OK(draco_types_narrow_into(&nar, &x));
    CHECK1(draco_types_is_equal(&nar, &x));
    draco_types_fini(&nar);
    draco_types_fini(&x);
}
END_TEST

/* Copy-on-write: operations on a copy never change the original. */
START_TEST(prop_cow)
{
    uint64_t s = (uint64_t)_i * 97u + 11;
    uint32_t n = 1 + rng_below(&s, 8);
    struct draco_types a, snap, c, b;
    rand_state(&s, n, &a);
    rand_state(&s, n, &b);
    /* snap: an independent deep copy (through a fresh top joined... built by meet with top) */
    CHECK_OK(draco_types_init_top(&snap, 0));
    if (draco_types_is_bottom(&a))
        draco_types_init_bottom(&snap);
    else
        CHECK_OK(draco_types_meet_into(&snap, &a));
    draco_types_copy(&c, &a);
    CHECK_OK(draco_types_havoc(&c, rng_below(&s, n)));
    CHECK_OK(draco_types_join_into(&c, &b));
    CHECK_OK(draco_types_assign_const(&c, rng_below(&s, n), rand_set(&s) | 1));
    CHECK_OK(draco_types_meet_into(&c, &b));
    CHECK(draco_types_is_equal(&a, &snap), "seed %d: copy changed the original", _i);
    draco_types_fini(&a);
    draco_types_fini(&b);
    draco_types_fini(&c);
    draco_types_fini(&snap);
}
END_TEST

enum { SEEDS = 2000 };

extern Suite *draco_suite_domains_types(void);
Suite *draco_suite_domains_types(void)
{
    Suite *s = suite_create("domains_types");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, test_print);
    tcase_add_test(tc, test_copy_equalities);
    tcase_add_test(tc, test_join_meet_units);
    tcase_add_test(tc, test_frames);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("properties");
    tcase_set_timeout(tp, 120);
    tcase_add_loop_test(tp, prop_join_meet_laws, 0, SEEDS);
    tcase_add_loop_test(tp, prop_soundness_exhaustive, 0, SEEDS);
    tcase_add_loop_test(tp, prop_transfer_soundness, 0, SEEDS);
    tcase_add_loop_test(tp, prop_widen_stabilises, 0, 1000);
    tcase_add_loop_test(tp, prop_cow, 0, SEEDS);
    suite_add_tcase(s, tp);
    return s;
}
