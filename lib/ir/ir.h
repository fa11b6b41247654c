/* SPDX-License-Identifier: MIT */
/* ir: the typed instruction IR every later stage works on.
 *
 * One draco_ir_insn per 8-byte slot, indexed by slot (pc): the second slot of an LDDW is a
 * DRACO_IR_UNDEFINED filler so that pc arithmetic of jumps stays valid. Immediates are stored
 * sign-extended to 64 bits as the ISA defines for the instruction (LDDW: the full 64-bit value).
 * Decoding is exact (no rewriting); draco_ir_peephole() applies the optional precision-recovering
 * rewrites separately.
 */
#ifndef DRACO_IR_IR_H
#define DRACO_IR_IR_H

#include "util/util.h"

enum draco_ir_kind {
    DRACO_IR_UNDEFINED = 0,  /* second slot of an LDDW */
    DRACO_IR_BIN,            /* ALU/ALU64 binary incl. MOV, MOVSX, signed div/mod; also LDDW src=0 (is_lddw) */
    DRACO_IR_UN,             /* NEG, byte swaps */
    DRACO_IR_LOAD_MAP_FD,    /* LDDW src=1: dst = map fd `imm` */
    DRACO_IR_LOAD_MAP_VALUE, /* LDDW src=2: dst = address of value of map fd `imm`, + imm2 */
    DRACO_IR_LOAD_PSEUDO,    /* LDDW src=3..6 (op = enum draco_pseudo_kind), imm/imm2 raw */
    DRACO_IR_MEM,            /* LDX/ST/STX MEM and LDX MEMSX */
    DRACO_IR_ATOMIC,         /* STX ATOMIC */
    DRACO_IR_PACKET,         /* legacy LD_ABS / LD_IND */
    DRACO_IR_JMP,            /* JA (op = DRACO_COND_ALWAYS) or conditional jump */
    DRACO_IR_CALL,           /* helper (src=0), builtin (rewritten extern), kfunc (src=2) */
    DRACO_IR_CALL_LOCAL,     /* bpf2bpf call (src=1): target pc */
    DRACO_IR_CALLX,          /* call via register dst */
    DRACO_IR_EXIT,
    DRACO_IR_ASSUME,         /* explicit assume (text assembler / tests only) */
};

enum draco_bin_op {
    DRACO_BIN_MOV, DRACO_BIN_ADD, DRACO_BIN_SUB, DRACO_BIN_MUL,
    DRACO_BIN_UDIV, DRACO_BIN_SDIV, DRACO_BIN_UMOD, DRACO_BIN_SMOD,
    DRACO_BIN_OR, DRACO_BIN_AND, DRACO_BIN_LSH, DRACO_BIN_RSH, DRACO_BIN_ARSH, DRACO_BIN_XOR,
    DRACO_BIN_MOVSX8, DRACO_BIN_MOVSX16, DRACO_BIN_MOVSX32,
};

enum draco_un_op {
    DRACO_UN_NEG,
    DRACO_UN_BE16, DRACO_UN_BE32, DRACO_UN_BE64,
    DRACO_UN_LE16, DRACO_UN_LE32, DRACO_UN_LE64,
    DRACO_UN_SWAP16, DRACO_UN_SWAP32, DRACO_UN_SWAP64,
};

/* Jump conditions; NSET (= !(a & b)) only appears as a negated SET on assume edges. */
enum draco_cond_op {
    DRACO_COND_ALWAYS,
    DRACO_COND_EQ, DRACO_COND_NE, DRACO_COND_SET, DRACO_COND_NSET,
    DRACO_COND_LT, DRACO_COND_LE, DRACO_COND_GT, DRACO_COND_GE,
    DRACO_COND_SLT, DRACO_COND_SLE, DRACO_COND_SGT, DRACO_COND_SGE,
};

enum draco_atomic_op {
    DRACO_ATOMIC_ADD, DRACO_ATOMIC_OR, DRACO_ATOMIC_AND, DRACO_ATOMIC_XOR,
    DRACO_ATOMIC_XCHG, DRACO_ATOMIC_CMPXCHG,
};

enum draco_call_kind { DRACO_CALL_HELPER, DRACO_CALL_BUILTIN, DRACO_CALL_KFUNC };

enum draco_pseudo_kind {
    DRACO_PSEUDO_VAR_ADDR = 3, DRACO_PSEUDO_CODE_ADDR = 4,
    DRACO_PSEUDO_MAP_BY_IDX = 5, DRACO_PSEUDO_MAP_VALUE_BY_IDX = 6,
};

/*
 * Field use per kind (decoder output; "raw" = the encoded field):
 *  BIN       dst op= (src_is_reg ? src : imm); is64 = ALU64. MOVSX*: src_is_reg. LDDW src=0: op MOV,
 *            is_lddw, is64, imm = the full 64-bit value (low 32 bits from the first slot's imm,
 *            high 32 bits from the second's) and imm2 = the second slot's raw imm (= imm >> 32).
 *  UN        dst = op(dst); END/bswap keep the raw width (16/32/64) in imm.
 *  LOAD_MAP_FD     imm = fd (second imm must be 0). LOAD_MAP_VALUE: imm = fd, imm2 = offset.
 *  LOAD_PSEUDO     op = src (3..6), imm/imm2 = raw imms; CODE_ADDR also has target = pc+1+imm.
 *  Every LDDW is followed by one DRACO_IR_UNDEFINED slot (opcode 0, target -1, all else 0).
 *  MEM       LDX: dst = loaded register, src = base, src_is_reg, is_load (is_signed for MEMSX);
 *            ST: dst = base, imm = stored value; STX: dst = base, src = stored register.
 *            Address is base + off; width in bytes.
 *  ATOMIC    dst = base, src = operand (also the fetch destination; CMPXCHG: r0 implicit),
 *            off, width 4/8, is64 = (width 8), fetch, imm = raw imm.
 *  PACKET    r0 = *(width *)skb[imm] (ABS) or skb[src + imm] (IND, src_is_reg).
 *  JMP       if dst op (src_is_reg ? src : imm) goto target; is64 = JMP class; off = raw offset;
 *            JA: op ALWAYS; JA32 (gotol): op ALWAYS, imm = raw 32-bit offset, off 0.
 *  CALL      op = enum draco_call_kind, imm = helper id / BTF id; kfunc: off = module.
 *  CALL_LOCAL imm = raw relative offset, target = pc + 1 + imm.   CALLX: dst = target register.
 * target is -1 for every kind without one.
 */
struct draco_ir_insn {
    uint8_t kind;        /* enum draco_ir_kind */
    uint8_t op;          /* bin/un/cond/atomic op, call kind, or pseudo kind */
    uint8_t dst;         /* destination / left / base register (0..10) */
    uint8_t src;         /* source register when src_is_reg (0..10) */
    uint8_t width;       /* MEM/ATOMIC/PACKET access width in bytes (1,2,4,8) */
    uint8_t opcode;      /* the raw opcode byte */
    bool is64;           /* ALU64 / JMP (vs ALU / JMP32); ATOMIC: 8-byte */
    bool src_is_reg;     /* the second operand is register `src` (else `imm`) */
    bool is_load;        /* MEM: LDX */
    bool is_signed;      /* MEM: MEMSX load */
    bool fetch;          /* ATOMIC: BPF_FETCH */
    bool is_lddw;        /* BIN MOV from LDDW src=0 */
    int16_t off;         /* MEM/ATOMIC offset, kfunc module (CALL kfunc) */
    int32_t target;      /* JMP / CALL_LOCAL target pc; -1 otherwise */
    int32_t imm2;        /* LDDW second immediate (map value offset) */
    int64_t imm;         /* immediate, sign-extended; helper id for CALL; LDDW 64-bit value */
    uint32_t pc;         /* slot index */
};

struct draco_ir_prog {
    struct draco_ir_insn *insns;  /* n slots, arena-owned */
    size_t n;
};

/*
 * Decodes and validates n raw slots. `flags` (may be NULL) are the loader's per-slot
 * enum draco_insn_flag bits (they turn CALL src=0 into builtin calls). Storage comes from `arena`.
 * Malformed input returns DRACO_ERR_INVALID with "<pc>: <reason>" in err.
 */
draco_status draco_ir_decode(const draco_raw_insn *raw, size_t n, const uint8_t *flags,
                             struct draco_arena *arena, draco_error *err, struct draco_ir_prog *out);
/*
 * Program-level checks kept apart from decoding (so a whole ELF section can be decoded): the
 * program is non-empty, has an exit instruction, and its last instruction (an LDDW counts by its
 * first slot) cannot fall through past the end (it is EXIT, JA or JA32). Returns DRACO_OK or
 * DRACO_ERR_INVALID with "<pc>: empty instruction sequence" / "no exit instruction" /
 * "fallthrough past the last instruction". Thread-safe (reads only).
 */
draco_status draco_ir_validate_program(const struct draco_ir_prog *p, draco_error *err);
/* Prints one instruction in the LLVM/PREVAIL syntax ("r2 = *(u8 *)(r1 + 0)"); jump targets as
 * relative "+N" when `labels` is false, as "<pc>" otherwise. */
void draco_ir_print_insn(struct draco_sb *sb, const struct draco_ir_insn *insn, bool labels);
/* The negation of a condition (EQ<->NE, LT<->GE, SET<->NSET, ...). */
enum draco_cond_op draco_cond_negate(enum draco_cond_op op);
const char *draco_cond_op_str(enum draco_cond_op op);   /* "==", "!=", "&", "s<", ... */
/* Precision-recovering rewrites: `rX <<= 32; rX >>= 32` -> 32-bit mov, `... s>>= 32` -> movsx32. */
void draco_ir_peephole(struct draco_ir_prog *prog);

#endif
