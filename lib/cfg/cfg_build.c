/* SPDX-License-Identifier: MIT */
/* cfg_build: builds the CFG from the IR: assume edges, per-call-site inlining, pruning.
 *
 * Three linear passes. (1) Templates: for each function (pc 0, then every CALL_LOCAL target) one
 * depth-first walk over the intra-function edges collects its slots; sorted by pc they become local
 * nodes (an INSN node, followed by its two ASSUME nodes for a two-way conditional jump) and local
 * edges, plus the list of its call sites and EXIT nodes. (2) Instantiation: frames form a tree
 * processed breadth-first; each frame copies its function's template at a fresh node base (so every
 * edge, back edges included, is copied: no per-edge cloning can drop one), links the call node to
 * the callee's entry and the callee's EXIT nodes to the caller's continuation. Recursion (a function
 * already on the frame's ancestor chain) and depth limits are refused at this point. (3) Pruning:
 * nodes not reachable from ENTRY (e.g. the continuation of a call that never returns) are dropped,
 * ids are compacted (ENTRY first, EXIT last), and the CSR successor/predecessor arrays are written
 * into the arena. Scratch vectors are malloc'ed and freed before returning.
 * Callback sites (a call of a helper listed in opts->callback_helpers whose callback register is
 * set by a code address earlier in the same basic block) are call sites too: instantiation adds the
 * helper's frame with its four virtual nodes (loop head, enter, return, done; see cfg.h) and
 * queues the callback's frame below it, so the callback is copied per site like a bpf2bpf callee.
 */
#include "cfg/cfg.h"

#include <stdlib.h>
#include <string.h>

#define NONE DRACO_CFG_NONE
#define PRE_ENTRY 0u
#define PRE_EXIT 1u

struct tnode {
    uint32_t pc, to;
    uint8_t kind;      /* DRACO_CFG_INSN or DRACO_CFG_ASSUME */
    bool taken;        /* ASSUME: the jump's own condition (else its negation) */
};
struct tedge { uint32_t a, b; };
struct tcall { uint32_t node, callee_pc, cont; bool callback; };
struct tmpl {
    uint32_t entry_pc, entry_local;
    uint32_t node_begin, node_end;
    uint32_t edge_begin, edge_end;
    uint32_t call_begin, call_end;
    uint32_t exit_begin, exit_end;
};
struct bframe {
    struct draco_cfg_frame pub;
    uint32_t tmpl;
};

struct builder {
    const struct draco_ir_prog *prog;
    uint32_t n;
    const struct draco_cfg_callback_helper *cb_helpers;
    uint32_t n_cb_helpers;
    uint8_t *is_target;      /* per pc: a jump, call or code-address target (or pc 0) */
    uint32_t max_frames, max_nodes;
    struct draco_arena *arena;
    draco_error *err;
    uint32_t *local_of_pc;   /* scratch for the template being built; NONE outside */
    uint32_t *tmpl_of_pc;    /* template id by entry pc, NONE */
    DRACO_VEC(struct tmpl) tmpls;
    DRACO_VEC(struct tnode) tnodes;
    DRACO_VEC(struct tedge) tedges;
    DRACO_VEC(struct tcall) tcalls;
    DRACO_VEC(uint32_t) texits;
    DRACO_VEC(uint32_t) stack;
    DRACO_VEC(uint32_t) visited;
    DRACO_VEC(struct draco_cfg_node) nodes;   /* pre-ids: 0 entry, 1 exit */
    DRACO_VEC(struct tedge) edges;
    DRACO_VEC(struct bframe) frames;
};

/* Linux: bpf_for_each_map_elem (164) and bpf_loop (181) take their callback in r2. */
static const struct draco_cfg_callback_helper linux_callback_helpers[] = {
    { 164, 2 },
    { 181, 2 },
};

void draco_cfg_opts_init(struct draco_cfg_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->size = sizeof *opts;
    opts->max_call_frames = 8;
    opts->max_nodes = 1u << 24;
    opts->callback_helpers = linux_callback_helpers;
    opts->n_callback_helpers = sizeof linux_callback_helpers / sizeof linux_callback_helpers[0];
}

/* Whether the instruction occupies two slots (an LDDW). */
static bool insn_is_wide(const struct draco_ir_insn *i)
{
    switch ((enum draco_ir_kind)i->kind) {
    case DRACO_IR_LOAD_MAP_FD:
    case DRACO_IR_LOAD_MAP_VALUE:
    case DRACO_IR_LOAD_PSEUDO:
        return true;
    case DRACO_IR_BIN:
        return i->is_lddw || i->opcode == 0x18;
    case DRACO_IR_UNDEFINED:
    case DRACO_IR_UN:
    case DRACO_IR_MEM:
    case DRACO_IR_ATOMIC:
    case DRACO_IR_PACKET:
    case DRACO_IR_JMP:
    case DRACO_IR_CALL:
    case DRACO_IR_CALL_LOCAL:
    case DRACO_IR_CALLX:
    case DRACO_IR_EXIT:
    case DRACO_IR_ASSUME:
        return false;
    }
    return false;
}

static bool slot_is_insn(const struct builder *b, int64_t pc)
{
    return pc >= 0 && pc < (int64_t)b->n && b->prog->insns[pc].kind != DRACO_IR_UNDEFINED;
}

/* Fall-through successor of pc into *next, or an error. */
static draco_status next_pc(struct builder *b, uint32_t pc, uint32_t *next)
{
    uint32_t nx = pc + (insn_is_wide(&b->prog->insns[pc]) ? 2u : 1u);
    if (nx >= b->n)
        return draco_error_set(b->err, DRACO_ERR_INVALID, "fallthrough in last instruction (at %u)", pc);
    if (b->prog->insns[nx].kind == DRACO_IR_UNDEFINED)
        return draco_error_set(b->err, DRACO_ERR_INVALID, "jump to undefined label %u (at %u)", nx, pc);
    *next = nx;
    return DRACO_OK;
}

static draco_status nomem(struct builder *b)
{
    return draco_error_set(b->err, DRACO_ERR_NOMEM, "out of memory building the CFG");
}

/* Marks pc as part of the current template and schedules it. */
static draco_status visit_pc(struct builder *b, uint32_t pc)
{
    if (b->local_of_pc[pc] != NONE)
        return DRACO_OK;
    b->local_of_pc[pc] = 0;
    if (draco_vec_push(&b->visited, pc) || draco_vec_push(&b->stack, pc))
        return nomem(b);
    return DRACO_OK;
}

/* Queues the function starting at pc for a template (once). */
static draco_status queue_function(struct builder *b, uint32_t pc)
{
    if (b->tmpl_of_pc[pc] != NONE)
        return DRACO_OK;
    struct tmpl t = { .entry_pc = pc };
    b->tmpl_of_pc[pc] = (uint32_t)b->tmpls.len;
    return draco_vec_push(&b->tmpls, t) ? nomem(b) : DRACO_OK;
}

/* Whether instruction i may change register r (calls clobber r0-r5). */
static bool insn_writes_reg(const struct draco_ir_insn *i, unsigned r)
{
    switch ((enum draco_ir_kind)i->kind) {
    case DRACO_IR_BIN:
    case DRACO_IR_UN:
    case DRACO_IR_LOAD_MAP_FD:
    case DRACO_IR_LOAD_MAP_VALUE:
    case DRACO_IR_LOAD_PSEUDO:
        return i->dst == r;
    case DRACO_IR_MEM:
        return i->is_load && i->dst == r;
    case DRACO_IR_ATOMIC:
        return (i->fetch && i->src == r) || (i->op == DRACO_ATOMIC_CMPXCHG && r == 0);
    case DRACO_IR_PACKET:
    case DRACO_IR_CALL:
    case DRACO_IR_CALL_LOCAL:
    case DRACO_IR_CALLX:
        return r <= 5;
    case DRACO_IR_ASSUME:
    case DRACO_IR_JMP:
    case DRACO_IR_EXIT:
        return false;
    case DRACO_IR_UNDEFINED:
        break;
    }
    return true;
}

#define CALLBACK_SCAN_MAX 256

/* The callback pc of a callback site at pc, or NONE: pc calls a helper of the callback table and
 * its callback register is last written, in the same basic block (no slot in between is a jump
 * or call target), by an LDDW code address. The analysis checks the register's value anyway;
 * this only decides what is inlined. */
static uint32_t callback_target(const struct builder *b, uint32_t pc)
{
    const struct draco_ir_insn *insns = b->prog->insns;
    const struct draco_ir_insn *in = &insns[pc];
    if (in->kind != DRACO_IR_CALL || in->op != DRACO_CALL_HELPER)
        return NONE;
    unsigned reg = 0;
    for (uint32_t k = 0; k < b->n_cb_helpers; k++)
        if (b->cb_helpers[k].helper_id == in->imm)
            reg = b->cb_helpers[k].reg;
    if (reg < 1 || reg > 5)
        return NONE;
    uint32_t cur = pc;
    for (uint32_t steps = 0; steps < CALLBACK_SCAN_MAX; steps++) {
        if (b->is_target[cur] || cur == 0)
            return NONE;
        uint32_t prev = cur - 1;
        if (insns[prev].kind == DRACO_IR_UNDEFINED) {
            if (prev == 0)
                return NONE;
            prev--;
        }
        const struct draco_ir_insn *p = &insns[prev];
        if (p->kind == DRACO_IR_UNDEFINED || p->kind == DRACO_IR_EXIT ||
            (p->kind == DRACO_IR_JMP && p->op == DRACO_COND_ALWAYS))
            return NONE;   /* cur is not reached by falling through */
        if (insn_writes_reg(p, reg)) {
            if (p->kind == DRACO_IR_LOAD_PSEUDO && p->op == DRACO_PSEUDO_CODE_ADDR &&
                slot_is_insn(b, p->target))
                return (uint32_t)p->target;
            return NONE;
        }
        cur = prev;
    }
    return NONE;
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;
    return (a > c) - (a < c);
}

static bool is_two_way(const struct draco_ir_insn *i, uint32_t next)
{
    return i->kind == DRACO_IR_JMP && i->op != DRACO_COND_ALWAYS && (uint32_t)i->target != next;
}

static draco_status push_tedge(struct builder *b, uint32_t a, uint32_t c)
{
    struct tedge e = { a, c };
    return draco_vec_push(&b->tedges, e) ? nomem(b) : DRACO_OK;
}

/* Pass 1 for template ti: walk, number, connect. */
static draco_status tmpl_build(struct builder *b, uint32_t ti)
{
    const struct draco_ir_insn *insns = b->prog->insns;
    draco_status st;
    uint32_t entry = b->tmpls.data[ti].entry_pc;
    b->visited.len = 0;
    b->stack.len = 0;
    if ((st = visit_pc(b, entry)))
        return st;
    while (b->stack.len) {
        uint32_t pc = b->stack.data[--b->stack.len];
        const struct draco_ir_insn *in = &insns[pc];
        uint32_t next;
        switch ((enum draco_ir_kind)in->kind) {
        case DRACO_IR_EXIT:
            break;
        case DRACO_IR_JMP:
            if (!slot_is_insn(b, in->target))
                return draco_error_set(b->err, DRACO_ERR_INVALID, "jump to undefined label %lld (at %u)",
                                       (long long)in->target, pc);
            if (in->op != DRACO_COND_ALWAYS) {
                if ((st = next_pc(b, pc, &next)))
                    return st;
                if ((st = visit_pc(b, next)))
                    return st;
            }
            if ((st = visit_pc(b, (uint32_t)in->target)))
                return st;
            break;
        case DRACO_IR_CALL_LOCAL:
            if (!slot_is_insn(b, in->target))
                return draco_error_set(b->err, DRACO_ERR_INVALID, "invalid call target %lld (at %u)",
                                       (long long)in->target, pc);
            if ((st = queue_function(b, (uint32_t)in->target)))
                return st;
            if ((st = next_pc(b, pc, &next)))
                return st;
            if ((st = visit_pc(b, next)))
                return st;
            break;
        case DRACO_IR_CALL: {
            uint32_t cb = callback_target(b, pc);
            if (cb != NONE && (st = queue_function(b, cb)))
                return st;
            if ((st = next_pc(b, pc, &next)))
                return st;
            if ((st = visit_pc(b, next)))
                return st;
            break;
        }
        case DRACO_IR_UNDEFINED:
            return draco_error_set(b->err, DRACO_ERR_INTERNAL, "walked into filler slot %u", pc);
        case DRACO_IR_BIN:
        case DRACO_IR_UN:
        case DRACO_IR_LOAD_MAP_FD:
        case DRACO_IR_LOAD_MAP_VALUE:
        case DRACO_IR_LOAD_PSEUDO:
        case DRACO_IR_MEM:
        case DRACO_IR_ATOMIC:
        case DRACO_IR_PACKET:
        case DRACO_IR_CALLX:
        case DRACO_IR_ASSUME:
        default:
            if ((st = next_pc(b, pc, &next)))
                return st;
            if ((st = visit_pc(b, next)))
                return st;
            break;
        }
    }
    qsort(b->visited.data, b->visited.len, sizeof *b->visited.data, cmp_u32);

    struct tmpl *t = &b->tmpls.data[ti];
    t->node_begin = (uint32_t)b->tnodes.len;
    t->edge_begin = (uint32_t)b->tedges.len;
    t->call_begin = (uint32_t)b->tcalls.len;
    t->exit_begin = (uint32_t)b->texits.len;
    uint32_t local = 0;
    for (size_t k = 0; k < b->visited.len; k++) {
        uint32_t pc = b->visited.data[k];
        const struct draco_ir_insn *in = &insns[pc];
        b->local_of_pc[pc] = local;
        struct tnode tn = { pc, NONE, DRACO_CFG_INSN, false };
        if (draco_vec_push(&b->tnodes, tn))
            return nomem(b);
        local++;
        if (in->kind == DRACO_IR_JMP && in->op != DRACO_COND_ALWAYS) {
            uint32_t next = pc + 1;
            if (is_two_way(in, next)) {
                struct tnode ft = { pc, next, DRACO_CFG_ASSUME, false };
                struct tnode tk = { pc, (uint32_t)in->target, DRACO_CFG_ASSUME, true };
                if (draco_vec_push(&b->tnodes, ft) || draco_vec_push(&b->tnodes, tk))
                    return nomem(b);
                local += 2;
            }
        }
    }
    for (size_t k = 0; k < b->visited.len; k++) {
        uint32_t pc = b->visited.data[k];
        const struct draco_ir_insn *in = &insns[pc];
        uint32_t l = b->local_of_pc[pc];
        uint32_t next = pc + (insn_is_wide(in) ? 2u : 1u);   /* validated above where used */
        switch ((enum draco_ir_kind)in->kind) {
        case DRACO_IR_EXIT:
            if (draco_vec_push(&b->texits, l))
                return nomem(b);
            break;
        case DRACO_IR_JMP:
            if (in->op == DRACO_COND_ALWAYS) {
                st = push_tedge(b, l, b->local_of_pc[in->target]);
            } else if (!is_two_way(in, next)) {
                st = push_tedge(b, l, b->local_of_pc[next]);
            } else {
                if ((st = push_tedge(b, l, l + 1)) || (st = push_tedge(b, l, l + 2)) ||
                    (st = push_tedge(b, l + 1, b->local_of_pc[next])))
                    return st;
                st = push_tedge(b, l + 2, b->local_of_pc[in->target]);
            }
            if (st)
                return st;
            break;
        case DRACO_IR_CALL_LOCAL: {
            struct tcall c = { l, (uint32_t)in->target, b->local_of_pc[next], false };
            if (draco_vec_push(&b->tcalls, c))
                return nomem(b);
            break;
        }
        case DRACO_IR_CALL: {
            uint32_t cb = callback_target(b, pc);
            if (cb == NONE) {
                if ((st = push_tedge(b, l, b->local_of_pc[next])))
                    return st;
                break;
            }
            struct tcall c = { l, cb, b->local_of_pc[next], true };
            if (draco_vec_push(&b->tcalls, c))
                return nomem(b);
            break;
        }
        case DRACO_IR_UNDEFINED:
        case DRACO_IR_BIN:
        case DRACO_IR_UN:
        case DRACO_IR_LOAD_MAP_FD:
        case DRACO_IR_LOAD_MAP_VALUE:
        case DRACO_IR_LOAD_PSEUDO:
        case DRACO_IR_MEM:
        case DRACO_IR_ATOMIC:
        case DRACO_IR_PACKET:
        case DRACO_IR_CALLX:
        case DRACO_IR_ASSUME:
        default:
            if ((st = push_tedge(b, l, b->local_of_pc[next])))
                return st;
            break;
        }
    }
    t = &b->tmpls.data[ti];
    t->entry_local = b->local_of_pc[entry];
    t->node_end = (uint32_t)b->tnodes.len;
    t->edge_end = (uint32_t)b->tedges.len;
    t->call_end = (uint32_t)b->tcalls.len;
    t->exit_end = (uint32_t)b->texits.len;
    for (size_t k = 0; k < b->visited.len; k++)
        b->local_of_pc[b->visited.data[k]] = NONE;
    return DRACO_OK;
}

static draco_status push_edge(struct builder *b, uint32_t a, uint32_t c)
{
    struct tedge e = { a, c };
    return draco_vec_push(&b->edges, e) ? nomem(b) : DRACO_OK;
}

/* Whether frame f runs inside a callback (f or an ancestor is a CALLBACK frame). */
static bool frame_in_callback(const struct builder *b, uint32_t f)
{
    for (uint32_t g = f; g != NONE; g = b->frames.data[g].pub.parent)
        if (b->frames.data[g].pub.kind == DRACO_FRAME_CALLBACK)
            return true;
    return false;
}

/* Appends a virtual node of a callback site in helper frame h. */
static uint32_t push_cb_node(struct builder *b, uint8_t kind, uint32_t pc, uint32_t h)
{
    struct draco_cfg_node nd = {
        .kind = kind, .pc = pc, .to = NONE, .frame = h, .callee_frame = NONE, .loop_head = NONE,
        .insn = &b->prog->insns[pc],
    };
    if (draco_vec_push(&b->nodes, nd))
        return NONE;
    return (uint32_t)b->nodes.len - 1;
}

/* Callback site c of frame f (template node base `base`): the helper frame with its loop, and the
 * callback frame queued below it. A site inside a callback is left as a plain call. */
static draco_status callback_site(struct builder *b, uint32_t f, uint32_t base, const struct tcall *c,
                                  uint32_t call_pc, uint32_t callee)
{
    draco_status st;
    uint32_t call = base + c->node, cont = base + c->cont;
    if (frame_in_callback(b, f))
        return push_edge(b, call, cont);
    const char *prefix = b->frames.data[f].pub.prefix;
    for (uint32_t g = f; g != NONE; g = b->frames.data[g].pub.parent)
        if (b->frames.data[g].tmpl == callee)
            return draco_error_set(b->err, DRACO_ERR_INVALID, "illegal recursion (at %s%u)", prefix, call_pc);
    uint32_t depth = b->frames.data[f].pub.depth + 1;
    if (depth > b->max_frames)
        return draco_error_set(b->err, DRACO_ERR_LIMIT, "too many call stack frames (at %s%u)", prefix,
                               call_pc);
    if ((uint64_t)b->nodes.len + 4 > b->max_nodes)
        return draco_error_set(b->err, DRACO_ERR_LIMIT, "CFG exceeds %u nodes after inlining (at %s%u)",
                               b->max_nodes, prefix, call_pc);
    char *child_prefix = draco_arena_printf(b->arena, "%s%u/", prefix, call_pc);
    if (!child_prefix)
        return nomem(b);
    uint32_t h = (uint32_t)b->frames.len;
    uint32_t head = push_cb_node(b, DRACO_CFG_CB_LOOP, call_pc, h);
    uint32_t enter = push_cb_node(b, DRACO_CFG_CB_ENTER, call_pc, h);
    uint32_t ret = push_cb_node(b, DRACO_CFG_CB_RETURN, call_pc, h);
    uint32_t done = push_cb_node(b, DRACO_CFG_CB_DONE, call_pc, h);
    if (done == NONE || head == NONE || enter == NONE || ret == NONE)
        return nomem(b);
    b->nodes.data[call].callee_frame = h;
    if ((st = push_edge(b, call, head)) || (st = push_edge(b, head, enter)) || (st = push_edge(b, head, done)) ||
        (st = push_edge(b, ret, head)) || (st = push_edge(b, done, cont)))
        return st;
    struct bframe hf = {
        .pub = { .parent = f, .depth = depth - 1, .call_pc = call_pc, .call_node = call, .return_node = cont,
                 .entry_pc = c->callee_pc, .kind = DRACO_FRAME_HELPER, .prefix = prefix },
        .tmpl = NONE,
    };
    struct bframe cf = {
        .pub = { .parent = h, .depth = depth, .call_pc = call_pc, .call_node = enter, .return_node = ret,
                 .entry_pc = c->callee_pc, .kind = DRACO_FRAME_CALLBACK, .prefix = child_prefix },
        .tmpl = callee,
    };
    if (draco_vec_push(&b->frames, hf) || draco_vec_push(&b->frames, cf))
        return nomem(b);
    return DRACO_OK;
}

/* Pass 2: instantiate frame f (its struct is already pushed). */
static draco_status frame_instantiate(struct builder *b, uint32_t f)
{
    if (b->frames.data[f].tmpl == NONE)
        return DRACO_OK;   /* a helper frame: its nodes come with its call site */
    const struct tmpl t = b->tmpls.data[b->frames.data[f].tmpl];
    const struct draco_ir_insn *insns = b->prog->insns;
    draco_status st;
    uint32_t count = t.node_end - t.node_begin;
    if ((uint64_t)b->nodes.len + count + 1 > b->max_nodes)
        return draco_error_set(b->err, DRACO_ERR_LIMIT, "CFG exceeds %u nodes after inlining (at %s%u)",
                               b->max_nodes, b->frames.data[f].pub.prefix, t.entry_pc);
    if (draco_vec_reserve(&b->nodes, b->nodes.len + count))
        return nomem(b);
    uint32_t base = (uint32_t)b->nodes.len;
    for (uint32_t k = t.node_begin; k < t.node_end; k++) {
        const struct tnode *tn = &b->tnodes.data[k];
        const struct draco_ir_insn *in = &insns[tn->pc];
        struct draco_cfg_node nd = {
            .kind = tn->kind, .pc = tn->pc, .to = tn->to, .frame = f,
            .callee_frame = NONE, .loop_head = NONE, .insn = in,
        };
        if (tn->kind == DRACO_CFG_ASSUME) {
            nd.cond.op = tn->taken ? in->op : (uint8_t)draco_cond_negate((enum draco_cond_op)in->op);
            nd.cond.left = in->dst;
            nd.cond.right = in->src;
            nd.cond.right_is_reg = in->src_is_reg;
            nd.cond.is64 = in->is64;
            nd.cond.imm = in->imm;
        }
        b->nodes.data[b->nodes.len++] = nd;
    }
    uint32_t entry_node = base + t.entry_local;
    if (f == 0) {
        st = push_edge(b, PRE_ENTRY, entry_node);
    } else {
        uint32_t call = b->frames.data[f].pub.call_node;
        b->nodes.data[call].callee_frame = f;
        st = push_edge(b, call, entry_node);
    }
    if (st)
        return st;
    for (uint32_t k = t.edge_begin; k < t.edge_end; k++)
        if ((st = push_edge(b, base + b->tedges.data[k].a, base + b->tedges.data[k].b)))
            return st;
    uint32_t ret = f == 0 ? PRE_EXIT : b->frames.data[f].pub.return_node;
    for (uint32_t k = t.exit_begin; k < t.exit_end; k++)
        if ((st = push_edge(b, base + b->texits.data[k], ret)))
            return st;
    for (uint32_t k = t.call_begin; k < t.call_end; k++) {
        const struct tcall c = b->tcalls.data[k];
        uint32_t callee = b->tmpl_of_pc[c.callee_pc];
        uint32_t call_pc = b->tnodes.data[t.node_begin + c.node].pc;
        if (c.callback) {
            if ((st = callback_site(b, f, base, &c, call_pc, callee)))
                return st;
            continue;
        }
        const char *prefix = b->frames.data[f].pub.prefix;
        for (uint32_t g = f; g != NONE; g = b->frames.data[g].pub.parent)
            if (b->frames.data[g].tmpl == callee)
                return draco_error_set(b->err, DRACO_ERR_INVALID, "illegal recursion (at %s%u)", prefix,
                                       call_pc);
        uint32_t depth = b->frames.data[f].pub.depth + 1;
        if (depth > b->max_frames)
            return draco_error_set(b->err, DRACO_ERR_LIMIT, "too many call stack frames (at %s%u)",
                                   prefix, call_pc);
        char *child_prefix = draco_arena_printf(b->arena, "%s%u/", prefix, call_pc);
        if (!child_prefix)
            return nomem(b);
        struct bframe nf = {
            .pub = { .parent = f, .depth = depth, .call_pc = call_pc, .call_node = base + c.node,
                     .return_node = base + c.cont, .entry_pc = c.callee_pc, .kind = DRACO_FRAME_CALL,
                     .prefix = child_prefix },
            .tmpl = callee,
        };
        if (draco_vec_push(&b->frames, nf))
            return nomem(b);
    }
    return DRACO_OK;
}

/* CSR over `edges` restricted by `map` (old id -> new id, NONE = dropped), stable in edge order. */
static draco_status csr_build(struct builder *b, uint32_t n, const uint32_t *map, bool reverse,
                              bool scratch, uint32_t **start_out, uint32_t **adj_out, uint32_t *m_out)
{
    uint32_t *start = scratch ? calloc((size_t)n + 1, sizeof *start)
                              : draco_arena_alloc(b->arena, ((size_t)n + 1) * sizeof *start);
    if (!start)
        return nomem(b);
    uint32_t m = 0;
    for (size_t k = 0; k < b->edges.len; k++) {
        uint32_t a = map[b->edges.data[k].a], c = map[b->edges.data[k].b];
        if (a == NONE || c == NONE)
            continue;
        start[(reverse ? c : a) + 1]++;
        m++;
    }
    for (uint32_t v = 0; v < n; v++)
        start[v + 1] += start[v];
    uint32_t *adj = scratch ? malloc((size_t)(m ? m : 1) * sizeof *adj)
                            : draco_arena_alloc(b->arena, (size_t)(m ? m : 1) * sizeof *adj);
    uint32_t *fill = malloc(((size_t)n + 1) * sizeof *fill);
    if (!adj || !fill) {
        free(fill);
        if (scratch) {
            free(adj);
            free(start);
        }
        return nomem(b);
    }
    memcpy(fill, start, (size_t)n * sizeof *fill);
    for (size_t k = 0; k < b->edges.len; k++) {
        uint32_t a = map[b->edges.data[k].a], c = map[b->edges.data[k].b];
        if (a == NONE || c == NONE)
            continue;
        if (reverse)
            adj[fill[c]++] = a;
        else
            adj[fill[a]++] = c;
    }
    free(fill);
    *start_out = start;
    *adj_out = adj;
    *m_out = m;
    return DRACO_OK;
}

/* Pass 3: keep what ENTRY reaches (and EXIT), renumber, write the result. */
static draco_status graph_finish(struct builder *b, struct draco_cfg *out)
{
    draco_status st = DRACO_OK;
    uint32_t npre = (uint32_t)b->nodes.len;
    uint32_t *ident = malloc((size_t)npre * sizeof *ident);
    uint32_t *map = malloc((size_t)npre * sizeof *map);
    uint32_t *start = NULL, *adj = NULL, m = 0;
    uint8_t *covered = NULL;
    if (!ident || !map) {
        st = nomem(b);
        goto fail;
    }
    for (uint32_t v = 0; v < npre; v++) {
        ident[v] = v;
        map[v] = NONE;
    }
    /* forward CSR over pre-ids, scratch */
    if ((st = csr_build(b, npre, ident, false, true, &start, &adj, &m)))
        goto fail;
    b->stack.len = 0;
    map[PRE_ENTRY] = 0;
    if (draco_vec_push(&b->stack, PRE_ENTRY)) {
        st = nomem(b);
        goto fail;
    }
    while (b->stack.len) {
        uint32_t v = b->stack.data[--b->stack.len];
        for (uint32_t k = start[v]; k < start[v + 1]; k++) {
            uint32_t w = adj[k];
            if (map[w] == NONE) {
                map[w] = 0;
                if (draco_vec_push(&b->stack, w)) {
                    st = nomem(b);
                    goto fail;
                }
            }
        }
    }
    uint32_t n = 1;
    for (uint32_t v = 2; v < npre; v++)
        if (map[v] != NONE)
            map[v] = n++;
    map[PRE_EXIT] = n++;
    map[PRE_ENTRY] = 0;

    struct draco_cfg_node *nodes = draco_arena_alloc(b->arena, (size_t)n * sizeof *nodes);
    struct draco_cfg_frame *frames = draco_arena_alloc(b->arena, b->frames.len * sizeof *frames);
    covered = calloc(b->n ? b->n : 1, 1);
    if (!nodes || !frames || !covered) {
        st = nomem(b);
        goto fail;
    }
    for (uint32_t v = 0; v < npre; v++) {
        if (map[v] == NONE)
            continue;
        nodes[map[v]] = b->nodes.data[v];
        if (b->nodes.data[v].kind == DRACO_CFG_INSN)
            covered[b->nodes.data[v].pc] = 1;
    }
    uint32_t max_depth = 1;
    for (size_t f = 0; f < b->frames.len; f++) {
        frames[f] = b->frames.data[f].pub;
        if (frames[f].call_node != NONE)
            frames[f].call_node = map[frames[f].call_node];
        if (frames[f].return_node != NONE)
            frames[f].return_node = map[frames[f].return_node];
        if (frames[f].call_node != NONE && frames[f].depth > max_depth)
            max_depth = frames[f].depth;
    }
    out->prog = b->prog;
    out->arena = b->arena;
    out->nodes = nodes;
    out->n_nodes = n;
    out->entry = 0;
    out->exit = n - 1;
    out->frames = frames;
    out->n_frames = (uint32_t)b->frames.len;
    out->max_depth = max_depth;
    if ((st = csr_build(b, n, map, false, false, &out->succ_start, &out->succ, &out->n_edges)) ||
        (st = csr_build(b, n, map, true, false, &out->pred_start, &out->pred, &m)))
        goto fail;
    out->n_unreachable = 0;
    for (uint32_t pc = 0; pc < b->n; pc++)
        if (b->prog->insns[pc].kind != DRACO_IR_UNDEFINED && !covered[pc])
            out->n_unreachable++;
fail:
    free(start);
    free(adj);
    free(covered);
    free(map);
    free(ident);
    return st;
}

draco_status draco_cfg_build(const struct draco_ir_prog *prog, const struct draco_cfg_opts *opts,
                             struct draco_arena *arena, draco_error *err, struct draco_cfg *out)
{
    struct draco_cfg_opts defaults;
    struct builder b;
    draco_status st = DRACO_OK;
    memset(&b, 0, sizeof b);
    if (out)
        memset(out, 0, sizeof *out);
    if (!prog || !arena || !out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_cfg_build: NULL argument");
    if (!opts || opts->size < sizeof *opts) {
        draco_cfg_opts_init(&defaults);
        if (opts)   /* an older, shorter options struct: take the fields it has */
            memcpy(&defaults, opts, opts->size > sizeof(size_t) ? opts->size : 0);
        defaults.size = sizeof defaults;
        opts = &defaults;
    }
    if (prog->n == 0 || !prog->insns)
        return draco_error_set(err, DRACO_ERR_INVALID, "empty instruction sequence");
    if (prog->n >= (size_t)(NONE / 4))
        return draco_error_set(err, DRACO_ERR_LIMIT, "program too large (%zu slots)", prog->n);
    b.prog = prog;
    b.n = (uint32_t)prog->n;
    b.max_frames = opts->max_call_frames ? opts->max_call_frames : 1;
    b.max_nodes = opts->max_nodes && opts->max_nodes < NONE / 2 ? opts->max_nodes : NONE / 2;
    b.arena = arena;
    b.err = err;
    b.cb_helpers = opts->callback_helpers;
    b.n_cb_helpers = opts->callback_helpers ? opts->n_callback_helpers : 0;
    if (prog->insns[0].kind == DRACO_IR_UNDEFINED) {
        st = draco_error_set(err, DRACO_ERR_INVALID, "jump to undefined label 0 (at entry)");
        goto fail;
    }
    b.local_of_pc = malloc((size_t)b.n * sizeof *b.local_of_pc);
    b.tmpl_of_pc = malloc((size_t)b.n * sizeof *b.tmpl_of_pc);
    b.is_target = calloc(b.n, 1);
    if (!b.local_of_pc || !b.tmpl_of_pc || !b.is_target) {
        st = nomem(&b);
        goto fail;
    }
    for (uint32_t pc = 0; pc < b.n; pc++) {
        const struct draco_ir_insn *in = &prog->insns[pc];
        bool has_target = in->kind == DRACO_IR_JMP || in->kind == DRACO_IR_CALL_LOCAL ||
                          (in->kind == DRACO_IR_LOAD_PSEUDO && in->op == DRACO_PSEUDO_CODE_ADDR);
        if (has_target && in->target >= 0 && (uint32_t)in->target < b.n)
            b.is_target[in->target] = 1;
    }
    memset(b.local_of_pc, 0xff, (size_t)b.n * sizeof *b.local_of_pc);
    memset(b.tmpl_of_pc, 0xff, (size_t)b.n * sizeof *b.tmpl_of_pc);
    if ((st = queue_function(&b, 0)))
        goto fail;
    for (uint32_t ti = 0; ti < b.tmpls.len; ti++)
        if ((st = tmpl_build(&b, ti)))
            goto fail;

    struct draco_cfg_node virt = { .kind = DRACO_CFG_ENTRY, .pc = NONE, .to = NONE, .frame = 0,
                                   .callee_frame = NONE, .loop_head = NONE };
    if (draco_vec_push(&b.nodes, virt)) {
        st = nomem(&b);
        goto fail;
    }
    virt.kind = DRACO_CFG_EXIT;
    struct bframe root = {
        .pub = { .parent = NONE, .depth = 1, .call_pc = NONE, .call_node = NONE, .return_node = NONE,
                 .entry_pc = 0, .kind = DRACO_FRAME_CALL, .prefix = "" },
        .tmpl = 0,
    };
    if (draco_vec_push(&b.nodes, virt) || draco_vec_push(&b.frames, root)) {
        st = nomem(&b);
        goto fail;
    }
    for (uint32_t f = 0; f < b.frames.len; f++)
        if ((st = frame_instantiate(&b, f)))
            goto fail;
    st = graph_finish(&b, out);
fail:
    if (st && out)
        memset(out, 0, sizeof *out);
    free(b.local_of_pc);
    free(b.tmpl_of_pc);
    free(b.is_target);
    draco_vec_free(&b.tmpls);
    draco_vec_free(&b.tnodes);
    draco_vec_free(&b.tedges);
    draco_vec_free(&b.tcalls);
    draco_vec_free(&b.texits);
    draco_vec_free(&b.stack);
    draco_vec_free(&b.visited);
    draco_vec_free(&b.nodes);
    draco_vec_free(&b.edges);
    draco_vec_free(&b.frames);
    return st;
}
