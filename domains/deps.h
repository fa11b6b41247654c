/* SPDX-License-Identifier: MIT */
/* domains/deps: per-variable dependency sets — which sources (packet, context, each map) a value
 * may have been computed from.
 *
 * Invariants (non-bottom states): variables 0..nvars-1 have an explicit 64-bit set; variables at
 * or beyond nvars are unknown, i.e. may depend on everything (DRACO_DEP_ALL). The array is
 * reference-counted and shared by copies until the first write (copy-on-write). A set
 * over-approximates: a source missing from it surely did not influence the value. Map indices
 * 0..DRACO_DEP_MAP_SLOTS-1 have a bit each; all larger indices share DRACO_DEP_MAP_OTHER, so
 * they stay sound but are not told apart. Lattice: subset order per variable, join = union,
 * meet = intersection (an empty set is a constant, not bottom); finite height, so widening is
 * the join and narrowing the meet. Not thread-safe: one thread per analysis.
 */
#ifndef DRACO_DOMAINS_DEPS_H
#define DRACO_DOMAINS_DEPS_H

#include <stdbool.h>
#include <stdint.h>
#include "util/util.h"

typedef uint64_t draco_depset;

#define DRACO_DEP_NONE ((draco_depset)0)
#define DRACO_DEP_PACKET ((draco_depset)1 << 0)
#define DRACO_DEP_CTX ((draco_depset)1 << 1)
#define DRACO_DEP_MAP_SLOTS 61u
#define DRACO_DEP_MAP_OTHER ((draco_depset)1 << 63)
/** Every map bit (2..63). */
#define DRACO_DEP_ANY_MAP (~(draco_depset)3)
#define DRACO_DEP_ALL (~(draco_depset)0)

/** The bit of map `index` (DRACO_DEP_MAP_OTHER for index >= DRACO_DEP_MAP_SLOTS). */
static inline draco_depset draco_depset_map(uint32_t index)
{
    return index < DRACO_DEP_MAP_SLOTS ? (draco_depset)1 << (2 + index) : DRACO_DEP_MAP_OTHER;
}

/** Appends `{}`, `{packet, ctx, map0, map7, map*}` (map* for the shared overflow bit). */
void draco_depset_print(draco_depset s, struct draco_sb *sb);

struct draco_deps_buf;   /* private: reference-counted array */

/** Caller storage: _init_*() / _copy() then draco_deps_fini(). */
struct draco_deps {
    uint32_t nvars;
    bool bottom;
    struct draco_deps_buf *buf;   /**< NULL when nvars == 0 or bottom */
};

/** Top: every variable may depend on everything. Never allocates. */
void draco_deps_init_top(struct draco_deps *d);
void draco_deps_init_bottom(struct draco_deps *d);
/** dst (uninitialised) shares src's array: O(1). */
void draco_deps_copy(struct draco_deps *dst, const struct draco_deps *src);
/** Replaces the initialised dst by a copy of src: O(1). */
void draco_deps_assign_state(struct draco_deps *dst, const struct draco_deps *src);
void draco_deps_fini(struct draco_deps *d);

/* ---- transfer operations (no-ops on bottom; DRACO_OK or DRACO_ERR_NOMEM) ---- */

/** deps(v) := s (a constant has DRACO_DEP_NONE; a packet load DRACO_DEP_PACKET, ...). */
draco_status draco_deps_assign(struct draco_deps *d, uint32_t v, draco_depset s);
/** deps(x) := deps(y). */
draco_status draco_deps_assign_var(struct draco_deps *d, uint32_t x, uint32_t y);
/** deps(x) := deps(y) ∪ deps(z) (x := y op z). */
draco_status draco_deps_assign_union(struct draco_deps *d, uint32_t x, uint32_t y, uint32_t z);
/** deps(v) |= s. */
draco_status draco_deps_add(struct draco_deps *d, uint32_t v, draco_depset s);
/** deps(v) := everything. */
draco_status draco_deps_havoc(struct draco_deps *d, uint32_t v);

/* ---- lattice ---- */

/** dst := dst ⊔ src (union); allocates only when dst changes while shared. */
draco_status draco_deps_join_into(struct draco_deps *dst, const struct draco_deps *src);
draco_status draco_deps_meet_into(struct draco_deps *dst, const struct draco_deps *src);
draco_status draco_deps_widen_into(struct draco_deps *dst, const struct draco_deps *src);
draco_status draco_deps_narrow_into(struct draco_deps *dst, const struct draco_deps *src);
bool draco_deps_leq(const struct draco_deps *a, const struct draco_deps *b);
bool draco_deps_is_equal(const struct draco_deps *a, const struct draco_deps *b);
bool draco_deps_is_bottom(const struct draco_deps *d);
bool draco_deps_is_top(const struct draco_deps *d);

/* ---- queries ---- */

/** deps(v) (DRACO_DEP_NONE on bottom). */
draco_depset draco_deps_get(const struct draco_deps *d, uint32_t v);
/** deps(v) ∩ mask ≠ ∅: v may depend on one of the sources in mask (false on bottom). */
bool draco_deps_may_depend(const struct draco_deps *d, uint32_t v, draco_depset mask);
void draco_deps_print_var(const struct draco_deps *d, uint32_t v, struct draco_sb *sb);

#endif
