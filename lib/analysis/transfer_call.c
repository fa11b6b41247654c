/* SPDX-License-Identifier: MIT */
/* analysis/transfer_call: helper/builtin/kfunc calls from their prototypes, legacy packet loads,
 * inlined bpf2bpf calls and returns, loop counters, and the per-node dispatcher.
 *
 * Over-approximation: a helper call havocs r1-r5, sets r0 from the return kind (map lookups give
 * a possibly-null pointer to a value of the smallest candidate map's size, allocations a
 * possibly-null region of the requested size), kills the stack cells any memory argument may
 * write and marks numeric only the bytes every possible (pointer, size) pair writes, and a
 * packet-reallocating helper makes every packet pointer unusable and forgets packet_size.
 * Calls the platform cannot describe leave r0 unusable; the checker rejects them.
 *
 * Callback helpers (bpf_loop, bpf_for_each_map_elem) at a callback site of the CFG run as a small
 * function of their own (the HELPER frame): the call saves the caller's r6-r9 in that frame's
 * slots and keeps the helper's arguments in r6 (r1: map or count), r7 (r3: callback context) and
 * r8 (r4: flags); each CB_ENTER then calls the callback like a bpf2bpf call (its saved r6-r9 are
 * the helper's, restored by the callback's EXIT) with the arguments the helper passes; CB_DONE
 * restores the caller's r6-r9 and sets r0. The loop head joins zero, one or more invocations, so
 * the fixpoint's invariant covers every number of calls the helper may make.
 */
#include "analysis/astate.h"
#include "elf/object.h"

const struct draco_helper_proto *draco_call_proto(struct draco_actx *ax, const struct draco_ir_insn *in,
                                                  const char **name)
{
    const struct draco_helper_proto *p = NULL;
    const char *ext = NULL;
    if (ax->prog && ax->prog->ext_name && in->pc < ax->prog->n_slots)
        ext = ax->prog->ext_name[in->pc];
    if (name)
        *name = ext;
    switch ((enum draco_call_kind)in->op) {
    case DRACO_CALL_HELPER:
        if (in->imm >= INT32_MIN && in->imm <= INT32_MAX)
            p = ax->plat->helper_proto(ax->plat, (int32_t)in->imm, ax->ptype);
        break;
    case DRACO_CALL_BUILTIN:
        if (ext && ax->plat->helper_by_name)
            p = ax->plat->helper_by_name(ax->plat, ext);
        else if (ext)
            p = draco_builtin_by_name(ext);
        if (!p)
            p = draco_builtin_proto(DRACO_BUILTIN_EXTERN_UNSPECIFIED);
        break;
    case DRACO_CALL_KFUNC:
        if (ext && ax->plat->kfunc_resolve)
            p = ax->plat->kfunc_resolve(ax->plat, ext, ax->ptype);
        break;
    }
    if (p && name && !*name)
        *name = p->name;
    return p;
}

static bool r10_offset(struct draco_actx *ax, const struct draco_astate *s, int64_t *out);
static void frame_clear(struct draco_actx *ax, struct draco_astate *s, uint32_t top);
static void move_r10(struct draco_actx *ax, struct draco_astate *s, int64_t delta);

static void range_of(struct draco_actx *ax, const struct draco_astate *s, uint32_t var, int64_t *lo, int64_t *hi)
{
    draco_itv v;
    draco_itv_init(&v);
    draco_as_itv(ax, s, var, &v);
    draco_i128 l = draco_num_to_i128(&v.lb, false), h = draco_num_to_i128(&v.ub, true);
    *lo = l < -(1ll << 40) ? -(1ll << 40) : l > (1ll << 40) ? (1ll << 40) : (int64_t)l;
    *hi = h > (1ll << 40) ? (1ll << 40) : h < -(1ll << 40) ? -(1ll << 40) : (int64_t)h;
    draco_itv_fini(&v);
}

bool draco_reg_map_sizes(struct draco_actx *ax, const struct draco_astate *s, unsigned r, bool programs,
                         uint32_t *key_size, uint32_t *value_size, uint32_t *map_type, bool *type_known)
{
    struct draco_vslot *R = &ax->regs[r];
    uint32_t var = draco_vslot_var(ax, R, programs ? DRACO_VK_MAP_FD_PROG : DRACO_VK_MAP_FD);
    int64_t lo, hi;
    range_of(ax, s, var, &lo, &hi);
    if (lo > hi || hi - lo >= 32)
        return false;
    bool first = true;
    *type_known = true;
    for (int64_t fd = lo; fd <= hi; fd++) {
        const struct draco_map_desc *m = draco_actx_map(ax, fd);
        if (!m)
            return false;
        if (first) {
            *key_size = m->info.key_size;
            *value_size = m->info.value_size;
            *map_type = m->info.type;
            first = false;
        } else {
            if (m->info.key_size != *key_size || m->info.value_size != *value_size)
                return false;
            if (m->info.type != *map_type)
                *type_known = false;
        }
    }
    return !first;
}

/* The register holding the map of the call (first PTR_TO_MAP argument), or -1. */
static int map_arg(const struct draco_helper_proto *p)
{
    for (int i = 0; i < DRACO_HELPER_ARGS; i++)
        if (p->args[i] == DRACO_ARG_PTR_TO_MAP)
            return i + 1;
    return -1;
}

/* size range of a written argument i (0-based) */
static bool written_size(struct draco_actx *ax, const struct draco_astate *s, const struct draco_helper_proto *p,
                         int i, int64_t *smin, int64_t *smax)
{
    enum draco_arg_kind k = p->args[i];
    if (k == DRACO_ARG_PTR_TO_LONG) {
        *smin = *smax = 8;
        return true;
    }
    if (k == DRACO_ARG_PTR_TO_INT) {
        *smin = *smax = 4;
        return true;
    }
    if (k == DRACO_ARG_PTR_TO_FIXED_MEM) {
        *smin = *smax = p->arg_size[i];
        return true;
    }
    if (k == DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE) {
        int m = map_arg(p);
        uint32_t ks, vs, mt;
        bool tk;
        if (m > 0 && draco_reg_map_sizes(ax, s, (unsigned)m, false, &ks, &vs, &mt, &tk)) {
            *smin = *smax = vs;
            return true;
        }
        return false;
    }
    int j = draco_helper_proto_size_arg(p, i);
    if (j < 0)
        return false;
    range_of(ax, s, draco_vslot_var(ax, &ax->regs[j + 1], DRACO_VK_SVAL), smin, smax);
    if (*smin < 0)
        *smin = 0;
    return *smax >= *smin;
}

static void helper_memory_effects(struct draco_actx *ax, struct draco_astate *s, const struct draco_helper_proto *p)
{
    for (int i = 0; i < DRACO_HELPER_ARGS && !s->bottom; i++) {
        enum draco_arg_kind k = p->args[i];
        if (!draco_arg_kind_is_written(k))
            continue;
        struct draco_vslot *P = &ax->regs[i + 1];
        draco_typeset tp = draco_as_types(s, P);
        if (!(tp & DRACO_TS(DRACO_TYPE_STACK)))
            continue;
        int64_t lo, hi, smin, smax;
        range_of(ax, s, draco_vslot_var(ax, P, DRACO_VK_STACK_OFF), &lo, &hi);
        if (!written_size(ax, s, p, i, &smin, &smax)) {
            /* unknown extent: everything from the lowest offset up may change */
            draco_stack_store_weak(ax, s, lo, ax->total_stack, true);
            continue;
        }
        draco_stack_kill(ax, s, lo, hi + smax);
        if (tp == DRACO_TS(DRACO_TYPE_STACK) && hi < lo + smin)
            draco_stack_mark(ax, s, hi, lo + smin, true);
    }
}

static void set_ptr_result(struct draco_actx *ax, struct draco_astate *s, draco_type t, bool nullable)
{
    struct draco_vslot *R0 = &ax->regs[0];
    enum draco_vk ks[2];
    unsigned nk = draco_type_kinds(t, ks);
    uint32_t off = nk ? draco_vslot_var(ax, R0, ks[0]) : DRACO_VAR_NONE;
    uint32_t uv = draco_vslot_var(ax, R0, DRACO_VK_UVAL);
    draco_slot_set_type(ax, s, R0, t);
    if (off != DRACO_VAR_NONE)
        draco_as_set_cst(ax, s, off, 0);
    draco_as_set_range(ax, s, uv, nullable ? 0 : 1, ax->ptr_max);
}

static void map_lookup_result(struct draco_actx *ax, struct draco_astate *s, const struct draco_helper_proto *p,
                              bool nullable)
{
    int m = map_arg(p);
    uint32_t ks = 0, vs = 0, mt = 0;
    bool tk = false, known = m > 0 && draco_reg_map_sizes(ax, s, (unsigned)m, false, &ks, &vs, &mt, &tk);
    if (known && tk && ax->plat->map_type) {
        const struct draco_map_type_info *ti = ax->plat->map_type(ax->plat, mt);
        if (ti && ti->value_kind != DRACO_MAP_VALUE_ANY) {
            /* map of maps / programs: the value is an inner map fd (known when every candidate
             * outer map names the same inner one) */
            int64_t lo, hi;
            range_of(ax, s, draco_vslot_var(ax, &ax->regs[m], DRACO_VK_MAP_FD), &lo, &hi);
            int inner = -2;
            for (int64_t fd = lo; fd <= hi; fd++) {
                const struct draco_map_desc *d = draco_actx_map(ax, fd);
                int in = d ? d->info.inner_map_fd : -1;
                inner = inner == -2 ? in : (inner == in ? inner : -1);
            }
            const struct draco_map_desc *id = inner >= 0 ? draco_actx_map(ax, inner) : NULL;
            if (!id) {
                draco_slot_havoc(ax, s, &ax->regs[0]);
                return;
            }
            const struct draco_map_type_info *it = ax->plat->map_type(ax->plat, id->info.type);
            bool progs = it && it->value_kind == DRACO_MAP_VALUE_PROGRAM;
            draco_type t = progs ? DRACO_TYPE_MAP_FD_PROGRAMS : DRACO_TYPE_MAP_FD;
            struct draco_vslot *R0 = &ax->regs[0];
            uint32_t fdv = draco_vslot_var(ax, R0, progs ? DRACO_VK_MAP_FD_PROG : DRACO_VK_MAP_FD);
            uint32_t uv = draco_vslot_var(ax, R0, DRACO_VK_UVAL);
            draco_slot_set_type(ax, s, R0, t);
            draco_as_set_cst(ax, s, fdv, inner);
            draco_as_set_range(ax, s, uv, nullable ? 0 : 1, ax->ptr_max);
            return;
        }
    }
    set_ptr_result(ax, s, DRACO_TYPE_SHARED, nullable);
    draco_as_set_cst(ax, s, draco_vslot_var(ax, &ax->regs[0], DRACO_VK_SHARED_SIZE), known ? vs : 0);
}

static void helper_result(struct draco_actx *ax, struct draco_astate *s, const struct draco_helper_proto *p)
{
    struct draco_vslot *R0 = &ax->regs[0];
    switch (p->ret) {
    case DRACO_RET_INTEGER:
    case DRACO_RET_INTEGER_OR_NO_RETURN_IF_SUCCEED:
        draco_slot_set_num_width(ax, s, R0, 8, false);
        return;
    case DRACO_RET_PTR_TO_MAP_VALUE_OR_NULL:
        map_lookup_result(ax, s, p, true);
        return;
    case DRACO_RET_PTR_TO_MAP_VALUE:
        map_lookup_result(ax, s, p, false);
        return;
    case DRACO_RET_PTR_TO_SOCKET_OR_NULL:
    case DRACO_RET_PTR_TO_SOCK_COMMON_OR_NULL:
    case DRACO_RET_PTR_TO_TCP_SOCKET_OR_NULL:
        set_ptr_result(ax, s, DRACO_TYPE_SOCKET, true);
        return;
    case DRACO_RET_PTR_TO_ALLOC_MEM_OR_NULL: {
        int a = -1;
        for (int i = 0; i < DRACO_HELPER_ARGS; i++)
            if (p->args[i] == DRACO_ARG_CONST_ALLOC_SIZE_OR_ZERO)
                a = i + 1;
        uint32_t sz = draco_vslot_var(ax, R0, DRACO_VK_ALLOC_SIZE);
        uint32_t src = a > 0 ? draco_vslot_var(ax, &ax->regs[a], DRACO_VK_SVAL) : DRACO_VAR_NONE;
        /* the size before r0's kinds are forgotten (r0 is never an argument here) */
        set_ptr_result(ax, s, DRACO_TYPE_ALLOC_MEM, true);
        if (src != DRACO_VAR_NONE && draco_as_types(s, &ax->regs[a]) == DRACO_TS_NUM)
            draco_as_assign_var(ax, s, sz, src, 0);
        else
            draco_as_set_cst(ax, s, sz, 0);
        return;
    }
    case DRACO_RET_PTR_TO_BTF_ID:
    case DRACO_RET_PTR_TO_MEM_OR_BTF_ID:
        set_ptr_result(ax, s, DRACO_TYPE_BTF_ID, false);
        return;
    case DRACO_RET_PTR_TO_BTF_ID_OR_NULL:
    case DRACO_RET_PTR_TO_MEM_OR_BTF_ID_OR_NULL:
        set_ptr_result(ax, s, DRACO_TYPE_BTF_ID, true);
        return;
    case DRACO_RET_VOID:
    case DRACO_RET_UNSUPPORTED:
        break;
    }
    draco_slot_havoc(ax, s, R0);
}

static void apply_helper(struct draco_actx *ax, struct draco_astate *s, const struct draco_helper_proto *p)
{
    helper_memory_effects(ax, s, p);
    helper_result(ax, s, p);
    if (p->reallocates_packet)
        draco_packet_invalidate(ax, s);
    for (unsigned r = 1; r <= 5; r++)
        draco_slot_havoc(ax, s, &ax->regs[r]);
    draco_stack_numsize_grow(ax, s);
}

/* Frame of a callback site's helper (the call node's callee frame), or NONE. */
static uint32_t callback_helper_frame(const struct draco_actx *ax, uint32_t v)
{
    uint32_t h = ax->cfg->nodes[v].callee_frame;
    return h < ax->cfg->n_frames && ax->cfg->frames[h].kind == DRACO_FRAME_HELPER ? h : DRACO_CFG_NONE;
}

/* The call of a callback site: enter the helper's frame. The caller's r6-r9 are saved; the
 * helper keeps its arguments in r6-r8 for the loop (r9: the callback); r0-r5 are scratched. */
static void callback_call(struct draco_actx *ax, uint32_t h, struct draco_astate *s)
{
    for (unsigned r = 6; r <= 9; r++)
        draco_slot_copy(ax, s, draco_saved_slot(ax, h, r), &ax->regs[r]);
    draco_slot_copy(ax, s, &ax->regs[6], &ax->regs[1]);
    draco_slot_copy(ax, s, &ax->regs[7], &ax->regs[3]);
    draco_slot_copy(ax, s, &ax->regs[8], &ax->regs[4]);
    draco_slot_copy(ax, s, &ax->regs[9], &ax->regs[2]);
    for (unsigned r = 0; r <= 5; r++)
        draco_slot_havoc(ax, s, &ax->regs[r]);
}

/* slot := a non-null pointer to the start of a shared region of `size` bytes. */
static void set_region_ptr(struct draco_actx *ax, struct draco_astate *s, struct draco_vslot *R, int64_t size)
{
    draco_slot_set_type(ax, s, R, DRACO_TYPE_SHARED);
    draco_as_set_cst(ax, s, draco_vslot_var(ax, R, DRACO_VK_SHARED_OFF), 0);
    draco_as_set_cst(ax, s, draco_vslot_var(ax, R, DRACO_VK_SHARED_SIZE), size);
    draco_as_set_range(ax, s, draco_vslot_var(ax, R, DRACO_VK_UVAL), 1, ax->ptr_max);
}

/* CB_ENTER: the helper calls the callback (frame g). Over-approximation: bpf_loop's index is any
 * number in [0, 1 << 23) (the helper refuses larger counts); for_each's key and value pointers
 * cover the map's key and value sizes (0 bytes when the map is not known: nothing accessible);
 * the context argument is the caller's r3 unchanged (usually a pointer to the caller's stack,
 * which stays in the state: the callback may read and write it). r0, unused argument registers
 * and r6-r9 are uninitialised in the callback, as the kernel's verifier has them. */
static void callback_enter(struct draco_actx *ax, uint32_t v, struct draco_astate *s)
{
    const struct draco_cfg_node *n = &ax->cfg->nodes[v];
    uint32_t g = n->callee_frame;
    if (g == DRACO_CFG_NONE || g >= ax->cfg->n_frames || !n->insn) {
        draco_actx_fail(ax, DRACO_ERR_INTERNAL, "callback node without a callback frame");
        return;
    }
    const struct draco_helper_proto *p = draco_call_proto(ax, n->insn, NULL);
    enum draco_callback_kind kind = p ? (enum draco_callback_kind)p->callback : DRACO_CALLBACK_NONE;
    for (unsigned r = 0; r <= 5; r++)
        draco_slot_havoc(ax, s, &ax->regs[r]);
    switch (kind) {
    case DRACO_CALLBACK_LOOP:
        draco_slot_set_num_range(ax, s, &ax->regs[1], 0, (1 << 23) - 1);
        draco_slot_copy(ax, s, &ax->regs[2], &ax->regs[7]);
        break;
    case DRACO_CALLBACK_FOR_EACH_MAP_ELEM: {
        uint32_t ks = 0, vs = 0, mt = 0;
        bool tk = false;
        bool known = draco_as_types(s, &ax->regs[6]) == DRACO_TS(DRACO_TYPE_MAP_FD) &&
                     draco_reg_map_sizes(ax, s, 6, false, &ks, &vs, &mt, &tk);
        draco_slot_copy(ax, s, &ax->regs[1], &ax->regs[6]);
        set_region_ptr(ax, s, &ax->regs[2], known ? ks : 0);
        set_region_ptr(ax, s, &ax->regs[3], known ? vs : 0);
        draco_slot_copy(ax, s, &ax->regs[4], &ax->regs[7]);
        break;
    }
    case DRACO_CALLBACK_NONE:
    default:
        /* not modelled: the checker rejects the call; arguments stay unknown */
        break;
    }
    for (unsigned r = 6; r <= 9; r++) {
        draco_slot_copy(ax, s, draco_saved_slot(ax, g, r), &ax->regs[r]);
        draco_slot_havoc(ax, s, &ax->regs[r]);
    }
    int64_t cur;
    if (r10_offset(ax, s, &cur)) {
        frame_clear(ax, s, (uint32_t)(cur > (int64_t)ax->frame_size ? cur - ax->frame_size : 0));
        move_r10(ax, s, -(int64_t)ax->frame_size);
    }
}

/* CB_DONE: the helper returns: r0 is a number (bpf_loop: calls made or -E2BIG/-EINVAL; for_each:
 * elements visited or -EINVAL), r1-r5 are scratched, the caller's r6-r9 come back. */
static void callback_done(struct draco_actx *ax, uint32_t v, struct draco_astate *s)
{
    uint32_t h = ax->cfg->nodes[v].frame;
    draco_slot_set_num_width(ax, s, &ax->regs[0], 8, false);
    for (unsigned r = 1; r <= 5; r++)
        draco_slot_havoc(ax, s, &ax->regs[r]);
    for (unsigned r = 6; r <= 9; r++) {
        struct draco_vslot *sv = draco_saved_slot(ax, h, r);
        draco_slot_copy(ax, s, &ax->regs[r], sv);
        draco_slot_havoc(ax, s, sv);
    }
    draco_stack_numsize_grow(ax, s);
}

void draco_transfer_call(struct draco_actx *ax, uint32_t v, const struct draco_ir_insn *in, struct draco_astate *s)
{
    if (s->bottom)
        return;
    if (in->kind == DRACO_IR_CALL) {
        uint32_t h = callback_helper_frame(ax, v);
        if (h != DRACO_CFG_NONE) {
            callback_call(ax, h, s);
            return;
        }
    }
    const struct draco_helper_proto *p = NULL;
    if (in->kind == DRACO_IR_CALLX) {
        /* the target is a helper id held as a number */
        draco_itv id;
        draco_itv_init(&id);
        draco_as_itv(ax, s, draco_vslot_var(ax, &ax->regs[in->dst], DRACO_VK_SVAL), &id);
        int64_t h;
        if (draco_as_types(s, &ax->regs[in->dst]) == DRACO_TS_NUM && draco_itv_singleton_i64(&id, &h) &&
            h >= 0 && h <= INT32_MAX)
            p = ax->plat->helper_proto(ax->plat, (int32_t)h, ax->ptype);
        draco_itv_fini(&id);
    } else {
        p = draco_call_proto(ax, in, NULL);
    }
    if (!p) {
        draco_slot_havoc(ax, s, &ax->regs[0]);
        for (unsigned r = 1; r <= 5; r++)
            draco_slot_havoc(ax, s, &ax->regs[r]);
        return;
    }
    apply_helper(ax, s, p);
}

void draco_transfer_packet(struct draco_actx *ax, const struct draco_ir_insn *in, struct draco_astate *s)
{
    if (s->bottom)
        return;
    draco_slot_set_num_width(ax, s, &ax->regs[0], in->width, false);
    for (unsigned r = 1; r <= 5; r++)
        draco_slot_havoc(ax, s, &ax->regs[r]);
}

/* The current r10 stack offset when it is a known stack pointer. */
static bool r10_offset(struct draco_actx *ax, const struct draco_astate *s, int64_t *out)
{
    if (draco_as_reg_types(ax, s, 10) != DRACO_TS(DRACO_TYPE_STACK))
        return false;
    struct draco_bound_pair b = draco_zone_bound(&s->zone, draco_reg_var(ax, 10, DRACO_VK_STACK_OFF));
    if (b.empty || b.lb != b.ub || b.lb < 0 || b.lb > (draco_i128)ax->total_stack)
        return false;
    *out = (int64_t)b.lb;
    return true;
}

/* Forgets the bytes of the frame whose r10 is at `top`. */
static void frame_clear(struct draco_actx *ax, struct draco_astate *s, uint32_t top)
{
    int64_t lo = (int64_t)top - ax->frame_size;
    draco_stack_kill(ax, s, lo, top);
    draco_stack_mark(ax, s, lo, top, false);
    draco_stack_numsize_kill(ax, s, lo, top);
}

/* r10 moves by `delta` bytes (relationally, like PREVAIL's r10 -= frame size). */
static void move_r10(struct draco_actx *ax, struct draco_astate *s, int64_t delta)
{
    struct draco_vslot *r10 = &ax->regs[10];
    uint32_t off = draco_vslot_var(ax, r10, DRACO_VK_STACK_OFF);
    uint32_t uv = draco_vslot_var(ax, r10, DRACO_VK_UVAL);
    draco_as_assign_var(ax, s, off, off, delta);
    draco_as_assign_var(ax, s, uv, uv, delta);
    if (r10->var[DRACO_VK_STACK_NUMSIZE] != DRACO_VAR_NONE)
        draco_as_forget(ax, s, r10->var[DRACO_VK_STACK_NUMSIZE]);
}

void draco_transfer_call_local(struct draco_actx *ax, uint32_t v, struct draco_astate *s)
{
    if (s->bottom)
        return;
    uint32_t f = ax->cfg->nodes[v].callee_frame;
    if (f == DRACO_CFG_NONE || f >= ax->cfg->n_frames) {
        draco_actx_fail(ax, DRACO_ERR_INTERNAL, "call node without a callee frame");
        return;
    }
    for (unsigned r = 6; r <= 9; r++)
        draco_slot_copy(ax, s, draco_saved_slot(ax, f, r), &ax->regs[r]);
    /* the callee's frame lies just below the caller's r10 (a stack pointer at a known offset in
     * every real program; an unknown r10 only occurs with a constrained test entry state) */
    int64_t cur;
    if (r10_offset(ax, s, &cur)) {
        frame_clear(ax, s, (uint32_t)(cur > (int64_t)ax->frame_size ? cur - ax->frame_size : 0));
        move_r10(ax, s, -(int64_t)ax->frame_size);
    }
}

void draco_transfer_exit(struct draco_actx *ax, uint32_t v, struct draco_astate *s)
{
    if (s->bottom)
        return;
    uint32_t f = ax->cfg->nodes[v].frame;
    if (f == 0)
        return;   /* the program's exit: nothing changes (r0 is checked) */
    for (unsigned r = 6; r <= 9; r++) {
        struct draco_vslot *sv = draco_saved_slot(ax, f, r);
        draco_slot_copy(ax, s, &ax->regs[r], sv);
        draco_slot_havoc(ax, s, sv);
    }
    for (unsigned r = 1; r <= 5; r++)
        draco_slot_havoc(ax, s, &ax->regs[r]);
    int64_t cur;
    if (r10_offset(ax, s, &cur)) {
        frame_clear(ax, s, (uint32_t)cur);
        move_r10(ax, s, (int64_t)ax->frame_size);
    }
}

void draco_transfer_node(struct draco_actx *ax, uint32_t v, struct draco_astate *s)
{
    if (s->bottom)
        return;
    const struct draco_cfg_node *n = &ax->cfg->nodes[v];
    switch ((enum draco_cfg_node_kind)n->kind) {
    case DRACO_CFG_ENTRY:
    case DRACO_CFG_EXIT:
        return;
    case DRACO_CFG_ASSUME:
        draco_transfer_assume(ax, &n->cond, s);
        return;
    case DRACO_CFG_COUNTER: {
        uint32_t c = draco_counter_var(ax, v);
        draco_as_assign_var(ax, s, c, c, 1);
        return;
    }
    case DRACO_CFG_CB_LOOP:
    case DRACO_CFG_CB_RETURN:   /* the callback's r0 is checked here; the helper ignores it */
        return;
    case DRACO_CFG_CB_ENTER:
        callback_enter(ax, v, s);
        return;
    case DRACO_CFG_CB_DONE:
        callback_done(ax, v, s);
        return;
    case DRACO_CFG_INSN:
        break;
    }
    const struct draco_ir_insn *in = n->insn;
    switch ((enum draco_ir_kind)in->kind) {
    case DRACO_IR_BIN:
        draco_transfer_bin(ax, in, s);
        return;
    case DRACO_IR_UN:
        draco_transfer_un(ax, in, s);
        return;
    case DRACO_IR_LOAD_MAP_FD:
    case DRACO_IR_LOAD_MAP_VALUE:
    case DRACO_IR_LOAD_PSEUDO:
        draco_transfer_lddw(ax, in, s);
        return;
    case DRACO_IR_MEM:
        draco_transfer_mem(ax, v, in, s);
        return;
    case DRACO_IR_ATOMIC:
        draco_transfer_atomic(ax, in, s);
        return;
    case DRACO_IR_PACKET:
        draco_transfer_packet(ax, in, s);
        return;
    case DRACO_IR_JMP:
        return;
    case DRACO_IR_CALL:
    case DRACO_IR_CALLX:
        draco_transfer_call(ax, v, in, s);
        return;
    case DRACO_IR_CALL_LOCAL:
        draco_transfer_call_local(ax, v, s);
        return;
    case DRACO_IR_EXIT:
        draco_transfer_exit(ax, v, s);
        return;
    case DRACO_IR_ASSUME: {
        struct draco_cfg_cond c = {.op = in->op, .left = in->dst, .right = in->src,
                                   .right_is_reg = in->src_is_reg, .is64 = in->is64, .imm = in->imm};
        draco_transfer_assume(ax, &c, s);
        return;
    }
    case DRACO_IR_UNDEFINED:
        break;
    }
    draco_actx_fail(ax, DRACO_ERR_UNSUPPORTED, "%u: instruction kind %u is not supported by the analysis",
                    in->pc, in->kind);
}
