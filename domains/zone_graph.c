/* SPDX-License-Identifier: MIT */
/* zone_graph: the sparse, reference-counted adjacency store behind zones, plus the domain scratch
 * context.
 *
 * Invariants: see domains/zone_impl.h. Rows are sorted arrays in one edge pool (a graph copy is
 * three allocations whatever its size); lookups are a linear scan for short rows and a binary
 * search for long ones. A shared graph (refs > 1) is never written: draco_zone_graph_own()
 * detaches first. Nothing here allocates unless a row or the vertex array outgrows its capacity.
 */
#include "domains/zone_impl.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- scratch context */

void draco_domain_ctx_init(struct draco_domain_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
}

void draco_domain_ctx_fini(struct draco_domain_ctx *ctx)
{
    if (!ctx)
        return;
    for (unsigned i = 0; i < DRACO_DOMAIN_SCRATCH_SLOTS; i++)
        free(ctx->scratch[i].data);
    memset(ctx, 0, sizeof *ctx);
}

void *draco_domain_scratch(struct draco_domain_ctx *ctx, unsigned slot, size_t bytes)
{
    if (slot >= DRACO_DOMAIN_SCRATCH_SLOTS)
        return NULL;
    if (ctx->scratch[slot].cap >= bytes && ctx->scratch[slot].data)
        return ctx->scratch[slot].data;
    size_t cap = ctx->scratch[slot].cap ? ctx->scratch[slot].cap : 256;
    while (cap < bytes) {
        if (cap > SIZE_MAX / 2)
            return NULL;
        cap *= 2;
    }
    void *p = aligned_alloc(16, (cap + 15) & ~(size_t)15);
    if (!p)
        return NULL;
    free(ctx->scratch[slot].data);
    ctx->scratch[slot].data = p;
    ctx->scratch[slot].cap = cap;
    return p;
}

/* ---------------------------------------------------------------- graph lifetime */

static void vert_init(struct draco_zone_vert *x)
{
    memset(x, 0, sizeof *x);
    x->lb = DRACO_I128_NINF;
    x->ub = DRACO_I128_PINF;
}

struct draco_zone_graph *draco_zone_graph_new(uint32_t nverts)
{
    struct draco_zone_graph *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->vcap = nverts < 8 ? 8 : nverts;
    g->verts = malloc((size_t)g->vcap * sizeof *g->verts);
    if (!g->verts) {
        free(g);
        return NULL;
    }
    for (uint32_t i = 0; i < g->vcap; i++)
        vert_init(&g->verts[i]);
    g->nverts = nverts;
    g->refs = 1;
    return g;
}

void draco_zone_graph_release(struct draco_zone_graph *g)
{
    if (!g || --g->refs > 0)
        return;
    free(g->verts);
    free(g->pool);
    free(g);
}

static uint32_t row_slack(uint32_t len)
{
    return len + 2 + (len >> 2);
}

/* A compacted private copy of g with room for nverts vertices. */
static struct draco_zone_graph *graph_clone(const struct draco_zone_graph *g, uint32_t nverts)
{
    uint32_t n = nverts > g->nverts ? nverts : g->nverts;
    struct draco_zone_graph *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->refs = 1;
    c->nverts = n;
    c->vcap = n < 8 ? 8 : n;
    c->verts = malloc((size_t)c->vcap * sizeof *c->verts);
    size_t total = 0;
    for (uint32_t i = 0; i < g->nverts; i++) {
        const struct draco_zone_vert *x = &g->verts[i];
        if (x->out.len)
            total += row_slack(x->out.len);
        if (x->in.len)
            total += row_slack(x->in.len);
    }
    if (total > UINT32_MAX / 2) {
        free(c->verts);
        free(c);
        return NULL;
    }
    c->pool_cap = (uint32_t)(total ? total : 0);
    c->pool = total ? malloc(total * sizeof *c->pool) : NULL;
    if (!c->verts || (total && !c->pool)) {
        free(c->verts);
        free(c->pool);
        free(c);
        return NULL;
    }
    uint32_t at = 0;
    for (uint32_t i = 0; i < g->nverts; i++) {
        const struct draco_zone_vert *x = &g->verts[i];
        struct draco_zone_vert *y = &c->verts[i];
        *y = *x;
        y->out.off = y->in.off = 0;
        y->out.cap = y->in.cap = 0;
        if (x->out.len) {
            y->out.off = at;
            y->out.cap = row_slack(x->out.len);
            memcpy(c->pool + at, g->pool + x->out.off, x->out.len * sizeof *c->pool);
            at += y->out.cap;
        }
        if (x->in.len) {
            y->in.off = at;
            y->in.cap = row_slack(x->in.len);
            memcpy(c->pool + at, g->pool + x->in.off, x->in.len * sizeof *c->pool);
            at += y->in.cap;
        }
    }
    for (uint32_t i = g->nverts; i < c->vcap; i++)
        vert_init(&c->verts[i]);
    c->pool_len = at;
    c->nedges = g->nedges;
    return c;
}

draco_status draco_zone_graph_own(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t nverts)
{
    if (z->bottom)
        return DRACO_ERR_INTERNAL;
    if (!z->g) {
        z->g = draco_zone_graph_new(nverts);
        return z->g ? DRACO_OK : DRACO_ERR_NOMEM;
    }
    struct draco_zone_graph *g = z->g;
    if (g->refs > 1) {
        struct draco_zone_graph *c = graph_clone(g, nverts);
        if (!c)
            return DRACO_ERR_NOMEM;
        if (ctx)
            ctx->stats.graph_copies++;
        g->refs--;
        z->g = c;
        return DRACO_OK;
    }
    if (nverts > g->vcap) {
        uint32_t cap = g->vcap * 2 > nverts ? g->vcap * 2 : nverts;
        struct draco_zone_vert *v = realloc(g->verts, (size_t)cap * sizeof *v);
        if (!v)
            return DRACO_ERR_NOMEM;
        for (uint32_t i = g->vcap; i < cap; i++)
            vert_init(&v[i]);
        g->verts = v;
        g->vcap = cap;
    }
    if (nverts > g->nverts)
        g->nverts = nverts;
    return DRACO_OK;
}

/* ---------------------------------------------------------------- rows */

long draco_zone_row_find(const struct draco_zone_graph *g, const struct draco_zone_row *r, uint32_t v)
{
    const struct draco_zone_edge *e = g->pool + r->off;
    if (r->len <= 8) {
        for (uint32_t i = 0; i < r->len; i++)
            if (e[i].v == v)
                return (long)i;
        return -1;
    }
    uint32_t lo = 0, hi = r->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (e[mid].v < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->len && e[lo].v == v ? (long)lo : -1;
}

static uint32_t row_lower_bound(const struct draco_zone_graph *g, const struct draco_zone_row *r, uint32_t v)
{
    const struct draco_zone_edge *e = g->pool + r->off;
    uint32_t lo = 0, hi = r->len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (e[mid].v < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Rebuilds the pool compactly with at least `extra` free slots at the end. */
static draco_status pool_compact(struct draco_zone_graph *g, size_t extra)
{
    size_t total = extra;
    for (uint32_t i = 0; i < g->nverts; i++)
        total += (size_t)g->verts[i].out.cap + g->verts[i].in.cap;
    size_t cap = total * 2 + 16;
    if (cap > UINT32_MAX / 2)
        return DRACO_ERR_LIMIT;
    struct draco_zone_edge *p = malloc(cap * sizeof *p);
    if (!p)
        return DRACO_ERR_NOMEM;
    uint32_t at = 0;
    for (uint32_t i = 0; i < g->nverts; i++) {
        struct draco_zone_row *rs[2] = {&g->verts[i].out, &g->verts[i].in};
        for (int k = 0; k < 2; k++) {
            struct draco_zone_row *r = rs[k];
            if (r->len)
                memcpy(p + at, g->pool + r->off, r->len * sizeof *p);
            r->off = at;
            at += r->cap;
        }
    }
    free(g->pool);
    g->pool = p;
    g->pool_len = at;
    g->pool_cap = (uint32_t)cap;
    return DRACO_OK;
}

/* Makes room for one more entry in r (moving it to the pool's end if full). */
static draco_status row_grow(struct draco_zone_graph *g, struct draco_zone_row *r)
{
    if (r->len < r->cap)
        return DRACO_OK;
    uint32_t ncap = r->cap < 2 ? 4 : r->cap * 2;
    if ((size_t)g->pool_len + ncap > g->pool_cap) {
        size_t live = 0;
        for (uint32_t i = 0; i < g->nverts; i++)
            live += (size_t)g->verts[i].out.cap + g->verts[i].in.cap;
        if (live * 2 < g->pool_len || g->pool_cap == 0) {
            draco_status st = pool_compact(g, ncap);
            if (st != DRACO_OK)
                return st;
        }
        if ((size_t)g->pool_len + ncap > g->pool_cap) {
            size_t cap = (size_t)g->pool_cap * 2 + ncap + 16;
            if (cap > UINT32_MAX / 2)
                return DRACO_ERR_LIMIT;
            struct draco_zone_edge *p = realloc(g->pool, cap * sizeof *p);
            if (!p)
                return DRACO_ERR_NOMEM;
            g->pool = p;
            g->pool_cap = (uint32_t)cap;
        }
    }
    if (r->len)
        memcpy(g->pool + g->pool_len, g->pool + r->off, r->len * sizeof *g->pool);
    r->off = g->pool_len;
    r->cap = ncap;
    g->pool_len += ncap;
    return DRACO_OK;
}

static draco_status row_put(struct draco_zone_graph *g, struct draco_zone_row *r, uint32_t v, int64_t w, bool *inserted)
{
    uint32_t pos = row_lower_bound(g, r, v);
    struct draco_zone_edge *e = g->pool + r->off;
    if (pos < r->len && e[pos].v == v) {
        e[pos].w = w;
        *inserted = false;
        return DRACO_OK;
    }
    draco_status st = row_grow(g, r);
    if (st != DRACO_OK)
        return st;
    e = g->pool + r->off;
    memmove(e + pos + 1, e + pos, (r->len - pos) * sizeof *e);
    e[pos].v = v;
    e[pos].w = w;
    r->len++;
    *inserted = true;
    return DRACO_OK;
}

static void row_del(struct draco_zone_graph *g, struct draco_zone_row *r, uint32_t v)
{
    long i = draco_zone_row_find(g, r, v);
    if (i < 0)
        return;
    struct draco_zone_edge *e = g->pool + r->off;
    memmove(e + i, e + i + 1, (r->len - (uint32_t)i - 1) * sizeof *e);
    r->len--;
}

/* ---------------------------------------------------------------- edges */

bool draco_zone_edge_get(const struct draco_zone_graph *g, uint32_t u, uint32_t v, int64_t *w)
{
    if (!g || u >= g->nverts || v >= g->nverts)
        return false;
    const struct draco_zone_row *r = &g->verts[u].out;
    long i = draco_zone_row_find(g, r, v);
    if (i < 0)
        return false;
    *w = g->pool[r->off + (uint32_t)i].w;
    return true;
}

draco_status draco_zone_edge_put(struct draco_zone_graph *g, uint32_t u, uint32_t v, int64_t w)
{
    if (u == v || u >= g->nverts || v >= g->nverts)
        return DRACO_ERR_INTERNAL;
    bool ins_out = false, ins_in = false;
    draco_status st = row_put(g, &g->verts[u].out, v, w, &ins_out);
    if (st != DRACO_OK)
        return st;
    st = row_put(g, &g->verts[v].in, u, w, &ins_in);
    if (st != DRACO_OK) {
        if (ins_out)
            row_del(g, &g->verts[u].out, v);
        return st;
    }
    if (ins_out)
        g->nedges++;
    return ins_out == ins_in ? DRACO_OK : DRACO_ERR_INTERNAL;
}

void draco_zone_edge_remove(struct draco_zone_graph *g, uint32_t u, uint32_t v)
{
    if (u >= g->nverts || v >= g->nverts)
        return;
    long i = draco_zone_row_find(g, &g->verts[u].out, v);
    if (i < 0)
        return;
    row_del(g, &g->verts[u].out, v);
    row_del(g, &g->verts[v].in, u);
    g->nedges--;
}

void draco_zone_vert_clear(struct draco_zone_graph *g, uint32_t v)
{
    if (v >= g->nverts)
        return;
    struct draco_zone_vert *x = &g->verts[v];
    for (uint32_t i = 0; i < x->out.len; i++)
        row_del(g, &g->verts[g->pool[x->out.off + i].v].in, v);
    for (uint32_t i = 0; i < x->in.len; i++)
        row_del(g, &g->verts[g->pool[x->in.off + i].v].out, v);
    g->nedges -= (size_t)x->out.len + x->in.len;
    x->out.len = 0;
    x->in.len = 0;
    x->lb = DRACO_I128_NINF;
    x->ub = DRACO_I128_PINF;
    x->nneq = 0;
}

draco_status draco_zone_graph_rebuild(struct draco_zone_graph *g, const struct draco_zone_triple *t, size_t n)
{
    for (uint32_t i = 0; i < g->nverts; i++) {
        g->verts[i].out.len = 0;
        g->verts[i].in.len = 0;
    }
    for (size_t k = 0; k < n; k++) {
        if (t[k].u >= g->nverts || t[k].v >= g->nverts || t[k].u == t[k].v)
            return DRACO_ERR_INTERNAL;
        g->verts[t[k].u].out.len++;
        g->verts[t[k].v].in.len++;
    }
    size_t total = 0;
    for (uint32_t i = 0; i < g->nverts; i++) {
        const struct draco_zone_vert *x = &g->verts[i];
        total += (x->out.len ? row_slack(x->out.len) : 0) + (x->in.len ? row_slack(x->in.len) : 0);
    }
    if (total > UINT32_MAX / 2)
        return DRACO_ERR_LIMIT;
    if (total > g->pool_cap) {
        size_t cap = total + total / 2 + 16;
        struct draco_zone_edge *p = realloc(g->pool, cap * sizeof *p);
        if (!p)
            return DRACO_ERR_NOMEM;
        g->pool = p;
        g->pool_cap = (uint32_t)cap;
    }
    uint32_t at = 0;
    for (uint32_t i = 0; i < g->nverts; i++) {
        struct draco_zone_vert *x = &g->verts[i];
        x->out.off = at;
        x->out.cap = x->out.len ? row_slack(x->out.len) : 0;
        at += x->out.cap;
        x->in.off = at;
        x->in.cap = x->in.len ? row_slack(x->in.len) : 0;
        at += x->in.cap;
        x->out.len = 0;
        x->in.len = 0;
    }
    g->pool_len = at;
    for (size_t k = 0; k < n; k++) {
        struct draco_zone_vert *a = &g->verts[t[k].u], *b = &g->verts[t[k].v];
        g->pool[a->out.off + a->out.len++] = (struct draco_zone_edge){t[k].v, t[k].w};
        g->pool[b->in.off + b->in.len++] = (struct draco_zone_edge){t[k].u, t[k].w};
    }
    g->nedges = n;
    return DRACO_OK;
}

bool draco_zone_weight(const struct draco_zone_graph *g, uint32_t u, uint32_t v, draco_i128 *w)
{
    if (!g || u >= g->nverts || v >= g->nverts)
        return false;
    bool have = false;
    draco_i128 best = 0, d;
    int64_t e;
    if (draco_zone_edge_get(g, u, v, &e)) {
        best = e;
        have = true;
    }
    if (draco_zone_is_finite(g->verts[v].ub) && draco_zone_is_finite(g->verts[u].lb) &&
        draco_zone_sub(g->verts[v].ub, g->verts[u].lb, &d) && (!have || d < best)) {
        best = d;
        have = true;
    }
    *w = best;
    return have;
}

/* ---------------------------------------------------------------- zone values: lifetime */

void draco_zone_init_top(struct draco_zone *z)
{
    z->base.ops = &draco_zone_ops;
    z->g = NULL;
    z->bottom = false;
    z->unclosed = false;
}

void draco_zone_init_bottom(struct draco_zone *z)
{
    draco_zone_init_top(z);
    z->bottom = true;
}

void draco_zone_fini(struct draco_zone *z)
{
    if (!z)
        return;
    draco_zone_graph_release(z->g);
    z->g = NULL;
}

void draco_zone_assign_copy(struct draco_zone *dst, const struct draco_zone *src)
{
    if (dst == src)
        return;
    if (src->g)
        src->g->refs++;
    draco_zone_graph_release(dst->g);
    dst->base.ops = &draco_zone_ops;
    dst->g = src->g;
    dst->bottom = src->bottom;
    dst->unclosed = src->unclosed;
}

void draco_zone_set_top(struct draco_zone *z)
{
    draco_zone_graph_release(z->g);
    draco_zone_init_top(z);
}

void draco_zone_set_bottom(struct draco_zone *z)
{
    draco_zone_graph_release(z->g);
    draco_zone_init_bottom(z);
}

bool draco_zone_is_bottom(const struct draco_zone *z)
{
    return z->bottom;
}

bool draco_zone_is_top(const struct draco_zone *z)
{
    if (z->bottom)
        return false;
    const struct draco_zone_graph *g = z->g;
    if (!g)
        return true;
    if (g->nedges)
        return false;
    for (uint32_t i = 0; i < g->nverts; i++)
        if (g->verts[i].lb != DRACO_I128_NINF || g->verts[i].ub != DRACO_I128_PINF || g->verts[i].nneq)
            return false;
    return true;
}

size_t draco_zone_edge_count(const struct draco_zone *z)
{
    return z->g && !z->bottom ? z->g->nedges : 0;
}
