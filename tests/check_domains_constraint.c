/* SPDX-License-Identifier: MIT */
/* Tests for domains/constraint: every syntax form parses to the expected structure and prints
 * back canonically (print -> parse -> print is stable); bad input is refused with the byte
 * offset of the problem; constraint sets decide entailment and equivalence through the zone
 * and the type sets (both directions, bottom, type equalities, excluded values).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domains/constraint.h"

/* text, kind, lhs, rhs, canonical print */
static const struct {
    const char *text;
    enum draco_constraint_kind kind;
    const char *lhs, *rhs, *canon;
} good[] = {
    { "_|_", DRACO_CONSTRAINT_BOTTOM, "", "", "_|_" },
    { "r1.svalue=[0, 10]", DRACO_CONSTRAINT_ITV, "r1.svalue", "", "r1.svalue=[0, 10]" },
    { "r1.svalue=[0,10]", DRACO_CONSTRAINT_ITV, "r1.svalue", "", "r1.svalue=[0, 10]" },
    { " r1.svalue = [ -5 , 7 ] ", DRACO_CONSTRAINT_ITV, "r1.svalue", "", "r1.svalue=[-5, 7]" },
    { "r1.uvalue=[1, +oo]", DRACO_CONSTRAINT_ITV, "r1.uvalue", "", "r1.uvalue=[1, +oo]" },
    { "r1.svalue=[-oo, 3]", DRACO_CONSTRAINT_ITV, "r1.svalue", "", "r1.svalue=[-oo, 3]" },
    { "r1.svalue=5", DRACO_CONSTRAINT_ITV, "r1.svalue", "", "r1.svalue=5" },
    { "r1.svalue=-9223372036854775807", DRACO_CONSTRAINT_ITV, "r1.svalue", "",
      "r1.svalue=-9223372036854775807" },
    { "r1.uvalue=18446744073709551615", DRACO_CONSTRAINT_ITV, "r1.uvalue", "",
      "r1.uvalue=18446744073709551615" },
    { "packet_size=[0, 65534]", DRACO_CONSTRAINT_ITV, "packet_size", "", "packet_size=[0, 65534]" },
    { "meta_offset=0", DRACO_CONSTRAINT_ITV, "meta_offset", "", "meta_offset=0" },
    { "pc[3]=[0, 5]", DRACO_CONSTRAINT_ITV, "pc[3]", "", "pc[3]=[0, 5]" },
    { "pc[0/3]=1", DRACO_CONSTRAINT_ITV, "pc[0/3]", "", "pc[0/3]=1" },
    { "s[504...511].svalue=3", DRACO_CONSTRAINT_ITV, "s[504...511].svalue", "",
      "s[504...511].svalue=3" },
    { "s[511].uvalue=0", DRACO_CONSTRAINT_ITV, "s[511].uvalue", "", "s[511].uvalue=0" },
    { "x=[5, 2]", DRACO_CONSTRAINT_ITV, "x", "", "x=_|_" },
    { "x=_|_", DRACO_CONSTRAINT_ITV, "x", "", "x=_|_" },
    { "r1.svalue<=4", DRACO_CONSTRAINT_ITV, "r1.svalue", "", "r1.svalue=[-oo, 4]" },
    { "r1.svalue>=4", DRACO_CONSTRAINT_ITV, "r1.svalue", "", "r1.svalue=[4, +oo]" },
    { "r1.svalue!=6", DRACO_CONSTRAINT_NEQ, "r1.svalue", "", "r1.svalue!=6" },
    { "r1.svalue=r2.svalue", DRACO_CONSTRAINT_VAR, "r1.svalue", "r2.svalue", "r1.svalue=r2.svalue" },
    { "r1.uvalue=r1.svalue", DRACO_CONSTRAINT_VAR, "r1.uvalue", "r1.svalue", "r1.uvalue=r1.svalue" },
    { "r1.svalue=r2.uvalue+4", DRACO_CONSTRAINT_VAR, "r1.svalue", "r2.uvalue",
      "r1.svalue=r2.uvalue+4" },
    { "r1.svalue=r2.uvalue - 4", DRACO_CONSTRAINT_VAR, "r1.svalue", "r2.uvalue",
      "r1.svalue=r2.uvalue-4" },
    { "r2.packet_offset=packet_size", DRACO_CONSTRAINT_VAR, "r2.packet_offset", "packet_size",
      "r2.packet_offset=packet_size" },
    { "pc[2]=r1.svalue+1", DRACO_CONSTRAINT_VAR, "pc[2]", "r1.svalue", "pc[2]=r1.svalue+1" },
    { "r1.svalue=pc[0/3]", DRACO_CONSTRAINT_VAR, "r1.svalue", "pc[0/3]", "r1.svalue=pc[0/3]" },
    { "r2.packet_offset-r1.packet_offset<=4", DRACO_CONSTRAINT_DIFF, "r2.packet_offset",
      "r1.packet_offset", "r2.packet_offset-r1.packet_offset<=4" },
    { "r1.svalue - r2.svalue <= -5", DRACO_CONSTRAINT_DIFF, "r1.svalue", "r2.svalue",
      "r1.svalue-r2.svalue<=-5" },
    { "packet_size-r1.packet_offset<=0", DRACO_CONSTRAINT_DIFF, "packet_size", "r1.packet_offset",
      "packet_size-r1.packet_offset<=0" },
    { "r1.type=packet", DRACO_CONSTRAINT_TYPES, "r1.type", "", "r1.type=packet" },
    { "r1.type=number", DRACO_CONSTRAINT_TYPES, "r1.type", "", "r1.type=number" },
    { "r1.type in {number, packet}", DRACO_CONSTRAINT_TYPES, "r1.type", "",
      "r1.type in {number, packet}" },
    { "r1.type in {packet, number}", DRACO_CONSTRAINT_TYPES, "r1.type", "",
      "r1.type in {number, packet}" },
    { "r1.type in {map_fd_programs}", DRACO_CONSTRAINT_TYPES, "r1.type", "",
      "r1.type=map_fd_programs" },
    { "s[504...511].type=number", DRACO_CONSTRAINT_TYPES, "s[504...511].type", "",
      "s[504...511].type=number" },
    { "r1.type=r2.type", DRACO_CONSTRAINT_TYPE_EQ, "r1.type", "r2.type", "r1.type=r2.type" },
};

START_TEST(test_parse_good)
{
    struct draco_constraint c;
    draco_constraint_init(&c);
    draco_error err = {0};
    size_t pos = 999;
    ck_assert_msg(draco_constraint_parse(good[_i].text, &c, &pos, &err) == DRACO_OK, "'%s': %s",
                  good[_i].text, err.message);
    ck_assert_int_eq(c.kind, good[_i].kind);
    ck_assert_str_eq(c.lhs, good[_i].lhs);
    ck_assert_str_eq(c.rhs, good[_i].rhs);
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_constraint_print(&c, &sb);
    ck_assert_str_eq(draco_sb_str(&sb), good[_i].canon);
    /* the canonical text parses to the same print */
    struct draco_constraint d;
    draco_constraint_init(&d);
    ck_assert(draco_constraint_parse(draco_sb_str(&sb), &d, NULL, NULL) == DRACO_OK);
    struct draco_sb sb2;
    draco_sb_init(&sb2);
    draco_constraint_print(&d, &sb2);
    ck_assert_str_eq(draco_sb_str(&sb2), good[_i].canon);
    draco_sb_fini(&sb);
    draco_sb_fini(&sb2);
    draco_constraint_fini(&c);
    draco_constraint_fini(&d);
}
END_TEST

START_TEST(test_parse_values)
{
    struct draco_constraint c;
    draco_constraint_init(&c);
    ck_assert(draco_constraint_parse("r1.svalue=[-3, 9]", &c, NULL, NULL) == DRACO_OK);
    ck_assert_int_eq(draco_num_cmp_i64(&c.itv.lb, -3), 0);
    ck_assert_int_eq(draco_num_cmp_i64(&c.itv.ub, 9), 0);
    ck_assert(draco_constraint_parse("a-b<=-7", &c, NULL, NULL) == DRACO_OK);
    ck_assert_int_eq(draco_num_cmp_i64(&c.k, -7), 0);
    ck_assert(draco_constraint_parse("a=b-7", &c, NULL, NULL) == DRACO_OK);
    ck_assert_int_eq(draco_num_cmp_i64(&c.k, -7), 0);
    ck_assert(draco_constraint_parse("r0.type in {ctx, stack, packet, shared}", &c, NULL, NULL) ==
              DRACO_OK);
    ck_assert_uint_eq(c.types, DRACO_TS_PTR);
    ck_assert(draco_constraint_parse("r0.type in {}", &c, NULL, NULL) == DRACO_OK);
    ck_assert_uint_eq(c.types, 0);
    draco_constraint_fini(&c);
}
END_TEST

/* text, byte offset of the error */
static const struct {
    const char *text;
    size_t pos;
} bad[] = {
    { "", 0 },
    { "   ", 3 },
    { "=5", 0 },
    { "r1.svalue=", 10 },
    { "r1.svalue=[0, 10", 10 },
    { "r1.svalue=[0 10]", 10 },
    { "r1.svalue=5 6", 12 },
    { "r1.svalue==5", 10 },
    { "r1.type=banana", 8 },
    { "r1.type in {number, banana}", 20 },
    { "r1.type in {number packet}", 19 },
    { "r1.type in number", 11 },
    { "r1.svalue in {number}", 12 },
    { "r1.type=5", 8 },
    { "r1.svalue=number", 10 },
    { "r1.svalue=r2.type", 10 },
    { "r1.svalue-r2.svalue<4", 19 },
    { "r1.svalue-r2.svalue<=x", 21 },
    { "r1.svalue-r2.type<=4", 17 },
    { "r1.type-r2.type<=4", 15 },
    { "s[504...511.type=number", 1 },
    { "r1.svalue=r2.svalue+", 20 },
    { "r1.svalue!=r2", 11 },
    { "r1.svalue ~ 5", 10 },
    { "_|_ x", 4 },
};

START_TEST(test_parse_bad)
{
    struct draco_constraint c;
    draco_constraint_init(&c);
    draco_error err = {0};
    size_t pos = 999;
    ck_assert_msg(draco_constraint_parse(bad[_i].text, &c, &pos, &err) == DRACO_ERR_INVALID,
                  "'%s' accepted", bad[_i].text);
    ck_assert_msg(pos == bad[_i].pos, "'%s': error at %zu (%s), want %zu", bad[_i].text, pos,
                  err.message, bad[_i].pos);
    char want[32];
    snprintf(want, sizeof want, "at %zu: ", bad[_i].pos);
    ck_assert_msg(strncmp(err.message, want, strlen(want)) == 0, "%s", err.message);
    ck_assert_int_eq(c.kind, DRACO_CONSTRAINT_BOTTOM);
    draco_constraint_fini(&c);
}
END_TEST

static void add_all(struct draco_cset *cs, const char *const *v)
{
    for (; *v; v++) {
        draco_error err = {0};
        ck_assert_msg(draco_cset_add_str(cs, *v, &err) == DRACO_OK, "%s", err.message);
    }
}

/* every constraint of b is entailed by a */
static bool entails_all(struct draco_cset *a, const char *const *b)
{
    for (; *b; b++) {
        struct draco_constraint c;
        draco_constraint_init(&c);
        ck_assert(draco_constraint_parse(*b, &c, NULL, NULL) == DRACO_OK);
        bool ok = draco_cset_entails(a, &c);
        draco_constraint_fini(&c);
        if (!ok)
            return false;
    }
    return true;
}

static bool equivalent(const char *const *a, const char *const *b)
{
    struct draco_cset ca, cb;
    draco_cset_init(&ca);
    draco_cset_init(&cb);
    add_all(&ca, a);
    add_all(&cb, b);
    bool r = entails_all(&ca, b) && entails_all(&cb, a);
    draco_cset_fini(&ca);
    draco_cset_fini(&cb);
    return r;
}

START_TEST(test_equivalence)
{
    /* an interval and an equality against an equal interval: same meaning, other text */
    static const char *const a1[] = { "r1.type=number", "r1.svalue=[10, 15]",
                                      "r1.uvalue=r1.svalue", NULL };
    static const char *const b1[] = { "r1.type=number", "r1.uvalue=[10, 15]", "r1.svalue=r1.uvalue",
                                      "r1.svalue=[10, 15]", NULL };
    ck_assert(equivalent(a1, b1));
    /* without the relation it is weaker */
    static const char *const c1[] = { "r1.type=number", "r1.svalue=[10, 15]",
                                      "r1.uvalue=[10, 15]", NULL };
    ck_assert(!equivalent(a1, c1));
    /* singleton intervals imply the equality */
    static const char *const a2[] = { "r1.svalue=5", "r1.uvalue=5", NULL };
    static const char *const b2[] = { "r1.svalue=5", "r1.uvalue=r1.svalue", NULL };
    ck_assert(equivalent(a2, b2));
    /* transitivity of differences */
    static const char *const a3[] = { "a-b<=1", "b-c<=2", "a-c<=3", NULL };
    static const char *const b3[] = { "a-b<=1", "b-c<=2", NULL };
    ck_assert(equivalent(a3, b3));
    static const char *const c3[] = { "a-b<=1", "b-c<=2", "a-c<=2", NULL };
    ck_assert(!equivalent(c3, b3));
    /* type sets: order does not matter, a smaller set is stronger */
    static const char *const a4[] = { "r1.type in {packet, stack}", NULL };
    static const char *const b4[] = { "r1.type in {stack, packet}", NULL };
    static const char *const c4[] = { "r1.type=packet", NULL };
    ck_assert(equivalent(a4, b4));
    ck_assert(!equivalent(a4, c4));
    /* type equalities */
    static const char *const a5[] = { "r1.type=r2.type", "r2.type in {ctx, shared}", NULL };
    static const char *const b5[] = { "r2.type=r1.type", "r1.type in {ctx, shared}", NULL };
    ck_assert(equivalent(a5, b5));
    static const char *const a6[] = { "r1.type=number", "r2.type=number", NULL };
    static const char *const b6[] = { "r1.type=number", "r2.type=number", "r1.type=r2.type", NULL };
    ck_assert(equivalent(a6, b6));
    /* bottom: contradictions are bottom and equivalent to _|_ */
    static const char *const a7[] = { "_|_", NULL };
    static const char *const b7[] = { "r1.svalue=[0, 1]", "r1.svalue=[5, 6]", NULL };
    static const char *const c7[] = { "r1.type=number", "r1.type=packet", NULL };
    static const char *const d7[] = { "r1.svalue=[0, 1]", NULL };
    ck_assert(equivalent(a7, b7));
    ck_assert(equivalent(a7, c7));
    ck_assert(!equivalent(a7, d7));
    /* top */
    static const char *const e[] = { NULL };
    ck_assert(equivalent(e, e));
    ck_assert(!equivalent(e, d7));
    /* excluded values */
    static const char *const a8[] = { "r1.svalue=[0, 10]", "r1.svalue!=5", NULL };
    static const char *const b8[] = { "r1.svalue=[0, 10]", NULL };
    ck_assert(!equivalent(a8, b8));
    static const char *const c8[] = { "r1.svalue=[0, 10]", "r1.svalue!=0", NULL };
    static const char *const d8[] = { "r1.svalue=[1, 10]", NULL };
    ck_assert(equivalent(c8, d8));
    /* large unsigned values */
    static const char *const a9[] = { "r1.svalue=-1", "r1.uvalue=18446744073709551615", NULL };
    static const char *const b9[] = { "r1.uvalue=18446744073709551615", "r1.svalue=-1", NULL };
    ck_assert(equivalent(a9, b9));
    static const char *const c9[] = { "r1.uvalue=[1, +oo]", "pc[0/3]=[1, 5]", NULL };
    static const char *const d9[] = { "pc[0/3]=[1, 5]", "r1.uvalue=[1, +oo]", NULL };
    ck_assert(equivalent(c9, d9));
}
END_TEST

START_TEST(test_entails_unknown)
{
    struct draco_cset cs;
    draco_cset_init(&cs);
    struct draco_constraint c;
    draco_constraint_init(&c);
    ck_assert(draco_constraint_parse("x=[0, 3]", &c, NULL, NULL) == DRACO_OK);
    ck_assert(!draco_cset_entails(&cs, &c));
    ck_assert(draco_constraint_parse("x=[-oo, +oo]", &c, NULL, NULL) == DRACO_OK);
    ck_assert(draco_cset_entails(&cs, &c));
    ck_assert(draco_constraint_parse("x=x", &c, NULL, NULL) == DRACO_OK);
    ck_assert(draco_cset_entails(&cs, &c));
    ck_assert(draco_constraint_parse("_|_", &c, NULL, NULL) == DRACO_OK);
    ck_assert(!draco_cset_entails(&cs, &c));
    ck_assert(!draco_cset_is_bottom(&cs));
    ck_assert(draco_cset_add(&cs, &c) == DRACO_OK);
    ck_assert(draco_cset_is_bottom(&cs));
    ck_assert(draco_cset_entails(&cs, &c));
    draco_constraint_fini(&c);
    draco_cset_fini(&cs);
}
END_TEST


/* a state printed by draco_cset_print() parses back to an equivalent state */
static const char *const *const print_sets[] = {
    (const char *const[]){ "r1.type=number", "r1.svalue=[10, 15]", "r1.uvalue=r1.svalue", NULL },
    (const char *const[]){ "r1.type in {packet, stack}", "r2.type=r1.type", "r3.type=number",
                           "r2.packet_offset-r1.packet_offset<=4", "packet_size=[0, 65534]", NULL },
    (const char *const[]){ "s[504...511].type=number", "s[504...511].svalue=3", "pc[3]=[0, 5]",
                           "r0.svalue=pc[3]", "meta_offset=0", NULL },
    (const char *const[]){ "r1.svalue=[0, 10]", "r1.svalue!=5", "r1.uvalue=[1, +oo]", NULL },
    (const char *const[]){ "r1.svalue=[0, 1]", "r1.svalue=[3, 4]", NULL },
    (const char *const[]){ "_|_", NULL },
    (const char *const[]){ NULL },
};

START_TEST(test_cset_print_roundtrip)
{
    struct draco_cset a, b;
    draco_cset_init(&a);
    draco_cset_init(&b);
    add_all(&a, print_sets[_i]);
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_cset_print(&a, &sb);
    /* parse each printed line back */
    char *copy = strdup(draco_sb_str(&sb));
    ck_assert_ptr_nonnull(copy);
    const char *lines[64];
    size_t n = 0;
    for (char *t = strtok(copy, "\n"); t && n < 63; t = strtok(NULL, "\n"))
        lines[n++] = t;
    lines[n] = NULL;
    add_all(&b, lines);
    ck_assert_msg(entails_all(&a, lines), "%s", draco_sb_str(&sb));
    ck_assert_msg(entails_all(&b, print_sets[_i]), "%s", draco_sb_str(&sb));
    ck_assert(draco_cset_is_bottom(&a) == draco_cset_is_bottom(&b));
    free(copy);
    draco_sb_fini(&sb);
    draco_cset_fini(&a);
    draco_cset_fini(&b);
}
END_TEST

START_TEST(test_cset_print_text)
{
    struct draco_cset a;
    draco_cset_init(&a);
    static const char *const v[] = { "r1.type=number", "r1.svalue=[0, 10]", "r2.type=r1.type", NULL };
    add_all(&a, v);
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_cset_print(&a, &sb);
    ck_assert_str_eq(draco_sb_str(&sb), "r1.svalue=[0, 10]\nr1.type=number\nr2.type=r1.type\n");
    draco_sb_fini(&sb);
    draco_cset_fini(&a);
}
END_TEST

/* random mutations of valid constraints: the parser never crashes, and what it accepts prints
 * to text it accepts again (seed = loop index) */
START_TEST(test_parse_mutations)
{
    uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(_i + 1);
    static const char alphabet[] = "rs0123456789[].=-<>!{}, +o_|typeinumbrcktpackt";
    for (int round = 0; round < 200; round++) {
        char buf[96];
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        snprintf(buf, sizeof buf, "%s", good[x % DRACO_ARRAY_LEN(good)].text);
        size_t len = strlen(buf);
        for (int m = 0; m < 3 && len; m++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            size_t pos = (size_t)(x >> 8) % len;
            switch (x % 3) {
            case 0: buf[pos] = alphabet[(x >> 20) % (sizeof alphabet - 1)]; break;
            case 1: memmove(buf + pos, buf + pos + 1, len - pos); len--; break;
            default: buf[pos] = '\0'; len = pos; break;
            }
        }
        struct draco_constraint c;
        draco_constraint_init(&c);
        size_t pos = 0;
        if (draco_constraint_parse(buf, &c, &pos, NULL) == DRACO_OK) {
            struct draco_sb sb;
            draco_sb_init(&sb);
            draco_constraint_print(&c, &sb);
            ck_assert_msg(draco_constraint_parse(draco_sb_str(&sb), &c, NULL, NULL) == DRACO_OK,
                          "seed %d: '%s' -> '%s'", _i, buf, draco_sb_str(&sb));
            draco_sb_fini(&sb);
        } else {
            ck_assert_msg(pos <= strlen(buf), "seed %d: '%s' error at %zu", _i, buf, pos);
        }
        draco_constraint_fini(&c);
    }
}
END_TEST

extern Suite *draco_suite_domains_constraint(void);
Suite *draco_suite_domains_constraint(void)
{
    Suite *s = suite_create("domains_constraint");
    TCase *tc = tcase_create("constraint");
    tcase_add_loop_test(tc, test_parse_good, 0, (int)DRACO_ARRAY_LEN(good));
    tcase_add_test(tc, test_parse_values);
    tcase_add_loop_test(tc, test_parse_bad, 0, (int)DRACO_ARRAY_LEN(bad));
    tcase_add_test(tc, test_equivalence);
    tcase_add_test(tc, test_entails_unknown);
    tcase_add_loop_test(tc, test_cset_print_roundtrip, 0, (int)DRACO_ARRAY_LEN(print_sets));
    tcase_add_test(tc, test_cset_print_text);
    tcase_add_loop_test(tc, test_parse_mutations, 0, 50);
    suite_add_tcase(s, tc);
    return s;
}
