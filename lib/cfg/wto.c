/* SPDX-License-Identifier: MIT */
/* wto: Bourdoncle's hierarchical weak topological order, and loop-counter insertion.
 *
 * Construction: the graph reachable from ENTRY is split into strongly connected components with an
 * iterative Tarjan search (explicit call stack). Tarjan emits components in reverse topological
 * order, so each one is written backwards from the end of the region it belongs to; a component
 * that is a loop (two or more nodes, or a self-loop) gets as head its Tarjan root (the first node
 * the search reached in it, which is Bourdoncle's head) and becomes a task: its members minus the
 * head are decomposed again, the search starting from the head's successors, edges back to the head
 * ignored. Tasks live on an explicit stack; a member's `comp` entry says which task owns it, so
 * membership is O(1). Every node is written exactly once, heads at the start of their range.
 * Scratch memory is malloc'ed; the result lives in the caller's arena.
 */
#include "cfg/wto.h"

#include <stdlib.h>
#include <string.h>

#define NONE DRACO_CFG_NONE

struct call { uint32_t v, k; };

struct wto_ctx {
    const struct draco_cfg *cfg;
    struct draco_wto *w;
    uint32_t *idx, *low, *stamp;
    uint8_t *onstk;
    DRACO_VEC(uint32_t) tstack;      /* Tarjan's stack */
    DRACO_VEC(struct call) cs;       /* depth-first search call stack */
    DRACO_VEC(uint32_t) tasks;       /* components still to decompose */
    DRACO_VEC(struct draco_wto_comp) comps;
    /* current task */
    uint32_t task, cur, head, tail, counter;
};

static bool is_member(const struct wto_ctx *x, uint32_t v)
{
    return x->w->comp[v] == x->cur && v != x->head;
}

static bool has_self_loop(const struct draco_cfg *cfg, uint32_t v)
{
    for (uint32_t k = cfg->succ_start[v]; k < cfg->succ_start[v + 1]; k++)
        if (cfg->succ[k] == v)
            return true;
    return false;
}

static int dfs_enter(struct wto_ctx *x, uint32_t v)
{
    struct call c = { v, x->cfg->succ_start[v] };
    x->stamp[v] = x->task;
    x->idx[v] = x->low[v] = x->counter++;
    x->onstk[v] = 1;
    if (draco_vec_push(&x->tstack, v) || draco_vec_push(&x->cs, c))
        return -1;
    return 0;
}

/* Pops the component rooted at v from Tarjan's stack and places it before x->tail. */
static int scc_emit(struct wto_ctx *x, uint32_t v)
{
    struct draco_wto *w = x->w;
    size_t top = x->tstack.len, at = top;
    while (at > 0 && x->tstack.data[at - 1] != v)
        at--;
    at--;   /* v's slot; v is on the stack by construction */
    uint32_t s = (uint32_t)(top - at);
    for (size_t k = at; k < top; k++)
        x->onstk[x->tstack.data[k]] = 0;
    x->tstack.len = at;
    if (s > x->tail)
        return -2;
    x->tail -= s;
    w->order[x->tail] = v;
    w->pos[v] = x->tail;
    if (s == 1 && !has_self_loop(x->cfg, v))
        return 0;
    uint32_t id = (uint32_t)x->comps.len;
    uint32_t depth = x->cur == NONE ? 1 : x->comps.data[x->cur].depth + 1;
    struct draco_wto_comp c = { .head = v, .begin = x->tail, .end = x->tail + s, .parent = x->cur,
                                .depth = depth };
    if (draco_vec_push(&x->comps, c) || draco_vec_push(&x->tasks, id))
        return -1;
    for (size_t k = at; k < top; k++)
        w->comp[x->tstack.data[k]] = id;
    return 0;
}

/* One depth-first search of Tarjan's algorithm from root r within the current task. */
static int dfs_run(struct wto_ctx *x, uint32_t r)
{
    const struct draco_cfg *cfg = x->cfg;
    int rc;
    if ((rc = dfs_enter(x, r)))
        return rc;
    while (x->cs.len) {
        struct call *top = &x->cs.data[x->cs.len - 1];
        uint32_t v = top->v;
        if (top->k < cfg->succ_start[v + 1]) {
            uint32_t wn = cfg->succ[top->k++];
            if (!is_member(x, wn))
                continue;
            if (x->stamp[wn] != x->task) {
                if ((rc = dfs_enter(x, wn)))
                    return rc;
            } else if (x->onstk[wn] && x->idx[wn] < x->low[v]) {
                x->low[v] = x->idx[wn];
            }
            continue;
        }
        x->cs.len--;
        if (x->low[v] == x->idx[v] && (rc = scc_emit(x, v)))
            return rc;
        if (x->cs.len) {
            uint32_t u = x->cs.data[x->cs.len - 1].v;
            if (x->low[v] < x->low[u])
                x->low[u] = x->low[v];
        }
    }
    return 0;
}

draco_status draco_wto_build(const struct draco_cfg *cfg, struct draco_arena *arena, draco_error *err,
                             struct draco_wto *out)
{
    struct wto_ctx x;
    draco_status st = DRACO_OK;
    int rc = 0;
    memset(&x, 0, sizeof x);
    if (!cfg || !arena || !out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_wto_build: NULL argument");
    memset(out, 0, sizeof *out);
    uint32_t n = cfg->n_nodes;
    if (n == 0 || cfg->entry >= n)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_wto_build: empty CFG");
    x.cfg = cfg;
    x.w = out;
    out->n = n;
    out->order = draco_arena_alloc(arena, (size_t)n * sizeof *out->order);
    out->pos = draco_arena_alloc(arena, (size_t)n * sizeof *out->pos);
    out->comp = draco_arena_alloc(arena, (size_t)n * sizeof *out->comp);
    x.idx = malloc((size_t)n * sizeof *x.idx);
    x.low = malloc((size_t)n * sizeof *x.low);
    x.stamp = calloc(n, sizeof *x.stamp);
    x.onstk = calloc(n, 1);
    if (!out->order || !out->pos || !out->comp || !x.idx || !x.low || !x.stamp || !x.onstk) {
        rc = -1;
        goto fail;
    }
    memset(out->comp, 0xff, (size_t)n * sizeof *out->comp);
    memset(out->pos, 0xff, (size_t)n * sizeof *out->pos);

    /* reachable nodes (stamp 1) fill [0, r); the others follow in id order */
    uint32_t r = 0;
    if (draco_vec_push(&x.tstack, cfg->entry)) {
        rc = -1;
        goto fail;
    }
    x.stamp[cfg->entry] = 1;
    while (x.tstack.len) {
        uint32_t v = x.tstack.data[--x.tstack.len];
        r++;
        for (uint32_t k = cfg->succ_start[v]; k < cfg->succ_start[v + 1]; k++) {
            uint32_t wn = cfg->succ[k];
            if (wn >= n) {
                rc = -2;
                goto fail;
            }
            if (!x.stamp[wn]) {
                x.stamp[wn] = 1;
                if (draco_vec_push(&x.tstack, wn)) {
                    rc = -1;
                    goto fail;
                }
            }
        }
    }
    uint32_t tailpos = r;
    for (uint32_t v = 0; v < n; v++)
        if (!x.stamp[v]) {
            out->order[tailpos] = v;
            out->pos[v] = tailpos++;
        }

    /* root task: the whole reachable graph */
    x.task = 2;
    x.cur = NONE;
    x.head = NONE;
    x.tail = r;
    x.counter = 0;
    if ((rc = dfs_run(&x, cfg->entry)))
        goto fail;
    if (x.tail != 0) {
        rc = -2;
        goto fail;
    }
    while (x.tasks.len) {
        uint32_t c = x.tasks.data[--x.tasks.len];
        struct draco_wto_comp comp = x.comps.data[c];
        x.task = c + 3;
        x.cur = c;
        x.head = comp.head;
        x.tail = comp.end;
        x.counter = 0;
        for (uint32_t k = cfg->succ_start[comp.head]; k < cfg->succ_start[comp.head + 1]; k++) {
            uint32_t s = cfg->succ[k];
            if (is_member(&x, s) && x.stamp[s] != x.task && (rc = dfs_run(&x, s)))
                goto fail;
        }
        if (x.tail != comp.begin + 1) {
            rc = -2;
            goto fail;
        }
    }
    out->n_comps = (uint32_t)x.comps.len;
    out->comps = draco_arena_alloc(arena, (x.comps.len ? x.comps.len : 1) * sizeof *out->comps);
    if (!out->comps) {
        rc = -1;
        goto fail;
    }
    if (x.comps.len)
        memcpy(out->comps, x.comps.data, x.comps.len * sizeof *out->comps);
    for (uint32_t c = 0; c < out->n_comps; c++)
        if (out->comps[c].depth > out->max_depth)
            out->max_depth = out->comps[c].depth;
fail:
    if (rc == -1)
        st = draco_error_set(err, DRACO_ERR_NOMEM, "out of memory building the WTO");
    else if (rc)
        st = draco_error_set(err, DRACO_ERR_INTERNAL, "inconsistent CFG while building the WTO");
    if (st)
        memset(out, 0, sizeof *out);
    free(x.idx);
    free(x.low);
    free(x.stamp);
    free(x.onstk);
    draco_vec_free(&x.tstack);
    draco_vec_free(&x.cs);
    draco_vec_free(&x.tasks);
    draco_vec_free(&x.comps);
    return st;
}

void draco_wto_print(const struct draco_wto *w, const struct draco_cfg *cfg, struct draco_sb *sb)
{
    uint32_t cur = NONE;
    for (uint32_t i = 0; i < w->n; i++) {
        while (cur != NONE && w->comps[cur].end <= i) {
            draco_sb_putc(sb, ')');
            cur = w->comps[cur].parent;
        }
        if (i)
            draco_sb_putc(sb, ' ');
        uint32_t v = w->order[i];
        uint32_t c = draco_wto_head_comp(w, v);
        if (c != NONE && w->comps[c].begin == i) {
            draco_sb_putc(sb, '(');
            cur = c;
        }
        draco_cfg_node_label(cfg, v, sb);
    }
    for (; cur != NONE; cur = w->comps[cur].parent)
        draco_sb_putc(sb, ')');
}

/* Inserts the k counters numbered by cidx (component -> counter index, NONE = none). */
static draco_status counters_insert(struct draco_cfg *cfg, const struct draco_wto *wto, const uint32_t *cidx,
                                    uint32_t k, draco_error *err)
{
    uint32_t n = cfg->n_nodes;
    if (k == 0)
        return DRACO_OK;
    if ((uint64_t)n + k >= NONE / 2 || (uint64_t)cfg->n_edges + k >= NONE / 2)
        return draco_error_set(err, DRACO_ERR_LIMIT, "too many nodes for loop counters");
    uint32_t n2 = n + k, m2 = cfg->n_edges + k;
    struct draco_arena *a = cfg->arena;
    struct draco_cfg_node *nodes = draco_arena_alloc(a, (size_t)n2 * sizeof *nodes);
    uint32_t *ss = draco_arena_alloc(a, ((size_t)n2 + 1) * sizeof *ss);
    uint32_t *sv = draco_arena_alloc(a, (size_t)m2 * sizeof *sv);
    uint32_t *ps = draco_arena_alloc(a, ((size_t)n2 + 1) * sizeof *ps);
    uint32_t *pv = draco_arena_alloc(a, (size_t)m2 * sizeof *pv);
    if (!nodes || !ss || !sv || !ps || !pv)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory inserting loop counters");
    memcpy(nodes, cfg->nodes, (size_t)n * sizeof *nodes);
    uint32_t *head_of = malloc((size_t)k * sizeof *head_of);   /* counter index -> head */
    if (!head_of)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory inserting loop counters");
    for (uint32_t c = 0; c < wto->n_comps; c++) {
        if (cidx[c] == NONE)
            continue;
        const struct draco_cfg_node *h = &cfg->nodes[wto->comps[c].head];
        head_of[cidx[c]] = wto->comps[c].head;
        nodes[n + cidx[c]] = (struct draco_cfg_node){
            .kind = DRACO_CFG_COUNTER, .pc = h->pc, .to = NONE, .frame = h->frame,
            .callee_frame = NONE, .loop_head = wto->comps[c].head,
        };
    }
    /* successors: a head's go to its counter, the counter takes the head's old ones */
    uint32_t e = 0;
    for (uint32_t v = 0; v < n2; v++) {
        ss[v] = e;
        if (v < n) {
            uint32_t c = draco_wto_head_comp(wto, v);
            if (c != NONE && cidx[c] != NONE) {
                sv[e++] = n + cidx[c];
                continue;
            }
        }
        uint32_t src = v < n ? v : head_of[v - n];
        for (uint32_t j = cfg->succ_start[src]; j < cfg->succ_start[src + 1]; j++)
            sv[e++] = cfg->succ[j];
    }
    ss[n2] = e;
    /* predecessors: a head as predecessor becomes its counter; a counter's only one is its head */
    uint32_t f = 0;
    for (uint32_t v = 0; v < n2; v++) {
        ps[v] = f;
        if (v >= n) {
            pv[f++] = head_of[v - n];
            continue;
        }
        for (uint32_t j = cfg->pred_start[v]; j < cfg->pred_start[v + 1]; j++) {
            uint32_t p = cfg->pred[j];
            uint32_t c = draco_wto_head_comp(wto, p);
            pv[f++] = c != NONE && cidx[c] != NONE ? n + cidx[c] : p;
        }
    }
    ps[n2] = f;
    free(head_of);
    if (e != m2 || f != m2)
        return draco_error_set(err, DRACO_ERR_INTERNAL, "loop counter edge count mismatch");
    cfg->nodes = nodes;
    cfg->n_nodes = n2;
    cfg->succ_start = ss;
    cfg->succ = sv;
    cfg->pred_start = ps;
    cfg->pred = pv;
    cfg->n_edges = m2;
    cfg->n_counters = k;
    return DRACO_OK;
}

draco_status draco_cfg_add_loop_counters(struct draco_cfg *cfg, const struct draco_wto *wto,
                                         draco_error *err)
{
    if (!cfg || !wto)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_cfg_add_loop_counters: NULL argument");
    if (cfg->n_counters)
        return draco_error_set(err, DRACO_ERR_INVALID, "loop counters already inserted");
    if (wto->n != cfg->n_nodes)
        return draco_error_set(err, DRACO_ERR_INVALID, "the WTO does not belong to this CFG");
    uint32_t nc = wto->n_comps, k = 0;
    /* a callback loop is bounded by its helper: no counter (cidx[c] = NONE) */
    uint32_t *cidx = malloc((nc ? nc : 1) * sizeof *cidx);
    if (!cidx)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory inserting loop counters");
    for (uint32_t c = 0; c < nc; c++)
        cidx[c] = cfg->nodes[wto->comps[c].head].kind == DRACO_CFG_CB_LOOP ? NONE : k++;
    draco_status st = counters_insert(cfg, wto, cidx, k, err);
    free(cidx);
    return st;
}
