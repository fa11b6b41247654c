/* SPDX-License-Identifier: MIT */
/* Tests for the privileged mode of lib/check and lib/analysis (draco_analysis_opts.privileged,
 * the kernel's rules for a root loader): small raw-bytecode programs, each verified without and
 * with the option. What a root loader may do -- copy a pointer's low half, subtract pointers in
 * 32 bits, store a pointer to map memory, return one, read uninitialised stack -- must pass only
 * when privileged; turning the resulting number back into memory access must fail either way.
 * Every expectation here was checked against the running kernel's verifier as root.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "check/check.h"
#include "elf/object.h"
#include "ir/ir.h"
#include "cfg/cfg.h"
#include "check_verify.h"

#define INSN(op, d, s, o, i) ((draco_raw_insn){.opcode = (op), .regs = (uint8_t)((d) | ((s) << 4)), .offset = (o), .imm = (i)})
#define MOV64_IMM(d, i) INSN(0xb7, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(0xbf, d, s, 0, 0)
#define MOVSX64_8(d, s) INSN(0xbf, d, s, 8, 0)
#define MOV32_REG(d, s) INSN(0xbc, d, s, 0, 0)
#define ADD64_IMM(d, i) INSN(0x07, d, 0, 0, i)
#define AND64_IMM(d, i) INSN(0x57, d, 0, 0, i)
#define ADD32_IMM(d, i) INSN(0x04, d, 0, 0, i)
#define SUB32_REG(d, s) INSN(0x1c, d, s, 0, 0)
#define SUB32_IMM(d, i) INSN(0x14, d, 0, 0, i)
#define NEG64(d) INSN(0x87, d, 0, 0, 0)
#define BE32(d) INSN(0xdc, d, 0, 0, 32)
#define LDX_B(d, s, o) INSN(0x71, d, s, o, 0)
#define LDX_W(d, s, o) INSN(0x61, d, s, o, 0)
#define LDX_DW(d, s, o) INSN(0x79, d, s, o, 0)
#define STX_DW(d, s, o) INSN(0x7b, d, s, o, 0)
#define STX_W(d, s, o) INSN(0x63, d, s, o, 0)
#define ST_W(d, o, i) INSN(0x62, d, 0, o, i)
#define JNE_IMM(d, i, o) INSN(0x55, d, 0, o, i)
#define JGT_REG(d, s, o) INSN(0x2d, d, s, o, 0)
#define CALL(i) INSN(0x85, 0, 0, 0, i)
#define EXIT() INSN(0x95, 0, 0, 0, 0)
#define LD_MAP_FD(d, fd) INSN(0x18, d, 1, 0, fd), INSN(0, 0, 0, 0, 0)

/* r6 := a non-null value of the array map (fd 1, value 8 bytes); r7 := ctx */
#define MAP_VALUE_R6                                                                          \
    MOV64_REG(7, 1), ST_W(10, -4, 0), LD_MAP_FD(1, 1), MOV64_REG(2, 10), ADD64_IMM(2, -4),   \
        CALL(1), JNE_IMM(0, 0, 2), MOV64_IMM(0, 0), EXIT(), MOV64_REG(6, 0)

static struct outcome verify(const char *section, const draco_raw_insn *insns, size_t n, bool privileged)
{
    struct draco_map_desc map = check_verify_array_map();
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    opts.time_limit_seconds = 10;
    opts.privileged = privileged;
    return check_verify_program(section, insns, n, &map, 1, &opts);
}

/* a number used as a memory address fails the base register's type check */
#define DEREF_NUMBER "Invalid type (r2.type in {ctx, stack, packet"

#define RUN(sec, arr, priv) verify(sec, arr, sizeof(arr) / sizeof((arr)[0]), priv)

static void expect_pass(struct outcome o, const char *what)
{
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(o.passed, "%s: expected pass, got: %s", what, o.msg);
}

static void expect_fail(struct outcome o, const char *why, const char *what)
{
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(!o.passed, "%s: expected a failure (%s), got pass", what, why);
    ck_assert_msg(strstr(o.msg, why) != NULL, "%s: expected '%s', got: %s", what, why, o.msg);
}

/* Root only: rejected without the option, accepted with it. */
static void expect_root_only(const char *sec, const draco_raw_insn *p, size_t n, const char *why)
{
    expect_fail(verify(sec, p, n, false), why, "unprivileged");
    expect_pass(verify(sec, p, n, true), "privileged");
}
#define ROOT_ONLY(sec, arr, why) expect_root_only(sec, arr, sizeof(arr) / sizeof((arr)[0]), why)

/* Never: rejected with and without the option. */
static void expect_never(const char *sec, const draco_raw_insn *p, size_t n, const char *why_priv)
{
    struct outcome o = verify(sec, p, n, false);
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(!o.passed, "unprivileged: expected a failure, got pass");
    expect_fail(verify(sec, p, n, true), why_priv, "privileged");
}
#define NEVER(sec, arr, why) expect_never(sec, arr, sizeof(arr) / sizeof((arr)[0]), why)

START_TEST(test_mov32_of_pointer)
{
    /* w2 = w(packet pointer): an unknown 32-bit number for root */
    const draco_raw_insn num[] = {LDX_W(2, 1, 0), MOV32_REG(0, 2), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", num, "Invalid type");
    /* ... never a pointer: dereferencing it fails */
    const draco_raw_insn deref[] = {MOV32_REG(2, 1), LDX_B(0, 2, 0), AND64_IMM(0, 1), EXIT()};
    NEVER("xdp", deref, DEREF_NUMBER);
    /* ... and any 32-bit number: as an offset into a 1-byte-checked packet it is out of bounds */
    const draco_raw_insn off[] = {
        LDX_W(2, 1, 0), LDX_W(3, 1, 4), MOV64_REG(4, 2), ADD64_IMM(4, 1), JGT_REG(4, 3, 5),
        MOV32_REG(5, 2), MOV64_REG(4, 2), INSN(0x0f, 4, 5, 0, 0) /* r4 += r5 */, LDX_B(0, 4, 0), EXIT(),
        MOV64_IMM(0, 0), EXIT(),
    };
    NEVER("xdp", off, "Upper bound must be at most packet_size");
}
END_TEST

START_TEST(test_sub32_of_pointers)
{
    /* the cilium tail_handle_ipv6 pattern: w3 = w(pkt + 14); w3 -= w(pkt) */
    const draco_raw_insn p[] = {
        LDX_W(1, 1, 0), MOV64_REG(2, 1), ADD64_IMM(2, 14), MOV32_REG(3, 2), SUB32_REG(3, 1),
        MOV64_REG(0, 3), AND64_IMM(0, 1), EXIT(),
    };
    ROOT_ONLY("xdp", p, "Invalid type");
    /* different regions, and a pointer minus an immediate: unknown numbers too */
    const draco_raw_insn q[] = {LDX_W(2, 1, 0), SUB32_REG(2, 10), MOV64_REG(0, 2), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", q, "Cannot subtract pointers to different regions");
    const draco_raw_insn r[] = {MOV64_REG(2, 10), SUB32_IMM(2, 8), MOV64_REG(0, 2), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", r, "Invalid type");
    /* the number is not a stack pointer: no access through it */
    const draco_raw_insn s[] = {MOV64_REG(2, 10), SUB32_IMM(2, 8), LDX_B(0, 2, 0), EXIT()};
    NEVER("xdp", s, DEREF_NUMBER);
}
END_TEST

START_TEST(test_add32_of_pointer)
{
    /* only subtraction is allowed to root: w2 += 14 on a pointer gives nothing usable */
    const draco_raw_insn p[] = {LDX_W(2, 1, 0), ADD32_IMM(2, 14), MOV64_REG(0, 2), AND64_IMM(0, 1), EXIT()};
    NEVER("xdp", p, "Invalid type");
}
END_TEST

START_TEST(test_neg_swap_movsx_of_pointer)
{
    const draco_raw_insn neg[] = {LDX_W(2, 1, 0), NEG64(2), MOV64_REG(0, 2), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", neg, "Invalid type");
    const draco_raw_insn swap[] = {LDX_W(2, 1, 0), BE32(2), MOV64_REG(0, 2), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", swap, "Invalid type");
    const draco_raw_insn sx[] = {LDX_W(2, 1, 0), MOVSX64_8(0, 2), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", sx, "Invalid type");
    const draco_raw_insn sx_deref[] = {MOVSX64_8(2, 10), LDX_B(0, 2, 0), EXIT()};
    NEVER("xdp", sx_deref, DEREF_NUMBER);
}
END_TEST

START_TEST(test_pointer_to_map_value)
{
    /* *(u64 *)(map value) = ctx->data: a leak root may make */
    const draco_raw_insn p[] = {MAP_VALUE_R6, LDX_W(2, 7, 0), STX_DW(6, 2, 0), MOV64_IMM(0, 0), EXIT()};
    ROOT_ONLY("xdp", p, "Only numbers can be stored to externally-visible regions");
    /* 4 bytes of a stack pointer too */
    const draco_raw_insn q[] = {MAP_VALUE_R6, STX_W(6, 10, 0), MOV64_IMM(0, 0), EXIT()};
    ROOT_ONLY("xdp", q, "Invalid type");
    /* what is loaded back is a number, never the pointer */
    const draco_raw_insn back[] = {MAP_VALUE_R6, STX_DW(6, 10, 0), LDX_DW(2, 6, 0), LDX_B(0, 2, -1), EXIT()};
    NEVER("xdp", back, DEREF_NUMBER);
}
END_TEST

START_TEST(test_pointer_in_helper_memory)
{
    /* bpf_map_update_elem(map, &key, &value, 0) where value holds the spilled ctx pointer */
    const draco_raw_insn p[] = {
        STX_DW(10, 1, -8), ST_W(10, -12, 0), LD_MAP_FD(1, 1), MOV64_REG(2, 10), ADD64_IMM(2, -12),
        MOV64_REG(3, 10), ADD64_IMM(3, -8), MOV64_IMM(4, 0), CALL(2), MOV64_IMM(0, 0), EXIT(),
    };
    ROOT_ONLY("xdp", p, "Illegal map update with a non-numerical value");
}
END_TEST

START_TEST(test_uninit_stack)
{
    /* 8 and 4 never-written bytes read as unknown numbers */
    const draco_raw_insn r64[] = {LDX_DW(0, 10, -8), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", r64, "Invalid type");
    const draco_raw_insn r32[] = {MOV64_REG(2, 10), ADD64_IMM(2, -16), LDX_W(0, 2, 4), AND64_IMM(0, 1), EXIT()};
    ROOT_ONLY("xdp", r32, "Stack content is not numeric");
    /* a lookup key nothing wrote */
    const draco_raw_insn key[] = {
        LD_MAP_FD(1, 1), MOV64_REG(2, 10), ADD64_IMM(2, -4), CALL(1), MOV64_IMM(0, 0), EXIT(),
    };
    ROOT_ONLY("xdp", key, "non-numerical value");
    /* used as a pointer: never */
    const draco_raw_insn ptr[] = {LDX_DW(2, 10, -8), LDX_B(0, 2, 0), EXIT()};
    NEVER("xdp", ptr, DEREF_NUMBER);
}
END_TEST

START_TEST(test_spilled_pointer_parts)
{
    /* half of an intact spilled pointer: the kernel refuses the fill even for root */
    const draco_raw_insn half[] = {STX_DW(10, 1, -8), LDX_W(0, 10, -4), AND64_IMM(0, 1), EXIT()};
    NEVER("xdp", half, "Invalid type");
    /* the whole spill still fills as the pointer (ctx access through it is fine) */
    const draco_raw_insn whole[] = {STX_DW(10, 1, -8), LDX_DW(2, 10, -8), LDX_W(0, 2, 12), EXIT()};
    expect_pass(RUN("xdp", whole, false), "unprivileged");
    expect_pass(RUN("xdp", whole, true), "privileged");
    /* a partly overwritten spill is no pointer any more: a number for root, never dereferenced */
    const draco_raw_insn clobbered[] = {STX_DW(10, 1, -8), ST_W(10, -8, 0), LDX_DW(2, 10, -8), LDX_W(0, 2, 12), EXIT()};
    NEVER("xdp", clobbered, DEREF_NUMBER);
}
END_TEST

START_TEST(test_return_pointer)
{
    const draco_raw_insn p[] = {LDX_W(0, 1, 0), EXIT()};
    ROOT_ONLY("xdp", p, "Invalid type");
    const draco_raw_insn ctx[] = {MOV64_REG(0, 1), EXIT()};
    ROOT_ONLY("kprobe/f", ctx, "Invalid type");
    /* cgroup programs must return a verdict number, from root too */
    NEVER("cgroup/skb", ctx, "Invalid type");
    NEVER("cgroup/sock", ctx, "Invalid type");
}
END_TEST

START_TEST(test_compare_regions_not_relaxed)
{
    /* comparing a packet pointer with a stack pointer stays refused */
    const draco_raw_insn p[] = {LDX_W(2, 1, 0), JGT_REG(2, 10, 0), MOV64_IMM(0, 0), EXIT()};
    NEVER("xdp", p, "");
}
END_TEST

extern Suite *draco_suite_check_privileged(void);
Suite *draco_suite_check_privileged(void)
{
    Suite *s = suite_create("check_privileged");
    TCase *t = tcase_create("programs");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, test_mov32_of_pointer);
    tcase_add_test(t, test_sub32_of_pointers);
    tcase_add_test(t, test_add32_of_pointer);
    tcase_add_test(t, test_neg_swap_movsx_of_pointer);
    tcase_add_test(t, test_pointer_to_map_value);
    tcase_add_test(t, test_pointer_in_helper_memory);
    tcase_add_test(t, test_uninit_stack);
    tcase_add_test(t, test_spilled_pointer_parts);
    tcase_add_test(t, test_return_pointer);
    tcase_add_test(t, test_compare_regions_not_relaxed);
    suite_add_tcase(s, t);
    return s;
}
