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
    /* Partitioning policy of draco_check_run() (lib/check): OFF = the joined analysis only
     * (max_disjuncts as given, default 1); AUTO (default) = the joined analysis first, and a
     * program it rejects is analysed again with up to partition_budget disjuncts per node, whose
     * verdict and diagnostics replace the first; FULL = only the partitioned analysis. Both
     * rounds share time_limit_seconds. */
    enum draco_partition { DRACO_PARTITION_AUTO = 0, DRACO_PARTITION_OFF = 1, DRACO_PARTITION_FULL = 2 } partition;
    /* Disjuncts per node of the partitioned round; 0 = the default (DRACO_PARTITION_BUDGET). */
    uint32_t partition_budget;
    /* The most disjunct transfers the fixpoint may make; 0 = no limit. Exceeding it is
     * DRACO_ERR_LIMIT (never a pass). draco_check_run() sets it for the partitioned round of
     * AUTO to DRACO_PARTITION_WORK_FACTOR times the joined round's visits, which keeps the
     * cost of partitioning (and the verdict: the cap is a count, not a time) deterministic. */
    uint64_t max_work;
    /* AUTO: the partitioned round's work limit as a multiple of the joined round's visits;
     * 0 = DRACO_PARTITION_WORK_FACTOR. */
    uint32_t partition_work_factor;
    /* NULL: every node may keep max_disjuncts states. Else one flag per CFG node (of the CFG the
     * analysis runs on, loop counters included): only flagged nodes keep several states, the
     * others join theirs (draco_check_run() flags the nodes shortly before a failed assertion
     * of the joined round: partitioning around the failure). Borrowed for the call. */
    const bool *partition_nodes;
    /* AUTO: how far (CFG edges, backwards) before each failed assertion of the joined round
     * the partitioned round keeps several states; 0 = DRACO_PARTITION_WINDOW, UINT32_MAX = the
     * whole program. Measured on the corpus, a window of 512 edges accepts 24 of the 73
     * PREVAIL-rejected safe programs against 55 for the whole program, at a similar cost (the
     * facts are lost at joins far from the failing access), hence the default. */
    uint32_t partition_window;
    /* Checker: end the checking pass at the first node with a failed assertion (the result then
     * has that node's diagnostics only, and no exit value). Ignored when collect_invariants,
     * collect_exit_post or report_unreachable ask for the whole pass. draco_check_run() sets it
     * for the partitioned round of AUTO, whose failures are the first round's confirmed. */
    bool stop_at_first_failure;
    /* draco_verify_opts.privileged: pointer leaks and uninitialised stack reads allowed (root) */
    bool privileged;
    /* draco_verify_opts.rodata_from_object: read-only data maps hold the object's bytes */
    bool rodata_from_object;
    /* draco_verify_opts.all_failures: a path goes on past a failed check (state unchanged) */
    bool all_failures;
};
#define DRACO_PARTITION_WINDOW UINT32_MAX
#define DRACO_PARTITION_BUDGET 2
#define DRACO_PARTITION_WORK_FACTOR 3
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
