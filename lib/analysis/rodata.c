/* SPDX-License-Identifier: MIT */
/* analysis/rodata: loads from read-only data maps (.rodata, .rodata.*) read the object's bytes,
 * as the kernel's verifier reads constants from a frozen BPF_F_RDONLY_PROG map.
 *
 * Why this over-approximates: a read-only data map (draco_map_desc.rodata) is created by the
 * loader with BPF_F_RDONLY_PROG and frozen after the object's bytes are written into it, so no
 * program and no system call can change them afterwards; under opts.rodata_from_object (the
 * caller's statement that the loader writes the object's bytes unchanged) every execution of
 * the load reads exactly those bytes. Which map a pointer points into is not part of the
 * abstract state (a map value pointer is "shared memory at an offset"), so it is recovered from
 * the code: the base register's definition on the only path that reaches the load (every node
 * on the walk has one predecessor, so the register's value there is the one the definition
 * computed, moved by the arithmetic in between). Pointer arithmetic never leaves the map it
 * started in (a pointer plus a number stays a pointer into the same region; the access check
 * rejects offsets out of it), and the offset comes from the abstract state, which bounds it on
 * every path. Anything else (a join on the way, a call or load that overwrites the register,
 * the register spilled and refilled) gives up, leaving the unknown number a load from shared
 * memory gives.
 */
#include "analysis/rodata.h"

#include <string.h>

/* Whether instruction `in` may write register r (LDDW definitions handled by the caller). */
static bool insn_writes(const struct draco_ir_insn *in, unsigned r)
{
    switch ((enum draco_ir_kind)in->kind) {
    case DRACO_IR_BIN:
    case DRACO_IR_UN:
    case DRACO_IR_LOAD_MAP_FD:
    case DRACO_IR_LOAD_MAP_VALUE:
    case DRACO_IR_LOAD_PSEUDO:
        return in->dst == r;
    case DRACO_IR_MEM:
        return in->is_load && in->dst == r;
    case DRACO_IR_ATOMIC:
        /* a fetch writes the operand register, CMPXCHG r0 */
        return in->src == r || r == 0;
    case DRACO_IR_PACKET:
    case DRACO_IR_CALL:
        /* r0 is the result, r1-r5 are clobbered; r6-r9 are preserved */
        return r <= 5;
    case DRACO_IR_JMP:
    case DRACO_IR_ASSUME:
        return false;
    case DRACO_IR_UNDEFINED:
    case DRACO_IR_CALLX:
    case DRACO_IR_CALL_LOCAL:
    case DRACO_IR_EXIT:
        break;
    }
    return true;
}

int draco_rodata_base_map(const struct draco_actx *ax, uint32_t v, unsigned reg)
{
    const struct draco_cfg *cfg = ax->cfg;
    const struct draco_object *obj = ax->prog ? ax->prog->obj : NULL;
    if (!cfg || v >= cfg->n_nodes || reg >= DRACO_NREGS)
        return 0;
    uint32_t frame = cfg->nodes[v].frame;
    for (unsigned step = 0; step < DRACO_RODATA_WALK; step++) {
        if (draco_cfg_pred_count(cfg, v) != 1)
            return 0;
        v = draco_cfg_preds(cfg, v)[0];
        const struct draco_cfg_node *n = &cfg->nodes[v];
        if (n->frame != frame)
            return 0;
        if (n->kind == DRACO_CFG_ASSUME || n->kind == DRACO_CFG_COUNTER)
            continue;   /* no register is written */
        if (n->kind != DRACO_CFG_INSN || !n->insn)
            return 0;
        const struct draco_ir_insn *in = n->insn;
        if (!insn_writes(in, reg))
            continue;
        if (in->kind == DRACO_IR_LOAD_MAP_VALUE)
            return in->imm > 0 && in->imm <= INT32_MAX ? (int)in->imm : 0;
        if (in->kind == DRACO_IR_LOAD_PSEUDO) {
            if (in->op == DRACO_PSEUDO_MAP_VALUE_BY_IDX && obj && in->imm >= 0 &&
                (uint64_t)in->imm < obj->n_maps)
                return obj->maps[in->imm].info.fd;
            return 0;
        }
        if (in->kind != DRACO_IR_BIN || !in->is64 || in->is_lddw)
            return 0;
        if (in->op == DRACO_BIN_ADD || in->op == DRACO_BIN_SUB)
            continue;   /* the pointer moves inside its region (or stops being one) */
        if (in->op != DRACO_BIN_MOV || !in->src_is_reg)
            return 0;
        reg = in->src;   /* a copy: follow the source */
    }
    return 0;
}

/* The w bytes at p, little endian, zero- or sign-extended to 64 bits. */
static int64_t bytes_value(const uint8_t *p, unsigned w, bool is_signed)
{
    uint64_t u = 0;
    for (unsigned i = 0; i < w; i++)
        u |= (uint64_t)p[i] << (8 * i);
    if (is_signed && w < 8) {
        uint64_t sign = (uint64_t)1 << (8 * w - 1);
        u = (u ^ sign) - sign;
    }
    int64_t x;
    memcpy(&x, &u, sizeof x);
    return x;
}

bool draco_rodata_load(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in,
                       struct draco_astate *s)
{
    if (!ax->has_rodata || !ax->opts.rodata_from_object || ax->opts.big_endian || s->bottom)
        return false;   /* (no read-only map: no walk back on every map-value load) */
    unsigned w = in->width;
    if (w != 1 && w != 2 && w != 4 && w != 8)
        return false;
    int fd = draco_rodata_base_map(ax, v, in->src);
    const struct draco_map_desc *m = fd > 0 ? draco_actx_map(ax, fd) : NULL;
    if (!m || !m->rodata)
        return false;
    draco_itv o;
    draco_itv_init(&o);
    draco_as_itv(ax, s, draco_vslot_var(ax, &ax->regs[in->src], DRACO_VK_SHARED_OFF), &o);
    draco_i128 lo = draco_num_to_i128(&o.lb, false), hi = draco_num_to_i128(&o.ub, true);
    draco_itv_fini(&o);
    if (!draco_zone_is_finite_i128(lo) || !draco_zone_is_finite_i128(hi) || lo > hi)
        return false;
    lo += in->off;
    hi += in->off;
    if (lo < 0 || hi + w > m->info.value_size || hi - lo >= DRACO_RODATA_HULL)
        return false;
    int64_t smin = INT64_MAX, smax = INT64_MIN;
    uint64_t umin = UINT64_MAX, umax = 0;
    for (draco_i128 a = lo; a <= hi; a++) {
        int64_t x = bytes_value(m->rodata + (size_t)a, w, in->is_signed);
        uint64_t u = (uint64_t)x;
        smin = x < smin ? x : smin;
        smax = x > smax ? x : smax;
        umin = u < umin ? u : umin;
        umax = u > umax ? u : umax;
    }
    struct draco_vslot *D = &ax->regs[in->dst];
    if (smin >= 0) {
        draco_slot_set_num_range(ax, s, D, smin, smax);
        return true;
    }
    draco_itv sv, uv;
    draco_itv_init(&sv);
    draco_itv_init(&uv);
    draco_itv_set_range_i64(&sv, smin, smax);
    draco_itv_set_range_u64(&uv, umin, umax);
    draco_slot_set_num_views(ax, s, D, &sv, &uv);
    draco_itv_fini(&sv);
    draco_itv_fini(&uv);
    return true;
}
