/* SPDX-License-Identifier: MIT */
/* ir_builder: hand-made draco_ir_insn programs for the CFG and WTO tests (no decoder needed).
 *
 * A `struct pb` grows an array of zeroed instructions, each with its pc, target -1 and is64 set;
 * the p_* helpers append one instruction of a kind (an LDDW appends its filler slot too). The
 * caller frees `ins`.
 */
#ifndef DRACO_TESTS_IR_BUILDER_H
#define DRACO_TESTS_IR_BUILDER_H

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "ir/ir.h"

struct pb {
    struct draco_ir_insn *ins;
    size_t n, cap;
};

static inline struct draco_ir_insn *pb_add(struct pb *p, uint8_t kind)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->ins = realloc(p->ins, p->cap * sizeof *p->ins);
        ck_assert_ptr_nonnull(p->ins);
    }
    struct draco_ir_insn *i = &p->ins[p->n];
    memset(i, 0, sizeof *i);
    i->kind = kind;
    i->pc = (uint32_t)p->n;
    i->target = -1;
    i->is64 = true;
    p->n++;
    return i;
}
static inline void p_mov(struct pb *p, int dst, int64_t imm)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_BIN);
    i->op = DRACO_BIN_MOV;
    i->opcode = 0xb7;
    i->dst = (uint8_t)dst;
    i->imm = imm;
}
static inline void p_add(struct pb *p, int dst, int64_t imm)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_BIN);
    i->op = DRACO_BIN_ADD;
    i->opcode = 0x07;
    i->dst = (uint8_t)dst;
    i->imm = imm;
}
static inline void p_lddw(struct pb *p, int dst, int64_t imm)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_BIN);
    i->op = DRACO_BIN_MOV;
    i->opcode = 0x18;
    i->is_lddw = true;
    i->dst = (uint8_t)dst;
    i->imm = imm;
    pb_add(p, DRACO_IR_UNDEFINED);
}
static inline void p_jcc(struct pb *p, int op, int dst, int64_t imm, int32_t target)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_JMP);
    i->op = (uint8_t)op;
    i->opcode = 0x15;
    i->dst = (uint8_t)dst;
    i->imm = imm;
    i->target = target;
}
static inline void p_jcc32_reg(struct pb *p, int op, int dst, int src, int32_t target)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_JMP);
    i->op = (uint8_t)op;
    i->opcode = 0x2e;
    i->is64 = false;
    i->dst = (uint8_t)dst;
    i->src = (uint8_t)src;
    i->src_is_reg = true;
    i->target = target;
}
static inline void p_ja(struct pb *p, int32_t target)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_JMP);
    i->op = DRACO_COND_ALWAYS;
    i->opcode = 0x05;
    i->target = target;
}
static inline void p_call(struct pb *p, int32_t target)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_CALL_LOCAL);
    i->opcode = 0x85;
    i->src = 1;
    i->target = target;
}
static inline void p_helper(struct pb *p, int64_t id)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_CALL);
    i->op = DRACO_CALL_HELPER;
    i->opcode = 0x85;
    i->imm = id;
}
static inline void p_exit(struct pb *p)
{
    pb_add(p, DRACO_IR_EXIT)->opcode = 0x95;
}

#endif
