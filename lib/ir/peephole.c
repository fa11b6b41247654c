/* SPDX-License-Identifier: MIT */
/* ir/peephole: precision-recovering rewrites of shift pairs into moves.
 *
 * `rX <<= 32; rX >>= 32` zero-extends the low half and `rX <<= 32; rX s>>= 32` sign-extends it;
 * interval analysis of the shift pair loses that, a move keeps it. The pair at (pc, pc+1) becomes
 * `rX = rX` (a 64-bit no-op, so jumps to pc still execute the whole effect) and `wX = wX` or
 * `rX = (s32)rX`. The rewrite is exact: it is applied only when pc+1 is not a jump, local-call or
 * code-address target, so pc+1 is entered only from pc. Slot count and pcs never change. If the
 * target bitmap cannot be allocated, nothing is rewritten (the pass is optional).
 */
#include <stdlib.h>
#include <string.h>
#include "ir/ir.h"

static bool is_shift32(const struct draco_ir_insn *in, enum draco_bin_op op, unsigned reg)
{
    return in->kind == DRACO_IR_BIN && in->op == op && in->is64 && !in->src_is_reg &&
           !in->is_lddw && in->imm == 32 && in->dst == reg;
}

static bool has_target(const struct draco_ir_insn *in)
{
    return in->kind == DRACO_IR_JMP || in->kind == DRACO_IR_CALL_LOCAL ||
           (in->kind == DRACO_IR_LOAD_PSEUDO && in->op == DRACO_PSEUDO_CODE_ADDR);
}

static void set_mov(struct draco_ir_insn *in, enum draco_bin_op op, bool is64, uint8_t opcode,
                    int16_t off)
{
    uint8_t reg = in->dst;
    uint32_t pc = in->pc;
    memset(in, 0, sizeof *in);
    in->kind = DRACO_IR_BIN;
    in->op = (uint8_t)op;
    in->dst = reg;
    in->src = reg;
    in->src_is_reg = true;
    in->is64 = is64;
    in->opcode = opcode;  /* the encoding of the new form: 0xbf (MOV64 X), 0xbc (MOV32 X) */
    in->off = off;        /* raw offset of MOVSX32 is 32 */
    in->target = -1;
    in->pc = pc;
}

void draco_ir_peephole(struct draco_ir_prog *prog)
{
    if (!prog || prog->n < 2 || !prog->insns)
        return;
    struct draco_ir_insn *v = prog->insns;
    size_t n = prog->n;
    unsigned char *is_target = calloc((n + 7) / 8, 1);
    if (!is_target)
        return;
    for (size_t pc = 0; pc < n; pc++)
        if (has_target(&v[pc]) && v[pc].target >= 0 && (size_t)v[pc].target < n)
            is_target[(size_t)v[pc].target / 8] |= (unsigned char)(1u << (v[pc].target % 8));
    for (size_t pc = 0; pc + 1 < n; pc++) {
        if (!is_shift32(&v[pc], DRACO_BIN_LSH, v[pc].dst))
            continue;
        struct draco_ir_insn *next = &v[pc + 1];
        if (is_target[(pc + 1) / 8] & (1u << ((pc + 1) % 8)))
            continue;
        bool zext = is_shift32(next, DRACO_BIN_RSH, v[pc].dst);
        bool sext = is_shift32(next, DRACO_BIN_ARSH, v[pc].dst);
        if (!zext && !sext)
            continue;
        set_mov(&v[pc], DRACO_BIN_MOV, true, 0xbf, 0);
        if (zext)
            set_mov(next, DRACO_BIN_MOV, false, 0xbc, 0);
        else
            set_mov(next, DRACO_BIN_MOVSX32, true, 0xbf, 32);
        pc++;
    }
    free(is_target);
}
