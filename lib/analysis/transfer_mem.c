/* SPDX-License-Identifier: MIT */
/* analysis/transfer_mem: loads, stores, atomics and LDDW pseudo loads (map fds, map values,
 * code addresses).
 *
 * Over-approximation: a transfer function may assume its node's assertions hold (a program
 * violating one is rejected whatever the state after it), so e.g. a load through a pointer that
 * may be any of packet/shared/alloc_mem gives a number of the load's width. Only the stack and
 * the context's packet-pointer fields produce anything but numbers: stack cells are exact at
 * constant offsets (strong update), imprecise stack stores kill what they may overlap (weak
 * update), and a context read that may touch a packet-pointer field in any other way than the
 * exact field load gives an unusable register (no laundering of pointer bits into numbers).
 * Privileged (opts.privileged, the kernel's allow_uninit_stack): a stack load of bytes that are
 * neither known numbers nor an exact cell gives an unknown number of the load's width, unless a
 * live cell that may hold a non-number overlaps them (a part of a spilled pointer, which the
 * kernel refuses to fill even for root: the register stays unusable).
 * Beyond PREVAIL: a load from a read-only data map at a known offset gives the number the
 * object's bytes hold there (draco_rodata_load(), under opts.rodata_from_object).
 */
#include "analysis/astate.h"
#include "analysis/rodata.h"
#include "elf/object.h"

static bool singleton_of(struct draco_actx *ax, const struct draco_astate *s, uint32_t var, int64_t *out)
{
    draco_itv v;
    draco_itv_init(&v);
    draco_as_itv(ax, s, var, &v);
    bool ok = draco_itv_singleton_i64(&v, out);
    draco_itv_fini(&v);
    return ok;
}

static void range_of(struct draco_actx *ax, const struct draco_astate *s, uint32_t var, int64_t *lo,
                     int64_t *hi)
{
    draco_itv v;
    draco_itv_init(&v);
    draco_as_itv(ax, s, var, &v);
    draco_i128 l = draco_num_to_i128(&v.lb, false), h = draco_num_to_i128(&v.ub, true);
    *lo = l < INT64_MIN / 2 ? INT64_MIN / 2 : l > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)l;
    *hi = h > INT64_MAX / 2 ? INT64_MAX / 2 : h < INT64_MIN / 2 ? INT64_MIN / 2 : (int64_t)h;
    draco_itv_fini(&v);
}

static int32_t ctx_ptr_width(const struct draco_ctx_desc *c)
{
    if (c->data >= 0 && c->data_end > c->data)
        return c->data_end - c->data;
    return 4;
}

/* the packet-pointer fields of the context: kind 0 data, 1 end, 2 meta */
static int ctx_field_at(const struct draco_ctx_desc *c, int64_t lo, int64_t hi, bool *overlaps)
{
    int32_t pw = ctx_ptr_width(c);
    int32_t f[3] = {c->data, c->data_end, c->data_meta};
    *overlaps = false;
    for (int i = 0; i < 3; i++) {
        if (f[i] < 0)
            continue;
        if (lo == f[i] && hi == f[i] + pw)
            return i;
        if (lo < f[i] + pw && hi > f[i])
            *overlaps = true;
    }
    return -1;
}

static void load_ctx(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *B,
                     const struct draco_ir_insn *in, struct draco_vslot *D)
{
    const struct draco_ctx_desc *c = ax->ctxd;
    int64_t lo, hi;
    range_of(ax, s, draco_vslot_var(ax, B, DRACO_VK_CTX_OFF), &lo, &hi);
    lo += in->off;
    hi += in->off + in->width;
    bool overlaps = false;
    int field = -1;
    if (c->data >= 0 || c->data_end >= 0 || c->data_meta >= 0) {
        if (hi - lo == in->width)
            field = ctx_field_at(c, lo, hi, &overlaps);
        else
            ctx_field_at(c, lo, hi, &overlaps);
    }
    if (field >= 0 && !in->is_signed) {
        uint32_t off = draco_vslot_var(ax, D, DRACO_VK_PKT_OFF);
        uint32_t uv = draco_vslot_var(ax, D, DRACO_VK_UVAL);
        draco_slot_set_type(ax, s, D, DRACO_TYPE_PACKET);
        if (field == 0)
            draco_as_set_cst(ax, s, off, 0);
        else if (field == 1)
            draco_as_assign_var(ax, s, off, ax->packet_size, 0);
        else
            draco_as_assign_var(ax, s, off, ax->meta_offset, 0);
        draco_as_set_range(ax, s, uv, 4098, ax->ptr_max);
        return;
    }
    if (field >= 0 || overlaps) {
        draco_slot_havoc(ax, s, D);
        return;
    }
    draco_slot_set_num_width(ax, s, D, in->width, in->is_signed);
}

/* Privileged: [off, off+w) holds no exact cell, is not known numeric, and overlaps no live cell
 * that may hold a non-number: its bytes were never written (or are what is left of a partly
 * overwritten spill, which the kernel also reads as a number from root). */
static bool stack_reads_unknown_number(struct draco_actx *ax, const struct draco_astate *s, int64_t off, unsigned w)
{
    if (!ax->opts.privileged || s->bottom || off < 0 || off + w > (int64_t)ax->total_stack)
        return false;
    if (draco_stack_find(ax, s, (int32_t)off, w) || draco_stack_all_numeric(ax, s, off, off + w))
        return false;   /* draco_stack_load() is exact there */
    const struct draco_stack *k = s->stack;
    for (uint32_t i = 0; i < k->ncells; i++) {
        const struct draco_cell_info *c = ax->cells.data[k->cells[i]];
        if (c->off < off + (int64_t)w && c->off + (int64_t)c->size > off &&
            draco_as_types(s, &c->slot) != DRACO_TS_NUM)
            return false;
    }
    return true;
}

static void load(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in, struct draco_astate *s)
{
    struct draco_vslot *B = &ax->regs[in->src];
    struct draco_vslot *D = &ax->regs[in->dst];
    draco_typeset tb = draco_as_types(s, B);
    if (tb == DRACO_TS(DRACO_TYPE_STACK)) {
        int64_t off;
        if (singleton_of(ax, s, draco_vslot_var(ax, B, DRACO_VK_STACK_OFF), &off)) {
            if (stack_reads_unknown_number(ax, s, off + in->off, in->width))
                draco_slot_set_num_width(ax, s, D, in->width, in->is_signed);
            else
                draco_stack_load(ax, s, off + in->off, in->width, in->is_signed, D);
            return;
        }
        draco_slot_set_num_width(ax, s, D, in->width, in->is_signed);
        return;
    }
    if (tb == DRACO_TS(DRACO_TYPE_CTX)) {
        load_ctx(ax, s, B, in, D);
        return;
    }
    if (tb == DRACO_TS(DRACO_TYPE_SHARED) && draco_rodata_load(ax, v, in, s))
        return;
    draco_typeset plain = (draco_typeset)(DRACO_TS(DRACO_TYPE_PACKET) | DRACO_TS(DRACO_TYPE_SHARED) |
                                          DRACO_TS(DRACO_TYPE_ALLOC_MEM) | DRACO_TS(DRACO_TYPE_SOCKET) |
                                          DRACO_TS(DRACO_TYPE_STACK));
    if (tb && !(tb & ~plain)) {
        draco_slot_set_num_width(ax, s, D, in->width, in->is_signed);
        return;
    }
    draco_slot_havoc(ax, s, D);
}

static void store(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    struct draco_vslot *B = &ax->regs[in->dst];
    struct draco_vslot *V = in->src_is_reg ? &ax->regs[in->src] : NULL;
    draco_typeset tb = draco_as_types(s, B);
    if (!(tb & DRACO_TS(DRACO_TYPE_STACK)))
        return;   /* other regions' contents are not tracked */
    bool val_num = !V || draco_as_types(s, V) == DRACO_TS_NUM;
    int64_t off, lo, hi;
    if (tb == DRACO_TS(DRACO_TYPE_STACK) &&
        singleton_of(ax, s, draco_vslot_var(ax, B, DRACO_VK_STACK_OFF), &off)) {
        lo = off + in->off;
        hi = lo + in->width;
        draco_stack_store(ax, s, off + in->off, in->width, V, in->imm);
    } else {
        range_of(ax, s, draco_vslot_var(ax, B, DRACO_VK_STACK_OFF), &lo, &hi);
        lo += in->off;
        hi += in->off + in->width;
        draco_stack_store_weak(ax, s, lo, hi, val_num);
    }
    if (val_num)
        draco_stack_numsize_grow(ax, s);
    else
        draco_stack_numsize_kill(ax, s, lo, hi);
}

void draco_transfer_mem(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in,
                        struct draco_astate *s)
{
    if (s->bottom)
        return;
    if (in->is_load)
        load(ax, v, in, s);
    else
        store(ax, in, s);
}

void draco_transfer_atomic(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    if (s->bottom)
        return;
    struct draco_vslot *B = &ax->regs[in->dst];
    struct draco_vslot *V = &ax->regs[in->src];
    unsigned w = in->width;
    bool fetch = in->fetch || in->op == DRACO_ATOMIC_XCHG || in->op == DRACO_ATOMIC_CMPXCHG;
    struct draco_vslot *out = in->op == DRACO_ATOMIC_CMPXCHG ? &ax->regs[0] : V;
    draco_typeset tb = draco_as_types(s, B);
    int64_t off;
    if (tb == DRACO_TS(DRACO_TYPE_STACK) &&
        singleton_of(ax, s, draco_vslot_var(ax, B, DRACO_VK_STACK_OFF), &off)) {
        int64_t a = off + in->off;
        bool num = draco_stack_all_numeric(ax, s, a, a + w);
        if (fetch)
            draco_stack_load(ax, s, a, w, false, out);
        draco_stack_kill(ax, s, a, a + w);
        draco_stack_mark(ax, s, a, a + w, num);
        if (!num)
            draco_stack_numsize_kill(ax, s, a, a + w);
        return;
    }
    if (tb & DRACO_TS(DRACO_TYPE_STACK)) {
        int64_t lo, hi;
        range_of(ax, s, draco_vslot_var(ax, B, DRACO_VK_STACK_OFF), &lo, &hi);
        draco_stack_store_weak(ax, s, lo + in->off, hi + in->off + w, true);
    }
    if (fetch)
        draco_slot_set_num_width(ax, s, out, w, false);
}

static void set_map_fd(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *D, int64_t fd)
{
    const struct draco_map_desc *m = draco_actx_map(ax, fd);
    const struct draco_map_type_info *mt = m && ax->plat->map_type ? ax->plat->map_type(ax->plat, m->info.type) : NULL;
    bool programs = mt && mt->value_kind == DRACO_MAP_VALUE_PROGRAM;
    uint32_t var = draco_vslot_var(ax, D, programs ? DRACO_VK_MAP_FD_PROG : DRACO_VK_MAP_FD);
    uint32_t uv = draco_vslot_var(ax, D, DRACO_VK_UVAL);
    draco_slot_set_type(ax, s, D, programs ? DRACO_TYPE_MAP_FD_PROGRAMS : DRACO_TYPE_MAP_FD);
    draco_as_set_cst(ax, s, var, fd);
    draco_as_set_range(ax, s, uv, 1, ax->ptr_max);
}

static void set_map_value(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *D, int64_t fd,
                          int64_t off)
{
    const struct draco_map_desc *m = draco_actx_map(ax, fd);
    uint32_t o = draco_vslot_var(ax, D, DRACO_VK_SHARED_OFF);
    uint32_t sz = draco_vslot_var(ax, D, DRACO_VK_SHARED_SIZE);
    uint32_t uv = draco_vslot_var(ax, D, DRACO_VK_UVAL);
    draco_slot_set_type(ax, s, D, DRACO_TYPE_SHARED);
    draco_as_set_cst(ax, s, o, off);
    if (m)
        draco_as_set_cst(ax, s, sz, m->info.value_size);
    else
        draco_as_set_cst(ax, s, sz, 0);   /* unknown map: nothing is accessible */
    draco_as_set_range(ax, s, uv, 1, ax->ptr_max);
}

void draco_transfer_lddw(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    if (s->bottom)
        return;
    struct draco_vslot *D = &ax->regs[in->dst];
    const struct draco_object *obj = ax->prog ? ax->prog->obj : NULL;
    switch ((enum draco_ir_kind)in->kind) {
    case DRACO_IR_LOAD_MAP_FD:
        set_map_fd(ax, s, D, in->imm);
        return;
    case DRACO_IR_LOAD_MAP_VALUE:
        set_map_value(ax, s, D, in->imm, in->imm2);
        return;
    case DRACO_IR_LOAD_PSEUDO:
        switch (in->op) {
        case DRACO_PSEUDO_CODE_ADDR:
            draco_slot_set_type(ax, s, D, DRACO_TYPE_FUNC);
            draco_as_set_cst(ax, s, draco_vslot_var(ax, D, DRACO_VK_UVAL), in->target);
            return;
        case DRACO_PSEUDO_MAP_BY_IDX:
            if (obj && in->imm >= 0 && (uint64_t)in->imm < obj->n_maps)
                set_map_fd(ax, s, D, obj->maps[in->imm].info.fd);
            else
                draco_slot_havoc(ax, s, D);
            return;
        case DRACO_PSEUDO_MAP_VALUE_BY_IDX:
            if (obj && in->imm >= 0 && (uint64_t)in->imm < obj->n_maps)
                set_map_value(ax, s, D, obj->maps[in->imm].info.fd, in->imm2);
            else
                draco_slot_havoc(ax, s, D);
            return;
        case DRACO_PSEUDO_VAR_ADDR:
        default:
            /* an address of a kernel variable: an opaque number */
            draco_slot_set_num_width(ax, s, D, 8, false);
            return;
        }
    case DRACO_IR_UNDEFINED:
    case DRACO_IR_BIN:
    case DRACO_IR_UN:
    case DRACO_IR_MEM:
    case DRACO_IR_ATOMIC:
    case DRACO_IR_PACKET:
    case DRACO_IR_JMP:
    case DRACO_IR_CALL:
    case DRACO_IR_CALL_LOCAL:
    case DRACO_IR_CALLX:
    case DRACO_IR_EXIT:
    case DRACO_IR_ASSUME:
        break;
    }
    draco_actx_fail(ax, DRACO_ERR_INTERNAL, "%u: not an LDDW pseudo load", in->pc);
}
