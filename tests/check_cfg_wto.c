/* SPDX-License-Identifier: MIT */
/* Tests for lib/cfg's weak topological order: fixed shapes, Bourdoncle equivalence, WTO laws on
 * random graphs, deep graphs without stack overflow, and loop-counter insertion.
 *
 * The reference is a direct recursive transcription of Bourdoncle's algorithm (fine for the small
 * random graphs it runs on); the library's version is iterative and must print the same order.
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cfg/cfg.h"
#include "cfg/wto.h"

#define NONE DRACO_CFG_NONE

/* ---- hand-made programs ---- */
#include "ir_builder.h"

struct fx {
    struct pb p;
    struct draco_ir_prog prog;
    struct draco_arena arena;
    struct draco_cfg cfg;
    struct draco_wto wto;
    draco_error err;
    struct draco_sb sb;
};
static void fx_init(struct fx *f)
{
    memset(f, 0, sizeof *f);
    draco_arena_init(&f->arena);
    draco_sb_init(&f->sb);
}
static void fx_fini(struct fx *f)
{
    free(f->p.ins);
    draco_arena_fini(&f->arena);
    draco_sb_fini(&f->sb);
}
static void fx_build(struct fx *f)
{
    f->prog.insns = f->p.ins;
    f->prog.n = f->p.n;
    ck_assert_msg(draco_cfg_build(&f->prog, NULL, &f->arena, &f->err, &f->cfg) == DRACO_OK, "%s",
                  f->err.message);
    ck_assert_msg(draco_wto_build(&f->cfg, &f->arena, &f->err, &f->wto) == DRACO_OK, "%s", f->err.message);
}
static const char *wto_str(struct fx *f)
{
    draco_sb_clear(&f->sb);
    draco_wto_print(&f->wto, &f->cfg, &f->sb);
    return draco_sb_str(&f->sb);
}
static uint32_t node(struct fx *f, const char *label)
{
    struct draco_sb sb;
    draco_sb_init(&sb);
    for (uint32_t v = 0; v < f->cfg.n_nodes; v++) {
        draco_sb_clear(&sb);
        draco_cfg_node_label(&f->cfg, v, &sb);
        if (strcmp(draco_sb_str(&sb), label) == 0) {
            draco_sb_fini(&sb);
            return v;
        }
    }
    draco_sb_fini(&sb);
    ck_abort_msg("no node %s", label);
    return NONE;
}

/* ---- the WTO laws ---- */
static void check_wto_laws(const struct draco_cfg *cfg, const struct draco_wto *w, int seed)
{
    uint32_t n = cfg->n_nodes;
    ck_assert_uint_eq(w->n, n);
    uint8_t *seen = calloc(n, 1);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v = w->order[i];
        ck_assert_msg(v < n && !seen[v], "seed %d: node %u twice in the WTO", seed, v);
        seen[v] = 1;
        ck_assert_uint_eq(w->pos[v], i);
    }
    free(seen);
    for (uint32_t c = 0; c < w->n_comps; c++) {
        const struct draco_wto_comp *k = &w->comps[c];
        ck_assert_msg(k->begin < k->end && k->end <= n, "seed %d: comp %u range", seed, c);
        ck_assert_uint_eq(w->order[k->begin], k->head);
        ck_assert_uint_eq(draco_wto_head_comp(w, k->head), c);
        if (k->parent == NONE) {
            ck_assert_uint_eq(k->depth, 1);
        } else {
            const struct draco_wto_comp *p = &w->comps[k->parent];
            ck_assert_msg(k->parent < c && p->begin < k->begin && k->end <= p->end,
                          "seed %d: comp %u not nested in its parent", seed, c);
            ck_assert_uint_eq(k->depth, p->depth + 1);
        }
        /* components are disjoint or nested */
        for (uint32_t d = c + 1; d < w->n_comps; d++) {
            const struct draco_wto_comp *o = &w->comps[d];
            bool disjoint = o->end <= k->begin || k->end <= o->begin;
            bool inside = k->begin < o->begin && o->end <= k->end;
            ck_assert_msg(disjoint || inside, "seed %d: comps %u and %u overlap", seed, c, d);
        }
    }
    /* comp[v] is the innermost component containing v */
    for (uint32_t v = 0; v < n; v++) {
        uint32_t best = NONE;
        for (uint32_t c = 0; c < w->n_comps; c++)
            if (draco_wto_comp_contains(w, c, v) &&
                (best == NONE || w->comps[c].end - w->comps[c].begin < w->comps[best].end - w->comps[best].begin))
                best = c;
        ck_assert_msg(w->comp[v] == best, "seed %d: comp[%u] = %u, innermost %u", seed, v, w->comp[v], best);
        uint32_t outer = draco_wto_nesting_first(w, v);
        if (outer != NONE)
            ck_assert(draco_wto_comp_contains(w, outer, v) && w->comps[outer].head != v);
    }
    /* every edge from a reachable node goes forward, or back to the head of a component that
     * contains its source (nodes ENTRY does not reach are never visited by a fixpoint) */
    uint32_t *stack = malloc(n * sizeof *stack);
    uint8_t *mark = calloc(n, 1);
    uint32_t sp = 0;
    stack[sp++] = cfg->entry;
    mark[cfg->entry] = 1;
    while (sp) {
        uint32_t v = stack[--sp];
        for (uint32_t k = cfg->succ_start[v]; k < cfg->succ_start[v + 1]; k++)
            if (!mark[cfg->succ[k]]) {
                mark[cfg->succ[k]] = 1;
                stack[sp++] = cfg->succ[k];
            }
    }
    for (uint32_t u = 0; u < n; u++) {
        if (!mark[u]) {
            ck_assert_msg(w->comp[u] == NONE, "seed %d: unreachable %u in a component", seed, u);
            continue;
        }
        for (uint32_t k = cfg->succ_start[u]; k < cfg->succ_start[u + 1]; k++) {
            uint32_t v = cfg->succ[k];
            if (w->pos[u] < w->pos[v])
                continue;
            uint32_t c = draco_wto_head_comp(w, v);
            ck_assert_msg(c != NONE && draco_wto_comp_contains(w, c, u),
                          "seed %d: back edge %u->%u does not target an enclosing head", seed, u, v);
        }
    }
    /* each component is strongly connected: its head reaches every member and back, inside it */
    for (uint32_t c = 0; c < w->n_comps; c++) {
        const struct draco_wto_comp *k = &w->comps[c];
        for (int dir = 0; dir < 2; dir++) {
            memset(mark, 0, n);
            uint32_t reached = 0;
            sp = 0;
            stack[sp++] = k->head;
            mark[k->head] = 1;
            while (sp) {
                uint32_t v = stack[--sp];
                reached++;
                const uint32_t *adj = dir ? draco_cfg_preds(cfg, v) : draco_cfg_succs(cfg, v);
                uint32_t na = dir ? draco_cfg_pred_count(cfg, v) : draco_cfg_succ_count(cfg, v);
                for (uint32_t j = 0; j < na; j++)
                    if (!mark[adj[j]] && draco_wto_comp_contains(w, c, adj[j])) {
                        mark[adj[j]] = 1;
                        stack[sp++] = adj[j];
                    }
            }
            ck_assert_msg(reached == k->end - k->begin, "seed %d: comp %u not strongly connected", seed, c);
        }
        /* a component is a real loop: some edge inside it returns to the head */
        bool back = false;
        for (uint32_t j = 0; j < draco_cfg_pred_count(cfg, k->head); j++)
            back |= draco_wto_comp_contains(w, c, draco_cfg_preds(cfg, k->head)[j]);
        ck_assert(back);
    }
    free(stack);
    free(mark);
}

/* ---- reference: Bourdoncle's recursive algorithm, printing the same notation ---- */
struct ref {
    const struct draco_cfg *cfg;
    unsigned *dfn;
    unsigned num;
    uint32_t *stack;
    uint32_t sp;
};
static char *str_prepend(char *tail, const char *item)
{
    size_t a = strlen(item), b = tail ? strlen(tail) : 0;
    char *s = malloc(a + b + 2);
    memcpy(s, item, a);
    if (b) {
        s[a] = ' ';
        memcpy(s + a + 1, tail, b + 1);
    } else {
        s[a] = 0;
    }
    free(tail);
    return s;
}
static char *label_dup(const struct draco_cfg *cfg, uint32_t v)
{
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_cfg_node_label(cfg, v, &sb);
    char *s = strdup(draco_sb_str(&sb));
    draco_sb_fini(&sb);
    return s;
}
static unsigned ref_visit(struct ref *r, uint32_t v, char **part);
static char *ref_component(struct ref *r, uint32_t v)
{
    char *part = NULL;
    for (uint32_t k = r->cfg->succ_start[v]; k < r->cfg->succ_start[v + 1]; k++)
        if (r->dfn[r->cfg->succ[k]] == 0)
            ref_visit(r, r->cfg->succ[k], &part);
    char *l = label_dup(r->cfg, v);
    size_t len = strlen(l) + (part ? strlen(part) : 0) + 4;
    char *s = malloc(len);
    snprintf(s, len, "(%s%s%s)", l, part ? " " : "", part ? part : "");
    free(l);
    free(part);
    return s;
}
static unsigned ref_visit(struct ref *r, uint32_t v, char **part)
{
    r->stack[r->sp++] = v;
    r->dfn[v] = ++r->num;
    unsigned head = r->dfn[v];
    bool loop = false;
    for (uint32_t k = r->cfg->succ_start[v]; k < r->cfg->succ_start[v + 1]; k++) {
        uint32_t w = r->cfg->succ[k];
        unsigned min = r->dfn[w] == 0 ? ref_visit(r, w, part) : r->dfn[w];
        if (min <= head) {
            head = min;
            loop = true;
        }
    }
    if (head == r->dfn[v]) {
        r->dfn[v] = UINT_MAX;
        uint32_t e = r->stack[--r->sp];
        if (loop) {
            while (e != v) {
                r->dfn[e] = 0;
                e = r->stack[--r->sp];
            }
            char *c = ref_component(r, v);
            *part = str_prepend(*part, c);
            free(c);
        } else {
            char *l = label_dup(r->cfg, v);
            *part = str_prepend(*part, l);
            free(l);
        }
    }
    return head;
}
static char *ref_wto(const struct draco_cfg *cfg)
{
    struct ref r = { cfg, calloc(cfg->n_nodes, sizeof(unsigned)), 0, malloc(cfg->n_nodes * sizeof(uint32_t)), 0 };
    char *part = NULL;
    ref_visit(&r, cfg->entry, &part);
    /* unreachable nodes follow in id order, as in draco_wto_build */
    size_t len = part ? strlen(part) : 0;
    for (uint32_t v = 0; v < cfg->n_nodes; v++)
        if (r.dfn[v] == 0) {
            char *l = label_dup(cfg, v);
            part = realloc(part, len + strlen(l) + 2);
            if (len)
                part[len++] = ' ';
            strcpy(part + len, l);
            len += strlen(l);
            free(l);
        }
    free(r.dfn);
    free(r.stack);
    return part;
}

/* ---- fixed shapes ---- */
START_TEST(test_wto_shapes)
{
    struct fx f;
    fx_init(&f);   /* straight line */
    p_add(&f.p, 0, 1);
    p_add(&f.p, 0, 1);
    p_exit(&f.p);
    fx_build(&f);
    ck_assert_str_eq(wto_str(&f), "entry 0 1 2 exit");
    ck_assert_uint_eq(f.wto.n_comps, 0);
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);

    fx_init(&f);   /* diamond */
    p_jcc(&f.p, DRACO_COND_EQ, 1, 0, 3);
    p_add(&f.p, 0, 1);
    p_ja(&f.p, 4);
    p_add(&f.p, 0, 2);
    p_exit(&f.p);
    fx_build(&f);
    ck_assert_str_eq(wto_str(&f), "entry 0 0:3 3 0:1 1 2 4 exit");
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);

    fx_init(&f);   /* simple loop */
    p_add(&f.p, 0, 0);
    p_add(&f.p, 0, 1);
    p_jcc(&f.p, DRACO_COND_LT, 0, 10, 1);
    p_exit(&f.p);
    fx_build(&f);
    ck_assert_str_eq(wto_str(&f), "entry 0 (1 2 2:1) 2:3 3 exit");
    ck_assert_uint_eq(f.wto.n_comps, 1);
    uint32_t h = node(&f, "1"), b = node(&f, "2:1"), o = node(&f, "3");
    ck_assert(draco_wto_is_head(&f.wto, h));
    ck_assert(!draco_wto_is_head(&f.wto, b));
    ck_assert_uint_eq(draco_wto_nesting_first(&f.wto, b), 0);
    ck_assert_uint_eq(draco_wto_nesting_first(&f.wto, h), NONE);
    ck_assert_uint_eq(draco_wto_nesting_first(&f.wto, o), NONE);
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);

    fx_init(&f);   /* nested loops: 1..5 outer, 2..3 inner */
    p_add(&f.p, 0, 0);                      /* 0 */
    p_add(&f.p, 0, 1);                      /* 1 outer head */
    p_add(&f.p, 1, 1);                      /* 2 inner head */
    p_jcc(&f.p, DRACO_COND_LT, 1, 10, 2);   /* 3 */
    p_jcc(&f.p, DRACO_COND_LT, 0, 10, 1);   /* 4 */
    p_exit(&f.p);                           /* 5 */
    fx_build(&f);
    ck_assert_str_eq(wto_str(&f), "entry 0 (1 (2 3 3:2) 3:4 4 4:1) 4:5 5 exit");
    ck_assert_uint_eq(f.wto.n_comps, 2);
    ck_assert_uint_eq(f.wto.max_depth, 2);
    uint32_t inner = draco_wto_head_comp(&f.wto, node(&f, "2"));
    ck_assert_uint_eq(f.wto.comps[inner].depth, 2);
    ck_assert_uint_eq(f.wto.comps[inner].head, node(&f, "2"));
    ck_assert_uint_eq(f.wto.comps[f.wto.comps[inner].parent].head, node(&f, "1"));
    ck_assert_uint_eq(f.wto.comp[node(&f, "3:2")], inner);
    ck_assert_uint_eq(draco_wto_nesting_first(&f.wto, node(&f, "2")), f.wto.comps[inner].parent);
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);

    fx_init(&f);   /* irreducible: the cycle 1-2-3 is entered at 1 and at 2 */
    p_jcc(&f.p, DRACO_COND_EQ, 1, 0, 2);    /* 0 */
    p_add(&f.p, 0, 1);                      /* 1 */
    p_add(&f.p, 0, 2);                      /* 2 */
    p_jcc(&f.p, DRACO_COND_LT, 0, 100, 1);  /* 3 */
    p_exit(&f.p);                           /* 4 */
    fx_build(&f);
    ck_assert_str_eq(wto_str(&f), "entry 0 0:2 0:1 (1 2 3 3:1) 3:4 4 exit");
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);

    fx_init(&f);   /* self loop, exit unreachable */
    p_ja(&f.p, 0);
    fx_build(&f);
    ck_assert_str_eq(wto_str(&f), "entry (0) exit");
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);
}
END_TEST

/* The loop inside an inlined callee is a component in every copy. */
START_TEST(test_wto_inlined_loops)
{
    struct fx f;
    fx_init(&f);
    p_call(&f.p, 3);                        /* 0 */
    p_call(&f.p, 3);                        /* 1 */
    p_exit(&f.p);                           /* 2 */
    p_add(&f.p, 0, 1);                      /* 3: f, loop head */
    p_jcc(&f.p, DRACO_COND_LT, 0, 10, 3);   /* 4 */
    p_exit(&f.p);                           /* 5 */
    fx_build(&f);
    ck_assert_str_eq(wto_str(&f), "entry 0 (0/3 0/4 0/4:3) 0/4:5 0/5 1 (1/3 1/4 1/4:3) 1/4:5 1/5 2 exit");
    ck_assert_uint_eq(f.wto.n_comps, 2);
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);
}
END_TEST

/* Random programs (jumps anywhere: irreducible loops, self loops, dead code, a subprogram). */
START_TEST(test_wto_random_programs)
{
    unsigned seed = (unsigned)_i * 2654435761u + 1;
    struct fx f;
    fx_init(&f);
    int n = 2 + (int)(seed % 40);
    bool with_sub = seed % 3 == 0;
    int main_n = n;
    srand(seed);
    for (int i = 0; i < main_n - 1; i++) {
        int r = rand() % 100;
        if (r < 45)
            p_add(&f.p, 0, i);
        else if (r < 75)
            p_jcc(&f.p, DRACO_COND_EQ + rand() % 12, rand() % 10, rand() % 5 - 2, rand() % main_n);
        else if (r < 85)
            p_ja(&f.p, rand() % main_n);
        else if (r < 92 && with_sub)
            p_call(&f.p, main_n);
        else
            p_exit(&f.p);
    }
    p_exit(&f.p);
    if (with_sub) {   /* a small subprogram with a loop */
        p_add(&f.p, 0, 1);
        p_jcc(&f.p, DRACO_COND_LT, 0, 3, main_n);
        p_exit(&f.p);
    }
    fx_build(&f);
    check_wto_laws(&f.cfg, &f.wto, (int)_i);
    char *ref = ref_wto(&f.cfg);
    ck_assert_msg(strcmp(ref, wto_str(&f)) == 0, "seed %d: wto \"%s\" != reference \"%s\"", _i,
                  wto_str(&f), ref);
    free(ref);
    fx_fini(&f);
}
END_TEST

/* Random dense digraphs built directly as CFG structs. */
START_TEST(test_wto_random_graphs)
{
    unsigned seed = (unsigned)_i * 40503u + 7;
    srand(seed);
    uint32_t n = 2 + (uint32_t)(rand() % 50);
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    struct draco_cfg_frame fr = { .parent = NONE, .depth = 1, .call_pc = NONE, .call_node = NONE,
                                  .return_node = NONE, .prefix = "" };
    cfg.frames = &fr;
    cfg.n_frames = 1;
    cfg.n_nodes = n;
    cfg.entry = 0;
    cfg.exit = n - 1;
    cfg.arena = &a;
    cfg.nodes = draco_arena_alloc(&a, n * sizeof *cfg.nodes);
    cfg.succ_start = draco_arena_alloc(&a, (n + 1) * sizeof(uint32_t));
    cfg.pred_start = draco_arena_alloc(&a, (n + 1) * sizeof(uint32_t));
    cfg.succ = draco_arena_alloc(&a, 4 * n * sizeof(uint32_t));
    cfg.pred = draco_arena_alloc(&a, 4 * n * sizeof(uint32_t));
    uint32_t m = 0;
    for (uint32_t v = 0; v < n; v++) {
        cfg.nodes[v].kind = v == 0 ? DRACO_CFG_ENTRY : v == n - 1 ? DRACO_CFG_EXIT : DRACO_CFG_INSN;
        cfg.nodes[v].pc = v;
        cfg.nodes[v].to = NONE;
        cfg.succ_start[v] = m;
        uint32_t deg = v == n - 1 ? 0 : (uint32_t)(rand() % 4);
        for (uint32_t k = 0; k < deg; k++) {
            uint32_t w = 1 + (uint32_t)rand() % (n - 1);
            cfg.succ[m++] = w;
        }
    }
    cfg.succ_start[n] = m;
    cfg.n_edges = m;
    /* predecessors by counting */
    for (uint32_t k = 0; k < m; k++)
        cfg.pred_start[cfg.succ[k] + 1]++;
    for (uint32_t v = 0; v < n; v++)
        cfg.pred_start[v + 1] += cfg.pred_start[v];
    uint32_t *fill = malloc((n + 1) * sizeof *fill);
    memcpy(fill, cfg.pred_start, (n + 1) * sizeof *fill);
    for (uint32_t u = 0; u < n; u++)
        for (uint32_t k = cfg.succ_start[u]; k < cfg.succ_start[u + 1]; k++)
            cfg.pred[fill[cfg.succ[k]]++] = u;
    free(fill);

    struct draco_wto w;
    draco_error err = { 0 };
    ck_assert_int_eq(draco_wto_build(&cfg, &a, &err, &w), DRACO_OK);
    check_wto_laws(&cfg, &w, (int)_i);
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_wto_print(&w, &cfg, &sb);
    char *ref = ref_wto(&cfg);
    ck_assert_msg(strcmp(ref, draco_sb_str(&sb)) == 0, "seed %d: \"%s\" != reference \"%s\"", _i,
                  draco_sb_str(&sb), ref);
    free(ref);

    /* loop counters keep the laws and sit right after their heads */
    uint32_t k = w.n_comps;
    ck_assert_int_eq(draco_cfg_add_loop_counters(&cfg, &w, &err), DRACO_OK);
    ck_assert_uint_eq(cfg.n_nodes, n + k);
    struct draco_wto w2;
    ck_assert_int_eq(draco_wto_build(&cfg, &a, &err, &w2), DRACO_OK);
    check_wto_laws(&cfg, &w2, (int)_i);
    ck_assert_uint_eq(w2.n_comps, k);
    for (uint32_t c = 0; c < k; c++) {
        uint32_t hd = w.comps[c].head, ctr = n + c;
        ck_assert_uint_eq(cfg.nodes[ctr].kind, DRACO_CFG_COUNTER);
        ck_assert_uint_eq(cfg.nodes[ctr].loop_head, hd);
        ck_assert_uint_eq(draco_cfg_succ_count(&cfg, hd), 1);
        ck_assert_uint_eq(draco_cfg_succs(&cfg, hd)[0], ctr);
        ck_assert(draco_wto_is_head(&w2, hd));
        ck_assert_uint_eq(w2.pos[ctr], w2.pos[hd] + 1);
    }
    draco_sb_fini(&sb);
    draco_arena_fini(&a);
}
END_TEST

START_TEST(test_loop_counters)
{
    struct fx f;
    fx_init(&f);
    p_add(&f.p, 0, 0);
    p_add(&f.p, 0, 1);
    p_jcc(&f.p, DRACO_COND_LT, 0, 10, 1);
    p_exit(&f.p);
    fx_build(&f);
    ck_assert_int_eq(draco_cfg_add_loop_counters(&f.cfg, &f.wto, &f.err), DRACO_OK);
    ck_assert_uint_eq(f.cfg.n_counters, 1);
    ck_assert_int_eq(draco_cfg_add_loop_counters(&f.cfg, &f.wto, &f.err), DRACO_ERR_INVALID);
    ck_assert_msg(draco_wto_build(&f.cfg, &f.arena, &f.err, &f.wto) == DRACO_OK, "%s", f.err.message);
    ck_assert_str_eq(wto_str(&f), "entry 0 (1 1 (counter) 2 2:1) 2:3 3 exit");
    check_wto_laws(&f.cfg, &f.wto, -1);
    uint32_t c = node(&f, "1 (counter)");
    ck_assert_uint_eq(f.cfg.nodes[c].pc, 1);
    ck_assert_uint_eq(f.cfg.nodes[c].loop_head, node(&f, "1"));
    draco_sb_clear(&f.sb);
    draco_cfg_print_text(&f.cfg, 0, &f.sb);
    ck_assert_ptr_nonnull(strstr(draco_sb_str(&f.sb), "1: r0 += 1 -> 1 (counter)\n"));
    ck_assert_ptr_nonnull(strstr(draco_sb_str(&f.sb), "1 (counter): counter[1]++ -> 2\n"));
    ck_assert_ptr_nonnull(strstr(draco_sb_str(&f.sb), "2:1: assume r0 < 10 -> 1\n"));
    fx_fini(&f);
}
END_TEST

/* 100k straight-line instructions and one 100k-node loop: explicit stacks, linear time. */
START_TEST(test_wto_deep_chain)
{
    struct fx f;
    fx_init(&f);
    const int n = 100000;
    for (int i = 0; i < n - 2; i++)
        p_add(&f.p, 0, i);
    p_jcc(&f.p, DRACO_COND_LT, 0, 5, 0);   /* one loop around everything */
    p_exit(&f.p);
    double t0 = draco_now_seconds();
    fx_build(&f);
    double dt = draco_now_seconds() - t0;
    ck_assert_msg(dt < 1.0, "took %.3f s", dt);
    ck_assert_uint_eq(f.wto.n_comps, 1);
    ck_assert_uint_eq(f.wto.order[0], f.cfg.entry);
    ck_assert_uint_eq(f.wto.comps[0].head, node(&f, "0"));
    ck_assert_uint_eq(f.wto.comps[0].end - f.wto.comps[0].begin, (unsigned)n);  /* n-1 insns + back assume */
    for (uint32_t i = 1; i < (uint32_t)n - 1; i++)
        ck_assert_uint_eq(f.cfg.nodes[f.wto.order[i]].pc, i - 1);
    check_wto_laws(&f.cfg, &f.wto, -1);
    fx_fini(&f);
}
END_TEST

/* D loops nested in each other: component depth D, no native recursion. */
START_TEST(test_wto_deep_nesting)
{
    struct fx f;
    fx_init(&f);
    const int d = 2000;
    for (int i = 0; i < d; i++)
        p_add(&f.p, 0, 1);                               /* pc i: head of loop i */
    for (int i = 0; i < d; i++)
        p_jcc(&f.p, DRACO_COND_LT, 0, 10, d - 1 - i);    /* pc d+i closes loop d-1-i */
    p_exit(&f.p);
    fx_build(&f);
    ck_assert_uint_eq(f.wto.n_comps, (unsigned)d);
    ck_assert_uint_eq(f.wto.max_depth, (unsigned)d);
    uint32_t inner = f.wto.comp[node(&f, "2000:1999")];
    ck_assert_uint_eq(f.wto.comps[inner].depth, (unsigned)d);
    ck_assert_uint_eq(f.wto.comps[inner].head, node(&f, "1999"));
    fx_fini(&f);
}
END_TEST

START_TEST(test_wto_errors)
{
    struct draco_arena a;
    draco_arena_init(&a);
    struct draco_cfg cfg;
    struct draco_wto w;
    draco_error err = { 0 };
    memset(&cfg, 0, sizeof cfg);
    ck_assert_int_eq(draco_wto_build(&cfg, &a, &err, &w), DRACO_ERR_INVALID);
    ck_assert_int_eq(draco_wto_build(NULL, &a, NULL, &w), DRACO_ERR_INVALID);
    /* an edge out of range is an internal error, not a crash */
    uint32_t start[3] = { 0, 1, 1 }, succ[1] = { 7 };
    struct draco_cfg_node nodes[2] = { { .kind = DRACO_CFG_ENTRY }, { .kind = DRACO_CFG_EXIT } };
    cfg.n_nodes = 2;
    cfg.nodes = nodes;
    cfg.succ_start = start;
    cfg.succ = succ;
    ck_assert_int_eq(draco_wto_build(&cfg, &a, &err, &w), DRACO_ERR_INTERNAL);
    draco_arena_fini(&a);
}
END_TEST

extern Suite *draco_suite_cfg_wto(void);
Suite *draco_suite_cfg_wto(void)
{
    Suite *s = suite_create("cfg_wto");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_wto_shapes);
    tcase_add_test(tc, test_wto_inlined_loops);
    tcase_add_test(tc, test_loop_counters);
    tcase_add_test(tc, test_wto_deep_chain);
    tcase_add_test(tc, test_wto_deep_nesting);
    tcase_add_test(tc, test_wto_errors);
    suite_add_tcase(s, tc);
    TCase *prop = tcase_create("property");
    tcase_set_timeout(prop, 120);
    tcase_add_loop_test(prop, test_wto_random_programs, 0, 250);
    tcase_add_loop_test(prop, test_wto_random_graphs, 0, 250);
    suite_add_tcase(s, prop);
    return s;
}
