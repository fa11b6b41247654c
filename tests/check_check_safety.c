/* SPDX-License-Identifier: MIT */
/* Tests for lib/check (and the analysis under it): small programs written as raw eBPF bytecode,
 * each verified through decode -> CFG -> draco_check_run, with the expected verdict and, for
 * rejected ones, the expected reason. Every unsafe case has a safe twin that differs in one
 * instruction, so each test fails if the checker is either too weak or too strict.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "check/check.h"
#include "elf/object.h"
#include "ir/ir.h"
#include "cfg/cfg.h"
#include "check_verify.h"

/* ---- bytecode builders (opcodes of RFC 9669) ---- */
#define INSN(op, d, s, o, i) ((draco_raw_insn){.opcode = (op), .regs = (uint8_t)((d) | ((s) << 4)), .offset = (o), .imm = (i)})
#define MOV64_IMM(d, i) INSN(0xb7, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(0xbf, d, s, 0, 0)
#define ADD64_IMM(d, i) INSN(0x07, d, 0, 0, i)
#define ADD64_REG(d, s) INSN(0x0f, d, s, 0, 0)
#define DIV64_REG(d, s) INSN(0x3f, d, s, 0, 0)
#define LDX_W(d, s, o) INSN(0x61, d, s, o, 0)
#define LDX_DW(d, s, o) INSN(0x79, d, s, o, 0)
#define STX_DW(d, s, o) INSN(0x7b, d, s, o, 0)
#define STX_W(d, s, o) INSN(0x63, d, s, o, 0)
#define ST_W(d, o, i) INSN(0x62, d, 0, o, i)
#define JGT_REG(d, s, o) INSN(0x2d, d, s, o, 0)
#define JEQ_IMM(d, i, o) INSN(0x15, d, 0, o, i)
#define JLT_IMM(d, i, o) INSN(0xa5, d, 0, o, i)
#define JA(o) INSN(0x05, 0, 0, o, 0)
#define JLT32_IMM(d, i, o) INSN(0xa6, d, 0, o, i)
#define JSGT_IMM(d, i, o) INSN(0x65, d, 0, o, i)
#define JGT_IMM(d, i, o) INSN(0x25, d, 0, o, i)
#define ADD32_IMM(d, i) INSN(0x04, d, 0, 0, i)
#define LDX_B(d, s, o) INSN(0x71, d, s, o, 0)
#define ATOMIC_ADD_DW(d, s, o) INSN(0xdb, d, s, o, 0x00)
#define ATOMIC_FETCH_ADD_DW(d, s, o) INSN(0xdb, d, s, o, 0x01)
#define LD_ABS_H(i) INSN(0x28, 0, 0, 0, i)
#define CALLX(r) INSN(0x8d, r, 0, 0, 0)
#define KFUNC(id) INSN(0x85, 0, 2, 0, id)
#define CALL(i) INSN(0x85, 0, 0, 0, i)
#define CALL_LOCAL(o) INSN(0x85, 0, 1, 0, o)
#define EXIT() INSN(0x95, 0, 0, 0, 0)
#define LD_MAP_FD(d, fd) INSN(0x18, d, 1, 0, fd), INSN(0, 0, 0, 0, 0)

/* Verifies `n` instructions as a program of `section` with one array map (fd 1, key 4, value 8). */
static struct outcome verify_opts(const char *section, const draco_raw_insn *insns, size_t n,
                                  const struct draco_analysis_opts *opts)
{
    struct draco_map_desc map = check_verify_array_map();
    return check_verify_program(section, insns, n, &map, 1, opts);
}

static struct outcome verify(const char *section, const draco_raw_insn *insns, size_t n)
{
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    opts.time_limit_seconds = 10;
    return verify_opts(section, insns, n, &opts);
}

#define VERIFY(sec, arr) verify(sec, arr, sizeof(arr) / sizeof((arr)[0]))

static void expect_pass(struct outcome o)
{
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(o.passed, "expected pass, got: %s", o.msg);
}

static void expect_fail(struct outcome o, const char *why)
{
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(!o.passed, "expected a failure (%s), got pass", why);
    ck_assert_msg(strstr(o.msg, why) != NULL, "expected '%s', got: %s", why, o.msg);
}

START_TEST(test_return_zero)
{
    const draco_raw_insn p[] = {MOV64_IMM(0, 0), EXIT()};
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_uninit_r0)
{
    const draco_raw_insn p[] = {MOV64_IMM(1, 0), EXIT()};
    expect_fail(VERIFY("xdp", p), "Invalid type");
}
END_TEST

/* xdp: data = ctx->data, end = ctx->data_end; if (data + 4 > end) return; read 4 bytes */
START_TEST(test_packet_in_bounds)
{
    const draco_raw_insn p[] = {
        LDX_W(2, 1, 0), LDX_W(3, 1, 4), MOV64_REG(4, 2), ADD64_IMM(4, 4), JGT_REG(4, 3, 2),
        LDX_W(0, 2, 0), EXIT(),
        MOV64_IMM(0, 1), EXIT(),
    };
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_packet_out_of_bounds)
{
    const draco_raw_insn p[] = {
        LDX_W(2, 1, 0), LDX_W(3, 1, 4), MOV64_REG(4, 2), ADD64_IMM(4, 4), JGT_REG(4, 3, 2),
        LDX_W(0, 2, 1), EXIT(),   /* reads bytes 1..4: one too far */
        MOV64_IMM(0, 1), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "Upper bound must be at most packet_size");
}
END_TEST

/* key = 0 on the stack; r0 = lookup(map, &key); optional null check; read the value */
START_TEST(test_map_value_null_checked)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 2), LDX_DW(0, 0, 0), EXIT(),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_map_value_null_deref)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        LDX_DW(0, 0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "Possible null access");
}
END_TEST

START_TEST(test_map_value_overrun)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 2), LDX_DW(0, 0, 4), EXIT(),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "shared_region_size");
}
END_TEST

START_TEST(test_uninit_stack_key)
{
    const draco_raw_insn p[] = {
        MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),   /* key never written */
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "non-numerical");
}
END_TEST

START_TEST(test_uninit_stack_read)
{
    const draco_raw_insn p[] = {LDX_DW(0, 10, -8), EXIT()};
    expect_fail(VERIFY("xdp", p), "Invalid type");
}
END_TEST

START_TEST(test_stack_spill_fill)
{
    /* spill r1 (ctx), fill it back, read a ctx field through it */
    const draco_raw_insn p[] = {STX_DW(10, 1, -8), LDX_DW(2, 10, -8), LDX_W(0, 2, 12), EXIT()};
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_pointer_leak_to_map)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 1), STX_DW(0, 10, 0),   /* stores the stack pointer into the map value */
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "Only numbers can be stored");
}
END_TEST

START_TEST(test_number_store_to_map)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 2), MOV64_IMM(3, 7), STX_DW(0, 3, 0),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_pointer_plus_pointer)
{
    const draco_raw_insn p[] = {MOV64_REG(2, 10), ADD64_REG(2, 1), MOV64_IMM(0, 0), EXIT()};
    expect_fail(VERIFY("xdp", p), "Only numbers can be added to pointers");
}
END_TEST

START_TEST(test_division_by_unknown)
{
    /* r0 = 10 / ctx->field: fine with ISA semantics (x/0 = 0), rejected without */
    const draco_raw_insn p[] = {LDX_W(2, 1, 0), MOV64_IMM(0, 10), DIV64_REG(0, 2), EXIT()};
    expect_pass(verify("socket", p, 4));
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    opts.allow_division_by_zero = false;
    expect_fail(verify_opts("socket", p, 4, &opts), "Possible division by zero");
}
END_TEST

START_TEST(test_division_by_pointer)
{
    const draco_raw_insn p[] = {MOV64_IMM(0, 10), DIV64_REG(0, 1), EXIT()};
    expect_fail(VERIFY("socket", p), "Invalid type");
}
END_TEST

START_TEST(test_bounded_loop)
{
    /* r1 = 0; do r1 += 1 while (r1 < 10) */
    const draco_raw_insn p[] = {MOV64_IMM(1, 0), ADD64_IMM(1, 1), JLT_IMM(1, 10, -2), MOV64_IMM(0, 0), EXIT()};
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_infinite_loop)
{
    const draco_raw_insn p[] = {MOV64_IMM(0, 0), JA(-1), EXIT()};
    expect_fail(VERIFY("xdp", p), "Loop counter is too large");
}
END_TEST

START_TEST(test_infinite_loop_without_termination)
{
    const draco_raw_insn p[] = {MOV64_IMM(0, 0), JA(-1), EXIT()};
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    opts.check_termination = false;
    struct outcome o = verify_opts("xdp", p, 3, &opts);
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(o.passed, "%s", o.msg);
}
END_TEST

START_TEST(test_bpf2bpf_call)
{
    /* main: r6 = 5; call f; r0 += r6; exit.  f: r0 = r1 (set to 2); exit */
    const draco_raw_insn p[] = {
        MOV64_IMM(6, 5), MOV64_IMM(1, 2), CALL_LOCAL(2), ADD64_REG(0, 6), EXIT(),
        MOV64_REG(0, 1), EXIT(),
    };
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_bpf2bpf_dangling_stack)
{
    /* f returns a pointer into its own frame; main reads through it after the return */
    const draco_raw_insn p[] = {
        CALL_LOCAL(2), LDX_DW(0, 0, 0), EXIT(),
        ST_W(10, -8, 1), ST_W(10, -4, 1), MOV64_REG(0, 10), ADD64_IMM(0, -8), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "Lower bound must be at least r10.stack_offset - subprogram_stack_size");
}
END_TEST

START_TEST(test_unknown_helper)
{
    const draco_raw_insn p[] = {CALL(100000), MOV64_IMM(0, 0), EXIT()};
    struct outcome o = VERIFY("xdp", p);
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(!o.passed, "an unknown helper must not pass");
}
END_TEST

START_TEST(test_ctx_field_straddle)
{
    const draco_raw_insn p[] = {LDX_DW(0, 1, 8), MOV64_IMM(0, 0), EXIT()};
    expect_fail(VERIFY("socket", p), "Invalid context field access");
}
END_TEST

START_TEST(test_write_ctx_read_only_field)
{
    /* skb->len is read-only, skb->mark writable */
    const draco_raw_insn bad[] = {ST_W(1, 0, 64), MOV64_IMM(0, 0), EXIT()};
    expect_fail(VERIFY("classifier", bad), "Cannot write to a read-only context field");
    const draco_raw_insn ok[] = {ST_W(1, 8, 1), MOV64_IMM(0, 0), EXIT()};
    expect_pass(VERIFY("classifier", ok));
}
END_TEST

START_TEST(test_write_ctx_packet_field)
{
    const draco_raw_insn p[] = {ST_W(1, 0, 0), MOV64_IMM(0, 0), EXIT()};
    expect_fail(VERIFY("xdp", p), "Cannot write to context pointer field");
}
END_TEST

/* map value (8 bytes) read at an offset that a 32-bit compare bounds only in its low half */
START_TEST(test_jmp32_does_not_bound_64)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 7),
        LDX_DW(1, 0, 0),            /* r1 = any 64-bit number */
        JLT32_IMM(1, 4, 1),         /* if w1 < 4: r1 itself may still be huge */
        JA(4),
        MOV64_REG(2, 0), ADD64_REG(2, 1), LDX_B(0, 2, 0), EXIT(),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "valid_access(r2.offset, width=1) for read");
}
END_TEST

START_TEST(test_jmp64_bounds_offset)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 7),
        LDX_DW(1, 0, 0),
        JLT_IMM(1, 8, 1),           /* if r1 < 8 (64-bit unsigned) */
        JA(4),
        MOV64_REG(2, 0), ADD64_REG(2, 1), LDX_B(0, 2, 0), EXIT(),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_pass(VERIFY("xdp", p));
}
END_TEST

START_TEST(test_signed_compare_not_unsigned)
{
    /* r1 s<= 5 leaves r1 negative: reading at r0 + r1 may go below the value */
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 5),
        LDX_DW(1, 0, 0),
        JSGT_IMM(1, 5, 3),          /* if r1 s> 5 goto out */
        MOV64_REG(2, 0), ADD64_REG(2, 1), LDX_B(0, 2, 0),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "Lower bound must be at least 0");
}
END_TEST

START_TEST(test_packet_pointer_after_realloc)
{
    /* tc: data, data_end checked, then bpf_skb_pull_data (reallocates), then the old pointer */
    const draco_raw_insn p[] = {
        MOV64_REG(6, 1), LDX_W(7, 6, 76), LDX_W(3, 6, 80), MOV64_REG(4, 7), ADD64_IMM(4, 4),
        JGT_REG(4, 3, 5),
        MOV64_REG(1, 6), MOV64_IMM(2, 0), CALL(39),
        LDX_W(0, 7, 0), EXIT(),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("classifier", p), "Invalid type");
}
END_TEST

START_TEST(test_pointer_alu32_unusable)
{
    const draco_raw_insn p[] = {MOV64_REG(2, 10), ADD32_IMM(2, -8), ST_W(2, 0, 1), MOV64_IMM(0, 0), EXIT()};
    expect_fail(VERIFY("xdp", p), "Invalid type");
}
END_TEST

START_TEST(test_store_uninit_to_map_value)
{
    const draco_raw_insn p[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 1), STX_W(0, 5, 0),   /* r5 is clobbered by the call */
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", p), "Invalid type");
}
END_TEST

START_TEST(test_strict_array_key)
{
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    opts.strict = true;
    const draco_raw_insn bad[] = {
        ST_W(10, -4, 5), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(verify_opts("xdp", bad, sizeof bad / sizeof bad[0], &opts), "Array index overflow");
    expect_pass(verify("xdp", bad, sizeof bad / sizeof bad[0]));   /* not strict: fine */
    const draco_raw_insn good[] = {
        ST_W(10, -4, 3), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_pass(verify_opts("xdp", good, sizeof good / sizeof good[0], &opts));
}
END_TEST

START_TEST(test_tail_call_result_is_number)
{
    /* r2 = prog array? fd 1 is an ARRAY map: bpf_tail_call needs a program array -> rejected */
    const draco_raw_insn p[] = {LD_MAP_FD(2, 1), MOV64_IMM(3, 0), CALL(12), EXIT()};
    expect_fail(VERIFY("xdp", p), "Invalid type");
}
END_TEST

/* "if (data + 4 <= end) ok = 1; ... if (ok) read": safe, but only a path-sensitive analysis sees it */
START_TEST(test_partitioning_correlated_flag)
{
    const draco_raw_insn p[] = {
        MOV64_IMM(5, 0), LDX_W(2, 1, 0), LDX_W(3, 1, 4), MOV64_REG(1, 2), ADD64_IMM(2, 4),
        JGT_REG(2, 3, 1), MOV64_IMM(5, 1),
        JEQ_IMM(5, 0, 1), LDX_W(0, 1, 0),
        MOV64_IMM(0, 0), EXIT(),
    };
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    opts.partition = DRACO_PARTITION_OFF;   /* the joined analysis alone loses the fact */
    expect_fail(verify_opts("xdp", p, sizeof p / sizeof p[0], &opts), "Upper bound must be at most packet_size");
    expect_pass(VERIFY("xdp", p));           /* default AUTO: the partitioned re-run proves it */
    opts.partition = DRACO_PARTITION_FULL;
    expect_pass(verify_opts("xdp", p, sizeof p / sizeof p[0], &opts));
    opts.partition = DRACO_PARTITION_OFF;
    opts.max_disjuncts = 8;
    expect_pass(verify_opts("xdp", p, sizeof p / sizeof p[0], &opts));
    opts.partition = DRACO_PARTITION_AUTO;
    /* and the unsafe variant (the flag is set on the wrong branch) stays rejected */
    const draco_raw_insn q[] = {
        MOV64_IMM(5, 0), LDX_W(2, 1, 0), LDX_W(3, 1, 4), MOV64_REG(1, 2), ADD64_IMM(2, 4),
        JGT_REG(2, 3, 1), JA(1), MOV64_IMM(5, 1),
        JEQ_IMM(5, 0, 1), LDX_W(0, 1, 0),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(verify_opts("xdp", q, sizeof q / sizeof q[0], &opts), "Upper bound must be at most packet_size");
    expect_fail(VERIFY("xdp", q), "Upper bound must be at most packet_size");
}
END_TEST

/* bpf_skb_store_bytes: the kernel offers it to tc, lwt_xmit and sk_skb, never to a socket filter;
 * an unnamed section (PREVAIL's socket_filter fallback) keeps PREVAIL's availability by context */
START_TEST(test_skb_store_bytes_by_type)
{
    const draco_raw_insn p[] = {
        ST_W(10, -8, 0), MOV64_IMM(2, 0), MOV64_REG(3, 10), ADD64_IMM(3, -8), MOV64_IMM(4, 4),
        MOV64_IMM(5, 0), CALL(9), MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("socket", p), "helper is not available for this program type");
    expect_fail(VERIFY("cgroup/skb", p), "helper is not available for this program type");
    expect_pass(VERIFY("classifier", p));
    expect_pass(VERIFY("sk_skb/stream_parser", p));
    expect_pass(VERIFY("2/7", p));
}
END_TEST

START_TEST(test_stride_loop_terminates)
{
    /* r1 = 0; do r1 += 8 while (r1 != 128): needs the alignment of r1 (and a longer join delay,
     * which the checker's retry uses) to see that 128 is hit exactly */
    const draco_raw_insn p[] = {MOV64_IMM(1, 0), ADD64_IMM(1, 8), INSN(0x55, 1, 0, -2, 128), MOV64_IMM(0, 0), EXIT()};
    expect_pass(VERIFY("xdp", p));
    /* stepping by 3 never hits 128 exactly: unbounded */
    const draco_raw_insn q[] = {MOV64_IMM(1, 0), ADD64_IMM(1, 3), INSN(0x55, 1, 0, -2, 128), MOV64_IMM(0, 0), EXIT()};
    expect_fail(VERIFY("xdp", q), "Loop counter is too large");
}
END_TEST

START_TEST(test_atomics)
{
    /* lock *(u64 *)(r10 - 8) += r1 on an initialised slot; fetch-add into a map value */
    const draco_raw_insn ok[] = {
        ST_W(10, -8, 0), ST_W(10, -4, 0), MOV64_IMM(1, 1), ATOMIC_ADD_DW(10, 1, -8), LDX_DW(0, 10, -8),
        ST_W(10, -12, 0), MOV64_REG(2, 10), ADD64_IMM(2, -12), LD_MAP_FD(1, 1), CALL(1),
        JEQ_IMM(0, 0, 2), MOV64_IMM(1, 1), ATOMIC_FETCH_ADD_DW(0, 1, 0),
        MOV64_IMM(0, 0), EXIT(),
    };
    expect_pass(VERIFY("xdp", ok));
    /* an atomic on a possibly-null map value */
    const draco_raw_insn bad[] = {
        ST_W(10, -4, 0), MOV64_REG(2, 10), ADD64_IMM(2, -4), LD_MAP_FD(1, 1), CALL(1),
        MOV64_IMM(1, 1), ATOMIC_ADD_DW(0, 1, 0), MOV64_IMM(0, 0), EXIT(),
    };
    expect_fail(VERIFY("xdp", bad), "Possible null access");
}
END_TEST

START_TEST(test_legacy_packet_load)
{
    /* socket filter: r6 = ctx; r0 = ntohs(skb[12]) */
    const draco_raw_insn ok[] = {MOV64_REG(6, 1), LD_ABS_H(12), EXIT()};
    expect_pass(VERIFY("socket", ok));
    /* r6 is not the context */
    const draco_raw_insn bad[] = {MOV64_IMM(6, 0), LD_ABS_H(12), EXIT()};
    expect_fail(VERIFY("socket", bad), "Invalid type");
}
END_TEST

START_TEST(test_callx)
{
    /* callx with a known helper id (bpf_ktime_get_ns = 5), then with an unknown one */
    const draco_raw_insn ok[] = {MOV64_IMM(2, 5), CALLX(2), MOV64_IMM(0, 0), EXIT()};
    expect_pass(VERIFY("xdp", ok));
    const draco_raw_insn bad[] = {LDX_W(2, 1, 12), CALLX(2), MOV64_IMM(0, 0), EXIT()};
    expect_fail(VERIFY("xdp", bad), "callx helper function id is not a valid singleton");
}
END_TEST

START_TEST(test_unknown_kfunc)
{
    const draco_raw_insn p[] = {KFUNC(12345), MOV64_IMM(0, 0), EXIT()};
    struct outcome o = VERIFY("xdp", p);
    ck_assert_int_eq(o.st, DRACO_OK);
    ck_assert_msg(!o.passed, "an unknown kfunc must not pass");
}
END_TEST

extern Suite *draco_suite_check_safety(void);
Suite *draco_suite_check_safety(void)
{
    Suite *s = suite_create("check_safety");
    TCase *t = tcase_create("programs");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, test_return_zero);
    tcase_add_test(t, test_uninit_r0);
    tcase_add_test(t, test_packet_in_bounds);
    tcase_add_test(t, test_packet_out_of_bounds);
    tcase_add_test(t, test_map_value_null_checked);
    tcase_add_test(t, test_map_value_null_deref);
    tcase_add_test(t, test_map_value_overrun);
    tcase_add_test(t, test_uninit_stack_key);
    tcase_add_test(t, test_uninit_stack_read);
    tcase_add_test(t, test_stack_spill_fill);
    tcase_add_test(t, test_pointer_leak_to_map);
    tcase_add_test(t, test_number_store_to_map);
    tcase_add_test(t, test_pointer_plus_pointer);
    tcase_add_test(t, test_division_by_unknown);
    tcase_add_test(t, test_division_by_pointer);
    tcase_add_test(t, test_bounded_loop);
    tcase_add_test(t, test_infinite_loop);
    tcase_add_test(t, test_infinite_loop_without_termination);
    tcase_add_test(t, test_bpf2bpf_call);
    tcase_add_test(t, test_bpf2bpf_dangling_stack);
    tcase_add_test(t, test_unknown_helper);
    tcase_add_test(t, test_ctx_field_straddle);
    tcase_add_test(t, test_write_ctx_packet_field);
    tcase_add_test(t, test_write_ctx_read_only_field);
    tcase_add_test(t, test_jmp32_does_not_bound_64);
    tcase_add_test(t, test_jmp64_bounds_offset);
    tcase_add_test(t, test_signed_compare_not_unsigned);
    tcase_add_test(t, test_packet_pointer_after_realloc);
    tcase_add_test(t, test_pointer_alu32_unusable);
    tcase_add_test(t, test_store_uninit_to_map_value);
    tcase_add_test(t, test_strict_array_key);
    tcase_add_test(t, test_tail_call_result_is_number);
    tcase_add_test(t, test_partitioning_correlated_flag);
    tcase_add_test(t, test_skb_store_bytes_by_type);
    tcase_add_test(t, test_stride_loop_terminates);
    tcase_add_test(t, test_atomics);
    tcase_add_test(t, test_legacy_packet_load);
    tcase_add_test(t, test_callx);
    tcase_add_test(t, test_unknown_kfunc);
    suite_add_tcase(s, t);
    return s;
}
