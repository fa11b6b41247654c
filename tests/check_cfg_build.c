/* SPDX-License-Identifier: MIT */
/* Tests for lib/cfg construction: assume edges, inlining per call site, errors, printers.
 *
 * Programs are hand-made draco_ir_insn arrays (no decoder needed); nodes are found by their
 * PREVAIL-style label so that expectations read like the printed CFG.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "cfg/cfg.h"
#include "cfg/wto.h"

#define NONE DRACO_CFG_NONE

#include "cfg_fixture.h"

static bool has_node(struct fx *f, const char *label)
{
    for (uint32_t v = 0; v < f->cfg.n_nodes; v++)
        if (strcmp(lab(f, v), label) == 0)
            return true;
    return false;
}
/* "a,b" labels of the successors (preds when `pred`) of the node labelled `label` */
static char *adj(struct fx *f, const char *label, bool pred)
{
    static const size_t cap = 512;
    char *out = calloc(cap, 1);
    uint32_t v = node(f, label);
    uint32_t n = pred ? draco_cfg_pred_count(&f->cfg, v) : draco_cfg_succ_count(&f->cfg, v);
    const uint32_t *s = pred ? draco_cfg_preds(&f->cfg, v) : draco_cfg_succs(&f->cfg, v);
    for (uint32_t k = 0; k < n; k++) {
        if (k)
            strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, lab(f, s[k]), cap - strlen(out) - 1);
    }
    return out;
}
#define ck_succ(f, l, expect) do { char *s_ = adj((f), (l), false); \
    ck_assert_msg(strcmp(s_, (expect)) == 0, "succ(%s) = \"%s\", want \"%s\"", (l), s_, (expect)); free(s_); } while (0)
#define ck_pred(f, l, expect) do { char *s_ = adj((f), (l), true); \
    ck_assert_msg(strcmp(s_, (expect)) == 0, "pred(%s) = \"%s\", want \"%s\"", (l), s_, (expect)); free(s_); } while (0)

/* CSR consistency: preds are exactly the reversed succs (as multisets), all ids in range. */
static void check_csr(const struct draco_cfg *cfg)
{
    uint32_t n = cfg->n_nodes;
    ck_assert_uint_eq(cfg->succ_start[0], 0);
    ck_assert_uint_eq(cfg->succ_start[n], cfg->n_edges);
    ck_assert_uint_eq(cfg->pred_start[n], cfg->n_edges);
    uint32_t *cnt = calloc(n, sizeof *cnt);
    for (uint32_t v = 0; v < n; v++)
        for (uint32_t k = cfg->succ_start[v]; k < cfg->succ_start[v + 1]; k++) {
            ck_assert_uint_lt(cfg->succ[k], n);
            cnt[cfg->succ[k]]++;
        }
    for (uint32_t v = 0; v < n; v++) {
        ck_assert_uint_eq(cnt[v], draco_cfg_pred_count(cfg, v));
        for (uint32_t k = 0; k < draco_cfg_pred_count(cfg, v); k++) {
            uint32_t u = draco_cfg_preds(cfg, v)[k];
            bool found = false;
            for (uint32_t j = 0; j < draco_cfg_succ_count(cfg, u); j++)
                found |= draco_cfg_succs(cfg, u)[j] == v;
            ck_assert(found);
        }
    }
    free(cnt);
    ck_assert_uint_eq(cfg->nodes[cfg->entry].kind, DRACO_CFG_ENTRY);
    ck_assert_uint_eq(cfg->nodes[cfg->exit].kind, DRACO_CFG_EXIT);
    ck_assert_uint_eq(draco_cfg_pred_count(cfg, cfg->entry), 0);
    ck_assert_uint_eq(draco_cfg_succ_count(cfg, cfg->exit), 0);
}

START_TEST(test_straight_line)
{
    struct fx f;
    fx_init(&f);
    p_mov(&f.p, 0, 1);
    p_lddw(&f.p, 1, 0x123456789LL);
    p_helper(&f.p, 5);
    p_exit(&f.p);
    fx_build(&f);
    check_csr(&f.cfg);
    ck_assert_uint_eq(f.cfg.n_nodes, 6);   /* entry 0 1 3 4 exit */
    ck_assert_uint_eq(f.cfg.n_unreachable, 0);
    ck_assert_uint_eq(f.cfg.n_frames, 1);
    ck_succ(&f, "entry", "0");
    ck_succ(&f, "0", "1");
    ck_succ(&f, "1", "3");
    ck_succ(&f, "3", "4");
    ck_succ(&f, "4", "exit");
    ck_pred(&f, "exit", "4");
    ck_assert(!has_node(&f, "2"));
    ck_assert_ptr_eq(draco_cfg_node_insn(&f.cfg, node(&f, "3")), &f.p.ins[3]);
    ck_assert_ptr_null(draco_cfg_node_insn(&f.cfg, f.cfg.entry));
    ck_assert_uint_eq(f.cfg.nodes[node(&f, "1")].pc, 1);
    draco_sb_clear(&f.sb);
    draco_cfg_print_text(&f.cfg, 0, &f.sb);
    ck_assert_str_eq(draco_sb_str(&f.sb),
                     "entry -> 0\n0: r0 = 1 -> 1\n1: r1 = 4886718345 ll -> 3\n3: call 5 -> 4\n4: exit -> exit\nexit\n");
    draco_sb_clear(&f.sb);
    draco_cfg_print_text(&f.cfg, DRACO_CFG_PRINT_BLOCKS, &f.sb);
    ck_assert_str_eq(draco_sb_str(&f.sb),
                     "entry -> 0\n0: r0 = 1; r1 = 4886718345 ll; call 5; exit -> exit\nexit\n");
    fx_fini(&f);
}
END_TEST

START_TEST(test_diamond)
{
    struct fx f;
    fx_init(&f);
    p_jcc(&f.p, DRACO_COND_EQ, 1, 0, 3);   /* 0: if r1 == 0 goto 3 */
    p_mov(&f.p, 0, 1);                     /* 1 */
    p_ja(&f.p, 4);                         /* 2 */
    p_mov(&f.p, 0, 2);                     /* 3 */
    p_exit(&f.p);                          /* 4 */
    fx_build(&f);
    check_csr(&f.cfg);
    ck_assert_uint_eq(f.cfg.n_nodes, 9);
    ck_succ(&f, "0", "0:1,0:3");
    ck_succ(&f, "0:1", "1");
    ck_succ(&f, "0:3", "3");
    ck_succ(&f, "2", "4");
    ck_pred(&f, "4", "2,3");
    const struct draco_cfg_node *ft = &f.cfg.nodes[node(&f, "0:1")];
    const struct draco_cfg_node *tk = &f.cfg.nodes[node(&f, "0:3")];
    ck_assert_uint_eq(ft->kind, DRACO_CFG_ASSUME);
    ck_assert_uint_eq(ft->cond.op, DRACO_COND_NE);
    ck_assert_uint_eq(tk->cond.op, DRACO_COND_EQ);
    ck_assert_uint_eq(ft->cond.left, 1);
    ck_assert(!ft->cond.right_is_reg);
    ck_assert_int_eq(ft->cond.imm, 0);
    ck_assert(ft->cond.is64);
    ck_assert_uint_eq(ft->pc, 0);
    ck_assert_uint_eq(ft->to, 1);
    ck_assert_uint_eq(tk->to, 3);
    uint32_t v03 = node(&f, "0:3"), v01 = node(&f, "0:1");
    draco_sb_clear(&f.sb);
    draco_cfg_node_text(&f.cfg, v03, &f.sb);
    ck_assert_str_eq(draco_sb_str(&f.sb), "assume r1 == 0");
    draco_sb_clear(&f.sb);
    draco_cfg_node_text(&f.cfg, v01, &f.sb);
    ck_assert_str_eq(draco_sb_str(&f.sb), "assume r1 != 0");
    fx_fini(&f);
}
END_TEST

/* Every condition, 32-bit register form: the fall-through assume holds the negation. */
START_TEST(test_assume_negation_all_ops)
{
    for (int op = DRACO_COND_EQ; op <= DRACO_COND_SGE; op++) {
        if (op == DRACO_COND_NSET)
            continue;
        struct fx f;
        fx_init(&f);
        p_jcc32_reg(&f.p, op, 2, 3, 2);
        p_mov(&f.p, 0, 0);
        p_exit(&f.p);
        fx_build(&f);
        const struct draco_cfg_node *ft = &f.cfg.nodes[node(&f, "0:1")];
        const struct draco_cfg_node *tk = &f.cfg.nodes[node(&f, "0:2")];
        ck_assert_uint_eq(tk->cond.op, (unsigned)op);
        ck_assert_uint_eq(ft->cond.op, draco_cond_negate((enum draco_cond_op)op));
        ck_assert_uint_ne(ft->cond.op, (unsigned)op);
        ck_assert_uint_eq(draco_cond_negate((enum draco_cond_op)ft->cond.op), (unsigned)op);
        ck_assert(!ft->cond.is64 && ft->cond.right_is_reg);
        ck_assert_uint_eq(ft->cond.right, 3);
        uint32_t v02 = node(&f, "0:2");
        draco_sb_clear(&f.sb);
        draco_cfg_node_text(&f.cfg, v02, &f.sb);
        char want[64];
        snprintf(want, sizeof want, "assume w2 %s w3", draco_cond_op_str((enum draco_cond_op)op));
        ck_assert_str_eq(draco_sb_str(&f.sb), want);
        fx_fini(&f);
    }
}
END_TEST

START_TEST(test_jump_to_fallthrough)
{
    struct fx f;
    fx_init(&f);
    p_jcc(&f.p, DRACO_COND_GT, 1, 5, 1);
    p_exit(&f.p);
    fx_build(&f);
    check_csr(&f.cfg);
    ck_assert_uint_eq(f.cfg.n_nodes, 4);
    ck_succ(&f, "0", "1");
    fx_fini(&f);
}
END_TEST

START_TEST(test_unreachable_and_self_loop)
{
    struct fx f;
    fx_init(&f);
    p_ja(&f.p, 4);        /* 0 */
    p_mov(&f.p, 0, 1);    /* 1: dead */
    p_lddw(&f.p, 0, 1);   /* 2: dead (slot 3 is its filler) */
    p_exit(&f.p);         /* 4 */
    fx_build(&f);
    ck_assert_uint_eq(f.cfg.n_unreachable, 2);
    ck_assert_uint_eq(f.cfg.n_nodes, 4);
    fx_fini(&f);

    fx_init(&f);
    p_ja(&f.p, 0);
    fx_build(&f);
    check_csr(&f.cfg);
    ck_succ(&f, "0", "0");
    ck_assert_uint_eq(draco_cfg_pred_count(&f.cfg, f.cfg.exit), 0);
    fx_fini(&f);
}
END_TEST

static void expect_error(struct fx *f, draco_status want, const char *msg)
{
    draco_status st = fx_build_opts(f, NULL);
    ck_assert_int_eq(st, want);
    ck_assert_int_eq(f->err.status, want);
    ck_assert_msg(strstr(f->err.message, msg) != NULL, "message \"%s\" lacks \"%s\"", f->err.message, msg);
    ck_assert_uint_eq(f->cfg.n_nodes, 0);
}

START_TEST(test_errors)
{
    struct fx f;
    fx_init(&f);
    expect_error(&f, DRACO_ERR_INVALID, "empty instruction sequence");
    fx_fini(&f);

    fx_init(&f);
    p_jcc(&f.p, DRACO_COND_EQ, 1, 0, 7);
    p_exit(&f.p);
    expect_error(&f, DRACO_ERR_INVALID, "jump to undefined label 7 (at 0)");
    fx_fini(&f);

    fx_init(&f);
    p_ja(&f.p, -3);
    expect_error(&f, DRACO_ERR_INVALID, "jump to undefined label -3");
    fx_fini(&f);

    fx_init(&f);
    p_ja(&f.p, 2);        /* into the LDDW filler */
    p_lddw(&f.p, 1, 5);
    p_exit(&f.p);
    expect_error(&f, DRACO_ERR_INVALID, "jump to undefined label 2 (at 0)");
    fx_fini(&f);

    fx_init(&f);
    p_mov(&f.p, 0, 0);
    p_mov(&f.p, 0, 0);
    expect_error(&f, DRACO_ERR_INVALID, "fallthrough in last instruction (at 1)");
    fx_fini(&f);

    fx_init(&f);
    p_jcc(&f.p, DRACO_COND_EQ, 1, 0, 0);   /* conditional jump at the end: falls through */
    expect_error(&f, DRACO_ERR_INVALID, "fallthrough in last instruction (at 0)");
    fx_fini(&f);

    fx_init(&f);
    p_lddw(&f.p, 1, 5);                     /* LDDW at the end */
    expect_error(&f, DRACO_ERR_INVALID, "fallthrough in last instruction (at 0)");
    fx_fini(&f);

    fx_init(&f);
    p_call(&f.p, 9);
    p_exit(&f.p);
    expect_error(&f, DRACO_ERR_INVALID, "invalid call target 9 (at 0)");
    fx_fini(&f);

    fx_init(&f);
    pb_add(&f.p, DRACO_IR_UNDEFINED);
    p_exit(&f.p);
    expect_error(&f, DRACO_ERR_INVALID, "undefined label 0");
    fx_fini(&f);

    /* errors only in dead code are not reported: dead code is not in the graph */
    fx_init(&f);
    p_exit(&f.p);
    p_ja(&f.p, 99);
    fx_build(&f);
    ck_assert_uint_eq(f.cfg.n_unreachable, 1);
    fx_fini(&f);
}
END_TEST

/* main calls f twice: two copies of f, each returning to its own continuation. */
START_TEST(test_inline_two_sites)
{
    struct fx f;
    fx_init(&f);
    p_call(&f.p, 4);      /* 0 */
    p_call(&f.p, 4);      /* 1 */
    p_mov(&f.p, 0, 0);    /* 2 */
    p_exit(&f.p);         /* 3 */
    p_mov(&f.p, 0, 1);    /* 4: f */
    p_exit(&f.p);         /* 5 */
    fx_build(&f);
    check_csr(&f.cfg);
    ck_assert_uint_eq(f.cfg.n_nodes, 10);
    ck_assert_uint_eq(f.cfg.n_frames, 3);
    ck_assert_uint_eq(f.cfg.max_depth, 2);
    ck_assert(!has_node(&f, "4"));        /* the subprogram itself is only reached through calls */
    ck_succ(&f, "0", "0/4");
    ck_succ(&f, "0/4", "0/5");
    ck_succ(&f, "0/5", "1");
    ck_succ(&f, "1", "1/4");
    ck_succ(&f, "1/5", "2");
    ck_succ(&f, "3", "exit");
    ck_pred(&f, "exit", "3");
    uint32_t c0 = node(&f, "0"), c1 = node(&f, "1");
    uint32_t fr0 = f.cfg.nodes[c0].callee_frame, fr1 = f.cfg.nodes[c1].callee_frame;
    ck_assert_uint_ne(fr0, NONE);
    ck_assert_uint_ne(fr1, NONE);
    ck_assert_uint_ne(fr0, fr1);
    ck_assert_uint_eq(f.cfg.frames[fr0].parent, 0);
    ck_assert_uint_eq(f.cfg.frames[fr0].call_pc, 0);
    ck_assert_uint_eq(f.cfg.frames[fr1].call_pc, 1);
    ck_assert_uint_eq(f.cfg.frames[fr0].call_node, c0);
    ck_assert_uint_eq(f.cfg.frames[fr0].return_node, c1);
    ck_assert_uint_eq(f.cfg.frames[fr1].return_node, node(&f, "2"));
    ck_assert_uint_eq(f.cfg.frames[fr1].depth, 2);
    ck_assert_uint_eq(f.cfg.frames[fr1].entry_pc, 4);
    ck_assert_str_eq(f.cfg.frames[fr1].prefix, "1/");
    ck_assert_uint_eq(f.cfg.nodes[node(&f, "1/5")].frame, fr1);
    ck_assert_uint_eq(f.cfg.nodes[node(&f, "0/5")].frame, fr0);
    ck_assert_uint_eq(f.cfg.nodes[node(&f, "0/5")].pc, 5);
    ck_assert_uint_eq(f.cfg.nodes[node(&f, "2")].callee_frame, NONE);
    fx_fini(&f);
}
END_TEST

/* main -> f -> g: nested prefixes; f's loop keeps its back edge in every copy. */
START_TEST(test_inline_nested_and_loops)
{
    struct fx f;
    fx_init(&f);
    p_call(&f.p, 4);                        /* 0 */
    p_call(&f.p, 4);                        /* 1 */
    p_mov(&f.p, 0, 0);                      /* 2 */
    p_exit(&f.p);                           /* 3 */
    p_mov(&f.p, 0, 0);                      /* 4: f */
    p_add(&f.p, 0, 1);                      /* 5: loop head */
    p_call(&f.p, 9);                        /* 6 */
    p_jcc(&f.p, DRACO_COND_LT, 0, 10, 5);   /* 7: back edge */
    p_exit(&f.p);                           /* 8 */
    p_add(&f.p, 0, 2);                      /* 9: g */
    p_exit(&f.p);                           /* 10 */
    fx_build(&f);
    check_csr(&f.cfg);
    ck_assert_uint_eq(f.cfg.n_frames, 5);
    ck_assert_uint_eq(f.cfg.max_depth, 3);
    const char *sites[] = { "0/", "1/" };
    for (int s = 0; s < 2; s++) {
        char l[64], l2[64], l3[64];
        snprintf(l, sizeof l, "%s7", sites[s]);
        snprintf(l2, sizeof l2, "%s7:5,%s7:8", sites[s], sites[s]);
        snprintf(l3, sizeof l3, "%s7:8,%s7:5", sites[s], sites[s]);
        char *succ = adj(&f, l, false);
        ck_assert_msg(strcmp(succ, l3) == 0 || strcmp(succ, l2) == 0, "succ(%s) = %s", l, succ);
        free(succ);
        snprintf(l, sizeof l, "%s5", sites[s]);
        snprintf(l2, sizeof l2, "%s4,%s7:5", sites[s], sites[s]);
        ck_pred(&f, l, l2);                 /* the back edge survived cloning */
        snprintf(l, sizeof l, "%s6", sites[s]);
        snprintf(l2, sizeof l2, "%s6/9", sites[s]);
        ck_succ(&f, l, l2);
        snprintf(l, sizeof l, "%s6/10", sites[s]);
        snprintf(l2, sizeof l2, "%s7", sites[s]);
        ck_succ(&f, l, l2);
        uint32_t g = f.cfg.nodes[node(&f, l)].frame;
        ck_assert_uint_eq(f.cfg.frames[g].depth, 3);
        ck_assert_uint_eq(f.cfg.frames[f.cfg.frames[g].parent].call_pc, (unsigned)s);
    }
    ck_succ(&f, "0/8", "1");
    ck_succ(&f, "1/8", "2");
    fx_fini(&f);
}
END_TEST

START_TEST(test_recursion_and_depth)
{
    struct fx f;
    fx_init(&f);
    p_call(&f.p, 2);     /* 0 */
    p_exit(&f.p);        /* 1 */
    p_call(&f.p, 2);     /* 2: f calls itself */
    p_exit(&f.p);        /* 3 */
    expect_error(&f, DRACO_ERR_INVALID, "illegal recursion (at 0/2)");
    fx_fini(&f);

    fx_init(&f);
    p_call(&f.p, 0);     /* main calls main */
    p_exit(&f.p);
    expect_error(&f, DRACO_ERR_INVALID, "illegal recursion (at 0)");
    fx_fini(&f);

    fx_init(&f);         /* mutual: f -> g -> f */
    p_call(&f.p, 2);
    p_exit(&f.p);
    p_call(&f.p, 4);     /* 2: f */
    p_exit(&f.p);
    p_call(&f.p, 2);     /* 4: g */
    p_exit(&f.p);
    expect_error(&f, DRACO_ERR_INVALID, "illegal recursion (at 0/2/4)");
    fx_fini(&f);

    /* a chain of k functions: frames = k + 1 with main */
    for (int k = 6; k <= 9; k++) {
        fx_init(&f);
        for (int i = 0; i <= k; i++) {
            if (i < k)
                p_call(&f.p, 2 * (i + 1));
            else
                p_mov(&f.p, 0, 0);
            p_exit(&f.p);
        }
        draco_status st = fx_build_opts(&f, NULL);
        if (k + 1 <= 8) {
            ck_assert_msg(st == DRACO_OK, "%d: %s", k, f.err.message);
            ck_assert_uint_eq(f.cfg.max_depth, (unsigned)k + 1);
            char l[64] = "";
            for (int i = 0; i < k; i++)
                snprintf(l + strlen(l), sizeof l - strlen(l), "%d/", 2 * i);
            snprintf(l + strlen(l), sizeof l - strlen(l), "%d", 2 * k);
            ck_assert(has_node(&f, l));
        } else {
            ck_assert_int_eq(st, DRACO_ERR_LIMIT);
            ck_assert_msg(strstr(f.err.message, "too many call stack frames (at 0/2/4/6/8/10/12/14)"),
                          "%s", f.err.message);
        }
        struct draco_cfg_opts o;
        draco_cfg_opts_init(&o);
        o.max_call_frames = (uint32_t)k;
        ck_assert_int_eq(fx_build_opts(&f, &o), DRACO_ERR_LIMIT);
        o.max_call_frames = (uint32_t)k + 1;
        ck_assert_int_eq(fx_build_opts(&f, &o), DRACO_OK);
        fx_fini(&f);
    }
}
END_TEST

/* A callee that never returns: the call's continuation is not in the graph. */
START_TEST(test_callee_never_returns)
{
    struct fx f;
    fx_init(&f);
    p_call(&f.p, 3);   /* 0 */
    p_mov(&f.p, 0, 0); /* 1: unreachable (f loops forever) */
    p_exit(&f.p);      /* 2 */
    p_ja(&f.p, 3);     /* 3: f */
    fx_build(&f);
    check_csr(&f.cfg);
    ck_assert(!has_node(&f, "1"));
    ck_assert(has_node(&f, "0/3"));
    ck_succ(&f, "0/3", "0/3");
    ck_assert_uint_eq(f.cfg.frames[1].return_node, NONE);
    ck_assert_uint_eq(f.cfg.n_unreachable, 2);
    fx_fini(&f);
}
END_TEST

/* Exponential inlining: each level calls the next twice; limited by max_nodes. */
START_TEST(test_inline_blowup_limit)
{
    struct fx f;
    fx_init(&f);
    int levels = 6;
    for (int i = 0; i < levels; i++) {
        p_call(&f.p, 3 * (i + 1));
        p_call(&f.p, 3 * (i + 1));
        p_exit(&f.p);
    }
    p_exit(&f.p);
    fx_build(&f);
    check_csr(&f.cfg);
    uint32_t copies = 0;
    for (uint32_t v = 0; v < f.cfg.n_nodes; v++)
        copies += f.cfg.nodes[v].kind == DRACO_CFG_INSN && f.cfg.nodes[v].pc == 3u * levels;
    ck_assert_uint_eq(copies, 1u << levels);
    ck_assert_uint_eq(f.cfg.n_frames, (1u << (levels + 1)) - 1);
    struct draco_cfg_opts o;
    draco_cfg_opts_init(&o);
    o.max_nodes = 100;
    ck_assert_int_eq(fx_build_opts(&f, &o), DRACO_ERR_LIMIT);
    fx_fini(&f);
}
END_TEST

/* libyaml accepts JSON (flow style); a parse failure means malformed JSON. */
static bool json_parses(const char *s)
{
    yaml_parser_t p;
    yaml_document_t d;
    if (!yaml_parser_initialize(&p))
        return false;
    yaml_parser_set_input_string(&p, (const unsigned char *)s, strlen(s));
    bool ok = yaml_parser_load(&p, &d) != 0;
    if (ok) {
        ok = yaml_document_get_root_node(&d) != NULL;
        yaml_document_delete(&d);
    }
    yaml_parser_delete(&p);
    return ok;
}

START_TEST(test_printers)
{
    struct fx f;
    fx_init(&f);
    p_call(&f.p, 5);                           /* 0 */
    p_jcc(&f.p, DRACO_COND_SGT, 0, -4, 3);     /* 1 */
    p_mov(&f.p, 0, 1);                         /* 2 */
    p_exit(&f.p);                              /* 3 */
    p_exit(&f.p);                              /* 4 dead */
    p_mov(&f.p, 0, 7);                         /* 5: f */
    p_exit(&f.p);                              /* 6 */
    fx_build(&f);
    draco_sb_clear(&f.sb);
    draco_cfg_print_text(&f.cfg, 0, &f.sb);
    ck_assert_str_eq(draco_sb_str(&f.sb),
                     "entry -> 0\n"
                     "0: call <5> -> 0/5\n"
                     "1: if r0 s> -4 goto <3> -> 1:2, 1:3\n"
                     "1:2: assume r0 s<= -4 -> 2\n"
                     "1:3: assume r0 s> -4 -> 3\n"
                     "2: r0 = 1 -> 3\n"
                     "3: exit -> exit\n"
                     "0/5: r0 = 7 -> 0/6\n"
                     "0/6: exit -> 1\n"
                     "exit\n");
    draco_sb_clear(&f.sb);
    draco_cfg_print_text(&f.cfg, DRACO_CFG_PRINT_BLOCKS, &f.sb);
    ck_assert_str_eq(draco_sb_str(&f.sb),
                     "entry -> 0\n"
                     "0: call <5>; r0 = 7; exit; if r0 s> -4 goto <3> -> 1:2, 1:3\n"
                     "1:2: assume r0 s<= -4; r0 = 1 -> 3\n"
                     "1:3: assume r0 s> -4 -> 3\n"
                     "3: exit -> exit\n"
                     "exit\n");
    draco_sb_clear(&f.sb);
    draco_cfg_print_dot(&f.cfg, &f.sb);
    const char *dot = draco_sb_str(&f.sb);
    ck_assert(strncmp(dot, "digraph cfg {", 13) == 0);
    ck_assert_ptr_nonnull(strstr(dot, "[label=\"1:3: assume r0 s> -4\", shape=ellipse]"));
    ck_assert_ptr_nonnull(strstr(dot, "[label=\"0/6: exit\"]"));
    size_t arrows = 0;
    for (const char *q = dot; (q = strstr(q, " -> ")); q++)
        arrows++;
    ck_assert_uint_eq(arrows, f.cfg.n_edges);
    draco_sb_clear(&f.sb);
    draco_cfg_print_json(&f.cfg, &f.sb);
    const char *js = draco_sb_str(&f.sb);
    ck_assert_msg(json_parses(js), "bad JSON: %s", js);
    ck_assert_ptr_nonnull(strstr(js, "\"unreachable\":1"));
    ck_assert_ptr_nonnull(strstr(js, "\"label\":\"0/5\",\"kind\":\"insn\",\"pc\":5,\"to\":null,\"frame\":1"));
    ck_assert_ptr_nonnull(strstr(js, "\"label\":\"1:2\",\"kind\":\"assume\",\"pc\":1,\"to\":2"));
    ck_assert_ptr_nonnull(strstr(js, "\"prefix\":\"0/\""));
    ck_assert(!f.sb.oom);
    fx_fini(&f);
}
END_TEST

/* 100k-slot program with branches: linear-time build. */
START_TEST(test_large_program_fast)
{
    struct fx f;
    fx_init(&f);
    const int n = 100000;
    for (int i = 0; i < n - 1; i++) {
        if (i % 10 == 5)
            p_jcc(&f.p, DRACO_COND_EQ, 1, i, i + 3);
        else if (i % 1000 == 999)
            p_jcc(&f.p, DRACO_COND_LT, 2, 7, i - 500);   /* back edges */
        else
            p_add(&f.p, 0, i);
    }
    p_exit(&f.p);
    double t0 = draco_now_seconds();
    fx_build(&f);
    struct draco_wto w;
    ck_assert_int_eq(draco_wto_build(&f.cfg, &f.arena, &f.err, &w), DRACO_OK);
    double dt = draco_now_seconds() - t0;
    ck_assert_msg(dt < 1.0, "CFG + WTO of 100k insns took %.3f s", dt);
    ck_assert_uint_eq(f.cfg.n_nodes, (unsigned)n + 2 + 2 * (n / 10) + 2 * (n / 1000 - 1));
    ck_assert_uint_eq(w.n_comps, (unsigned)n / 1000 - 1);
    check_csr(&f.cfg);
    fx_fini(&f);
}
END_TEST

extern Suite *draco_suite_cfg_build(void);
Suite *draco_suite_cfg_build(void)
{
    Suite *s = suite_create("cfg_build");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_straight_line);
    tcase_add_test(tc, test_diamond);
    tcase_add_test(tc, test_assume_negation_all_ops);
    tcase_add_test(tc, test_jump_to_fallthrough);
    tcase_add_test(tc, test_unreachable_and_self_loop);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_inline_two_sites);
    tcase_add_test(tc, test_inline_nested_and_loops);
    tcase_add_test(tc, test_recursion_and_depth);
    tcase_add_test(tc, test_callee_never_returns);
    tcase_add_test(tc, test_inline_blowup_limit);
    tcase_add_test(tc, test_printers);
    tcase_add_test(tc, test_large_program_fast);
    suite_add_tcase(s, tc);
    return s;
}
