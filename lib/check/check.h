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
 *
 * How it runs:
 *  - With termination checking, loop counters are added to a shallow copy of `cfg` (new arrays
 *    from `arena`; the caller's CFG is not modified) unless the caller already added them.
 *  - The fixpoint runs over the weak topological order; then one replay pass in WTO order
 *    recomputes each reachable node's pre-state, checks its assertions (first failure per node
 *    is a diagnostic; the failing path stops there, as in PREVAIL) and collects invariants.
 *  - Partitioning policy (opts->partition): AUTO (default) runs the joined analysis (one state
 *    per node) first; a program it rejects is analysed a second time with trace partitioning
 *    (up to opts->partition_budget disjuncts per node, default DRACO_PARTITION_BUDGET) and, if
 *    it has loops, a long join delay before widening. The second verdict and its diagnostics
 *    replace the first only if that round completes within what is left of the time limit (a
 *    time-out keeps the first, already sound, rejection). OFF: the same, but the second round
 *    keeps opts->max_disjuncts (default 1) and runs only for programs with loops. FULL: the
 *    partitioned analysis from the start (a second round only for the join delay).
 *    Every round is sound; a disjunct list over budget is joined, never dropped. The AUTO
 *    re-run stops checking at its first failing node (opts->stop_at_first_failure), so a
 *    program rejected again reports that node's diagnostics; its work is capped at
 *    DRACO_PARTITION_WORK_FACTOR times the first round's node visits (a count, so the verdict
 *    does not depend on the machine's speed). Programs without loops skip the fixpoint: the
 *    checking replay alone computes the same states.
 *  - A path stops at its first failed check (its state becomes bottom there; exits and loop
 *    counters excepted), unless opts->all_failures: then it goes on with its state unchanged and
 *    every later failure is reported too (the AUTO re-run then does not stop at its first one).
 *  - Diagnostics are sorted by instruction index; at most 64 are kept. out->passed is true only
 *    if no assertion failed anywhere; a result with passed == false always has n_diags > 0.
 * Thread-safety: nothing global; distinct calls may run in parallel on distinct arenas (the CFG
 * and program are only read).
 */
draco_status draco_check_run(const struct draco_program *prog, const struct draco_ir_prog *ir,
                                const struct draco_cfg *cfg, const struct draco_analysis_opts *opts,
                                struct draco_arena *arena, draco_error *err,
                                struct draco_analysis_result *out);

#endif
