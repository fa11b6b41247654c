/* SPDX-License-Identifier: MIT */
/* Tests for read-only data contents (draco_analysis_opts.rodata_from_object, lib/analysis
 * rodata.c): raw eBPF programs with a frozen .rodata map (fd 1, bytes below) and a writable
 * .data map (fd 2, the same bytes but no contents kept), verified through decode -> CFG ->
 * draco_check_run. A packet bound read from the map decides each verdict, so every case fails
 * if a load is folded where it must not be (writable map, join before the load, option off,
 * wrong byte order or extension) or is not folded where it should be.
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
#define MOV64_REG(d, s) INSN(0xbf, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(0xb7, d, 0, 0, i)
#define ADD64_IMM(d, i) INSN(0x07, d, 0, 0, i)
#define ADD64_REG(d, s) INSN(0x0f, d, s, 0, 0)
#define AND64_IMM(d, i) INSN(0x57, d, 0, 0, i)
#define NEG64(d) INSN(0x87, d, 0, 0, 0)
#define LDX_B(d, s, o) INSN(0x71, d, s, o, 0)
#define LDX_H(d, s, o) INSN(0x69, d, s, o, 0)
#define LDX_W(d, s, o) INSN(0x61, d, s, o, 0)
#define LDX_DW(d, s, o) INSN(0x79, d, s, o, 0)
#define LDSX_B(d, s, o) INSN(0x91, d, s, o, 0)
#define JGT_REG(d, s, o) INSN(0x2d, d, s, o, 0)
#define JEQ_IMM(d, i, o) INSN(0x15, d, 0, o, i)
#define CALL(i) INSN(0x85, 0, 0, 0, i)
#define EXIT() INSN(0x95, 0, 0, 0, 0)
/* dst = address of the value of map `fd`, plus `off` (LDDW src=2) */
#define LD_MAP_VALUE(d, fd, off) INSN(0x18, d, 2, 0, fd), INSN(0, 0, 0, 0, off)

#define RO_FD 1
#define RW_FD 2

/* u32 at 0 = 14 (also u16 and u64 at 0); byte 8 = 0x80 (u8 128, s8 -128); byte 9 = 64 */
static const uint8_t bytes[16] = {14, 0, 0, 0, 0, 0, 0, 0, 0x80, 64, 0, 0, 0, 0, 0, 0};

static struct outcome verify_opts(const draco_raw_insn *insns, size_t n, bool rodata)
{

    struct draco_map_desc maps[2];
    memset(maps, 0, sizeof maps);
    maps[0].info = (draco_map_info){.name = ".rodata", .fd = RO_FD, .type = 2, .key_size = 4,
                                    .value_size = sizeof bytes, .max_entries = 1, .flags = 0x80,
                                    .inner_map_fd = -1, .is_global_data = true};
    maps[0].rodata = bytes;
    maps[1].info = (draco_map_info){.name = ".data", .fd = RW_FD, .type = 2, .key_size = 4,
                                    .value_size = sizeof bytes, .max_entries = 1,
                                    .inner_map_fd = -1, .is_global_data = true};
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    opts.time_limit_seconds = 10;
    opts.rodata_from_object = rodata;
    return check_verify_program("xdp", insns, n, maps, 2, &opts);
}

#define VERIFY(arr, ro) verify_opts(arr, sizeof(arr) / sizeof((arr)[0]), ro)

static void expect_pass(struct outcome o)
{
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(o.passed, "expected pass, got: %s", o.msg);
}

static void expect_fail(struct outcome o)
{
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(!o.passed, "expected a failure, got pass");
    ck_assert_msg(strstr(o.msg, "packet_size") || strstr(o.msg, "MAX_PACKET_SIZE"),
                  "expected a packet bound failure, got: %s", o.msg);
}

/* r2 = data, r3 = data_end; r5 = the bound read from the map (the `load` lines); if
 * (data + r5 > data_end) return 0; return data[idx]. */
#define PKT_PROLOGUE LDX_W(2, 1, 0), LDX_W(3, 1, 4)
#define PKT_CHECK_READ(idx) MOV64_REG(6, 2), ADD64_REG(6, 5), JGT_REG(6, 3, 2), LDX_B(0, 2, idx), EXIT(), \
                            MOV64_IMM(0, 0), EXIT()

START_TEST(test_rodata_u32_bound)
{
    const draco_raw_insn ok[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_W(5, 4, 0), PKT_CHECK_READ(13)};
    const draco_raw_insn past[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_W(5, 4, 0), PKT_CHECK_READ(14)};
    expect_pass(VERIFY(ok, true));
    expect_fail(VERIFY(past, true));   /* the bound is exactly 14 */
    expect_fail(VERIFY(ok, false));    /* option off: an unknown number */
}
END_TEST

START_TEST(test_writable_map_not_folded)
{
    const draco_raw_insn p[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RW_FD, 0), LDX_W(5, 4, 0), PKT_CHECK_READ(13)};
    expect_fail(VERIFY(p, true));
}
END_TEST

START_TEST(test_widths_and_offsets)
{
    /* the LDDW's own offset, the load's offset and a u16/u64 view of the same 14 */
    const draco_raw_insn h[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 2), LDX_H(5, 4, -2), PKT_CHECK_READ(13)};
    const draco_raw_insn d[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_DW(5, 4, 0), PKT_CHECK_READ(13)};
    /* the high half of the u16 at 0 is 0: bound 0 */
    const draco_raw_insn hi[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_B(5, 4, 1), PKT_CHECK_READ(0)};
    expect_pass(VERIFY(h, true));
    expect_pass(VERIFY(d, true));
    expect_fail(VERIFY(hi, true));
}
END_TEST

START_TEST(test_sign_extension)
{
    /* u8 at 8 = 128: read data[127] */
    const draco_raw_insn u[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_B(5, 4, 8), PKT_CHECK_READ(127)};
    const draco_raw_insn u_past[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_B(5, 4, 8), PKT_CHECK_READ(128)};
    /* s8 at 8 = -128, negated: 128 */
    const draco_raw_insn s[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDSX_B(5, 4, 8), NEG64(5), PKT_CHECK_READ(127)};
    const draco_raw_insn s_past[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDSX_B(5, 4, 8), NEG64(5), PKT_CHECK_READ(128)};
    expect_pass(VERIFY(u, true));
    expect_fail(VERIFY(u_past, true));
    expect_pass(VERIFY(s, true));
    expect_fail(VERIFY(s_past, true));
}
END_TEST

START_TEST(test_base_through_copies_and_calls)
{
    /* r8 = r4 + 8 - 8 via copies; r6..r9 survive a helper call (bpf_ktime_get_ns) */
    const draco_raw_insn mv[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), MOV64_REG(8, 4), ADD64_IMM(8, 8),
                                 LDX_W(5, 8, -8), PKT_CHECK_READ(13)};
    const draco_raw_insn call[] = {MOV64_REG(9, 1), LD_MAP_VALUE(7, RO_FD, 0), CALL(5), MOV64_REG(1, 9),
                                   PKT_PROLOGUE, LDX_W(5, 7, 0), PKT_CHECK_READ(13)};
    expect_pass(VERIFY(mv, true));
    expect_pass(VERIFY(call, true));
}
END_TEST

START_TEST(test_join_before_load)
{
    /* r4 is the writable map on one path and the read-only one on the other: the load after the
     * join may read the writable copy, so nothing is known */
    const draco_raw_insn p[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RW_FD, 0), LDX_W(7, 1, 16), JEQ_IMM(7, 0, 2),
                                LD_MAP_VALUE(4, RO_FD, 0), LDX_W(5, 4, 0), PKT_CHECK_READ(13)};
    /* the other order */
    const draco_raw_insn q[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_W(7, 1, 16), JEQ_IMM(7, 0, 2),
                                LD_MAP_VALUE(4, RW_FD, 0), LDX_W(5, 4, 0), PKT_CHECK_READ(13)};
    /* both paths on the read-only map: given up too (the definition is looked for on a path
     * without joins only), a precision limit, never a wrong constant */
    const draco_raw_insn r[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_W(7, 1, 16), JEQ_IMM(7, 0, 2),
                                LD_MAP_VALUE(4, RO_FD, 0), LDX_W(5, 4, 0), PKT_CHECK_READ(13)};
    expect_fail(VERIFY(p, true));
    expect_fail(VERIFY(q, true));
    expect_fail(VERIFY(r, true));
}
END_TEST

START_TEST(test_offset_range_hull)
{
    /* offset 8 + (rx_queue_index & 1): bytes 128 or 64, the bound is at least 64 */
    const draco_raw_insn ok[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 8), LDX_W(7, 1, 16), AND64_IMM(7, 1),
                                 ADD64_REG(4, 7), LDX_B(5, 4, 0), PKT_CHECK_READ(63)};
    const draco_raw_insn past[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 8), LDX_W(7, 1, 16), AND64_IMM(7, 1),
                                   ADD64_REG(4, 7), LDX_B(5, 4, 0), PKT_CHECK_READ(64)};
    /* offsets 0 and 1: 14 or 0 */
    const draco_raw_insn zero[] = {PKT_PROLOGUE, LD_MAP_VALUE(4, RO_FD, 0), LDX_W(7, 1, 16), AND64_IMM(7, 1),
                                   ADD64_REG(4, 7), LDX_B(5, 4, 0), PKT_CHECK_READ(0)};
    expect_pass(VERIFY(ok, true));
    expect_fail(VERIFY(past, true));
    expect_fail(VERIFY(zero, true));
}
END_TEST

extern Suite *draco_suite_check_rodata(void);
Suite *draco_suite_check_rodata(void)
{
    Suite *s = suite_create("check_rodata");
    TCase *t = tcase_create("rodata");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, test_rodata_u32_bound);
    tcase_add_test(t, test_writable_map_not_folded);
    tcase_add_test(t, test_widths_and_offsets);
    tcase_add_test(t, test_sign_extension);
    tcase_add_test(t, test_base_through_copies_and_calls);
    tcase_add_test(t, test_join_before_load);
    tcase_add_test(t, test_offset_range_hull);
    suite_add_tcase(s, t);
    return s;
}
