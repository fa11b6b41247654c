/* SPDX-License-Identifier: MIT */
/* zone: the zone abstract domain (difference-bound constraints x - y <= k plus per-variable
 * intervals and excluded values), stored as a split, sparse, copy-on-write graph.
 *
 * Invariants (see docs/domains.md "Zones"):
 *  - Variables are dense uint32 indices; a variable the graph has never seen is unconstrained.
 *  - Split representation: per-variable bounds [lb, ub] (exact 128-bit, +-oo as sentinels) are
 *    kept apart from relational edges u -> v of weight w meaning x_v - x_u <= w (int64). A
 *    derived edge whose weight does not fit int64 is dropped, which is always sound.
 *  - Unless the value is marked "unclosed" (only widening produces that), the graph is closed:
 *    relational edges are transitively closed and bounds are tight w.r.t. edges, so the implicit
 *    weight W(u,v) = min(edge(u,v), ub(v) - lb(u)) is the tightest entailed difference.
 *  - The graph is reference counted; a value detaches (copies) it on its first write.
 *  - Bottom is a flag (no graph); top is a value without a graph (allocation-free).
 *  - Excluded values: at most DRACO_ZONE_NEQ_MAX int64 values per variable, all strictly inside
 *    the variable's bounds (an excluded endpoint is removed by moving the bound).
 *  - A "min-only" variable never has a finite upper bound.
 */
#ifndef DRACO_DOMAINS_ZONE_H
#define DRACO_DOMAINS_ZONE_H

#include "domains/domain_ops.h"

#define DRACO_ZONE_NEQ_MAX 3

struct draco_zone_graph;

/** A zone value. Embed it (init/fini) or get one from draco_zone_ops (top/copy/free). */
struct draco_zone {
    struct draco_absval base;           /**< base.ops == &draco_zone_ops */
    struct draco_zone_graph *g;         /**< NULL for top and for bottom */
    bool bottom;
    bool unclosed;                      /**< produced by widening: not re-closed (termination) */
};

extern const struct draco_domain_ops draco_zone_ops;

/** Initialises caller storage as top (no allocation). */
void draco_zone_init_top(struct draco_zone *z);
void draco_zone_init_bottom(struct draco_zone *z);
/** Releases the graph reference. Accepts a zeroed struct. */
void draco_zone_fini(struct draco_zone *z);
/** dst (initialised) becomes a copy of src; O(1): shares the graph. */
void draco_zone_assign_copy(struct draco_zone *dst, const struct draco_zone *src);
void draco_zone_set_top(struct draco_zone *z);
void draco_zone_set_bottom(struct draco_zone *z);

bool draco_zone_is_bottom(const struct draco_zone *z);
bool draco_zone_is_top(const struct draco_zone *z);

/** a ⊑ b (sound: false may be returned for some entailed pairs only if an edge was dropped). */
bool draco_zone_leq(struct draco_domain_ctx *ctx, const struct draco_zone *a, const struct draco_zone *b);
/** a := a ⊔ b (the least upper bound of the closed forms, exact up to dropped edges). */
draco_status draco_zone_join_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b);
/** a := a ⊓ b (closed; may become bottom). */
draco_status draco_zone_meet_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b);
/** a := a ∇ b with ctx->thresholds for bounds; the result is not re-closed. */
draco_status draco_zone_widen_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b);
/** a := a Δ b: only entries that are infinite in a are taken from b. */
draco_status draco_zone_narrow_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b);

/** Removes every constraint on var (bounds, edges, excluded values, min-only flag kept). */
draco_status draco_zone_forget(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var);
/** x_dst := x_src (dst's old constraints are forgotten; dst becomes equal to src). */
draco_status draco_zone_copy_var(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t dst, uint32_t src);
/** Renames src to dst: dst := src, then src is forgotten. */
draco_status draco_zone_rename_var(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t dst, uint32_t src);
/** Marks var min-only (its upper bound is dropped now and never recorded). */
draco_status draco_zone_set_min_only(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var);

/** x_var := e. */
draco_status draco_zone_assign(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var,
                               const struct draco_linexpr *e);
/** z := z ∧ c; difference constraints exactly, other forms through intervals. */
draco_status draco_zone_add_constraint(struct draco_domain_ctx *ctx, struct draco_zone *z,
                                       const struct draco_lincons *c);
/** Whether every point of γ(z) satisfies c (true for bottom). Sound: false when unsure. */
bool draco_zone_entails(struct draco_domain_ctx *ctx, const struct draco_zone *z, const struct draco_lincons *c);

/** Interval of a variable (empty for bottom). */
struct draco_bound_pair draco_zone_bound(const struct draco_zone *z, uint32_t var);
/** Interval of a linear expression, using difference edges for x - y forms. */
struct draco_bound_pair draco_zone_eval(const struct draco_zone *z, const struct draco_linexpr *e);
/** Whether var is known to differ from c (bounds or excluded values). */
bool draco_zone_excludes(const struct draco_zone *z, uint32_t var, draco_i128 c);

struct draco_itv;
/** Interval of var as a number-layer interval (*out initialised; bottom for a bottom zone). */
void draco_zone_bound_itv(const struct draco_zone *z, uint32_t var, struct draco_itv *out);
/** z := z ∧ (var ∈ itv). Bounds beyond ±2^127 are dropped (sound). */
draco_status draco_zone_meet_itv(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var,
                                 const struct draco_itv *itv);

/** Prints one constraint per line in PREVAIL's syntax (`x=[0, 10]`, `y-x<=4`, `x!=6`, `_|_`). */
void draco_zone_print(const struct draco_zone *z, draco_var_namer names, void *user, struct draco_sb *sb);

/** Number of stored relational edges (for tests and benchmarks). */
size_t draco_zone_edge_count(const struct draco_zone *z);

#endif
