/* SPDX-License-Identifier: MIT */
/* Tests for lib/util: arena, vectors, string builder, errors. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "util/util.h"

START_TEST(test_arena)
{
    struct draco_arena a;
    draco_arena_init(&a);
    char *p = draco_arena_alloc(&a, 10);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(((uintptr_t)p) % 16, 0);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(p[i], 0);
    void *big = draco_arena_alloc(&a, 1 << 20);
    ck_assert_ptr_nonnull(big);
    char *q = draco_arena_alloc(&a, 8);
    ck_assert_ptr_nonnull(q);
    ck_assert_str_eq(draco_arena_printf(&a, "x%dy", 42), "x42y");
    ck_assert_str_eq(draco_arena_strndup(&a, "hello", 3), "hel");
    draco_arena_fini(&a);
}
END_TEST

START_TEST(test_vec)
{
    DRACO_VEC(int) v = {0};
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(draco_vec_push(&v, i), 0);
    ck_assert_uint_eq(v.len, 1000);
    ck_assert_int_eq(v.data[999], 999);
    draco_vec_free(&v);
    ck_assert_ptr_null(v.data);
}
END_TEST

START_TEST(test_sb)
{
    struct draco_sb sb;
    draco_sb_init(&sb);
    ck_assert_str_eq(draco_sb_str(&sb), "");
    draco_sb_printf(&sb, "%s=%d", "a", 5);
    draco_sb_putc(&sb, ' ');
    draco_sb_json_str(&sb, "q\"\n\x01");
    ck_assert_str_eq(draco_sb_str(&sb), "a=5 \"q\\\"\\n\\u0001\"");
    draco_sb_fini(&sb);
}
END_TEST

START_TEST(test_error_first_wins)
{
    draco_error e = {0};
    ck_assert_int_eq(draco_error_set(&e, DRACO_ERR_INVALID, "first %d", 1), DRACO_ERR_INVALID);
    draco_error_set(&e, DRACO_ERR_LIMIT, "second");
    ck_assert_int_eq(e.status, DRACO_ERR_INVALID);
    ck_assert_str_eq(e.message, "first 1");
    ck_assert_int_eq(draco_error_set(NULL, DRACO_ERR_NOMEM, "x"), DRACO_ERR_NOMEM);
    ck_assert_str_eq(draco_status_str(DRACO_ERR_NOMEM), "out of memory");
}
END_TEST

Suite *draco_suite_util(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_arena);
    tcase_add_test(tc, test_vec);
    tcase_add_test(tc, test_sb);
    tcase_add_test(tc, test_error_first_wins);
    suite_add_tcase(s, tc);
    return s;
}
