/* SPDX-License-Identifier: MIT */
/* Tests for lib/ir/asm: every instruction form assembles to the encoding RFC 9669 gives it (the
 * expected bytes are written by hand from the RFC, not computed by the assembler); every form
 * round-trips through decode -> draco_asm_print -> assemble to the same slots; labels, relative
 * and absolute targets; bad input is refused with its line number.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ir/asm.h"
#include "ir/ir.h"

struct form {
    const char *text;
    draco_raw_insn r[2];
    size_t n;
};

#define RAW(op, d, s, o, i) { (op), (uint8_t)(((s) << 4) | ((d) & 0xf)), (o), (i) }
#define F1(t, op, d, s, o, i) { t, { RAW(op, d, s, o, i), RAW(0, 0, 0, 0, 0) }, 1 }
#define F2(t, d, s, i, i2) { t, { RAW(0x18, d, s, 0, i), RAW(0, 0, 0, 0, i2) }, 2 }

static const struct form forms[] = {
    F1("exit", 0x95, 0, 0, 0, 0),
    F1("r0 = 5", 0xb7, 0, 0, 0, 5),
    F1("w1 = 0", 0xb4, 1, 0, 0, 0),
    F1("r1 = r2", 0xbf, 1, 2, 0, 0),
    F1("w2 = r10", 0xbc, 2, 10, 0, 0),
    F1("w0 = w1", 0xbc, 0, 1, 0, 0),
    F1("r5=r5", 0xbf, 5, 5, 0, 0),
    F1("r1 = -1", 0xb7, 1, 0, 0, -1),
    F1("r1 = 0x10", 0xb7, 1, 0, 0, 16),
    F1("r1 = 0xffffffff", 0xb7, 1, 0, 0, -1),
    F1("w0 = 4194435072", 0xb4, 0, 0, 0, -100532224),
    F1("r1 += 2", 0x07, 1, 0, 0, 2),
    F1("r1 += r2", 0x0f, 1, 2, 0, 0),
    F1("w1 += w2", 0x0c, 1, 2, 0, 0),
    F1("w1 -= 3", 0x14, 1, 0, 0, 3),
    F1("r1 -= r2", 0x1f, 1, 2, 0, 0),
    F1("r1 *= 3", 0x27, 1, 0, 0, 3),
    F1("r1 /= r2", 0x3f, 1, 2, 0, 0),
    F1("w0 /= 4096655360", 0x34, 0, 0, 0, -198311936),
    F1("r1 %= 5", 0x97, 1, 0, 0, 5),
    F1("r1 |= 1", 0x47, 1, 0, 0, 1),
    F1("r1 &= 0xffff", 0x57, 1, 0, 0, 65535),
    F1("w1 &= -1", 0x54, 1, 0, 0, -1),
    F1("r1 <<= r2", 0x6f, 1, 2, 0, 0),
    F1("r1 >>= 16", 0x77, 1, 0, 0, 16),
    F1("r1 >>= -48", 0x77, 1, 0, 0, -48),
    F1("r1 s>>= r2", 0xcf, 1, 2, 0, 0),
    F1("w1 s>>= 80", 0xc4, 1, 0, 0, 80),
    F1("r1 ^= 3", 0xa7, 1, 0, 0, 3),
    F1("r1 s/= 7", 0x37, 1, 0, 1, 7),
    F1("w1 s/= w2", 0x3c, 1, 2, 1, 0),
    F1("w1 s%= 0", 0x94, 1, 0, 1, 0),
    F1("r1 s%= r3", 0x9f, 1, 3, 1, 0),
    F1("r1 = -r1", 0x87, 1, 0, 0, 0),
    F1("w1 = - w1", 0x84, 1, 0, 0, 0),
    F1("r1 = (s8)r2", 0xbf, 1, 2, 8, 0),
    F1("w1 = (s16)w2", 0xbc, 1, 2, 16, 0),
    F1("r1 = (s32)r3", 0xbf, 1, 3, 32, 0),
    F1("r1 s8= r2", 0xbf, 1, 2, 8, 0),
    F1("r1 s32= r1", 0xbf, 1, 1, 32, 0),
    F1("r1 = be16 r1", 0xdc, 1, 0, 0, 16),
    F1("r1 = be64 r1", 0xdc, 1, 0, 0, 64),
    F1("r1 = le32 r1", 0xd4, 1, 0, 0, 32),
    F1("r1 = bswap64 r1", 0xd7, 1, 0, 0, 64),
    F1("r1 = be32 r1", 0xdc, 1, 0, 0, 32),
    F1("r1 = le16 r1", 0xd4, 1, 0, 0, 16),
    F1("r1 = le64 r1", 0xd4, 1, 0, 0, 64),
    F1("r1 = bswap16 r1", 0xd7, 1, 0, 0, 16),
    F1("r1 = bswap32 r1", 0xd7, 1, 0, 0, 32),
    F1("r1 = swap32 r1", 0xd7, 1, 0, 0, 32),
    F1("r1 = swap64 r1", 0xd7, 1, 0, 0, 64),
    F1("r1 *= r2", 0x2f, 1, 2, 0, 0),
    F1("w1 *= w2", 0x2c, 1, 2, 0, 0),
    F1("r1 %= r2", 0x9f, 1, 2, 0, 0),
    F1("r1 |= r2", 0x4f, 1, 2, 0, 0),
    F1("r1 &= r2", 0x5f, 1, 2, 0, 0),
    F1("r1 ^= r2", 0xaf, 1, 2, 0, 0),
    F1("r1 <<= 3", 0x67, 1, 0, 0, 3),
    F1("r1 >>= r2", 0x7f, 1, 2, 0, 0),
    F1("r1 s>>= 3", 0xc7, 1, 0, 0, 3),
    F1("r1 /= 3", 0x37, 1, 0, 0, 3),
    F1("r1 s%= 3", 0x97, 1, 0, 1, 3),
    F1("r1 s16= r2", 0xbf, 1, 2, 16, 0),
    F1("r1 = swap16 r1", 0xd7, 1, 0, 0, 16),
    F2("r1 = 5 ll", 1, 0, 5, 0),
    F2("r1 = 5ll", 1, 0, 5, 0),
    F2("r1 = 0xffffffffffffffffll", 1, 0, -1, -1),
    F2("r1 = 18446744073709551615ll", 1, 0, -1, -1),
    F2("r1 = 9223372036854775809ll", 1, 0, 1, INT32_MIN),
    F2("r1 = -9223372036854775807ll", 1, 0, 1, INT32_MIN),
    F2("r1 = 9223372036854775807ll", 1, 0, -1, INT32_MAX),
    F2("r1 = map_fd 1", 1, 1, 1, 0),
    F2("r2 = map_val(1) + 8", 2, 2, 1, 8),
    F2("r1 = map_by_idx(0)", 1, 5, 0, 0),
    F2("r1 = map_by_idx 3", 1, 5, 3, 0),
    F2("r2 = mva(map_by_idx(0)) + 4", 2, 6, 0, 4),
    F2("r2 = map_val_by_idx(2) + 16", 2, 6, 2, 16),
    F2("r3 = var_addr(7, 12)", 3, 3, 7, 12),
    F1("r2 = *(u8 *)(r1 + 0)", 0x71, 2, 1, 0, 0),
    F1("r0 = *(u32 *)(r10 - 4)", 0x61, 0, 10, -4, 0),
    F1("r1 = *(u16 *)(r1 + 2)", 0x69, 1, 1, 2, 0),
    F1("r3 = *(u64 *)(r1 + 8)", 0x79, 3, 1, 8, 0),
    F1("r1 = *(s16 *)(r2 + 2)", 0x89, 1, 2, 2, 0),
    F1("r1 = *(s8 *)(r2 - 1)", 0x91, 1, 2, -1, 0),
    F1("r1 = *(s32 *)(r2 + 0)", 0x81, 1, 2, 0, 0),
    F1("*(u64 *)(r10 - 8) = r1", 0x7b, 10, 1, -8, 0),
    F1("*(u32 *)(r10 - 4) = 7", 0x62, 10, 0, -4, 7),
    F1("*(u16 *)(r1 + 2) = r2", 0x6b, 1, 2, 2, 0),
    F1("*(u8 *)(r1 + 0) = -1", 0x72, 1, 0, 0, -1),
    F1("*(u64 *)(r10 - 512) = 0", 0x7a, 10, 0, -512, 0),
    F1("*(u16 *)(r1 + 6) = 300", 0x6a, 1, 0, 6, 300),
    F1("*(u8 *)(r1 + 1) = r2", 0x73, 1, 2, 1, 0),
    F1("*(u32 *)(r1 + 4) = w2", 0x63, 1, 2, 4, 0),
    F1("r1 = *(u32 *)(r1 + 0)", 0x61, 1, 1, 0, 0),
    F1("lock *(u32 *)(r1 + 0) += w2", 0xc3, 1, 2, 0, 0x00),
    F1("lock *(u64 *)(r1 + 0) |= r2", 0xdb, 1, 2, 0, 0x40),
    F1("lock *(u64 *)(r1 + 0) &= r2 fetch", 0xdb, 1, 2, 0, 0x51),
    F1("lock *(u32 *)(r1 + 0) ^= w2", 0xc3, 1, 2, 0, 0xa0),
    F1("r2 = atomic_fetch_or((u64 *)(r1 + 8), r2)", 0xdb, 1, 2, 8, 0x41),
    F1("r2 = atomic_fetch_and((u64 *)(r1 - 8), r2)", 0xdb, 1, 2, -8, 0x51),
    F1("lock *(u64 *)(r1 + 0) += r2", 0xdb, 1, 2, 0, 0x00),
    F1("lock *(u32 *)(r1 + 4) |= r2 fetch", 0xc3, 1, 2, 4, 0x41),
    F1("lock *(u64 *)(r1 + 0) &= r2", 0xdb, 1, 2, 0, 0x50),
    F1("lock *(u64 *)(r1 - 8) ^= r5 fetch", 0xdb, 1, 5, -8, 0xa1),
    F1("r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)", 0xdb, 1, 2, 0, 0x01),
    F1("w2 = atomic_fetch_xor((u32 *)(r1 + 0), w2)", 0xc3, 1, 2, 0, 0xa1),
    F1("r2 = xchg_64(r1 + 0, r2)", 0xdb, 1, 2, 0, 0xe1),
    F1("w2 = xchg32_32(r1 + 4, w2)", 0xc3, 1, 2, 4, 0xe1),
    F1("r0 = cmpxchg_64(r1 + 0, r0, r2)", 0xdb, 1, 2, 0, 0xf1),
    F1("w0 = cmpxchg32_32(r1 + 0, w0, w2)", 0xc3, 1, 2, 0, 0xf1),
    F1("r0 = *(u32 *)skb[r3 + 4]", 0x40, 0, 3, 0, 4),
    F1("r0 = *(u16 *)skb[r7]", 0x48, 0, 7, 0, 0),
    F1("r0 = *(u8 *)skb[23]", 0x30, 0, 0, 0, 23),
    F1("r0 = *(u16 *)skb[12]", 0x28, 0, 0, 0, 12),
    F1("r0 = *(u32 *)skb[0]", 0x20, 0, 0, 0, 0),
    F1("r0 = *(u8 *)skb[r6 + 1]", 0x50, 0, 6, 0, 1),
    F1("r0 = *(u32 *)skb[r3 - 2]", 0x40, 0, 3, 0, -2),
    F1("call 1", 0x85, 0, 0, 0, 1),
    F1("call 12; bpf_get_prandom_u32", 0x85, 0, 0, 0, 12),
    F1("callx r2", 0x8d, 2, 0, 0, 0),
    F1("call kfunc 17", 0x85, 0, 2, 0, 17),
    F1("call kfunc 17, module 2", 0x85, 0, 2, 2, 17),
    F1("goto +0", 0x05, 0, 0, 0, 0),
    F1("gotol +0", 0x06, 0, 0, 0, 0),
    F1("if r3 > r2 goto +0", 0x2d, 3, 2, 0, 0),
    F1("if r1 == 0 goto +0", 0x15, 1, 0, 0, 0),
    F1("if r1 != r2 goto +0", 0x5d, 1, 2, 0, 0),
    F1("if r1 >= 4 goto +0", 0x35, 1, 0, 0, 4),
    F1("if r1 < r2 goto +0", 0xad, 1, 2, 0, 0),
    F1("if r1 <= -1 goto +0", 0xb5, 1, 0, 0, -1),
    F1("if r1 & 4 goto +0", 0x45, 1, 0, 0, 4),
    F1("if r0 s>= 4 goto +0", 0x75, 0, 0, 0, 4),
    F1("if r0 s> r1 goto +0", 0x6d, 0, 1, 0, 0),
    F1("if w1 s< 5 goto +0", 0xc6, 1, 0, 0, 5),
    F1("if w1 s<= w2 goto +0", 0xde, 1, 2, 0, 0),
    F1("if r1 s< r2 goto +0", 0xcd, 1, 2, 0, 0),
    F1("if r1 s<= 7 goto +0", 0xd5, 1, 0, 0, 7),
    F1("if r1 s> -3 goto +0", 0x65, 1, 0, 0, -3),
    F1("if r1 s>= r2 goto +0", 0x7d, 1, 2, 0, 0),
    F1("if r1 > 9 goto +0", 0x25, 1, 0, 0, 9),
    F1("if r1 >= r2 goto +0", 0x3d, 1, 2, 0, 0),
    F1("if r1 < 9 goto +0", 0xa5, 1, 0, 0, 9),
    F1("if r1 <= r2 goto +0", 0xbd, 1, 2, 0, 0),
    F1("if r1 == r2 goto +0", 0x1d, 1, 2, 0, 0),
    F1("if r1 != 0 goto +0", 0x55, 1, 0, 0, 0),
    F1("if r1 & r2 goto +0", 0x4d, 1, 2, 0, 0),
    F1("if w1 == 0 goto +0", 0x16, 1, 0, 0, 0),
    F1("if w1 & w2 goto +0", 0x4e, 1, 2, 0, 0),
    F1("if w1 > 0xffffffff goto +0", 0x26, 1, 0, 0, -1),
    F1("r1 = 1 // comment", 0xb7, 1, 0, 0, 1),
    F1("  r1 = 2   # comment", 0xb7, 1, 0, 0, 2),
};

static void assemble_ok(const char *text, struct draco_arena *a, struct draco_asm_prog *p)
{
    draco_error err = {0};
    draco_status st = draco_asm_parse(text, 1, a, &err, p);
    ck_assert_msg(st == DRACO_OK, "'%s': %s", text, err.message);
}

START_TEST(test_forms)
{
    const struct form *f = &forms[_i];
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_asm_prog p;
    char text[256];
    snprintf(text, sizeof text, "%s\nexit", f->text);   /* "+0" targets need an instruction */
    assemble_ok(text, &a, &p);
    ck_assert_msg(p.n == f->n + 1, "'%s': %zu slots", f->text, p.n);
    for (size_t i = 0; i < f->n; i++)
        ck_assert_msg(memcmp(&p.insns[i], &f->r[i], sizeof f->r[i]) == 0,
                      "'%s' slot %zu: got %02x %02x %d %d want %02x %02x %d %d", f->text, i,
                      p.insns[i].opcode, p.insns[i].regs, p.insns[i].offset, p.insns[i].imm,
                      f->r[i].opcode, f->r[i].regs, f->r[i].offset, f->r[i].imm);
    ck_assert(!p.has_assume);
    draco_arena_fini(&a);
}
END_TEST

/* Assembles text, decodes, prints, reassembles: slots and printed text must both be stable. */
static void roundtrip(const char *text)
{
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_asm_prog p, q;
    assemble_ok(text, &a, &p);
    struct draco_ir_prog ir;
    draco_error err = {0};
    ck_assert_msg(draco_asm_to_ir(&p, &a, &err, &ir) == DRACO_OK, "'%s': %s", text, err.message);
    struct draco_sb sb1, sb2;
    draco_sb_init(&sb1);
    draco_sb_init(&sb2);
    draco_asm_print(&ir, &p, &sb1);
    assemble_ok(draco_sb_str(&sb1), &a, &q);
    ck_assert_msg(q.n == p.n, "'%s' -> '%s'", text, draco_sb_str(&sb1));
    ck_assert_msg(memcmp(q.insns, p.insns, p.n * sizeof *p.insns) == 0, "'%s' -> '%s'", text,
                  draco_sb_str(&sb1));
    for (size_t i = 0; i < p.n; i++)
        ck_assert(q.is_assume[i] == p.is_assume[i]);
    struct draco_ir_prog ir2;
    ck_assert(draco_asm_to_ir(&q, &a, &err, &ir2) == DRACO_OK);
    draco_asm_print(&ir2, &q, &sb2);
    ck_assert_str_eq(draco_sb_str(&sb1), draco_sb_str(&sb2));
    draco_sb_fini(&sb1);
    draco_sb_fini(&sb2);
    draco_arena_fini(&a);
}

START_TEST(test_forms_roundtrip)
{
    const struct form *f = &forms[_i];
    char text[256];
    /* targets "+0" must land on an instruction: append one */
    snprintf(text, sizeof text, "%s\nexit\n", f->text);
    roundtrip(text);
}
END_TEST

START_TEST(test_labels)
{
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_asm_prog p;
    assemble_ok("<start>:\n"
                "  if r1 == 0 goto <out>\n"
                "  r0 = 1\n"
                "  goto <out>\n"
                "<out>: exit\n"
                "<sub>:\n"
                "  r0 = 0 ll\n"
                "  call <sub2>\n"
                "  exit\n"
                "sub2:\n"
                "  r1 = code_addr(<start>)\n"
                "  exit\n",
                &a, &p);
    ck_assert_uint_eq(p.n, 11);
    ck_assert_uint_eq(p.n_labels, 4);
    ck_assert_str_eq(draco_asm_label_at(&p, 0), "start");
    ck_assert_str_eq(draco_asm_label_at(&p, 3), "out");
    ck_assert_str_eq(draco_asm_label_at(&p, 4), "sub");
    ck_assert_str_eq(draco_asm_label_at(&p, 8), "sub2");
    ck_assert_ptr_null(draco_asm_label_at(&p, 1));
    ck_assert_int_eq(p.insns[0].offset, 2);          /* 0 -> 3 */
    ck_assert_int_eq(p.insns[2].offset, 0);          /* 2 -> 3 */
    ck_assert_int_eq(p.insns[6].opcode, 0x85);
    ck_assert_int_eq(draco_raw_insn_src(&p.insns[6]), 1);
    ck_assert_int_eq(p.insns[6].imm, 1);             /* 6 -> 8 */
    ck_assert_int_eq(draco_raw_insn_src(&p.insns[8]), 4);
    ck_assert_int_eq(p.insns[8].imm, -9);            /* 8 -> 0 */
    ck_assert_uint_eq(p.line[0], 2);
    ck_assert_uint_eq(p.line[4], 7);
    ck_assert_uint_eq(p.line[5], 7);
    roundtrip("<start>:\n  if r1 == 0 goto <out>\n  r0 = 1\n  goto <out>\n<out>: exit\n"
              "<sub>:\n  r0 = 0 ll\n  call <sub2>\n  exit\nsub2:\n  r1 = code_addr(<start>)\n"
              "  exit\n");
    /* absolute <N> targets and relative ones */
    struct draco_asm_prog q;
    assemble_ok("if r1 > 2 goto <3>\ngoto -2\nr0 = 0\nexit\n", &a, &q);
    ck_assert_int_eq(q.insns[0].offset, 2);
    ck_assert_int_eq(q.insns[1].offset, -2);
    draco_arena_fini(&a);
}
END_TEST

START_TEST(test_assume)
{
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_asm_prog p;
    assemble_ok("assume r1 > 0\nassume w1 < r2\nassume r1 s>= r2\nexit", &a, &p);
    ck_assert(p.has_assume);
    ck_assert(p.is_assume[0] && p.is_assume[1] && p.is_assume[2] && !p.is_assume[3]);
    ck_assert_int_eq(p.insns[0].opcode, 0x25);
    ck_assert_int_eq(p.insns[1].opcode, 0xae);
    ck_assert_int_eq(p.insns[2].opcode, 0x7d);
    struct draco_ir_prog ir;
    draco_error err = {0};
    ck_assert(draco_asm_to_ir(&p, &a, &err, &ir) == DRACO_OK);
    ck_assert_int_eq(ir.insns[0].kind, DRACO_IR_ASSUME);
    ck_assert_int_eq(ir.insns[0].op, DRACO_COND_GT);
    ck_assert_int_eq(ir.insns[0].imm, 0);
    ck_assert_int_eq(ir.insns[0].target, -1);
    ck_assert_int_eq(ir.insns[1].kind, DRACO_IR_ASSUME);
    ck_assert(!ir.insns[1].is64);
    ck_assert(ir.insns[1].src_is_reg);
    ck_assert_int_eq(ir.insns[3].kind, DRACO_IR_EXIT);
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_ir_print_insn(&sb, &ir.insns[0], true);
    ck_assert_str_eq(draco_sb_str(&sb), "assume r1 > 0");
    draco_sb_fini(&sb);
    roundtrip("assume r1 > 0\nassume w1 < r2\nexit");
    draco_arena_fini(&a);
}
END_TEST

START_TEST(test_roundtrip_program)
{
    roundtrip("<start>:\n"
              "r2 = *(u32 *)(r1 + 0)\n"
              "r3 = *(u32 *)(r1 + 4)\n"
              "r4 = r2\n"
              "r4 += 14\n"
              "if r4 > r3 goto <drop>\n"
              "r0 = *(u8 *)(r2 + 12)\n"
              "lock *(u64 *)(r10 - 8) += r0 fetch\n"
              "r1 = map_fd 1\n"
              "r2 = r10\n"
              "r2 += -8\n"
              "call 1\n"
              "if r0 == 0 goto <drop>\n"
              "r0 = 2\n"
              "call <f>\n"
              "exit\n"
              "<drop>:\n"
              "r0 = 1\n"
              "exit\n"
              "<f>:\n"
              "r0 = -9223372036854775807ll\n"
              "gotol <f2>\n"
              "<f2>: exit\n");
}
END_TEST


/* clang -target bpf -S output: directives, "# comments", bare label targets, local calls by name */
START_TEST(test_clang_s)
{
    static const char text[] =
        "\t.text\n"
        "\t.file\t\"x.c\"\n"
        "\t.section\txdp,\"ax\",@progbits\n"
        "\t.globl\tprog                            # -- Begin function prog\n"
        "\t.p2align\t3\n"
        "\t.type\tprog,@function\n"
        "prog:                                   # @prog\n"
        "# %bb.0:\n"
        "\tr0 = 1\n"
        "\tr3 = *(u32 *)(r1 + 4)\n"
        "\tr2 = *(u32 *)(r1 + 0)\n"
        "\tr1 = r2\n"
        "\tr1 += 14\n"
        "\tif r1 > r3 goto LBB0_2\n"
        "# %bb.1:\n"
        "\tr1 = *(u8 *)(r2 + 7)\n"
        "\tcall helper\n"
        "\tr0 &= 3\n"
        "LBB0_2:\n"
        "\texit\n"
        ".Lfunc_end0:\n"
        "\t.size\tprog, .Lfunc_end0-prog\n"
        "\t.text\n"
        "helper:                                 # @helper\n"
        "\tr0 = r1\n"
        "\tr0 *= 3\n"
        "\texit\n"
        ".Lfunc_end1:\n"
        "\t.addrsig\n";
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_asm_prog p;
    assemble_ok(text, &a, &p);
    ck_assert_uint_eq(p.n, 13);
    ck_assert_int_eq(p.insns[5].opcode, 0x2d);
    ck_assert_int_eq(p.insns[5].offset, 3);          /* 5 -> 9 */
    ck_assert_int_eq(p.insns[7].opcode, 0x85);
    ck_assert_int_eq(draco_raw_insn_src(&p.insns[7]), 1);
    ck_assert_int_eq(p.insns[7].imm, 2);             /* 7 -> 10 */
    bool found = false;
    for (size_t i = 0; i < p.n_labels; i++)
        found |= strcmp(p.labels[i].name, "helper") == 0 && p.labels[i].pc == 10;
    ck_assert(found);
    struct draco_ir_prog ir;
    draco_error err = {0};
    ck_assert(draco_asm_to_ir(&p, &a, &err, &ir) == DRACO_OK);
    draco_arena_fini(&a);
}
END_TEST

/* text, expected message prefix (line number included) */
static const struct {
    const char *text;
    const char *msg;
} bad[] = {
    { "r1 =* 2", "line 1: " },
    { "exit\nr11 = 1", "line 2: " },
    { "exit\n\nr1 = 4294967296", "line 3: immediate out of 32-bit range" },
    { "r1 += 5ll", "line 1: unexpected text" },
    { "goto <nowhere>", "line 1: undefined label 'nowhere'" },
    { "<a>:\n<a>: exit", "line 2: duplicate label 'a'" },
    { "exit\ngoto +5", "line 2: target '+N' out of the program" },
    { "r1 = *(u8 *)(r1 + 40000)", "line 1: " },
    { "r1 = *(s64 *)(r1 + 0)", "line 1: no sign-extending 64-bit load" },
    { "r1 = 18446744073709551616ll", "line 1: " },
    { "w1 = 5 ll", "line 1: bad 64-bit immediate" },
    { "r1 = be16 r2", "line 1: byte swap must use its destination register" },
    { "r1 = -r2", "line 1: negation must use its destination register" },
    { "r1 = *(u8 *)skb[4]", "line 1: packet loads write r0" },
    { "if r1 ~ 2 goto +0", "line 1: unknown comparison" },
    { "if r1 > 2 goto", "line 1: expected a target" },
    { "lock *(u16 *)(r1 + 0) += r2", "line 1: bad atomic operand" },
    { "exit\nexit\nfoo bar", "line 3: unknown instruction" },
    { "r1 = r2 r3", "line 1: unexpected text" },
};

START_TEST(test_errors)
{
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_asm_prog p;
    draco_error err = {0};
    draco_status st = draco_asm_parse(bad[_i].text, 1, &a, &err, &p);
    ck_assert_msg(st == DRACO_ERR_INVALID, "'%s' accepted", bad[_i].text);
    ck_assert_msg(strncmp(err.message, bad[_i].msg, strlen(bad[_i].msg)) == 0,
                  "'%s': message '%s', want '%s...'", bad[_i].text, err.message, bad[_i].msg);
    ck_assert_ptr_null(p.insns);
    draco_arena_fini(&a);
}
END_TEST

START_TEST(test_first_line)
{
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_asm_prog p;
    draco_error err = {0};
    ck_assert(draco_asm_parse("exit\nbogus", 40, &a, &err, &p) == DRACO_ERR_INVALID);
    ck_assert_msg(strncmp(err.message, "line 41: ", 9) == 0, "%s", err.message);
    draco_arena_fini(&a);
}
END_TEST

START_TEST(test_object_create)
{
    draco_map_info m = { "counts", 1, 2, 4, 8, 16, 0, -1, false };
    draco_error err = {0};
    struct draco_object *obj = NULL;
    ck_assert(draco_asm_object_create("r1 = map_fd 1\nr0 = 0\nexit\n", "t.s", "xdp", "xdp", &m, 1,
                                      &err, &obj) == DRACO_OK);
    ck_assert_uint_eq(obj->n_progs, 1);
    ck_assert_uint_eq(obj->progs[0].n_slots, 4);
    ck_assert_uint_eq(obj->progs[0].n_insns, 3);
    ck_assert_str_eq(obj->progs[0].type_name, "xdp");
    ck_assert_ptr_nonnull(draco_object_map_by_fd(obj, 1));
    ck_assert_str_eq(draco_object_map_by_fd(obj, 1)->info.name, "counts");
    draco_elf_object_free(obj);
    obj = NULL;
    /* clang -S map relocation by name */
    ck_assert(draco_asm_object_create("r1 = counts ll\nr0 = 0\nexit\n", NULL, "xdp", "xdp", &m, 1,
                                      &err, &obj) == DRACO_OK);
    ck_assert_int_eq(obj->progs[0].insns[0].opcode, 0x18);
    ck_assert_int_eq(draco_raw_insn_src(&obj->progs[0].insns[0]), 1);
    ck_assert_int_eq(obj->progs[0].insns[0].imm, 1);
    draco_elf_object_free(obj);
    obj = NULL;
    ck_assert(draco_asm_object_create("r1 = other ll\nexit\n", NULL, "xdp", "xdp", &m, 1, &err,
                                      &obj) == DRACO_ERR_INVALID);
    ck_assert_str_eq(err.message, "line 1: unknown symbol 'other' (not a map given to the assembler)");
    draco_error_clear(&err);
    ck_assert(draco_asm_object_create("assume r1 > 0\nexit\n", NULL, NULL, NULL, NULL, 0, &err,
                                      &obj) == DRACO_ERR_INVALID);
    ck_assert_ptr_null(obj);
}
END_TEST


/* random mutations of valid lines: the assembler never crashes or reads out of bounds; what it
 * accepts and the decoder accepts round-trips (seed = loop index) */
START_TEST(test_mutations)
{
    uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(_i + 1);
    static const char alphabet[] = "rw0123456789 +-*=<>&|^()[]su%/lkxgotifcal,;#";
    for (int round = 0; round < 100; round++) {
        char buf[160];
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        snprintf(buf, sizeof buf, "%s", forms[x % DRACO_ARRAY_LEN(forms)].text);
        size_t len = strlen(buf);
        for (int m = 0; m < 2 && len; m++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            size_t pos = (size_t)(x >> 8) % len;
            switch (x % 3) {
            case 0: buf[pos] = alphabet[(x >> 20) % (sizeof alphabet - 1)]; break;
            case 1: memmove(buf + pos, buf + pos + 1, len - pos); len--; break;
            default: buf[pos] = '\0'; len = pos; break;
            }
        }
        char text[200];
        snprintf(text, sizeof text, "%s\nexit\n", buf);
        struct draco_arena a;
        draco_arena_init(&a);
        struct draco_asm_prog p;
        draco_error err = {0};
        if (draco_asm_parse(text, 1, &a, &err, &p) == DRACO_OK) {
            struct draco_ir_prog ir;
            if (draco_asm_to_ir(&p, &a, &err, &ir) == DRACO_OK)
                roundtrip(text);
        } else {
            ck_assert_msg(strncmp(err.message, "line ", 5) == 0, "seed %d: '%s': %s", _i, buf,
                          err.message);
        }
        draco_arena_fini(&a);
    }
}
END_TEST

extern Suite *draco_suite_ir_asm(void);
Suite *draco_suite_ir_asm(void)
{
    Suite *s = suite_create("ir_asm");
    TCase *tc = tcase_create("asm");
    tcase_add_loop_test(tc, test_forms, 0, (int)DRACO_ARRAY_LEN(forms));
    tcase_add_loop_test(tc, test_forms_roundtrip, 0, (int)DRACO_ARRAY_LEN(forms));
    tcase_add_test(tc, test_labels);
    tcase_add_test(tc, test_assume);
    tcase_add_test(tc, test_roundtrip_program);
    tcase_add_test(tc, test_clang_s);
    tcase_add_loop_test(tc, test_errors, 0, (int)DRACO_ARRAY_LEN(bad));
    tcase_add_test(tc, test_first_line);
    tcase_add_test(tc, test_object_create);
    tcase_add_loop_test(tc, test_mutations, 0, 50);
    suite_add_tcase(s, tc);
    return s;
}
