/* SPDX-License-Identifier: MIT */
/* zone_close: keeping zone graphs closed — incremental closure after one new edge, one bound or one
 * excluded value, and closure from scratch.
 *
 * Invariants: on entry to the incremental functions the graph is closed (relational edges
 * transitively closed, bounds tight); on return it is closed again or the zone is bottom.
 * Closing after one edge u->v (weight w) only needs the paths i -> u -> v -> j with i a
 * predecessor of u and j a successor of v (Cotton & Maler's incremental shortest paths): every
 * other shortest path is unchanged. Bounds are the edges of a virtual vertex 0 and are closed the
 * same way (ub(j) <= ub(u) + w + W(v,j), lb(i) >= lb(v) - w - W(i,u)); since the graph is
 * already closed a single pass over those sets is complete, so no potential function is needed.
 * Relational edges implied by the bounds (w >= ub(v) - lb(u)) are not stored (split DBM); this
 * keeps closure complete because bounds are tight. A derived edge whose weight leaves int64 is
 * dropped (counted in stats.edges_dropped): dropping a constraint over-approximates.
 */
#include "domains/zone_impl.h"

#include <string.h>

struct draco_zone_pw {
    uint32_t v;
    int64_t w;
};

/* Excluded values at an endpoint move the endpoint; values outside the bounds are removed.
 * Returns true if a bound moved. */
static bool vert_normalize_neq(struct draco_zone_vert *x)
{
    bool moved = false;
    while (x->nneq && x->neq[0] <= x->lb) {
        if (x->neq[0] == x->lb) {
            x->lb++;
            moved = true;
        }
        memmove(x->neq, x->neq + 1, (size_t)(x->nneq - 1) * sizeof x->neq[0]);
        x->nneq--;
    }
    while (x->nneq && x->neq[x->nneq - 1] >= x->ub) {
        if (x->neq[x->nneq - 1] == x->ub) {
            x->ub--;
            moved = true;
            x->nneq--;
            continue;
        }
        x->nneq--;
    }
    return moved;
}

/* 0: unchanged, 1: tightened, 2: tightened and moved again by an excluded value. */
static int vert_set_ub(struct draco_zone_vert *x, draco_i128 c)
{
    if ((x->flags & DRACO_ZONE_MIN_ONLY) || c >= x->ub || !draco_zone_is_finite(c))
        return 0;
    x->ub = c;
    return vert_normalize_neq(x) ? 2 : 1;
}

static int vert_set_lb(struct draco_zone_vert *x, draco_i128 c)
{
    if (c <= x->lb || !draco_zone_is_finite(c))
        return 0;
    x->lb = c;
    return vert_normalize_neq(x) ? 2 : 1;
}

static void zone_make_bottom(struct draco_zone *z)
{
    draco_zone_set_bottom(z);
}

/* Propagates a bound of v (already set) to its successors (upper) or predecessors (lower). */
static draco_status propagate_bound(struct draco_zone *z, uint32_t v, bool upper, unsigned depth)
{
    struct draco_zone_graph *g = z->g;
    const struct draco_zone_vert *x = &g->verts[v];
    if (x->lb > x->ub) {
        zone_make_bottom(z);
        return DRACO_OK;
    }
    draco_i128 b = upper ? x->ub : x->lb;
    if (!draco_zone_is_finite(b))
        return DRACO_OK;
    const struct draco_zone_row *r = upper ? &x->out : &x->in;
    for (uint32_t k = 0; k < r->len; k++) {
        struct draco_zone_edge e = g->pool[r->off + k];
        draco_i128 c;
        int res;
        if (upper) {
            if (!draco_zone_add(b, e.w, &c))
                continue;
            res = vert_set_ub(&g->verts[e.v], c);
        } else {
            if (!draco_zone_sub(b, e.w, &c))
                continue;
            res = vert_set_lb(&g->verts[e.v], c);
        }
        if (res && g->verts[e.v].lb > g->verts[e.v].ub) {
            zone_make_bottom(z);
            return DRACO_OK;
        }
        if (res == 2) {
            /* an excluded value moved the bound past what the edge gave: propagate both ways */
            if (depth > 64)
                continue; /* stop refining (sound: the bound is valid, just not propagated) */
            draco_status st = propagate_bound(z, e.v, true, depth + 1);
            if (st != DRACO_OK || z->bottom)
                return st;
            st = propagate_bound(z, e.v, false, depth + 1);
            if (st != DRACO_OK || z->bottom)
                return st;
            g = z->g;
        }
    }
    return DRACO_OK;
}

draco_status draco_zone_close_bound(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t v,
                                    bool upper, draco_i128 c)
{
    if (z->bottom)
        return DRACO_OK;
    if (!draco_zone_is_finite(c)) {
        /* x <= -oo or x >= +oo: unsatisfiable; x <= +oo, x >= -oo: nothing */
        if ((upper && c == DRACO_I128_NINF) || (!upper && c == DRACO_I128_PINF))
            zone_make_bottom(z);
        return DRACO_OK;
    }
    if (z->g && v < z->g->nverts) {
        const struct draco_zone_vert *x = &z->g->verts[v];
        if (upper ? (c >= x->ub || (x->flags & DRACO_ZONE_MIN_ONLY)) : c <= x->lb) {
            if (upper && (x->flags & DRACO_ZONE_MIN_ONLY) && c < x->lb)
                zone_make_bottom(z);
            return DRACO_OK;
        }
    }
    draco_status st = draco_zone_graph_own(ctx, z, v + 1);
    if (st != DRACO_OK)
        return st;
    struct draco_zone_vert *x = &z->g->verts[v];
    if (upper && (x->flags & DRACO_ZONE_MIN_ONLY))
        return DRACO_OK;
    int res = upper ? vert_set_ub(x, c) : vert_set_lb(x, c);
    if (!res)
        return DRACO_OK;
    if (x->lb > x->ub) {
        zone_make_bottom(z);
        return DRACO_OK;
    }
    if (ctx)
        ctx->stats.closures++;
    if (res == 2) {
        st = propagate_bound(z, v, !upper, 0);
        if (st != DRACO_OK || z->bottom)
            return st;
    }
    return propagate_bound(z, v, upper, 0);
}

draco_status draco_zone_close_neq(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t v, draco_i128 c)
{
    if (z->bottom)
        return DRACO_OK;
    draco_i128 lb = DRACO_I128_NINF, ub = DRACO_I128_PINF;
    if (z->g && v < z->g->nverts) {
        lb = z->g->verts[v].lb;
        ub = z->g->verts[v].ub;
    }
    if (c < lb || c > ub)
        return DRACO_OK;
    if (c == lb)
        return draco_zone_close_bound(ctx, z, v, false, c + 1);
    if (c == ub)
        return draco_zone_close_bound(ctx, z, v, true, c - 1);
    if (!draco_zone_fits64(c))
        return DRACO_OK; /* not representable: forgetting x != c is sound */
    draco_status st = draco_zone_graph_own(ctx, z, v + 1);
    if (st != DRACO_OK)
        return st;
    struct draco_zone_vert *x = &z->g->verts[v];
    uint32_t pos = 0;
    while (pos < x->nneq && x->neq[pos] < c)
        pos++;
    if (pos < x->nneq && x->neq[pos] == c)
        return DRACO_OK;
    if (x->nneq >= DRACO_ZONE_NEQ_MAX)
        return DRACO_OK; /* set full: dropping the new fact is sound */
    memmove(x->neq + pos + 1, x->neq + pos, (size_t)(x->nneq - pos) * sizeof x->neq[0]);
    x->neq[pos] = (int64_t)c;
    x->nneq++;
    return DRACO_OK;
}

draco_status draco_zone_close_edge(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t u,
                                   uint32_t v, draco_i128 w)
{
    if (z->bottom)
        return DRACO_OK;
    if (u == v) {
        if (w < 0)
            zone_make_bottom(z);
        return DRACO_OK;
    }
    draco_i128 cur, back, t;
    if (draco_zone_weight(z->g, u, v, &cur) && cur <= w)
        return DRACO_OK; /* already entailed */
    if (draco_zone_weight(z->g, v, u, &back) && draco_zone_add(back, w, &t) && t < 0) {
        zone_make_bottom(z); /* negative cycle u -> v -> u */
        return DRACO_OK;
    }
    uint32_t need = (u > v ? u : v) + 1;
    draco_status st = draco_zone_graph_own(ctx, z, need);
    if (st != DRACO_OK)
        return st;
    struct draco_zone_graph *g = z->g;
    if (ctx)
        ctx->stats.closures++;
    /* snapshot predecessors of u and successors of v (rows change while we insert) */
    const struct draco_zone_row *pr = &g->verts[u].in, *sr = &g->verts[v].out;
    size_t np = (size_t)pr->len + 1, ns = (size_t)sr->len + 1;
    struct draco_zone_pw *P = draco_domain_scratch(ctx, DRACO_ZSLOT_PRED, np * sizeof *P);
    struct draco_zone_pw *S = draco_domain_scratch(ctx, DRACO_ZSLOT_SUCC, ns * sizeof *S);
    if (!P || !S)
        return DRACO_ERR_NOMEM;
    P[0] = (struct draco_zone_pw){u, 0};
    for (uint32_t k = 0; k < pr->len; k++)
        P[k + 1] = (struct draco_zone_pw){g->pool[pr->off + k].v, g->pool[pr->off + k].w};
    S[0] = (struct draco_zone_pw){v, 0};
    for (uint32_t k = 0; k < sr->len; k++)
        S[k + 1] = (struct draco_zone_pw){g->pool[sr->off + k].v, g->pool[sr->off + k].w};

    for (size_t a = 0; a < np; a++) {
        uint32_t i = P[a].v;
        draco_i128 lbi = g->verts[i].lb;
        for (size_t b = 0; b < ns; b++) {
            uint32_t j = S[b].v;
            draco_i128 d = (draco_i128)P[a].w + w + S[b].w, implied;
            if (i == j) {
                /* a cycle through the new edge; negative only if a back edge was dropped */
                if (d < 0) {
                    zone_make_bottom(z);
                    return DRACO_OK;
                }
                continue;
            }
            if (!draco_zone_fits64(d)) {
                if (ctx)
                    ctx->stats.edges_dropped++;
                continue;
            }
            if (draco_zone_is_finite(lbi) && draco_zone_is_finite(g->verts[j].ub) &&
                draco_zone_sub(g->verts[j].ub, lbi, &implied) && implied <= d)
                continue; /* implied by the bounds: not stored */
            int64_t old;
            if (draco_zone_edge_get(g, i, j, &old) && old <= d)
                continue;
            st = draco_zone_edge_put(g, i, j, (int64_t)d);
            if (st != DRACO_OK)
                return st;
        }
    }
    /* bounds through the new edge; remember vertices moved by excluded values */
    draco_i128 ubu = g->verts[u].ub, lbv = g->verts[v].lb;
    bool again = false;
    if (draco_zone_is_finite(ubu)) {
        for (size_t b = 0; b < ns; b++) {
            draco_i128 c;
            if (!draco_zone_add(ubu, w + S[b].w, &c))
                continue;
            int res = vert_set_ub(&g->verts[S[b].v], c);
            if (res && g->verts[S[b].v].lb > g->verts[S[b].v].ub) {
                zone_make_bottom(z);
                return DRACO_OK;
            }
            again |= res == 2;
        }
    }
    if (draco_zone_is_finite(lbv)) {
        for (size_t a = 0; a < np; a++) {
            draco_i128 c;
            if (!draco_zone_sub(lbv, w + P[a].w, &c))
                continue;
            int res = vert_set_lb(&g->verts[P[a].v], c);
            if (res && g->verts[P[a].v].lb > g->verts[P[a].v].ub) {
                zone_make_bottom(z);
                return DRACO_OK;
            }
            again |= res == 2;
        }
    }
    if (again) {
        /* rare: an excluded value moved a bound; propagate those vertices fully */
        for (size_t b = 0; b < ns && !z->bottom; b++) {
            st = propagate_bound(z, S[b].v, true, 0);
            if (st == DRACO_OK && !z->bottom)
                st = propagate_bound(z, S[b].v, false, 0);
            if (st != DRACO_OK)
                return st;
        }
        for (size_t a = 0; a < np && !z->bottom; a++) {
            st = propagate_bound(z, P[a].v, true, 0);
            if (st == DRACO_OK && !z->bottom)
                st = propagate_bound(z, P[a].v, false, 0);
            if (st != DRACO_OK)
                return st;
        }
    }
    return DRACO_OK;
}

draco_status draco_zone_close_full(struct draco_domain_ctx *ctx, struct draco_zone *z)
{
    if (z->bottom || !z->g) {
        z->unclosed = false;
        return DRACO_OK;
    }
    draco_status st = draco_zone_graph_own(ctx, z, 0);
    if (st != DRACO_OK)
        return st;
    struct draco_zone_graph *g = z->g;
    if (ctx)
        ctx->stats.full_closures++;
    for (uint32_t k = 0; k < g->nverts; k++) {
        const struct draco_zone_row *pr = &g->verts[k].in, *sr = &g->verts[k].out;
        if (!pr->len || !sr->len)
            continue;
        size_t np = pr->len, ns = sr->len;
        struct draco_zone_pw *P = draco_domain_scratch(ctx, DRACO_ZSLOT_PRED, np * sizeof *P);
        struct draco_zone_pw *S = draco_domain_scratch(ctx, DRACO_ZSLOT_SUCC, ns * sizeof *S);
        if (!P || !S)
            return DRACO_ERR_NOMEM;
        for (uint32_t a = 0; a < pr->len; a++)
            P[a] = (struct draco_zone_pw){g->pool[pr->off + a].v, g->pool[pr->off + a].w};
        for (uint32_t b = 0; b < sr->len; b++)
            S[b] = (struct draco_zone_pw){g->pool[sr->off + b].v, g->pool[sr->off + b].w};
        for (size_t a = 0; a < np; a++) {
            for (size_t b = 0; b < ns; b++) {
                uint32_t i = P[a].v, j = S[b].v;
                draco_i128 d = (draco_i128)P[a].w + S[b].w, implied;
                if (i == j) {
                    if (d < 0) {
                        zone_make_bottom(z);
                        return DRACO_OK;
                    }
                    continue;
                }
                if (!draco_zone_fits64(d)) {
                    if (ctx)
                        ctx->stats.edges_dropped++;
                    continue;
                }
                if (draco_zone_is_finite(g->verts[i].lb) && draco_zone_is_finite(g->verts[j].ub) &&
                    draco_zone_sub(g->verts[j].ub, g->verts[i].lb, &implied) && implied <= d)
                    continue;
                int64_t old;
                if (draco_zone_edge_get(g, i, j, &old) && old <= d)
                    continue;
                st = draco_zone_edge_put(g, i, j, (int64_t)d);
                if (st != DRACO_OK)
                    return st;
            }
        }
    }
    /* one bound pass is complete on a transitively closed graph (except excluded-value moves) */
    bool again = false;
    for (uint32_t k = 0; k < g->nverts; k++) {
        const struct draco_zone_vert *x = &g->verts[k];
        for (uint32_t b = 0; b < x->out.len; b++) {
            struct draco_zone_edge e = g->pool[x->out.off + b];
            draco_i128 c;
            if (draco_zone_is_finite(x->ub) && draco_zone_add(x->ub, e.w, &c))
                again |= vert_set_ub(&g->verts[e.v], c) == 2;
            if (draco_zone_is_finite(g->verts[e.v].lb) && draco_zone_sub(g->verts[e.v].lb, e.w, &c))
                again |= vert_set_lb(&g->verts[k], c) == 2;
        }
    }
    for (uint32_t k = 0; k < g->nverts; k++)
        if (g->verts[k].lb > g->verts[k].ub) {
            zone_make_bottom(z);
            return DRACO_OK;
        }
    for (uint32_t k = 0; again && k < g->nverts && !z->bottom; k++) {
        st = propagate_bound(z, k, true, 0);
        if (st == DRACO_OK && !z->bottom)
            st = propagate_bound(z, k, false, 0);
        if (st != DRACO_OK)
            return st;
    }
    z->unclosed = false;
    return DRACO_OK;
}
