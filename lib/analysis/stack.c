/* SPDX-License-Identifier: MIT */
/* analysis/stack: the stack of all frames as byte cells — a known-numeric bitmap plus live cells
 * (offset, size) whose values are slots in the numeric and type domains.
 *
 * Invariants: offsets are absolute, in [0, total_stack). A live cell of size < 8 holds a number:
 * the value an unsigned load of that width returns. An 8-byte cell may hold any value, pointers
 * included (exact spill/fill). Bytes of a cell holding a non-number are never marked numeric.
 * Stores kill every overlapping cell before creating theirs (strong update at a constant address),
 * loads through anything but an exact cell give a number when all bytes are known numeric and an
 * unusable (uninitialised) register otherwise.
 */
#include <stdlib.h>
#include <string.h>
#include "analysis/astate.h"

static bool clip(const struct draco_actx *ax, int64_t *lo, int64_t *hi)
{
    if (*lo < 0)
        *lo = 0;
    if (*hi > (int64_t)ax->total_stack)
        *hi = ax->total_stack;
    return *lo < *hi;
}

void draco_stack_mark(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi, bool num)
{
    if (s->bottom || !clip(ax, &lo, &hi))
        return;
    /* no write when nothing changes (keeps the buffer shared) */
    if (num ? draco_bitset_all_range(s->stack->num, (size_t)lo, (size_t)hi)
            : !draco_bitset_any_range(s->stack->num, (size_t)lo, (size_t)hi))
        return;
    struct draco_stack *k = draco_as_stack_own(ax, s);
    if (k)
        draco_bitset_assign_range(k->num, (size_t)lo, (size_t)hi, num);
}

bool draco_stack_all_numeric(const struct draco_actx *ax, const struct draco_astate *s, int64_t lo, int64_t hi)
{
    if (s->bottom)
        return true;
    if (lo < 0 || hi > (int64_t)ax->total_stack || lo > hi)
        return false;
    return draco_bitset_all_range(s->stack->num, (size_t)lo, (size_t)hi);
}

int64_t draco_stack_numeric_run(const struct draco_actx *ax, const struct draco_astate *s, int64_t lo)
{
    if (s->bottom || lo < 0 || lo >= (int64_t)ax->total_stack)
        return 0;
    return (int64_t)draco_bitset_run(s->stack->num, (size_t)lo, ax->total_stack);
}

struct draco_vslot *draco_stack_find(struct draco_actx *ax, const struct draco_astate *s, int32_t off,
                                     uint32_t size)
{
    if (s->bottom)
        return NULL;
    const struct draco_stack *k = s->stack;
    for (uint32_t i = 0; i < k->ncells; i++) {
        struct draco_cell_info *c = ax->cells.data[k->cells[i]];
        if (c->off == off && c->size == size)
            return &c->slot;
        if (c->off > off)
            break;
    }
    return NULL;
}

void draco_stack_kill(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi)
{
    if (s->bottom)
        return;
    bool any = false;
    for (uint32_t i = 0; i < s->stack->ncells; i++) {
        const struct draco_cell_info *c = ax->cells.data[s->stack->cells[i]];
        if (c->off < hi && c->off + (int64_t)c->size > lo) {
            any = true;
            break;
        }
    }
    if (!any)
        return;
    struct draco_stack *k = draco_as_stack_own(ax, s);
    if (!k)
        return;
    uint32_t o = 0;
    for (uint32_t i = 0; i < k->ncells; i++) {
        struct draco_cell_info *c = ax->cells.data[k->cells[i]];
        if (c->off < hi && c->off + (int64_t)c->size > lo) {
            draco_slot_havoc(ax, s, &c->slot);
            if (s->bottom)
                return;
            continue;
        }
        k->cells[o++] = k->cells[i];
    }
    k->ncells = o;
}

static void cell_add(struct draco_actx *ax, struct draco_astate *s, uint32_t ci);

void draco_stack_cell_add(struct draco_actx *ax, struct draco_astate *s, uint32_t ci)
{
    if (!s->bottom)
        cell_add(ax, s, ci);
}

/* Adds cell index ci to the live list (kept sorted by (off, size)). */
static void cell_add(struct draco_actx *ax, struct draco_astate *s, uint32_t ci)
{
    struct draco_stack *k = draco_as_stack_own(ax, s);
    if (!k)
        return;
    const struct draco_cell_info *c = ax->cells.data[ci];
    uint32_t pos = 0;
    while (pos < k->ncells) {
        const struct draco_cell_info *x = ax->cells.data[k->cells[pos]];
        if (k->cells[pos] == ci)
            return;
        if (x->off > c->off || (x->off == c->off && x->size > c->size))
            break;
        pos++;
    }
    if (k->ncells == k->capcells) {
        uint32_t cap = k->capcells ? k->capcells * 2 : 8;
        uint32_t *n = realloc(k->cells, (size_t)cap * sizeof *n);
        if (!n) {
            draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (stack cells)");
            return;
        }
        k->cells = n;
        k->capcells = cap;
    }
    memmove(k->cells + pos + 1, k->cells + pos, (size_t)(k->ncells - pos) * sizeof *k->cells);
    k->cells[pos] = ci;
    k->ncells++;
}

void draco_stack_store(struct draco_actx *ax, struct draco_astate *s, int64_t off, unsigned w,
                       struct draco_vslot *val, int64_t imm)
{
    if (s->bottom)
        return;
    int64_t lo = off, hi = off + w;
    if (lo < 0 || hi > (int64_t)ax->total_stack) {
        /* out of the stack: the checker rejects it; keep the state sound anyway */
        draco_stack_store_weak(ax, s, lo, hi, false);
        return;
    }
    draco_stack_kill(ax, s, lo, hi);
    draco_typeset ts = val ? draco_as_types(s, val) : DRACO_TS_NUM;
    bool is_num = ts == DRACO_TS_NUM;
    draco_stack_mark(ax, s, lo, hi, is_num);
    if (!is_num && w != 8)
        return;   /* narrow non-numbers: the bytes are just not numeric */
    uint32_t ci = draco_cell_intern(ax, (int32_t)off, w);
    if (ci == UINT32_MAX || s->bottom)
        return;
    struct draco_vslot *cell = &ax->cells.data[ci]->slot;
    if (!val) {
        uint64_t v = w == 8 ? (uint64_t)imm : ((uint64_t)imm & ((1ull << (8 * w)) - 1));
        draco_slot_set_num_range(ax, s, cell, (int64_t)v, (int64_t)v);
        if (w == 8 && imm < 0) {
            draco_itv a, b;
            draco_itv_init(&a);
            draco_itv_init(&b);
            draco_itv_set_i64(&a, imm);
            draco_itv_set_u64(&b, (uint64_t)imm);
            draco_slot_set_num_views(ax, s, cell, &a, &b);
            draco_itv_fini(&a);
            draco_itv_fini(&b);
        }
    } else if (w == 8) {
        draco_slot_copy(ax, s, cell, val);
    } else {
        /* the low w bytes of a number, zero-extended */
        draco_itv sv, uv, z;
        draco_itv_init(&sv);
        draco_itv_init(&uv);
        draco_itv_init(&z);
        draco_slot_num_views(ax, s, val, &sv, &uv);
        draco_itv_zext(&z, &uv, 8 * w);
        if (draco_itv_leq(&uv, &z) && val->var[DRACO_VK_UVAL] != DRACO_VAR_NONE) {
            /* the value fits: keep the relation */
            draco_slot_copy(ax, s, cell, val);
        } else {
            draco_slot_set_num_views(ax, s, cell, &z, &z);
        }
        draco_itv_fini(&sv);
        draco_itv_fini(&uv);
        draco_itv_fini(&z);
    }
    if (!s->bottom)
        cell_add(ax, s, ci);
}

void draco_stack_store_weak(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi,
                            bool value_is_num)
{
    if (s->bottom || !clip(ax, &lo, &hi))
        return;
    draco_stack_kill(ax, s, lo, hi);
    if (!value_is_num)
        draco_stack_mark(ax, s, lo, hi, false);
}

/* Byte b of the stack when a live number cell with a constant value covers it. */
static bool const_byte(struct draco_actx *ax, const struct draco_astate *s, int64_t b, uint8_t *out)
{
    const struct draco_stack *k = s->stack;
    for (uint32_t i = 0; i < k->ncells; i++) {
        struct draco_cell_info *c = ax->cells.data[k->cells[i]];
        if (c->off > b)
            break;
        if (c->off + (int64_t)c->size <= b || draco_as_types(s, &c->slot) != DRACO_TS_NUM)
            continue;
        draco_itv sv, uv;
        draco_itv_init(&sv);
        draco_itv_init(&uv);
        draco_slot_num_views(ax, s, &c->slot, &sv, &uv);
        uint64_t v;
        bool ok = draco_itv_singleton_u64(&uv, &v);
        draco_itv_fini(&sv);
        draco_itv_fini(&uv);
        if (!ok)
            continue;
        unsigned idx = ax->opts.big_endian ? (unsigned)(c->off + (int64_t)c->size - 1 - b) : (unsigned)(b - c->off);
        *out = (uint8_t)(v >> (8 * idx));
        return true;
    }
    return false;
}

/* [off, off+w) assembled from constant number cells (byte order of the machine). */
static bool load_from_constant(struct draco_actx *ax, const struct draco_astate *s, int64_t off, unsigned w,
                               uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < w; i++) {
        uint8_t byte;
        if (!const_byte(ax, s, off + i, &byte))
            return false;
        unsigned idx = ax->opts.big_endian ? w - 1 - i : i;
        v |= (uint64_t)byte << (8 * idx);
    }
    *out = v;
    return true;
}

void draco_stack_load(struct draco_actx *ax, struct draco_astate *s, int64_t off, unsigned w,
                      bool is_signed, struct draco_vslot *dst)
{
    if (s->bottom)
        return;
    if (off < 0 || off + w > ax->total_stack) {
        draco_slot_havoc(ax, s, dst);
        return;
    }
    struct draco_vslot *cell = draco_stack_find(ax, s, (int32_t)off, w);
    if (cell) {
        draco_typeset ts = draco_as_types(s, cell);
        if (w == 8 || !is_signed || ts != DRACO_TS_NUM) {
            draco_slot_copy(ax, s, dst, cell);
            return;
        }
        draco_itv sv, uv, r;
        draco_itv_init(&sv);
        draco_itv_init(&uv);
        draco_itv_init(&r);
        draco_slot_num_views(ax, s, cell, &sv, &uv);
        draco_itv_sext(&r, &uv, 8 * w);
        draco_itv_to_unsigned(&uv, &r, 64);
        draco_slot_set_num_views(ax, s, dst, &r, &uv);
        draco_itv_fini(&sv);
        draco_itv_fini(&uv);
        draco_itv_fini(&r);
        return;
    }
    if (!draco_stack_all_numeric(ax, s, off, off + w)) {
        draco_slot_havoc(ax, s, dst);
        return;
    }
    uint64_t v;
    if (load_from_constant(ax, s, off, w, &v)) {
        int64_t x = (int64_t)v;
        if (is_signed && w < 8 && (v >> (8 * w - 1)) & 1)
            x = (int64_t)(v | ~((1ull << (8 * w)) - 1));
        if (x < 0) {
            draco_itv a, b;
            draco_itv_init(&a);
            draco_itv_init(&b);
            draco_itv_set_i64(&a, x);
            draco_itv_set_u64(&b, (uint64_t)x);
            draco_slot_set_num_views(ax, s, dst, &a, &b);
            draco_itv_fini(&a);
            draco_itv_fini(&b);
        } else {
            draco_slot_set_num_range(ax, s, dst, x, x);
        }
        return;
    }
    draco_slot_set_num_width(ax, s, dst, w, is_signed);
    /* remember the loaded bytes as a cell so that later loads see the same value */
    if (!is_signed) {
        uint32_t ci = draco_cell_intern(ax, (int32_t)off, w);
        if (ci == UINT32_MAX || s->bottom)
            return;
        bool overlaps = false;
        for (uint32_t i = 0; i < s->stack->ncells; i++) {
            const struct draco_cell_info *c = ax->cells.data[s->stack->cells[i]];
            if (c->off < off + (int64_t)w && c->off + (int64_t)c->size > off)
                overlaps = true;
        }
        if (!overlaps) {
            draco_slot_copy(ax, s, &ax->cells.data[ci]->slot, dst);
            cell_add(ax, s, ci);
        }
    }
}

/* run of known-numeric bytes from every possible offset of surely-stack slot R, -1 if unknown */
static int64_t numsize_from_bitmap(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *R)
{
    if (draco_as_types(s, R) != DRACO_TS(DRACO_TYPE_STACK))
        return -1;
    struct draco_bound_pair b = draco_zone_bound(&s->zone, draco_vslot_var(ax, R, DRACO_VK_STACK_OFF));
    if (b.empty || b.lb < 0 || b.ub >= (draco_i128)ax->total_stack || b.ub - b.lb >= (1 << 20))
        return -1;
    int64_t lo = (int64_t)b.lb, hi = (int64_t)b.ub;
    int64_t r = draco_stack_numeric_run(ax, s, lo);
    return lo + r > hi ? lo + r - hi : 0;
}

void draco_stack_refresh_numsize(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *R)
{
    if (s->bottom)
        return;
    int64_t run = numsize_from_bitmap(ax, s, R);
    if (run < 0) {
        if (R->var[DRACO_VK_STACK_NUMSIZE] != DRACO_VAR_NONE)
            draco_as_forget(ax, s, R->var[DRACO_VK_STACK_NUMSIZE]);
        return;
    }
    uint32_t ns = draco_vslot_var(ax, R, DRACO_VK_STACK_NUMSIZE);
    struct draco_bound_pair cur = draco_zone_bound(&s->zone, ns);
    if (!cur.empty && cur.lb == run && cur.ub == run)
        return;
    draco_as_set_cst(ax, s, ns, run);
}

void draco_stack_numsize_grow(struct draco_actx *ax, struct draco_astate *s)
{
    for (unsigned r = 0; r < DRACO_NREGS && !s->bottom; r++) {
        struct draco_vslot *R = &ax->regs[r];
        if (R->var[DRACO_VK_STACK_NUMSIZE] == DRACO_VAR_NONE)
            continue;
        int64_t run = numsize_from_bitmap(ax, s, R);
        if (run < 0)
            continue;
        struct draco_bound_pair cur = draco_zone_bound(&s->zone, R->var[DRACO_VK_STACK_NUMSIZE]);
        if (cur.empty || cur.lb >= run)
            continue;
        draco_as_set_cst(ax, s, R->var[DRACO_VK_STACK_NUMSIZE], run);
    }
}

void draco_stack_numsize_kill(struct draco_actx *ax, struct draco_astate *s, int64_t lo, int64_t hi)
{
    for (unsigned r = 0; r < DRACO_NREGS && !s->bottom; r++) {
        struct draco_vslot *R = &ax->regs[r];
        if (R->var[DRACO_VK_STACK_NUMSIZE] == DRACO_VAR_NONE ||
            !(draco_as_types(s, R) & DRACO_TS(DRACO_TYPE_STACK)))
            continue;
        struct draco_bound_pair o = draco_zone_bound(&s->zone, draco_vslot_var(ax, R, DRACO_VK_STACK_OFF));
        struct draco_bound_pair n = draco_zone_bound(&s->zone, R->var[DRACO_VK_STACK_NUMSIZE]);
        if (o.empty || n.empty)
            continue;
        bool overlap = true;
        if (draco_zone_is_finite_i128(o.lb) && draco_zone_is_finite_i128(o.ub) &&
            draco_zone_is_finite_i128(n.ub) && n.ub < (draco_i128)1 << 40)
            overlap = o.lb < hi && o.ub + (n.ub > 0 ? n.ub : 0) > lo;
        if (overlap)
            draco_stack_refresh_numsize(ax, s, R);
    }
}

bool draco_stack_value_range(struct draco_actx *ax, const struct draco_astate *s, int64_t off, unsigned w,
                             draco_itv *u)
{
    if (s->bottom || off < 0 || off + w > ax->total_stack)
        return false;
    struct draco_vslot *cell = draco_stack_find(ax, s, (int32_t)off, w);
    if (cell && draco_as_types(s, cell) == DRACO_TS_NUM) {
        draco_itv sv;
        draco_itv_init(&sv);
        draco_slot_num_views(ax, s, cell, &sv, u);
        draco_itv_fini(&sv);
        return true;
    }
    uint64_t v;
    if (draco_stack_all_numeric(ax, s, off, off + w) && load_from_constant(ax, s, off, w, &v)) {
        draco_itv_set_u64(u, v);
        return true;
    }
    return false;
}
