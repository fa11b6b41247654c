/* SPDX-License-Identifier: MIT */
/* domains/types: the region-type domain — a set of types per variable plus must-equality classes.
 *
 * Invariants (non-bottom states): variables are dense indices 0..nvars-1; variables at or beyond
 * nvars are unknown (all types, alone in their class). Every variable v has a non-empty type set
 * set[v] and a representative rep[v], the smallest index of its must-equal class, so rep[v] <= v
 * and rep[rep[v]] == rep[v]; all members of a class carry the same set. Classes whose set is the
 * same singleton {t} are always merged (two variables that are both surely `t` have surely equal
 * types), which makes the representation canonical: two states over the same nvars denote the
 * same element iff their rep[] and set[] arrays are equal. The arrays live in one
 * reference-counted buffer shared by copies and detached on the first write (copy-on-write), so
 * copying a state is O(1). States are not thread-safe: one thread per analysis.
 */
#ifndef DRACO_DOMAINS_TYPES_H
#define DRACO_DOMAINS_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include "util/util.h"

/** Region types, in printing order. */
typedef enum draco_type {
    DRACO_TYPE_UNINIT = 0,
    DRACO_TYPE_NUMBER,
    DRACO_TYPE_CTX,
    DRACO_TYPE_STACK,
    DRACO_TYPE_PACKET,
    DRACO_TYPE_SHARED,
    DRACO_TYPE_MAP_FD,
    DRACO_TYPE_MAP_FD_PROGRAMS,
    DRACO_TYPE_SOCKET,
    DRACO_TYPE_BTF_ID,
    DRACO_TYPE_ALLOC_MEM,
    DRACO_TYPE_FUNC,
    DRACO_TYPE_COUNT
} draco_type;

/** A set of region types: bit t is type t. Only the low DRACO_TYPE_COUNT bits are used. */
typedef uint16_t draco_typeset;

#define DRACO_TS(t) ((draco_typeset)(1u << (t)))
#define DRACO_TS_NONE ((draco_typeset)0)
#define DRACO_TS_ALL ((draco_typeset)((1u << DRACO_TYPE_COUNT) - 1u))
#define DRACO_TS_NUM DRACO_TS(DRACO_TYPE_NUMBER)
/** Pointers with offset arithmetic. */
#define DRACO_TS_PTR ((draco_typeset)(DRACO_TS(DRACO_TYPE_CTX) | DRACO_TS(DRACO_TYPE_STACK) | \
                                      DRACO_TS(DRACO_TYPE_PACKET) | DRACO_TS(DRACO_TYPE_SHARED)))
/** Unique regions: two pointers of one of these types point into the same region. */
#define DRACO_TS_SINGLETON_PTR ((draco_typeset)(DRACO_TS(DRACO_TYPE_CTX) | \
                                DRACO_TS(DRACO_TYPE_STACK) | DRACO_TS(DRACO_TYPE_PACKET)))
/** Generic helper memory. */
#define DRACO_TS_MEM ((draco_typeset)(DRACO_TS(DRACO_TYPE_STACK) | DRACO_TS(DRACO_TYPE_PACKET) | \
                                      DRACO_TS(DRACO_TYPE_SHARED)))
#define DRACO_TS_DEREFERENCEABLE ((draco_typeset)(DRACO_TS_PTR | DRACO_TS(DRACO_TYPE_SOCKET) | \
                                                  DRACO_TS(DRACO_TYPE_ALLOC_MEM)))
#define DRACO_TS_PTR_OR_NUM ((draco_typeset)(DRACO_TS_PTR | DRACO_TS_NUM))

/** The name of a type as PREVAIL prints it ("number", "map_fd_programs", ...); "?" if invalid. */
const char *draco_type_name(draco_type t);
/** Parses a type name; false if unknown. */
bool draco_type_parse(const char *name, draco_type *out);
/**
 * Appends a type set in PREVAIL syntax: a singleton as its bare name (`number`), otherwise
 * braces in enum order (`{number, packet}`); the empty set prints as `{}`.
 */
void draco_typeset_print(draco_typeset s, struct draco_sb *sb);
static inline bool draco_typeset_is_singleton(draco_typeset s) { return s && !(s & (s - 1)); }

struct draco_types_buf;   /* private: reference-counted arrays */

/** A type-domain state. Caller storage: _init_*() / _copy() then draco_types_fini(). */
struct draco_types {
    uint32_t nvars;               /**< variables 0..nvars-1 are stored, the rest are unknown */
    bool bottom;                  /**< no concrete state */
    struct draco_types_buf *buf;  /**< NULL when bottom or nvars == 0 */
};

/** Top over nvars variables (all types possible, no equalities). DRACO_OK or DRACO_ERR_NOMEM. */
draco_status draco_types_init_top(struct draco_types *t, uint32_t nvars);
void draco_types_init_bottom(struct draco_types *t);
/** dst (uninitialised storage) becomes a copy of src sharing its buffer: O(1), never fails. */
void draco_types_copy(struct draco_types *dst, const struct draco_types *src);
/** Replaces the initialised dst by a copy of src (O(1)). */
void draco_types_assign_state(struct draco_types *dst, const struct draco_types *src);
/** Releases the state's reference; accepts a zeroed struct; t is left bottom. */
void draco_types_fini(struct draco_types *t);
/** Makes room for variables 0..nvars-1 (new ones unknown). DRACO_OK or DRACO_ERR_NOMEM. */
draco_status draco_types_ensure(struct draco_types *t, uint32_t nvars);

/* ---- transfer operations: all return DRACO_OK, DRACO_ERR_NOMEM (on detach/growth), and the
 * ones taking variables grow the state as needed. On bottom they do nothing. ---- */

/** v := a value whose type is in s (v leaves its class). s empty -> bottom. */
draco_status draco_types_assign_const(struct draco_types *t, uint32_t v, draco_typeset s);
/** x := y: x takes y's set and becomes must-equal to y. */
draco_status draco_types_assign_var(struct draco_types *t, uint32_t x, uint32_t y);
/** Assumes type(v) in mask: v's whole class is restricted (relational); empty -> bottom. */
draco_status draco_types_restrict(struct draco_types *t, uint32_t v, draco_typeset mask);
/** Assumes type(v) != ty. */
draco_status draco_types_remove(struct draco_types *t, uint32_t v, draco_type ty);
/** Assumes type(x) == type(y): classes merge, sets intersect; empty -> bottom. */
draco_status draco_types_unify(struct draco_types *t, uint32_t x, uint32_t y);
/** Forgets v: all types, alone in its class. */
draco_status draco_types_havoc(struct draco_types *t, uint32_t v);
/**
 * Parallel copy to[i] := from[i] for i < n (used to save/restore a frame's registers). The two
 * lists must be disjoint (DRACO_ERR_INVALID otherwise, state unchanged).
 */
draco_status draco_types_copy_vars(struct draco_types *t, const uint32_t *from, const uint32_t *to,
                                   size_t n);
/** Like draco_types_copy_vars(), then havocs every from[i]: a rename. */
draco_status draco_types_rename_vars(struct draco_types *t, const uint32_t *from, const uint32_t *to,
                                     size_t n);

/* ---- lattice (all over-approximate exactly: the type lattice is finite) ---- */

/** dst := dst ⊔ src (per-variable union; an equality survives iff it holds on both sides).
 *  Allocates only if dst changes and its buffer is shared. */
draco_status draco_types_join_into(struct draco_types *dst, const struct draco_types *src);
/** dst := dst ⊓ src (intersection; equalities of either side; empty -> bottom). */
draco_status draco_types_meet_into(struct draco_types *dst, const struct draco_types *src);
/** Widening is the join: the lattice has finite height. */
draco_status draco_types_widen_into(struct draco_types *dst, const struct draco_types *src);
/** Narrowing is the meet. */
draco_status draco_types_narrow_into(struct draco_types *dst, const struct draco_types *src);
bool draco_types_leq(const struct draco_types *a, const struct draco_types *b);
bool draco_types_is_equal(const struct draco_types *a, const struct draco_types *b);
bool draco_types_is_bottom(const struct draco_types *t);
bool draco_types_is_top(const struct draco_types *t);

/* ---- queries (O(1), never allocate). On bottom, "must" queries are vacuously true and
 *      "may" queries false. ---- */

/** The possible types of v (DRACO_TS_NONE on bottom). */
draco_typeset draco_types_get(const struct draco_types *t, uint32_t v);
/** type(v) ⊆ group. */
bool draco_types_is_in_group(const struct draco_types *t, uint32_t v, draco_typeset group);
bool draco_types_may_have_type(const struct draco_types *t, uint32_t v, draco_type ty);
/** type(v) is surely ty. */
bool draco_types_entail_type(const struct draco_types *t, uint32_t v, draco_type ty);
/** x and y surely have the same type. */
bool draco_types_same_type(const struct draco_types *t, uint32_t x, uint32_t y);
/** (type(x) ∈ s1 ⇒ type(y) ∈ s2), reasoning through equality classes. */
bool draco_types_implies(const struct draco_types *t, uint32_t x, draco_typeset s1, uint32_t y,
                         draco_typeset s2);
/** (type(x) ≠ ty ⇒ type(y) ∈ s). */
bool draco_types_implies_not_type(const struct draco_types *t, uint32_t x, draco_type ty, uint32_t y,
                                  draco_typeset s);

/** Appends v's set in PREVAIL syntax (`_|_` on bottom). */
void draco_types_print_var(const struct draco_types *t, uint32_t v, struct draco_sb *sb);
/** Appends a debug dump: `v<i>: <set>` per non-top variable and `v<i> = v<rep>` equalities. */
void draco_types_print(const struct draco_types *t, struct draco_sb *sb);

#endif
