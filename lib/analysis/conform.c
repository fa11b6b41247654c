/* SPDX-License-Identifier: MIT */
/* analysis/conform: the conformance interface — PREVAIL constraint strings (domains/constraint.h)
 * met into a state, with PREVAIL's variable names mapped onto ours ("r1.svalue", "r2.type",
 * "packet_size", "meta_offset", "pc[L]", "s[a...b].kind", "s[a].type").
 *
 * Invariants: a constraint only ever shrinks the state (meet); a name this analysis does not
 * know, or a string that does not parse, is an input error (DRACO_ERR_INVALID, recorded in the
 * context) — never silently ignored. A stack cell named in a constraint becomes live; a cell
 * constrained to type number marks its bytes known-numeric.
 */
#include <stdlib.h>
#include <string.h>
#include "analysis/astate.h"
#include "domains/constraint.h"

struct vref {
    bool is_type;
    uint32_t var;      /* numeric variable, or type variable when is_type */
    int32_t cell;      /* cell registry index, -1 if not a cell */
    int64_t range_lo, range_hi; /* a stack byte range wider than a cell ("s[496...511].type") */
};

static bool kind_by_name(const char *k, enum draco_vk *out)
{
    for (unsigned i = 0; i < DRACO_VK_COUNT; i++)
        if (strcmp(k, draco_vk_name((enum draco_vk)i)) == 0) {
            *out = (enum draco_vk)i;
            return true;
        }
    return false;
}

static bool slot_ref(struct draco_actx *ax, struct draco_vslot *slot, const char *kind, struct vref *r)
{
    if (strcmp(kind, "type") == 0) {
        r->is_type = true;
        r->var = slot->tvar;
        return true;
    }
    enum draco_vk k;
    if (!kind_by_name(kind, &k))
        return false;
    r->var = draco_vslot_var(ax, slot, k);
    return true;
}

static bool resolve(struct draco_actx *ax, const char *name, struct vref *r)
{
    memset(r, 0, sizeof *r);
    r->cell = -1;
    if (strcmp(name, "packet_size") == 0) {
        r->var = ax->packet_size;
        return true;
    }
    if (strcmp(name, "meta_offset") == 0) {
        r->var = ax->meta_offset;
        return true;
    }
    if (name[0] == 'r' && name[1] >= '0' && name[1] <= '9') {
        char *end;
        long reg = strtol(name + 1, &end, 10);
        if (*end != '.' || reg < 0 || reg >= DRACO_NREGS)
            return false;
        return slot_ref(ax, &ax->regs[reg], end + 1, r);
    }
    if (strncmp(name, "pc[", 3) == 0) {
        const char *close = strrchr(name, ']');
        if (!close || close[1])
            return false;
        size_t len = (size_t)(close - (name + 3));
        struct draco_sb sb;
        draco_sb_init(&sb);
        bool found = false;
        for (uint32_t v = 0; v < ax->cfg->n_nodes && !found; v++) {
            if (ax->cfg->nodes[v].kind != DRACO_CFG_COUNTER)
                continue;
            draco_sb_clear(&sb);
            draco_cfg_node_label(ax->cfg, ax->cfg->nodes[v].loop_head, &sb);
            if (sb.len == len && strncmp(draco_sb_str(&sb), name + 3, len) == 0) {
                r->var = draco_counter_var(ax, v);
                found = true;
            }
        }
        draco_sb_fini(&sb);
        return found;
    }
    if (strncmp(name, "s[", 2) == 0) {
        char *end;
        long a = strtol(name + 2, &end, 10), b = a;
        if (strncmp(end, "...", 3) == 0)
            b = strtol(end + 3, &end, 10);
        if (end[0] != ']' || end[1] != '.' || a < 0 || b < a || b >= (long)ax->total_stack)
            return false;
        if (b - a >= 8) {
            /* a byte range, only meaningful for its type ("these bytes are numbers") */
            if (strcmp(end + 2, "type") != 0)
                return false;
            r->is_type = true;
            r->range_lo = a;
            r->range_hi = b + 1;
            r->var = DRACO_VAR_NONE;
            return true;
        }
        uint32_t ci = draco_cell_intern(ax, (int32_t)a, (uint32_t)(b - a + 1));
        if (ci == UINT32_MAX)
            return false;
        r->cell = (int32_t)ci;
        return slot_ref(ax, &ax->cells.data[ci]->slot, end + 2, r);
    }
    return false;
}

static void apply_one(struct draco_actx *ax, struct draco_astate *s, const struct draco_constraint *c,
                      const char *text)
{
    if (c->kind == DRACO_CONSTRAINT_BOTTOM) {
        draco_as_set_bottom(ax, s);
        return;
    }
    struct vref l, r;
    if (!resolve(ax, c->lhs, &l) || (c->rhs[0] && !resolve(ax, c->rhs, &r))) {
        draco_actx_fail(ax, DRACO_ERR_INVALID, "unknown variable in constraint '%s'", text);
        return;
    }
    if (l.cell >= 0)
        draco_stack_cell_add(ax, s, (uint32_t)l.cell);
    if (c->rhs[0] && r.cell >= 0)
        draco_stack_cell_add(ax, s, (uint32_t)r.cell);
    if (s->bottom)
        return;
    int64_t k = 0;
    switch (c->kind) {
    case DRACO_CONSTRAINT_ITV:
        if (l.is_type)
            goto bad;
        draco_as_meet_itv(ax, s, l.var, &c->itv);
        return;
    case DRACO_CONSTRAINT_NEQ:
        if (l.is_type || !draco_num_get_i64(&c->k, &k))
            goto bad;
        draco_as_add_neq_cst(ax, s, l.var, k);
        return;
    case DRACO_CONSTRAINT_VAR:
        if (l.is_type || r.is_type || !draco_num_get_i64(&c->k, &k))
            goto bad;
        draco_as_add_eq(ax, s, l.var, r.var, k);
        return;
    case DRACO_CONSTRAINT_DIFF:
        if (l.is_type || r.is_type || !draco_num_get_i64(&c->k, &k))
            goto bad;
        draco_as_add_le(ax, s, l.var, r.var, k);
        return;
    case DRACO_CONSTRAINT_TYPES: {
        if (!l.is_type)
            goto bad;
        if (l.var == DRACO_VAR_NONE) {
            if (c->types == DRACO_TS_NUM)
                draco_stack_mark(ax, s, l.range_lo, l.range_hi, true);
            else if (!(c->types & DRACO_TS_NUM))
                draco_stack_mark(ax, s, l.range_lo, l.range_hi, false);
            return;
        }
        draco_status st = draco_types_restrict(&s->types, l.var, c->types);
        if (st != DRACO_OK)
            draco_actx_fail(ax, st, "type domain error");
        if (draco_types_is_bottom(&s->types)) {
            draco_as_set_bottom(ax, s);
            return;
        }
        if (l.cell >= 0 && c->types == DRACO_TS_NUM) {
            const struct draco_cell_info *ci = ax->cells.data[l.cell];
            draco_stack_mark(ax, s, ci->off, ci->off + (int64_t)ci->size, true);
        }
        return;
    }
    case DRACO_CONSTRAINT_TYPE_EQ: {
        if (!l.is_type || !r.is_type || l.var == DRACO_VAR_NONE || r.var == DRACO_VAR_NONE)
            goto bad;
        draco_status st = draco_types_unify(&s->types, l.var, r.var);
        if (st != DRACO_OK)
            draco_actx_fail(ax, st, "type domain error");
        if (draco_types_is_bottom(&s->types))
            draco_as_set_bottom(ax, s);
        return;
    }
    case DRACO_CONSTRAINT_BOTTOM:
        return;
    }
bad:
    draco_actx_fail(ax, DRACO_ERR_INVALID, "constraint '%s' does not fit its variables", text);
}

void draco_as_apply_constraints(struct draco_actx *ax, struct draco_astate *s, const char *const *pre,
                                size_t n)
{
    for (size_t i = 0; i < n && draco_actx_ok(ax) && !s->bottom; i++) {
        struct draco_constraint c;
        draco_constraint_init(&c);
        draco_error e = {0};
        if (draco_constraint_parse(pre[i], &c, NULL, &e) != DRACO_OK)
            draco_actx_fail(ax, DRACO_ERR_INVALID, "constraint '%s': %s", pre[i], e.message);
        else
            apply_one(ax, s, &c, pre[i]);
        draco_constraint_fini(&c);
    }
}
