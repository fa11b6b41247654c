/* SPDX-License-Identifier: MIT */
/* check/check_callback: the checks of callback helpers (bpf_loop, bpf_for_each_map_elem) whose
 * callback the CFG inlined at a callback site (see draco_cfg_build()): at the call, the callback
 * register holds exactly the inlined function, the map of for_each has a type with for-each
 * support, and the callback never writes the map key; at each callback return, r0 is in [0, 1].
 *
 * Invariants: every check reads the state and the CFG only; anything not proven fails. The key of
 * bpf_for_each_map_elem is read-only memory for the kernel (an element's key inside a hash table)
 * while the analysis types it as a shared region like the value: a syntactic may-analysis over the
 * callback's frames (registers that may hold a pointer derived from the key) refuses any store,
 * atomic operation or written helper argument through such a register, and any store of it to
 * memory (from where it could be reloaded, or outlive the helper).
 */
#include <stdlib.h>
#include <string.h>
#include "check/check_internal.h"

static bool fail_msg(struct draco_sb *why, const char *m)
{
    draco_sb_puts(why, m);
    return false;
}

static bool frame_is_in_callback(const struct draco_cfg *cfg, uint32_t f)
{
    for (; f != DRACO_CFG_NONE && f < cfg->n_frames; f = cfg->frames[f].parent)
        if (cfg->frames[f].kind == DRACO_FRAME_CALLBACK)
            return true;
    return false;
}

/* The CALLBACK frame below helper frame h, or NONE. */
static uint32_t callback_frame_of(const struct draco_cfg *cfg, uint32_t h)
{
    for (uint32_t f = 0; f < cfg->n_frames; f++)
        if (cfg->frames[f].parent == h && cfg->frames[f].kind == DRACO_FRAME_CALLBACK)
            return f;
    return DRACO_CFG_NONE;
}

#define BIT(r) ((uint16_t)(1u << (r)))

/* Transfer of the key-taint analysis over one node: *m is the set of registers that may hold a
 * key-derived pointer. Returns false (with the reason) when the node may write through or store
 * such a pointer. `call_in` gives the caller's set at the call of an inlined bpf2bpf frame. */
static bool taint_step(struct draco_actx *ax, uint32_t v, uint16_t *m, const uint16_t *in, struct draco_sb *why)
{
    const struct draco_cfg *cfg = ax->cfg;
    const struct draco_cfg_node *n = &cfg->nodes[v];
    if (n->kind != DRACO_CFG_INSN)
        return true;
    const struct draco_ir_insn *i = n->insn;
    uint16_t t = *m;
    switch ((enum draco_ir_kind)i->kind) {
    case DRACO_IR_BIN:
        if (i->op == DRACO_BIN_MOV || i->op == DRACO_BIN_MOVSX8 || i->op == DRACO_BIN_MOVSX16 ||
            i->op == DRACO_BIN_MOVSX32)
            t = (uint16_t)(t & ~BIT(i->dst));
        if (i->src_is_reg && (*m & BIT(i->src)))
            t |= BIT(i->dst);
        break;
    case DRACO_IR_UN:
    case DRACO_IR_JMP:
    case DRACO_IR_ASSUME:
        break;
    case DRACO_IR_LOAD_MAP_FD:
    case DRACO_IR_LOAD_MAP_VALUE:
    case DRACO_IR_LOAD_PSEUDO:
        t = (uint16_t)(t & ~BIT(i->dst));
        break;
    case DRACO_IR_MEM:
        if (i->is_load) {
            t = (uint16_t)(t & ~BIT(i->dst));
            break;
        }
        if (*m & BIT(i->dst))
            goto write_key;
        if (i->src_is_reg && (*m & BIT(i->src)))
            goto store_key;
        break;
    case DRACO_IR_ATOMIC:
        if (*m & BIT(i->dst))
            goto write_key;
        if (*m & BIT(i->src))
            goto store_key;
        if (i->fetch)
            t = (uint16_t)(t & ~BIT(i->src));
        if (i->op == DRACO_ATOMIC_CMPXCHG)
            t = (uint16_t)(t & ~BIT(0));
        break;
    case DRACO_IR_CALL: {
        const struct draco_helper_proto *p = draco_call_proto(ax, i, NULL);
        for (int k = 0; p && k < DRACO_HELPER_ARGS; k++) {
            enum draco_arg_kind a = p->args[k];
            bool written = draco_arg_kind_is_written(a) || a == DRACO_ARG_PTR_TO_SPIN_LOCK ||
                           a == DRACO_ARG_PTR_TO_TIMER;
            if (written && (*m & BIT(k + 1)))
                goto write_key;
        }
        t = (uint16_t)(t & ~0x3fu);
        break;
    }
    case DRACO_IR_PACKET:
    case DRACO_IR_CALLX:
        t = (uint16_t)(t & ~0x3fu);
        break;
    case DRACO_IR_CALL_LOCAL:
        break;   /* the callee's first node gets every register */
    case DRACO_IR_EXIT: {
        /* returning from an inlined bpf2bpf frame: r0 comes back, r6-r9 are the caller's */
        uint32_t f = n->frame;
        uint32_t call = f < cfg->n_frames ? cfg->frames[f].call_node : DRACO_CFG_NONE;
        uint16_t caller = call != DRACO_CFG_NONE ? in[call] : 0x3ffu;
        t = (uint16_t)((t & BIT(0)) | (caller & 0x3c0u));
        break;
    }
    case DRACO_IR_UNDEFINED:
    default:
        t = 0x3ffu;
        break;
    }
    *m = t;
    return true;
write_key:
    draco_sb_printf(why, "callback may write the read-only map key (at %u)", i->pc);
    return false;
store_key:
    draco_sb_printf(why, "callback may store the map key pointer to memory (at %u)", i->pc);
    return false;
}

/* Whether the callback running in frame g (and the functions it calls) never writes through, or
 * stores, a pointer derived from its key argument (r2 at entry). */
static bool key_stays_read_only(struct draco_actx *ax, uint32_t g, struct draco_sb *why)
{
    const struct draco_cfg *cfg = ax->cfg;
    uint32_t nn = cfg->n_nodes;
    bool ok = true;
    uint8_t *sub = calloc(cfg->n_frames ? cfg->n_frames : 1, 1);
    uint16_t *in = calloc(nn ? nn : 1, sizeof *in);
    uint8_t *seen = calloc(nn ? nn : 1, 1);
    if (!sub || !in || !seen) {
        ok = fail_msg(why, "out of memory checking the callback");
        goto done;
    }
    for (uint32_t f = 0; f < cfg->n_frames; f++)
        for (uint32_t x = f; x != DRACO_CFG_NONE && x < cfg->n_frames; x = cfg->frames[x].parent)
            if (x == g) {
                sub[f] = 1;
                break;
            }
    uint32_t enter = cfg->frames[g].call_node;
    if (enter == DRACO_CFG_NONE || enter >= nn)
        goto done;   /* the callback is never entered */
    for (uint32_t k = cfg->succ_start[enter]; k < cfg->succ_start[enter + 1]; k++) {
        in[cfg->succ[k]] |= BIT(2);
        seen[cfg->succ[k]] = 1;
    }
    /* round-robin to the fixpoint: sets only grow, 10 bits per node */
    for (bool changed = true; changed && ok;) {
        changed = false;
        for (uint32_t v = 0; v < nn && ok; v++) {
            if (!seen[v] || cfg->nodes[v].frame >= cfg->n_frames || !sub[cfg->nodes[v].frame])
                continue;
            uint16_t m = in[v];
            if (!taint_step(ax, v, &m, in, why)) {
                ok = false;
                break;
            }
            for (uint32_t k = cfg->succ_start[v]; k < cfg->succ_start[v + 1]; k++) {
                uint32_t w = cfg->succ[k];
                if (cfg->nodes[w].frame >= cfg->n_frames || !sub[cfg->nodes[w].frame])
                    continue;
                if (!seen[w] || (in[w] | m) != in[w]) {
                    in[w] |= m;
                    seen[w] = 1;
                    changed = true;
                }
            }
        }
    }
done:
    free(sub);
    free(in);
    free(seen);
    return ok;
}

static bool check_return(struct draco_actx *ax, const struct draco_astate *s, struct draco_sb *why)
{
    if (draco_as_reg_types(ax, s, 0) != DRACO_TS_NUM)
        return fail_msg(why, "callback return value is not a number");
    uint32_t r0 = draco_reg_var(ax, 0, DRACO_VK_SVAL);
    if (!draco_as_entails_ge(ax, s, r0, 0) || !draco_as_entails_le(ax, s, r0, DRACO_VAR_NONE, 1))
        return fail_msg(why, "callback return value must be in [0, 1]");
    return true;
}

bool draco_check_callback(struct draco_actx *ax, uint32_t v, const struct draco_astate *s,
                          const struct draco_assertion *a, struct draco_sb *why)
{
    const struct draco_cfg *cfg = ax->cfg;
    const struct draco_cfg_node *n = &cfg->nodes[v];
    if (n->kind == DRACO_CFG_CB_RETURN)
        return check_return(ax, s, why);
    const struct draco_helper_proto *p = n->kind == DRACO_CFG_INSN ? draco_call_proto(ax, n->insn, NULL) : NULL;
    if (!p || p->callback == DRACO_CALLBACK_NONE) {
        draco_sb_printf(why, "callback functions are not verified (%s)", p ? p->name : "?");
        return false;
    }
    uint32_t h = n->callee_frame;
    if (h == DRACO_CFG_NONE || h >= cfg->n_frames || cfg->frames[h].kind != DRACO_FRAME_HELPER) {
        if (frame_is_in_callback(cfg, n->frame))
            return fail_msg(why, "nested callback calls are not supported");
        return fail_msg(why, "callback must be a constant function address (code_addr) set in the same "
                             "basic block as the call");
    }
    uint32_t g = callback_frame_of(cfg, h);
    if (g == DRACO_CFG_NONE)
        return fail_msg(why, "callback site without a callback frame");
    /* the callback register holds exactly the function the CFG inlined */
    draco_itv f;
    draco_itv_init(&f);
    draco_as_itv(ax, s, draco_reg_var(ax, a->reg, DRACO_VK_UVAL), &f);
    int64_t pc;
    bool single = draco_itv_singleton_i64(&f, &pc);
    draco_itv_fini(&f);
    if (draco_as_reg_types(ax, s, a->reg) != DRACO_TS(DRACO_TYPE_FUNC) || !single ||
        pc != (int64_t)cfg->frames[h].entry_pc) {
        draco_sb_printf(why, "r%u is not the callback function inlined at this call", a->reg);
        return false;
    }
    if (p->callback == DRACO_CALLBACK_FOR_EACH_MAP_ELEM) {
        uint32_t ks, vs, mt;
        bool tk;
        if (draco_as_reg_types(ax, s, 1) != DRACO_TS(DRACO_TYPE_MAP_FD) ||
            !draco_reg_map_sizes(ax, s, 1, false, &ks, &vs, &mt, &tk) || !tk)
            return fail_msg(why, "map of bpf_for_each_map_elem is not known");
        if (p->map_types && (mt >= 64 || !(p->map_types & (1ull << mt)))) {
            draco_sb_printf(why, "map type %u has no for-each callback", mt);
            return false;
        }
        if (!key_stays_read_only(ax, g, why))
            return false;
    }
    return true;
}
