/* SPDX-License-Identifier: MIT */
/* domains/deps: per-variable dependency bitsets (see deps.h).
 *
 * Invariants: see deps.h — entries [0, nvars) are meaningful, everything beyond is DRACO_DEP_ALL;
 * a buffer with refs > 1 is never written (deps_own() detaches it first), and writers check for
 * a change before detaching so a stable fixpoint step allocates nothing.
 */
#include "domains/deps.h"

#include <stdlib.h>
#include <string.h>

struct draco_deps_buf {
    uint32_t refs;
    uint32_t cap;
    draco_depset s[];
};

static void deps_release(struct draco_deps_buf *b)
{
    if (b && --b->refs == 0)
        free(b);
}

static inline draco_depset deps_at(const struct draco_deps *d, uint32_t v)
{
    return v < d->nvars ? d->buf->s[v] : DRACO_DEP_ALL;
}

/* Makes the buffer exclusive with room for max(nvars, need) variables; new ones are top. */
static draco_status deps_own(struct draco_deps *d, uint32_t need)
{
    uint32_t n = d->nvars > need ? d->nvars : need;
    struct draco_deps_buf *b = d->buf;
    if (!b || b->refs > 1 || b->cap < n) {
        uint32_t cap = n < 16 ? 16 : n;
        if (b && b->cap >= n)
            cap = b->cap;
        else if (b && cap < 2 * b->cap && b->cap <= UINT32_MAX / 2)
            cap = 2 * b->cap;
        struct draco_deps_buf *nb = malloc(sizeof *nb + (size_t)cap * sizeof(draco_depset));
        if (!nb)
            return DRACO_ERR_NOMEM;
        nb->refs = 1;
        nb->cap = cap;
        if (b && d->nvars)
            memcpy(nb->s, b->s, (size_t)d->nvars * sizeof(draco_depset));
        deps_release(b);
        d->buf = b = nb;
    }
    for (uint32_t v = d->nvars; v < n; v++)
        b->s[v] = DRACO_DEP_ALL;
    d->nvars = n;
    return DRACO_OK;
}

void draco_depset_print(draco_depset s, struct draco_sb *sb)
{
    draco_sb_putc(sb, '{');
    const char *sep = "";
    if (s & DRACO_DEP_PACKET) {
        draco_sb_puts(sb, "packet");
        sep = ", ";
    }
    if (s & DRACO_DEP_CTX) {
        draco_sb_printf(sb, "%sctx", sep);
        sep = ", ";
    }
    for (uint32_t i = 0; i < DRACO_DEP_MAP_SLOTS; i++) {
        if (s & draco_depset_map(i)) {
            draco_sb_printf(sb, "%smap%u", sep, (unsigned)i);
            sep = ", ";
        }
    }
    if (s & DRACO_DEP_MAP_OTHER)
        draco_sb_printf(sb, "%smap*", sep);
    draco_sb_putc(sb, '}');
}

void draco_deps_init_top(struct draco_deps *d)
{
    d->nvars = 0;
    d->bottom = false;
    d->buf = NULL;
}

void draco_deps_init_bottom(struct draco_deps *d)
{
    draco_deps_init_top(d);
    d->bottom = true;
}

void draco_deps_copy(struct draco_deps *dst, const struct draco_deps *src)
{
    *dst = *src;
    if (dst->buf)
        dst->buf->refs++;
}

void draco_deps_assign_state(struct draco_deps *dst, const struct draco_deps *src)
{
    if (dst == src)
        return;
    struct draco_deps_buf *old = dst->buf;
    draco_deps_copy(dst, src);
    deps_release(old);
}

void draco_deps_fini(struct draco_deps *d)
{
    deps_release(d->buf);
    d->buf = NULL;
    d->nvars = 0;
    d->bottom = true;
}

/* ---- transfer ---- */

draco_status draco_deps_assign(struct draco_deps *d, uint32_t v, draco_depset s)
{
    if (d->bottom || deps_at(d, v) == s)
        return DRACO_OK;
    draco_status st = deps_own(d, v + 1);
    if (st == DRACO_OK)
        d->buf->s[v] = s;
    return st;
}

draco_status draco_deps_assign_var(struct draco_deps *d, uint32_t x, uint32_t y)
{
    return d->bottom ? DRACO_OK : draco_deps_assign(d, x, deps_at(d, y));
}

draco_status draco_deps_assign_union(struct draco_deps *d, uint32_t x, uint32_t y, uint32_t z)
{
    return d->bottom ? DRACO_OK : draco_deps_assign(d, x, deps_at(d, y) | deps_at(d, z));
}

draco_status draco_deps_add(struct draco_deps *d, uint32_t v, draco_depset s)
{
    return d->bottom ? DRACO_OK : draco_deps_assign(d, v, deps_at(d, v) | s);
}

draco_status draco_deps_havoc(struct draco_deps *d, uint32_t v)
{
    return draco_deps_assign(d, v, DRACO_DEP_ALL);
}

/* ---- lattice ---- */

bool draco_deps_is_bottom(const struct draco_deps *d) { return d->bottom; }

bool draco_deps_is_top(const struct draco_deps *d)
{
    if (d->bottom)
        return false;
    for (uint32_t v = 0; v < d->nvars; v++)
        if (d->buf->s[v] != DRACO_DEP_ALL)
            return false;
    return true;
}

bool draco_deps_leq(const struct draco_deps *a, const struct draco_deps *b)
{
    if (a->bottom)
        return true;
    if (b->bottom)
        return false;
    if (a->buf == b->buf && a->nvars == b->nvars)
        return true;
    uint32_t n = a->nvars > b->nvars ? a->nvars : b->nvars;
    for (uint32_t v = 0; v < n; v++)
        if (deps_at(a, v) & ~deps_at(b, v))
            return false;
    return true;
}

bool draco_deps_is_equal(const struct draco_deps *a, const struct draco_deps *b)
{
    return draco_deps_leq(a, b) && draco_deps_leq(b, a);
}

draco_status draco_deps_join_into(struct draco_deps *dst, const struct draco_deps *src)
{
    if (src->bottom)
        return DRACO_OK;
    if (dst->bottom) {
        draco_deps_assign_state(dst, src);
        return DRACO_OK;
    }
    /* variables beyond the shorter side are top in the result: forgetting them needs no write */
    uint32_t n = dst->nvars < src->nvars ? dst->nvars : src->nvars;
    dst->nvars = n;
    if (n == 0) {
        deps_release(dst->buf);
        dst->buf = NULL;
        return DRACO_OK;
    }
    if (dst->buf == src->buf)
        return DRACO_OK;
    uint32_t v = 0;
    while (v < n && !(src->buf->s[v] & ~dst->buf->s[v]))
        v++;
    if (v == n)
        return DRACO_OK;
    draco_status st = deps_own(dst, n);
    if (st != DRACO_OK)
        return st;
    for (; v < n; v++)
        dst->buf->s[v] |= src->buf->s[v];
    return DRACO_OK;
}

draco_status draco_deps_meet_into(struct draco_deps *dst, const struct draco_deps *src)
{
    if (dst->bottom)
        return DRACO_OK;
    if (src->bottom) {
        draco_deps_fini(dst);
        return DRACO_OK;
    }
    if (draco_deps_leq(dst, src))
        return DRACO_OK;
    draco_status st = deps_own(dst, src->nvars);
    if (st != DRACO_OK)
        return st;
    for (uint32_t v = 0; v < src->nvars; v++)
        dst->buf->s[v] &= src->buf->s[v];
    return DRACO_OK;
}

draco_status draco_deps_widen_into(struct draco_deps *dst, const struct draco_deps *src)
{
    return draco_deps_join_into(dst, src);
}

draco_status draco_deps_narrow_into(struct draco_deps *dst, const struct draco_deps *src)
{
    return draco_deps_meet_into(dst, src);
}

/* ---- queries ---- */

draco_depset draco_deps_get(const struct draco_deps *d, uint32_t v)
{
    return d->bottom ? DRACO_DEP_NONE : deps_at(d, v);
}

bool draco_deps_may_depend(const struct draco_deps *d, uint32_t v, draco_depset mask)
{
    return (draco_deps_get(d, v) & mask) != 0;
}

void draco_deps_print_var(const struct draco_deps *d, uint32_t v, struct draco_sb *sb)
{
    if (d->bottom)
        draco_sb_puts(sb, "_|_");
    else
        draco_depset_print(deps_at(d, v), sb);
}
