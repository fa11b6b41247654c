/* SPDX-License-Identifier: MIT */
/* analysis/state: life cycle and lattice operations of the eBPF abstract state.
 *
 * Invariants: see analysis/astate.h. States come from and return to the context's free list;
 * copies share the type buffer, the zone graph and the stack buffer (reference counts), so the
 * fixpoint's copies are O(1) and the first write detaches. Joins are in place (a := a ⊔ b). The
 * join re-imposes, for each register type present on one side only, the intervals of that type's
 * kind variables from that side (PREVAIL's TypeToNum join), which is sound because those
 * variables are meaningless in the states of the other side.
 */
#include <stdlib.h>
#include <string.h>
#include "analysis/astate.h"

/* ---------------------------------------------------------------- stack buffers */

static struct draco_stack *stack_new(struct draco_actx *ax)
{
    struct draco_stack *k = calloc(1, sizeof *k + (size_t)ax->nwords * sizeof(uint64_t));
    if (!k)
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (stack)");
    else
        k->refs = 1;
    return k;
}

static void stack_release(struct draco_stack *k)
{
    if (k && --k->refs == 0) {
        free(k->cells);
        free(k);
    }
}

static bool stack_reserve(struct draco_actx *ax, struct draco_stack *k, uint32_t n)
{
    if (n <= k->capcells)
        return true;
    uint32_t cap = k->capcells ? k->capcells * 2 : 8;
    while (cap < n)
        cap *= 2;
    uint32_t *c = realloc(k->cells, (size_t)cap * sizeof *c);
    if (!c) {
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (stack cells)");
        return false;
    }
    k->cells = c;
    k->capcells = cap;
    return true;
}

struct draco_stack *draco_as_stack_own(struct draco_actx *ax, struct draco_astate *s)
{
    struct draco_stack *k = s->stack;
    if (!k || k->refs == 1)
        return k;
    struct draco_stack *n = stack_new(ax);
    if (!n)
        return NULL;
    memcpy(n->num, k->num, (size_t)ax->nwords * sizeof(uint64_t));
    if (k->ncells && !stack_reserve(ax, n, k->ncells)) {
        stack_release(n);
        return NULL;
    }
    if (k->ncells)
        memcpy(n->cells, k->cells, (size_t)k->ncells * sizeof *k->cells);
    n->ncells = k->ncells;
    k->refs--;
    s->stack = n;
    return n;
}

/* ---------------------------------------------------------------- life cycle */

static struct draco_astate *state_alloc(struct draco_actx *ax)
{
    struct draco_astate *s = ax->free_states;
    if (s)
        ax->free_states = s->next_free;
    else
        s = malloc(sizeof *s);
    if (!s) {
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (states)");
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->alt = NULL;
    if (++ax->live_states > ax->peak_states)
        ax->peak_states = ax->live_states;
    return s;
}

struct draco_astate *draco_as_new_bottom(struct draco_actx *ax)
{
    struct draco_astate *s = state_alloc(ax);
    if (!s)
        return NULL;
    s->bottom = true;
    draco_types_init_bottom(&s->types);
    draco_zone_init_bottom(&s->zone);
    return s;
}

struct draco_astate *draco_as_new_top(struct draco_actx *ax)
{
    struct draco_astate *s = state_alloc(ax);
    if (!s)
        return NULL;
    draco_zone_init_top(&s->zone);
    if (draco_types_init_top(&s->types, ax->ntvars) != DRACO_OK) {
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (types)");
        draco_types_init_bottom(&s->types);
    }
    s->stack = stack_new(ax);
    if (!s->stack)
        s->bottom = true;
    return s;
}

struct draco_astate *draco_as_copy(struct draco_actx *ax, const struct draco_astate *src)
{
    struct draco_astate *s = state_alloc(ax);
    if (!s)
        return NULL;
    s->bottom = src->bottom;
    memcpy(s->tz, src->tz, sizeof s->tz);
    draco_types_copy(&s->types, &src->types);
    draco_zone_init_top(&s->zone);
    draco_zone_assign_copy(&s->zone, &src->zone);
    s->stack = src->stack;
    if (s->stack)
        s->stack->refs++;
    return s;
}

void draco_as_set_bottom(struct draco_actx *ax, struct draco_astate *s)
{
    DRACO_UNUSED(ax);
    s->bottom = true;
    draco_types_fini(&s->types);
    draco_types_init_bottom(&s->types);
    draco_zone_set_bottom(&s->zone);
    stack_release(s->stack);
    s->stack = NULL;
}

void draco_as_free(struct draco_actx *ax, struct draco_astate *s)
{
    if (!s)
        return;
    draco_types_fini(&s->types);
    draco_zone_fini(&s->zone);
    stack_release(s->stack);
    s->stack = NULL;
    s->next_free = ax->free_states;
    ax->free_states = s;
    ax->live_states--;
}

void draco_as_list_free(struct draco_actx *ax, struct draco_astate *s)
{
    while (s) {
        struct draco_astate *n = s->alt;
        s->alt = NULL;
        draco_as_free(ax, s);
        s = n;
    }
}

struct draco_astate *draco_as_list_copy(struct draco_actx *ax, const struct draco_astate *s)
{
    struct draco_astate *head = NULL, **tail = &head;
    for (; s; s = s->alt) {
        struct draco_astate *c = draco_as_copy(ax, s);
        if (!c) {
            draco_as_list_free(ax, head);
            return NULL;
        }
        *tail = c;
        tail = &c->alt;
    }
    return head;
}

struct draco_astate *draco_as_list_collapse(struct draco_actx *ax, struct draco_astate *s)
{
    if (!s)
        return draco_as_new_bottom(ax);
    struct draco_astate *rest = s->alt;
    s->alt = NULL;
    for (struct draco_astate *r = rest; r; r = r->alt)
        draco_as_join_into(ax, s, r);
    draco_as_list_free(ax, rest);
    return s;
}

struct draco_astate *draco_as_list_normalize(struct draco_actx *ax, struct draco_astate *s, unsigned max)
{
    struct draco_astate *head = NULL, **tail = &head, *bottom = NULL;
    unsigned n = 0;
    while (s) {
        struct draco_astate *next = s->alt;
        s->alt = NULL;
        if (s->bottom) {
            if (!bottom)
                bottom = s;
            else
                draco_as_free(ax, s);
        } else {
            *tail = s;
            tail = &s->alt;
            n++;
        }
        s = next;
    }
    if (!head)
        return bottom ? bottom : draco_as_new_bottom(ax);
    draco_as_free(ax, bottom);
    if (n > max)
        head = draco_as_list_collapse(ax, head);
    return head;
}

/* Replaces a by a copy of b. */
static void state_assign(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b)
{
    a->bottom = b->bottom;
    memcpy(a->tz, b->tz, sizeof a->tz);
    draco_types_assign_state(&a->types, &b->types);
    draco_zone_assign_copy(&a->zone, &b->zone);
    if (b->stack)
        b->stack->refs++;
    stack_release(a->stack);
    a->stack = b->stack;
    DRACO_UNUSED(ax);
}

/* ---------------------------------------------------------------- lattice */

static void check_status(struct draco_actx *ax, draco_status st, const char *what)
{
    if (st != DRACO_OK)
        draco_actx_fail(ax, st, "%s failed (%d)", what, (int)st);
}

/* cells: a := a ∩ b (intersect = true) or a ∪ b */
static void stack_cells_merge(struct draco_actx *ax, struct draco_astate *a, const struct draco_stack *kb,
                              bool intersect)
{
    struct draco_stack *ka = a->stack;
    if (ka == kb)
        return;
    /* quick check: equal lists need no change */
    if (ka->ncells == kb->ncells && (!ka->ncells ||
                                     memcmp(ka->cells, kb->cells, ka->ncells * sizeof *ka->cells) == 0))
        return;
    ka = draco_as_stack_own(ax, a);
    if (!ka)
        return;
    if (intersect) {
        uint32_t i = 0, j = 0, o = 0;
        while (i < ka->ncells && j < kb->ncells) {
            if (ka->cells[i] == kb->cells[j]) {
                ka->cells[o++] = ka->cells[i];
                i++;
                j++;
            } else {
                /* order by (off, size) through the registry */
                const struct draco_cell_info *x = ax->cells.data[ka->cells[i]], *y = ax->cells.data[kb->cells[j]];
                if (x->off < y->off || (x->off == y->off && x->size < y->size))
                    i++;
                else
                    j++;
            }
        }
        ka->ncells = o;
        return;
    }
    uint32_t n = ka->ncells + kb->ncells;
    uint32_t *m = malloc((size_t)(n ? n : 1) * sizeof *m);
    if (!m) {
        draco_actx_fail(ax, DRACO_ERR_NOMEM, "out of memory (stack cells)");
        return;
    }
    uint32_t i = 0, j = 0, o = 0;
    while (i < ka->ncells || j < kb->ncells) {
        if (j >= kb->ncells) {
            m[o++] = ka->cells[i++];
        } else if (i >= ka->ncells) {
            m[o++] = kb->cells[j++];
        } else if (ka->cells[i] == kb->cells[j]) {
            m[o++] = ka->cells[i++];
            j++;
        } else {
            const struct draco_cell_info *x = ax->cells.data[ka->cells[i]], *y = ax->cells.data[kb->cells[j]];
            if (x->off < y->off || (x->off == y->off && x->size < y->size))
                m[o++] = ka->cells[i++];
            else
                m[o++] = kb->cells[j++];
        }
    }
    free(ka->cells);
    ka->cells = m;
    ka->capcells = n ? n : 1;
    ka->ncells = o;
}

static void stack_join(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b)
{
    if (a->stack == b->stack)
        return;
    /* known-numeric bits: AND */
    bool changes = false;
    for (uint32_t i = 0; i < ax->nwords; i++)
        if (a->stack->num[i] & ~b->stack->num[i]) {
            changes = true;
            break;
        }
    if (changes) {
        struct draco_stack *k = draco_as_stack_own(ax, a);
        if (!k)
            return;
        draco_bitset_and_into(k->num, b->stack->num, ax->nwords);
    }
    stack_cells_merge(ax, a, b->stack, true);
}

struct reimpose {
    uint32_t var;
    draco_itv itv;
};

typedef DRACO_VEC(struct reimpose) reimpose_vec;

/* Records the intervals of the kind variables of the types in `only` of `slot` in state x. */
static void collect_one_sided(struct draco_actx *ax, const struct draco_astate *x, draco_typeset only,
                              const struct draco_vslot *slot, reimpose_vec *out)
{
    for (unsigned t = DRACO_TYPE_NUMBER; t < DRACO_TYPE_COUNT; t++) {
        if (!(only & DRACO_TS(t)))
            continue;
        enum draco_vk ks[2];
        unsigned nk = draco_type_kinds((draco_type)t, ks);
        for (unsigned i = 0; i < nk; i++) {
            uint32_t var = slot->var[ks[i]];
            if (var == DRACO_VAR_NONE)
                continue;
            struct reimpose r;
            r.var = var;
            draco_itv_init(&r.itv);
            draco_as_itv(ax, x, var, &r.itv);
            if (draco_itv_is_top(&r.itv) || draco_vec_push(out, r) != 0)
                draco_itv_fini(&r.itv);
        }
    }
}

static void collect_slot(struct draco_actx *ax, const struct draco_astate *a, const struct draco_astate *b,
                         const struct draco_vslot *slot, reimpose_vec *out)
{
    draco_typeset ta = draco_types_get(&a->types, slot->tvar), tb = draco_types_get(&b->types, slot->tvar);
    if (ta == tb)
        return;
    /* a value that may be uninitialised is unusable: nothing to keep */
    if ((ta | tb) & DRACO_TS(DRACO_TYPE_UNINIT))
        return;
    collect_one_sided(ax, a, (draco_typeset)(ta & ~tb), slot, out);
    collect_one_sided(ax, b, (draco_typeset)(tb & ~ta), slot, out);
}

void draco_as_join_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b)
{
    if (!b || b->bottom)
        return;
    if (a->bottom) {
        state_assign(ax, a, b);
        return;
    }
    reimpose_vec ri = {0};
    for (unsigned r = 0; r < DRACO_NREGS; r++)
        collect_slot(ax, a, b, &ax->regs[r], &ri);
    /* cells live on both sides (the others become top anyway) */
    const struct draco_stack *ka = a->stack, *kb = b->stack;
    for (uint32_t i = 0, j = 0; i < ka->ncells && j < kb->ncells;) {
        if (ka->cells[i] == kb->cells[j]) {
            collect_slot(ax, a, b, &ax->cells.data[ka->cells[i]]->slot, &ri);
            i++;
            j++;
            continue;
        }
        const struct draco_cell_info *x = ax->cells.data[ka->cells[i]], *y = ax->cells.data[kb->cells[j]];
        if (x->off < y->off || (x->off == y->off && x->size < y->size))
            i++;
        else
            j++;
    }
    check_status(ax, draco_zone_join_into(&ax->dctx, &a->zone, &b->zone), "zone join");
    check_status(ax, draco_types_join_into(&a->types, &b->types), "type join");
    stack_join(ax, a, b);
    for (unsigned r = 0; r < DRACO_NREGS; r++)
        if (b->tz[r] < a->tz[r])
            a->tz[r] = b->tz[r];
    for (size_t i = 0; i < ri.len; i++) {
        draco_as_meet_itv(ax, a, ri.data[i].var, &ri.data[i].itv);
        draco_itv_fini(&ri.data[i].itv);
    }
    draco_vec_free(&ri);
    if (a->bottom)
        draco_actx_fail(ax, DRACO_ERR_INTERNAL, "join of two non-bottom states is bottom");
}

void draco_as_widen_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b)
{
    if (!b || b->bottom)
        return;
    if (a->bottom) {
        state_assign(ax, a, b);
        return;
    }
    check_status(ax, draco_zone_widen_into(&ax->dctx, &a->zone, &b->zone), "zone widen");
    check_status(ax, draco_types_widen_into(&a->types, &b->types), "type widen");
    stack_join(ax, a, b);
    for (unsigned r = 0; r < DRACO_NREGS; r++)
        if (b->tz[r] < a->tz[r])
            a->tz[r] = b->tz[r];
}

void draco_as_meet_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b)
{
    if (a->bottom)
        return;
    if (!b || b->bottom) {
        draco_as_set_bottom(ax, a);
        return;
    }
    for (unsigned r = 0; r < DRACO_NREGS; r++)
        if (b->tz[r] > a->tz[r])
            a->tz[r] = b->tz[r];
    check_status(ax, draco_zone_meet_into(&ax->dctx, &a->zone, &b->zone), "zone meet");
    check_status(ax, draco_types_meet_into(&a->types, &b->types), "type meet");
    if (draco_zone_is_bottom(&a->zone) || draco_types_is_bottom(&a->types)) {
        draco_as_set_bottom(ax, a);
        return;
    }
    if (a->stack != b->stack) {
        struct draco_stack *k = draco_as_stack_own(ax, a);
        if (!k)
            return;
        draco_bitset_or_into(k->num, b->stack->num, ax->nwords);
        stack_cells_merge(ax, a, b->stack, false);
    }
}

void draco_as_narrow_into(struct draco_actx *ax, struct draco_astate *a, const struct draco_astate *b)
{
    if (a->bottom)
        return;
    if (!b || b->bottom) {
        draco_as_set_bottom(ax, a);
        return;
    }
    /* only the numeric part is narrowed: keeping a's types and stack is sound (a ⊒ result) */
    check_status(ax, draco_zone_narrow_into(&ax->dctx, &a->zone, &b->zone), "zone narrow");
    if (draco_zone_is_bottom(&a->zone))
        draco_as_set_bottom(ax, a);
}

bool draco_as_leq(struct draco_actx *ax, const struct draco_astate *a, const struct draco_astate *b)
{
    if (!a || a->bottom)
        return true;
    if (!b || b->bottom)
        return false;
    if (!draco_types_leq(&a->types, &b->types))
        return false;
    for (unsigned r = 0; r < DRACO_NREGS; r++)
        if (a->tz[r] < b->tz[r])
            return false;
    if (a->stack != b->stack && !draco_bitset_is_subset(b->stack->num, a->stack->num, ax->nwords))
        return false;
    return draco_zone_leq(&ax->dctx, &a->zone, &b->zone);
}

/* ---------------------------------------------------------------- entry state */

struct draco_astate *draco_as_new_entry(struct draco_actx *ax)
{
    struct draco_astate *s = draco_as_new_top(ax);
    if (!s || s->bottom)
        return s;
    struct draco_vslot *r10 = &ax->regs[10];
    draco_slot_set_type(ax, s, r10, DRACO_TYPE_STACK);
    draco_as_set_cst(ax, s, draco_vslot_var(ax, r10, DRACO_VK_STACK_OFF), ax->total_stack);
    draco_as_set_range(ax, s, draco_vslot_var(ax, r10, DRACO_VK_UVAL), ax->total_stack, ax->ptr_max);
    if (ax->ctxd && ax->ctxd->size > 0) {
        struct draco_vslot *r1 = &ax->regs[1];
        draco_slot_set_type(ax, s, r1, DRACO_TYPE_CTX);
        draco_as_set_cst(ax, s, draco_vslot_var(ax, r1, DRACO_VK_CTX_OFF), 0);
        draco_as_set_range(ax, s, draco_vslot_var(ax, r1, DRACO_VK_UVAL), 1, ax->ptr_max);
    }
    draco_as_set_range(ax, s, ax->packet_size, 0, (int64_t)ax->opts.max_packet_size - 1);
    if (ax->ctxd && ax->ctxd->data_meta >= 0)
        draco_as_set_range(ax, s, ax->meta_offset, -4098, 0);
    else
        draco_as_set_cst(ax, s, ax->meta_offset, 0);
    for (uint32_t v = 0; v < ax->cfg->n_nodes; v++)
        if (ax->cfg->nodes[v].kind == DRACO_CFG_COUNTER)
            draco_as_set_cst(ax, s, draco_counter_var(ax, v), 0);
    return s;
}

void draco_packet_invalidate(struct draco_actx *ax, struct draco_astate *s)
{
    if (s->bottom)
        return;
    for (unsigned r = 0; r < DRACO_NREGS; r++)
        if (draco_types_may_have_type(&s->types, ax->regs[r].tvar, DRACO_TYPE_PACKET))
            draco_slot_havoc(ax, s, &ax->regs[r]);
    /* registers saved by inlined calls */
    for (size_t i = 0; i < (size_t)ax->cfg->n_frames * 4; i++)
        if (draco_types_may_have_type(&s->types, ax->saved[i].tvar, DRACO_TYPE_PACKET))
            draco_slot_havoc(ax, s, &ax->saved[i]);
    /* spilled packet pointers */
    if (s->stack) {
        for (uint32_t i = 0; i < s->stack->ncells;) {
            struct draco_cell_info *c = ax->cells.data[s->stack->cells[i]];
            if (draco_types_may_have_type(&s->types, c->slot.tvar, DRACO_TYPE_PACKET)) {
                uint32_t before = s->stack->ncells;
                draco_stack_kill(ax, s, c->off, c->off + c->size);
                if (!s->stack || s->stack->ncells == before)
                    break;
                continue;
            }
            i++;
        }
    }
    draco_as_set_range(ax, s, ax->packet_size, 0, (int64_t)ax->opts.max_packet_size - 1);
    if (ax->ctxd && ax->ctxd->data_meta >= 0)
        draco_as_set_range(ax, s, ax->meta_offset, -4098, 0);
    else
        draco_as_set_cst(ax, s, ax->meta_offset, 0);
}
