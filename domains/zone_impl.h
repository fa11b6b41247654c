/* SPDX-License-Identifier: MIT */
/* zone_impl: private representation of the zone graph, shared by domains/zone*.c only.
 *
 * Invariants: the graph has `nverts` vertices (variables 0..nverts-1); every vertex owns an out
 * row and an in row, each a slice [off, off+cap) of the edge pool holding `len` entries sorted by
 * the other endpoint. An edge u->v (x_v - x_u <= w) is present in out(u) and in in(v) with the
 * same weight; u != v always. Slices never overlap; a row that outgrows its slice moves to the
 * end of the pool and its old slice becomes garbage (reclaimed by the next rebuild).
 * Bounds lb/ub use DRACO_I128_NINF/PINF for -oo/+oo; lb <= ub unless the zone is bottom (the zone
 * code turns lb > ub into the bottom flag at once). Excluded values are sorted, unique, and lie
 * strictly between lb and ub.
 */
#ifndef DRACO_DOMAINS_ZONE_IMPL_H
#define DRACO_DOMAINS_ZONE_IMPL_H

#include "domains/zone.h"

struct draco_zone_edge {
    uint32_t v;
    int64_t w;
};

struct draco_zone_row {
    uint32_t off, len, cap;
};

#define DRACO_ZONE_MIN_ONLY 1u

struct draco_zone_vert {
    draco_i128 lb, ub;
    struct draco_zone_row out, in;
    uint8_t flags;
    uint8_t nneq;
    int64_t neq[DRACO_ZONE_NEQ_MAX];
};

struct draco_zone_graph {
    uint32_t refs;
    uint32_t nverts, vcap;
    struct draco_zone_vert *verts;
    struct draco_zone_edge *pool;
    uint32_t pool_len, pool_cap;
    size_t nedges;
};

/** A (u, v, w) triple used when rebuilding a graph from an edge list sorted by (u, v). */
struct draco_zone_triple {
    uint32_t u, v;
    int64_t w;
};

/* scratch slots of struct draco_domain_ctx used by the zone code */
enum {
    DRACO_ZSLOT_PRED = 0,   /* closure: predecessor list */
    DRACO_ZSLOT_SUCC = 1,   /* closure: successor list */
    DRACO_ZSLOT_TRIPLES = 2,/* join/widen: edge list of the result */
    DRACO_ZSLOT_CAND = 3,   /* join: candidate targets of one row */
    DRACO_ZSLOT_SETS = 4,   /* join: vertex sets for re-derived relations */
    DRACO_ZSLOT_WORK = 5,   /* misc */
};

/* ---- exact 128-bit helpers: false when the result is not a finite value ---- */
static inline bool draco_zone_is_finite(draco_i128 x)
{
    return x != DRACO_I128_PINF && x != DRACO_I128_NINF;
}
static inline bool draco_zone_add(draco_i128 a, draco_i128 b, draco_i128 *r)
{
    if (__builtin_add_overflow(a, b, r))
        return false;
    return draco_zone_is_finite(*r);
}
static inline bool draco_zone_sub(draco_i128 a, draco_i128 b, draco_i128 *r)
{
    if (__builtin_sub_overflow(a, b, r))
        return false;
    return draco_zone_is_finite(*r);
}
static inline bool draco_zone_fits64(draco_i128 x)
{
    return x >= INT64_MIN && x <= INT64_MAX;
}

/* ---- graph (zone_graph.c) ---- */
struct draco_zone_graph *draco_zone_graph_new(uint32_t nverts);
void draco_zone_graph_release(struct draco_zone_graph *g);
/** Makes z->g private (copying a shared graph) and at least `nverts` vertices large. */
draco_status draco_zone_graph_own(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t nverts);
/** Index of v in row, or -1. */
long draco_zone_row_find(const struct draco_zone_graph *g, const struct draco_zone_row *r, uint32_t v);
/** Stored weight of u->v; false if absent (or out of range). */
bool draco_zone_edge_get(const struct draco_zone_graph *g, uint32_t u, uint32_t v, int64_t *w);
/** Sets u->v to w (inserting or overwriting). */
draco_status draco_zone_edge_put(struct draco_zone_graph *g, uint32_t u, uint32_t v, int64_t w);
void draco_zone_edge_remove(struct draco_zone_graph *g, uint32_t u, uint32_t v);
/** Removes every edge of v, its bounds and excluded values. */
void draco_zone_vert_clear(struct draco_zone_graph *g, uint32_t v);
/** Replaces all edges of g by `n` triples sorted by (u, v) (no duplicates, u != v). */
draco_status draco_zone_graph_rebuild(struct draco_zone_graph *g, const struct draco_zone_triple *t, size_t n);
/** Implicit weight W(u,v) = min(edge, ub(v) - lb(u)); false when +oo. */
bool draco_zone_weight(const struct draco_zone_graph *g, uint32_t u, uint32_t v, draco_i128 *w);
static inline const struct draco_zone_edge *draco_zone_row_data(const struct draco_zone_graph *g,
                                                                const struct draco_zone_row *r)
{
    return g->pool + r->off;
}

/* ---- lattice (zone_lattice.c) ---- */
/** *out = z if z is closed, else a closed copy held in *tmp (release tmp with draco_zone_fini). */
draco_status draco_zone_closed_view(struct draco_domain_ctx *ctx, const struct draco_zone *z,
                                    struct draco_zone *tmp, const struct draco_zone **out);

/* ---- closure (zone_close.c) ---- */
/** Adds x_v - x_u <= w to a closed graph and restores closure; may set z->bottom. */
draco_status draco_zone_close_edge(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t u,
                                   uint32_t v, draco_i128 w);
/** Tightens ub (upper=true) or lb of v to c and propagates; may set z->bottom. */
draco_status draco_zone_close_bound(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t v,
                                    bool upper, draco_i128 c);
/** Adds x_v != c (refines a bound when c is an endpoint). */
draco_status draco_zone_close_neq(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t v, draco_i128 c);
/** Closes a graph from scratch (sparse Floyd-Warshall + one bound pass); may set z->bottom. */
draco_status draco_zone_close_full(struct draco_domain_ctx *ctx, struct draco_zone *z);

#endif
