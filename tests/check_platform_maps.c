/* SPDX-License-Identifier: MIT */
/* Tests for lib/platform: the Linux map type table and legacy map-definition records. */
#include <check.h>
#include <string.h>
#include "platform/linux_platform.h"

static const struct draco_platform *pl(void) { return draco_platform_linux(); }

START_TEST(test_map_type_table)
{
    static const char *const names[34] = {
        "UNSPEC", "HASH", "ARRAY", "PROG_ARRAY", "PERF_EVENT_ARRAY", "PERCPU_HASH",
        "PERCPU_ARRAY", "STACK_TRACE", "CGROUP_ARRAY", "LRU_HASH", "LRU_PERCPU_HASH", "LPM_TRIE",
        "ARRAY_OF_MAPS", "HASH_OF_MAPS", "DEVMAP", "SOCKMAP", "CPUMAP", "XSKMAP", "SOCKHASH",
        "CGROUP_STORAGE", "REUSEPORT_SOCKARRAY", "PERCPU_CGROUP_STORAGE", "QUEUE", "STACK",
        "SK_STORAGE", "DEVMAP_HASH", "STRUCT_OPS", "RINGBUF", "INODE_STORAGE", "TASK_STORAGE",
        "BLOOM_FILTER", "USER_RINGBUF", "CGRP_STORAGE", "ARENA",
    };
    size_t arrays = 0;
    for (uint32_t i = 0; i < 34; i++) {
        const struct draco_map_type_info *t = pl()->map_type(pl(), i);
        ck_assert_ptr_nonnull(t);
        ck_assert_uint_eq(t->type, i);
        ck_assert_str_eq(t->name, names[i]);
        arrays += t->is_array;
    }
    ck_assert_uint_eq(arrays, 6);  /* ARRAY, PROG_ARRAY, PERF_EVENT_ARRAY, PERCPU_ARRAY,
                                      CGROUP_ARRAY, ARRAY_OF_MAPS */
    ck_assert(pl()->map_type(pl(), 2)->is_array);
    ck_assert(!pl()->map_type(pl(), 1)->is_array);
    ck_assert_int_eq(pl()->map_type(pl(), 3)->value_kind, DRACO_MAP_VALUE_PROGRAM);
    ck_assert_int_eq(pl()->map_type(pl(), 12)->value_kind, DRACO_MAP_VALUE_MAP);
    ck_assert_int_eq(pl()->map_type(pl(), 13)->value_kind, DRACO_MAP_VALUE_MAP);
    ck_assert(!pl()->map_type(pl(), 13)->is_array);
    ck_assert_int_eq(pl()->map_type(pl(), 1)->value_kind, DRACO_MAP_VALUE_ANY);
    ck_assert_ptr_null(pl()->map_type(pl(), 34));
    ck_assert_ptr_null(pl()->map_type(pl(), UINT32_MAX));
}
END_TEST

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_record(uint8_t *rec, const uint32_t *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_u32(rec + 4 * i, fields[i]);
}

START_TEST(test_legacy_libbpf)
{
    uint8_t buf[2 * 20];
    const uint32_t a[5] = {1, 4, 8, 1024, 1};
    const uint32_t b[5] = {12, 4, 4, 16, 0};  /* ARRAY_OF_MAPS: no inner index in this layout */
    put_record(buf, a, 5);
    put_record(buf + 20, b, 5);
    struct draco_legacy_map out[2];
    draco_error err = {0};
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 20, 2, out, &err), DRACO_OK);
    ck_assert_uint_eq(out[0].type, 1);
    ck_assert_uint_eq(out[0].key_size, 4);
    ck_assert_uint_eq(out[0].value_size, 8);
    ck_assert_uint_eq(out[0].max_entries, 1024);
    ck_assert_uint_eq(out[0].map_flags, 1);
    ck_assert_int_eq(out[0].inner_map_idx, -1);
    ck_assert_uint_eq(out[1].type, 12);
    ck_assert_int_eq(out[1].inner_map_idx, -1);
}
END_TEST

START_TEST(test_legacy_samples_layout)
{
    uint8_t buf[3 * 28];
    const uint32_t inner[7] = {2, 4, 4, 1, 0, 0, 0};
    const uint32_t outer[7] = {13, 4, 4, 8, 0, 0, 3};    /* HASH_OF_MAPS, inner idx 0, numa 3 */
    const uint32_t plain[7] = {2, 4, 16, 4, 0, 0, 1};    /* idx ignored for non map-of-maps */
    put_record(buf, inner, 7);
    put_record(buf + 28, outer, 7);
    put_record(buf + 56, plain, 7);
    struct draco_legacy_map out[3];
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 28, 3, out, NULL), DRACO_OK);
    ck_assert_int_eq(out[1].inner_map_idx, 0);
    ck_assert_uint_eq(out[1].numa_node, 3);
    ck_assert_int_eq(out[0].inner_map_idx, -1);
    ck_assert_int_eq(out[2].inner_map_idx, -1);
    ck_assert_uint_eq(out[2].numa_node, 1);
    ck_assert_uint_eq(out[2].value_size, 16);
    /* an inner index naming no record, or the map itself, is invalid */
    const uint32_t bad[7] = {12, 4, 4, 8, 0, 7, 0};
    put_record(buf + 28, bad, 7);
    draco_error err = {0};
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 28, 3, out, &err), DRACO_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "inner map"));
    const uint32_t self_ref[7] = {12, 4, 4, 8, 0, 1, 0};
    put_record(buf + 28, self_ref, 7);
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 28, 3, out, NULL), DRACO_ERR_INVALID);
}
END_TEST

START_TEST(test_legacy_iproute2_layout)
{
    uint8_t buf[2 * 36];
    const uint32_t inner[9] = {1, 4, 4, 16, 0, 5, 2, 0, 0};
    const uint32_t outer[9] = {12, 4, 4, 4, 0, 6, 1, 5, 0};  /* id 6, pinning 1, inner id 5 */
    put_record(buf, inner, 9);
    put_record(buf + 36, outer, 9);
    struct draco_legacy_map out[2];
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 36, 2, out, NULL), DRACO_OK);
    ck_assert_uint_eq(out[0].id, 5);
    ck_assert_uint_eq(out[0].pinning, 2);
    ck_assert_uint_eq(out[1].id, 6);
    ck_assert_uint_eq(out[1].pinning, 1);
    ck_assert_uint_eq(out[1].inner_id, 5);
    ck_assert_int_eq(out[1].inner_map_idx, 0);
    ck_assert_uint_eq(out[1].numa_node, 0);
}
END_TEST

START_TEST(test_legacy_short_and_bad)
{
    uint8_t buf[16];
    const uint32_t f[4] = {2, 4, 4, 10};
    put_record(buf, f, 4);
    struct draco_legacy_map out[1];
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 16, 1, out, NULL), DRACO_OK);
    ck_assert_uint_eq(out[0].max_entries, 10);
    ck_assert_uint_eq(out[0].map_flags, 0);  /* zero-padded */
    draco_error err = {0};
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 12, 1, out, &err), DRACO_ERR_INVALID);
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), NULL, 20, 1, out, NULL), DRACO_ERR_INVALID);
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), NULL, 20, 0, NULL, NULL), DRACO_OK);
    ck_assert_int_eq(pl()->parse_legacy_maps(pl(), buf, 20, SIZE_MAX / 8, out, NULL),
                     DRACO_ERR_INVALID);
}
END_TEST

extern Suite *draco_suite_platform_maps(void);
Suite *draco_suite_platform_maps(void)
{
    Suite *s = suite_create("platform_maps");
    TCase *tc = tcase_create("maps");
    tcase_add_test(tc, test_map_type_table);
    tcase_add_test(tc, test_legacy_libbpf);
    tcase_add_test(tc, test_legacy_samples_layout);
    tcase_add_test(tc, test_legacy_iproute2_layout);
    tcase_add_test(tc, test_legacy_short_and_bad);
    suite_add_tcase(s, tc);
    return s;
}
