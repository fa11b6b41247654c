/* SPDX-License-Identifier: MIT */
/* wto: Bourdoncle's weak topological order of a CFG, hierarchical, built without native recursion.
 *
 * Representation: `order` lists every node of the CFG exactly once. A component (a strongly
 * connected region with its head) occupies the contiguous range order[begin .. end) with its head at
 * order[begin]; nested components are sub-ranges, so "v is inside component c" is the O(1) test
 * begin <= pos[v] < end. comp[v] is the innermost component containing v (for a head: the one it
 * heads), DRACO_CFG_NONE at top level. comps[] is in creation order; a component's parent has a
 * smaller index. Properties (checked by the tests): for every edge u->v, either pos[u] < pos[v] or
 * v is the head of a component containing u. Nodes not reachable from the entry (only EXIT after
 * draco_cfg_build) are appended as top-level vertices at the end.
 * Head choice and order are Bourdoncle's: heads are the first node of each strongly connected
 * region reached by a depth-first search that follows successors in CSR order.
 */
#ifndef DRACO_CFG_WTO_H
#define DRACO_CFG_WTO_H

#include "cfg/cfg.h"

struct draco_wto_comp {
    uint32_t head;     /* node id */
    uint32_t begin;    /* order[begin] == head */
    uint32_t end;      /* one past the last element */
    uint32_t parent;   /* enclosing component, DRACO_CFG_NONE at top level */
    uint32_t depth;    /* 1 for an outermost loop */
};

struct draco_wto {
    uint32_t n;                    /* == cfg->n_nodes */
    uint32_t *order;               /* n node ids */
    uint32_t *pos;                 /* pos[order[i]] == i */
    uint32_t *comp;                /* innermost containing component of each node, or NONE */
    struct draco_wto_comp *comps;
    uint32_t n_comps;
    uint32_t max_depth;            /* deepest nesting of components */
};

/*
 * Computes the WTO of `cfg` with arrays from `arena` (scratch memory is malloc'ed and freed).
 * Returns DRACO_OK, DRACO_ERR_NOMEM, or DRACO_ERR_INTERNAL on an inconsistent graph.
 * Time O(depth * edges) in the worst case (each node is re-searched once per enclosing loop):
 * linear for loop-free graphs and the corpus, but D perfectly nested loops cost O(D^2) (D = 5000:
 * ~2 s). Uses explicit stacks only, so deep graphs cannot overflow the native stack.
 */
draco_status draco_wto_build(const struct draco_cfg *cfg, struct draco_arena *arena, draco_error *err,
                             struct draco_wto *out);

/* Whether node v lies inside component c (its head included). */
static inline bool draco_wto_comp_contains(const struct draco_wto *w, uint32_t c, uint32_t v)
{
    return w->pos[v] >= w->comps[c].begin && w->pos[v] < w->comps[c].end;
}
/* The component v heads, or DRACO_CFG_NONE. */
static inline uint32_t draco_wto_head_comp(const struct draco_wto *w, uint32_t v)
{
    uint32_t c = w->comp[v];
    return c != DRACO_CFG_NONE && w->comps[c].head == v ? c : DRACO_CFG_NONE;
}
/* Whether v is the head of a component. */
static inline bool draco_wto_is_head(const struct draco_wto *w, uint32_t v)
{
    return draco_wto_head_comp(w, v) != DRACO_CFG_NONE;
}
/* The innermost component strictly enclosing v's position as a plain member: for a head, the
 * component around its own; else comp[v]. Walking `parent` from there lists v's nesting (the heads
 * of the loops v is in, innermost first; a head is not nested in its own loop). */
static inline uint32_t draco_wto_nesting_first(const struct draco_wto *w, uint32_t v)
{
    uint32_t c = w->comp[v];
    if (c != DRACO_CFG_NONE && w->comps[c].head == v)
        c = w->comps[c].parent;
    return c;
}

/* Appends the WTO in Bourdoncle's notation with node labels: "entry 0 (1 2 3:5 (5 6)) 7 exit". */
void draco_wto_print(const struct draco_wto *w, const struct draco_cfg *cfg, struct draco_sb *sb);

/*
 * Inserts after each WTO loop head H a COUNTER node (label "H (counter)", loop_head = H, same frame
 * and pc) between H and all of H's successors. Heads of kind DRACO_CFG_CB_LOOP get none: a callback
 * loop is bounded by its helper (bpf_loop: 1 << 23 calls, for_each: the map's entries), so it is
 * neither counted nor subject to the termination check (loops inside the callback are). Node ids of existing nodes do not change; counter
 * nodes get ids n_nodes.., in component order. `wto` must be the WTO of `cfg` and is stale
 * afterwards: rebuild it (each head H then heads a component starting "H H(counter) ...").
 * Returns DRACO_OK, DRACO_ERR_NOMEM (cfg unchanged), DRACO_ERR_INVALID if counters were already added.
 */
draco_status draco_cfg_add_loop_counters(struct draco_cfg *cfg, const struct draco_wto *wto,
                                         draco_error *err);

#endif
