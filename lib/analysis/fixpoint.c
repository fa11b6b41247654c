/* SPDX-License-Identifier: MIT */
/* analysis/fixpoint: the forward fixpoint over the weak topological order (Bourdoncle), with
 * widening after two plain joins and a bounded narrowing phase per loop head.
 *
 * Invariants: ax->post[v] holds the post-state of node v from its last visit (NULL = never
 * reached). The pre-state of a node is the join of its predecessors' posts (the entry state for
 * ENTRY); a loop head's pre is its loop invariant during the iteration. Every state computed is
 * an over-approximation of the concrete states at its node: ascending iteration stops only at a
 * post-fixpoint (step(inv) ⊑ inv) and narrowing steps only intersect with step results, so the
 * posts left behind after narrowing, from whichever iterate, remain sound. A transfer that turns
 * a reachable state into bottom on anything but an assume edge is an internal error.
 */
#include "analysis/astate.h"

#define DRACO_FIX_MAX_ASCEND 100000
#define DRACO_FIX_MAX_DESCEND 8
#define DRACO_FIX_MAX_NESTING 4096

/* the states node v may keep (see opts.partition_nodes) */
static unsigned disj_at(const struct draco_actx *ax, uint32_t v)
{
    return ax->opts.partition_nodes && !ax->opts.partition_nodes[v] ? 1 : ax->max_disj;
}

static void visit(struct draco_actx *ax, uint32_t v, struct draco_astate *pre)
{
    ax->visits++;
    if ((ax->visits & 255) == 0)
        draco_actx_time_ok(ax);
    const struct draco_cfg_node *n = &ax->cfg->nodes[v];
    bool may_vanish = n->kind == DRACO_CFG_ASSUME ||
                      (n->kind == DRACO_CFG_INSN && n->insn->kind == DRACO_IR_ASSUME);
    for (struct draco_astate *d = pre; d; d = d->alt) {
        if (d->bottom)
            continue;
        if (++ax->work > ax->opts.max_work && ax->opts.max_work && draco_actx_ok(ax))
            draco_actx_fail(ax, DRACO_ERR_LIMIT, "work limit of %llu transfers exceeded",
                            (unsigned long long)ax->opts.max_work);
        draco_transfer_node(ax, v, d);
        if (d->bottom && !may_vanish && draco_actx_ok(ax)) {
            struct draco_sb sb;
            draco_sb_init(&sb);
            draco_cfg_node_label(ax->cfg, v, &sb);
            draco_actx_fail(ax, DRACO_ERR_INTERNAL, "bug: the state before %s leads to bottom",
                            draco_sb_str(&sb));
            draco_sb_fini(&sb);
        }
    }
    pre = draco_as_list_normalize(ax, pre, disj_at(ax, v));
    draco_as_list_free(ax, ax->post[v]);
    ax->post[v] = pre;
    ax->pending[v] = draco_cfg_succ_count(ax->cfg, v);
}

/* Node s (visited in the context of component ctx, NONE at top level) has read post[p]: release
 * it when this was its last reader. Only readers that run at most once per recomputation of p
 * count (p lies in their context); others keep p alive until the end. */
static void consume(struct draco_actx *ax, uint32_t p, uint32_t ctx)
{
    if (!ax->post[p] || p == ax->cfg->exit)
        return;
    if (ctx != DRACO_CFG_NONE && !draco_wto_comp_contains(ax->wto, ctx, p))
        return;
    if (ax->pending[p] && --ax->pending[p] == 0) {
        draco_as_list_free(ax, ax->post[p]);
        ax->post[p] = NULL;
    }
}

/* The disjuncts of all predecessors' posts, concatenated (partitioned join). */
static struct draco_astate *preds_concat(struct draco_actx *ax, uint32_t v, bool release, bool replay)
{
    uint32_t np = draco_cfg_pred_count(ax->cfg, v);
    const uint32_t *pr = draco_cfg_preds(ax->cfg, v);
    /* over budget: first merge what each predecessor brings (older distinctions), keeping the
     * split made by this join; normalize() collapses the rest if still too many */
    uint32_t total = 0;
    for (uint32_t i = 0; i < np; i++)
        for (const struct draco_astate *p = ax->post[pr[i]]; p; p = p->alt)
            total += !p->bottom;
    unsigned max = disj_at(ax, v);
    bool per_pred = total > max;
    struct draco_astate *head = NULL, **tail = &head;
    for (uint32_t i = 0; i < np; i++) {
        const struct draco_astate *p = ax->post[pr[i]];
        struct draco_astate *merged = NULL;
        for (; p; p = p->alt) {
            if (p->bottom)
                continue;
            if (per_pred && merged) {
                draco_as_join_into(ax, merged, p);
                continue;
            }
            struct draco_astate *c = draco_as_copy(ax, p);
            if (!c) {
                draco_as_list_free(ax, head);
                return NULL;
            }
            *tail = c;
            tail = &c->alt;
            if (per_pred)
                merged = c;
        }
        if (replay) {
            uint32_t q = pr[i];
            if (ax->post[q] && q != ax->cfg->exit && ax->pending[q] && --ax->pending[q] == 0) {
                draco_as_list_free(ax, ax->post[q]);
                ax->post[q] = NULL;
            }
        } else if (release) {
            consume(ax, pr[i], ax->wto->comp[v]);
        }
    }
    return draco_as_list_normalize(ax, head, max);
}

static struct draco_astate *pre_consume(struct draco_actx *ax, uint32_t v, bool release)
{
    if (v == ax->cfg->entry)
        return draco_as_copy(ax, ax->entry);
    return preds_concat(ax, v, release, false);
}

struct draco_astate *draco_fixpoint_pre(struct draco_actx *ax, uint32_t v)
{
    struct draco_astate *l = pre_consume(ax, v, false);
    return l ? draco_as_list_collapse(ax, l) : NULL;
}

/* join of the posts of H's predecessors inside (inside = true) or outside component c */
static struct draco_astate *head_preds(struct draco_actx *ax, uint32_t c, bool inside)
{
    const struct draco_wto *w = ax->wto;
    uint32_t h = w->comps[c].head;
    struct draco_astate *r = draco_as_new_bottom(ax);
    if (!r)
        return NULL;
    if (!inside && h == ax->cfg->entry)
        draco_as_join_into(ax, r, ax->entry);
    uint32_t np = draco_cfg_pred_count(ax->cfg, h);
    const uint32_t *pr = draco_cfg_preds(ax->cfg, h);
    for (uint32_t i = 0; i < np; i++)
        if (draco_wto_comp_contains(w, c, pr[i]) == inside) {
            for (const struct draco_astate *d = ax->post[pr[i]]; d; d = d->alt)
                draco_as_join_into(ax, r, d);
            consume(ax, pr[i], inside ? c : w->comps[c].parent);
        }
    return r;
}

static void run_range(struct draco_actx *ax, uint32_t begin, uint32_t end);

/* One pass over the component from the head state inv; returns the new head state. */
static struct draco_astate *component_step(struct draco_actx *ax, uint32_t c, const struct draco_astate *inv,
                                           const struct draco_astate *entry_in)
{
    const struct draco_wto_comp *cp = &ax->wto->comps[c];
    struct draco_astate *pre = draco_as_copy(ax, inv);
    if (!pre)
        return NULL;
    visit(ax, cp->head, pre);
    run_range(ax, cp->begin + 1, cp->end);
    struct draco_astate *n = head_preds(ax, c, true);
    if (n)
        draco_as_join_into(ax, n, entry_in);
    return n;
}

static void run_component(struct draco_actx *ax, uint32_t c)
{
    struct draco_astate *entry_in = head_preds(ax, c, false);
    if (!entry_in)
        return;
    struct draco_astate *inv = draco_as_copy(ax, entry_in);
    if (!inv) {
        draco_as_free(ax, entry_in);
        return;
    }
    for (unsigned k = 0;; k++) {
        struct draco_astate *n = component_step(ax, c, inv, entry_in);
        if (!n || !draco_actx_ok(ax)) {
            draco_as_free(ax, n);
            goto done;
        }
        if (draco_as_leq(ax, n, inv)) {
            draco_as_free(ax, n);
            break;
        }
        if (k < ax->join_delay)
            draco_as_join_into(ax, inv, n);
        else
            draco_as_widen_into(ax, inv, n);
        draco_as_free(ax, n);
        if (k >= DRACO_FIX_MAX_ASCEND) {
            draco_actx_fail(ax, DRACO_ERR_LIMIT, "loop fixpoint did not stabilise");
            goto done;
        }
    }
    for (unsigned d = 0; d < DRACO_FIX_MAX_DESCEND; d++) {
        struct draco_astate *n = component_step(ax, c, inv, entry_in);
        if (!n || !draco_actx_ok(ax)) {
            draco_as_free(ax, n);
            goto done;
        }
        if (draco_as_leq(ax, inv, n)) {
            draco_as_free(ax, n);
            break;
        }
        if (d == 0)
            draco_as_meet_into(ax, inv, n);
        else
            draco_as_narrow_into(ax, inv, n);
        draco_as_free(ax, n);
        if (d + 1 == DRACO_FIX_MAX_DESCEND) {
            /* leave posts computed from the final invariant */
            n = component_step(ax, c, inv, entry_in);
            draco_as_free(ax, n);
        }
    }
done:
    draco_as_free(ax, ax->head_inv[c]);
    ax->head_inv[c] = inv;
    draco_as_free(ax, entry_in);
}

static void run_range(struct draco_actx *ax, uint32_t begin, uint32_t end)
{
    const struct draco_wto *w = ax->wto;
    uint32_t i = begin;
    while (i < end && draco_actx_ok(ax)) {
        uint32_t v = w->order[i];
        uint32_t c = draco_wto_head_comp(w, v);
        if (c != DRACO_CFG_NONE && w->comps[c].begin == i) {
            run_component(ax, c);
            i = w->comps[c].end;
        } else {
            struct draco_astate *pre = pre_consume(ax, v, true);
            if (!pre)
                return;
            visit(ax, v, pre);
            i++;
        }
    }
}

draco_status draco_fixpoint_setup(struct draco_actx *ax)
{
    if (ax->wto->max_depth > DRACO_FIX_MAX_NESTING)
        draco_actx_fail(ax, DRACO_ERR_LIMIT, "loops nested %u deep", ax->wto->max_depth);
    if (draco_actx_ok(ax) && !ax->entry) {
        if (ax->opts.setup_entry) {
            ax->entry = draco_as_new_entry(ax);
        } else {
            /* conformance mode: nothing assumed but the loop counters' start */
            ax->entry = draco_as_new_top(ax);
            for (uint32_t v = 0; ax->entry && v < ax->cfg->n_nodes; v++)
                if (ax->cfg->nodes[v].kind == DRACO_CFG_COUNTER)
                    draco_as_set_cst(ax, ax->entry, draco_counter_var(ax, v), 0);
        }
        if (ax->entry && ax->opts.n_pre)
            draco_as_apply_constraints(ax, ax->entry, ax->opts.pre, ax->opts.n_pre);
    }
    return ax->status;
}

draco_status draco_fixpoint_run(struct draco_actx *ax)
{
    draco_fixpoint_setup(ax);
    if (draco_actx_ok(ax))
        run_range(ax, 0, ax->wto->n);
    return ax->status;
}

draco_status draco_fixpoint_replay(struct draco_actx *ax,
                                   void (*fn)(void *user, uint32_t v, struct draco_astate *pre),
                                   void *user)
{
    const struct draco_wto *w = ax->wto;
    const struct draco_cfg *cfg = ax->cfg;
    for (uint32_t v = 0; v < cfg->n_nodes; v++) {
        draco_as_list_free(ax, ax->post[v]);
        ax->post[v] = NULL;
        /* readers of post[v] in the replay: every successor that is not a loop head */
        uint32_t n = 0;
        const uint32_t *sc = draco_cfg_succs(cfg, v);
        for (uint32_t i = 0; i < draco_cfg_succ_count(cfg, v); i++)
            n += !draco_wto_is_head(w, sc[i]);
        ax->pending[v] = n;
    }
    ax->replay_stop = false;
    for (uint32_t i = 0; i < w->n && draco_actx_ok(ax) && !ax->replay_stop; i++) {
        uint32_t v = w->order[i];
        struct draco_astate *pre;
        uint32_t c = draco_wto_head_comp(w, v);
        if (c != DRACO_CFG_NONE)
            pre = ax->head_inv[c] ? draco_as_copy(ax, ax->head_inv[c]) : draco_as_new_bottom(ax);
        else if (v == cfg->entry)
            pre = draco_as_copy(ax, ax->entry);
        else
            pre = preds_concat(ax, v, false, true);
        if (!pre)
            break;
        if (!pre->bottom)
            fn(user, v, pre);
        ax->visits++;
        if ((ax->visits & 255) == 0)
            draco_actx_time_ok(ax);
        for (struct draco_astate *d = pre; d; d = d->alt) {
            if (d->bottom)
                continue;
            if (++ax->work > ax->opts.max_work && ax->opts.max_work && draco_actx_ok(ax))
                draco_actx_fail(ax, DRACO_ERR_LIMIT, "work limit of %llu transfers exceeded",
                                (unsigned long long)ax->opts.max_work);
            draco_transfer_node(ax, v, d);
        }
        pre = draco_as_list_normalize(ax, pre, disj_at(ax, v));
        draco_as_list_free(ax, ax->post[v]);
        ax->post[v] = pre;
        if (ax->pending[v] == 0 && v != cfg->exit) {
            draco_as_list_free(ax, ax->post[v]);
            ax->post[v] = NULL;
        }
    }
    if (ax->replay_stop) {
        draco_as_list_free(ax, ax->post[cfg->exit]);
        ax->post[cfg->exit] = NULL;
    }
    if (ax->post[cfg->exit])
        ax->post[cfg->exit] = draco_as_list_collapse(ax, ax->post[cfg->exit]);
    return ax->status;
}
