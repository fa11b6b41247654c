/* SPDX-License-Identifier: MIT */
/* domain_ops: the typed operations table every numeric domain exports, linear expressions and
 * constraints over dense variable indices, and the caller-owned scratch context.
 *
 * Invariants: every abstract value starts with `const struct draco_domain_ops *ops` (embedded as
 * `struct draco_absval`), so a value passed to the wrong domain is caught by comparing pointers.
 * A linear expression is `sum(coef[i] * x[var[i]]) + cst` with at most DRACO_LINEXPR_MAX terms,
 * int64 coefficients and a 128-bit constant (eBPF unsigned values need 64 bits plus a sign).
 * Numbers in this header are exact; `draco_i128` never wraps in domain code (every operation is
 * overflow-checked, and an overflowing bound is dropped to infinity, which is sound).
 * The scratch context holds no abstract state: a domain may clobber its buffers in any call.
 * Nothing here is global; one context must not be used by two threads at once.
 */
#ifndef DRACO_DOMAINS_DOMAIN_OPS_H
#define DRACO_DOMAINS_DOMAIN_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/util.h"

__extension__ typedef __int128 draco_i128;

/** Largest / smallest draco_i128; used as +oo / -oo by bound pairs. Finite values lie strictly
 *  between them. */
#define DRACO_I128_PINF ((draco_i128)(((unsigned __int128)1 << 127) - 1))
#define DRACO_I128_NINF (-DRACO_I128_PINF - 1)

#define DRACO_LINEXPR_MAX 8

/** One term coef * x[var]. */
struct draco_linterm {
    uint32_t var;
    int64_t coef;
};

/** sum(terms) + cst. Terms need not be normalised (a variable may repeat; coef may be 0). */
struct draco_linexpr {
    uint32_t nterms;
    struct draco_linterm terms[DRACO_LINEXPR_MAX];
    draco_i128 cst;
};

enum draco_cons_kind {
    DRACO_CONS_LEQ = 0, /**< expr <= 0 */
    DRACO_CONS_EQ = 1,  /**< expr == 0 */
    DRACO_CONS_NEQ = 2, /**< expr != 0 */
};

struct draco_lincons {
    struct draco_linexpr expr;
    enum draco_cons_kind kind;
};

/** Inclusive bounds of a variable or expression; lb == DRACO_I128_NINF means -oo and
 *  ub == DRACO_I128_PINF means +oo. `empty` is set for bottom. */
struct draco_bound_pair {
    draco_i128 lb, ub;
    bool empty;
};

/** Names a variable for printing: writes a NUL-terminated name into buf (size n). */
typedef void (*draco_var_namer)(void *user, uint32_t var, char *buf, size_t n);

/** Statistics a domain may update (never read by the domains themselves). */
struct draco_domain_stats {
    uint64_t closures;        /**< incremental closure steps */
    uint64_t full_closures;   /**< from-scratch closures */
    uint64_t edges_dropped;   /**< derived edges whose int64 weight overflowed (dropped: sound) */
    uint64_t graph_copies;    /**< copy-on-write detaches */
};

#define DRACO_DOMAIN_SCRATCH_SLOTS 6

/**
 * Caller-owned context: scratch buffers reused by every call (no allocation once warm), the
 * widening thresholds and statistics. Initialise with draco_domain_ctx_init(), release with
 * draco_domain_ctx_fini(). Not thread-safe: one context per thread.
 */
struct draco_domain_ctx {
    struct {
        void *data;
        size_t cap; /* bytes */
    } scratch[DRACO_DOMAIN_SCRATCH_SLOTS];
    const draco_i128 *thresholds; /**< ascending finite thresholds for widening, borrowed; may be NULL */
    size_t nthresholds;
    struct draco_domain_stats stats;
};

void draco_domain_ctx_init(struct draco_domain_ctx *ctx);
void draco_domain_ctx_fini(struct draco_domain_ctx *ctx);
/** Scratch slot `slot` with room for `bytes` (16-byte aligned); NULL on out-of-memory. The
 *  previous contents of the slot are not preserved. */
void *draco_domain_scratch(struct draco_domain_ctx *ctx, unsigned slot, size_t bytes);

/** Common header of every abstract value. */
struct draco_absval {
    const struct draco_domain_ops *ops;
};

/**
 * The typed operations table of a numeric domain. In-place operations (join, meet, widen,
 * narrow, assign_linexpr, add_constraint, forget) update `a`; on an error status `a` is left as
 * a sound over-approximation (possibly top for the touched variables) of its intended result.
 * Values are heap objects: `top`/`bottom`/`copy` return a new one, `free` releases it (NULL ok).
 */
struct draco_domain_ops {
    const char *name;
    draco_status (*top)(struct draco_domain_ctx *ctx, struct draco_absval **out);
    draco_status (*bottom)(struct draco_domain_ctx *ctx, struct draco_absval **out);
    draco_status (*copy)(struct draco_domain_ctx *ctx, const struct draco_absval *a,
                         struct draco_absval **out);
    void (*free)(struct draco_domain_ctx *ctx, struct draco_absval *a);
    bool (*is_bottom)(const struct draco_absval *a);
    bool (*is_top)(const struct draco_absval *a);
    bool (*leq)(struct draco_domain_ctx *ctx, const struct draco_absval *a,
                const struct draco_absval *b);
    draco_status (*join)(struct draco_domain_ctx *ctx, struct draco_absval *a,
                         const struct draco_absval *b);
    draco_status (*meet)(struct draco_domain_ctx *ctx, struct draco_absval *a,
                         const struct draco_absval *b);
    draco_status (*widen)(struct draco_domain_ctx *ctx, struct draco_absval *a,
                          const struct draco_absval *b);
    draco_status (*narrow)(struct draco_domain_ctx *ctx, struct draco_absval *a,
                           const struct draco_absval *b);
    draco_status (*assign_linexpr)(struct draco_domain_ctx *ctx, struct draco_absval *a,
                                   uint32_t var, const struct draco_linexpr *e);
    draco_status (*add_constraint)(struct draco_domain_ctx *ctx, struct draco_absval *a,
                                   const struct draco_lincons *c);
    bool (*entails)(struct draco_domain_ctx *ctx, const struct draco_absval *a,
                    const struct draco_lincons *c);
    struct draco_bound_pair (*bound)(const struct draco_absval *a, uint32_t var);
    draco_status (*forget)(struct draco_domain_ctx *ctx, struct draco_absval *a, uint32_t var);
    void (*print)(const struct draco_absval *a, draco_var_namer names, void *user,
                  struct draco_sb *sb);
};

#endif
