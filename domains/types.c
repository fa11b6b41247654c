/* SPDX-License-Identifier: MIT */
/* domains/types: region-type sets per variable with must-equality classes (see types.h).
 *
 * Invariants: see types.h — canonical classes (rep[v] = smallest member, all members share one
 * non-empty set, all variables with the same singleton set form one class). Every writer goes
 * through types_own(), which detaches a shared buffer (copy-on-write) and initialises variables
 * between the old and new nvars to top; entries at or beyond nvars are garbage. The buffer also
 * carries scratch arrays used by join/meet, which only an exclusive owner writes.
 */
#include "domains/types.h"

#include <stdlib.h>
#include <string.h>

#define TYPES_NONE UINT32_MAX

struct draco_types_buf {
    uint32_t refs;
    uint32_t cap;
    uint32_t *rep;        /* class representative (smallest member) */
    uint32_t *aux1;       /* scratch: join heads / meet parents */
    uint32_t *aux2;       /* scratch: join next links */
    draco_typeset *set;   /* the class's set, per member */
    draco_typeset *acc;   /* scratch: meet accumulators */
};

static const char type_names[DRACO_TYPE_COUNT][16] = {
    [DRACO_TYPE_UNINIT] = "uninit",
    [DRACO_TYPE_NUMBER] = "number",
    [DRACO_TYPE_CTX] = "ctx",
    [DRACO_TYPE_STACK] = "stack",
    [DRACO_TYPE_PACKET] = "packet",
    [DRACO_TYPE_SHARED] = "shared",
    [DRACO_TYPE_MAP_FD] = "map_fd",
    [DRACO_TYPE_MAP_FD_PROGRAMS] = "map_fd_programs",
    [DRACO_TYPE_SOCKET] = "socket",
    [DRACO_TYPE_BTF_ID] = "btf_id",
    [DRACO_TYPE_ALLOC_MEM] = "alloc_mem",
    [DRACO_TYPE_FUNC] = "func",
};

const char *draco_type_name(draco_type t)
{
    return (unsigned)t < DRACO_TYPE_COUNT ? type_names[t] : "?";
}

bool draco_type_parse(const char *name, draco_type *out)
{
    for (unsigned i = 0; i < DRACO_TYPE_COUNT; i++) {
        if (strcmp(name, type_names[i]) == 0) {
            *out = (draco_type)i;
            return true;
        }
    }
    return false;
}

void draco_typeset_print(draco_typeset s, struct draco_sb *sb)
{
    s &= DRACO_TS_ALL;
    if (draco_typeset_is_singleton(s)) {
        draco_sb_puts(sb, type_names[__builtin_ctz(s)]);
        return;
    }
    draco_sb_putc(sb, '{');
    bool first = true;
    for (unsigned i = 0; i < DRACO_TYPE_COUNT; i++) {
        if (!(s & DRACO_TS(i)))
            continue;
        if (!first)
            draco_sb_puts(sb, ", ");
        draco_sb_puts(sb, type_names[i]);
        first = false;
    }
    draco_sb_putc(sb, '}');
}

/* ---- buffer management ---- */

static struct draco_types_buf *types_buf_alloc(uint32_t cap)
{
    size_t words = (size_t)cap * 3 * sizeof(uint32_t);
    size_t halves = (size_t)cap * 2 * sizeof(draco_typeset);
    struct draco_types_buf *b = malloc(sizeof *b + words + halves);
    if (!b)
        return NULL;
    uint32_t *w = (uint32_t *)(void *)(b + 1);
    b->refs = 1;
    b->cap = cap;
    b->rep = w;
    b->aux1 = w + cap;
    b->aux2 = w + 2 * (size_t)cap;
    b->set = (draco_typeset *)(void *)(w + 3 * (size_t)cap);
    b->acc = b->set + cap;
    return b;
}

static void types_buf_release(struct draco_types_buf *b)
{
    if (b && --b->refs == 0)
        free(b);
}

static void types_make_bottom(struct draco_types *t)
{
    types_buf_release(t->buf);
    t->buf = NULL;
    t->nvars = 0;
    t->bottom = true;
}

/* Makes t's buffer exclusive with room for max(nvars, need) variables; new ones are top. */
static draco_status types_own(struct draco_types *t, uint32_t need)
{
    uint32_t n = t->nvars > need ? t->nvars : need;
    struct draco_types_buf *b = t->buf;
    if (!b || b->refs > 1 || b->cap < n) {
        uint32_t cap = n < 16 ? 16 : n;
        if (b && b->cap >= n)
            cap = b->cap;
        else if (b && cap < 2 * b->cap && b->cap <= UINT32_MAX / 2)
            cap = 2 * b->cap;
        struct draco_types_buf *nb = types_buf_alloc(cap);
        if (!nb)
            return DRACO_ERR_NOMEM;
        if (b && t->nvars) {
            memcpy(nb->rep, b->rep, (size_t)t->nvars * sizeof *b->rep);
            memcpy(nb->set, b->set, (size_t)t->nvars * sizeof *b->set);
        }
        types_buf_release(b);
        t->buf = b = nb;
    }
    for (uint32_t v = t->nvars; v < n; v++) {
        b->rep[v] = v;
        b->set[v] = DRACO_TS_ALL;
    }
    t->nvars = n;
    return DRACO_OK;
}

static inline uint32_t types_rep(const struct draco_types *t, uint32_t v)
{
    return v < t->nvars ? t->buf->rep[v] : v;
}

static inline draco_typeset types_set(const struct draco_types *t, uint32_t v)
{
    return v < t->nvars ? t->buf->set[v] : DRACO_TS_ALL;
}

/* ---- canonical-form maintenance on an owned buffer ---- */

/* All variables whose set is the singleton s join one class (rep = the smallest of them). */
static void types_fix_singleton(struct draco_types_buf *b, uint32_t n, draco_typeset s)
{
    if (!draco_typeset_is_singleton(s))
        return;
    uint32_t m = TYPES_NONE;
    for (uint32_t w = 0; w < n; w++) {
        if (b->set[w] == s) {
            if (m == TYPES_NONE)
                m = w;
            b->rep[w] = m;
        }
    }
}

/* v leaves its class; the others keep a canonical representative. v's set is unchanged. */
static void types_detach(struct draco_types_buf *b, uint32_t n, uint32_t v)
{
    uint32_t r = b->rep[v];
    b->rep[v] = v;
    if (r != v)
        return;
    uint32_t m = TYPES_NONE;
    for (uint32_t w = v + 1; w < n; w++) {
        if (b->rep[w] == v) {
            if (m == TYPES_NONE)
                m = w;
            b->rep[w] = m;
        }
    }
}

/* Gives the class of representative r the set s (non-empty) and re-canonicalises. */
static void types_set_class(struct draco_types_buf *b, uint32_t n, uint32_t r, draco_typeset s)
{
    for (uint32_t w = r; w < n; w++)
        if (b->rep[w] == r)
            b->set[w] = s;
    types_fix_singleton(b, n, s);
}

/* Merges the classes of x and y, whose sets intersect in s (non-empty). */
static void types_merge(struct draco_types_buf *b, uint32_t n, uint32_t x, uint32_t y, draco_typeset s)
{
    uint32_t rx = b->rep[x], ry = b->rep[y];
    uint32_t r = rx < ry ? rx : ry, o = rx < ry ? ry : rx;
    if (r != o)
        for (uint32_t w = o; w < n; w++)
            if (b->rep[w] == o)
                b->rep[w] = r;
    types_set_class(b, n, r, s);
}

static inline uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* ---- life cycle ---- */

draco_status draco_types_init_top(struct draco_types *t, uint32_t nvars)
{
    t->nvars = 0;
    t->bottom = false;
    t->buf = NULL;
    if (nvars == 0)
        return DRACO_OK;
    return types_own(t, nvars);
}

void draco_types_init_bottom(struct draco_types *t)
{
    t->nvars = 0;
    t->bottom = true;
    t->buf = NULL;
}

void draco_types_copy(struct draco_types *dst, const struct draco_types *src)
{
    *dst = *src;
    if (dst->buf)
        dst->buf->refs++;
}

void draco_types_assign_state(struct draco_types *dst, const struct draco_types *src)
{
    if (dst == src)
        return;
    struct draco_types_buf *old = dst->buf;
    draco_types_copy(dst, src);
    types_buf_release(old);
}

void draco_types_fini(struct draco_types *t)
{
    types_make_bottom(t);
}

draco_status draco_types_ensure(struct draco_types *t, uint32_t nvars)
{
    if (t->bottom || nvars <= t->nvars)
        return DRACO_OK;
    return types_own(t, nvars);
}

/* ---- transfer operations ---- */

draco_status draco_types_assign_const(struct draco_types *t, uint32_t v, draco_typeset s)
{
    if (t->bottom)
        return DRACO_OK;
    s &= DRACO_TS_ALL;
    if (s == 0) {
        types_make_bottom(t);
        return DRACO_OK;
    }
    if (types_set(t, v) == s) {
        /* already s: a singleton is then in its canonical class; otherwise v must be alone */
        bool alone = true;
        if (!draco_typeset_is_singleton(s) && v < t->nvars)
            for (uint32_t w = 0; w < t->nvars && alone; w++)
                alone = w == v || t->buf->rep[w] != t->buf->rep[v];
        if (alone)
            return DRACO_OK;
    }
    draco_status st = types_own(t, v + 1);
    if (st != DRACO_OK)
        return st;
    types_detach(t->buf, t->nvars, v);
    t->buf->set[v] = s;
    types_fix_singleton(t->buf, t->nvars, s);
    return DRACO_OK;
}

draco_status draco_types_assign_var(struct draco_types *t, uint32_t x, uint32_t y)
{
    if (t->bottom || x == y)
        return DRACO_OK;
    if (x < t->nvars && y < t->nvars && t->buf->rep[x] == t->buf->rep[y])
        return DRACO_OK;
    draco_status st = types_own(t, max_u32(x, y) + 1);
    if (st != DRACO_OK)
        return st;
    struct draco_types_buf *b = t->buf;
    types_detach(b, t->nvars, x);
    draco_typeset s = b->set[y];
    b->set[x] = s;
    types_merge(b, t->nvars, x, y, s);
    return DRACO_OK;
}

draco_status draco_types_restrict(struct draco_types *t, uint32_t v, draco_typeset mask)
{
    if (t->bottom)
        return DRACO_OK;
    draco_typeset old = types_set(t, v);
    draco_typeset s = old & mask;
    if (s == old)
        return DRACO_OK;
    if (s == 0) {
        types_make_bottom(t);
        return DRACO_OK;
    }
    draco_status st = types_own(t, v + 1);
    if (st != DRACO_OK)
        return st;
    types_set_class(t->buf, t->nvars, t->buf->rep[v], s);
    return DRACO_OK;
}

draco_status draco_types_remove(struct draco_types *t, uint32_t v, draco_type ty)
{
    if ((unsigned)ty >= DRACO_TYPE_COUNT)
        return DRACO_ERR_INVALID;
    return draco_types_restrict(t, v, (draco_typeset)~DRACO_TS(ty));
}

draco_status draco_types_unify(struct draco_types *t, uint32_t x, uint32_t y)
{
    if (t->bottom || x == y)
        return DRACO_OK;
    if (types_rep(t, x) == types_rep(t, y))
        return DRACO_OK;
    draco_typeset s = types_set(t, x) & types_set(t, y);
    if (s == 0) {
        types_make_bottom(t);
        return DRACO_OK;
    }
    draco_status st = types_own(t, max_u32(x, y) + 1);
    if (st != DRACO_OK)
        return st;
    types_merge(t->buf, t->nvars, x, y, s);
    return DRACO_OK;
}

draco_status draco_types_havoc(struct draco_types *t, uint32_t v)
{
    if (t->bottom || v >= t->nvars)
        return DRACO_OK;
    return draco_types_assign_const(t, v, DRACO_TS_ALL);
}

static bool types_lists_disjoint(const uint32_t *from, const uint32_t *to, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (to[i] == from[j] || (j > i && to[i] == to[j]))
                return false;
    return true;
}

draco_status draco_types_copy_vars(struct draco_types *t, const uint32_t *from, const uint32_t *to,
                                   size_t n)
{
    if (!types_lists_disjoint(from, to, n))
        return DRACO_ERR_INVALID;
    /* Sources are never targets, so sequential copies equal the parallel copy. */
    for (size_t i = 0; i < n; i++) {
        draco_status st = draco_types_assign_var(t, to[i], from[i]);
        if (st != DRACO_OK)
            return st;
    }
    return DRACO_OK;
}

draco_status draco_types_rename_vars(struct draco_types *t, const uint32_t *from, const uint32_t *to,
                                     size_t n)
{
    draco_status st = draco_types_copy_vars(t, from, to, n);
    for (size_t i = 0; st == DRACO_OK && i < n; i++)
        st = draco_types_havoc(t, from[i]);
    return st;
}

/* ---- lattice ---- */

bool draco_types_is_bottom(const struct draco_types *t) { return t->bottom; }

bool draco_types_is_top(const struct draco_types *t)
{
    if (t->bottom)
        return false;
    for (uint32_t v = 0; v < t->nvars; v++)
        if (t->buf->set[v] != DRACO_TS_ALL || t->buf->rep[v] != v)
            return false;
    return true;
}

bool draco_types_leq(const struct draco_types *a, const struct draco_types *b)
{
    if (a->bottom)
        return true;
    if (b->bottom)
        return false;
    if (a->buf == b->buf && a->nvars == b->nvars)
        return true;
    uint32_t n = max_u32(a->nvars, b->nvars);
    for (uint32_t v = 0; v < n; v++) {
        draco_typeset sa = types_set(a, v), sb = types_set(b, v);
        if (sa & ~sb)
            return false;
        uint32_t rb = types_rep(b, v);
        if (rb != v && types_rep(a, v) != types_rep(a, rb))
            return false;
    }
    return true;
}

bool draco_types_is_equal(const struct draco_types *a, const struct draco_types *b)
{
    if (a->bottom || b->bottom)
        return a->bottom == b->bottom;
    if (a->buf == b->buf && a->nvars == b->nvars)
        return true;
    uint32_t n = max_u32(a->nvars, b->nvars);
    for (uint32_t v = 0; v < n; v++)
        if (types_set(a, v) != types_set(b, v) || types_rep(a, v) != types_rep(b, v))
            return false;
    return true;
}

/* True iff src ⊑ dst on variables [0, n): then dst ⊔ src == dst there. */
static bool types_leq_prefix(const struct draco_types *src, const struct draco_types *dst, uint32_t n)
{
    for (uint32_t v = 0; v < n; v++) {
        if (src->buf->set[v] & ~dst->buf->set[v])
            return false;
        uint32_t rd = dst->buf->rep[v];
        if (rd != v && src->buf->rep[v] != src->buf->rep[rd])
            return false;
    }
    return true;
}

draco_status draco_types_join_into(struct draco_types *dst, const struct draco_types *src)
{
    if (src->bottom)
        return DRACO_OK;
    if (dst->bottom) {
        draco_types_assign_state(dst, src);
        return DRACO_OK;
    }
    uint32_t n = dst->nvars < src->nvars ? dst->nvars : src->nvars;
    if (n == 0 || (dst->buf == src->buf) || types_leq_prefix(src, dst, n)) {
        /* variables beyond n are top in the result: forgetting them needs no write */
        dst->nvars = n;
        if (n == 0) {
            types_buf_release(dst->buf);
            dst->buf = NULL;
        }
        return DRACO_OK;
    }
    dst->nvars = n;
    draco_status st = types_own(dst, n);
    if (st != DRACO_OK)
        return st;
    struct draco_types_buf *b = dst->buf;
    const struct draco_types_buf *s = src->buf;
    uint32_t *head = b->aux1, *next = b->aux2;
    for (uint32_t v = 0; v < n; v++)
        head[v] = TYPES_NONE;
    /* Result classes are the pairs (dst class, src class); rep = the first (smallest) member. */
    for (uint32_t v = 0; v < n; v++) {
        uint32_t a = b->rep[v], want = s->rep[v];
        uint32_t r = head[a];
        while (r != TYPES_NONE && s->rep[r] != want)
            r = next[r];
        if (r == TYPES_NONE) {
            r = v;
            next[v] = head[a];
            head[a] = v;
        }
        b->rep[v] = r;
        b->set[v] |= s->set[v];
    }
    return DRACO_OK;
}

static inline uint32_t types_uf_find(uint32_t *parent, uint32_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

/* Union keeping the smaller index as root, so a root is always its class's smallest member. */
static inline void types_uf_union(uint32_t *parent, uint32_t x, uint32_t y)
{
    uint32_t rx = types_uf_find(parent, x), ry = types_uf_find(parent, y);
    if (rx < ry)
        parent[ry] = rx;
    else if (ry < rx)
        parent[rx] = ry;
}

draco_status draco_types_meet_into(struct draco_types *dst, const struct draco_types *src)
{
    if (dst->bottom)
        return DRACO_OK;
    if (src->bottom) {
        types_make_bottom(dst);
        return DRACO_OK;
    }
    if (draco_types_leq(dst, src))
        return DRACO_OK;
    draco_status st = types_own(dst, src->nvars);
    if (st != DRACO_OK)
        return st;
    uint32_t n = dst->nvars;
    struct draco_types_buf *b = dst->buf;
    uint32_t *parent = b->aux1;
    draco_typeset *acc = b->acc;
    for (uint32_t v = 0; v < n; v++) {
        parent[v] = b->rep[v];
        acc[v] = DRACO_TS_ALL;
    }
    for (uint32_t v = 0; v < src->nvars; v++)
        types_uf_union(parent, v, src->buf->rep[v]);
    for (uint32_t v = 0; v < n; v++) {
        uint32_t r = types_uf_find(parent, v);
        acc[r] &= b->set[v] & types_set(src, v);
    }
    /* Equal singleton classes merge; an empty class makes the whole state bottom. */
    uint32_t single[DRACO_TYPE_COUNT];
    for (unsigned i = 0; i < DRACO_TYPE_COUNT; i++)
        single[i] = TYPES_NONE;
    for (uint32_t v = 0; v < n; v++) {
        if (parent[v] != v)
            continue;
        if (acc[v] == 0) {
            types_make_bottom(dst);
            return DRACO_OK;
        }
        if (draco_typeset_is_singleton(acc[v])) {
            unsigned ty = (unsigned)__builtin_ctz(acc[v]);
            if (single[ty] == TYPES_NONE)
                single[ty] = v;
            else
                parent[v] = single[ty];
        }
    }
    for (uint32_t v = 0; v < n; v++) {
        uint32_t r = types_uf_find(parent, v);
        b->rep[v] = r;
        b->set[v] = acc[r];
    }
    return DRACO_OK;
}

draco_status draco_types_widen_into(struct draco_types *dst, const struct draco_types *src)
{
    return draco_types_join_into(dst, src);
}

draco_status draco_types_narrow_into(struct draco_types *dst, const struct draco_types *src)
{
    return draco_types_meet_into(dst, src);
}

/* ---- queries ---- */

draco_typeset draco_types_get(const struct draco_types *t, uint32_t v)
{
    return t->bottom ? DRACO_TS_NONE : types_set(t, v);
}

bool draco_types_is_in_group(const struct draco_types *t, uint32_t v, draco_typeset group)
{
    return t->bottom || (types_set(t, v) & ~group) == 0;
}

bool draco_types_may_have_type(const struct draco_types *t, uint32_t v, draco_type ty)
{
    return !t->bottom && (unsigned)ty < DRACO_TYPE_COUNT && (types_set(t, v) & DRACO_TS(ty));
}

bool draco_types_entail_type(const struct draco_types *t, uint32_t v, draco_type ty)
{
    return t->bottom || ((unsigned)ty < DRACO_TYPE_COUNT && types_set(t, v) == DRACO_TS(ty));
}

bool draco_types_same_type(const struct draco_types *t, uint32_t x, uint32_t y)
{
    return t->bottom || x == y || types_rep(t, x) == types_rep(t, y);
}

bool draco_types_implies(const struct draco_types *t, uint32_t x, draco_typeset s1, uint32_t y,
                         draco_typeset s2)
{
    if (t->bottom)
        return true;
    /* Restricting x's class to s1 changes only that class's set (singleton merges leave every
     * set as it was), so y sees the restriction iff it is must-equal to x. */
    draco_typeset sx = types_set(t, x) & s1;
    if (sx == 0)
        return true;
    draco_typeset sy = draco_types_same_type(t, x, y) ? sx : types_set(t, y);
    return (sy & ~s2) == 0;
}

bool draco_types_implies_not_type(const struct draco_types *t, uint32_t x, draco_type ty, uint32_t y,
                                  draco_typeset s)
{
    if ((unsigned)ty >= DRACO_TYPE_COUNT)
        return draco_types_is_in_group(t, y, s);
    return draco_types_implies(t, x, (draco_typeset)~DRACO_TS(ty), y, s);
}

void draco_types_print_var(const struct draco_types *t, uint32_t v, struct draco_sb *sb)
{
    if (t->bottom)
        draco_sb_puts(sb, "_|_");
    else
        draco_typeset_print(types_set(t, v), sb);
}

void draco_types_print(const struct draco_types *t, struct draco_sb *sb)
{
    if (t->bottom) {
        draco_sb_puts(sb, "_|_\n");
        return;
    }
    for (uint32_t v = 0; v < t->nvars; v++) {
        uint32_t r = t->buf->rep[v];
        if (r != v && !draco_typeset_is_singleton(t->buf->set[v])) {
            draco_sb_printf(sb, "v%u = v%u\n", (unsigned)v, (unsigned)r);
        } else if (t->buf->set[v] != DRACO_TS_ALL) {
            draco_sb_printf(sb, "v%u: ", (unsigned)v);
            draco_typeset_print(t->buf->set[v], sb);
            draco_sb_putc(sb, '\n');
        }
    }
}
