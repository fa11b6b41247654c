/* SPDX-License-Identifier: MIT */
/* zone_lattice: order, join, meet, widening and narrowing of zones.
 *
 * Invariants: inputs that are closed give closed results for leq/join/meet/narrow. The join is
 * the pointwise maximum of the implicit (closed) weights W(u,v) = min(edge, ub(v) - lb(u)); pairs
 * stored on neither side are re-derived only where the maximum upper bound and the minimum lower
 * bound come from different operands (elsewhere the bounds already imply the joined weight), so
 * the cost is proportional to the edges plus the pairs whose bounds moved in opposite directions.
 * Those pairs are re-derived only while their number stays within 2 * (vertices + edges); past
 * that budget the join keeps bounds and stored-edge relations only (an upper bound, not the
 * least one; counted in stats.edges_dropped).
 * Widening keeps only the left operand's entries that the right one does not weaken (bounds
 * climb through ctx->thresholds first) and is not re-closed: closing the left operand of a
 * widening can prevent termination (Miné 2006), so the result is flagged `unclosed` and any later
 * operation that needs closure closes its own (copy-on-write) graph first.
 */
#include "domains/zone_impl.h"

#include <stdlib.h>
#include <string.h>

static void vert_bounds(const struct draco_zone *z, uint32_t v, draco_i128 *lb, draco_i128 *ub)
{
    if (z->g && v < z->g->nverts) {
        *lb = z->g->verts[v].lb;
        *ub = z->g->verts[v].ub;
    } else {
        *lb = DRACO_I128_NINF;
        *ub = DRACO_I128_PINF;
    }
}

bool draco_zone_excludes(const struct draco_zone *z, uint32_t var, draco_i128 c)
{
    if (z->bottom)
        return true;
    draco_i128 lb, ub;
    vert_bounds(z, var, &lb, &ub);
    if (c < lb || c > ub)
        return true;
    if (!z->g || var >= z->g->nverts)
        return false;
    const struct draco_zone_vert *x = &z->g->verts[var];
    for (unsigned i = 0; i < x->nneq; i++)
        if (x->neq[i] == c)
            return true;
    return false;
}

/* A closed copy of z in *tmp when z is unclosed (else *tmp aliases z, no copy). */
draco_status draco_zone_closed_view(struct draco_domain_ctx *ctx, const struct draco_zone *z,
                                    struct draco_zone *tmp, const struct draco_zone **out)
{
    draco_zone_init_top(tmp);
    if (!z->unclosed) {
        *out = z;
        return DRACO_OK;
    }
    draco_zone_assign_copy(tmp, z);
    draco_status st = draco_zone_close_full(ctx, tmp);
    *out = tmp;
    return st;
}

static bool leq_closed(const struct draco_zone *a, const struct draco_zone *b)
{
    const struct draco_zone_graph *gb = b->g, *ga = a->g;
    for (uint32_t v = 0; v < gb->nverts; v++) {
        const struct draco_zone_vert *y = &gb->verts[v];
        draco_i128 lb, ub;
        vert_bounds(a, v, &lb, &ub);
        if (lb < y->lb || ub > y->ub)
            return false;
        for (unsigned k = 0; k < y->nneq; k++)
            if (!draco_zone_excludes(a, v, y->neq[k]))
                return false;
        for (uint32_t k = 0; k < y->out.len; k++) {
            struct draco_zone_edge e = gb->pool[y->out.off + k];
            draco_i128 w;
            if (!draco_zone_weight(ga, v, e.v, &w) || w > e.w)
                return false;
        }
    }
    return true;
}

bool draco_zone_leq(struct draco_domain_ctx *ctx, const struct draco_zone *a, const struct draco_zone *b)
{
    if (a->bottom)
        return true;
    if (b->bottom)
        return false;
    if (!b->g || a->g == b->g)
        return true; /* neither is bottom: a NULL graph on b's side is top */
    struct draco_zone tmp;
    const struct draco_zone *ac;
    if (draco_zone_closed_view(ctx, a, &tmp, &ac) != DRACO_OK) {
        draco_zone_fini(&tmp);
        return false; /* unknown: "not included" is the safe answer */
    }
    bool r = ac->bottom ? true : leq_closed(ac, b);
    draco_zone_fini(&tmp);
    return r;
}

/* ---------------------------------------------------------------- join */

static int cmp_triple(const void *x, const void *y)
{
    const struct draco_zone_triple *a = x, *b = y;
    return a->v < b->v ? -1 : a->v > b->v;
}

#define JOIN_IN_LA 0x10u /* jv flag: lb of a is the lower one */
#define JOIN_IN_LB 0x20u /* jv flag: lb of b is the lower one */

struct join_sets {
    uint32_t *lb_a, *lb_b, *ub_a, *ub_b; /* L_a, L_b, U_a, U_b */
    uint32_t nla, nlb, nua, nub;
    uint32_t *stamp;                      /* per vertex: last row that listed it, plus one */
};

/* Weight of u->v in the join, or false when it is not worth storing. */
static bool join_weight(const struct draco_zone *a, const struct draco_zone *b, const struct draco_zone_vert *jv,
                        uint32_t u, uint32_t v, int64_t *out, struct draco_domain_ctx *ctx)
{
    draco_i128 wa, wb, implied;
    if (!draco_zone_weight(a->g, u, v, &wa) || !draco_zone_weight(b->g, u, v, &wb))
        return false;
    draco_i128 w = wa > wb ? wa : wb;
    if (draco_zone_is_finite(jv[v].ub) && draco_zone_is_finite(jv[u].lb) &&
        draco_zone_sub(jv[v].ub, jv[u].lb, &implied) && implied <= w)
        return false;
    if (!draco_zone_fits64(w)) {
        ctx->stats.edges_dropped++;
        return false;
    }
    *out = (int64_t)w;
    return true;
}

static draco_status join_push(struct draco_domain_ctx *ctx, struct draco_zone_triple **t, size_t *n, size_t *cap,
                              struct draco_zone_triple x)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        struct draco_zone_triple *p = draco_domain_scratch(ctx, DRACO_ZSLOT_WORK, nc * sizeof *p);
        if (!p)
            return DRACO_ERR_NOMEM;
        if (*n)
            memcpy(p, *t, *n * sizeof *p);
        /* move into the triples slot so WORK can be reused next time */
        struct draco_zone_triple *q = draco_domain_scratch(ctx, DRACO_ZSLOT_TRIPLES, nc * sizeof *q);
        if (!q)
            return DRACO_ERR_NOMEM;
        memcpy(q, p, *n * sizeof *q);
        *t = q;
        *cap = nc;
    }
    (*t)[(*n)++] = x;
    return DRACO_OK;
}

static draco_status join_row(struct draco_domain_ctx *ctx, const struct draco_zone *a, const struct draco_zone *b,
                             const struct draco_zone_vert *jv, uint32_t u, struct join_sets *s,
                             struct draco_zone_triple **t, size_t *n, size_t *cap)
{
    size_t start = *n;
    const uint32_t *lists[4];
    uint32_t lens[4];
    const struct draco_zone_graph *ga = a->g, *gb = b->g;
    unsigned nl = 0;
    /* candidate targets: stored edges of either side, and re-derived pairs */
    for (int side = 0; side < 2; side++) {
        const struct draco_zone_graph *g = side ? gb : ga;
        if (u >= g->nverts)
            continue;
        const struct draco_zone_row *r = &g->verts[u].out;
        for (uint32_t k = 0; k < r->len; k++) {
            uint32_t v = g->pool[r->off + k].v;
            if (s->stamp[v] == u + 1)
                continue;
            s->stamp[v] = u + 1;
            int64_t w;
            if (join_weight(a, b, jv, u, v, &w, ctx)) {
                draco_status st = join_push(ctx, t, n, cap, (struct draco_zone_triple){u, v, w});
                if (st != DRACO_OK)
                    return st;
            }
        }
    }
    /* u in L_b (b's lb lower) pairs with U_a; u in L_a pairs with U_b. Sets are tiny bitmaps. */
    bool in_lb = (jv[u].flags & JOIN_IN_LB) != 0, in_la = (jv[u].flags & JOIN_IN_LA) != 0;
    if (in_lb) {
        lists[nl] = s->ub_a;
        lens[nl++] = s->nua;
    }
    if (in_la) {
        lists[nl] = s->ub_b;
        lens[nl++] = s->nub;
    }
    for (unsigned l = 0; l < nl; l++) {
        for (uint32_t k = 0; k < lens[l]; k++) {
            uint32_t v = lists[l][k];
            if (v == u || s->stamp[v] == u + 1)
                continue;
            s->stamp[v] = u + 1;
            int64_t w;
            if (join_weight(a, b, jv, u, v, &w, ctx)) {
                draco_status st = join_push(ctx, t, n, cap, (struct draco_zone_triple){u, v, w});
                if (st != DRACO_OK)
                    return st;
            }
        }
    }
    size_t len = *n - start;
    if (len > 1) {
        struct draco_zone_triple *r = *t + start;
        if (len <= 16) {
            for (size_t i = 1; i < len; i++) {
                struct draco_zone_triple x = r[i];
                size_t j = i;
                while (j > 0 && r[j - 1].v > x.v) {
                    r[j] = r[j - 1];
                    j--;
                }
                r[j] = x;
            }
        } else {
            qsort(r, len, sizeof *r, cmp_triple);
        }
    }
    return DRACO_OK;
}

/* a excludes c (as the set of excluded values or by its bounds). */
static bool neq_joined(const struct draco_zone *a, const struct draco_zone *b, uint32_t v, int64_t c,
                       const struct draco_zone_vert *jv)
{
    return c > jv[v].lb && c < jv[v].ub && draco_zone_excludes(a, v, c) && draco_zone_excludes(b, v, c);
}

static draco_status join_closed(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b)
{
    struct draco_zone_graph *ga = a->g;
    const struct draco_zone_graph *gb = b->g;
    uint32_t n = ga->nverts > gb->nverts ? ga->nverts : gb->nverts;
    /* the joined vertex data (bounds, flags, excluded values) */
    struct draco_zone_vert *jv = draco_domain_scratch(ctx, DRACO_ZSLOT_CAND, (size_t)n * sizeof *jv);
    uint32_t *sets = draco_domain_scratch(ctx, DRACO_ZSLOT_SETS, (size_t)n * 5 * sizeof *sets);
    if (!jv || !sets)
        return DRACO_ERR_NOMEM;
    struct join_sets s = {sets, sets + n, sets + 2 * n, sets + 3 * n, 0, 0, 0, 0, sets + 4 * n};
    memset(s.stamp, 0, (size_t)n * sizeof *s.stamp);
    for (uint32_t v = 0; v < n; v++) {
        draco_i128 la, ua, lb, ub;
        vert_bounds(a, v, &la, &ua);
        vert_bounds(b, v, &lb, &ub);
        struct draco_zone_vert *x = &jv[v];
        memset(x, 0, sizeof *x);
        x->flags = (uint8_t)((v < ga->nverts ? ga->verts[v].flags : 0) | (v < gb->nverts ? gb->verts[v].flags : 0));
        x->lb = la < lb ? la : lb;
        x->ub = (x->flags & DRACO_ZONE_MIN_ONLY) ? DRACO_I128_PINF : (ua > ub ? ua : ub);
        if (draco_zone_is_finite(la) && draco_zone_is_finite(lb)) {
            if (lb < la) {
                s.lb_b[s.nlb++] = v;
                x->flags |= JOIN_IN_LB;
            } else if (la < lb) {
                s.lb_a[s.nla++] = v;
                x->flags |= JOIN_IN_LA;
            }
        }
        if (draco_zone_is_finite(ua) && draco_zone_is_finite(ub) && !(x->flags & DRACO_ZONE_MIN_ONLY)) {
            if (ua > ub)
                s.ub_a[s.nua++] = v;
            else if (ub > ua)
                s.ub_b[s.nub++] = v;
        }
    }
    /* Re-deriving relations is quadratic in the vertices whose bounds moved in opposite directions;
     * beyond a budget linear in the graph size it is skipped (sound: only relations are lost). */
    size_t pairs = (size_t)s.nlb * s.nua + (size_t)s.nla * s.nub;
    size_t budget = 2 * ((size_t)n + ga->nedges + gb->nedges);
    if (pairs > (budget < 64 ? 64 : budget)) {
        for (uint32_t v = 0; v < n; v++)
            jv[v].flags &= (uint8_t)~(JOIN_IN_LA | JOIN_IN_LB);
        s.nla = s.nlb = 0;
        ctx->stats.edges_dropped += pairs;
    }
    /* excluded values: kept when both sides exclude them */
    for (uint32_t v = 0; v < n; v++) {
        for (int side = 0; side < 2; side++) {
            const struct draco_zone_graph *g = side ? gb : ga;
            if (v >= g->nverts)
                continue;
            for (unsigned k = 0; k < g->verts[v].nneq; k++) {
                int64_t c = g->verts[v].neq[k];
                struct draco_zone_vert *x = &jv[v];
                bool dup = false;
                for (unsigned q = 0; q < x->nneq; q++)
                    dup |= x->neq[q] == c;
                if (dup || x->nneq >= DRACO_ZONE_NEQ_MAX || !neq_joined(a, b, v, c, jv))
                    continue;
                unsigned pos = x->nneq;
                while (pos > 0 && x->neq[pos - 1] > c) {
                    x->neq[pos] = x->neq[pos - 1];
                    pos--;
                }
                x->neq[pos] = c;
                x->nneq++;
            }
        }
    }
    struct draco_zone_triple *t = ctx->scratch[DRACO_ZSLOT_TRIPLES].data;
    size_t nt = 0, cap = ctx->scratch[DRACO_ZSLOT_TRIPLES].cap / sizeof *t;
    for (uint32_t u = 0; u < n; u++) {
        draco_status st = join_row(ctx, a, b, jv, u, &s, &t, &nt, &cap);
        if (st != DRACO_OK)
            return st;
    }
    /* write the result into a's (private) graph */
    draco_status st = draco_zone_graph_own(ctx, a, n);
    if (st != DRACO_OK)
        return st;
    ga = a->g;
    for (uint32_t v = 0; v < n; v++) {
        struct draco_zone_vert *x = &ga->verts[v];
        x->lb = jv[v].lb;
        x->ub = jv[v].ub;
        x->flags = jv[v].flags & DRACO_ZONE_MIN_ONLY;
        x->nneq = jv[v].nneq;
        memcpy(x->neq, jv[v].neq, sizeof x->neq);
    }
    return draco_zone_graph_rebuild(ga, t, nt);
}

draco_status draco_zone_join_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b)
{
    if (b->bottom || a == b)
        return DRACO_OK;
    if (!a->bottom && a->g && a->g == b->g) {
        a->unclosed = a->unclosed && b->unclosed;
        return DRACO_OK;
    }
    if (a->bottom) {
        draco_zone_assign_copy(a, b);
        return DRACO_OK;
    }
    if (!a->g || !b->g) {
        draco_zone_set_top(a);
        return DRACO_OK;
    }
    draco_status st = DRACO_OK;
    if (a->unclosed) {
        st = draco_zone_close_full(ctx, a);
        if (st != DRACO_OK)
            goto fail;
        if (a->bottom) {
            draco_zone_assign_copy(a, b);
            return DRACO_OK;
        }
    }
    struct draco_zone tmp;
    const struct draco_zone *bc;
    st = draco_zone_closed_view(ctx, b, &tmp, &bc);
    if (st == DRACO_OK) {
        if (bc->bottom)
            st = DRACO_OK;
        else
            st = join_closed(ctx, a, bc);
    }
    draco_zone_fini(&tmp);
    if (st != DRACO_OK)
        goto fail;
    return DRACO_OK;
fail:
    draco_zone_set_top(a); /* sound fallback */
    return st;
}

/* ---------------------------------------------------------------- meet, narrowing */

/* Adds b's constraints to a; with only_infinite, only those a lacks (narrowing). */
static draco_status add_all(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b, bool only_infinite)
{
    const struct draco_zone_graph *gb = b->g;
    draco_status st = draco_zone_graph_own(ctx, a, gb->nverts);
    if (st != DRACO_OK)
        return st;
    for (uint32_t v = 0; v < gb->nverts && !a->bottom; v++) {
        const struct draco_zone_vert *y = &gb->verts[v];
        if (y->flags & DRACO_ZONE_MIN_ONLY) {
            st = draco_zone_set_min_only(ctx, a, v);
            if (st != DRACO_OK)
                return st;
        }
        draco_i128 lb, ub;
        vert_bounds(a, v, &lb, &ub);
        if (draco_zone_is_finite(y->ub) && (!only_infinite || !draco_zone_is_finite(ub)))
            st = draco_zone_close_bound(ctx, a, v, true, y->ub);
        if (st == DRACO_OK && !a->bottom && draco_zone_is_finite(y->lb) && (!only_infinite || !draco_zone_is_finite(lb)))
            st = draco_zone_close_bound(ctx, a, v, false, y->lb);
        for (unsigned k = 0; st == DRACO_OK && !a->bottom && !only_infinite && k < y->nneq; k++)
            st = draco_zone_close_neq(ctx, a, v, y->neq[k]);
        if (st != DRACO_OK)
            return st;
    }
    for (uint32_t u = 0; u < gb->nverts && !a->bottom; u++) {
        const struct draco_zone_row *r = &gb->verts[u].out;
        for (uint32_t k = 0; k < r->len && !a->bottom; k++) {
            struct draco_zone_edge e = gb->pool[r->off + k];
            draco_i128 w;
            if (only_infinite && draco_zone_weight(a->g, u, e.v, &w))
                continue;
            st = draco_zone_close_edge(ctx, a, u, e.v, e.w);
            if (st != DRACO_OK)
                return st;
        }
    }
    return DRACO_OK;
}

static draco_status meet_like(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b, bool narrow)
{
    if (a->bottom || a == b)
        return DRACO_OK;
    if (b->bottom) {
        draco_zone_set_bottom(a);
        return DRACO_OK;
    }
    if (!b->g || a->g == b->g)
        return DRACO_OK; /* a is not bottom here, so equal graphs mean equal values */
    if (!a->g && !narrow) {
        draco_zone_assign_copy(a, b);
        return DRACO_OK;
    }
    draco_status st = DRACO_OK;
    if (a->unclosed) {
        st = draco_zone_close_full(ctx, a);
        if (st != DRACO_OK || a->bottom)
            return st;
    }
    /* b's graph may be shared with nothing of a; iterate it directly (a detaches on write) */
    struct draco_zone keep;
    draco_zone_init_top(&keep);
    draco_zone_assign_copy(&keep, b); /* holds b's graph alive if b aliases a's storage */
    st = add_all(ctx, a, &keep, narrow);
    draco_zone_fini(&keep);
    if (st != DRACO_OK && !a->bottom)
        return st; /* a holds part of the constraints: still an over-approximation of a ⊓ b */
    return DRACO_OK;
}

draco_status draco_zone_meet_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b)
{
    return meet_like(ctx, a, b, false);
}

draco_status draco_zone_narrow_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b)
{
    return meet_like(ctx, a, b, true);
}

/* ---------------------------------------------------------------- widening */

static draco_i128 threshold_up(const struct draco_domain_ctx *ctx, draco_i128 x)
{
    for (size_t i = 0; ctx->thresholds && i < ctx->nthresholds; i++)
        if (ctx->thresholds[i] >= x && draco_zone_is_finite(ctx->thresholds[i]))
            return ctx->thresholds[i];
    return DRACO_I128_PINF;
}

static draco_i128 threshold_down(const struct draco_domain_ctx *ctx, draco_i128 x)
{
    for (size_t i = ctx->thresholds ? ctx->nthresholds : 0; i-- > 0;)
        if (ctx->thresholds[i] <= x && draco_zone_is_finite(ctx->thresholds[i]))
            return ctx->thresholds[i];
    return DRACO_I128_NINF;
}

draco_status draco_zone_widen_into(struct draco_domain_ctx *ctx, struct draco_zone *a, const struct draco_zone *b)
{
    if (b->bottom || a == b)
        return DRACO_OK;
    if (a->bottom) {
        draco_zone_assign_copy(a, b);
        return DRACO_OK;
    }
    if (!a->g || a->g == b->g)
        return DRACO_OK;
    if (!b->g) {
        draco_zone_set_top(a);
        return DRACO_OK;
    }
    struct draco_zone tmp;
    const struct draco_zone *bc;
    draco_status st = draco_zone_closed_view(ctx, b, &tmp, &bc);
    if (st != DRACO_OK || bc->bottom) {
        draco_zone_fini(&tmp);
        return st;
    }
    if (draco_zone_leq(ctx, bc, a)) {
        draco_zone_fini(&tmp);
        return DRACO_OK; /* stable: a unchanged */
    }
    st = draco_zone_graph_own(ctx, a, 0);
    if (st != DRACO_OK)
        goto out;
    struct draco_zone_graph *g = a->g;
    /* relational edges: keep the stable ones */
    size_t cap = g->nedges ? g->nedges : 1, nt = 0;
    struct draco_zone_triple *t = draco_domain_scratch(ctx, DRACO_ZSLOT_TRIPLES, cap * sizeof *t);
    if (!t) {
        st = DRACO_ERR_NOMEM;
        goto out;
    }
    for (uint32_t u = 0; u < g->nverts; u++) {
        const struct draco_zone_row *r = &g->verts[u].out;
        for (uint32_t k = 0; k < r->len; k++) {
            struct draco_zone_edge e = g->pool[r->off + k];
            draco_i128 wb;
            if (draco_zone_weight(bc->g, u, e.v, &wb) && wb <= e.w)
                t[nt++] = (struct draco_zone_triple){u, e.v, e.w};
        }
    }
    /* bounds through thresholds, excluded values kept only if b excludes them too */
    for (uint32_t v = 0; v < g->nverts; v++) {
        struct draco_zone_vert *x = &g->verts[v];
        draco_i128 lb, ub;
        vert_bounds(bc, v, &lb, &ub);
        if (ub > x->ub)
            x->ub = threshold_up(ctx, ub);
        if (lb < x->lb)
            x->lb = threshold_down(ctx, lb);
        unsigned m = 0;
        for (unsigned k = 0; k < x->nneq; k++)
            if (draco_zone_excludes(bc, v, x->neq[k]) && x->neq[k] > x->lb && x->neq[k] < x->ub)
                x->neq[m++] = x->neq[k];
        x->nneq = (uint8_t)m;
    }
    st = draco_zone_graph_rebuild(g, t, nt);
    a->unclosed = true;
out:
    draco_zone_fini(&tmp);
    if (st != DRACO_OK)
        draco_zone_set_top(a);
    return st;
}
