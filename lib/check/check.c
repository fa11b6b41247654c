/* SPDX-License-Identifier: MIT */
/* check/check: draco_check_run — loop counters and WTO, the fixpoint of lib/analysis, then a
 * separate pass that checks every assertion of every reachable node against its pre-state and
 * collects diagnostics, invariants, the exit value of r0 and the loop bound.
 *
 * Invariants: the verdict is "passed" only when the fixpoint finished without error, every
 * reachable node was checked, and no assertion failed. Any analysis error is returned as an error
 * status (never a verdict). The CFG given by the caller is not modified: loop counters are added
 * to a shallow copy whose new arrays come from the result arena.
 */
#include <stdlib.h>
#include <string.h>
#include "check/check_internal.h"

#define DRACO_MAX_DIAGS 64

struct diag_tmp {
    uint32_t node;
    int32_t pc;
    char *label, *assertion, *message;
};

static int diag_cmp(const void *x, const void *y)
{
    const struct diag_tmp *a = x, *b = y;
    if (a->pc != b->pc)
        return a->pc < b->pc ? -1 : 1;
    return strcmp(a->label, b->label);
}

static char *sb_dup(struct draco_arena *arena, struct draco_sb *sb)
{
    return draco_arena_strdup(arena, draco_sb_str(sb));
}

struct check_ctx {
    struct draco_actx *ax;
    struct draco_arena *arena;
    struct diag_tmp *diags;
    size_t nd;
    struct draco_analysis_invariant *invs;
    size_t ninv;
    struct draco_assertions as;
    struct draco_sb why, lab, txt;
    bool failed;
    uint64_t max_loop;
};

/* Called by the replay with the final pre-state of every reachable node. */
static void check_node(void *user, uint32_t v, const struct draco_astate *pre)
{
    struct check_ctx *k = user;
    struct draco_actx *ax = k->ax;
    const struct draco_cfg *cfg = ax->cfg;
    if (k->invs) {
        draco_sb_clear(&k->lab);
        draco_sb_clear(&k->txt);
        draco_cfg_node_label(cfg, v, &k->lab);
        draco_as_print(ax, pre, &k->txt);
        k->invs[k->ninv].label = sb_dup(k->arena, &k->lab);
        k->invs[k->ninv].pre = sb_dup(k->arena, &k->txt);
        k->ninv++;
    }
    if (cfg->nodes[v].kind == DRACO_CFG_COUNTER) {
        draco_itv c;
        draco_itv_init(&c);
        draco_as_itv(ax, pre, draco_counter_var(ax, v), &c);
        uint64_t ub;
        if (draco_num_get_u64(&c.ub, &ub)) {
            if (ub + 1 > k->max_loop)
                k->max_loop = ub + 1;
        } else if (draco_num_is_pinf(&c.ub)) {
            k->max_loop = UINT64_MAX;
        }
        draco_itv_fini(&c);
    }
    draco_assertions_of_node(ax, v, &k->as);
    for (unsigned i = 0; i < k->as.n; i++) {
        draco_sb_clear(&k->why);
        if (draco_assertion_check(ax, v, pre, &k->as.a[i], &k->why))
            continue;
        k->failed = true;
        if (k->nd < DRACO_MAX_DIAGS) {
            draco_sb_clear(&k->lab);
            draco_sb_clear(&k->txt);
            draco_cfg_node_label(cfg, v, &k->lab);
            draco_assertion_print(ax, &k->as.a[i], &k->txt);
            const struct draco_cfg_node *n = &cfg->nodes[v];
            struct diag_tmp *d = &k->diags[k->nd++];
            d->node = v;
            d->pc = n->pc == DRACO_CFG_NONE ? -1 : (int32_t)n->pc;
            d->label = sb_dup(k->arena, &k->lab);
            d->assertion = k->txt.len ? sb_dup(k->arena, &k->txt) : NULL;
            d->message = sb_dup(k->arena, &k->why);
            if (!d->label || !d->message)
                draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (diagnostics)");
        }
        break;   /* first failure per node, as PREVAIL */
    }
}

static draco_status check_pass(struct draco_actx *ax, struct draco_arena *arena, struct draco_analysis_result *out)
{
    const struct draco_cfg *cfg = ax->cfg;
    struct check_ctx *k = calloc(1, sizeof *k);
    if (!k)
        return draco_error_set(ax->err, DRACO_ERR_NOMEM, "out of memory (checker)");
    k->ax = ax;
    k->arena = arena;
    k->diags = calloc(DRACO_MAX_DIAGS, sizeof *k->diags);
    if (ax->opts.collect_invariants)
        k->invs = draco_arena_alloc(arena, (size_t)cfg->n_nodes * sizeof *k->invs + 1);
    draco_sb_init(&k->why);
    draco_sb_init(&k->lab);
    draco_sb_init(&k->txt);
    draco_status st = DRACO_OK;
    if (!k->diags || (ax->opts.collect_invariants && !k->invs))
        st = draco_error_set(ax->err, DRACO_ERR_NOMEM, "out of memory (diagnostics)");
    if (st == DRACO_OK)
        st = draco_fixpoint_replay(ax, check_node, k);
    if (st == DRACO_OK) {
        qsort(k->diags, k->nd, sizeof *k->diags, diag_cmp);
        out->diags = k->nd ? draco_arena_alloc(arena, k->nd * sizeof *out->diags) : NULL;
        for (size_t i = 0; i < k->nd && out->diags; i++) {
            out->diags[i].pc = k->diags[i].pc;
            out->diags[i].label = k->diags[i].label;
            out->diags[i].assertion = k->diags[i].assertion;
            out->diags[i].message = k->diags[i].message;
        }
        out->n_diags = out->diags ? k->nd : 0;
        if (k->failed && out->n_diags == 0)
            st = draco_error_set(ax->err, DRACO_ERR_NOMEM, "out of memory (diagnostics)");
    }
    if (st == DRACO_OK) {
        out->passed = !k->failed;
        out->invariants = k->invs;
        out->n_invariants = k->ninv;
        out->max_loop_count = k->max_loop;
        /* exit value of r0 */
        const struct draco_astate *ex = ax->post[cfg->exit];
        if (ex && !ex->bottom && ax->regs[0].var[DRACO_VK_SVAL] != DRACO_VAR_NONE) {
            draco_itv r0;
            draco_itv_init(&r0);
            draco_as_itv(ax, ex, ax->regs[0].var[DRACO_VK_SVAL], &r0);
            struct draco_sb sb;
            draco_sb_init(&sb);
            draco_itv_print(&r0, &sb);
            out->exit_r0 = sb_dup(arena, &sb);
            draco_sb_fini(&sb);
            draco_itv_fini(&r0);
        }
    }
    draco_sb_fini(&k->why);
    draco_sb_fini(&k->lab);
    draco_sb_fini(&k->txt);
    free(k->diags);
    free(k);
    return st;
}

draco_status draco_check_run(const struct draco_program *prog, const struct draco_ir_prog *ir,
                             const struct draco_cfg *cfg_in, const struct draco_analysis_opts *opts,
                             struct draco_arena *arena, draco_error *err,
                             struct draco_analysis_result *out)
{
    if (!ir || !cfg_in || !opts || !arena || !out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_check_run: NULL argument");
    memset(out, 0, sizeof *out);
    double t0 = draco_now_seconds();
    struct draco_cfg cfg = *cfg_in;
    cfg.arena = arena;
    struct draco_wto wto;
    draco_status st = draco_wto_build(&cfg, arena, err, &wto);
    if (st != DRACO_OK)
        return st;
    if (opts->check_termination && cfg.n_counters == 0 && wto.n_comps > 0) {
        st = draco_cfg_add_loop_counters(&cfg, &wto, err);
        if (st == DRACO_OK)
            st = draco_wto_build(&cfg, arena, err, &wto);
        if (st != DRACO_OK)
            return st;
    }
    struct draco_actx *ax = malloc(sizeof *ax);
    if (!ax)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory");
    st = draco_actx_init(ax, prog, ir, &cfg, &wto, opts, err);
    if (st == DRACO_OK)
        st = draco_fixpoint_run(ax);
    if (st == DRACO_OK)
        st = check_pass(ax, arena, out);
    if (st == DRACO_OK) {
        out->iterations = ax->visits;
        out->analysis_seconds = draco_now_seconds() - t0;
    }
    draco_actx_fini(ax);
    free(ax);
    if (st != DRACO_OK) {
        memset(out, 0, sizeof *out);
        if (err && err->status == DRACO_OK)
            draco_error_set(err, st, "analysis failed (%d)", (int)st);
    }
    return st;
}
