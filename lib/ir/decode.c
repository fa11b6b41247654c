/* SPDX-License-Identifier: MIT */
/* ir/decode: raw eBPF slots (RFC 9669, ISA v1-v4) -> validated draco_ir_insn array.
 *
 * Invariants: decoding reads raw[0..n) only (an LDDW at n-1 is "incomplete lddw", never a read of
 * raw[n]); every produced instruction uses registers 0..10, never writes r10, has every reserved
 * field zero, and every jump / local-call / code-address target lies in [0, n) on a slot that is
 * not the second half of an LDDW. Anything else is refused with DRACO_ERR_INVALID and the message
 * "<pc>: <reason>" (short lower-case phrase, PREVAIL style). Decoding does not rewrite anything;
 * the program-level checks (empty, no exit, fallthrough at the end) live in
 * draco_ir_validate_program() so that a whole ELF section can be decoded on its own.
 */
#include <stdint.h>
#include <string.h>
#include "ir/ir.h"
#include "elf/object.h"

/* ---- opcode fields (RFC 9669 §3, §4) ---- */
enum {
    OP_CLASS_MASK = 0x07,
    CLS_LD = 0x00, CLS_LDX = 0x01, CLS_ST = 0x02, CLS_STX = 0x03,
    CLS_ALU = 0x04, CLS_JMP = 0x05, CLS_JMP32 = 0x06, CLS_ALU64 = 0x07,
    SRC_X = 0x08,                 /* ALU/JMP: source is a register (also END: to big endian) */
    SIZE_MASK = 0x18, SZ_W = 0x00, SZ_H = 0x08, SZ_B = 0x10, SZ_DW = 0x18,
    MODE_MASK = 0xe0, MODE_IMM = 0x00, MODE_ABS = 0x20, MODE_IND = 0x40, MODE_MEM = 0x60,
    MODE_MEMSX = 0x80, MODE_ATOMIC = 0xc0,
    AFETCH = 0x01,
    A_ADD = 0x00, A_OR = 0x40, A_AND = 0x50, A_XOR = 0xa0, A_XCHG = 0xe0, A_CMPXCHG = 0xf0,
    R10 = 10,
};

/* A decoding context: one call of draco_ir_decode(). */
struct dctx {
    const draco_raw_insn *raw;
    size_t n;
    const uint8_t *flags;
    draco_error *err;
};

static draco_status fail(const struct dctx *c, size_t pc, const char *reason, unsigned op)
{
    if (op > 0xff)
        return draco_error_set(c->err, DRACO_ERR_INVALID, "%zu: %s", pc, reason);
    return draco_error_set(c->err, DRACO_ERR_INVALID, "%zu: %s 0x%02x", pc, reason, op);
}
#define NO_OP 0x100u

static unsigned width_of(unsigned opcode)
{
    switch (opcode & SIZE_MASK) {
    case SZ_W: return 4;
    case SZ_H: return 2;
    case SZ_B: return 1;
    default: return 8;
    }
}

/* Register field checks: `used` registers must be 0..10; unused fields must be zero. */
static draco_status need_reg(const struct dctx *c, size_t pc, unsigned r)
{
    return r > R10 ? fail(c, pc, "bad register", NO_OP) : DRACO_OK;
}
static draco_status need_writable(const struct dctx *c, size_t pc, unsigned r)
{
    if (r > R10)
        return fail(c, pc, "bad register", NO_OP);
    return r == R10 ? fail(c, pc, "cannot modify r10", NO_OP) : DRACO_OK;
}
static draco_status need_zero_src(const struct dctx *c, size_t pc, const draco_raw_insn *r)
{
    return draco_raw_insn_src(r) ? fail(c, pc, "nonzero src for op", r->opcode) : DRACO_OK;
}
static draco_status need_zero_dst(const struct dctx *c, size_t pc, const draco_raw_insn *r)
{
    return draco_raw_insn_dst(r) ? fail(c, pc, "nonzero dst for op", r->opcode) : DRACO_OK;
}
static draco_status need_zero_off(const struct dctx *c, size_t pc, const draco_raw_insn *r)
{
    return r->offset ? fail(c, pc, "nonzero offset for op", r->opcode) : DRACO_OK;
}
static draco_status need_zero_imm(const struct dctx *c, size_t pc, const draco_raw_insn *r)
{
    return r->imm ? fail(c, pc, "nonzero imm for op", r->opcode) : DRACO_OK;
}

/* pc + 1 + delta, clamped to int32 (a clamped value is out of bounds anyway: n <= INT32_MAX) */
static int32_t rel_target(size_t pc, int64_t delta)
{
    int64_t t = (int64_t)pc + 1 + delta;
    return t < INT32_MIN ? INT32_MIN : t > INT32_MAX ? INT32_MAX : (int32_t)t;
}

#define TRY(x) do { draco_status st_ = (x); if (st_ != DRACO_OK) return st_; } while (0)

/* ---- ALU / ALU64 ---- */
static draco_status decode_alu(const struct dctx *c, size_t pc, const draco_raw_insn *r,
                               struct draco_ir_insn *o)
{
    unsigned code = r->opcode & 0xf0;
    bool x = (r->opcode & SRC_X) != 0;
    o->is64 = (r->opcode & OP_CLASS_MASK) == CLS_ALU64;
    o->dst = (uint8_t)draco_raw_insn_dst(r);
    TRY(need_writable(c, pc, o->dst));
    if (code == 0x80) {           /* NEG: K form only, every other field zero */
        if (x)
            return fail(c, pc, "bad instruction op", r->opcode);
        TRY(need_zero_src(c, pc, r));
        TRY(need_zero_off(c, pc, r));
        TRY(need_zero_imm(c, pc, r));
        o->kind = DRACO_IR_UN;
        o->op = DRACO_UN_NEG;
        return DRACO_OK;
    }
    if (code == 0xd0) {           /* END: ALU: TO_LE (K) / TO_BE (X); ALU64: bswap, K only */
        TRY(need_zero_src(c, pc, r));
        TRY(need_zero_off(c, pc, r));
        if (o->is64 && x)
            return fail(c, pc, "bad instruction op", r->opcode);
        unsigned w;
        switch (r->imm) {
        case 16: w = 0; break;
        case 32: w = 1; break;
        case 64: w = 2; break;
        default: return fail(c, pc, "unsupported immediate", NO_OP);
        }
        o->kind = DRACO_IR_UN;
        if (o->is64)
            o->op = (uint8_t)(DRACO_UN_SWAP16 + w);
        else
            o->op = (uint8_t)((x ? DRACO_UN_BE16 : DRACO_UN_LE16) + w);
        o->imm = r->imm;
        return DRACO_OK;
    }
    static const int8_t binop[16] = {
        DRACO_BIN_ADD, DRACO_BIN_SUB, DRACO_BIN_MUL, DRACO_BIN_UDIV, DRACO_BIN_OR, DRACO_BIN_AND,
        DRACO_BIN_LSH, DRACO_BIN_RSH, -1, DRACO_BIN_UMOD, DRACO_BIN_XOR, DRACO_BIN_MOV,
        DRACO_BIN_ARSH, -1, -1, -1,
    };
    int op = binop[code >> 4];
    if (op < 0)
        return fail(c, pc, "bad instruction op", r->opcode);
    /* offset: 0, except signed div/mod (1) and MOVSX (8/16, and 32 on ALU64; register form) */
    if (r->offset != 0) {
        if ((op == DRACO_BIN_UDIV || op == DRACO_BIN_UMOD) && r->offset == 1)
            op = op == DRACO_BIN_UDIV ? DRACO_BIN_SDIV : DRACO_BIN_SMOD;
        else if (op == DRACO_BIN_MOV && x && r->offset == 8)
            op = DRACO_BIN_MOVSX8;
        else if (op == DRACO_BIN_MOV && x && r->offset == 16)
            op = DRACO_BIN_MOVSX16;
        else if (op == DRACO_BIN_MOV && x && r->offset == 32 && o->is64)
            op = DRACO_BIN_MOVSX32;
        else if (op == DRACO_BIN_UDIV || op == DRACO_BIN_UMOD || op == DRACO_BIN_MOV)
            return fail(c, pc, "invalid offset for op", r->opcode);
        else
            return fail(c, pc, "nonzero offset for op", r->opcode);
    }
    o->kind = DRACO_IR_BIN;
    o->op = (uint8_t)op;
    if (x) {
        TRY(need_zero_imm(c, pc, r));
        o->src = (uint8_t)draco_raw_insn_src(r);
        TRY(need_reg(c, pc, o->src));
        o->src_is_reg = true;
    } else {
        TRY(need_zero_src(c, pc, r));
        o->imm = r->imm;
    }
    return DRACO_OK;
}

/* ---- JMP / JMP32 (targets are checked afterwards, once LDDW second slots are known) ---- */
static draco_status decode_jmp(const struct dctx *c, size_t pc, const draco_raw_insn *r,
                               struct draco_ir_insn *o)
{
    unsigned code = r->opcode & 0xf0;
    bool x = (r->opcode & SRC_X) != 0;
    bool is32 = (r->opcode & OP_CLASS_MASK) == CLS_JMP32;
    o->is64 = !is32;
    switch (code) {
    case 0x00:                    /* JA (off) / JA32 = gotol (imm) */
        if (x)
            return fail(c, pc, "bad instruction op", r->opcode);
        TRY(need_zero_src(c, pc, r));
        TRY(need_zero_dst(c, pc, r));
        o->kind = DRACO_IR_JMP;
        o->op = DRACO_COND_ALWAYS;
        if (is32) {
            TRY(need_zero_off(c, pc, r));
            o->imm = r->imm;
            o->target = rel_target(pc, r->imm);
        } else {
            TRY(need_zero_imm(c, pc, r));
            o->off = r->offset;
            o->target = rel_target(pc, r->offset);
        }
        return DRACO_OK;
    case 0x80:                    /* CALL (K) / CALLX (X); JMP class only */
        if (is32)
            return fail(c, pc, "bad instruction op", r->opcode);
        if (!x && draco_raw_insn_src(r) == 2) {
            /* kfunc: imm = BTF id, offset = module (0: vmlinux; else an fd-array index) */
            TRY(need_zero_dst(c, pc, r));
            if (r->offset < 0)
                return fail(c, pc, "negative module for op", r->opcode);
            o->kind = DRACO_IR_CALL;
            o->op = DRACO_CALL_KFUNC;
            o->imm = r->imm;
            o->off = r->offset;
            return DRACO_OK;
        }
        TRY(need_zero_off(c, pc, r));
        if (x) {
            /* target register in dst; older clang put it in imm (with dst 0) */
            TRY(need_zero_src(c, pc, r));
            unsigned d = draco_raw_insn_dst(r);
            if (d != 0 && r->imm != 0)
                return fail(c, pc, "nonzero imm for op", r->opcode);
            if (d == 0 && (r->imm < 0 || r->imm > R10))
                return fail(c, pc, "bad register", NO_OP);
            o->kind = DRACO_IR_CALLX;
            o->dst = (uint8_t)(d != 0 ? d : (unsigned)r->imm);
            TRY(need_reg(c, pc, o->dst));
            return DRACO_OK;
        }
        TRY(need_zero_dst(c, pc, r));
        switch (draco_raw_insn_src(r)) {
        case 0:
            o->kind = DRACO_IR_CALL;
            o->op = (c->flags && (c->flags[pc] & DRACO_INSN_F_BUILTIN)) ? DRACO_CALL_BUILTIN
                                                                        : DRACO_CALL_HELPER;
            o->imm = r->imm;
            return DRACO_OK;
        case 1:
            o->kind = DRACO_IR_CALL_LOCAL;
            o->imm = r->imm;
            o->target = rel_target(pc, r->imm);
            return DRACO_OK;
        default:
            return fail(c, pc, "bad instruction op", r->opcode);
        }
    case 0x90:                    /* EXIT: JMP class, K, everything zero */
        if (is32 || x)
            return fail(c, pc, "bad instruction op", r->opcode);
        TRY(need_zero_src(c, pc, r));
        TRY(need_zero_dst(c, pc, r));
        TRY(need_zero_off(c, pc, r));
        TRY(need_zero_imm(c, pc, r));
        o->kind = DRACO_IR_EXIT;
        return DRACO_OK;
    default:
        break;
    }
    static const int8_t cond[16] = {
        -1, DRACO_COND_EQ, DRACO_COND_GT, DRACO_COND_GE, DRACO_COND_SET, DRACO_COND_NE,
        DRACO_COND_SGT, DRACO_COND_SGE, -1, -1, DRACO_COND_LT, DRACO_COND_LE,
        DRACO_COND_SLT, DRACO_COND_SLE, -1, -1,
    };
    int op = cond[code >> 4];
    if (op < 0)
        return fail(c, pc, "bad instruction op", r->opcode);
    o->kind = DRACO_IR_JMP;
    o->op = (uint8_t)op;
    o->dst = (uint8_t)draco_raw_insn_dst(r);
    TRY(need_reg(c, pc, o->dst));
    if (x) {
        TRY(need_zero_imm(c, pc, r));
        o->src = (uint8_t)draco_raw_insn_src(r);
        TRY(need_reg(c, pc, o->src));
        o->src_is_reg = true;
    } else {
        TRY(need_zero_src(c, pc, r));
        o->imm = r->imm;
    }
    o->off = r->offset;
    o->target = rel_target(pc, r->offset);
    return DRACO_OK;
}

/* ---- LD class: LDDW (two slots) and legacy packet access ---- */
static draco_status decode_ld(const struct dctx *c, size_t pc, const draco_raw_insn *r,
                              struct draco_ir_insn *o)
{
    unsigned mode = r->opcode & MODE_MASK;
    if (r->opcode == (CLS_LD | MODE_IMM | SZ_DW)) {
        if (pc + 1 >= c->n)
            return fail(c, pc, "incomplete lddw", NO_OP);
        const draco_raw_insn *r2 = &c->raw[pc + 1];
        if (r->offset != 0 || r2->opcode != 0 || r2->regs != 0 || r2->offset != 0)
            return fail(c, pc, "lddw uses reserved fields", NO_OP);
        o->dst = (uint8_t)draco_raw_insn_dst(r);
        TRY(need_writable(c, pc, o->dst));
        o->is64 = true;
        unsigned s = draco_raw_insn_src(r);
        switch (s) {
        case 0:
            o->kind = DRACO_IR_BIN;
            o->op = DRACO_BIN_MOV;
            o->is_lddw = true;
            o->imm = (int64_t)(((uint64_t)(uint32_t)r2->imm << 32) | (uint32_t)r->imm);
            o->imm2 = r2->imm;
            return DRACO_OK;
        case 1:                   /* map by fd */
        case 5:                   /* map by index */
            if (r2->imm != 0)
                return fail(c, pc, "lddw uses reserved fields", NO_OP);
            if (s == 1) {
                o->kind = DRACO_IR_LOAD_MAP_FD;
            } else {
                o->kind = DRACO_IR_LOAD_PSEUDO;
                o->op = DRACO_PSEUDO_MAP_BY_IDX;
            }
            o->imm = r->imm;
            return DRACO_OK;
        case 2:
            o->kind = DRACO_IR_LOAD_MAP_VALUE;
            o->imm = r->imm;
            o->imm2 = r2->imm;
            return DRACO_OK;
        case 3:
        case 6:
            o->kind = DRACO_IR_LOAD_PSEUDO;
            o->op = (uint8_t)s;
            o->imm = r->imm;
            o->imm2 = r2->imm;
            return DRACO_OK;
        case 4:                   /* code address: pc-relative like a local call */
            if (r2->imm != 0)
                return fail(c, pc, "lddw uses reserved fields", NO_OP);
            o->kind = DRACO_IR_LOAD_PSEUDO;
            o->op = DRACO_PSEUDO_CODE_ADDR;
            o->imm = r->imm;
            o->target = rel_target(pc, r->imm);
            return DRACO_OK;
        default:
            return fail(c, pc, "invalid lddw", NO_OP);
        }
    }
    if ((mode == MODE_ABS || mode == MODE_IND) && (r->opcode & SIZE_MASK) != SZ_DW) {
        /* legacy packet load into r0 (implicit); ABS: [imm], IND: [src + imm] */
        TRY(need_zero_dst(c, pc, r));
        TRY(need_zero_off(c, pc, r));
        o->kind = DRACO_IR_PACKET;
        o->width = (uint8_t)width_of(r->opcode);
        o->imm = r->imm;
        if (mode == MODE_IND) {
            o->src = (uint8_t)draco_raw_insn_src(r);
            TRY(need_reg(c, pc, o->src));
            o->src_is_reg = true;
        } else {
            TRY(need_zero_src(c, pc, r));
        }
        return DRACO_OK;
    }
    return fail(c, pc, "bad instruction op", r->opcode);
}

/* ---- LDX / ST / STX ---- */
static draco_status decode_mem(const struct dctx *c, size_t pc, const draco_raw_insn *r,
                               struct draco_ir_insn *o)
{
    unsigned cls = r->opcode & OP_CLASS_MASK;
    unsigned mode = r->opcode & MODE_MASK;
    o->width = (uint8_t)width_of(r->opcode);
    o->off = r->offset;
    o->dst = (uint8_t)draco_raw_insn_dst(r);
    o->src = (uint8_t)draco_raw_insn_src(r);
    switch (cls) {
    case CLS_LDX:
        if (mode != MODE_MEM && !(mode == MODE_MEMSX && o->width != 8))
            return fail(c, pc, "bad instruction op", r->opcode);
        TRY(need_zero_imm(c, pc, r));
        TRY(need_writable(c, pc, o->dst));
        TRY(need_reg(c, pc, o->src));
        o->kind = DRACO_IR_MEM;
        o->is_load = true;
        o->is_signed = mode == MODE_MEMSX;
        o->src_is_reg = true;
        return DRACO_OK;
    case CLS_ST:
        if (mode != MODE_MEM)
            return fail(c, pc, "bad instruction op", r->opcode);
        TRY(need_zero_src(c, pc, r));
        TRY(need_reg(c, pc, o->dst));
        o->kind = DRACO_IR_MEM;
        o->imm = r->imm;
        return DRACO_OK;
    default:                      /* STX */
        break;
    }
    if (mode == MODE_MEM) {
        TRY(need_zero_imm(c, pc, r));
        TRY(need_reg(c, pc, o->dst));
        TRY(need_reg(c, pc, o->src));
        o->kind = DRACO_IR_MEM;
        o->src_is_reg = true;
        return DRACO_OK;
    }
    if (mode != MODE_ATOMIC || (o->width != 4 && o->width != 8))
        return fail(c, pc, "bad instruction op", r->opcode);
    TRY(need_reg(c, pc, o->dst));
    TRY(need_reg(c, pc, o->src));
    o->kind = DRACO_IR_ATOMIC;
    o->is64 = o->width == 8;
    o->src_is_reg = true;
    switch (r->imm) {
    case A_ADD: case A_ADD | AFETCH: o->op = DRACO_ATOMIC_ADD; break;
    case A_OR: case A_OR | AFETCH: o->op = DRACO_ATOMIC_OR; break;
    case A_AND: case A_AND | AFETCH: o->op = DRACO_ATOMIC_AND; break;
    case A_XOR: case A_XOR | AFETCH: o->op = DRACO_ATOMIC_XOR; break;
    case A_XCHG | AFETCH: o->op = DRACO_ATOMIC_XCHG; break;
    case A_CMPXCHG | AFETCH: o->op = DRACO_ATOMIC_CMPXCHG; break;
    default: return fail(c, pc, "unsupported immediate", NO_OP);
    }
    o->fetch = (r->imm & AFETCH) != 0;
    o->imm = r->imm;
    /* a fetch writes the old value into src (CMPXCHG: into r0) */
    if (o->fetch && o->op != DRACO_ATOMIC_CMPXCHG && o->src == R10)
        return fail(c, pc, "cannot modify r10", NO_OP);
    return DRACO_OK;
}

/* A target must be a real instruction slot: in [0, n), not the second slot of an LDDW. */
static draco_status check_target(const struct dctx *c, const struct draco_ir_insn *insns,
                                 size_t pc, int32_t t)
{
    if (t < 0 || (size_t)t >= c->n)
        return fail(c, pc, "jump out of bounds", NO_OP);
    if (insns[t].kind == DRACO_IR_UNDEFINED)
        return fail(c, pc, "jump to middle of lddw", NO_OP);
    return DRACO_OK;
}

draco_status draco_ir_decode(const draco_raw_insn *raw, size_t n, const uint8_t *flags,
                             struct draco_arena *arena, draco_error *err, struct draco_ir_prog *out)
{
    struct dctx c = { raw, n, flags, err };
    draco_status st = DRACO_OK;
    if (!out)
        return draco_error_set(err, DRACO_ERR_INTERNAL, "draco_ir_decode: no output");
    out->insns = NULL;
    out->n = 0;
    if (n == 0)
        return DRACO_OK;
    if (!raw || !arena)
        return draco_error_set(err, DRACO_ERR_INTERNAL, "draco_ir_decode: null argument");
    if (n > SIZE_MAX / sizeof(struct draco_ir_insn) || n > (size_t)INT32_MAX)
        return draco_error_set(err, DRACO_ERR_LIMIT, "program of %zu slots is too large", n);
    struct draco_ir_insn *insns = draco_arena_alloc(arena, n * sizeof *insns);
    if (!insns)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory decoding %zu slots", n);

    for (size_t pc = 0; pc < n; pc++) {
        const draco_raw_insn *r = &raw[pc];
        struct draco_ir_insn *o = &insns[pc];
        memset(o, 0, sizeof *o);
        o->opcode = r->opcode;
        o->pc = (uint32_t)pc;
        o->target = -1;
        switch (r->opcode & OP_CLASS_MASK) {
        case CLS_ALU:
        case CLS_ALU64: st = decode_alu(&c, pc, r, o); break;
        case CLS_JMP:
        case CLS_JMP32: st = decode_jmp(&c, pc, r, o); break;
        case CLS_LD: st = decode_ld(&c, pc, r, o); break;
        default: st = decode_mem(&c, pc, r, o); break;
        }
        if (st != DRACO_OK)
            goto fail;
        if (r->opcode == (CLS_LD | MODE_IMM | SZ_DW)) {
            pc++;             /* the filler slot: kind UNDEFINED */
            memset(&insns[pc], 0, sizeof insns[pc]);
            insns[pc].opcode = raw[pc].opcode;
            insns[pc].pc = (uint32_t)pc;
            insns[pc].target = -1;
        }
    }
    for (size_t pc = 0; pc < n; pc++) {
        const struct draco_ir_insn *o = &insns[pc];
        bool has_target = o->kind == DRACO_IR_JMP || o->kind == DRACO_IR_CALL_LOCAL ||
                          (o->kind == DRACO_IR_LOAD_PSEUDO && o->op == DRACO_PSEUDO_CODE_ADDR);
        if (!has_target)
            continue;
        st = check_target(&c, insns, pc, o->target);
        if (st != DRACO_OK)
            goto fail;
    }
    out->insns = insns;
    out->n = n;
    return DRACO_OK;
fail:
    return st;    /* the slots stay in the arena until it is released */
}

draco_status draco_ir_validate_program(const struct draco_ir_prog *p, draco_error *err)
{
    if (!p || p->n == 0 || !p->insns)
        return draco_error_set(err, DRACO_ERR_INVALID, "0: empty instruction sequence");
    size_t last = p->n - 1;
    if (p->insns[last].kind == DRACO_IR_UNDEFINED && last > 0)
        last--;
    bool has_exit = false;
    for (size_t pc = 0; pc < p->n; pc++)
        if (p->insns[pc].kind == DRACO_IR_EXIT)
            has_exit = true;
    if (!has_exit)
        return draco_error_set(err, DRACO_ERR_INVALID, "%zu: no exit instruction", last);
    const struct draco_ir_insn *l = &p->insns[last];
    bool ends = l->kind == DRACO_IR_EXIT || (l->kind == DRACO_IR_JMP && l->op == DRACO_COND_ALWAYS);
    if (!ends)
        return draco_error_set(err, DRACO_ERR_INVALID, "%zu: fallthrough past the last instruction",
                               last);
    return DRACO_OK;
}
