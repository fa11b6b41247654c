/* SPDX-License-Identifier: MIT */
/* Tests for domains/cells: unit cases, a differential test against a brute-force model, lattice
 * laws and soundness of the join/meet on the numeric bitmap and the cell set.
 *
 * Property tests use the loop index as the seed (printed on failure). The model keeps one bool
 * per byte and a plain unsorted array of cells; every query of the structure is compared with a
 * linear scan of the model.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "domains/cells.h"

#include "check_fast.h"


/* Small sizes biased to the eBPF widths; offsets biased to word edges. */
static uint32_t rand_size(uint64_t *s)
{
    static const uint32_t widths[] = {1, 2, 4, 8, 8, 3, 16};
    return rng_below(s, 4) ? widths[rng_below(s, DRACO_ARRAY_LEN(widths))] : 1 + rng_below(s, 70);
}

static int64_t rand_off(uint64_t *s, uint32_t nbytes)
{
    switch (rng_below(s, 6)) {
    case 0: return 0;
    case 1: return 64 * (int64_t)rng_below(s, nbytes / 64 + 1) - (int64_t)rng_below(s, 3);
    case 2: return (int64_t)nbytes - 1 - rng_below(s, 8);
    default: return rng_below(s, nbytes);
    }
}

/* The analysis maps (offset, size, kind) to one variable; mimic that, with rare exceptions. */
static uint32_t var_of(uint64_t *s, int64_t off, uint32_t size, uint32_t kind)
{
    if (rng_below(s, 20) == 0)
        return 100000u + rng_below(s, 3);
    return (uint32_t)(off * 1024 + size * 4 + kind);
}

/* ---- the brute-force model ---- */

#define MAXB 256
#define MAXC 512

struct model {
    bool bottom;
    uint32_t nbytes;
    bool num[MAXB];
    size_t ncells;
    struct draco_cell cells[MAXC];
};

static bool model_has(const struct model *m, const struct draco_cell *x)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (memcmp(&m->cells[i], x, sizeof *x) == 0)
            return true;
    return false;
}

static bool overl(const struct draco_cell *x, int64_t lo, int64_t hi)
{
    return x->offset < hi && (int64_t)x->offset + x->size > lo;
}

static void model_kill(struct model *m, int64_t lo, int64_t hi)
{
    size_t k = 0;
    for (size_t i = 0; i < m->ncells; i++)
        if (!overl(&m->cells[i], lo, hi))
            m->cells[k++] = m->cells[i];
    m->ncells = k;
}

static void model_bits(struct model *m, int64_t lo, int64_t hi, bool v)
{
    for (int64_t b = lo < 0 ? 0 : lo; b < hi && b < (int64_t)m->nbytes; b++)
        m->num[b] = v;
}

static bool cell_lt(const struct draco_cell *a, const struct draco_cell *b)
{
    if (a->offset != b->offset)
        return a->offset < b->offset;
    if (a->size != b->size)
        return a->size < b->size;
    if (a->kind != b->kind)
        return a->kind < b->kind;
    return a->var < b->var;
}

/* Compares every observable of c with the model. */
static void check_model(const struct draco_cells *c, const struct model *m, int seed)
{
    CHECK(draco_cells_is_bottom(c) == m->bottom, "seed %d: bottom", seed);
    if (m->bottom)
        return;
    CHECK(draco_cells_count(c) == m->ncells, "seed %d: %zu cells, model %zu", seed,
                  draco_cells_count(c), m->ncells);
    for (size_t i = 0; i < draco_cells_count(c); i++) {
        CHECK(model_has(m, draco_cells_at(c, i)), "seed %d: extra cell", seed);
        if (i)
            CHECK(cell_lt(draco_cells_at(c, i - 1), draco_cells_at(c, i)), "seed %d: order", seed);
    }
    uint32_t run = 0;   /* run of numeric bytes starting at b, computed backwards */
    for (uint32_t b = m->nbytes; b-- > 0;) {
        run = m->num[b] ? run + 1 : 0;
        CHECK(draco_cells_is_numeric(c, b, b + 1) == m->num[b], "seed %d: byte %u", seed, b);
        CHECK(draco_cells_numeric_run(c, b) == run, "seed %d: run at %u", seed, b);
    }
    CHECK1(draco_cells_numeric_run(c, m->nbytes) == 0 && draco_cells_numeric_run(c, -1) == 0);
}

static void rand_range(uint64_t *s, uint32_t nbytes, int64_t *lo, int64_t *hi)
{
    *lo = rand_off(s, nbytes);
    *hi = *lo + rand_size(s);
}

/* Applies n random operations to both c and m, checking kill records against the model. */
static void rand_ops(uint64_t *s, struct draco_cells *c, struct model *m, unsigned n, int seed)
{
    draco_cell_kill_vec kills = {0};
    for (unsigned k = 0; k < n; k++) {
        int64_t lo, hi;
        rand_range(s, m->nbytes, &lo, &hi);
        unsigned op = rng_below(s, 8);
        struct model before = *m;
        kills.len = 0;
        switch (op) {
        case 0: case 1: {
            uint32_t kind = rng_below(s, 3);
            struct draco_cell x = {(int32_t)lo, (uint32_t)(hi - lo), kind, var_of(s, lo, (uint32_t)(hi - lo), kind)};
            CHECK_OK(draco_cells_add(c, x));
            if (!m->bottom && !model_has(m, &x) && m->ncells < MAXC)
                m->cells[m->ncells++] = x;
            else if (m->ncells >= MAXC)
                ck_abort_msg("model full");
            break;
        }
        case 2:
            if (lo >= 0 && hi <= (int64_t)m->nbytes) {
                CHECK_OK(draco_cells_set_numeric(c, lo, hi));
                if (!m->bottom)
                    model_bits(m, lo, hi, true);
            } else {
                ck_assert_int_eq(draco_cells_set_numeric(c, lo, hi), DRACO_ERR_INVALID);
            }
            break;
        case 3:
            CHECK_OK(draco_cells_clear_numeric(c, lo, hi));
            if (!m->bottom)
                model_bits(m, lo, hi, false);
            break;
        case 4: case 5: {
            bool numeric = rng_below(s, 3) != 0;
            CHECK_OK(draco_cells_store_strong(c, lo, (uint32_t)(hi - lo), numeric, &kills));
            if (!m->bottom) {
                model_kill(m, lo, hi);
                model_bits(m, lo, hi, numeric);
            }
            break;
        }
        case 6: {
            bool numeric = rng_below(s, 2) != 0;
            hi += rng_below(s, 40);   /* a range of possible addresses */
            CHECK_OK(draco_cells_store_weak(c, lo, hi, numeric, &kills));
            if (!m->bottom) {
                model_kill(m, lo, hi);
                if (!numeric)
                    model_bits(m, lo, hi, false);
            }
            break;
        }
        default:
            CHECK_OK(draco_cells_kill(c, lo, hi, &kills));
            if (!m->bottom)
                model_kill(m, lo, hi);
            break;
        }
        /* kill records: exactly the removed cells, with the surviving byte ranges */
        size_t removed = 0;
        for (size_t i = 0; i < before.ncells; i++)
            removed += !model_has(m, &before.cells[i]);
        CHECK(kills.len == removed, "seed %d: %zu kills for %zu removed", seed, kills.len, removed);
        for (size_t i = 0; i < kills.len; i++) {
            const struct draco_cell_kill *kr = &kills.data[i];
            const struct draco_cell *x = &kr->cell;
            CHECK(model_has(&before, x) && !model_has(m, x), "seed %d: bad kill", seed);
            int64_t end = (int64_t)x->offset + x->size;
            /* surviving bytes: exactly the parts of the cell outside the written [lo, hi) */
            CHECK(kr->lo_size == (lo > x->offset ? (uint32_t)(lo - x->offset) : 0u),
                          "seed %d: lo_size", seed);
            CHECK(kr->hi_size == (hi < end ? (uint32_t)(end - hi) : 0u), "seed %d: hi_size", seed);
            CHECK1(kr->hi_size == 0 || kr->hi_offset == hi);
            CHECK(kr->lo_size + kr->hi_size < x->size, "seed %d: killed cell not overlapped", seed);
        }
        check_model(c, m, seed);
    }
    draco_vec_free(&kills);
}

static void rand_state(uint64_t *s, uint32_t nbytes, struct draco_cells *c, struct model *m, int seed)
{
    memset(m, 0, sizeof *m);
    m->nbytes = nbytes;
    if (rng_below(s, 25) == 0) {
        draco_cells_init_bottom(c, nbytes);
        m->bottom = true;
        return;
    }
    draco_cells_init_top(c, nbytes);
    rand_ops(s, c, m, rng_below(s, 30), seed);
}

static struct draco_cells join_of(const struct draco_cells *a, const struct draco_cells *b)
{
    struct draco_cells r;
    draco_cells_copy(&r, a);
    CHECK_OK(draco_cells_join_into(&r, b));
    return r;
}

static struct draco_cells meet_of(const struct draco_cells *a, const struct draco_cells *b)
{
    struct draco_cells r;
    draco_cells_copy(&r, a);
    CHECK_OK(draco_cells_meet_into(&r, b));
    return r;
}

/* ---- unit tests ---- */

START_TEST(test_stack_scenario)
{
    struct draco_cells c;
    draco_cells_init_top(&c, 4096);
    draco_cell_kill_vec kills = {0};
    /* *(u64 *)(r10 - 8) = 0x1122334455667788 */
    CHECK_OK(draco_cells_store_strong(&c, 4088, 8, true, &kills));
    ck_assert_uint_eq(kills.len, 0);
    CHECK_OK(draco_cells_add(&c, (struct draco_cell){4088, 8, 0, 7}));
    CHECK_OK(draco_cells_add(&c, (struct draco_cell){4088, 8, 0, 7}));
    ck_assert_uint_eq(draco_cells_count(&c), 1);
    uint32_t v = 0;
    CHECK1(draco_cells_find_exact(&c, 4088, 8, 0, &v) && v == 7);
    CHECK1(!draco_cells_find_exact(&c, 4088, 4, 0, &v));
    CHECK1(!draco_cells_find_exact(&c, 4088, 8, 1, &v));
    CHECK1(draco_cells_is_numeric(&c, 4088, 4096));
    CHECK1(!draco_cells_is_numeric(&c, 4087, 4096));
    CHECK1(!draco_cells_is_numeric(&c, 4088, 4097));
    ck_assert_uint_eq(draco_cells_numeric_run(&c, 4090), 6);
    ck_assert_uint_eq(draco_cells_numeric_run(&c, 4000), 0);
    /* a 2-byte store in the middle splits the numeric cell: [4088,4090) and [4092,4096) survive */
    CHECK_OK(draco_cells_store_strong(&c, 4090, 2, true, &kills));
    ck_assert_uint_eq(kills.len, 1);
    ck_assert_uint_eq(kills.data[0].cell.var, 7);
    ck_assert_uint_eq(kills.data[0].lo_size, 2);
    ck_assert_int_eq(kills.data[0].hi_offset, 4092);
    ck_assert_uint_eq(kills.data[0].hi_size, 4);
    ck_assert_uint_eq(draco_cells_count(&c), 0);
    CHECK1(draco_cells_is_numeric(&c, 4088, 4096));
    /* spill a pointer: bytes not numeric */
    kills.len = 0;
    CHECK_OK(draco_cells_add(&c, (struct draco_cell){4080, 8, 1, 9}));
    CHECK_OK(draco_cells_add(&c, (struct draco_cell){4072, 4, 0, 10}));
    CHECK_OK(draco_cells_store_strong(&c, 4080, 8, false, &kills));
    ck_assert_uint_eq(kills.len, 1);
    ck_assert_uint_eq(kills.data[0].lo_size + kills.data[0].hi_size, 0);
    /* overlap queries */
    draco_cell_vec ov = {0};
    CHECK_OK(draco_cells_find_overlapping(&c, 4070, 4073, &ov));
    ck_assert_uint_eq(ov.len, 1);
    ck_assert_uint_eq(ov.data[0].var, 10);
    ov.len = 0;
    CHECK_OK(draco_cells_find_overlapping(&c, 4076, 4080, &ov));
    ck_assert_uint_eq(ov.len, 0);
    /* a weak store of a pointer somewhere in [4000, 4092) clears the bytes and kills the cell */
    kills.len = 0;
    CHECK_OK(draco_cells_store_weak(&c, 4000, 4092, false, &kills));
    ck_assert_uint_eq(kills.len, 1);
    CHECK1(!draco_cells_is_numeric(&c, 4090, 4092));
    CHECK1(draco_cells_is_numeric(&c, 4092, 4096));
    ck_assert_int_eq(draco_cells_set_numeric(&c, 4090, 4097), DRACO_ERR_INVALID);
    ck_assert_int_eq(draco_cells_add(&c, (struct draco_cell){1, 0, 0, 0}), DRACO_ERR_INVALID);
    ck_assert_int_eq(draco_cells_add(&c, (struct draco_cell){INT32_MAX, 2, 0, 0}), DRACO_ERR_INVALID);
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_cells_add(&c, (struct draco_cell){4092, 4, 2, 3});
    draco_cells_print(&c, &sb);
    ck_assert_str_eq(draco_sb_str(&sb), "numeric: [4092,4096)\n[4092...4095].k2=v3\n");
    draco_sb_fini(&sb);
    draco_vec_free(&ov);
    draco_vec_free(&kills);
    draco_cells_fini(&c);
}
END_TEST

START_TEST(test_packet_cells)
{
    /* packet cells: no bitmap, offsets unbounded */
    struct draco_cells p, q;
    draco_cells_init_top(&p, 0);
    CHECK_OK(draco_cells_add(&p, (struct draco_cell){23, 1, 0, 1}));     /* ip->protocol */
    CHECK_OK(draco_cells_add(&p, (struct draco_cell){12, 2, 0, 2}));     /* eth proto */
    CHECK_OK(draco_cells_add(&p, (struct draco_cell){70000, 4, 0, 3}));
    CHECK1(!draco_cells_is_numeric(&p, 0, 1));
    ck_assert_int_eq(draco_cells_set_numeric(&p, 0, 1), DRACO_ERR_INVALID);
    draco_cells_copy(&q, &p);
    draco_cell_kill_vec kills = {0};
    /* a packet-resizing helper kills everything */
    CHECK_OK(draco_cells_kill(&q, INT32_MIN, (int64_t)INT32_MAX + 1, &kills));
    ck_assert_uint_eq(kills.len, 3);
    ck_assert_uint_eq(draco_cells_count(&q), 0);
    ck_assert_uint_eq(draco_cells_count(&p), 3);   /* copy-on-write */
    struct draco_cells j = join_of(&p, &q);
    CHECK1(draco_cells_is_top(&j));
    CHECK1(draco_cells_leq(&p, &q) && !draco_cells_leq(&q, &p));
    struct draco_cells bad;
    draco_cells_init_top(&bad, 8);
    ck_assert_int_eq(draco_cells_join_into(&j, &bad), DRACO_ERR_INVALID);
    draco_vec_free(&kills);
    draco_cells_fini(&p);
    draco_cells_fini(&q);
    draco_cells_fini(&j);
    draco_cells_fini(&bad);
}
END_TEST

/* ---- property tests ---- */

static uint32_t rand_nbytes(uint64_t *s)
{
    static const uint32_t sizes[] = {64, 100, 128, 200, 256};
    return sizes[rng_below(s, DRACO_ARRAY_LEN(sizes))];
}

START_TEST(prop_model)
{
    uint64_t s = (uint64_t)_i * 7919u + 13;
    struct draco_cells c, cp;
    struct model *m = malloc(sizeof *m);
    rand_state(&s, rand_nbytes(&s), &c, m, _i);
    check_model(&c, m, _i);
    /* keep going on a copy: the original must not move */
    struct model *snap = malloc(sizeof *snap);
    *snap = *m;
    draco_cells_copy(&cp, &c);
    rand_ops(&s, &cp, m, 20, _i);
    check_model(&c, snap, _i);
    /* overlap queries against brute force */
    for (int k = 0; k < 10 && !m->bottom; k++) {
        int64_t lo, hi;
        rand_range(&s, m->nbytes, &lo, &hi);
        draco_cell_vec ov = {0};
        CHECK_OK(draco_cells_find_overlapping(&cp, lo, hi, &ov));
        size_t want = 0;
        for (size_t i = 0; i < m->ncells; i++)
            want += overl(&m->cells[i], lo, hi);
        CHECK(ov.len == want, "seed %d: overlap count", _i);
        for (size_t i = 0; i < ov.len; i++)
            CHECK1(overl(&ov.data[i], lo, hi) && model_has(m, &ov.data[i]));
        for (size_t i = 0; i < m->ncells; i++) {
            uint32_t v;
            const struct draco_cell *x = &m->cells[i];
            CHECK1(draco_cells_find_exact(&cp, x->offset, x->size, x->kind, &v));
            struct draco_cell y = *x;
            y.var = v;
            CHECK1(model_has(m, &y));
        }
        draco_vec_free(&ov);
    }
    free(m);
    free(snap);
    draco_cells_fini(&c);
    draco_cells_fini(&cp);
}
END_TEST

START_TEST(prop_lattice_laws)
{
    uint64_t s = (uint64_t)_i * 104729u + 17;
    uint32_t nb = rand_nbytes(&s);
    struct draco_cells a, b, c;
    struct model *ma = malloc(sizeof *ma), *mb = malloc(sizeof *mb), *mc = malloc(sizeof *mc);
    rand_state(&s, nb, &a, ma, _i);
    rand_state(&s, nb, &b, mb, _i);
    if (rng_below(&s, 4) == 0) {   /* related states: b derived from a (shared buffers) */
        draco_cells_assign_state(&b, &a);
        *mb = *ma;
        rand_ops(&s, &b, mb, rng_below(&s, 5), _i);
    }
    rand_state(&s, nb, &c, mc, _i);
    struct draco_cells ab = join_of(&a, &b), ba = join_of(&b, &a), aa = join_of(&a, &a);
    CHECK(draco_cells_is_equal(&ab, &ba), "seed %d: join not commutative", _i);
    CHECK(draco_cells_is_equal(&aa, &a), "seed %d: join not idempotent", _i);
    CHECK(draco_cells_leq(&a, &ab) && draco_cells_leq(&b, &ab), "seed %d: a !<= a|b", _i);
    struct draco_cells ab_c = join_of(&ab, &c), bc = join_of(&b, &c), a_bc = join_of(&a, &bc);
    CHECK(draco_cells_is_equal(&ab_c, &a_bc), "seed %d: join not associative", _i);
    struct draco_cells mab = meet_of(&a, &b), mba = meet_of(&b, &a), maa = meet_of(&a, &a);
    CHECK(draco_cells_is_equal(&mab, &mba), "seed %d: meet not commutative", _i);
    CHECK(draco_cells_is_equal(&maa, &a), "seed %d: meet not idempotent", _i);
    CHECK(draco_cells_leq(&mab, &a) && draco_cells_leq(&mab, &b), "seed %d: a&b !<= a", _i);
    struct draco_cells mab_c = meet_of(&mab, &c), mbc = meet_of(&b, &c), ma_bc = meet_of(&a, &mbc);
    CHECK(draco_cells_is_equal(&mab_c, &ma_bc), "seed %d: meet not associative", _i);
    struct draco_cells abs1 = join_of(&a, &mab), abs2 = meet_of(&a, &ab);
    CHECK(draco_cells_is_equal(&abs1, &a) && draco_cells_is_equal(&abs2, &a), "seed %d: absorption", _i);
    CHECK(draco_cells_leq(&a, &b) == draco_cells_is_equal(&ab, &b), "seed %d: leq/join", _i);
    /* soundness of the bitmap and cell rules, byte by byte and cell by cell */
    if (!ma->bottom && !mb->bottom) {
        for (uint32_t x = 0; x < nb; x++) {
            bool in_j = draco_cells_is_numeric(&ab, x, x + 1), in_m = draco_cells_is_numeric(&mab, x, x + 1);
            CHECK(in_j == (ma->num[x] && mb->num[x]), "seed %d: join byte %u", _i, x);
            CHECK(in_m == (ma->num[x] || mb->num[x]), "seed %d: meet byte %u", _i, x);
        }
        for (size_t i = 0; i < draco_cells_count(&ab); i++)
            CHECK(model_has(ma, draco_cells_at(&ab, i)) && model_has(mb, draco_cells_at(&ab, i)),
                          "seed %d: join cell not on both sides", _i);
        for (size_t i = 0; i < draco_cells_count(&mab); i++)
            CHECK1(model_has(ma, draco_cells_at(&mab, i)) || model_has(mb, draco_cells_at(&mab, i)));
        CHECK1(draco_cells_count(&mab) + draco_cells_count(&ab) == ma->ncells + mb->ncells);
    }
    /* top and bottom */
    struct draco_cells top, bot;
    draco_cells_init_top(&top, nb);
    draco_cells_init_bottom(&bot, nb);
    struct draco_cells jt = join_of(&a, &top), mt = meet_of(&a, &top), jb = join_of(&a, &bot),
                       jb2 = join_of(&bot, &a), mb2 = meet_of(&a, &bot);
    CHECK(draco_cells_is_top(&jt), "seed %d: a|top", _i);
    CHECK(draco_cells_is_equal(&mt, &a), "seed %d: a&top", _i);
    CHECK(draco_cells_is_equal(&jb, &a) && draco_cells_is_equal(&jb2, &a), "seed %d: a|bot", _i);
    CHECK(draco_cells_is_bottom(&mb2), "seed %d: a&bot", _i);
    CHECK1(draco_cells_leq(&bot, &a) && draco_cells_leq(&a, &top));
    struct draco_cells *all[] = {&a, &b, &c, &ab, &ba, &aa, &ab_c, &bc, &a_bc, &mab, &mba, &maa, &mab_c,
                                 &mbc, &ma_bc, &abs1, &abs2, &top, &bot, &jt, &mt, &jb, &jb2, &mb2};
    for (size_t i = 0; i < DRACO_ARRAY_LEN(all); i++)
        draco_cells_fini(all[i]);
    free(ma);
    free(mb);
    free(mc);
}
END_TEST

START_TEST(prop_widen_stabilises)
{
    uint64_t s = (uint64_t)_i * 2654435761u + 19;
    uint32_t nb = rand_nbytes(&s);
    struct model *m = malloc(sizeof *m);
    struct draco_cells x;
    rand_state(&s, nb, &x, m, _i);
    if (m->bottom) {   /* start from something to lose */
        draco_cells_fini(&x);
        draco_cells_init_top(&x, nb);
    }
    size_t bound = nb + draco_cells_count(&x) + 1, strict = 0;
    for (unsigned k = 0; k < 40; k++) {
        struct draco_cells r, next;
        rand_state(&s, nb, &r, m, _i);
        if (rng_below(&s, 2)) {   /* a perturbed copy of x, as in a loop */
            draco_cells_assign_state(&r, &x);
            memset(m, 0, sizeof *m);
            m->nbytes = nb;
        }
        draco_cells_copy(&next, &x);
        CHECK_OK(draco_cells_widen_into(&next, &r));
        CHECK(draco_cells_leq(&x, &next) && draco_cells_leq(&r, &next), "seed %d: widen bound", _i);
        strict += !draco_cells_leq(&next, &x);
        draco_cells_assign_state(&x, &next);
        draco_cells_fini(&next);
        draco_cells_fini(&r);
    }
    CHECK(strict <= bound, "seed %d: %zu strict increases", _i, strict);
    struct draco_cells n2;
    draco_cells_copy(&n2, &x);
    CHECK_OK(draco_cells_narrow_into(&n2, &x));
    CHECK1(draco_cells_is_equal(&n2, &x));
    draco_cells_fini(&n2);
    draco_cells_fini(&x);
    free(m);
}
END_TEST

extern Suite *draco_suite_domains_cells(void);
Suite *draco_suite_domains_cells(void)
{
    Suite *s = suite_create("domains_cells");
    TCase *tc = tcase_create("units");
    tcase_add_test(tc, test_stack_scenario);
    tcase_add_test(tc, test_packet_cells);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("properties");
    tcase_set_timeout(tp, 120);
    tcase_add_loop_test(tp, prop_model, 0, 2000);
    tcase_add_loop_test(tp, prop_lattice_laws, 0, 2000);
    tcase_add_loop_test(tp, prop_widen_stabilises, 0, 1000);
    suite_add_tcase(s, tp);
    return s;
}
