/* SPDX-License-Identifier: MIT */
/* cfg_fixture.h: the fixture the CFG suites share (check_cfg_build, check_cfg_callback): a
 * program built with ir_builder.h, its arena and CFG, and node lookup by label. Test code only. */
#ifndef DRACO_TESTS_CFG_FIXTURE_H
#define DRACO_TESTS_CFG_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "cfg/cfg.h"
#include "ir_builder.h"

struct fx {
    struct pb p;
    struct draco_ir_prog prog;
    struct draco_arena arena;
    struct draco_cfg cfg;
    draco_error err;
    struct draco_sb sb;
};

static inline void fx_init(struct fx *f)
{
    memset(f, 0, sizeof *f);
    draco_arena_init(&f->arena);
    draco_sb_init(&f->sb);
}

static inline void fx_fini(struct fx *f)
{
    free(f->p.ins);
    draco_arena_fini(&f->arena);
    draco_sb_fini(&f->sb);
}

static inline draco_status fx_build_opts(struct fx *f, const struct draco_cfg_opts *opts)
{
    f->prog.insns = f->p.ins;
    f->prog.n = f->p.n;
    memset(&f->err, 0, sizeof f->err);
    return draco_cfg_build(&f->prog, opts, &f->arena, &f->err, &f->cfg);
}

static inline void fx_build(struct fx *f)
{
    draco_status st = fx_build_opts(f, NULL);
    ck_assert_msg(st == DRACO_OK, "build failed: %s", f->err.message);
}

/* the label of node v ("12", "12:15", "3/20", ...) */
static inline const char *lab(struct fx *f, uint32_t v)
{
    draco_sb_clear(&f->sb);
    draco_cfg_node_label(&f->cfg, v, &f->sb);
    return draco_sb_str(&f->sb);
}

/* the node labelled `label`, DRACO_CFG_NONE if none */
static inline uint32_t fx_find(struct fx *f, const char *label)
{
    for (uint32_t v = 0; v < f->cfg.n_nodes; v++)
        if (strcmp(lab(f, v), label) == 0)
            return v;
    return DRACO_CFG_NONE;
}

/* the node labelled `label`; the test fails if there is none */
static inline uint32_t node(struct fx *f, const char *label)
{
    uint32_t v = fx_find(f, label);
    if (v == DRACO_CFG_NONE)
        ck_abort_msg("no node labelled %s", label);
    return v;
}

#endif
