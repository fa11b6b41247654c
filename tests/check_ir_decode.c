/* SPDX-License-Identifier: MIT */
/* Tests for lib/ir: decoder/validator over the whole RFC 9669 ISA, printer, negation, peephole.
 *
 * The opcode oracle below is an explicit list of the valid opcode bytes written from RFC 9669
 * (not derived from the decoder): every byte 0..255 is decoded in a canonical valid form and must
 * be accepted exactly when it is listed, with the listed kind; then each accepted form is mutated
 * field by field (reserved fields, registers, r10 writes) and must be refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/ir.h"
#include "elf/object.h"

static draco_raw_insn RI(uint8_t op, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
    draco_raw_insn r = { op, (uint8_t)((src << 4) | (dst & 0xf)), off, imm };
    return r;
}
#define EXIT_INSN RI(0x95, 0, 0, 0, 0)

enum { MAXI = 16 };
struct dres {
    draco_status st;
    char msg[512];
    struct draco_ir_insn insns[MAXI];
    size_t n;
};

/* Decodes a copy of raw[0..n) held in an exactly sized heap block (ASan catches over-reads). */
static struct dres dec_flags(const draco_raw_insn *raw, size_t n, const uint8_t *flags)
{
    struct dres d;
    memset(&d, 0, sizeof d);
    ck_assert_uint_le(n, MAXI);
    draco_raw_insn *copy = malloc(n ? n * sizeof *copy : 1);
    ck_assert_ptr_nonnull(copy);
    if (n)
        memcpy(copy, raw, n * sizeof *copy);
    struct draco_arena a;
    draco_arena_init(&a);
    draco_error err = {0};
    struct draco_ir_prog p = { (struct draco_ir_insn *)1, 99 };
    d.st = draco_ir_decode(copy, n, flags, &a, &err, &p);
    snprintf(d.msg, sizeof d.msg, "%s", err.message);
    if (d.st == DRACO_OK) {
        ck_assert_uint_eq(p.n, n);
        d.n = p.n;
        if (n)
            memcpy(d.insns, p.insns, n * sizeof *p.insns);
    } else {
        ck_assert_int_eq(err.status, d.st);
        ck_assert_ptr_null(p.insns);
        ck_assert_uint_eq(p.n, 0);
    }
    draco_arena_fini(&a);
    free(copy);
    return d;
}
static struct dres dec(const draco_raw_insn *raw, size_t n) { return dec_flags(raw, n, NULL); }

static void expect_refused(const draco_raw_insn *raw, size_t n, const char *msg)
{
    struct dres d = dec(raw, n);
    ck_assert_msg(d.st == DRACO_ERR_INVALID, "expected refusal '%s', got status %d", msg, d.st);
    ck_assert_str_eq(d.msg, msg);
}

static void print_text(const struct draco_ir_insn *in, bool labels, char *buf, size_t len)
{
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_ir_print_insn(&sb, in, labels);
    ck_assert(!sb.oom);
    snprintf(buf, len, "%s", draco_sb_str(&sb));
    draco_sb_fini(&sb);
}

/* ---------------------------------------------------------------------------------------- */
/* The oracle: valid opcode bytes (RFC 9669 Appendix A) and the IR kind they decode to. */
struct opinfo {
    uint8_t op;
    uint8_t kind;
};
static const struct opinfo valid_ops[] = {
    /* ALU (32-bit) */
    {0x04, DRACO_IR_BIN}, {0x0c, DRACO_IR_BIN}, {0x14, DRACO_IR_BIN}, {0x1c, DRACO_IR_BIN},
    {0x24, DRACO_IR_BIN}, {0x2c, DRACO_IR_BIN}, {0x34, DRACO_IR_BIN}, {0x3c, DRACO_IR_BIN},
    {0x44, DRACO_IR_BIN}, {0x4c, DRACO_IR_BIN}, {0x54, DRACO_IR_BIN}, {0x5c, DRACO_IR_BIN},
    {0x64, DRACO_IR_BIN}, {0x6c, DRACO_IR_BIN}, {0x74, DRACO_IR_BIN}, {0x7c, DRACO_IR_BIN},
    {0x84, DRACO_IR_UN}, {0x94, DRACO_IR_BIN}, {0x9c, DRACO_IR_BIN}, {0xa4, DRACO_IR_BIN},
    {0xac, DRACO_IR_BIN}, {0xb4, DRACO_IR_BIN}, {0xbc, DRACO_IR_BIN}, {0xc4, DRACO_IR_BIN},
    {0xcc, DRACO_IR_BIN}, {0xd4, DRACO_IR_UN}, {0xdc, DRACO_IR_UN},
    /* ALU64 */
    {0x07, DRACO_IR_BIN}, {0x0f, DRACO_IR_BIN}, {0x17, DRACO_IR_BIN}, {0x1f, DRACO_IR_BIN},
    {0x27, DRACO_IR_BIN}, {0x2f, DRACO_IR_BIN}, {0x37, DRACO_IR_BIN}, {0x3f, DRACO_IR_BIN},
    {0x47, DRACO_IR_BIN}, {0x4f, DRACO_IR_BIN}, {0x57, DRACO_IR_BIN}, {0x5f, DRACO_IR_BIN},
    {0x67, DRACO_IR_BIN}, {0x6f, DRACO_IR_BIN}, {0x77, DRACO_IR_BIN}, {0x7f, DRACO_IR_BIN},
    {0x87, DRACO_IR_UN}, {0x97, DRACO_IR_BIN}, {0x9f, DRACO_IR_BIN}, {0xa7, DRACO_IR_BIN},
    {0xaf, DRACO_IR_BIN}, {0xb7, DRACO_IR_BIN}, {0xbf, DRACO_IR_BIN}, {0xc7, DRACO_IR_BIN},
    {0xcf, DRACO_IR_BIN}, {0xd7, DRACO_IR_UN},
    /* JMP */
    {0x05, DRACO_IR_JMP}, {0x15, DRACO_IR_JMP}, {0x1d, DRACO_IR_JMP}, {0x25, DRACO_IR_JMP},
    {0x2d, DRACO_IR_JMP}, {0x35, DRACO_IR_JMP}, {0x3d, DRACO_IR_JMP}, {0x45, DRACO_IR_JMP},
    {0x4d, DRACO_IR_JMP}, {0x55, DRACO_IR_JMP}, {0x5d, DRACO_IR_JMP}, {0x65, DRACO_IR_JMP},
    {0x6d, DRACO_IR_JMP}, {0x75, DRACO_IR_JMP}, {0x7d, DRACO_IR_JMP}, {0x85, DRACO_IR_CALL},
    {0x8d, DRACO_IR_CALLX}, {0x95, DRACO_IR_EXIT}, {0xa5, DRACO_IR_JMP}, {0xad, DRACO_IR_JMP},
    {0xb5, DRACO_IR_JMP}, {0xbd, DRACO_IR_JMP}, {0xc5, DRACO_IR_JMP}, {0xcd, DRACO_IR_JMP},
    {0xd5, DRACO_IR_JMP}, {0xdd, DRACO_IR_JMP},
    /* JMP32 */
    {0x06, DRACO_IR_JMP}, {0x16, DRACO_IR_JMP}, {0x1e, DRACO_IR_JMP}, {0x26, DRACO_IR_JMP},
    {0x2e, DRACO_IR_JMP}, {0x36, DRACO_IR_JMP}, {0x3e, DRACO_IR_JMP}, {0x46, DRACO_IR_JMP},
    {0x4e, DRACO_IR_JMP}, {0x56, DRACO_IR_JMP}, {0x5e, DRACO_IR_JMP}, {0x66, DRACO_IR_JMP},
    {0x6e, DRACO_IR_JMP}, {0x76, DRACO_IR_JMP}, {0x7e, DRACO_IR_JMP}, {0xa6, DRACO_IR_JMP},
    {0xae, DRACO_IR_JMP}, {0xb6, DRACO_IR_JMP}, {0xbe, DRACO_IR_JMP}, {0xc6, DRACO_IR_JMP},
    {0xce, DRACO_IR_JMP}, {0xd6, DRACO_IR_JMP}, {0xde, DRACO_IR_JMP},
    /* LD: LDDW, legacy packet access */
    {0x18, DRACO_IR_BIN}, {0x20, DRACO_IR_PACKET}, {0x28, DRACO_IR_PACKET},
    {0x30, DRACO_IR_PACKET}, {0x40, DRACO_IR_PACKET}, {0x48, DRACO_IR_PACKET},
    {0x50, DRACO_IR_PACKET},
    /* LDX MEM, MEMSX */
    {0x61, DRACO_IR_MEM}, {0x69, DRACO_IR_MEM}, {0x71, DRACO_IR_MEM}, {0x79, DRACO_IR_MEM},
    {0x81, DRACO_IR_MEM}, {0x89, DRACO_IR_MEM}, {0x91, DRACO_IR_MEM},
    /* ST, STX, atomics */
    {0x62, DRACO_IR_MEM}, {0x6a, DRACO_IR_MEM}, {0x72, DRACO_IR_MEM}, {0x7a, DRACO_IR_MEM},
    {0x63, DRACO_IR_MEM}, {0x6b, DRACO_IR_MEM}, {0x73, DRACO_IR_MEM}, {0x7b, DRACO_IR_MEM},
    {0xc3, DRACO_IR_ATOMIC}, {0xdb, DRACO_IR_ATOMIC},
};

static int oracle_kind(unsigned op)
{
    for (size_t i = 0; i < DRACO_ARRAY_LEN(valid_ops); i++)
        if (valid_ops[i].op == op)
            return valid_ops[i].kind;
    return -1;
}

/* Which operand fields the canonical form of an opcode uses. */
struct shape {
    bool dst_used, dst_written, src_used, off_used, imm_used;
};
static struct shape shape_of(unsigned op)
{
    struct shape s = {0};
    unsigned cls = op & 7, code = op & 0xf0;
    bool x = op & 8;
    switch (cls) {
    case 4: case 7:
        s.dst_used = s.dst_written = true;
        if (code == 0x80) break;                       /* neg */
        if (code == 0xd0) { s.imm_used = true; break; } /* end */
        s.src_used = x;
        s.imm_used = !x;
        break;
    case 5: case 6:
        if (code == 0x00) { s.off_used = cls == 5; s.imm_used = cls == 6; break; }
        if (code == 0x80) { s.imm_used = true; s.dst_used = x; break; }
        if (code == 0x90) break;
        s.dst_used = true; s.off_used = true; s.src_used = x; s.imm_used = !x;
        break;
    case 0:
        if (op == 0x18) { s.dst_used = s.dst_written = s.imm_used = true; break; }
        s.imm_used = true; s.src_used = (op & 0xe0) == 0x40;
        break;
    case 1:
        s.dst_used = s.dst_written = s.src_used = s.off_used = true;
        break;
    case 2:
        s.dst_used = s.off_used = s.imm_used = true;
        break;
    default:
        s.dst_used = s.src_used = s.off_used = true;
        s.imm_used = (op & 0xe0) == 0xc0;
        break;
    }
    return s;
}

/* A canonical valid program for `op`: slot 0 the instruction, then room and an exit. */
static size_t canonical(unsigned op, draco_raw_insn *p)
{
    struct shape s = shape_of(op);
    unsigned cls = op & 7, code = op & 0xf0;
    p[0] = RI((uint8_t)op, s.dst_used ? 1 : 0, s.src_used ? 2 : 0, 0, 0);
    if (s.imm_used)
        p[0].imm = 3;
    if ((cls == 4 || cls == 7) && code == 0xd0)
        p[0].imm = 16;
    if ((cls == 5 || cls == 6) && code != 0x80 && code != 0x90)
        p[0].offset = cls == 6 && code == 0 ? 0 : 1;   /* to slot 2 */
    if (cls == 6 && code == 0)
        p[0].imm = 1;
    if (op == 0x85)
        p[0].imm = 1;                                  /* helper 1 */
    if (op == 0x8d)
        p[0].imm = 0;                                  /* callx r1 */
    if (cls == 3 && (op & 0xe0) == 0xc0)
        p[0].imm = 0;                                  /* atomic add */
    if (cls == 0 && op != 0x18)
        p[0] = RI((uint8_t)op, 0, s.src_used ? 2 : 0, 0, 3);
    p[1] = op == 0x18 ? RI(0, 0, 0, 0, 0) : EXIT_INSN;
    p[2] = EXIT_INSN;
    return 3;
}

START_TEST(test_every_opcode_byte)
{
    unsigned accepted = 0;
    for (unsigned op = 0; op < 256; op++) {
        draco_raw_insn p[3];
        size_t n = canonical(op, p);
        struct dres d = dec(p, n);
        int k = oracle_kind(op);
        if (k < 0) {
            ck_assert_msg(d.st == DRACO_ERR_INVALID, "op 0x%02x must be refused", op);
            char want[64];
            snprintf(want, sizeof want, "0: bad instruction op 0x%02x", op);
            ck_assert_msg(strcmp(d.msg, want) == 0, "op 0x%02x: '%s'", op, d.msg);
            continue;
        }
        ck_assert_msg(d.st == DRACO_OK, "op 0x%02x refused: %s", op, d.msg);
        ck_assert_msg(d.insns[0].kind == k, "op 0x%02x: kind %u, want %d", op, d.insns[0].kind, k);
        ck_assert_uint_eq(d.insns[0].opcode, op);
        ck_assert_uint_eq(d.insns[0].pc, 0);
        ck_assert_uint_eq(d.insns[1].kind, op == 0x18 ? DRACO_IR_UNDEFINED : DRACO_IR_EXIT);
        accepted++;
    }
    ck_assert_uint_eq(accepted, DRACO_ARRAY_LEN(valid_ops));
}
END_TEST

/* Each valid form, mutated one field at a time, is refused with the right reason. */
START_TEST(test_every_opcode_mutations)
{
    for (size_t i = 0; i < DRACO_ARRAY_LEN(valid_ops); i++) {
        unsigned op = valid_ops[i].op;
        struct shape s = shape_of(op);
        draco_raw_insn p[3], q[3];
        size_t n = canonical(op, p);
        char want[96];
        /* bad registers */
        if (s.dst_used && op != 0x8d) {
            memcpy(q, p, sizeof q);
            q[0].regs = (uint8_t)((q[0].regs & 0xf0) | 11);
            expect_refused(q, n, "0: bad register");
        }
        if (s.src_used) {
            memcpy(q, p, sizeof q);
            q[0].regs = (uint8_t)((q[0].regs & 0x0f) | (15 << 4));
            expect_refused(q, n, "0: bad register");
        }
        if (s.dst_written) {
            memcpy(q, p, sizeof q);
            q[0].regs = (uint8_t)((q[0].regs & 0xf0) | 10);
            expect_refused(q, n, "0: cannot modify r10");
        } else if (s.dst_used) {   /* reading r10 / storing through r10 is fine */
            memcpy(q, p, sizeof q);
            q[0].regs = (uint8_t)((q[0].regs & 0xf0) | 10);
            struct dres d = dec(q, n);
            ck_assert_msg(d.st == DRACO_OK, "op 0x%02x with r10: %s", op, d.msg);
        }
        /* reserved fields */
        if (!s.src_used && op != 0x18 && op != 0x85) {
            memcpy(q, p, sizeof q);
            q[0].regs |= 3 << 4;
            snprintf(want, sizeof want, "0: nonzero src for op 0x%02x", op);
            expect_refused(q, n, want);
        }
        if (!s.dst_used && !((op & 7) == 0 && op != 0x18) && op != 0x8d) {
            memcpy(q, p, sizeof q);
            q[0].regs |= 3;
            snprintf(want, sizeof want, "0: nonzero dst for op 0x%02x", op);
            expect_refused(q, n, want);
        }
        if (!s.off_used && op != 0x18) {
            memcpy(q, p, sizeof q);
            q[0].offset = 5;
            struct dres d = dec(q, n);
            ck_assert_msg(d.st == DRACO_ERR_INVALID, "op 0x%02x with offset 5 accepted", op);
            ck_assert_msg(strstr(d.msg, "offset for op") != NULL, "op 0x%02x: %s", op, d.msg);
        }
        if (!s.imm_used && op != 0x8d) {
            memcpy(q, p, sizeof q);
            q[0].imm = 7;
            snprintf(want, sizeof want, "0: nonzero imm for op 0x%02x", op);
            expect_refused(q, n, want);
        }
    }
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
START_TEST(test_alu_variants)
{
    /* signed div/mod: offset 1 */
    draco_raw_insn p[2] = { RI(0x3f, 1, 2, 1, 0), EXIT_INSN };
    struct dres d = dec(p, 2);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.insns[0].op, DRACO_BIN_SDIV);
    ck_assert(d.insns[0].is64 && d.insns[0].src_is_reg);
    p[0] = RI(0x94, 1, 0, 1, -3);
    d = dec(p, 2);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.insns[0].op, DRACO_BIN_SMOD);
    ck_assert(!d.insns[0].is64);
    ck_assert_int_eq(d.insns[0].imm, -3);
    p[0] = RI(0x3f, 1, 2, 2, 0);
    expect_refused(p, 2, "0: invalid offset for op 0x3f");
    p[0] = RI(0x9c, 1, 2, -1, 0);
    expect_refused(p, 2, "0: invalid offset for op 0x9c");
    p[0] = RI(0x2f, 1, 2, 1, 0);   /* mul has no signed variant */
    expect_refused(p, 2, "0: nonzero offset for op 0x2f");
    /* movsx */
    static const struct { uint8_t op; int16_t off; int want; } mv[] = {
        {0xbf, 8, DRACO_BIN_MOVSX8}, {0xbf, 16, DRACO_BIN_MOVSX16}, {0xbf, 32, DRACO_BIN_MOVSX32},
        {0xbc, 8, DRACO_BIN_MOVSX8}, {0xbc, 16, DRACO_BIN_MOVSX16}, {0xbc, 32, -1},
        {0xbf, 1, -1}, {0xbf, 64, -1}, {0xb7, 8, -1}, {0xb4, 16, -1},
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(mv); i++) {
        p[0] = RI(mv[i].op, 3, 4, mv[i].off, 0);
        d = dec(p, 2);
        if (mv[i].want < 0) {
            char want[64];
            snprintf(want, sizeof want, "0: invalid offset for op 0x%02x", mv[i].op);
            ck_assert_int_eq(d.st, DRACO_ERR_INVALID);
            ck_assert_str_eq(d.msg, want);
        } else {
            ck_assert_int_eq(d.st, DRACO_OK);
            ck_assert_uint_eq(d.insns[0].op, (unsigned)mv[i].want);
            ck_assert_uint_eq(d.insns[0].src, 4);
        }
    }
    /* byte swaps */
    static const struct { uint8_t op; int32_t imm; int want; } sw[] = {
        {0xd4, 16, DRACO_UN_LE16}, {0xd4, 32, DRACO_UN_LE32}, {0xd4, 64, DRACO_UN_LE64},
        {0xdc, 16, DRACO_UN_BE16}, {0xdc, 32, DRACO_UN_BE32}, {0xdc, 64, DRACO_UN_BE64},
        {0xd7, 16, DRACO_UN_SWAP16}, {0xd7, 32, DRACO_UN_SWAP32}, {0xd7, 64, DRACO_UN_SWAP64},
        {0xd4, 8, -1}, {0xdc, 0, -1}, {0xd7, 128, -1}, {0xd7, -16, -1},
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(sw); i++) {
        p[0] = RI(sw[i].op, 5, 0, 0, sw[i].imm);
        d = dec(p, 2);
        if (sw[i].want < 0) {
            ck_assert_int_eq(d.st, DRACO_ERR_INVALID);
            ck_assert_str_eq(d.msg, "0: unsupported immediate");
        } else {
            ck_assert_int_eq(d.st, DRACO_OK);
            ck_assert_uint_eq(d.insns[0].kind, DRACO_IR_UN);
            ck_assert_uint_eq(d.insns[0].op, (unsigned)sw[i].want);
        }
    }
    p[0] = RI(0xdf, 5, 0, 0, 16);
    expect_refused(p, 2, "0: bad instruction op 0xdf");
    p[0] = RI(0x8c, 5, 1, 0, 0);
    expect_refused(p, 2, "0: bad instruction op 0x8c");
    /* immediates are sign-extended */
    p[0] = RI(0xb7, 1, 0, 0, -1);
    d = dec(p, 2);
    ck_assert_int_eq(d.insns[0].imm, -1);
    ck_assert(!d.insns[0].src_is_reg);
}
END_TEST

START_TEST(test_lddw)
{
    draco_raw_insn p[3] = { RI(0x18, 1, 0, 0, (int32_t)0xfffffffe), RI(0, 0, 0, 0, 7), EXIT_INSN };
    struct dres d = dec(p, 3);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.insns[0].kind, DRACO_IR_BIN);
    ck_assert_uint_eq(d.insns[0].op, DRACO_BIN_MOV);
    ck_assert(d.insns[0].is_lddw && d.insns[0].is64 && !d.insns[0].src_is_reg);
    ck_assert_int_eq(d.insns[0].imm, 0x7fffffffeLL);
    ck_assert_int_eq(d.insns[0].imm2, 7);
    ck_assert_uint_eq(d.insns[1].kind, DRACO_IR_UNDEFINED);
    ck_assert_uint_eq(d.insns[1].pc, 1);
    ck_assert_int_eq(d.insns[1].target, -1);
    p[0].imm = -1;
    p[1].imm = -1;
    d = dec(p, 3);
    ck_assert_int_eq(d.insns[0].imm, -1);
    p[1].imm = (int32_t)0x80000000;
    p[0].imm = 0;
    d = dec(p, 3);
    ck_assert_int_eq(d.insns[0].imm, INT64_MIN);
    /* pseudo forms */
    static const struct { unsigned src; int kind; int op; } ps[] = {
        {1, DRACO_IR_LOAD_MAP_FD, 0}, {2, DRACO_IR_LOAD_MAP_VALUE, 0},
        {3, DRACO_IR_LOAD_PSEUDO, DRACO_PSEUDO_VAR_ADDR}, {5, DRACO_IR_LOAD_PSEUDO, DRACO_PSEUDO_MAP_BY_IDX},
        {6, DRACO_IR_LOAD_PSEUDO, DRACO_PSEUDO_MAP_VALUE_BY_IDX},
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(ps); i++) {
        p[0] = RI(0x18, 2, ps[i].src, 0, 4);
        p[1] = RI(0, 0, 0, 0, (ps[i].src == 1 || ps[i].src == 5) ? 0 : 12);
        d = dec(p, 3);
        ck_assert_msg(d.st == DRACO_OK, "src %u: %s", ps[i].src, d.msg);
        ck_assert_uint_eq(d.insns[0].kind, (unsigned)ps[i].kind);
        if (ps[i].kind == DRACO_IR_LOAD_PSEUDO)
            ck_assert_uint_eq(d.insns[0].op, (unsigned)ps[i].op);
        ck_assert_int_eq(d.insns[0].imm, 4);
        ck_assert_int_eq(d.insns[0].imm2, p[1].imm);
        ck_assert(!d.insns[0].is_lddw);
        ck_assert_uint_eq(d.insns[1].kind, DRACO_IR_UNDEFINED);
        if (ps[i].src == 1 || ps[i].src == 5) {
            p[1].imm = 1;
            expect_refused(p, 3, "0: lddw uses reserved fields");
        }
    }
    /* code address: pc-relative, checked like a jump */
    p[0] = RI(0x18, 2, 4, 0, 1);
    p[1] = RI(0, 0, 0, 0, 0);
    d = dec(p, 3);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_int_eq(d.insns[0].target, 2);
    p[0].imm = 0;
    expect_refused(p, 3, "0: jump to middle of lddw");
    p[0].imm = 5;
    expect_refused(p, 3, "0: jump out of bounds");
    /* malformed */
    p[0] = RI(0x18, 2, 7, 0, 1);
    expect_refused(p, 3, "0: invalid lddw");
    p[0] = RI(0x18, 10, 0, 0, 1);
    expect_refused(p, 3, "0: cannot modify r10");
    p[0] = RI(0x18, 2, 0, 1, 1);
    expect_refused(p, 3, "0: lddw uses reserved fields");
    p[0] = RI(0x18, 2, 0, 0, 1);
    p[1] = RI(0x18, 0, 0, 0, 0);
    expect_refused(p, 3, "0: lddw uses reserved fields");
    p[1] = RI(0, 1, 0, 0, 0);
    expect_refused(p, 3, "0: lddw uses reserved fields");
    p[1] = RI(0, 0, 0, 3, 0);
    expect_refused(p, 3, "0: lddw uses reserved fields");
    /* incomplete: the last slot; the decoder must not read past the array */
    draco_raw_insn q[2] = { EXIT_INSN, RI(0x18, 1, 0, 0, 1) };
    expect_refused(q, 2, "1: incomplete lddw");
    expect_refused(&q[1], 1, "0: incomplete lddw");
}
END_TEST

START_TEST(test_jumps)
{
    draco_raw_insn p[4] = { RI(0x18, 1, 0, 0, 1), RI(0, 0, 0, 0, 0), RI(0x05, 0, 0, -2, 0), EXIT_INSN };
    struct dres d;
    expect_refused(p, 4, "2: jump to middle of lddw");
    p[2].offset = -3;
    d = dec(p, 4);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_int_eq(d.insns[2].target, 0);
    ck_assert_uint_eq(d.insns[2].op, DRACO_COND_ALWAYS);
    p[2].offset = -4;
    expect_refused(p, 4, "2: jump out of bounds");
    p[2].offset = 1;
    expect_refused(p, 4, "2: jump out of bounds");
    p[2].offset = 0;
    d = dec(p, 4);
    ck_assert_int_eq(d.insns[2].target, 3);
    /* JA32: 32-bit imm target */
    p[2] = RI(0x06, 0, 0, 0, -3);
    d = dec(p, 4);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_int_eq(d.insns[2].target, 0);
    p[2].imm = INT32_MAX;
    expect_refused(p, 4, "2: jump out of bounds");
    p[2].imm = INT32_MIN;
    expect_refused(p, 4, "2: jump out of bounds");
    p[2] = RI(0x06, 0, 0, 1, 0);
    expect_refused(p, 4, "2: nonzero offset for op 0x06");
    /* conditional: operands and direction */
    p[2] = RI(0xbe, 3, 4, 0, 0);   /* if w3 <= w4 goto +0 */
    d = dec(p, 4);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.insns[2].op, DRACO_COND_LE);
    ck_assert(!d.insns[2].is64 && d.insns[2].src_is_reg);
    ck_assert_uint_eq(d.insns[2].dst, 3);
    ck_assert_uint_eq(d.insns[2].src, 4);
    p[2] = RI(0x65, 10, 0, 0, -9);  /* if r10 s> -9: reading r10 is fine */
    d = dec(p, 4);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.insns[2].op, DRACO_COND_SGT);
    ck_assert_int_eq(d.insns[2].imm, -9);
    /* local call */
    p[2] = RI(0x85, 0, 1, 0, -3);
    d = dec(p, 4);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.insns[2].kind, DRACO_IR_CALL_LOCAL);
    ck_assert_int_eq(d.insns[2].target, 0);
    p[2].imm = -2;
    expect_refused(p, 4, "2: jump to middle of lddw");
    p[2].imm = 1;
    expect_refused(p, 4, "2: jump out of bounds");
}
END_TEST

START_TEST(test_calls)
{
    draco_raw_insn p[2] = { RI(0x85, 0, 0, 0, 12), EXIT_INSN };
    uint8_t fl[2] = { DRACO_INSN_F_BUILTIN, 0 };
    struct dres d = dec(p, 2);
    ck_assert_uint_eq(d.insns[0].kind, DRACO_IR_CALL);
    ck_assert_uint_eq(d.insns[0].op, DRACO_CALL_HELPER);
    ck_assert_int_eq(d.insns[0].imm, 12);
    d = dec_flags(p, 2, fl);
    ck_assert_uint_eq(d.insns[0].op, DRACO_CALL_BUILTIN);
    p[0] = RI(0x85, 0, 2, 3, 777);
    d = dec(p, 2);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.insns[0].op, DRACO_CALL_KFUNC);
    ck_assert_int_eq(d.insns[0].off, 3);
    ck_assert_int_eq(d.insns[0].imm, 777);
    p[0].offset = -1;
    expect_refused(p, 2, "0: negative module for op 0x85");
    p[0] = RI(0x85, 0, 3, 0, 1);
    expect_refused(p, 2, "0: bad instruction op 0x85");
    p[0] = RI(0x85, 0, 0, 1, 1);
    expect_refused(p, 2, "0: nonzero offset for op 0x85");
    p[0] = RI(0x85, 1, 0, 0, 1);
    expect_refused(p, 2, "0: nonzero dst for op 0x85");
    /* callx: register in dst, or in imm (older clang) */
    p[0] = RI(0x8d, 4, 0, 0, 0);
    d = dec(p, 2);
    ck_assert_uint_eq(d.insns[0].kind, DRACO_IR_CALLX);
    ck_assert_uint_eq(d.insns[0].dst, 4);
    p[0] = RI(0x8d, 0, 0, 0, 6);
    d = dec(p, 2);
    ck_assert_uint_eq(d.insns[0].dst, 6);
    p[0] = RI(0x8d, 0, 0, 0, 11);
    expect_refused(p, 2, "0: bad register");
    p[0] = RI(0x8d, 2, 0, 0, 2);
    expect_refused(p, 2, "0: nonzero imm for op 0x8d");
    p[0] = RI(0x8d, 11, 0, 0, 0);
    expect_refused(p, 2, "0: bad register");
    /* exit in JMP32 / with reserved fields */
    p[0] = RI(0x96, 0, 0, 0, 0);
    expect_refused(p, 2, "0: bad instruction op 0x96");
    p[0] = RI(0x86, 0, 0, 0, 1);
    expect_refused(p, 2, "0: bad instruction op 0x86");
    p[0] = RI(0x95, 0, 0, 0, 1);
    expect_refused(p, 2, "0: nonzero imm for op 0x95");
}
END_TEST

START_TEST(test_memory_and_atomics)
{
    draco_raw_insn p[2] = { RI(0x91, 1, 10, -8, 0), EXIT_INSN };
    struct dres d = dec(p, 2);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert(d.insns[0].is_load && d.insns[0].is_signed && d.insns[0].src_is_reg);
    ck_assert_uint_eq(d.insns[0].width, 1);
    ck_assert_uint_eq(d.insns[0].src, 10);
    ck_assert_int_eq(d.insns[0].off, -8);
    p[0] = RI(0x99, 1, 10, -8, 0);
    expect_refused(p, 2, "0: bad instruction op 0x99");
    p[0] = RI(0x7a, 10, 0, -8, -5);  /* *(u64 *)(r10 - 8) = -5 */
    d = dec(p, 2);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert(!d.insns[0].is_load && !d.insns[0].src_is_reg);
    ck_assert_uint_eq(d.insns[0].width, 8);
    ck_assert_int_eq(d.insns[0].imm, -5);
    p[0] = RI(0x82, 1, 0, 0, 0);     /* ST MEMSX does not exist */
    expect_refused(p, 2, "0: bad instruction op 0x82");
    p[0] = RI(0x83, 1, 2, 0, 0);     /* STX MEMSX does not exist */
    expect_refused(p, 2, "0: bad instruction op 0x83");
    /* atomics: every imm */
    for (int imm = -1; imm < 0x120; imm++) {
        bool ok = imm == 0x00 || imm == 0x01 || imm == 0x40 || imm == 0x41 || imm == 0x50 ||
                  imm == 0x51 || imm == 0xa0 || imm == 0xa1 || imm == 0xe1 || imm == 0xf1;
        for (int w = 0; w < 2; w++) {
            p[0] = RI(w ? 0xdb : 0xc3, 1, 2, 4, imm);
            d = dec(p, 2);
            if (!ok) {
                ck_assert_msg(d.st == DRACO_ERR_INVALID, "atomic imm 0x%x accepted", imm);
                ck_assert_str_eq(d.msg, "0: unsupported immediate");
                continue;
            }
            ck_assert_msg(d.st == DRACO_OK, "atomic imm 0x%x: %s", imm, d.msg);
            ck_assert_uint_eq(d.insns[0].kind, DRACO_IR_ATOMIC);
            ck_assert_uint_eq(d.insns[0].width, w ? 8 : 4);
            ck_assert(d.insns[0].is64 == (w == 1));
            ck_assert(d.insns[0].fetch == ((imm & 1) != 0));
        }
    }
    p[0] = RI(0xdb, 1, 2, 0, 0xe1);
    ck_assert_uint_eq(dec(p, 2).insns[0].op, DRACO_ATOMIC_XCHG);
    p[0] = RI(0xdb, 1, 2, 0, 0xf1);
    ck_assert_uint_eq(dec(p, 2).insns[0].op, DRACO_ATOMIC_CMPXCHG);
    p[0] = RI(0xdb, 1, 10, 0, 0xa1);   /* fetch into r10 */
    expect_refused(p, 2, "0: cannot modify r10");
    p[0] = RI(0xdb, 1, 10, 0, 0xa0);   /* storing r10 (a stack pointer) is a read */
    ck_assert_int_eq(dec(p, 2).st, DRACO_OK);
    p[0] = RI(0xd3, 1, 2, 0, 0);       /* byte atomics do not exist */
    expect_refused(p, 2, "0: bad instruction op 0xd3");
    p[0] = RI(0xcb, 1, 2, 0, 0);
    expect_refused(p, 2, "0: bad instruction op 0xcb");
    /* legacy packet */
    p[0] = RI(0x40, 0, 7, 0, 14);
    d = dec(p, 2);
    ck_assert_uint_eq(d.insns[0].kind, DRACO_IR_PACKET);
    ck_assert(d.insns[0].src_is_reg);
    ck_assert_uint_eq(d.insns[0].src, 7);
    ck_assert_int_eq(d.insns[0].imm, 14);
    p[0] = RI(0x38, 0, 0, 0, 14);
    expect_refused(p, 2, "0: bad instruction op 0x38");
    p[0] = RI(0x58, 0, 1, 0, 14);
    expect_refused(p, 2, "0: bad instruction op 0x58");
}
END_TEST

START_TEST(test_error_pc_and_empty)
{
    draco_raw_insn p[4] = { RI(0xb7, 0, 0, 0, 1), RI(0xb7, 0, 0, 0, 1), RI(0xff, 0, 0, 0, 0), EXIT_INSN };
    expect_refused(p, 4, "2: bad instruction op 0xff");
    struct dres d = dec(p, 0);
    ck_assert_int_eq(d.st, DRACO_OK);
    ck_assert_uint_eq(d.n, 0);
    /* NULL err is allowed */
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_ir_prog prog;
    ck_assert_int_eq(draco_ir_decode(p, 4, NULL, &a, NULL, &prog), DRACO_ERR_INVALID);
    draco_arena_fini(&a);
}
END_TEST

static draco_status validate(const draco_raw_insn *raw, size_t n, char *msg)
{
    struct draco_arena a;
    draco_arena_init(&a);
    draco_error err = {0};
    struct draco_ir_prog prog;
    draco_status st = draco_ir_decode(raw, n, NULL, &a, &err, &prog);
    ck_assert_int_eq(st, DRACO_OK);
    st = draco_ir_validate_program(&prog, &err);
    strcpy(msg, err.message);
    draco_arena_fini(&a);
    return st;
}

START_TEST(test_validate_program)
{
    char msg[512];
    draco_raw_insn p[4] = { RI(0xb7, 0, 0, 0, 0), EXIT_INSN, RI(0x05, 0, 0, -3, 0), EXIT_INSN };
    ck_assert_int_eq(validate(p, 2, msg), DRACO_OK);
    ck_assert_int_eq(validate(p, 3, msg), DRACO_OK);          /* ends in goto */
    ck_assert_int_eq(validate(p, 1, msg), DRACO_ERR_INVALID);
    ck_assert_str_eq(msg, "0: no exit instruction");
    ck_assert_int_eq(validate(p, 0, msg), DRACO_ERR_INVALID);
    ck_assert_str_eq(msg, "0: empty instruction sequence");
    draco_raw_insn q[4] = { EXIT_INSN, RI(0x15, 1, 0, -2, 0), RI(0x18, 1, 0, 0, 0), RI(0, 0, 0, 0, 0) };
    ck_assert_int_eq(validate(q, 2, msg), DRACO_ERR_INVALID);
    ck_assert_str_eq(msg, "1: fallthrough past the last instruction");
    ck_assert_int_eq(validate(q, 4, msg), DRACO_ERR_INVALID);
    ck_assert_str_eq(msg, "2: fallthrough past the last instruction");
    draco_raw_insn r[2] = { EXIT_INSN, RI(0x85, 0, 0, 0, 1) };
    ck_assert_int_eq(validate(r, 2, msg), DRACO_ERR_INVALID);
    ck_assert_str_eq(msg, "1: fallthrough past the last instruction");
    draco_error err = {0};
    ck_assert_int_eq(draco_ir_validate_program(NULL, &err), DRACO_ERR_INVALID);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
struct ptest {
    draco_raw_insn r[2];
    const char *text;
};
static const struct ptest print_cases[] = {
    {{ {0xb7, 0x00, 0, 0} }, "r0 = 0"},
    {{ {0x04, 0x01, 0, 3} }, "w1 += 3"},
    {{ {0x07, 0x01, 0, -4} }, "r1 += -4"},
    {{ {0xbf, 0x21, 0, 0} }, "r1 = r2"},
    {{ {0xbc, 0x21, 0, 0} }, "w1 = w2"},
    {{ {0x1f, 0x21, 0, 0} }, "r1 -= r2"},
    {{ {0x24, 0x01, 0, 7} }, "w1 *= 7"},
    {{ {0x3f, 0x21, 0, 0} }, "r1 /= r2"},
    {{ {0x3f, 0x21, 1, 0} }, "r1 s/= r2"},
    {{ {0x97, 0x01, 0, 5} }, "r1 %= 5"},
    {{ {0x9c, 0x21, 1, 0} }, "w1 s%= w2"},
    {{ {0x4f, 0x21, 0, 0} }, "r1 |= r2"},
    {{ {0x54, 0x01, 0, 255} }, "w1 &= 255"},
    {{ {0x67, 0x01, 0, 32} }, "r1 <<= 32"},
    {{ {0x77, 0x01, 0, 32} }, "r1 >>= 32"},
    {{ {0xc7, 0x01, 0, 32} }, "r1 s>>= 32"},
    {{ {0xcc, 0x21, 0, 0} }, "w1 s>>= w2"},
    {{ {0xaf, 0x21, 0, 0} }, "r1 ^= r2"},
    {{ {0x87, 0x03, 0, 0} }, "r3 = -r3"},
    {{ {0x84, 0x03, 0, 0} }, "w3 = -w3"},
    {{ {0xbf, 0x21, 8, 0} }, "r1 = (s8)r2"},
    {{ {0xbf, 0x21, 32, 0} }, "r1 = (s32)r2"},
    {{ {0xbc, 0x21, 16, 0} }, "w1 = (s16)w2"},
    {{ {0xdc, 0x00, 0, 16} }, "r0 = be16 r0"},
    {{ {0xd4, 0x00, 0, 64} }, "r0 = le64 r0"},
    {{ {0xd7, 0x02, 0, 32} }, "r2 = bswap32 r2"},
    {{ {0x71, 0x12, 0, 0} }, "r2 = *(u8 *)(r1 + 0)"},
    {{ {0x69, 0x12, -6, 0} }, "r2 = *(u16 *)(r1 - 6)"},
    {{ {0x81, 0x12, 4, 0} }, "r2 = *(s32 *)(r1 + 4)"},
    {{ {0x63, 0x1a, -4, 0} }, "*(u32 *)(r10 - 4) = r1"},
    {{ {0x7a, 0x0a, -8, 0} }, "*(u64 *)(r10 - 8) = 0"},
    {{ {0x72, 0x01, 2, -1} }, "*(u8 *)(r1 + 2) = -1"},
    {{ {0x2d, 0x23, 4, 0} }, "if r3 > r2 goto +4"},
    {{ {0xc6, 0x01, -1, 5} }, "if w1 s< 5 goto -1"},
    {{ {0x45, 0x01, 0, 8} }, "if r1 & 8 goto +0"},
    {{ {0x05, 0x00, 0, 0} }, "goto +0"},
    {{ {0x06, 0x00, 0, 0} }, "gotol +0"},
    {{ {0x85, 0x00, 0, 1} }, "call 1"},
    {{ {0x85, 0x10, 0, -1} }, "call -1"},
    {{ {0x85, 0x20, 2, 55} }, "call kfunc 55, module 2"},
    {{ {0x8d, 0x03, 0, 0} }, "callx r3"},
    {{ {0x95, 0x00, 0, 0} }, "exit"},
    {{ {0x18, 0x01, 0, 0}, {0, 0, 0, 0} }, "r1 = 0 ll"},
    {{ {0x18, 0x01, 0, -1}, {0, 0, 0, -1} }, "r1 = -1 ll"},
    {{ {0x18, 0x01, 0, 0}, {0, 0, 0, 1} }, "r1 = 4294967296 ll"},
    {{ {0x18, 0x11, 0, 3}, {0, 0, 0, 0} }, "r1 = map_fd 3"},
    {{ {0x18, 0x22, 0, 3}, {0, 0, 0, 8} }, "r2 = map_val(3) + 8"},
    {{ {0x18, 0x32, 0, 3}, {0, 0, 0, 8} }, "r2 = var_addr(3, 8)"},
    {{ {0x18, 0x52, 0, 3}, {0, 0, 0, 0} }, "r2 = map_by_idx 3"},
    {{ {0x18, 0x62, 0, 3}, {0, 0, 0, 8} }, "r2 = map_val_by_idx(3) + 8"},
    {{ {0xdb, 0x21, 0, 0} }, "lock *(u64 *)(r1 + 0) += r2"},
    {{ {0xc3, 0x21, -8, 0x40} }, "lock *(u32 *)(r1 - 8) |= w2"},
    {{ {0xdb, 0x21, 0, 0x51} }, "r2 = atomic_fetch_and((u64 *)(r1 + 0), r2)"},
    {{ {0xc3, 0x21, 4, 0xa1} }, "w2 = atomic_fetch_xor((u32 *)(r1 + 4), w2)"},
    {{ {0xdb, 0x21, -8, 0xe1} }, "r2 = xchg_64(r1 - 8, r2)"},
    {{ {0xc3, 0x21, 0, 0xf1} }, "w0 = cmpxchg32_32(r1 + 0, w0, w2)"},
    {{ {0xdb, 0x21, 0, 0xf1} }, "r0 = cmpxchg_64(r1 + 0, r0, r2)"},
    {{ {0x20, 0x00, 0, 12} }, "r0 = *(u32 *)skb[12]"},
    {{ {0x50, 0x30, 0, 0} }, "r0 = *(u8 *)skb[r3]"},
    {{ {0x48, 0x30, 0, -2} }, "r0 = *(u16 *)skb[r3 - 2]"},
};

START_TEST(test_print_forms)
{
    const struct ptest *t = &print_cases[_i];
    draco_raw_insn p[8];
    for (size_t k = 0; k < 8; k++)
        p[k] = EXIT_INSN;
    bool lddw = t->r[0].opcode == 0x18;
    p[0] = t->r[0];
    if (lddw)
        p[1] = t->r[1];
    struct dres d = dec(p, 8);
    ck_assert_msg(d.st == DRACO_OK, "case %d (%s): %s", _i, t->text, d.msg);
    char buf[256];
    print_text(&d.insns[0], false, buf, sizeof buf);
    ck_assert_str_eq(buf, t->text);
    if (lddw) {
        print_text(&d.insns[1], false, buf, sizeof buf);
        ck_assert_str_eq(buf, "");
    }
}
END_TEST

START_TEST(test_print_labels)
{
    draco_raw_insn p[5] = { RI(0x15, 1, 0, 2, 0), RI(0x05, 0, 0, 1, 0), RI(0x85, 0, 1, 0, 1),
                            EXIT_INSN, RI(0x18, 1, 4, 0, -2) };
    draco_raw_insn q[7];
    memcpy(q, p, sizeof p);
    q[5] = RI(0, 0, 0, 0, 0);
    q[6] = EXIT_INSN;
    struct dres d = dec(q, 7);
    ck_assert_int_eq(d.st, DRACO_OK);
    char buf[128];
    print_text(&d.insns[0], true, buf, sizeof buf);
    ck_assert_str_eq(buf, "if r1 == 0 goto <3>");
    print_text(&d.insns[1], true, buf, sizeof buf);
    ck_assert_str_eq(buf, "goto <3>");
    print_text(&d.insns[2], true, buf, sizeof buf);
    ck_assert_str_eq(buf, "call <4>");
    print_text(&d.insns[2], false, buf, sizeof buf);
    ck_assert_str_eq(buf, "call +1");
    print_text(&d.insns[4], true, buf, sizeof buf);
    ck_assert_str_eq(buf, "r1 = code_addr(<3>)");
    print_text(&d.insns[4], false, buf, sizeof buf);
    ck_assert_str_eq(buf, "r1 = code_addr(-2)");
    /* assume (built by hand) and builtin calls */
    struct draco_ir_insn as = { .kind = DRACO_IR_ASSUME, .op = DRACO_COND_NSET, .dst = 2,
                                .src = 3, .src_is_reg = true, .is64 = true, .target = -1 };
    print_text(&as, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "assume r2 !& r3");
    as.op = DRACO_COND_SGE;
    as.src_is_reg = false;
    as.is64 = false;
    as.imm = -4;
    print_text(&as, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "assume w2 s>= -4");
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
START_TEST(test_negate)
{
    static const struct { int a, b; } pairs[] = {
        {DRACO_COND_EQ, DRACO_COND_NE}, {DRACO_COND_SET, DRACO_COND_NSET},
        {DRACO_COND_LT, DRACO_COND_GE}, {DRACO_COND_LE, DRACO_COND_GT},
        {DRACO_COND_SLT, DRACO_COND_SGE}, {DRACO_COND_SLE, DRACO_COND_SGT},
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(pairs); i++) {
        ck_assert_int_eq(draco_cond_negate((enum draco_cond_op)pairs[i].a), pairs[i].b);
        ck_assert_int_eq(draco_cond_negate((enum draco_cond_op)pairs[i].b), pairs[i].a);
    }
    /* an involution without fixed points on the conditional ops */
    for (int op = DRACO_COND_EQ; op <= DRACO_COND_SGE; op++) {
        enum draco_cond_op n = draco_cond_negate((enum draco_cond_op)op);
        ck_assert_int_ne(n, op);
        ck_assert_int_eq(draco_cond_negate(n), op);
    }
    static const char *const s[] = { "always", "==", "!=", "&", "!&", "<", "<=", ">", ">=",
                                     "s<", "s<=", "s>", "s>=" };
    for (int op = DRACO_COND_ALWAYS; op <= DRACO_COND_SGE; op++)
        ck_assert_str_eq(draco_cond_op_str((enum draco_cond_op)op), s[op]);
    ck_assert_str_eq(draco_cond_op_str((enum draco_cond_op)99), "?");
}
END_TEST

/* Semantic check of the negation table on sampled concrete values. */
static bool cond_holds(enum draco_cond_op op, int64_t a, int64_t b)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case DRACO_COND_EQ: return a == b;
    case DRACO_COND_NE: return a != b;
    case DRACO_COND_SET: return (ua & ub) != 0;
    case DRACO_COND_NSET: return (ua & ub) == 0;
    case DRACO_COND_LT: return ua < ub;
    case DRACO_COND_LE: return ua <= ub;
    case DRACO_COND_GT: return ua > ub;
    case DRACO_COND_GE: return ua >= ub;
    case DRACO_COND_SLT: return a < b;
    case DRACO_COND_SLE: return a <= b;
    case DRACO_COND_SGT: return a > b;
    case DRACO_COND_SGE: return a >= b;
    case DRACO_COND_ALWAYS: return true;
    }
    return false;
}

START_TEST(test_negate_semantics)
{
    static const int64_t v[] = { 0, 1, -1, 2, 7, INT64_MAX, INT64_MIN, INT64_MIN + 1, 255 };
    for (int op = DRACO_COND_EQ; op <= DRACO_COND_SGE; op++)
        for (size_t i = 0; i < DRACO_ARRAY_LEN(v); i++)
            for (size_t j = 0; j < DRACO_ARRAY_LEN(v); j++) {
                enum draco_cond_op n = draco_cond_negate((enum draco_cond_op)op);
                ck_assert_msg(cond_holds((enum draco_cond_op)op, v[i], v[j]) !=
                              cond_holds(n, v[i], v[j]), "op %d on %zu,%zu", op, i, j);
            }
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
static void peep(const draco_raw_insn *raw, size_t n, char out[][64])
{
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_ir_prog prog;
    draco_error err = {0};
    ck_assert_int_eq(draco_ir_decode(raw, n, NULL, &a, &err, &prog), DRACO_OK);
    draco_ir_peephole(&prog);
    for (size_t i = 0; i < n; i++) {
        print_text(&prog.insns[i], false, out[i], 64);
        ck_assert_uint_eq(prog.insns[i].pc, i);
    }
    draco_arena_fini(&a);
}

START_TEST(test_peephole)
{
    char t[8][64];
    draco_raw_insn z[4] = { RI(0x67, 3, 0, 0, 32), RI(0x77, 3, 0, 0, 32), RI(0xb7, 0, 0, 0, 0), EXIT_INSN };
    peep(z, 4, t);
    ck_assert_str_eq(t[0], "r3 = r3");
    ck_assert_str_eq(t[1], "w3 = w3");
    draco_raw_insn s[3] = { RI(0x67, 3, 0, 0, 32), RI(0xc7, 3, 0, 0, 32), EXIT_INSN };
    peep(s, 3, t);
    ck_assert_str_eq(t[0], "r3 = r3");
    ck_assert_str_eq(t[1], "r3 = (s32)r3");
    /* not rewritten: different register, other amount, 32-bit shifts, register shift */
    static const draco_raw_insn keep[][2] = {
        { {0x67, 3, 0, 32}, {0x77, 4, 0, 32} },
        { {0x67, 3, 0, 31}, {0x77, 3, 0, 31} },
        { {0x64, 3, 0, 32}, {0x74, 3, 0, 32} },
        { {0x67, 3, 0, 32}, {0x7f, 0x13, 0, 0} },
        { {0x67, 3, 0, 32}, {0x67, 3, 0, 32} },
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(keep); i++) {
        draco_raw_insn p[3] = { keep[i][0], keep[i][1], EXIT_INSN };
        char before[2][64];
        struct dres d = dec(p, 3);
        ck_assert_int_eq(d.st, DRACO_OK);
        print_text(&d.insns[0], false, before[0], 64);
        print_text(&d.insns[1], false, before[1], 64);
        peep(p, 3, t);
        ck_assert_str_eq(t[0], before[0]);
        ck_assert_str_eq(t[1], before[1]);
    }
    /* the second shift is a jump target: a jump there skips the <<=, so no rewrite */
    draco_raw_insn j[5] = { RI(0x15, 1, 0, 1, 0), RI(0x67, 3, 0, 0, 32), RI(0x77, 3, 0, 0, 32),
                            RI(0xb7, 0, 0, 0, 0), EXIT_INSN };
    peep(j, 5, t);
    ck_assert_str_eq(t[1], "r3 <<= 32");
    ck_assert_str_eq(t[2], "r3 >>= 32");
    /* a jump to the first shift is fine */
    j[0].offset = 0;
    peep(j, 5, t);
    ck_assert_str_eq(t[1], "r3 = r3");
    ck_assert_str_eq(t[2], "w3 = w3");
    /* three shifts in a row: only one pair */
    draco_raw_insn r3[4] = { RI(0x67, 3, 0, 0, 32), RI(0x67, 3, 0, 0, 32), RI(0xc7, 3, 0, 0, 32), EXIT_INSN };
    peep(r3, 4, t);
    ck_assert_str_eq(t[0], "r3 <<= 32");
    ck_assert_str_eq(t[1], "r3 = r3");
    ck_assert_str_eq(t[2], "r3 = (s32)r3");
    draco_ir_peephole(NULL);
    struct draco_ir_prog empty = { NULL, 0 };
    draco_ir_peephole(&empty);
}
END_TEST

/* ---------------------------------------------------------------------------------------- */
/* Random slots (seed = loop index): decoding never crashes, and what it accepts is well formed. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

START_TEST(test_random_programs)
{
    uint64_t seed = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(_i + 1) * 0x100000001b3ULL;
    enum { N = 12 };
    unsigned ok = 0;
    for (int round = 0; round < 300; round++) {
        draco_raw_insn p[N];
        size_t n = 1 + rng_next(&seed) % N;
        for (size_t k = 0; k < n; k++) {
            /* a canonical valid form, then each field mutated with small probability */
            uint64_t r = rng_next(&seed);
            draco_raw_insn c[3];
            canonical(valid_ops[r % DRACO_ARRAY_LEN(valid_ops)].op, c);
            p[k] = c[0];
            if (c[0].opcode == 0x18 && k + 1 < n) {
                p[++k] = c[1];
                continue;
            }
            r = rng_next(&seed);
            if ((r & 3) == 0)
                p[k].regs = (uint8_t)(r >> 8);
            else if ((r & 3) == 1)
                p[k].regs = (uint8_t)((r >> 8 & 0x7) << 4 | (r >> 12 & 0x7));
            if ((r >> 16 & 3) == 0)
                p[k].offset = (int16_t)((int)(r >> 20 & 15) - (int)k - 1);
            else if ((r >> 16 & 7) == 1)
                p[k].offset = (int16_t)(r >> 24);
            if ((r >> 40 & 7) == 0)
                p[k].imm = (int32_t)(r >> 44 & 0xff) - 2;
            else if ((r >> 40 & 15) == 1)
                p[k].imm = (int32_t)(uint32_t)rng_next(&seed);
            if ((r >> 60) == 0)
                p[k].opcode = (uint8_t)rng_next(&seed);
        }
        struct dres d = dec(p, n);
        if (d.st != DRACO_OK) {
            ck_assert_msg(d.st == DRACO_ERR_INVALID, "seed %d: status %d", _i, d.st);
            ck_assert_msg(d.msg[0] >= '0' && d.msg[0] <= '9' && strstr(d.msg, ": "),
                          "seed %d: message '%s'", _i, d.msg);
            continue;
        }
        ok++;
        for (size_t k = 0; k < n; k++) {
            const struct draco_ir_insn *in = &d.insns[k];
            ck_assert_msg(in->dst <= 10 && in->src <= 10, "seed %d pc %zu", _i, k);
            ck_assert_uint_eq(in->pc, k);
            bool writes = in->kind == DRACO_IR_BIN || in->kind == DRACO_IR_UN ||
                          in->kind == DRACO_IR_LOAD_MAP_FD || in->kind == DRACO_IR_LOAD_MAP_VALUE ||
                          in->kind == DRACO_IR_LOAD_PSEUDO || (in->kind == DRACO_IR_MEM && in->is_load);
            if (writes)
                ck_assert_msg(in->dst != 10, "seed %d pc %zu writes r10", _i, k);
            if (in->kind == DRACO_IR_JMP || in->kind == DRACO_IR_CALL_LOCAL) {
                ck_assert_msg(in->target >= 0 && (size_t)in->target < n, "seed %d pc %zu", _i, k);
                ck_assert_uint_ne(d.insns[in->target].kind, DRACO_IR_UNDEFINED);
            }
            if (in->kind == DRACO_IR_UNDEFINED) {
                ck_assert_msg(k > 0 && d.insns[k - 1].opcode == 0x18, "seed %d pc %zu", _i, k);
            }
            char buf[128];
            print_text(in, (k & 1) != 0, buf, sizeof buf);
            ck_assert_msg(strchr(buf, '?') == NULL && strstr(buf, "bad") == NULL,
                          "seed %d pc %zu prints '%s'", _i, k, buf);
        }
        struct draco_ir_prog prog = { d.insns, n };
        draco_ir_peephole(&prog);
    }
    ck_assert_msg(ok > 0, "seed %d: no random program was accepted", _i);
}
END_TEST

/* declared for -Wmissing-prototypes; `extern` keeps gen-check-main.sh from listing it twice */
extern Suite *draco_suite_ir_decode(void);
Suite *draco_suite_ir_decode(void)
{
    Suite *s = suite_create("ir_decode");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_every_opcode_byte);
    tcase_add_test(tc, test_every_opcode_mutations);
    tcase_add_test(tc, test_alu_variants);
    tcase_add_test(tc, test_lddw);
    tcase_add_test(tc, test_jumps);
    tcase_add_test(tc, test_calls);
    tcase_add_test(tc, test_memory_and_atomics);
    tcase_add_test(tc, test_error_pc_and_empty);
    tcase_add_test(tc, test_validate_program);
    tcase_add_loop_test(tc, test_random_programs, 0, 40);
    suite_add_tcase(s, tc);
    TCase *tp = tcase_create("print");
    tcase_add_loop_test(tp, test_print_forms, 0, (int)DRACO_ARRAY_LEN(print_cases));
    tcase_add_test(tp, test_print_labels);
    suite_add_tcase(s, tp);
    TCase *tn = tcase_create("negate_peephole");
    tcase_add_test(tn, test_negate);
    tcase_add_test(tn, test_negate_semantics);
    tcase_add_test(tn, test_peephole);
    suite_add_tcase(s, tn);
    return s;
}
