/* SPDX-License-Identifier: MIT */
/* analysis: the safety analysis of one program — entry point shared by the API and the tests.
 *
 * The analysis runs the WTO fixpoint over the eBPF abstract state (types × zones × stack cells),
 * checks every assertion of every reachable node against its pre-state, and reports a verdict
 * with diagnostics. It owns nothing after return except what it put into the result (allocated
 * from the caller's arena). It never reports "pass" when something failed or could not be
 * analysed: any internal failure is an error status, never a verdict.
 */
#ifndef DRACO_ANALYSIS_ANALYSIS_H
#define DRACO_ANALYSIS_ANALYSIS_H

#include "util/util.h"
#include "elf/object.h"
#include "ir/ir.h"
#include "cfg/cfg.h"

struct draco_platform;

struct draco_analysis_opts {
    const struct draco_platform *platform; /* NULL: the built-in Linux platform */
    const char *prog_type;        /* NULL: from the section name; else a libbpf type name (--type) */
    bool strict;                  /* PREVAIL's --strict (array map key checks) */
    bool allow_division_by_zero;  /* default true (ISA semantics: x/0 = 0, x%0 = x) */
    bool check_termination;       /* default true: loop counters, bound 100000 */
    uint32_t stack_frame_size;    /* default 512 */
    uint32_t max_call_frames;     /* default 8 */
    uint64_t max_packet_size;     /* default 65535 */
    bool collect_invariants;      /* keep per-label pre-states as text */
    double time_limit_seconds;    /* 0 = none; exceeded -> DRACO_ERR_LIMIT */
    /* ---- conformance / test support (proposal by "conformance"; defaults keep the normal
     * behaviour). Used by tests/prog_conformance.c to run PREVAIL's YAML cases. ---- */
    /* true (default): the standard entry state (r1 = ctx, r10 = stack end, packet_size, ...).
     * false: PREVAIL's setup_constraints=false -- the entry state is top (every register and
     * stack byte unknown/uninitialised, nothing assumed) met with the `pre` constraints. */
    bool setup_entry;
    /* n_pre constraint strings in PREVAIL's syntax (domains/constraint.h: "r1.type=number",
     * "r1.svalue=[0, 10]", "r2.packet_offset-r1.packet_offset<=4", "s[504...511].type=number",
     * "packet_size=[0, 65534]", "pc[3]=[0, 5]", "_|_"), met into the entry state (after the
     * standard setup when setup_entry is true). Borrowed for the call. A string that does not
     * parse or names no variable -> DRACO_ERR_INVALID with the string in the message. */
    const char *const *pre;
    size_t n_pre;
    /* Fill result->exit_post (the invariant at the virtual EXIT node). Default false. */
    bool collect_exit_post;
    /* Add one "Code becomes unreachable" note per assume node (CFG ASSUME node or explicit
     * DRACO_IR_ASSUME instruction) whose pre-state is reachable and whose post is bottom, to
     * result->notes. Default false. */
    bool report_unreachable;
    /* PREVAIL's big_endian: byte swaps and reassembly of stack bytes as on a big-endian
     * machine. Default false (little endian). */
    bool big_endian;
    /* Trace partitioning (analysis): the most states kept per CFG node, joined beyond that and
     * at loop heads. 0 = the default (1: PREVAIL's path-insensitive join). Larger values accept
     * programs whose safety depends on correlated branches ("flag set => packet long enough"). */
    uint32_t max_disjuncts;
    /* Plain joins at a loop head before widening starts; 0 = the default (1, PREVAIL's). When a
     * program with loops fails, draco_check_run() retries once with a long delay (64), which
     * lets short constant loops converge exactly. */
    uint32_t join_delay;
};
void draco_analysis_opts_init(struct draco_analysis_opts *o);

struct draco_analysis_diag {
    int32_t pc;             /* instruction index (slot) of the failing node; -1 if none */
    const char *label;      /* PREVAIL-style label ("12", "12:15", "3/20") */
    const char *assertion;  /* the assertion as text, NULL if none */
    const char *message;    /* short reason */
};

struct draco_analysis_invariant {
    const char *label;
    const char *pre;        /* constraints, one per line, PREVAIL syntax */
};

struct draco_analysis_result {
    bool passed;
    struct draco_analysis_diag *diags;
    size_t n_diags;
    struct draco_analysis_invariant *invariants;  /* when collect_invariants */
    size_t n_invariants;
    const char *exit_r0;          /* interval of r0 at exit ("[0, 2]"), NULL if unreachable */
    uint64_t max_loop_count;      /* largest loop-counter bound (termination mode) */
    uint64_t iterations;          /* node visits during the fixpoint */
    double analysis_seconds;
    /* when opts->collect_exit_post: the invariant at the virtual EXIT node as PREVAIL constraint
     * strings, sorted (the same text draco_as_print() writes, one string per constraint);
     * {"_|_"} (n_exit_post = 1) when EXIT is unreachable; every string in the arena. */
    const char **exit_post;
    size_t n_exit_post;
    /* when opts->report_unreachable: label = the assume's label ("3:5" for an edge, "3" for an
     * explicit assume instruction), message = "Code becomes unreachable", assertion = the
     * assume ("assume r1 w< r2" -- PREVAIL prints the width on the operator), in node id order.
     * Notes do not affect `passed`. */
    struct draco_analysis_diag *notes;
    size_t n_notes;
};

#endif
