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
    DRACO_VEC(struct draco_analysis_diag) notes;
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

/* Checks one disjunct of node v's pre-state; returns false after recording a failure. */
static bool check_disjunct(struct check_ctx *k, uint32_t v, struct draco_astate *pre)
{
    struct draco_actx *ax = k->ax;
    const struct draco_cfg *cfg = ax->cfg;
    if (pre->bottom)
        return true;
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
    for (unsigned i = 0; i < k->as.n; i++) {
        draco_sb_clear(&k->why);
        if (draco_assertion_check(ax, v, pre, &k->as.a[i], &k->why))
            continue;
        k->failed = true;
        if (ax->opts.stop_at_first_failure && !ax->opts.collect_invariants &&
            !ax->opts.collect_exit_post && !ax->opts.report_unreachable)
            ax->replay_stop = true;
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
        /* first failure per node, as PREVAIL; the path stops here (except at an exit, whose
         * state is what the program returns with) */
        bool keep = (cfg->nodes[v].kind == DRACO_CFG_INSN && cfg->nodes[v].insn->kind == DRACO_IR_EXIT) ||
                    cfg->nodes[v].kind == DRACO_CFG_COUNTER ||   /* checked after the fixpoint */
                    ax->opts.all_failures;
        if (!keep)
            draco_as_set_bottom(ax, pre);
        return false;
    }
    return true;
}

static bool is_assume(const struct draco_cfg *cfg, uint32_t v)
{
    const struct draco_cfg_node *n = &cfg->nodes[v];
    return n->kind == DRACO_CFG_ASSUME || (n->kind == DRACO_CFG_INSN && n->insn->kind == DRACO_IR_ASSUME);
}

/* "Code becomes unreachable" for an assume whose reachable pre-state leads to bottom. */
static void note_unreachable(struct check_ctx *k, uint32_t v, const struct draco_astate *pre)
{
    struct draco_actx *ax = k->ax;
    const struct draco_cfg *cfg = ax->cfg;
    struct draco_astate *post = draco_as_list_copy(ax, pre);
    bool reachable = false;
    for (struct draco_astate *d = post; d; d = d->alt) {
        if (d->bottom)
            continue;
        draco_transfer_node(ax, v, d);
        reachable |= !d->bottom;
    }
    draco_as_list_free(ax, post);
    if (reachable)
        return;
    const struct draco_cfg_node *n = &cfg->nodes[v];
    struct draco_cfg_cond c;
    if (n->kind == DRACO_CFG_ASSUME) {
        c = n->cond;
    } else {
        const struct draco_ir_insn *in = n->insn;
        c = (struct draco_cfg_cond){.op = in->op, .left = in->dst, .right = in->src,
                                    .right_is_reg = in->src_is_reg, .is64 = in->is64, .imm = in->imm};
    }
    draco_sb_clear(&k->lab);
    draco_sb_clear(&k->txt);
    draco_cfg_node_label(cfg, v, &k->lab);
    draco_sb_printf(&k->txt, "assume r%u %s%s ", c.left, c.is64 ? "" : "w",
                    draco_cond_op_str((enum draco_cond_op)c.op));
    if (c.right_is_reg)
        draco_sb_printf(&k->txt, "r%u", c.right);
    else
        draco_sb_printf(&k->txt, "%lld", (long long)c.imm);
    struct draco_analysis_diag d = {.pc = n->pc == DRACO_CFG_NONE ? -1 : (int32_t)n->pc,
                                    .label = sb_dup(k->arena, &k->lab),
                                    .assertion = sb_dup(k->arena, &k->txt),
                                    .message = "Code becomes unreachable"};
    if (!d.label || !d.assertion || draco_vec_push(&k->notes, d) != 0)
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (notes)");
}

/* Called by the replay with the final pre-state (a list of disjuncts) of every reachable node. */
static void check_node(void *user, uint32_t v, struct draco_astate *pre)
{
    struct check_ctx *k = user;
    struct draco_actx *ax = k->ax;
    if (k->invs) {
        struct draco_astate *all = draco_as_list_collapse(ax, draco_as_list_copy(ax, pre));
        draco_sb_clear(&k->lab);
        draco_sb_clear(&k->txt);
        draco_cfg_node_label(ax->cfg, v, &k->lab);
        if (all)
            draco_as_print(ax, all, &k->txt);
        draco_as_free(ax, all);
        k->invs[k->ninv].label = sb_dup(k->arena, &k->lab);
        k->invs[k->ninv].pre = sb_dup(k->arena, &k->txt);
        k->ninv++;
    }
    draco_assertions_of_node(ax, v, &k->as);
    for (struct draco_astate *d = pre; d; d = d->alt)
        check_disjunct(k, v, d);
    if (ax->opts.report_unreachable && is_assume(ax->cfg, v))
        note_unreachable(k, v, pre);
}

/* The exit invariant as sorted constraint strings ({"_|_"} when unreachable). */
static draco_status exit_post(struct draco_actx *ax, struct draco_arena *arena, struct draco_analysis_result *out)
{
    const struct draco_astate *ex = ax->post[ax->cfg->exit];
    struct draco_sb sb;
    draco_sb_init(&sb);
    if (!ex || ex->bottom)
        draco_sb_puts(&sb, "_|_\n");
    else
        draco_as_print(ax, ex, &sb);
    size_t n = 0;
    for (const char *p = draco_sb_str(&sb); *p; p++)
        n += *p == '\n';
    out->exit_post = draco_arena_alloc(arena, (n + 1) * sizeof *out->exit_post);
    if (!out->exit_post) {
        draco_sb_fini(&sb);
        return draco_error_set(ax->err, DRACO_ERR_NOMEM, "out of memory (exit invariant)");
    }
    size_t k = 0;
    const char *p = draco_sb_str(&sb);
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len && strncmp(p, "Stack: ", 7) != 0) {
            char *line = draco_arena_strndup(arena, p, len);
            if (!line) {
                draco_sb_fini(&sb);
                return draco_error_set(ax->err, DRACO_ERR_NOMEM, "out of memory (exit invariant)");
            }
            out->exit_post[k++] = line;
        }
        p += len + (e ? 1 : 0);
    }
    out->n_exit_post = k;
    draco_sb_fini(&sb);
    return DRACO_OK;
}

/* PREVAIL's tail-call chain limit: along any path of the DAG of loops (each outermost loop
 * collapsed), at most 33 tail-call sites. Returns the first node exceeding it, or NONE. */
static uint32_t tail_call_chain(struct draco_actx *ax, uint32_t *depth_out)
{
    const struct draco_cfg *cfg = ax->cfg;
    const struct draco_wto *w = ax->wto;
    uint32_t n = cfg->n_nodes, bad = DRACO_CFG_NONE, best = 0;
    uint32_t *rep = malloc((size_t)n * sizeof *rep), *weight = calloc(n, sizeof *weight);
    uint32_t *in = calloc(n, sizeof *in), *dp = calloc(n, sizeof *dp);
    if (!rep || !weight || !in || !dp) {
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (tail calls)");
        goto done;
    }
    for (uint32_t v = 0; v < n; v++) {
        uint32_t c = w->comp[v], top = DRACO_CFG_NONE;
        while (c != DRACO_CFG_NONE) {
            top = c;
            c = w->comps[c].parent;
        }
        rep[v] = top == DRACO_CFG_NONE ? v : w->comps[top].head;
        const struct draco_ir_insn *insn = draco_cfg_node_insn(cfg, v);
        if (!insn)
            continue;
        bool tail = insn->kind == DRACO_IR_CALLX;
        if (insn->kind == DRACO_IR_CALL) {
            const struct draco_helper_proto *p = draco_call_proto(ax, insn, NULL);
            tail = p && p->ret == DRACO_RET_INTEGER_OR_NO_RETURN_IF_SUCCEED;
        }
        weight[rep[v]] += tail;
    }
    for (uint32_t i = 0; i < w->n; i++) {
        uint32_t v = w->order[i], r = rep[v];
        const uint32_t *pr = draco_cfg_preds(cfg, v);
        for (uint32_t k = 0; k < draco_cfg_pred_count(cfg, v); k++)
            if (rep[pr[k]] != r && dp[rep[pr[k]]] > in[r])
                in[r] = dp[rep[pr[k]]];
        dp[r] = in[r] + weight[r];
        if (dp[r] > best)
            best = dp[r];
        if (dp[r] > 33 && bad == DRACO_CFG_NONE)
            bad = v;
    }
done:
    free(rep);
    free(weight);
    free(in);
    free(dp);
    *depth_out = best;
    return bad;
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
    uint32_t depth = 0, tv = st == DRACO_OK ? tail_call_chain(ax, &depth) : DRACO_CFG_NONE;
    if (st == DRACO_OK)
        st = ax->status;
    if (st == DRACO_OK && tv != DRACO_CFG_NONE && k->nd < DRACO_MAX_DIAGS) {
        struct diag_tmp *d = &k->diags[k->nd++];
        draco_sb_clear(&k->lab);
        draco_cfg_node_label(cfg, tv, &k->lab);
        d->node = tv;
        d->pc = cfg->nodes[tv].pc == DRACO_CFG_NONE ? -1 : (int32_t)cfg->nodes[tv].pc;
        d->label = sb_dup(arena, &k->lab);
        d->assertion = NULL;
        d->message = draco_arena_printf(arena, "tail call chain depth exceeds 33 (%u)", depth);
        k->failed = true;
    }
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
        if (k->notes.len) {
            out->notes = draco_arena_alloc(arena, k->notes.len * sizeof *out->notes);
            if (!out->notes)
                st = draco_error_set(ax->err, DRACO_ERR_NOMEM, "out of memory (notes)");
            else
                memcpy(out->notes, k->notes.data, k->notes.len * sizeof *out->notes);
            out->n_notes = out->notes ? k->notes.len : 0;
        }
        if (st == DRACO_OK && ax->opts.collect_exit_post)
            st = exit_post(ax, arena, out);
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
    draco_vec_free(&k->notes);
    free(k->diags);
    free(k);
    return st;
}

/* Flags the nodes at most `depth` edges before a node whose pc failed in `res` (NULL: out of
 * memory or nothing failed with a pc -- the caller then partitions everywhere). */
static bool *partition_window(const struct draco_cfg *cfg, const struct draco_analysis_result *res,
                              uint32_t depth, struct draco_arena *arena)
{
    uint32_t n = cfg->n_nodes;
    bool *in = draco_arena_alloc(arena, n * sizeof *in);
    uint32_t *dist = draco_arena_alloc(arena, n * sizeof *dist);
    uint32_t *queue = draco_arena_alloc(arena, n * sizeof *queue);
    if (!in || !dist || !queue)
        return NULL;
    uint32_t qh = 0, qt = 0;
    for (uint32_t v = 0; v < n; v++) {
        in[v] = false;
        dist[v] = UINT32_MAX;
        for (size_t i = 0; i < res->n_diags; i++)
            if (res->diags[i].pc >= 0 && cfg->nodes[v].pc == (uint32_t)res->diags[i].pc) {
                in[v] = true;
                dist[v] = 0;
                queue[qt++] = v;
                break;
            }
    }
    if (qt == 0)
        return NULL;
    while (qh < qt) {
        uint32_t v = queue[qh++];
        if (dist[v] >= depth)
            continue;
        uint32_t np = draco_cfg_pred_count(cfg, v);
        const uint32_t *pr = draco_cfg_preds(cfg, v);
        for (uint32_t i = 0; i < np; i++)
            if (dist[pr[i]] == UINT32_MAX) {
                dist[pr[i]] = dist[v] + 1;
                in[pr[i]] = true;
                queue[qt++] = pr[i];
            }
    }
    return in;
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
    /* With partitioning, the joined (cheaper) analysis runs first; only a program it rejects is
     * analysed again with disjuncts. Both verdicts are sound; the second is the more precise. */
    struct draco_analysis_opts o1 = *opts;
    uint32_t budget = opts->partition == DRACO_PARTITION_OFF ? opts->max_disjuncts
                      : opts->partition_budget ? opts->partition_budget : DRACO_PARTITION_BUDGET;
    if (budget == 0)
        budget = 1;
    bool full = opts->partition == DRACO_PARTITION_FULL;
    bool two = (budget > 1 && !full) || (wto.n_comps > 0 && opts->join_delay == 0);
    o1.max_disjuncts = full ? budget : 1;
    uint64_t visits = 0;
    st = draco_actx_init(ax, prog, ir, &cfg, &wto, &o1, err);
    if (st == DRACO_OK)
        st = wto.n_comps ? draco_fixpoint_run(ax) : draco_fixpoint_setup(ax);   /* see setup() */
    if (st == DRACO_OK)
        st = check_pass(ax, arena, out);
    visits += ax->visits;
    draco_actx_fini(ax);
    if (st == DRACO_OK && two && !out->passed) {
        /* the more precise round: its verdict replaces the first one only if it completes (a
         * time-out or other error there keeps the first, already sound, rejection) */
        struct draco_analysis_result out2;
        memset(&out2, 0, sizeof out2);
        draco_error e2 = {0};
        o1 = *opts;
        o1.max_disjuncts = budget;
        if (opts->partition == DRACO_PARTITION_AUTO && budget > 1 && !opts->all_failures)
            o1.stop_at_first_failure = true;
        uint32_t window = opts->partition_window ? opts->partition_window : DRACO_PARTITION_WINDOW;
        if (opts->partition == DRACO_PARTITION_AUTO && !opts->partition_nodes && window != UINT32_MAX)
            o1.partition_nodes = partition_window(&cfg, out, window, arena);
        /* (the window lives in the caller's arena: a few bytes per node) */
        if (opts->partition == DRACO_PARTITION_AUTO && !opts->max_work)
            o1.max_work = (visits + 64) * (uint64_t)(opts->partition_work_factor ? opts->partition_work_factor
                                                                                  : DRACO_PARTITION_WORK_FACTOR);
        if (wto.n_comps > 0 && opts->join_delay == 0)
            o1.join_delay = 64;   /* let short loops converge before widening */
        double left = opts->time_limit_seconds - (draco_now_seconds() - t0);
        if (opts->time_limit_seconds <= 0 || left > 0) {
            if (opts->time_limit_seconds > 0)
                o1.time_limit_seconds = left;   /* one budget for both rounds */
            draco_status st2 = draco_actx_init(ax, prog, ir, &cfg, &wto, &o1, &e2);
            if (st2 == DRACO_OK)
                st2 = wto.n_comps ? draco_fixpoint_run(ax) : draco_fixpoint_setup(ax);
            if (st2 == DRACO_OK)
                st2 = check_pass(ax, arena, &out2);
            visits += ax->visits;
            draco_actx_fini(ax);
            if (st2 == DRACO_OK)
                *out = out2;
        }
    }
    if (st == DRACO_OK) {
        out->iterations = visits;
        out->analysis_seconds = draco_now_seconds() - t0;
    }
    free(ax);
    if (st != DRACO_OK) {
        memset(out, 0, sizeof *out);
        if (err && err->status == DRACO_OK)
            draco_error_set(err, st, "analysis failed (%d)", (int)st);
    }
    return st;
}
