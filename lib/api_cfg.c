/* SPDX-License-Identifier: MIT */
/* api_cfg: CFG printing and structure statistics for the public API.
 *
 * Both decode the program into a private arena, build the CFG (calls inlined per site, default
 * frame limit) and its weak topological order; nothing is cached on the program, so concurrent
 * calls on different programs are independent.
 */
#include <string.h>

#include "api_internal.h"
#include "cfg/cfg.h"
#include "cfg/wto.h"

static draco_status build_cfg(const struct draco_program *p, const struct draco_ir_prog *ir,
                              struct draco_arena *arena, draco_error *err, struct draco_cfg *cfg,
                              struct draco_wto *wto)
{
    draco_error e = {0};
    draco_status st = draco_cfg_build(ir, NULL, arena, &e, cfg);
    if (st == DRACO_OK && wto)
        st = draco_wto_build(cfg, arena, &e, wto);
    if (st != DRACO_OK)
        return draco_error_set(err, st, "%s/%s: %s", p->section, p->function,
                               e.message[0] ? e.message : draco_status_str(st));
    return DRACO_OK;
}

draco_status draco_api_print_cfg(const struct draco_program *p, const struct draco_ir_prog *ir,
                                 draco_print_kind kind, unsigned flags, struct draco_arena *arena,
                                 struct draco_sb *sb, draco_error *err)
{
    struct draco_cfg cfg;
    draco_status st = build_cfg(p, ir, arena, err, &cfg, NULL);
    if (st != DRACO_OK)
        return st;
    if (kind == DRACO_PRINT_DOT)
        draco_cfg_print_dot(&cfg, sb);
    else if (flags & DRACO_PRINT_JSON) {
        draco_cfg_print_json(&cfg, sb);
        draco_sb_putc(sb, '\n');
    } else
        draco_cfg_print_text(&cfg, DRACO_CFG_PRINT_BLOCKS, sb);
    return DRACO_OK;
}

DRACO_API draco_status draco_program_compute_stats(const draco_program *prog, draco_error *err,
                                                   draco_program_stats *out)
{
    if (!prog || !out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_program_compute_stats: NULL argument");
    memset(out, 0, sizeof *out);
    out->size = sizeof *out;
    struct draco_arena arena;
    draco_arena_init(&arena);
    struct draco_ir_prog ir;
    struct draco_cfg cfg;
    struct draco_wto wto;
    double t0 = draco_now_seconds();
    draco_status st = draco_api_decode(prog, &arena, err, &ir);
    double t1 = draco_now_seconds();
    if (st == DRACO_OK)
        st = build_cfg(prog, &ir, &arena, err, &cfg, &wto);
    double t2 = draco_now_seconds();
    if (st == DRACO_OK) {
        out->insns = prog->n_insns;
        out->cfg_nodes = cfg.n_nodes;
        out->cfg_edges = cfg.n_edges;
        out->loop_heads = wto.n_comps;
        out->unreachable = cfg.n_unreachable;
        out->decode_seconds = t1 - t0;
        out->cfg_seconds = t2 - t1;
    }
    draco_arena_fini(&arena);
    return st;
}
