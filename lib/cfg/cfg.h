/* SPDX-License-Identifier: MIT */
/* cfg: the control-flow graph of one program, with assume edges and bpf2bpf calls inlined per site.
 *
 * Invariants of a built struct draco_cfg:
 *  - Node 0 is the virtual ENTRY node; `exit` is the virtual EXIT node (last id after
 *    draco_cfg_build()). Every other node is reachable from ENTRY; EXIT may be unreachable (a
 *    program that never returns), then it has no predecessors.
 *  - One INSN node per reachable non-filler slot per frame; a conditional jump whose target differs
 *    from its fall-through has exactly two successors, ASSUME nodes: first the fall-through one
 *    (negated condition, `to` = pc+1), then the taken one (`to` = target); each ASSUME node has
 *    exactly one successor. A CALL_LOCAL node has exactly one successor: the callee's first node in
 *    frame `callee_frame`; the callee's EXIT nodes lead to the frame's `return_node`.
 *    After draco_cfg_add_loop_counters(), a loop head's only successor is its COUNTER node, which
 *    carries the head's original successors (so a CALL_LOCAL head reaches its callee through it).
 *  - Frame 0 is the entry function; every other frame is one inlined call site (a tree through
 *    `parent`), so each call site has its own copy of the callee, back edges included.
 *  - A helper call that takes a callback (opts->callback_helpers) whose callback register is set by
 *    a code address in the same basic block is a callback site: the CALL node (callee_frame = its
 *    HELPER frame h) has one successor, the CB_LOOP node; CB_LOOP's successors are CB_ENTER then
 *    CB_DONE; CB_ENTER (callee_frame = the CALLBACK frame, child of h) leads to the callback's
 *    first node, the callback's EXIT nodes lead to CB_RETURN, whose only successor is CB_LOOP;
 *    CB_DONE's only successor is the call's continuation. The four virtual nodes are in frame h
 *    with pc = the call's pc and insn = the call. A callback site inside a callback frame is not
 *    inlined (its CALL node keeps its plain successor, callee_frame NONE).
 *  - Successors and predecessors are CSR arrays: the successors of v are
 *    succ[succ_start[v] .. succ_start[v+1]). Everything lives in the arena given to
 *    draco_cfg_build(); nothing is freed separately.
 * Thread-safety: a built CFG is immutable except through draco_cfg_add_loop_counters(); readers may
 * share it.
 */
#ifndef DRACO_CFG_CFG_H
#define DRACO_CFG_CFG_H

#include "util/util.h"
#include "ir/ir.h"

#define DRACO_CFG_NONE UINT32_MAX

enum draco_cfg_node_kind {
    DRACO_CFG_ENTRY,    /* virtual entry */
    DRACO_CFG_EXIT,     /* virtual exit (after a top-level EXIT instruction) */
    DRACO_CFG_INSN,     /* one instruction */
    DRACO_CFG_ASSUME,   /* the condition of a conditional jump holding on one of its edges */
    DRACO_CFG_COUNTER,  /* loop counter increment after a WTO head (draco_cfg_add_loop_counters) */
    DRACO_CFG_CB_LOOP,  /* callback site: head of the helper's loop over callback invocations */
    DRACO_CFG_CB_ENTER, /* callback site: the helper invokes the callback (arguments, new frame) */
    DRACO_CFG_CB_RETURN,/* callback site: the callback returned (its r0 is checked) */
    DRACO_CFG_CB_DONE,  /* callback site: the helper returns to the caller */
};

enum draco_cfg_frame_kind {
    DRACO_FRAME_CALL,      /* frame 0 or an inlined bpf2bpf call */
    DRACO_FRAME_HELPER,    /* a callback helper's own frame: no instructions, no stack */
    DRACO_FRAME_CALLBACK,  /* the callback function invoked by the helper of its parent frame */
};

/* `left op right` where right is register `right` (right_is_reg) or `imm`. */
struct draco_cfg_cond {
    uint8_t op;          /* enum draco_cond_op (never DRACO_COND_ALWAYS) */
    uint8_t left;        /* register 0..10 */
    uint8_t right;       /* register 0..10 when right_is_reg */
    bool right_is_reg;
    bool is64;           /* JMP (64-bit compare) vs JMP32 */
    int64_t imm;
};

struct draco_cfg_node {
    uint8_t kind;                      /* enum draco_cfg_node_kind */
    struct draco_cfg_cond cond;        /* ASSUME only */
    uint32_t pc;                       /* INSN: its slot; ASSUME: the jump's slot; COUNTER: the
                                          head's pc (NONE for a virtual head); ENTRY/EXIT: NONE */
    uint32_t to;                       /* ASSUME: the edge's destination pc; else NONE */
    uint32_t frame;                    /* index into cfg->frames (0 for ENTRY/EXIT) */
    uint32_t callee_frame;             /* INSN CALL_LOCAL: the frame its callee runs in; INSN CALL
                                          of a callback site: its HELPER frame; CB_ENTER: the
                                          CALLBACK frame; else NONE */
    uint32_t loop_head;                /* COUNTER: node id of the loop head; else NONE */
    const struct draco_ir_insn *insn;  /* INSN: the instruction (borrowed from the program);
                                          CB_*: the helper call */
};

/* One inlined call site (or the entry function, frame 0). A callback site has two frames: the
 * HELPER frame (child of the caller's; same depth, it uses no eBPF stack; its nodes are the CB_*
 * ones; call_node = the CALL, return_node = the call's continuation, entry_pc = the callback's
 * pc) and the CALLBACK frame (child of the HELPER frame, one deeper; call_node = CB_ENTER,
 * return_node = CB_RETURN). */
struct draco_cfg_frame {
    uint32_t parent;       /* parent frame; NONE for frame 0 */
    uint32_t depth;        /* number of frames on the call stack here: 1 for frame 0 */
    uint32_t call_pc;      /* pc of the CALL_LOCAL (or helper call) in the parent frame; NONE for frame 0 */
    uint32_t call_node;    /* node of that call; NONE for frame 0 or an unreachable site */
    uint32_t return_node;  /* parent-frame node where the callee's EXITs lead; NONE if none/unreachable */
    uint32_t entry_pc;     /* first pc of the function running in this frame */
    uint8_t kind;          /* enum draco_cfg_frame_kind */
    const char *prefix;    /* label prefix: "" for frame 0, "3/" or "3/20/" for inlined frames */
};

struct draco_cfg {
    const struct draco_ir_prog *prog;  /* borrowed */
    struct draco_arena *arena;         /* owns every array below */
    struct draco_cfg_node *nodes;
    uint32_t n_nodes;
    uint32_t entry, exit;              /* node ids */
    uint32_t *succ_start, *succ;       /* CSR, n_nodes + 1 starts */
    uint32_t *pred_start, *pred;
    uint32_t n_edges;
    struct draco_cfg_frame *frames;
    uint32_t n_frames;
    uint32_t max_depth;                /* deepest frame depth used */
    size_t n_unreachable;              /* non-filler slots of the program that are in no node */
    uint32_t n_counters;               /* COUNTER nodes inserted */
};

/* A helper whose argument register `reg` (1..5) is a callback function. */
struct draco_cfg_callback_helper {
    int32_t helper_id;
    uint8_t reg;
};

struct draco_cfg_opts {
    size_t size;                /* sizeof(struct draco_cfg_opts); set by draco_cfg_opts_init() */
    uint32_t max_call_frames;   /* maximum call stack depth, entry frame included (default 8) */
    uint32_t max_nodes;         /* refuse larger graphs after inlining (default 1 << 24) */
    /* helpers whose callback is inlined (borrowed); default: the Linux ones the analysis models,
     * bpf_loop (181) and bpf_for_each_map_elem (164), callback in r2. n = 0: none. */
    const struct draco_cfg_callback_helper *callback_helpers;
    uint32_t n_callback_helpers;
};

/* Fills defaults. */
void draco_cfg_opts_init(struct draco_cfg_opts *opts);

/*
 * Builds the CFG of `prog` (entry function at pc 0, subprograms reached through CALL_LOCAL).
 * `opts` may be NULL (defaults). All memory comes from `arena`; `prog` must outlive the CFG.
 * Errors (with err->message naming the location like PREVAIL labels):
 *  DRACO_ERR_INVALID: "empty instruction sequence", "jump to undefined label N (at L)",
 *     "fallthrough in last instruction (at L)", "illegal recursion (at L)", bad call target;
 *  DRACO_ERR_LIMIT: "too many call stack frames (at L)", node limit;
 *  DRACO_ERR_NOMEM.
 * On failure *out is zeroed (arena blocks already taken stay in the arena). Linear time in the
 * size of the inlined graph. Thread-safe for distinct arenas/outputs.
 */
draco_status draco_cfg_build(const struct draco_ir_prog *prog, const struct draco_cfg_opts *opts,
                             struct draco_arena *arena, draco_error *err, struct draco_cfg *out);

static inline uint32_t draco_cfg_succ_count(const struct draco_cfg *cfg, uint32_t v)
{
    return cfg->succ_start[v + 1] - cfg->succ_start[v];
}
static inline const uint32_t *draco_cfg_succs(const struct draco_cfg *cfg, uint32_t v)
{
    return cfg->succ + cfg->succ_start[v];
}
static inline uint32_t draco_cfg_pred_count(const struct draco_cfg *cfg, uint32_t v)
{
    return cfg->pred_start[v + 1] - cfg->pred_start[v];
}
static inline const uint32_t *draco_cfg_preds(const struct draco_cfg *cfg, uint32_t v)
{
    return cfg->pred + cfg->pred_start[v];
}

/* Whether v is one of the virtual nodes of a callback site (CB_LOOP, CB_ENTER, CB_RETURN, CB_DONE). */
static inline bool draco_cfg_node_is_callback(const struct draco_cfg *cfg, uint32_t v)
{
    uint8_t k = cfg->nodes[v].kind;
    return k == DRACO_CFG_CB_LOOP || k == DRACO_CFG_CB_ENTER || k == DRACO_CFG_CB_RETURN ||
           k == DRACO_CFG_CB_DONE;
}

/* Node v's instruction, or NULL when v is not an INSN node. */
static inline const struct draco_ir_insn *draco_cfg_node_insn(const struct draco_cfg *cfg, uint32_t v)
{
    return cfg->nodes[v].kind == DRACO_CFG_INSN ? cfg->nodes[v].insn : NULL;
}

/* Appends node v's label as PREVAIL prints it: "12", "12:15", "3/20", "3/20:22", "entry", "exit",
 * "12 (counter)"; callback sites: "40 (callback loop)", "40 (callback enter)", "40 (callback
 * return)", "40 (callback done)". */
void draco_cfg_node_label(const struct draco_cfg *cfg, uint32_t v, struct draco_sb *sb);
/* Appends node v's text: the instruction (draco_ir_print_insn with absolute labels),
 * "assume r1 == 0" / "assume w1 s< r2", "entry", "exit", "counter++ (head L)". */
void draco_cfg_node_text(const struct draco_cfg *cfg, uint32_t v, struct draco_sb *sb);
/* Appends the condition of an assume ("r1 == 0", "w2 s> w3"). */
void draco_cfg_cond_print(const struct draco_cfg_cond *c, struct draco_sb *sb);

#define DRACO_CFG_PRINT_BLOCKS 1u  /* text printer: merge straight-line chains into basic blocks */

/* Text (`--cfg`): one line per node ("L: text -> S1, S2") or, with DRACO_CFG_PRINT_BLOCKS, one
 * line per basic block ("L: text1; text2 -> S1, S2"), in node id order. */
void draco_cfg_print_text(const struct draco_cfg *cfg, unsigned flags, struct draco_sb *sb);
/* Graphviz digraph; node names "n<id>", labels "<label>: <text>". */
void draco_cfg_print_dot(const struct draco_cfg *cfg, struct draco_sb *sb);
/* JSON object {"nodes":[{"id","label","kind","pc","to","frame","text","succ":[...]}...],
 * "frames":[{"id","parent","depth","call_pc","kind" (only "helper"/"callback"),"prefix"}...],
 * "entry","exit","unreachable"}. */
void draco_cfg_print_json(const struct draco_cfg *cfg, struct draco_sb *sb);

#endif
