/* SPDX-License-Identifier: MIT */
/* analysis/rodata: loads from read-only data maps (.rodata, .rodata.*) read the object's bytes.
 *
 * Private to lib/analysis. Only used when opts.rodata_from_object is set; see rodata.c for why
 * the constant it gives is an over-approximation of every value the load can produce.
 */
#ifndef DRACO_ANALYSIS_RODATA_H
#define DRACO_ANALYSIS_RODATA_H

#include "analysis/astate.h"

/* Longest backward walk (CFG nodes) looking for the definition of a load's base register. */
#define DRACO_RODATA_WALK 256
/* Most offsets a load may read at for which the hull of the bytes' values is computed. */
#define DRACO_RODATA_HULL 64

/*
 * The map whose value the base register `reg` holds a pointer into at the entry of CFG node v,
 * when its definition is found: walking back from v over nodes that have exactly one
 * predecessor in the same frame, `reg` is last written by an LDDW of that map's value address
 * (src=2, or src=6 by index), possibly moved by 64-bit `reg += x` / `reg -= x` and copied by
 * 64-bit `reg = rY` (then rY is followed). Returns the map's fd, or 0 when any other write to
 * the register, a join, a call that clobbers it, a frame boundary or the walk limit comes first.
 */
int draco_rodata_base_map(const struct draco_actx *ax, uint32_t v, unsigned reg);

/*
 * The LDX `in` of node v, whose base register is surely a map value pointer (type exactly
 * shared): when opts.rodata_from_object holds, the base points into a read-only data map
 * (draco_rodata_base_map() and its draco_map_desc.rodata bytes), its offset plus in->off is a
 * constant (or a range of at most DRACO_RODATA_HULL offsets) and the access lies fully within
 * the map's bytes, sets in->dst to the number the bytes hold there (little endian, zero- or
 * sign-extended as the load says; the hull over the offsets for a range) and returns true.
 * Otherwise changes nothing and returns false (the caller gives an unknown number).
 */
bool draco_rodata_load(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in,
                       struct draco_astate *s);

#endif
