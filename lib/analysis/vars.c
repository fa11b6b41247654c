/* SPDX-License-Identifier: MIT */
/* analysis/vars: the per-analysis context and its variable registry (registers, stack cells,
 * saved registers of inlined frames, globals, loop counters) with PREVAIL names.
 *
 * Invariants: numeric variable ids are dense and allocated on first use, so a zone only grows to
 * the variables a program really touches; ax->vnames[id] names every allocated id. Type variables
 * 0..10 are the registers; cells and saved slots get theirs on creation. The cell registry is
 * keyed by (absolute offset, size) through an open-addressing hash.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/astate.h"
#include "elf/object.h"

static const char *const vk_names[DRACO_VK_COUNT] = {
    "svalue", "uvalue", "ctx_offset", "map_fd", "map_fd_programs", "packet_offset",
    "shared_offset", "shared_region_size", "stack_offset", "stack_numeric_size", "socket_offset",
    "btf_id_offset", "alloc_mem_offset", "alloc_mem_size",
};

const char *draco_vk_name(enum draco_vk k)
{
    return (unsigned)k < DRACO_VK_COUNT ? vk_names[k] : "?";
}

unsigned draco_type_kinds(draco_type t, enum draco_vk out[2])
{
    switch (t) {
    case DRACO_TYPE_NUMBER: out[0] = DRACO_VK_SVAL; return 1;
    case DRACO_TYPE_CTX: out[0] = DRACO_VK_CTX_OFF; return 1;
    case DRACO_TYPE_MAP_FD: out[0] = DRACO_VK_MAP_FD; return 1;
    case DRACO_TYPE_MAP_FD_PROGRAMS: out[0] = DRACO_VK_MAP_FD_PROG; return 1;
    case DRACO_TYPE_PACKET: out[0] = DRACO_VK_PKT_OFF; return 1;
    case DRACO_TYPE_SHARED: out[0] = DRACO_VK_SHARED_OFF; out[1] = DRACO_VK_SHARED_SIZE; return 2;
    case DRACO_TYPE_STACK: out[0] = DRACO_VK_STACK_OFF; out[1] = DRACO_VK_STACK_NUMSIZE; return 2;
    case DRACO_TYPE_SOCKET: out[0] = DRACO_VK_SOCK_OFF; return 1;
    case DRACO_TYPE_BTF_ID: out[0] = DRACO_VK_BTF_OFF; return 1;
    case DRACO_TYPE_ALLOC_MEM: out[0] = DRACO_VK_ALLOC_OFF; out[1] = DRACO_VK_ALLOC_SIZE; return 2;
    case DRACO_TYPE_UNINIT:
    case DRACO_TYPE_FUNC:
    case DRACO_TYPE_COUNT:
        break;
    }
    return 0;
}

void draco_actx_fail(struct draco_actx *ax, draco_status st, const char *fmt, ...)
{
    if (ax->status != DRACO_OK)
        return;
    ax->status = st;
    if (ax->err && ax->err->status == DRACO_OK) {
        va_list ap;
        va_start(ap, fmt);
        ax->err->status = st;
        vsnprintf(ax->err->message, sizeof ax->err->message, fmt, ap);
        va_end(ap);
    }
}

bool draco_actx_time_ok(struct draco_actx *ax)
{
    if (ax->deadline > 0 && draco_now_seconds() > ax->deadline) {
        draco_actx_fail(ax, DRACO_ERR_LIMIT, "time limit of %.1f s exceeded",
                        ax->opts.time_limit_seconds);
        return false;
    }
    return true;
}

static uint32_t new_var(struct draco_actx *ax, enum draco_vowner o, unsigned kind, uint32_t idx)
{
    struct draco_vname n = {.owner = (uint8_t)o, .kind = (uint8_t)kind, .idx = idx};
    if (draco_vec_push(&ax->vnames, n) != 0) {
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (variables)");
        return 0;   /* variable 0 exists (packet_size); the analysis stops at the error */
    }
    return ax->nvars++;
}

static void slot_init(struct draco_vslot *s, enum draco_vowner o, uint32_t idx, uint32_t tvar)
{
    s->owner = (uint8_t)o;
    s->idx = idx;
    s->tvar = tvar;
    for (unsigned k = 0; k < DRACO_VK_COUNT; k++)
        s->var[k] = DRACO_VAR_NONE;
}

uint32_t draco_vslot_var(struct draco_actx *ax, struct draco_vslot *s, enum draco_vk k)
{
    if (s->var[k] != DRACO_VAR_NONE)
        return s->var[k];
    uint32_t v = new_var(ax, (enum draco_vowner)s->owner, k, s->idx);
    if (draco_actx_ok(ax))
        s->var[k] = v;
    return v;
}

static uint32_t cell_hash(int32_t off, uint32_t size)
{
    uint32_t h = (uint32_t)off * 2654435761u ^ size * 40503u;
    return h ^ (h >> 15);
}

static bool cell_rehash(struct draco_actx *ax, uint32_t cap)
{
    uint32_t *t = calloc(cap, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < ax->cells.len; i++) {
        uint32_t h = cell_hash(ax->cells.data[i]->off, ax->cells.data[i]->size) & (cap - 1);
        while (t[h])
            h = (h + 1) & (cap - 1);
        t[h] = (uint32_t)i + 1;
    }
    free(ax->cell_hash);
    ax->cell_hash = t;
    ax->cell_hash_cap = cap;
    return true;
}

uint32_t draco_cell_intern(struct draco_actx *ax, int32_t off, uint32_t size)
{
    if ((ax->cells.len + 1) * 2 > ax->cell_hash_cap &&
        !cell_rehash(ax, ax->cell_hash_cap ? ax->cell_hash_cap * 2 : 64)) {
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (cells)");
        return UINT32_MAX;
    }
    uint32_t h = cell_hash(off, size) & (ax->cell_hash_cap - 1);
    while (ax->cell_hash[h]) {
        const struct draco_cell_info *c = ax->cells.data[ax->cell_hash[h] - 1];
        if (c->off == off && c->size == size)
            return ax->cell_hash[h] - 1;
        h = (h + 1) & (ax->cell_hash_cap - 1);
    }
    struct draco_cell_info *ci = malloc(sizeof *ci);
    if (!ci || draco_vec_push(&ax->cells, ci) != 0) {
        free(ci);
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (cells)");
        return UINT32_MAX;
    }
    ci->off = off;
    ci->size = size;
    slot_init(&ci->slot, DRACO_VO_CELL, (uint32_t)ax->cells.len - 1, ax->ntvars++);
    ax->cell_hash[h] = (uint32_t)ax->cells.len;
    return (uint32_t)ax->cells.len - 1;
}

struct draco_vslot *draco_saved_slot(struct draco_actx *ax, uint32_t frame, unsigned r)
{
    return &ax->saved[(size_t)frame * 4 + (r - 6)];
}

uint32_t draco_counter_var(struct draco_actx *ax, uint32_t v)
{
    if (ax->counter_var[v] == DRACO_VAR_NONE) {
        uint32_t x = new_var(ax, DRACO_VO_COUNTER, 0, v);
        if (draco_actx_ok(ax))
            ax->counter_var[v] = x;
        return x;
    }
    return ax->counter_var[v];
}

void draco_var_name(void *user, uint32_t var, char *buf, size_t n)
{
    struct draco_actx *ax = user;
    if (var >= ax->vnames.len) {
        snprintf(buf, n, "v%u", var);
        return;
    }
    const struct draco_vname *vn = &ax->vnames.data[var];
    switch ((enum draco_vowner)vn->owner) {
    case DRACO_VO_REG:
        snprintf(buf, n, "r%u.%s", vn->idx, vk_names[vn->kind]);
        return;
    case DRACO_VO_CELL: {
        const struct draco_cell_info *c = ax->cells.data[vn->idx];
        if (c->size == 1)
            snprintf(buf, n, "s[%d].%s", c->off, vk_names[vn->kind]);
        else
            snprintf(buf, n, "s[%d...%d].%s", c->off, c->off + (int32_t)c->size - 1, vk_names[vn->kind]);
        return;
    }
    case DRACO_VO_SAVED: {
        uint32_t f = vn->idx / 4, r = 6 + vn->idx % 4;
        const char *p = f < ax->cfg->n_frames ? ax->cfg->frames[f].prefix : "?";
        snprintf(buf, n, "%sr%u.%s", p, r, vk_names[vn->kind]);
        return;
    }
    case DRACO_VO_GLOBAL:
        snprintf(buf, n, "%s", vn->kind == 0 ? "packet_size" : "meta_offset");
        return;
    case DRACO_VO_COUNTER: {
        struct draco_sb sb;
        draco_sb_init(&sb);
        uint32_t h = ax->cfg->nodes[vn->idx].loop_head;
        draco_cfg_node_label(ax->cfg, h == DRACO_CFG_NONE ? vn->idx : h, &sb);
        snprintf(buf, n, "pc[%s]", draco_sb_str(&sb));
        draco_sb_fini(&sb);
        return;
    }
    }
    snprintf(buf, n, "v%u", var);
}

const struct draco_map_desc *draco_actx_map(const struct draco_actx *ax, int64_t fd)
{
    if (!ax->prog || !ax->prog->obj || fd < INT32_MIN || fd > INT32_MAX)
        return NULL;
    return draco_object_map_by_fd(ax->prog->obj, (int)fd);
}

uint32_t draco_frame_r10(const struct draco_actx *ax, uint32_t frame)
{
    uint32_t depth = frame < ax->cfg->n_frames ? ax->cfg->frames[frame].depth : 1;
    return ax->total_stack - (depth - 1) * ax->frame_size;
}

static int cmp_i128(const void *a, const void *b)
{
    draco_i128 x = *(const draco_i128 *)a, y = *(const draco_i128 *)b;
    return (x > y) - (x < y);
}

/* Widening thresholds: the constants the program compares with (and their neighbours), plus the
 * machine-width limits. Widening climbs through them before jumping to infinity, which is what
 * makes `i != N` loops and byte-counting loops provably bounded. */
#define DRACO_MAX_THRESHOLDS 96
static draco_status collect_thresholds(struct draco_actx *ax)
{
    draco_i128 *t = malloc((DRACO_MAX_THRESHOLDS + 16) * sizeof *t);
    if (!t)
        return DRACO_ERR_NOMEM;
    size_t n = 0;
    static const int64_t fixed[] = {-1, 0, 1, INT32_MAX, UINT32_MAX, INT64_MAX};
    for (size_t i = 0; i < DRACO_ARRAY_LEN(fixed); i++)
        t[n++] = fixed[i];
    t[n++] = (draco_i128)ax->opts.max_packet_size;
    for (size_t i = 0; ax->ir && i < ax->ir->n && n + 3 <= DRACO_MAX_THRESHOLDS; i++) {
        const struct draco_ir_insn *in = &ax->ir->insns[i];
        if (in->kind == DRACO_IR_BIN && !in->src_is_reg && in->op == DRACO_BIN_AND && in->imm > 0) {
            /* a mask bounds a counter as well as a comparison does */
            t[n++] = in->imm;
            continue;
        }
        if (in->kind != DRACO_IR_JMP || in->op == DRACO_COND_ALWAYS || in->src_is_reg)
            continue;
        draco_i128 v = in->is64 ? (draco_i128)in->imm : (draco_i128)(uint32_t)in->imm;
        t[n++] = v - 1;
        t[n++] = v;
        t[n++] = v + 1;
    }
    qsort(t, n, sizeof *t, cmp_i128);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || t[u - 1] != t[i])
            t[u++] = t[i];
    ax->thresholds = t;
    ax->nthresholds = u;
    ax->dctx.thresholds = t;
    ax->dctx.nthresholds = u;
    return DRACO_OK;
}

draco_status draco_actx_init(struct draco_actx *ax, const struct draco_program *prog,
                             const struct draco_ir_prog *ir, const struct draco_cfg *cfg,
                             const struct draco_wto *wto, const struct draco_analysis_opts *opts,
                             draco_error *err)
{
    memset(ax, 0, sizeof *ax);
    ax->prog = prog;
    ax->ir = ir;
    ax->cfg = cfg;
    ax->wto = wto;
    ax->opts = *opts;
    ax->err = err;
    ax->plat = opts->platform ? opts->platform : draco_platform_linux();
    draco_domain_ctx_init(&ax->dctx);
    if (opts->stack_frame_size == 0 || opts->stack_frame_size > (1u << 20) || opts->stack_frame_size % 8 ||
        opts->max_call_frames == 0 || opts->max_call_frames > 128 ||
        opts->max_packet_size > (1ull << 30))
        return draco_error_set(err, DRACO_ERR_INVALID, "invalid analysis options (stack %u x %u, packet %llu)",
                               opts->stack_frame_size, opts->max_call_frames,
                               (unsigned long long)opts->max_packet_size);
    ax->frame_size = opts->stack_frame_size;
    for (size_t i = 0; prog && prog->obj && i < prog->obj->n_maps; i++)
        ax->has_rodata |= prog->obj->maps[i].rodata != NULL;
    ax->join_delay = opts->join_delay == 0 ? 1 : opts->join_delay > 1024 ? 1024 : opts->join_delay;
    ax->max_disj = opts->max_disjuncts == 0 ? 1
                   : opts->max_disjuncts > DRACO_MAX_DISJUNCTS_LIMIT ? DRACO_MAX_DISJUNCTS_LIMIT
                                                                     : opts->max_disjuncts;
    ax->total_stack = opts->stack_frame_size * opts->max_call_frames;
    if (cfg->max_depth > opts->max_call_frames)
        return draco_error_set(err, DRACO_ERR_LIMIT, "too many call stack frames (%u > %u)",
                               cfg->max_depth, opts->max_call_frames);
    ax->ptr_max = (int64_t)INT32_MAX - (int64_t)opts->max_packet_size;
    ax->nwords = (uint32_t)DRACO_BITSET_WORDS(ax->total_stack);
    if (opts->prog_type) {
        ax->ptype = ax->plat->prog_type_by_name ? ax->plat->prog_type_by_name(ax->plat, opts->prog_type) : NULL;
        if (!ax->ptype)
            return draco_error_set(err, DRACO_ERR_INVALID, "unknown program type '%s'", opts->prog_type);
    } else {
        const char *sec = prog && prog->section ? prog->section : "";
        const char *path = prog && prog->obj && prog->obj->name ? prog->obj->name : "";
        ax->ptype = ax->plat->prog_type_from_section(ax->plat, sec, path);
        if (!ax->ptype)
            return draco_error_set(err, DRACO_ERR_UNSUPPORTED, "no program type for section '%s'", sec);
    }
    ax->ctxd = ax->ptype->ctx;
    if (opts->time_limit_seconds > 0)
        ax->deadline = draco_now_seconds() + opts->time_limit_seconds;
    for (unsigned r = 0; r < DRACO_NREGS; r++)
        slot_init(&ax->regs[r], DRACO_VO_REG, r, r);
    ax->ntvars = DRACO_NREGS;
    ax->packet_size = new_var(ax, DRACO_VO_GLOBAL, 0, 0);
    ax->meta_offset = new_var(ax, DRACO_VO_GLOBAL, 1, 0);
    ax->saved = calloc((size_t)cfg->n_frames * 4 + 1, sizeof *ax->saved);
    ax->counter_var = malloc(((size_t)cfg->n_nodes + 1) * sizeof *ax->counter_var);
    ax->post = calloc((size_t)cfg->n_nodes + 1, sizeof *ax->post);
    ax->pending = calloc((size_t)cfg->n_nodes + 1, sizeof *ax->pending);
    ax->head_inv = calloc((size_t)wto->n_comps + 1, sizeof *ax->head_inv);
    if (!ax->saved || !ax->counter_var || !ax->post || !ax->pending || !ax->head_inv)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory (analysis context)");
    for (size_t i = 0; i < (size_t)cfg->n_frames * 4; i++)
        slot_init(&ax->saved[i], DRACO_VO_SAVED, (uint32_t)i, ax->ntvars++);
    for (uint32_t v = 0; v < cfg->n_nodes; v++)
        ax->counter_var[v] = DRACO_VAR_NONE;
    if (collect_thresholds(ax) != DRACO_OK)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory (thresholds)");
    return ax->status;
}

void draco_actx_fini(struct draco_actx *ax)
{
    if (ax->post) {
        for (uint32_t v = 0; v < ax->cfg->n_nodes; v++)
            draco_as_list_free(ax, ax->post[v]);
        free(ax->post);
    }
    if (ax->head_inv) {
        for (uint32_t c = 0; c < ax->wto->n_comps; c++)
            draco_as_free(ax, ax->head_inv[c]);
        free(ax->head_inv);
    }
    free(ax->pending);
    draco_as_free(ax, ax->entry);
    while (ax->free_states) {
        struct draco_astate *s = ax->free_states;
        ax->free_states = s->next_free;
        free(s);
    }
    draco_vec_free(&ax->vnames);
    for (size_t i = 0; i < ax->cells.len; i++)
        free(ax->cells.data[i]);
    draco_vec_free(&ax->cells);
    free(ax->cell_hash);
    free(ax->saved);
    free(ax->counter_var);
    free(ax->thresholds);
    draco_domain_ctx_fini(&ax->dctx);
    memset(ax, 0, sizeof *ax);
}

void draco_analysis_opts_init(struct draco_analysis_opts *o)
{
    memset(o, 0, sizeof *o);
    o->allow_division_by_zero = true;
    o->check_termination = true;
    o->stack_frame_size = 512;
    o->max_call_frames = 8;
    o->max_packet_size = 65535;
    o->setup_entry = true;
    o->rodata_from_object = true;
}
