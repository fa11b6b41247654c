/* SPDX-License-Identifier: MIT */
/* analysis/astate: the eBPF abstract state (types x zone x stack) and the per-analysis context,
 * shared by the files of lib/analysis and by lib/check (private to the library).
 *
 * Invariants:
 *  - A "value slot" (register, stack cell, saved register of an inlined frame) owns one type
 *    variable and up to DRACO_VK_COUNT numeric variables, allocated lazily and densely in the
 *    context (ids are deterministic for one analysis). A kind variable of a slot is meaningful only
 *    when its type is possible; every assignment forgets the kinds of the types it removes.
 *  - A state is bottom iff `bottom` is set; then types/zone/stack hold nothing. A non-bottom state
 *    has a stack buffer. The stack buffer (known-numeric bitmap + live cells) and the zone graph
 *    and the type arrays are reference counted and detached on first write (copy-on-write), so
 *    copying a state is O(1).
 *  - A stack cell that is not in a state's live cell list has unconstrained variables (top) in
 *    that state: killing a cell forgets its variables.
 *  - Errors (out of memory, internal inconsistencies, time limit) are sticky in the context:
 *    transfer functions return nothing and the fixpoint stops at the first error. Nothing here
 *    ever turns an error into a verdict.
 *  - No global or static writable data; everything hangs off struct draco_actx.
 */
#ifndef DRACO_ANALYSIS_ASTATE_H
#define DRACO_ANALYSIS_ASTATE_H

#include "analysis/analysis.h"
#include "cfg/wto.h"
#include "domains/bitset.h"
#include "domains/interval.h"
#include "domains/types.h"
#include "domains/zone.h"
#include "platform/platform.h"

/* numeric kinds of a value slot (PREVAIL's DataKind) */
enum draco_vk {
    DRACO_VK_SVAL, DRACO_VK_UVAL, DRACO_VK_CTX_OFF, DRACO_VK_MAP_FD, DRACO_VK_MAP_FD_PROG,
    DRACO_VK_PKT_OFF, DRACO_VK_SHARED_OFF, DRACO_VK_SHARED_SIZE, DRACO_VK_STACK_OFF,
    DRACO_VK_STACK_NUMSIZE, DRACO_VK_SOCK_OFF, DRACO_VK_BTF_OFF, DRACO_VK_ALLOC_OFF,
    DRACO_VK_ALLOC_SIZE, DRACO_VK_COUNT
};

#define DRACO_NREGS 11

/* Beyond PREVAIL (as the kernel): helper-allocated memory (ring-buffer records) takes pointer
 * arithmetic and may be passed as helper memory, bounds- and null-checked like a map value. */
#define DRACO_TS_ARITH ((draco_typeset)(DRACO_TS_PTR | DRACO_TS(DRACO_TYPE_ALLOC_MEM)))
#define DRACO_TS_ARITH_OR_NUM ((draco_typeset)(DRACO_TS_ARITH | DRACO_TS_NUM))
#define DRACO_TS_HELPER_MEM ((draco_typeset)(DRACO_TS_MEM | DRACO_TS(DRACO_TYPE_ALLOC_MEM)))

static inline bool draco_zone_is_finite_i128(draco_i128 x)
{
    return x != DRACO_I128_PINF && x != DRACO_I128_NINF;
}
#define DRACO_VAR_NONE UINT32_MAX

/* owner of a numeric variable (for names) */
enum draco_vowner { DRACO_VO_REG, DRACO_VO_CELL, DRACO_VO_SAVED, DRACO_VO_GLOBAL, DRACO_VO_COUNTER };

struct draco_vslot {
    uint8_t owner;                  /* enum draco_vowner */
    uint32_t idx;                   /* register, cell registry index, saved slot index */
    uint32_t tvar;                  /* type variable */
    uint32_t var[DRACO_VK_COUNT];   /* numeric variables, DRACO_VAR_NONE until first use */
};

struct draco_vname {
    uint8_t owner;                  /* enum draco_vowner */
    uint8_t kind;                   /* enum draco_vk, or 0/1 for globals */
    uint32_t idx;                   /* reg, cell index, saved slot index, counter node */
};

struct draco_cell_info {
    int32_t off;                    /* absolute stack offset */
    uint32_t size;                  /* 1..8 */
    struct draco_vslot slot;
};

/* a live cell of a state's stack: index into the context's cell registry */
struct draco_stack {
    uint32_t refs;
    uint32_t ncells, capcells;
    uint32_t *cells;                /* registry indices sorted by (off, size) */
    uint64_t num[];                 /* bit i: stack byte i is surely an initialised number */
};

struct draco_astate {
    bool bottom;
    uint8_t tz[DRACO_NREGS];        /* per register: its number value is a multiple of 2^tz
                                       (known trailing zero bits; 0 = nothing known) */
    struct draco_types types;
    struct draco_zone zone;
    struct draco_stack *stack;
    struct draco_astate *next_free; /* free-list link */
    struct draco_astate *alt;       /* next disjunct of a partitioned state (NULL: none) */
};

/* Trace partitioning: a node's post-state may be a short list of states (linked through `alt`)
 * that stands for their union; joins at plain nodes concatenate lists, loop heads and lists
 * longer than ax->max_disj (opts->max_disjuncts) collapse into one joined state. */
#define DRACO_MAX_DISJUNCTS_LIMIT 64

struct draco_actx {
    /* inputs */
    const struct draco_program *prog;
    const struct draco_ir_prog *ir;
    const struct draco_cfg *cfg;
    const struct draco_wto *wto;
    const struct draco_platform *plat;
    const struct draco_prog_type *ptype;
    const struct draco_ctx_desc *ctxd;
    struct draco_analysis_opts opts;
    uint32_t frame_size, total_stack;
    uint32_t max_disj;              /* disjuncts kept per node (>= 1) */
    bool has_rodata;                /* the object has a map with read-only contents (rodata.c) */
    uint32_t join_delay;            /* plain joins at a loop head before widening (>= 1) */
    int64_t ptr_max;                /* abstract addresses are in [1, ptr_max] */
    uint32_t nwords;                /* stack bitmap words */
    /* sticky error */
    draco_status status;
    draco_error *err;
    double deadline;                /* 0 = none */
    uint64_t visits;
    uint64_t work;                  /* disjunct transfers in the fixpoint (opts.max_work) */
    bool replay_stop;               /* set by a replay callback: end draco_fixpoint_replay() now */
    /* domains */
    struct draco_domain_ctx dctx;
    /* variables */
    uint32_t nvars, ntvars;
    DRACO_VEC(struct draco_vname) vnames;
    struct draco_vslot regs[DRACO_NREGS];
    uint32_t packet_size, meta_offset;
    DRACO_VEC(struct draco_cell_info *) cells;  /* each malloc'ed: slot pointers stay valid */
    uint32_t *cell_hash;            /* open addressing over cells, 0 = empty, else index + 1 */
    uint32_t cell_hash_cap;
    struct draco_vslot *saved;      /* n_frames * 4 slots (r6..r9 of the caller per frame) */
    uint32_t *counter_var;          /* per node: loop counter variable, DRACO_VAR_NONE */
    /* widening thresholds (sorted, unique), from the program's comparison constants */
    draco_i128 *thresholds;
    size_t nthresholds;
    /* states */
    struct draco_astate *free_states;
    uint64_t live_states, peak_states;
    /* per-node results of the fixpoint */
    struct draco_astate **post;     /* n_nodes entries, NULL = not computed (or released) */
    uint32_t *pending;              /* per node: consumers of post[v] still to come */
    struct draco_astate **head_inv; /* per WTO component: the final loop invariant */
    struct draco_astate *entry;
};

/* ---------------------------------------------------------------- context (vars.c) */
draco_status draco_actx_init(struct draco_actx *ax, const struct draco_program *prog,
                             const struct draco_ir_prog *ir, const struct draco_cfg *cfg,
                             const struct draco_wto *wto, const struct draco_analysis_opts *opts,
                             draco_error *err);
void draco_actx_fini(struct draco_actx *ax);
/* Records an error (first one wins). */
void draco_actx_fail(struct draco_actx *ax, draco_status st, const char *fmt, ...) DRACO_PRINTF(3, 4);
static inline bool draco_actx_ok(const struct draco_actx *ax) { return ax->status == DRACO_OK; }
/* The variable of kind k of a slot, allocated on first use. */
uint32_t draco_vslot_var(struct draco_actx *ax, struct draco_vslot *s, enum draco_vk k);
static inline uint32_t draco_reg_var(struct draco_actx *ax, unsigned r, enum draco_vk k)
{
    return draco_vslot_var(ax, &ax->regs[r], k);
}
/* Registry index of the cell (off, size), created on first use; UINT32_MAX on error. */
uint32_t draco_cell_intern(struct draco_actx *ax, int32_t off, uint32_t size);
/* Saved slot of register r (6..9) for inlined frame f (>= 1). */
struct draco_vslot *draco_saved_slot(struct draco_actx *ax, uint32_t frame, unsigned r);
/* The loop counter variable of COUNTER node v. */
uint32_t draco_counter_var(struct draco_actx *ax, uint32_t v);
/* Writes the PREVAIL name of numeric variable `var` ("r1.svalue", "s[504...511].type"). */
void draco_var_name(void *ax, uint32_t var, char *buf, size_t n);
const char *draco_vk_name(enum draco_vk k);
/* The numeric kinds that belong to type t (uvalue is type-independent and never listed). */
unsigned draco_type_kinds(draco_type t, enum draco_vk out[2]);
/* Time-limit check; records DRACO_ERR_LIMIT when exceeded. */
bool draco_actx_time_ok(struct draco_actx *ax);

/* ---------------------------------------------------------------- states (state.c) */
struct draco_astate *draco_as_new_bottom(struct draco_actx *ax);
/* Top: every register uninitialised/unknown, nothing known numeric on the stack. */
struct draco_astate *draco_as_new_top(struct draco_actx *ax);
struct draco_astate *draco_as_copy(struct draco_actx *ax, const struct draco_astate *s);
void draco_as_free(struct draco_actx *ax, struct draco_astate *s);
/* Lists of disjuncts (see ax->max_disj). */
void draco_as_list_free(struct draco_actx *ax, struct draco_astate *s);
/* Deep copy of a list (states O(1) each). */
struct draco_astate *draco_as_list_copy(struct draco_actx *ax, const struct draco_astate *s);
/* Joins every disjunct into the first; returns a single state (bottom if the list is empty). */
struct draco_astate *draco_as_list_collapse(struct draco_actx *ax, struct draco_astate *s);
/* Drops bottom disjuncts and collapses a list longer than `max`; never returns NULL unless
 * out of memory (an all-bottom list becomes one bottom state). */
struct draco_astate *draco_as_list_normalize(struct draco_actx *ax, struct draco_astate *s, unsigned max);
void draco_as_set_bottom(struct draco_actx *ax, struct draco_astate *s);
/* a := a join b (with PREVAIL's one-sided type-kind re-imposition). */
void draco_as_join_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b);
void draco_as_widen_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b);
void draco_as_meet_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b);
void draco_as_narrow_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b);
bool draco_as_leq(struct draco_actx *ax, const struct draco_astate *a, const struct draco_astate *b);
/* The entry state (digest §1.4). */
struct draco_astate *draco_as_new_entry(struct draco_actx *ax);
/* Writes the stack bitmap/cells for writing (detaches a shared buffer). */
struct draco_stack *draco_as_stack_own(struct draco_actx *ax, struct draco_astate *s);

/* ---------------------------------------------------------------- numbers (numeric.c) */
void draco_as_itv(struct draco_actx *ax, const struct draco_astate *s, uint32_t var, draco_itv *out);
/* var := [lo, hi] given as an interval (forgets old constraints). */
void draco_as_set_itv(struct draco_actx *ax, struct draco_astate *s, uint32_t var, const draco_itv *v);
void draco_as_set_range(struct draco_actx *ax, struct draco_astate *s, uint32_t var, int64_t lo, int64_t hi);
void draco_as_set_cst(struct draco_actx *ax, struct draco_astate *s, uint32_t var, int64_t c);
/* var := meet(var, v) */
void draco_as_meet_itv(struct draco_actx *ax, struct draco_astate *s, uint32_t var, const draco_itv *v);
void draco_as_forget(struct draco_actx *ax, struct draco_astate *s, uint32_t var);
/* dst := src + k (relational) */
void draco_as_assign_var(struct draco_actx *ax, struct draco_astate *s, uint32_t dst, uint32_t src, int64_t k);
/* dst := a + b + k (relational as far as the zone allows) */
void draco_as_assign_sum(struct draco_actx *ax, struct draco_astate *s, uint32_t dst, uint32_t a,
                         int64_t ca, uint32_t b, int64_t cb, int64_t k);
/* x - y <= k (y may be DRACO_VAR_NONE: x <= k) */
void draco_as_add_le(struct draco_actx *ax, struct draco_astate *s, uint32_t x, uint32_t y, int64_t k);
/* x >= k */
void draco_as_add_ge(struct draco_actx *ax, struct draco_astate *s, uint32_t x, int64_t k);
void draco_as_add_eq(struct draco_actx *ax, struct draco_astate *s, uint32_t x, uint32_t y, int64_t k);
void draco_as_add_neq_cst(struct draco_actx *ax, struct draco_astate *s, uint32_t x, int64_t k);
/* Entailment of x - y <= k (y may be NONE) / x >= k, with k given as i128. */
bool draco_as_entails_le(struct draco_actx *ax, const struct draco_astate *s, uint32_t x, uint32_t y,
                         draco_i128 k);
bool draco_as_entails_ge(struct draco_actx *ax, const struct draco_astate *s, uint32_t x, draco_i128 k);
/* sum(c_i * x_i) + k <= 0 */
bool draco_as_entails_lin(struct draco_actx *ax, const struct draco_astate *s, const struct draco_linexpr *e);
void draco_as_add_lin(struct draco_actx *ax, struct draco_astate *s, const struct draco_linexpr *e,
                      enum draco_cons_kind kind);
/* Interval of a linear expression. */
void draco_as_eval(struct draco_actx *ax, const struct draco_astate *s, const struct draco_linexpr *e,
                   draco_itv *out);
/* draco_num <-> i128 (infinite bounds map to DRACO_I128_PINF/NINF) */
draco_i128 draco_num_to_i128(const draco_num *n, bool upper);
void draco_num_from_i128(draco_num *n, draco_i128 v);

/* ---------------------------------------------------------------- value slots (slots.c) */
draco_typeset draco_as_types(const struct draco_astate *s, const struct draco_vslot *slot);
static inline draco_typeset draco_as_reg_types(const struct draco_actx *ax, const struct draco_astate *s,
                                               unsigned r)
{
    return draco_as_types(s, &ax->regs[r]);
}
/* Forgets the kinds of `slot` that do not belong to a type in `keep` (uvalue is kept if keep_u). */
void draco_slot_forget_kinds(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                             draco_typeset keep, bool keep_u);
/* slot := unknown (every type incl. uninitialised; every kind forgotten). */
void draco_slot_havoc(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot);
/* slot := a value of type t (kinds forgotten, to be set by the caller). */
void draco_slot_set_type(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                         draco_type t);
/* Known trailing zero bits of register slots (alignment of their number value). */
static inline unsigned draco_slot_tz(const struct draco_actx *ax, const struct draco_astate *s,
                                     const struct draco_vslot *slot)
{
    DRACO_UNUSED(ax);
    return slot->owner == DRACO_VO_REG && slot->idx < DRACO_NREGS && !s->bottom ? s->tz[slot->idx] : 0;
}
static inline void draco_slot_set_tz(struct draco_astate *s, const struct draco_vslot *slot, unsigned tz)
{
    if (slot->owner == DRACO_VO_REG && slot->idx < DRACO_NREGS)
        s->tz[slot->idx] = (uint8_t)(tz > 63 ? 63 : tz);
}
/* Rounds register r's number bounds inward to its alignment (after a refinement). */
void draco_slot_align(struct draco_actx *ax, struct draco_astate *s, unsigned r);
/* dst := src (types must-equal, every kind of a possible type copied). */
void draco_slot_copy(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *dst,
                     struct draco_vslot *src);
/* slot := a number in [lo, hi] for both views (lo >= 0 assumed for the unsigned view). */
void draco_slot_set_num_range(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                              int64_t lo, int64_t hi);
/* slot := an unknown number of `width` bytes (zero-extended; sign-extended if is_signed). */
void draco_slot_set_num_width(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                              unsigned width, bool is_signed);
/* The signed and unsigned 64-bit views of a number register, each reduced by the other. */
void draco_slot_num_views(struct draco_actx *ax, const struct draco_astate *s, struct draco_vslot *slot,
                          draco_itv *sv, draco_itv *uv);
/* slot := number with views sv (signed) and uv (unsigned), each meeting the other's image. */
void draco_slot_set_num_views(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *slot,
                              const draco_itv *sv, const draco_itv *uv);

/* ---------------------------------------------------------------- stack (stack.c) */
/* Kills the live cells overlapping [lo, hi) (absolute offsets). */
void draco_stack_kill(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi);
/* Marks [lo, hi) known numeric (num) or not. */
void draco_stack_mark(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi, bool num);
bool draco_stack_all_numeric(const struct draco_actx *ax, const struct draco_astate *s, int64_t lo, int64_t hi);
/* Number of consecutive known-numeric bytes from lo. */
int64_t draco_stack_numeric_run(const struct draco_actx *ax, const struct draco_astate *s, int64_t lo);
/* Live cell (off, size) or NULL. */
struct draco_vslot *draco_stack_find(struct draco_actx *ax, const struct draco_astate *s, int32_t off,
                                     uint32_t size);
/* Stores register slot `val` (or the immediate when val == NULL) at [off, off+w). */
void draco_stack_store(struct draco_actx *ax, struct draco_astate *s, int64_t off, unsigned w,
                       struct draco_vslot *val, int64_t imm);
/* Loads [off, off+w) into register slot dst (sign-extending when is_signed). */
void draco_stack_load(struct draco_actx *ax, struct draco_astate *s, int64_t off, unsigned w,
                      bool is_signed, struct draco_vslot *dst);
/* Recomputes slot R's stack_numeric_size from the bitmap (forgets it unless R is surely a stack
 * pointer): the known-numeric bytes from every possible offset of R. */
void draco_stack_refresh_numsize(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *R);
/* After bytes became numeric: raises stack_numeric_size where the bitmap now proves more. */
void draco_stack_numsize_grow(struct draco_actx *ax, struct draco_astate *s);
/* After [lo, hi) may have become non-numeric: recomputes (or forgets) the sizes that may cover it. */
void draco_stack_numsize_kill(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi);
/* Weak store through an imprecise stack pointer covering [lo, hi). */
void draco_stack_store_weak(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi,
                            bool value_is_num);

/* ---------------------------------------------------------------- transfer (transfer_*.c) */
/* Applies node v of the CFG to s in place. */
void draco_transfer_node(struct draco_actx *ax, uint32_t v, struct draco_astate *s);
void draco_transfer_bin(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s);
void draco_transfer_un(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s);
void draco_transfer_mem(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in,
                        struct draco_astate *s);
void draco_transfer_atomic(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s);
void draco_transfer_lddw(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s);
void draco_transfer_assume(struct draco_actx *ax, const struct draco_cfg_cond *c, struct draco_astate *s);
void draco_transfer_call(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in,
                         struct draco_astate *s);
void draco_transfer_packet(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s);
void draco_transfer_call_local(struct draco_actx *ax, uint32_t v, struct draco_astate *s);
void draco_transfer_exit(struct draco_actx *ax, uint32_t v, struct draco_astate *s);
/* Helper contract of a CALL/CALLX instruction (NULL if unknown: the checker rejects it). */
const struct draco_helper_proto *draco_call_proto(struct draco_actx *ax, const struct draco_ir_insn *in,
                                                  const char **name);
/* Map descriptor by fd, NULL if unknown. */
const struct draco_map_desc *draco_actx_map(const struct draco_actx *ax, int64_t fd);
/* Whether the range of fd values of map-fd register r is a known set of maps; value/key size min. */
bool draco_reg_map_sizes(struct draco_actx *ax, const struct draco_astate *s, unsigned r, bool programs,
                         uint32_t *key_size, uint32_t *value_size, uint32_t *map_type, bool *type_known);
/* Packet pointers become unusable and packet_size/meta_offset are re-initialised. */
void draco_packet_invalidate(struct draco_actx *ax, struct draco_astate *s);
/* absolute stack offset range of the current frame's r10 */
uint32_t draco_frame_r10(const struct draco_actx *ax, uint32_t frame);

/* ---------------------------------------------------------------- fixpoint and printing */
/* Runs the WTO fixpoint (draco_fixpoint_setup() first); results in ax->post[]. */
draco_status draco_fixpoint_run(struct draco_actx *ax);
/* Only builds the entry state. For a program without loops (no WTO component) a replay right
 * after it computes exactly what the fixpoint followed by a replay would: every pre-state is the
 * join of its predecessors' posts, which the replay recomputes in WTO order. */
draco_status draco_fixpoint_setup(struct draco_actx *ax);
/* Pre-state of node v from the posts of its predecessors (entry state for ENTRY); caller frees. */
struct draco_astate *draco_fixpoint_pre(struct draco_actx *ax, uint32_t v);
/* After draco_fixpoint_run(): one pass in WTO order that recomputes every node's pre-state from
 * the loop invariants (heads) and its predecessors' posts, calls fn(user, v, pre) with it, and
 * applies the node. Posts are released as soon as their last consumer has read them, so memory
 * stays proportional to the live frontier. ax->post[exit] is kept. A callback that sets
 * ax->replay_stop ends the pass after its node; ax->post[exit] is then NULL. */
draco_status draco_fixpoint_replay(struct draco_actx *ax,
                                   void (*fn)(void *user, uint32_t v, struct draco_astate *pre),
                                   void *user);
/* fn may set disjuncts of `pre` to bottom (a failed assertion stops that path, as in PREVAIL). */
/* Meets state s with PREVAIL constraint strings (conformance interface: opts->pre); unknown
 * names or malformed strings are DRACO_ERR_INVALID (recorded in the context). */
void draco_as_apply_constraints(struct draco_actx *ax, struct draco_astate *s, const char *const *pre,
                                size_t n);
/* The unsigned value range of the number held in stack bytes [off, off+w) when known (an exact
 * number cell or constant bytes). */
bool draco_stack_value_range(struct draco_actx *ax, const struct draco_astate *s, int64_t off, unsigned w,
                             draco_itv *u);
/* Adds cell ci to s's live cells. */
void draco_stack_cell_add(struct draco_actx *ax, struct draco_astate *s, uint32_t ci);
/* Appends the state as PREVAIL constraints, one per line, sorted. */
void draco_as_print(struct draco_actx *ax, const struct draco_astate *s, struct draco_sb *sb);

#endif
