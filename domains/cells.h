/* SPDX-License-Identifier: MIT */
/* domains/cells: byte-addressed memory cells (stack or packet) and a known-numeric byte bitmap.
 *
 * A cell is a tuple (offset, size, kind, var): the caller-allocated variable `var` describes the
 * bytes [offset, offset+size) under the caller's `kind` (value, type, per-region offset, ...).
 * The structure does not interpret kinds or variables; it answers exact and overlap queries and
 * tells the caller which variables to forget when bytes are overwritten.
 *
 * Invariants (non-bottom states): the cell set is a set of distinct tuples kept in one sorted
 * array, ordered by (offset, size, kind, var), with every size >= 1; `max_size` bounds every
 * size present. The bitmap has one bit per byte of [0, nbytes), set iff the byte surely holds an
 * initialized number; bits at or beyond nbytes are zero. nbytes == 0 means "no bitmap" (packet
 * cells: packet bytes are always numbers). Both the cell array and the bitmap are
 * reference-counted and shared by copies until the first write (copy-on-write); a NULL cell
 * array is the empty set and a NULL bitmap is "no byte known numeric".
 *
 * Lattice: facts are "this byte is numeric" and "this cell tracks these bytes", so
 * a ⊑ b iff numeric(b) ⊆ numeric(a) and cells(b) ⊆ cells(a). Join keeps a byte numeric only if
 * it is numeric on both sides and keeps a cell only if it is present on both sides
 * (intersection). This is sound under the caller's invariant that a cell variable that is not
 * registered as a live cell is unconstrained (top) in the numeric domain: a cell present on one
 * side only has a top variable on the other side, so its value after the numeric join is top and
 * dropping the cell loses nothing. Meet is the union of both. The lattice has finite height for a
 * bounded offset range, so widening is the join and narrowing the meet.
 * Not thread-safe: one thread per analysis.
 */
#ifndef DRACO_DOMAINS_CELLS_H
#define DRACO_DOMAINS_CELLS_H

#include <stdbool.h>
#include <stdint.h>
#include "util/util.h"

/** One cell; `kind` and `var` are the caller's. */
struct draco_cell {
    int32_t offset;
    uint32_t size;
    uint32_t kind;
    uint32_t var;
};

/**
 * A cell removed by an overwrite of [lo, hi), with the bytes of the cell the write did not touch:
 * [cell.offset, cell.offset + lo_size) before it and [hi_offset, hi_offset + hi_size) after it
 * (sizes 0 when nothing survives on that side). A caller whose cell held a known numeric
 * constant can re-add the surviving parts as new cells (splitting).
 */
struct draco_cell_kill {
    struct draco_cell cell;
    uint32_t lo_size;
    int32_t hi_offset;
    uint32_t hi_size;
};

typedef DRACO_VEC(struct draco_cell) draco_cell_vec;
typedef DRACO_VEC(struct draco_cell_kill) draco_cell_kill_vec;

struct draco_cells_set;    /* private: reference-counted sorted cell array */
struct draco_cells_bits;   /* private: reference-counted bitmap */

/** Cells plus bitmap. Caller storage: _init_*() / _copy() then draco_cells_fini(). */
struct draco_cells {
    bool bottom;
    uint32_t nbytes;                 /**< bitmap size in bytes (0: no bitmap) */
    struct draco_cells_set *cells;   /**< NULL: no cell */
    struct draco_cells_bits *bits;   /**< NULL: no byte known numeric */
};

/** Top: no cell, no byte known numeric. Never allocates. nbytes is the bitmap size (0: none). */
void draco_cells_init_top(struct draco_cells *c, uint32_t nbytes);
void draco_cells_init_bottom(struct draco_cells *c, uint32_t nbytes);
/** dst (uninitialised) shares src's buffers: O(1). */
void draco_cells_copy(struct draco_cells *dst, const struct draco_cells *src);
/** Replaces the initialised dst by a copy of src: O(1). */
void draco_cells_assign_state(struct draco_cells *dst, const struct draco_cells *src);
/** Releases both buffers; the state is left bottom. */
void draco_cells_fini(struct draco_cells *c);

/* ---- cell queries (never allocate; on bottom they find nothing) ---- */

size_t draco_cells_count(const struct draco_cells *c);
/** The i-th cell in (offset, size, kind, var) order; i < draco_cells_count(). Borrowed until the
 *  next write to c. */
const struct draco_cell *draco_cells_at(const struct draco_cells *c, size_t i);
/** Finds a cell with exactly this offset, size and kind; true and *var set if there is one. */
bool draco_cells_find_exact(const struct draco_cells *c, int32_t offset, uint32_t size, uint32_t kind,
                            uint32_t *var);
/** Appends to out every cell overlapping [lo, hi). DRACO_OK or DRACO_ERR_NOMEM. */
draco_status draco_cells_find_overlapping(const struct draco_cells *c, int64_t lo, int64_t hi,
                                          draco_cell_vec *out);

/* ---- cell updates (no-ops on bottom) ---- */

/** Adds a cell (a no-op if the same tuple is present). DRACO_ERR_INVALID for size 0 or an
 *  offset + size beyond INT32_MAX; DRACO_ERR_NOMEM. */
draco_status draco_cells_add(struct draco_cells *c, struct draco_cell cell);
/**
 * Removes every cell overlapping [lo, hi) and appends one kill record per removed cell to out
 * (which the caller must use to forget the variables). Either all overlapping cells are removed
 * and recorded or, on DRACO_ERR_NOMEM, nothing changes. Writes nothing if nothing overlaps.
 */
draco_status draco_cells_kill(struct draco_cells *c, int64_t lo, int64_t hi, draco_cell_kill_vec *out);

/* ---- the numeric bitmap (ranges are half-open [lo, hi)) ---- */

/** Marks [lo, hi) known numeric. DRACO_ERR_INVALID if the range leaves [0, nbytes). */
draco_status draco_cells_set_numeric(struct draco_cells *c, int64_t lo, int64_t hi);
/** Marks [lo, hi) (clipped to [0, nbytes)) not known numeric. */
draco_status draco_cells_clear_numeric(struct draco_cells *c, int64_t lo, int64_t hi);
/** True iff every byte of [lo, hi) is known numeric (false if it leaves [0, nbytes); true on
 *  bottom and for an empty range inside the bitmap). */
bool draco_cells_is_numeric(const struct draco_cells *c, int64_t lo, int64_t hi);
/** Number of consecutive known-numeric bytes starting at off (0 outside [0, nbytes);
 *  nbytes - off on bottom). */
uint32_t draco_cells_numeric_run(const struct draco_cells *c, int64_t off);

/* ---- stores: over-approximate the effect of writing bytes ---- */

/**
 * Strong update: the bytes [off, off+size) are surely overwritten. Kills the overlapping cells
 * (recorded in kills) and marks the bytes numeric or not (bitmap clipped to [0, nbytes)).
 * The caller then adds the cells that describe the stored value.
 */
draco_status draco_cells_store_strong(struct draco_cells *c, int64_t off, uint32_t size, bool numeric,
                                      draco_cell_kill_vec *kills);
/**
 * Weak update: some bytes of [lo, hi) may be overwritten (unknown address within a range).
 * Kills every overlapping cell; bytes stay numeric only if the stored value is surely numeric
 * (old and new contents then both are numbers), otherwise the whole range is cleared.
 */
draco_status draco_cells_store_weak(struct draco_cells *c, int64_t lo, int64_t hi, bool numeric,
                                    draco_cell_kill_vec *kills);

/* ---- lattice (see the header comment); DRACO_ERR_INVALID if nbytes differ ---- */

/** dst := dst ⊔ src in place; allocates only if dst changes while shared. */
draco_status draco_cells_join_into(struct draco_cells *dst, const struct draco_cells *src);
draco_status draco_cells_meet_into(struct draco_cells *dst, const struct draco_cells *src);
draco_status draco_cells_widen_into(struct draco_cells *dst, const struct draco_cells *src);
draco_status draco_cells_narrow_into(struct draco_cells *dst, const struct draco_cells *src);
bool draco_cells_leq(const struct draco_cells *a, const struct draco_cells *b);
bool draco_cells_is_equal(const struct draco_cells *a, const struct draco_cells *b);
bool draco_cells_is_bottom(const struct draco_cells *c);
bool draco_cells_is_top(const struct draco_cells *c);

/** Appends `numeric: [lo,hi) ...` and one `[o...e].k<kind>=v<var>` per cell (`_|_` if bottom). */
void draco_cells_print(const struct draco_cells *c, struct draco_sb *sb);

#endif
