/* SPDX-License-Identifier: MIT */
/* check/check_assert: which assertions each CFG node carries (digest §2.3), their text, and the
 * dispatch to the per-kind checks.
 *
 * Invariants: generation depends only on the node, the program type (privileged or not), the
 * platform's contracts and the options; anything the platform cannot describe yields a
 * DRACO_A_FAIL assertion so the program is rejected with the reason.
 */
#include <string.h>
#include "check/check_internal.h"

#define TS_INIT ((draco_typeset)(DRACO_TS_ALL & ~DRACO_TS(DRACO_TYPE_UNINIT)))

static struct draco_assertion *add(struct draco_assertions *out, enum draco_assert_kind k)
{
    if (out->n >= DRACO_MAX_ASSERTIONS)
        return NULL;
    struct draco_assertion *a = &out->a[out->n++];
    memset(a, 0, sizeof *a);
    a->kind = (uint8_t)k;
    return a;
}

static void add_type(struct draco_assertions *out, unsigned reg, draco_typeset group)
{
    struct draco_assertion *a = add(out, DRACO_A_TYPE);
    if (a) {
        a->reg = (uint8_t)reg;
        a->group = group;
    }
}

static void add_fail(struct draco_assertions *out, const char *why, const char *ctx)
{
    struct draco_assertion *a = add(out, DRACO_A_FAIL);
    if (a) {
        a->why = why;
        a->helper = ctx;
    }
}

static struct draco_assertion *add_access(struct draco_assertions *out, unsigned reg, int32_t off,
                                          int64_t width, enum draco_access_kind acc)
{
    struct draco_assertion *a = add(out, DRACO_A_ACCESS);
    if (a) {
        a->reg = (uint8_t)reg;
        a->off = off;
        a->width = width;
        a->access = (uint8_t)acc;
    }
    return a;
}

static bool privileged(const struct draco_actx *ax)
{
    return ax->ptype && ax->ptype->is_privileged;
}

/* Pointers may leak as numbers: a program type PREVAIL treats as privileged, or a root loader
 * (draco_analysis_opts.privileged, the kernel's allow_ptr_leaks). */
static bool leaks_ok(const struct draco_actx *ax)
{
    return privileged(ax) || ax->opts.privileged;
}

/* The group an operand must be in where a root loader may turn a pointer into a number (the
 * transfer function then gives an unknown number): any initialised value; else a number. */
static draco_typeset num_or_leak(const struct draco_actx *ax)
{
    return ax->opts.privileged ? TS_INIT : DRACO_TS_NUM;
}

/* Program types whose return value the Linux verifier (6.x) does not range-check, so a root
 * loader may return a pointer (it leaks as a number); measured with the kernel (6.18) as root.
 * cgroup_*, sock_ops, sk_lookup and netfilter require a number from root too (measured); the
 * types not measured (tracing, lsm, struct_ops, ext, lirc_mode2, syscall) keep the strict rule. */
static bool returns_any(const struct draco_actx *ax)
{
    static const char *const names[] = {
        "socket_filter", "sched_cls", "sched_act", "xdp", "kprobe", "tracepoint", "perf_event",
        "raw_tracepoint", "raw_tracepoint_writable", "lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local",
        "sk_skb", "sk_msg", "sk_reuseport", "flow_dissector",
    };
    if (!ax->opts.privileged || !ax->ptype || !ax->ptype->name)
        return false;
    for (size_t i = 0; i < DRACO_ARRAY_LEN(names); i++)
        if (strcmp(ax->ptype->name, names[i]) == 0)
            return true;
    return false;
}

static void bin_assertions(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_assertions *out)
{
    bool reg = in->src_is_reg;
    switch ((enum draco_bin_op)in->op) {
    case DRACO_BIN_MOV:
        if (reg && !in->is64)
            add_type(out, in->src, num_or_leak(ax));   /* root: a pointer's low half, a number */
        return;
    case DRACO_BIN_MOVSX8:
    case DRACO_BIN_MOVSX16:
    case DRACO_BIN_MOVSX32:
        if (reg)
            add_type(out, in->src, num_or_leak(ax));
        return;
    case DRACO_BIN_ADD:
        add_type(out, in->dst, DRACO_TS_ARITH_OR_NUM);
        if (reg) {
            add_type(out, in->src, DRACO_TS_ARITH_OR_NUM);
            struct draco_assertion *a = add(out, DRACO_A_ADDABLE);
            if (a) {
                a->reg = in->src;
                a->reg2 = in->dst;
            }
            a = add(out, DRACO_A_ADDABLE);
            if (a) {
                a->reg = in->dst;
                a->reg2 = in->src;
            }
        }
        return;
    case DRACO_BIN_SUB:
        if (ax->opts.privileged && !in->is64) {
            /* root: a 32-bit subtraction involving pointers gives an unknown number (the kernel
             * allows SUB only; 32-bit ADD and the other operations on pointers stay refused) */
            add_type(out, in->dst, TS_INIT);
            if (reg)
                add_type(out, in->src, TS_INIT);
            return;
        }
        add_type(out, in->dst, DRACO_TS_ARITH_OR_NUM);
        if (reg) {
            add_type(out, in->src, DRACO_TS_ARITH_OR_NUM);
            struct draco_assertion *a = add(out, DRACO_A_COMPARABLE);
            if (a) {
                a->reg = in->dst;
                a->reg2 = in->src;
                a->or_r2_is_number = true;
            }
        }
        return;
    case DRACO_BIN_UDIV:
    case DRACO_BIN_SDIV:
    case DRACO_BIN_UMOD:
    case DRACO_BIN_SMOD:
        add_type(out, in->dst, DRACO_TS_NUM);
        if (reg) {
            add_type(out, in->src, DRACO_TS_NUM);
            struct draco_assertion *a = add(out, DRACO_A_DIVISOR);
            if (a) {
                a->reg = in->src;
                a->is_signed = in->op == DRACO_BIN_SDIV || in->op == DRACO_BIN_SMOD;
                a->is64 = in->is64;
            }
        } else if (!ax->opts.allow_division_by_zero && (in->is64 ? in->imm == 0 : (uint32_t)in->imm == 0)) {
            add_fail(out, "Possible division by zero", NULL);
        }
        return;
    case DRACO_BIN_MUL:
    case DRACO_BIN_OR:
    case DRACO_BIN_AND:
    case DRACO_BIN_LSH:
    case DRACO_BIN_RSH:
    case DRACO_BIN_ARSH:
    case DRACO_BIN_XOR:
        add_type(out, in->dst, DRACO_TS_NUM);
        if (reg)
            add_type(out, in->src, DRACO_TS_NUM);
        return;
    }
}

static void mem_assertions(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in,
                           struct draco_assertions *out)
{
    unsigned base = in->is_load ? in->src : in->dst;
    if (base == 10) {
        /* r10 accesses inside the frame are in bounds by construction */
        int64_t lo = in->off, hi = (int64_t)in->off + in->width;
        if (lo < -(int64_t)ax->frame_size || hi > 0)
            add_access(out, 10, in->off, in->width, in->is_load ? DRACO_ACC_READ : DRACO_ACC_WRITE);
        else if (!in->is_load && in->src_is_reg)
            (void)v;   /* anything may be stored on the stack */
        return;
    }
    add_type(out, base, DRACO_TS_DEREFERENCEABLE);
    unsigned n0 = out->n;
    add_access(out, base, in->off, in->width, in->is_load ? DRACO_ACC_READ : DRACO_ACC_WRITE);
    if (out->n > n0)
        out->a[n0].is_load = in->is_load;
    if (!in->is_load && in->src_is_reg) {
        if (leaks_ok(ax)) {
            add_type(out, in->src, TS_INIT);
        } else if (in->width == 8) {
            struct draco_assertion *a = add(out, DRACO_A_STORE);
            if (a) {
                a->reg = base;
                a->reg2 = in->src;
            }
        } else {
            add_type(out, in->src, DRACO_TS_NUM);
        }
    }
}

static void jmp_assertions(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_assertions *out)
{
    if (in->op == DRACO_COND_ALWAYS)
        return;
    if (privileged(ax)) {
        add_type(out, in->dst, TS_INIT);
        if (in->src_is_reg)
            add_type(out, in->src, TS_INIT);
        return;
    }
    if (!in->src_is_reg) {
        if (in->imm != 0) {
            add_type(out, in->dst, DRACO_TS_NUM);
            return;
        }
        bool ptr_ok = in->is64 && (in->op == DRACO_COND_EQ || in->op == DRACO_COND_NE ||
                                   in->op == DRACO_COND_SET || in->op == DRACO_COND_NSET ||
                                   in->op == DRACO_COND_LT || in->op == DRACO_COND_LE ||
                                   in->op == DRACO_COND_GT || in->op == DRACO_COND_GE);
        if (!ptr_ok)
            add_type(out, in->dst, DRACO_TS_NUM);
        add_access(out, in->dst, 0, 0, DRACO_ACC_COMPARE);
        return;
    }
    add_access(out, in->dst, 0, 0, DRACO_ACC_COMPARE);
    add_access(out, in->src, 0, 0, DRACO_ACC_COMPARE);
    if (in->op != DRACO_COND_EQ && in->op != DRACO_COND_NE)
        add_type(out, in->dst, DRACO_TS_PTR_OR_NUM);
    struct draco_assertion *a = add(out, DRACO_A_COMPARABLE);
    if (a) {
        a->reg = in->dst;
        a->reg2 = in->src;
    }
}

static void call_assertions(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_assertions *out)
{
    const char *name = NULL;
    const struct draco_helper_proto *p = draco_call_proto(ax, in, &name);
    if (!p) {
        if (in->op == DRACO_CALL_KFUNC)
            add_fail(out, "unknown kfunc", name ? name : "?");
        else
            add_fail(out, "invalid helper function id", NULL);
        return;
    }
    if (p->id == DRACO_BUILTIN_EXTERN_UNSPECIFIED) {
        /* a call to a function the platform does not know: its effects cannot be modelled */
        add_fail(out, "call to an unknown external function", name ? name : "?");
        return;
    }
    draco_assertions_of_helper(ax, p, out);
}

void draco_assertions_of_node(struct draco_actx *ax, uint32_t v, struct draco_assertions *out)
{
    out->n = 0;
    const struct draco_cfg_node *n = &ax->cfg->nodes[v];
    if (n->kind == DRACO_CFG_COUNTER) {
        struct draco_assertion *a = add(out, DRACO_A_LOOP);
        if (a)
            a->node = v;
        return;
    }
    if (n->kind == DRACO_CFG_CB_RETURN) {
        add_type(out, 0, DRACO_TS_NUM);
        struct draco_assertion *a = add(out, DRACO_A_CALLBACK);
        if (a)
            a->reg = 0;
        return;
    }
    if (n->kind != DRACO_CFG_INSN)
        return;
    const struct draco_ir_insn *in = n->insn;
    switch ((enum draco_ir_kind)in->kind) {
    case DRACO_IR_BIN:
        bin_assertions(ax, in, out);
        return;
    case DRACO_IR_UN:
        add_type(out, in->dst, num_or_leak(ax));   /* root: neg/bswap of a pointer, a number */
        return;
    case DRACO_IR_LOAD_MAP_FD:
    case DRACO_IR_LOAD_MAP_VALUE:
        if (!draco_actx_map(ax, in->imm))
            add_fail(out, "map fd not found", NULL);
        return;
    case DRACO_IR_LOAD_PSEUDO:
        if (in->op == DRACO_PSEUDO_MAP_BY_IDX || in->op == DRACO_PSEUDO_MAP_VALUE_BY_IDX) {
            const struct draco_object *obj = ax->prog ? ax->prog->obj : NULL;
            if (!obj || in->imm < 0 || (uint64_t)in->imm >= obj->n_maps)
                add_fail(out, "invalid map index", NULL);
        }
        return;
    case DRACO_IR_MEM:
        mem_assertions(ax, v, in, out);
        return;
    case DRACO_IR_ATOMIC:
        add_type(out, in->src, DRACO_TS_NUM);
        if (in->op == DRACO_ATOMIC_CMPXCHG)
            add_type(out, 0, DRACO_TS_NUM);
        add_type(out, in->dst, DRACO_TS_DEREFERENCEABLE);
        add_access(out, in->dst, in->off, in->width, DRACO_ACC_WRITE);
        return;
    case DRACO_IR_PACKET: {
        add_type(out, 6, DRACO_TS(DRACO_TYPE_CTX));
        struct draco_assertion *a = add(out, DRACO_A_ZERO_CTX);
        if (a)
            a->reg = 6;
        if (in->src_is_reg)
            add_type(out, in->src, DRACO_TS_NUM);
        if (!ax->ctxd || ax->ctxd->data < 0)
            add_fail(out, "legacy packet access in a program type without packet", NULL);
        return;
    }
    case DRACO_IR_JMP:
        jmp_assertions(ax, in, out);
        return;
    case DRACO_IR_ASSUME:
        return;
    case DRACO_IR_CALL:
        call_assertions(ax, in, out);
        return;
    case DRACO_IR_CALLX: {
        add_type(out, in->dst, DRACO_TS_NUM);
        struct draco_assertion *a = add(out, DRACO_A_FUNC);
        if (a)
            a->reg = in->dst;
        return;
    }
    case DRACO_IR_CALL_LOCAL:
        return;
    case DRACO_IR_EXIT:
        if (n->frame == 0)
            add_type(out, 0, returns_any(ax) ? TS_INIT : DRACO_TS_NUM);
        return;
    case DRACO_IR_UNDEFINED:
        break;
    }
    add_fail(out, "unsupported instruction", NULL);
}

/* ---------------------------------------------------------------- text */

static void print_reg_offset(struct draco_sb *sb, unsigned reg, int32_t off)
{
    if (off > 0)
        draco_sb_printf(sb, "r%u.offset+%d", reg, off);
    else if (off < 0)
        draco_sb_printf(sb, "r%u.offset%d", reg, off);
    else
        draco_sb_printf(sb, "r%u.offset", reg);
}

void draco_assertion_print(struct draco_actx *ax, const struct draco_assertion *a, struct draco_sb *sb)
{
    switch ((enum draco_assert_kind)a->kind) {
    case DRACO_A_TYPE:
        draco_sb_printf(sb, "r%u.type", a->reg);
        if (draco_typeset_is_singleton(a->group)) {
            draco_sb_puts(sb, " == ");
            draco_typeset_print(a->group, sb);
        } else if (a->group == TS_INIT) {
            draco_sb_puts(sb, " != uninit");
        } else {
            draco_sb_puts(sb, " in ");
            draco_typeset_print(a->group, sb);
        }
        return;
    case DRACO_A_ACCESS:
        draco_sb_puts(sb, "valid_access(");
        print_reg_offset(sb, a->reg, a->off);
        if (a->width_is_reg)
            draco_sb_printf(sb, ", width=r%u)", a->width_reg);
        else if (a->access != DRACO_ACC_COMPARE)
            draco_sb_printf(sb, ", width=%lld)", (long long)a->width);
        else
            draco_sb_puts(sb, ")");
        draco_sb_puts(sb, a->access == DRACO_ACC_READ ? " for read" :
                          a->access == DRACO_ACC_WRITE ? " for write" : " for comparison/subtraction");
        if (a->or_null)
            draco_sb_puts(sb, " or null");
        return;
    case DRACO_A_STORE:
        draco_sb_printf(sb, "r%u.type != stack -> r%u.type == number", a->reg, a->reg2);
        return;
    case DRACO_A_DIVISOR:
        draco_sb_printf(sb, "r%u != 0", a->reg);
        return;
    case DRACO_A_ADDABLE:
        draco_sb_printf(sb, "r%u.type in {ctx, stack, packet, shared} -> r%u.type == number", a->reg, a->reg2);
        return;
    case DRACO_A_COMPARABLE:
        if (a->or_r2_is_number)
            draco_sb_printf(sb, "r%u.type == number or r%u.type == r%u.type in {ctx, stack, packet}", a->reg2,
                            a->reg, a->reg2);
        else
            draco_sb_printf(sb, "r%u.type == r%u.type in {number, ctx, stack, packet}", a->reg, a->reg2);
        return;
    case DRACO_A_SIZE:
        draco_sb_printf(sb, "r%u.value %s 0", a->reg, a->can_be_zero ? ">=" : ">");
        return;
    case DRACO_A_MAP_KV:
        draco_sb_printf(sb, "within(r%u:%s(r%u))", a->reg, a->is_key ? "key_size" : "value_size", a->reg2);
        return;
    case DRACO_A_MAP_TYPE:
        draco_sb_printf(sb, "r%u.map_type allowed for %s", a->reg, a->helper ? a->helper : "?");
        return;
    case DRACO_A_ZERO_CTX:
        draco_sb_printf(sb, "r%u.ctx_offset == 0", a->reg);
        return;
    case DRACO_A_ARG_ZERO:
        draco_sb_printf(sb, "r%u == 0", a->reg);
        return;
    case DRACO_A_FUNC:
        draco_sb_printf(sb, "r%u is a valid helper function id", a->reg);
        return;
    case DRACO_A_LOOP:
        draco_sb_puts(sb, "pc[");
        draco_cfg_node_label(ax->cfg, ax->cfg->nodes[a->node].loop_head, sb);
        draco_sb_puts(sb, "] < 100000");
        return;
    case DRACO_A_INIT:
        draco_sb_printf(sb, "r%u.type != uninit", a->reg);
        return;
    case DRACO_A_NONNULL:
        draco_sb_printf(sb, "r%u != 0", a->reg);
        return;
    case DRACO_A_CALLBACK:
        if (a->reg == 0)
            draco_sb_puts(sb, "0 <= r0 <= 1");
        else
            draco_sb_printf(sb, "r%u is the inlined callback of %s", a->reg, a->helper ? a->helper : "?");
        return;
    case DRACO_A_FAIL:
        if (a->helper)
            draco_sb_puts(sb, a->helper);
        return;
    }
}

bool draco_assertion_check(struct draco_actx *ax, uint32_t v, const struct draco_astate *s,
                           const struct draco_assertion *a, struct draco_sb *why)
{
    if (s->bottom)
        return true;
    switch ((enum draco_assert_kind)a->kind) {
    case DRACO_A_TYPE:
    case DRACO_A_INIT:
        return draco_check_type(ax, s, a, why);
    case DRACO_A_ACCESS:
        return draco_check_access(ax, s, a, why);
    case DRACO_A_STORE:
        return draco_check_store(ax, s, a, why);
    case DRACO_A_DIVISOR:
        return draco_check_divisor(ax, s, a, why);
    case DRACO_A_ADDABLE:
        return draco_check_addable(ax, s, a, why);
    case DRACO_A_COMPARABLE:
        return draco_check_comparable(ax, s, a, why);
    case DRACO_A_SIZE:
        return draco_check_size(ax, s, a, why);
    case DRACO_A_MAP_KV:
        return draco_check_map_kv(ax, s, a, why);
    case DRACO_A_MAP_TYPE:
        return draco_check_map_type(ax, s, a, why);
    case DRACO_A_ZERO_CTX:
        return draco_check_zero_ctx(ax, s, a, why);
    case DRACO_A_ARG_ZERO:
        return draco_check_arg_zero(ax, s, a, why);
    case DRACO_A_FUNC:
        return draco_check_func(ax, v, s, a, why);
    case DRACO_A_LOOP:
        return draco_check_loop(ax, s, a, why);
    case DRACO_A_NONNULL:
        return draco_check_nonnull(ax, s, a, why);
    case DRACO_A_CALLBACK:
        return draco_check_callback(ax, v, s, a, why);
    case DRACO_A_FAIL:
        draco_sb_puts(why, a->why ? a->why : "not supported");
        return false;
    }
    draco_sb_puts(why, "unknown assertion");
    return false;
}
