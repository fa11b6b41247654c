/* SPDX-License-Identifier: MIT */
/* Tests for lib/analysis: the abstract state (join with one-sided type-kind re-imposition,
 * widening, order), the stack model (spill/fill, partial loads of constants, kills) and the ALU
 * transfer functions at both widths (wrap-around, zero/sign extension, byte swaps, pointer
 * arithmetic). States are driven directly through the internal API on a context built for a
 * two-instruction program.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/astate.h"
#include "elf/object.h"

struct fixture {
    struct draco_arena arena;
    struct draco_ir_prog ir;
    struct draco_cfg cfg;
    struct draco_wto wto;
    struct draco_actx ax;
    struct draco_program prog;
    struct draco_object obj;
};

static void fx_init(struct fixture *f)
{
    static const draco_raw_insn code[] = {
        {.opcode = 0xb7, .regs = 0, .offset = 0, .imm = 0},   /* r0 = 0 */
        {.opcode = 0x95, .regs = 0, .offset = 0, .imm = 0},   /* exit */
    };
    memset(f, 0, sizeof *f);
    draco_arena_init(&f->arena);
    draco_error err = {0};
    ck_assert_int_eq(draco_ir_decode(code, 2, NULL, &f->arena, &err, &f->ir), DRACO_OK);
    ck_assert_int_eq(draco_cfg_build(&f->ir, NULL, &f->arena, &err, &f->cfg), DRACO_OK);
    ck_assert_int_eq(draco_wto_build(&f->cfg, &f->arena, &err, &f->wto), DRACO_OK);
    f->obj.name = "test";
    f->prog.obj = &f->obj;
    f->prog.section = "xdp";
    f->prog.function = "f";
    struct draco_analysis_opts opts;
    draco_analysis_opts_init(&opts);
    ck_assert_int_eq(draco_actx_init(&f->ax, &f->prog, &f->ir, &f->cfg, &f->wto, &opts, &err), DRACO_OK);
}

static void fx_fini(struct fixture *f)
{
    draco_actx_fini(&f->ax);
    draco_arena_fini(&f->arena);
}

/* interval of r.kind as [lo, hi] (int64); false if unbounded */
static bool reg_range(struct fixture *f, const struct draco_astate *s, unsigned r, enum draco_vk k,
                      int64_t *lo, int64_t *hi)
{
    draco_itv v;
    draco_itv_init(&v);
    draco_as_itv(&f->ax, s, draco_reg_var(&f->ax, r, k), &v);
    bool ok = draco_num_get_i64(&v.lb, lo) && draco_num_get_i64(&v.ub, hi);
    draco_itv_fini(&v);
    return ok;
}

static uint64_t reg_u(struct fixture *f, const struct draco_astate *s, unsigned r)
{
    draco_itv v;
    draco_itv_init(&v);
    draco_as_itv(&f->ax, s, draco_reg_var(&f->ax, r, DRACO_VK_UVAL), &v);
    uint64_t x = 0;
    ck_assert_msg(draco_itv_singleton_u64(&v, &x), "r%u.uvalue is not a singleton", r);
    draco_itv_fini(&v);
    return x;
}

static struct draco_ir_insn alu(enum draco_bin_op op, unsigned dst, int64_t imm, bool is64)
{
    struct draco_ir_insn in;
    memset(&in, 0, sizeof in);
    in.kind = DRACO_IR_BIN;
    in.op = (uint8_t)op;
    in.dst = (uint8_t)dst;
    in.imm = imm;
    in.is64 = is64;
    in.target = -1;
    return in;
}

START_TEST(test_join_numbers)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *a = draco_as_new_entry(&f.ax), *b = draco_as_new_entry(&f.ax);
    draco_slot_set_num_range(&f.ax, a, &f.ax.regs[2], 1, 1);
    draco_slot_set_num_range(&f.ax, b, &f.ax.regs[2], 3, 3);
    draco_as_join_into(&f.ax, a, b);
    int64_t lo, hi;
    ck_assert(reg_range(&f, a, 2, DRACO_VK_SVAL, &lo, &hi));
    ck_assert_int_eq(lo, 1);
    ck_assert_int_eq(hi, 3);
    ck_assert(draco_as_leq(&f.ax, b, a));
    ck_assert(!draco_as_leq(&f.ax, a, b));
    draco_as_free(&f.ax, a);
    draco_as_free(&f.ax, b);
    ck_assert_int_eq(f.ax.status, DRACO_OK);
    fx_fini(&f);
}
END_TEST

START_TEST(test_join_reimposes_one_sided_kinds)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *a = draco_as_new_entry(&f.ax), *b = draco_as_new_entry(&f.ax);
    /* a: r3 = packet + 4; b: r3 = 0 */
    draco_slot_set_type(&f.ax, a, &f.ax.regs[3], DRACO_TYPE_PACKET);
    draco_as_set_cst(&f.ax, a, draco_reg_var(&f.ax, 3, DRACO_VK_PKT_OFF), 4);
    draco_slot_set_num_range(&f.ax, b, &f.ax.regs[3], 0, 0);
    draco_as_join_into(&f.ax, a, b);
    ck_assert_uint_eq(draco_as_reg_types(&f.ax, a, 3),
                      DRACO_TS(DRACO_TYPE_PACKET) | DRACO_TS(DRACO_TYPE_NUMBER));
    int64_t lo, hi;
    ck_assert(reg_range(&f, a, 3, DRACO_VK_PKT_OFF, &lo, &hi));
    ck_assert_int_eq(lo, 4);
    ck_assert_int_eq(hi, 4);
    draco_as_free(&f.ax, a);
    draco_as_free(&f.ax, b);
    fx_fini(&f);
}
END_TEST

START_TEST(test_widen_moves_bound)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *a = draco_as_new_entry(&f.ax), *b = draco_as_new_entry(&f.ax);
    draco_slot_set_num_range(&f.ax, a, &f.ax.regs[2], 0, 1);
    draco_slot_set_num_range(&f.ax, b, &f.ax.regs[2], 0, 2);
    draco_as_widen_into(&f.ax, a, b);
    int64_t lo, hi;
    bool bounded = reg_range(&f, a, 2, DRACO_VK_SVAL, &lo, &hi);
    ck_assert(!bounded || hi > 2);   /* climbed to a threshold or to +oo */
    ck_assert(draco_as_leq(&f.ax, b, a));
    draco_as_free(&f.ax, a);
    draco_as_free(&f.ax, b);
    fx_fini(&f);
}
END_TEST

START_TEST(test_stack_spill_fill_pointer)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *s = draco_as_new_entry(&f.ax);
    draco_stack_store(&f.ax, s, 4088, 8, &f.ax.regs[1], 0);     /* spill ctx */
    draco_stack_load(&f.ax, s, 4088, 8, false, &f.ax.regs[5]);   /* exact fill */
    ck_assert_uint_eq(draco_as_reg_types(&f.ax, s, 5), DRACO_TS(DRACO_TYPE_CTX));
    draco_stack_load(&f.ax, s, 4088, 4, false, &f.ax.regs[6]);   /* half of a pointer */
    ck_assert(draco_as_reg_types(&f.ax, s, 6) & DRACO_TS(DRACO_TYPE_UNINIT));
    ck_assert(!draco_stack_all_numeric(&f.ax, s, 4088, 4096));
    /* overwriting 4 bytes kills the spilled pointer */
    draco_stack_store(&f.ax, s, 4092, 4, NULL, 7);
    draco_stack_load(&f.ax, s, 4088, 8, false, &f.ax.regs[5]);
    ck_assert(draco_as_reg_types(&f.ax, s, 5) & DRACO_TS(DRACO_TYPE_UNINIT));
    draco_as_free(&f.ax, s);
    ck_assert_int_eq(f.ax.status, DRACO_OK);
    fx_fini(&f);
}
END_TEST

START_TEST(test_stack_partial_constant_load)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *s = draco_as_new_entry(&f.ax);
    struct draco_ir_insn mov = alu(DRACO_BIN_MOV, 2, 0x1122334455667788ll, true);
    draco_transfer_bin(&f.ax, &mov, s);
    draco_stack_store(&f.ax, s, 4080, 8, &f.ax.regs[2], 0);
    draco_stack_load(&f.ax, s, 4082, 2, false, &f.ax.regs[3]);
    ck_assert_uint_eq(reg_u(&f, s, 3), 0x5566);
    draco_stack_load(&f.ax, s, 4087, 1, true, &f.ax.regs[4]);   /* 0x11, sign-extended */
    ck_assert_uint_eq(reg_u(&f, s, 4), 0x11);
    ck_assert(draco_stack_all_numeric(&f.ax, s, 4080, 4088));
    draco_as_free(&f.ax, s);
    fx_fini(&f);
}
END_TEST

START_TEST(test_alu32_wraps_and_zero_extends)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *s = draco_as_new_entry(&f.ax);
    struct draco_ir_insn i1 = alu(DRACO_BIN_MOV, 1, -1, true);   /* r1 = -1 (all ones) */
    struct draco_ir_insn i2 = alu(DRACO_BIN_ADD, 1, 1, false);   /* w1 += 1 -> 0 */
    draco_transfer_bin(&f.ax, &i1, s);
    draco_transfer_bin(&f.ax, &i2, s);
    ck_assert_uint_eq(reg_u(&f, s, 1), 0);
    struct draco_ir_insn i3 = alu(DRACO_BIN_MOV, 1, -2, false);  /* w1 = -2 -> 0xfffffffe */
    draco_transfer_bin(&f.ax, &i3, s);
    ck_assert_uint_eq(reg_u(&f, s, 1), 0xfffffffeull);
    struct draco_ir_insn i4 = alu(DRACO_BIN_ADD, 1, 2, true);    /* r1 += 2 (64-bit) */
    draco_transfer_bin(&f.ax, &i4, s);
    ck_assert_uint_eq(reg_u(&f, s, 1), 0x100000000ull);
    draco_as_free(&f.ax, s);
    fx_fini(&f);
}
END_TEST

START_TEST(test_movsx_and_bswap)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *s = draco_as_new_entry(&f.ax);
    struct draco_ir_insn i1 = alu(DRACO_BIN_MOV, 1, 0x80, true);
    draco_transfer_bin(&f.ax, &i1, s);
    struct draco_ir_insn i2 = alu(DRACO_BIN_MOVSX8, 2, 0, true);
    i2.src = 1;
    i2.src_is_reg = true;
    draco_transfer_bin(&f.ax, &i2, s);
    ck_assert_uint_eq(reg_u(&f, s, 2), (uint64_t)-128);
    struct draco_ir_insn i3 = alu(DRACO_BIN_MOV, 3, 0x1234, true);
    draco_transfer_bin(&f.ax, &i3, s);
    struct draco_ir_insn un;
    memset(&un, 0, sizeof un);
    un.kind = DRACO_IR_UN;
    un.op = DRACO_UN_BE16;
    un.dst = 3;
    un.imm = 16;
    draco_transfer_un(&f.ax, &un, s);
    ck_assert_uint_eq(reg_u(&f, s, 3), 0x3412);
    draco_as_free(&f.ax, s);
    fx_fini(&f);
}
END_TEST

START_TEST(test_pointer_arithmetic_keeps_region)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *s = draco_as_new_entry(&f.ax);
    struct draco_ir_insn mv = alu(DRACO_BIN_MOV, 2, 0, true);
    mv.src = 10;
    mv.src_is_reg = true;
    draco_transfer_bin(&f.ax, &mv, s);                        /* r2 = r10 */
    struct draco_ir_insn add = alu(DRACO_BIN_ADD, 2, -16, true);
    draco_transfer_bin(&f.ax, &add, s);                       /* r2 -= 16 */
    ck_assert_uint_eq(draco_as_reg_types(&f.ax, s, 2), DRACO_TS(DRACO_TYPE_STACK));
    int64_t lo, hi;
    ck_assert(reg_range(&f, s, 2, DRACO_VK_STACK_OFF, &lo, &hi));
    ck_assert_int_eq(lo, 4080);
    ck_assert_int_eq(hi, 4080);
    struct draco_ir_insn mul = alu(DRACO_BIN_MUL, 2, 2, true); /* pointer * 2: unusable */
    draco_transfer_bin(&f.ax, &mul, s);
    ck_assert(draco_as_reg_types(&f.ax, s, 2) & DRACO_TS(DRACO_TYPE_UNINIT));
    draco_as_free(&f.ax, s);
    fx_fini(&f);
}
END_TEST

START_TEST(test_assume_refines_and_null_check)
{
    struct fixture f;
    fx_init(&f);
    struct draco_astate *s = draco_as_new_entry(&f.ax);
    draco_slot_set_num_width(&f.ax, s, &f.ax.regs[2], 1, false);   /* r2 in [0, 255] */
    struct draco_cfg_cond c = {.op = DRACO_COND_LT, .left = 2, .right_is_reg = false, .is64 = false, .imm = 10};
    draco_transfer_assume(&f.ax, &c, s);
    int64_t lo, hi;
    ck_assert(reg_range(&f, s, 2, DRACO_VK_SVAL, &lo, &hi));
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(hi, 9);
    /* a possibly-null map value, then `r0 != 0` */
    draco_slot_set_type(&f.ax, s, &f.ax.regs[0], DRACO_TYPE_SHARED);
    draco_as_set_range(&f.ax, s, draco_reg_var(&f.ax, 0, DRACO_VK_UVAL), 0, 1000);
    struct draco_cfg_cond nz = {.op = DRACO_COND_NE, .left = 0, .is64 = true, .imm = 0};
    draco_transfer_assume(&f.ax, &nz, s);
    ck_assert(draco_as_entails_ge(&f.ax, s, draco_reg_var(&f.ax, 0, DRACO_VK_UVAL), 1));
    draco_as_free(&f.ax, s);
    fx_fini(&f);
}
END_TEST

extern Suite *draco_suite_analysis_state(void);
Suite *draco_suite_analysis_state(void)
{
    Suite *s = suite_create("analysis_state");
    TCase *t = tcase_create("state");
    tcase_add_test(t, test_join_numbers);
    tcase_add_test(t, test_join_reimposes_one_sided_kinds);
    tcase_add_test(t, test_widen_moves_bound);
    tcase_add_test(t, test_stack_spill_fill_pointer);
    tcase_add_test(t, test_stack_partial_constant_load);
    tcase_add_test(t, test_alu32_wraps_and_zero_extends);
    tcase_add_test(t, test_movsx_and_bswap);
    tcase_add_test(t, test_pointer_arithmetic_keeps_region);
    tcase_add_test(t, test_assume_refines_and_null_check);
    suite_add_tcase(s, t);
    return s;
}
