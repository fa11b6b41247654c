/* SPDX-License-Identifier: MIT */
/* check: the safety verdict — drives the fixpoint of lib/analysis, then checks every assertion of
 * every reachable node against its invariant (a separate pass after the fixpoint, so narrowing has
 * refined the states), and collects diagnostics.
 */
#ifndef DRACO_CHECK_CHECK_H
#define DRACO_CHECK_CHECK_H

#include "analysis/analysis.h"

/*
 * Analyses a decoded program whose CFG is built. `prog` supplies maps (via prog->obj), section and
 * type; all result storage comes from `arena`. Returns DRACO_OK with a verdict in *out, or an error
 * (DRACO_ERR_INVALID/UNSUPPORTED for input the platform refuses, e.g. an unknown helper, with a
 * message; DRACO_ERR_LIMIT; DRACO_ERR_NOMEM; DRACO_ERR_INTERNAL).
 */
draco_status draco_check_run(const struct draco_program *prog, const struct draco_ir_prog *ir,
                                const struct draco_cfg *cfg, const struct draco_analysis_opts *opts,
                                struct draco_arena *arena, draco_error *err,
                                struct draco_analysis_result *out);

#endif
