/* SPDX-License-Identifier: MIT */
/* Tests for lib/check on eBPF C programs of tests/ebpf/check_*.c, compiled by the Makefile into
 * $BUILD/ebpf/NAME.o (BUILD defaults to "build"): each program is loaded, decoded, turned into a
 * CFG and verified; the verdict and the first reason are compared with what the program was
 * written to show. A missing object (no clang) skips the case with a message.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/check.h"
#include "elf/object.h"
#include "ir/ir.h"
#include "cfg/cfg.h"

/* Verifies NAME.o's program `function`; returns 1 pass, 0 fail (reason in msg), -1 no object,
 * -2 other error (msg). */
static int verify_obj(const char *name, const char *function, char *msg, size_t msz)
{
    const char *build = getenv("BUILD");
    char path[512];
    snprintf(path, sizeof path, "%s/ebpf/%s.o", build && *build ? build : "build", name);
    void *img = NULL;
    size_t len = 0;
    draco_error err = {0};
    if (draco_file_read(path, &img, &len, &err) != DRACO_OK) {
        snprintf(msg, msz, "%s not built", path);
        return -1;
    }
    struct draco_object *obj = NULL;
    draco_status st = draco_elf_load(img, len, path, NULL, &err, &obj);
    free(img);
    if (st != DRACO_OK) {
        snprintf(msg, msz, "load: %s", err.message);
        return -2;
    }
    int rc = -2;
    snprintf(msg, msz, "no program %s", function);
    for (size_t i = 0; i < obj->n_progs; i++) {
        const struct draco_program *p = &obj->progs[i];
        if (strcmp(p->function, function) != 0)
            continue;
        struct draco_arena arena;
        draco_arena_init(&arena);
        struct draco_ir_prog ir;
        struct draco_cfg cfg;
        struct draco_analysis_result res;
        struct draco_analysis_opts opts;
        draco_analysis_opts_init(&opts);
        opts.time_limit_seconds = 10;
        st = draco_ir_decode(p->insns, p->n_slots, p->insn_flags, &arena, &err, &ir);
        if (st == DRACO_OK) {
            draco_ir_peephole(&ir);
            st = draco_cfg_build(&ir, NULL, &arena, &err, &cfg);
        }
        if (st == DRACO_OK)
            st = draco_check_run(p, &ir, &cfg, &opts, &arena, &err, &res);
        if (st != DRACO_OK) {
            snprintf(msg, msz, "error: %s", err.message);
        } else if (res.passed) {
            rc = 1;
            msg[0] = 0;
        } else {
            rc = 0;
            snprintf(msg, msz, "%s: %s", res.n_diags ? res.diags[0].label : "?",
                     res.n_diags ? res.diags[0].message : "?");
        }
        draco_arena_fini(&arena);
        break;
    }
    draco_elf_object_free(obj);
    return rc;
}

static void expect(const char *name, const char *function, bool pass, const char *why)
{
    char msg[700];
    int rc = verify_obj(name, function, msg, sizeof msg);
    if (rc == -1) {
        fprintf(stderr, "SKIP %s/%s: %s\n", name, function, msg);
        return;
    }
    ck_assert_msg(rc >= 0, "%s/%s: %s", name, function, msg);
    if (pass) {
        ck_assert_msg(rc == 1, "%s/%s: expected pass, got %s", name, function, msg);
    } else {
        ck_assert_msg(rc == 0, "%s/%s: expected a failure", name, function);
        ck_assert_msg(strstr(msg, why), "%s/%s: expected '%s', got %s", name, function, why, msg);
    }
}

START_TEST(test_packet)
{
    expect("check_packet_ok", "packet_ok", true, NULL);
    expect("check_packet_oob", "packet_oob", false, "Upper bound must be at most packet_size");
}
END_TEST

START_TEST(test_map_null)
{
    expect("check_map_null", "map_checked", true, NULL);
    expect("check_map_null", "map_unchecked", false, "Possible null access");
}
END_TEST

START_TEST(test_loops_and_calls)
{
    expect("check_loop_call", "loop_call", true, NULL);
    expect("check_loop_call", "loop_forever", false, "Loop counter is too large");
}
END_TEST

START_TEST(test_ringbuf)
{
    expect("check_ringbuf", "ringbuf_ok", true, NULL);
    expect("check_ringbuf", "ringbuf_overflow", false, "Upper bound must be at most r0.alloc_mem_size");
}
END_TEST

START_TEST(test_example)
{
    expect("example_xdp", "count_protocols", true, NULL);
}
END_TEST

extern Suite *draco_suite_check_ebpf(void);
Suite *draco_suite_check_ebpf(void)
{
    Suite *s = suite_create("check_ebpf");
    TCase *t = tcase_create("programs");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_packet);
    tcase_add_test(t, test_map_null);
    tcase_add_test(t, test_loops_and_calls);
    tcase_add_test(t, test_ringbuf);
    tcase_add_test(t, test_example);
    suite_add_tcase(s, t);
    return s;
}
