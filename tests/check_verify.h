/* SPDX-License-Identifier: MIT */
/* check_verify.h: the harness the checker suites share (check_check_safety, _privileged,
 * _rodata): raw instructions verified through decode -> CFG -> draco_check_run, as a program of
 * a hand-made object holding the maps given. Header-only (static inline), test code only. */
#ifndef DRACO_TESTS_CHECK_VERIFY_H
#define DRACO_TESTS_CHECK_VERIFY_H

#include <stdio.h>
#include <string.h>
#include "check/check.h"
#include "elf/object.h"
#include "ir/ir.h"
#include "cfg/cfg.h"

struct outcome {
    draco_status st;
    bool passed;
    char msg[600];   /* the first diagnostic ("label: message (assertion)"), or the error */
};

/* The array map most checker tests use: fd 1, key 4 bytes, value 8 bytes, 4 entries. */
static inline struct draco_map_desc check_verify_array_map(void)
{
    struct draco_map_desc m;
    memset(&m, 0, sizeof m);
    m.info = (draco_map_info){.name = "m", .fd = 1, .type = 2 /* ARRAY */, .key_size = 4,
                              .value_size = 8, .max_entries = 4, .inner_map_fd = -1};
    return m;
}

static inline struct outcome check_verify_program(const char *section, const draco_raw_insn *insns, size_t n,
                                                  struct draco_map_desc *maps, size_t n_maps,
                                                  const struct draco_analysis_opts *opts)
{
    struct outcome o;
    memset(&o, 0, sizeof o);
    struct draco_object obj;
    memset(&obj, 0, sizeof obj);
    obj.name = "test";
    obj.maps = maps;
    obj.n_maps = n_maps;
    struct draco_program prog;
    memset(&prog, 0, sizeof prog);
    prog.obj = &obj;
    prog.section = section;
    prog.function = "f";
    prog.insns = (draco_raw_insn *)insns;
    prog.n_slots = n;
    prog.main_slots = n;
    struct draco_arena arena;
    draco_arena_init(&arena);
    draco_error err = {0};
    struct draco_ir_prog ir;
    struct draco_cfg cfg;
    struct draco_analysis_result res;
    o.st = draco_ir_decode(insns, n, NULL, &arena, &err, &ir);
    if (o.st == DRACO_OK)
        o.st = draco_cfg_build(&ir, NULL, &arena, &err, &cfg);
    if (o.st == DRACO_OK)
        o.st = draco_check_run(&prog, &ir, &cfg, opts, &arena, &err, &res);
    if (o.st == DRACO_OK) {
        o.passed = res.passed;
        if (!res.passed && res.n_diags)
            snprintf(o.msg, sizeof o.msg, "%s: %s (%s)", res.diags[0].label, res.diags[0].message,
                     res.diags[0].assertion ? res.diags[0].assertion : "");
    } else {
        snprintf(o.msg, sizeof o.msg, "%s", err.message);
    }
    draco_arena_fini(&arena);
    return o;
}

#endif
