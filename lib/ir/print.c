/* SPDX-License-Identifier: MIT */
/* ir/print: one IR instruction as text in the LLVM/PREVAIL assembly syntax; condition tables.
 *
 * Invariants: the text equals what llvm-objdump -d prints for the same bytes whenever LLVM knows the
 * form, with these deliberate differences: 32-bit atomics use LLVM's alu32 spelling (w registers),
 * LDDW pseudo forms print as "map_fd N" / "map_val(N) + K" / ..., kfunc calls as "call kfunc N",
 * LD_IND shows a non-zero immediate ("skb[r3 + 4]"). v4 forms use the newer LLVM spelling
 * (s/=, s%=, (s8), bswap16, *(s32 *), gotol, ST immediates). Printing never fails loudly: output
 * goes through draco_sb, which records out-of-memory itself. No state besides const tables (char
 * arrays, not pointer tables, so nothing lands in writable relocated data).
 */
#include <inttypes.h>
#include "ir/ir.h"

static const char bin_op_text[][5] = {
    [DRACO_BIN_MOV] = "=", [DRACO_BIN_ADD] = "+=", [DRACO_BIN_SUB] = "-=",
    [DRACO_BIN_MUL] = "*=", [DRACO_BIN_UDIV] = "/=", [DRACO_BIN_SDIV] = "s/=",
    [DRACO_BIN_UMOD] = "%=", [DRACO_BIN_SMOD] = "s%=", [DRACO_BIN_OR] = "|=",
    [DRACO_BIN_AND] = "&=", [DRACO_BIN_LSH] = "<<=", [DRACO_BIN_RSH] = ">>=",
    [DRACO_BIN_ARSH] = "s>>=", [DRACO_BIN_XOR] = "^=",
    [DRACO_BIN_MOVSX8] = "=", [DRACO_BIN_MOVSX16] = "=", [DRACO_BIN_MOVSX32] = "=",
};

static const char cond_text[][7] = {
    [DRACO_COND_ALWAYS] = "always",
    [DRACO_COND_EQ] = "==", [DRACO_COND_NE] = "!=", [DRACO_COND_SET] = "&",
    [DRACO_COND_NSET] = "!&", [DRACO_COND_LT] = "<", [DRACO_COND_LE] = "<=",
    [DRACO_COND_GT] = ">", [DRACO_COND_GE] = ">=", [DRACO_COND_SLT] = "s<",
    [DRACO_COND_SLE] = "s<=", [DRACO_COND_SGT] = "s>", [DRACO_COND_SGE] = "s>=",
};

const char *draco_cond_op_str(enum draco_cond_op op)
{
    return (unsigned)op < DRACO_ARRAY_LEN(cond_text) && cond_text[op][0] ? cond_text[op] : "?";
}

enum draco_cond_op draco_cond_negate(enum draco_cond_op op)
{
    switch (op) {
    case DRACO_COND_EQ: return DRACO_COND_NE;
    case DRACO_COND_NE: return DRACO_COND_EQ;
    case DRACO_COND_SET: return DRACO_COND_NSET;
    case DRACO_COND_NSET: return DRACO_COND_SET;
    case DRACO_COND_LT: return DRACO_COND_GE;
    case DRACO_COND_GE: return DRACO_COND_LT;
    case DRACO_COND_LE: return DRACO_COND_GT;
    case DRACO_COND_GT: return DRACO_COND_LE;
    case DRACO_COND_SLT: return DRACO_COND_SGE;
    case DRACO_COND_SGE: return DRACO_COND_SLT;
    case DRACO_COND_SLE: return DRACO_COND_SGT;
    case DRACO_COND_SGT: return DRACO_COND_SLE;
    case DRACO_COND_ALWAYS: break;
    }
    /* an unconditional jump has no negation in this enum; callers never build that edge */
    return DRACO_COND_ALWAYS;
}

static void put_reg(struct draco_sb *sb, unsigned r, bool is64)
{
    draco_sb_printf(sb, "%c%u", is64 ? 'r' : 'w', r);
}

static void put_target(struct draco_sb *sb, const struct draco_ir_insn *in, bool labels)
{
    if (labels) {
        draco_sb_printf(sb, "<%" PRId32 ">", in->target);
        return;
    }
    int64_t rel = (int64_t)in->target - (int64_t)in->pc - 1;
    draco_sb_printf(sb, "%c%" PRId64, rel < 0 ? '-' : '+', rel < 0 ? -rel : rel);
}

static void put_addr(struct draco_sb *sb, unsigned base, int off)
{
    draco_sb_printf(sb, "(r%u %c %d)", base, off < 0 ? '-' : '+', off < 0 ? -off : off);
}

static const char *size_name(unsigned width, bool is_signed)
{
    switch (width) {
    case 1: return is_signed ? "s8" : "u8";
    case 2: return is_signed ? "s16" : "u16";
    case 4: return is_signed ? "s32" : "u32";
    default: return is_signed ? "s64" : "u64";
    }
}

static void print_bin(struct draco_sb *sb, const struct draco_ir_insn *in)
{
    put_reg(sb, in->dst, in->is64);
    if (in->op >= DRACO_ARRAY_LEN(bin_op_text) || !bin_op_text[in->op][0]) {
        draco_sb_printf(sb, " <bad bin op %u>", in->op);
        return;
    }
    draco_sb_printf(sb, " %s ", bin_op_text[in->op]);
    switch ((enum draco_bin_op)in->op) {
    case DRACO_BIN_MOVSX8: draco_sb_puts(sb, "(s8)"); break;
    case DRACO_BIN_MOVSX16: draco_sb_puts(sb, "(s16)"); break;
    case DRACO_BIN_MOVSX32: draco_sb_puts(sb, "(s32)"); break;
    case DRACO_BIN_MOV: case DRACO_BIN_ADD: case DRACO_BIN_SUB: case DRACO_BIN_MUL:
    case DRACO_BIN_UDIV: case DRACO_BIN_SDIV: case DRACO_BIN_UMOD: case DRACO_BIN_SMOD:
    case DRACO_BIN_OR: case DRACO_BIN_AND: case DRACO_BIN_LSH: case DRACO_BIN_RSH:
    case DRACO_BIN_ARSH: case DRACO_BIN_XOR: break;
    }
    if (in->src_is_reg)
        put_reg(sb, in->src, in->is64);
    else
        draco_sb_printf(sb, "%" PRId64 "%s", in->imm, in->is_lddw ? " ll" : "");
}

static void print_un(struct draco_sb *sb, const struct draco_ir_insn *in)
{
    static const char names[][8] = {
        [DRACO_UN_BE16] = "be16", [DRACO_UN_BE32] = "be32", [DRACO_UN_BE64] = "be64",
        [DRACO_UN_LE16] = "le16", [DRACO_UN_LE32] = "le32", [DRACO_UN_LE64] = "le64",
        [DRACO_UN_SWAP16] = "bswap16", [DRACO_UN_SWAP32] = "bswap32",
        [DRACO_UN_SWAP64] = "bswap64",
    };
    if (in->op == DRACO_UN_NEG) {
        put_reg(sb, in->dst, in->is64);
        draco_sb_puts(sb, " = -");
        put_reg(sb, in->dst, in->is64);
        return;
    }
    if (in->op >= DRACO_ARRAY_LEN(names) || !names[in->op][0]) {
        draco_sb_printf(sb, "r%u = <bad unary op %u>", in->dst, in->op);
        return;
    }
    /* LLVM prints byte swaps on the 64-bit register name whatever the class */
    draco_sb_printf(sb, "r%u = %s r%u", in->dst, names[in->op], in->dst);
}

static void print_atomic(struct draco_sb *sb, const struct draco_ir_insn *in)
{
    static const char ops[][4] = { "add", "or", "and", "xor" };
    static const char assign[][3] = { "+=", "|=", "&=", "^=" };
    const char *sz = in->is64 ? "u64" : "u32";
    int off = in->off;
    char sign = off < 0 ? '-' : '+';
    int mag = off < 0 ? -off : off;
    switch ((enum draco_atomic_op)in->op) {
    case DRACO_ATOMIC_ADD: case DRACO_ATOMIC_OR: case DRACO_ATOMIC_AND: case DRACO_ATOMIC_XOR:
        if (in->fetch) {
            put_reg(sb, in->src, in->is64);
            draco_sb_printf(sb, " = atomic_fetch_%s((%s *)(r%u %c %d), ", ops[in->op], sz,
                            in->dst, sign, mag);
            put_reg(sb, in->src, in->is64);
            draco_sb_putc(sb, ')');
        } else {
            draco_sb_printf(sb, "lock *(%s *)", sz);
            put_addr(sb, in->dst, off);
            draco_sb_printf(sb, " %s ", assign[in->op]);
            put_reg(sb, in->src, in->is64);
        }
        return;
    case DRACO_ATOMIC_XCHG:
        put_reg(sb, in->src, in->is64);
        draco_sb_printf(sb, " = %s(r%u %c %d, ", in->is64 ? "xchg_64" : "xchg32_32", in->dst,
                        sign, mag);
        put_reg(sb, in->src, in->is64);
        draco_sb_putc(sb, ')');
        return;
    case DRACO_ATOMIC_CMPXCHG:
        put_reg(sb, 0, in->is64);
        draco_sb_printf(sb, " = %s(r%u %c %d, ", in->is64 ? "cmpxchg_64" : "cmpxchg32_32",
                        in->dst, sign, mag);
        put_reg(sb, 0, in->is64);
        draco_sb_puts(sb, ", ");
        put_reg(sb, in->src, in->is64);
        draco_sb_putc(sb, ')');
        return;
    }
    draco_sb_printf(sb, "<bad atomic op %u>", in->op);
}

static void print_cond(struct draco_sb *sb, const struct draco_ir_insn *in)
{
    put_reg(sb, in->dst, in->is64);
    draco_sb_printf(sb, " %s ", draco_cond_op_str((enum draco_cond_op)in->op));
    if (in->src_is_reg)
        put_reg(sb, in->src, in->is64);
    else
        draco_sb_printf(sb, "%" PRId64, in->imm);
}

void draco_ir_print_insn(struct draco_sb *sb, const struct draco_ir_insn *in, bool labels)
{
    switch ((enum draco_ir_kind)in->kind) {
    case DRACO_IR_UNDEFINED:
        return;
    case DRACO_IR_BIN:
        print_bin(sb, in);
        return;
    case DRACO_IR_UN:
        print_un(sb, in);
        return;
    case DRACO_IR_LOAD_MAP_FD:
        draco_sb_printf(sb, "r%u = map_fd %" PRId64, in->dst, in->imm);
        return;
    case DRACO_IR_LOAD_MAP_VALUE:
        draco_sb_printf(sb, "r%u = map_val(%" PRId64 ") + %" PRId32, in->dst, in->imm, in->imm2);
        return;
    case DRACO_IR_LOAD_PSEUDO:
        switch (in->op) {
        case DRACO_PSEUDO_VAR_ADDR:
            draco_sb_printf(sb, "r%u = var_addr(%" PRId64 ", %" PRId32 ")", in->dst, in->imm,
                            in->imm2);
            return;
        case DRACO_PSEUDO_CODE_ADDR:
            draco_sb_printf(sb, "r%u = code_addr(", in->dst);
            put_target(sb, in, labels);
            draco_sb_putc(sb, ')');
            return;
        case DRACO_PSEUDO_MAP_BY_IDX:
            draco_sb_printf(sb, "r%u = map_by_idx %" PRId64, in->dst, in->imm);
            return;
        case DRACO_PSEUDO_MAP_VALUE_BY_IDX:
            draco_sb_printf(sb, "r%u = map_val_by_idx(%" PRId64 ") + %" PRId32, in->dst, in->imm,
                            in->imm2);
            return;
        default:
            draco_sb_printf(sb, "r%u = <bad pseudo %u>", in->dst, in->op);
            return;
        }
    case DRACO_IR_MEM:
        if (in->is_load) {
            draco_sb_printf(sb, "r%u = *(%s *)", in->dst, size_name(in->width, in->is_signed));
            put_addr(sb, in->src, in->off);
            return;
        }
        draco_sb_printf(sb, "*(%s *)", size_name(in->width, false));
        put_addr(sb, in->dst, in->off);
        if (in->src_is_reg)
            draco_sb_printf(sb, " = r%u", in->src);
        else
            draco_sb_printf(sb, " = %" PRId64, in->imm);
        return;
    case DRACO_IR_ATOMIC:
        print_atomic(sb, in);
        return;
    case DRACO_IR_PACKET:
        draco_sb_printf(sb, "r0 = *(%s *)skb[", size_name(in->width, false));
        if (!in->src_is_reg)
            draco_sb_printf(sb, "%" PRId64 "]", in->imm);
        else if (in->imm == 0)
            draco_sb_printf(sb, "r%u]", in->src);
        else
            draco_sb_printf(sb, "r%u %c %" PRId64 "]", in->src, in->imm < 0 ? '-' : '+',
                            in->imm < 0 ? -in->imm : in->imm);
        return;
    case DRACO_IR_JMP:
        if (in->op == DRACO_COND_ALWAYS) {
            /* JA32 is the JMP32-class opcode (0x06) */
            draco_sb_puts(sb, (in->opcode & 0x07) == 0x06 ? "gotol " : "goto ");
        } else {
            draco_sb_puts(sb, "if ");
            print_cond(sb, in);
            draco_sb_puts(sb, " goto ");
        }
        put_target(sb, in, labels);
        return;
    case DRACO_IR_CALL:
        if (in->op == DRACO_CALL_KFUNC) {
            draco_sb_printf(sb, "call kfunc %" PRId64, in->imm);
            if (in->off)
                draco_sb_printf(sb, ", module %d", in->off);
        } else {
            draco_sb_printf(sb, "call %" PRId64, in->imm);
        }
        return;
    case DRACO_IR_CALL_LOCAL:
        draco_sb_puts(sb, "call ");
        put_target(sb, in, labels);
        return;
    case DRACO_IR_CALLX:
        draco_sb_printf(sb, "callx r%u", in->dst);
        return;
    case DRACO_IR_EXIT:
        draco_sb_puts(sb, "exit");
        return;
    case DRACO_IR_ASSUME:
        draco_sb_puts(sb, "assume ");
        print_cond(sb, in);
        return;
    }
    draco_sb_printf(sb, "<bad kind %u>", in->kind);
}
