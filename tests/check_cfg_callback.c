/* SPDX-License-Identifier: MIT */
/* Tests for callback sites in lib/cfg: the shape of the helper loop (CB_LOOP -> CB_ENTER ->
 * callback -> CB_RETURN -> CB_LOOP, CB_LOOP -> CB_DONE -> continuation), its frames, what is not a
 * callback site (register set in another block, unknown helper, table off, nesting), and the loop
 * counters (none for the callback loop, one for a loop inside the callback).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "cfg/cfg.h"
#include "cfg/wto.h"

#define NONE DRACO_CFG_NONE

#include "cfg_fixture.h"

/* rD = code_addr(target) (LDDW src=4, two slots) */
static void p_code_addr(struct pb *p, int dst, int32_t target)
{
    struct draco_ir_insn *i = pb_add(p, DRACO_IR_LOAD_PSEUDO);
    i->op = DRACO_PSEUDO_CODE_ADDR;
    i->opcode = 0x18;
    i->dst = (uint8_t)dst;
    i->imm = target - (int32_t)i->pc - 1;
    i->target = target;
    pb_add(p, DRACO_IR_UNDEFINED);
}

static void ck_succ(struct fx *f, const char *label, const char *want)
{
    uint32_t v = node(f, label);
    char buf[512] = "";
    for (uint32_t k = 0; k < draco_cfg_succ_count(&f->cfg, v); k++) {
        if (k)
            strcat(buf, ",");
        strncat(buf, lab(f, draco_cfg_succs(&f->cfg, v)[k]), sizeof buf - strlen(buf) - 1);
    }
    ck_assert_msg(strcmp(buf, want) == 0, "succ(%s) = %s, want %s", label, buf, want);
}
/* every edge appears in both CSR arrays */
static void check_csr(const struct draco_cfg *c)
{
    for (uint32_t v = 0; v < c->n_nodes; v++)
        for (uint32_t k = c->succ_start[v]; k < c->succ_start[v + 1]; k++) {
            uint32_t w = c->succ[k];
            bool found = false;
            for (uint32_t j = c->pred_start[w]; j < c->pred_start[w + 1]; j++)
                found |= c->pred[j] == v;
            ck_assert_msg(found, "edge %u->%u missing in preds", v, w);
        }
}

/* main: r1 = 4; r2 = code_addr(cb); r3 = 0; r4 = 0; call helper; r0 = 0; exit.  cb at 8. */
static void prog_simple(struct pb *p, int64_t helper, int reg)
{
    p_mov(p, 1, 4);             /* 0 */
    p_code_addr(p, reg, 8);     /* 1-2 */
    p_mov(p, 3, 0);             /* 3 */
    p_mov(p, 4, 0);             /* 4 */
    p_helper(p, helper);        /* 5 */
    p_mov(p, 0, 0);             /* 6 */
    p_exit(p);                  /* 7 */
    p_mov(p, 0, 0);             /* 8: cb */
    p_exit(p);                  /* 9 */
}

START_TEST(test_callback_shape)
{
    struct fx f;
    fx_init(&f);
    prog_simple(&f.p, 181, 2);
    fx_build(&f);
    check_csr(&f.cfg);
    ck_succ(&f, "5", "5 (callback loop)");
    ck_succ(&f, "5 (callback loop)", "5 (callback enter),5 (callback done)");
    ck_succ(&f, "5 (callback enter)", "5/8");
    ck_succ(&f, "5/8", "5/9");
    ck_succ(&f, "5/9", "5 (callback return)");
    ck_succ(&f, "5 (callback return)", "5 (callback loop)");
    ck_succ(&f, "5 (callback done)", "6");
    ck_assert_uint_eq(fx_find(&f, "8"), NONE);   /* the callback is only reached through the helper */
    uint32_t call = node(&f, "5"), enter = node(&f, "5 (callback enter)");
    uint32_t h = f.cfg.nodes[call].callee_frame, g = f.cfg.nodes[enter].callee_frame;
    ck_assert_uint_eq(f.cfg.n_frames, 3);
    ck_assert_uint_eq(f.cfg.frames[h].kind, DRACO_FRAME_HELPER);
    ck_assert_uint_eq(f.cfg.frames[h].parent, 0);
    ck_assert_uint_eq(f.cfg.frames[h].depth, 1);
    ck_assert_uint_eq(f.cfg.frames[h].entry_pc, 8);
    ck_assert_uint_eq(f.cfg.frames[h].call_node, call);
    ck_assert_uint_eq(f.cfg.frames[h].return_node, node(&f, "6"));
    ck_assert_uint_eq(f.cfg.frames[g].kind, DRACO_FRAME_CALLBACK);
    ck_assert_uint_eq(f.cfg.frames[g].parent, h);
    ck_assert_uint_eq(f.cfg.frames[g].depth, 2);
    ck_assert_uint_eq(f.cfg.frames[g].call_node, enter);
    ck_assert_uint_eq(f.cfg.frames[g].return_node, node(&f, "5 (callback return)"));
    ck_assert_str_eq(f.cfg.frames[g].prefix, "5/");
    ck_assert_uint_eq(f.cfg.max_depth, 2);
    const char *virt[] = {"5 (callback loop)", "5 (callback enter)", "5 (callback return)", "5 (callback done)"};
    for (int i = 0; i < 4; i++) {
        uint32_t v = node(&f, virt[i]);
        ck_assert(draco_cfg_node_is_callback(&f.cfg, v));
        ck_assert_uint_eq(f.cfg.nodes[v].frame, h);
        ck_assert_uint_eq(f.cfg.nodes[v].pc, 5);
        ck_assert_ptr_eq(f.cfg.nodes[v].insn, &f.p.ins[5]);
    }
    ck_assert(!draco_cfg_node_is_callback(&f.cfg, call));
    /* printers know the kinds */
    draco_sb_clear(&f.sb);
    draco_cfg_print_json(&f.cfg, &f.sb);
    ck_assert_ptr_nonnull(strstr(draco_sb_str(&f.sb), "\"kind\":\"callback_enter\""));
    ck_assert_ptr_nonnull(strstr(draco_sb_str(&f.sb), "\"kind\":\"helper\""));
    fx_fini(&f);
}
END_TEST

START_TEST(test_not_callback_sites)
{
    struct fx f;
    /* unknown helper: a plain call, the function at 8 is unreachable */
    fx_init(&f);
    prog_simple(&f.p, 12, 2);
    fx_build(&f);
    ck_succ(&f, "5", "6");
    ck_assert_uint_eq(f.cfg.n_frames, 1);
    ck_assert_uint_eq(f.cfg.nodes[node(&f, "5")].callee_frame, NONE);
    fx_fini(&f);
    /* callback in the wrong register */
    fx_init(&f);
    prog_simple(&f.p, 181, 3);
    fx_build(&f);
    ck_succ(&f, "5", "6");
    fx_fini(&f);
    /* the table switched off */
    fx_init(&f);
    prog_simple(&f.p, 181, 2);
    struct draco_cfg_opts o;
    draco_cfg_opts_init(&o);
    o.n_callback_helpers = 0;
    ck_assert_int_eq(fx_build_opts(&f, &o), DRACO_OK);
    ck_succ(&f, "5", "6");
    fx_fini(&f);
    /* r2 set before a join: not the same basic block */
    fx_init(&f);
    p_code_addr(&f.p, 2, 10);       /* 0-1 */
    p_jcc(&f.p, DRACO_COND_EQ, 1, 0, 4); /* 2 */
    p_mov(&f.p, 3, 0);              /* 3 */
    p_mov(&f.p, 4, 0);              /* 4: join */
    p_helper(&f.p, 181);            /* 5 */
    p_mov(&f.p, 0, 0);              /* 6 */
    p_exit(&f.p);                   /* 7 */
    p_mov(&f.p, 0, 0);              /* 8 */
    p_exit(&f.p);                   /* 9 */
    p_mov(&f.p, 0, 0);              /* 10: cb */
    p_exit(&f.p);                   /* 11 */
    fx_build(&f);
    ck_succ(&f, "5", "6");
    ck_assert_uint_eq(fx_find(&f, "5 (callback loop)"), NONE);
    fx_fini(&f);
}
END_TEST

START_TEST(test_nested_callback_not_inlined)
{
    struct fx f;
    fx_init(&f);
    p_code_addr(&f.p, 2, 6);        /* 0-1 */
    p_helper(&f.p, 181);            /* 2 */
    p_mov(&f.p, 0, 0);              /* 3 */
    p_exit(&f.p);                   /* 4 */
    p_exit(&f.p);                   /* 5 (unused) */
    p_code_addr(&f.p, 2, 11);       /* 6-7: cb1 */
    p_helper(&f.p, 164);            /* 8 */
    p_mov(&f.p, 0, 0);              /* 9 */
    p_exit(&f.p);                   /* 10 */
    p_mov(&f.p, 0, 1);              /* 11: cb2 */
    p_exit(&f.p);                   /* 12 */
    fx_build(&f);
    check_csr(&f.cfg);
    ck_succ(&f, "2 (callback enter)", "2/6");
    ck_succ(&f, "2/8", "2/9");      /* the inner site stays a plain call */
    ck_assert_uint_eq(f.cfg.nodes[node(&f, "2/8")].callee_frame, NONE);
    ck_assert_uint_eq(f.cfg.n_frames, 3);
    ck_assert_uint_eq(fx_find(&f, "2/8 (callback loop)"), NONE);
    fx_fini(&f);
}
END_TEST

START_TEST(test_callback_depth_and_recursion)
{
    struct fx f;
    struct draco_cfg_opts o;
    fx_init(&f);
    prog_simple(&f.p, 181, 2);
    draco_cfg_opts_init(&o);
    o.max_call_frames = 1;
    ck_assert_int_eq(fx_build_opts(&f, &o), DRACO_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(f.err.message, "too many call stack frames (at 5)"));
    fx_fini(&f);
    /* the callback passes itself to bpf_loop through a bpf2bpf call: recursion */
    fx_init(&f);
    p_call(&f.p, 3);                /* 0 */
    p_mov(&f.p, 0, 0);              /* 1 */
    p_exit(&f.p);                   /* 2 */
    p_code_addr(&f.p, 2, 3);        /* 3-4: f passes itself */
    p_helper(&f.p, 181);            /* 5 */
    p_exit(&f.p);                   /* 6 */
    ck_assert_int_eq(fx_build_opts(&f, NULL), DRACO_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(f.err.message, "illegal recursion"));
    fx_fini(&f);
}
END_TEST

START_TEST(test_callback_loop_counters)
{
    struct fx f;
    fx_init(&f);
    p_mov(&f.p, 1, 4);              /* 0 */
    p_code_addr(&f.p, 2, 8);        /* 1-2 */
    p_mov(&f.p, 3, 0);              /* 3 */
    p_mov(&f.p, 4, 0);              /* 4 */
    p_helper(&f.p, 181);            /* 5 */
    p_mov(&f.p, 0, 0);              /* 6 */
    p_exit(&f.p);                   /* 7 */
    p_mov(&f.p, 0, 0);              /* 8: cb with a loop */
    p_add(&f.p, 0, 1);              /* 9 */
    p_jcc(&f.p, DRACO_COND_LT, 0, 4, 9); /* 10 */
    p_mov(&f.p, 0, 0);              /* 11 */
    p_exit(&f.p);                   /* 12 */
    fx_build(&f);
    struct draco_wto w;
    draco_error e = {0};
    ck_assert_int_eq(draco_wto_build(&f.cfg, &f.arena, &e, &w), DRACO_OK);
    ck_assert_uint_eq(w.n_comps, 2);
    uint32_t head = node(&f, "5 (callback loop)");
    ck_assert(draco_wto_is_head(&w, head));
    ck_assert(draco_wto_is_head(&w, node(&f, "5/9")));
    ck_assert_int_eq(draco_cfg_add_loop_counters(&f.cfg, &w, &e), DRACO_OK);
    ck_assert_uint_eq(f.cfg.n_counters, 1);   /* only the loop inside the callback */
    check_csr(&f.cfg);
    ck_succ(&f, "5 (callback loop)", "5 (callback enter),5 (callback done)");
    ck_succ(&f, "5/9", "5/9 (counter)");
    ck_assert_uint_eq(fx_find(&f, "5 (callback loop) (counter)"), NONE);
    ck_assert_int_eq(draco_wto_build(&f.cfg, &f.arena, &e, &w), DRACO_OK);
    ck_assert_uint_eq(w.n_comps, 2);
    fx_fini(&f);
}
END_TEST

extern Suite *draco_suite_cfg_callback(void);
Suite *draco_suite_cfg_callback(void)
{
    Suite *s = suite_create("cfg_callback");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_callback_shape);
    tcase_add_test(tc, test_not_callback_sites);
    tcase_add_test(tc, test_nested_callback_not_inlined);
    tcase_add_test(tc, test_callback_depth_and_recursion);
    tcase_add_test(tc, test_callback_loop_counters);
    suite_add_tcase(s, tc);
    return s;
}
