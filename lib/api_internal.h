/* SPDX-License-Identifier: MIT */
/* api_internal: helpers shared by the lib/api*.c files (not part of the public API). */
#ifndef DRACO_API_INTERNAL_H
#define DRACO_API_INTERNAL_H

#include "elf/object.h"
#include "ir/ir.h"

/* Decodes a loaded program (refusing programs with a load error), errors prefixed section/function. */
draco_status draco_api_decode(const struct draco_program *p, struct draco_arena *arena,
                              draco_error *err, struct draco_ir_prog *out);

/* Builds the CFG of a decoded program and prints it (kind CFG or DOT; flags DRACO_PRINT_JSON). */
draco_status draco_api_print_cfg(const struct draco_program *p, const struct draco_ir_prog *ir,
                                 draco_print_kind kind, unsigned flags, struct draco_arena *arena,
                                 struct draco_sb *sb, draco_error *err);

#endif
