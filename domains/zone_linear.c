/* SPDX-License-Identifier: MIT */
/* zone_linear: linear expressions over zones — evaluation, assignment, constraints, entailment,
 * variable forget/copy/rename, printing, number-layer conversions and the draco_zone_ops table.
 *
 * Invariants: every transfer function over-approximates. Difference constraints (x - y <= k,
 * x <= k, x >= k) are added exactly; any other linear constraint is split into the facts one
 * interval-propagation pass derives from it (a bound per term, an edge per +1/-1 pair), each of
 * which is implied by the constraint. An assignment x := e derives, before forgetting x, the
 * bounds of e and for every unit term y the edges x - y in [lb(e - y), ub(e - y)], again all
 * implied by x = e. Anything that overflows 128 bits becomes unconstrained.
 */
#include "domains/zone_impl.h"

#include <stdlib.h>
#include <string.h>
#include "domains/interval.h"

/* ---------------------------------------------------------------- expressions */

/* Merges repeated variables, drops zero coefficients; false on coefficient overflow. */
static bool linexpr_normalize(const struct draco_linexpr *e, struct draco_linexpr *out)
{
    memset(out, 0, sizeof *out);
    out->cst = e->cst;
    if (e->nterms > DRACO_LINEXPR_MAX || !draco_zone_is_finite(e->cst))
        return false;
    for (uint32_t i = 0; i < e->nterms; i++) {
        uint32_t k = 0;
        while (k < out->nterms && out->terms[k].var != e->terms[i].var)
            k++;
        if (k == out->nterms) {
            out->terms[k] = e->terms[i];
            out->nterms++;
        } else if (__builtin_add_overflow(out->terms[k].coef, e->terms[i].coef, &out->terms[k].coef)) {
            return false;
        }
    }
    uint32_t m = 0;
    for (uint32_t i = 0; i < out->nterms; i++)
        if (out->terms[i].coef != 0 && out->terms[i].coef != INT64_MIN)
            out->terms[m++] = out->terms[i];
        else if (out->terms[i].coef == INT64_MIN)
            return false;
    out->nterms = m;
    return true;
}

static struct draco_bound_pair pair_top(void)
{
    return (struct draco_bound_pair){DRACO_I128_NINF, DRACO_I128_PINF, false};
}

static draco_i128 mul_or(draco_i128 b, int64_t c, draco_i128 inf)
{
    draco_i128 r;
    if (!draco_zone_is_finite(b) || __builtin_mul_overflow(b, (draco_i128)c, &r) || !draco_zone_is_finite(r))
        return inf;
    return r;
}

static draco_i128 add_or(draco_i128 a, draco_i128 b, draco_i128 inf)
{
    draco_i128 r;
    if (!draco_zone_is_finite(a) || !draco_zone_is_finite(b) || !draco_zone_add(a, b, &r))
        return inf;
    return r;
}

struct draco_bound_pair draco_zone_bound(const struct draco_zone *z, uint32_t var)
{
    if (z->bottom)
        return (struct draco_bound_pair){DRACO_I128_PINF, DRACO_I128_NINF, true};
    if (!z->g || var >= z->g->nverts)
        return pair_top();
    return (struct draco_bound_pair){z->g->verts[var].lb, z->g->verts[var].ub, false};
}

/* Interval of a normalised expression, skipping term `skip` (or none if skip >= nterms). */
static struct draco_bound_pair eval_norm(const struct draco_zone *z, const struct draco_linexpr *e, uint32_t skip)
{
    struct draco_bound_pair r = {e->cst, e->cst, false};
    const struct draco_linterm *t = e->terms;
    uint32_t idx[DRACO_LINEXPR_MAX], n = 0;
    for (uint32_t i = 0; i < e->nterms; i++)
        if (i != skip)
            idx[n++] = i;
    if (n == 2 && z->g && ((t[idx[0]].coef == 1 && t[idx[1]].coef == -1) || (t[idx[0]].coef == -1 && t[idx[1]].coef == 1))) {
        uint32_t x = t[idx[0]].coef == 1 ? t[idx[0]].var : t[idx[1]].var;
        uint32_t y = t[idx[0]].coef == 1 ? t[idx[1]].var : t[idx[0]].var;
        draco_i128 w;
        /* x - y <= W(y,x); y - x <= W(x,y) */
        r.ub = draco_zone_weight(z->g, y, x, &w) ? add_or(r.ub, w, DRACO_I128_PINF) : DRACO_I128_PINF;
        r.lb = draco_zone_weight(z->g, x, y, &w) ? add_or(r.lb, -w, DRACO_I128_NINF) : DRACO_I128_NINF;
        return r;
    }
    for (uint32_t k = 0; k < n; k++) {
        struct draco_bound_pair b = draco_zone_bound(z, t[idx[k]].var);
        int64_t c = t[idx[k]].coef;
        draco_i128 lo = c > 0 ? mul_or(b.lb, c, DRACO_I128_NINF) : mul_or(b.ub, c, DRACO_I128_NINF);
        draco_i128 hi = c > 0 ? mul_or(b.ub, c, DRACO_I128_PINF) : mul_or(b.lb, c, DRACO_I128_PINF);
        r.lb = add_or(r.lb, lo, DRACO_I128_NINF);
        r.ub = add_or(r.ub, hi, DRACO_I128_PINF);
    }
    return r;
}

struct draco_bound_pair draco_zone_eval(const struct draco_zone *z, const struct draco_linexpr *e)
{
    if (z->bottom)
        return (struct draco_bound_pair){DRACO_I128_PINF, DRACO_I128_NINF, true};
    struct draco_linexpr n;
    if (!linexpr_normalize(e, &n))
        return pair_top();
    return eval_norm(z, &n, DRACO_LINEXPR_MAX);
}

static draco_i128 div_floor(draco_i128 a, int64_t b)
{
    draco_i128 q = a / b, r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        q--;
    return q;
}

static draco_i128 div_ceil(draco_i128 a, int64_t b)
{
    draco_i128 q = a / b, r = a % b;
    if (r != 0 && ((r < 0) == (b < 0)))
        q++;
    return q;
}

/* ---------------------------------------------------------------- forget, copy, rename */

draco_status draco_zone_forget(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var)
{
    if (z->bottom || !z->g || var >= z->g->nverts)
        return DRACO_OK;
    const struct draco_zone_vert *x = &z->g->verts[var];
    if (!x->out.len && !x->in.len && !x->nneq && x->lb == DRACO_I128_NINF && x->ub == DRACO_I128_PINF)
        return DRACO_OK;
    draco_status st = draco_zone_graph_own(ctx, z, 0);
    if (st != DRACO_OK)
        return st;
    /* projection of a closed graph stays closed */
    draco_zone_vert_clear(z->g, var);
    return DRACO_OK;
}

draco_status draco_zone_set_min_only(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var)
{
    if (z->bottom)
        return DRACO_OK;
    if (z->g && var < z->g->nverts && (z->g->verts[var].flags & DRACO_ZONE_MIN_ONLY))
        return DRACO_OK;
    draco_status st = draco_zone_graph_own(ctx, z, var + 1);
    if (st != DRACO_OK)
        return st;
    struct draco_zone_vert *x = &z->g->verts[var];
    x->flags |= DRACO_ZONE_MIN_ONLY;
    x->ub = DRACO_I128_PINF; /* dropping a bound is sound; excluded values stay inside */
    return DRACO_OK;
}

draco_status draco_zone_copy_var(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t dst, uint32_t src)
{
    if (dst == src)
        return DRACO_OK;
    struct draco_linexpr e = {.nterms = 1, .terms = {{src, 1}}, .cst = 0};
    return draco_zone_assign(ctx, z, dst, &e);
}

draco_status draco_zone_rename_var(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t dst, uint32_t src)
{
    if (dst == src)
        return DRACO_OK;
    draco_status st = draco_zone_copy_var(ctx, z, dst, src);
    if (st != DRACO_OK)
        return st;
    return draco_zone_forget(ctx, z, src);
}

/* ---------------------------------------------------------------- assignment */

static draco_status ensure_closed(struct draco_domain_ctx *ctx, struct draco_zone *z)
{
    return z->unclosed ? draco_zone_close_full(ctx, z) : DRACO_OK;
}

/* x := x + k: shift every constraint of x (a closed graph stays closed). */
static draco_status assign_shift(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var, draco_i128 k)
{
    if (k == 0 || !z->g || var >= z->g->nverts)
        return DRACO_OK;
    draco_status st = draco_zone_graph_own(ctx, z, 0);
    if (st != DRACO_OK)
        return st;
    struct draco_zone_graph *g = z->g;
    struct draco_zone_vert *x = &g->verts[var];
    x->lb = add_or(x->lb, k, DRACO_I128_NINF);
    x->ub = (x->flags & DRACO_ZONE_MIN_ONLY) ? DRACO_I128_PINF : add_or(x->ub, k, DRACO_I128_PINF);
    unsigned m = 0;
    for (unsigned i = 0; i < x->nneq; i++) {
        draco_i128 c = (draco_i128)x->neq[i] + k;
        if (draco_zone_fits64(c))
            x->neq[m++] = (int64_t)c;
    }
    x->nneq = (uint8_t)m;
    /* out edges x -> j (x_j - x <= w) become w - k; in edges i -> x become w + k */
    for (int dir = 0; dir < 2; dir++) {
        struct draco_zone_row *r = dir ? &x->in : &x->out;
        for (uint32_t i = 0; i < r->len;) {
            struct draco_zone_edge *e = &g->pool[r->off + i];
            draco_i128 nw = dir ? (draco_i128)e->w + k : (draco_i128)e->w - k;
            uint32_t other = e->v;
            if (!draco_zone_fits64(nw)) {
                if (ctx)
                    ctx->stats.edges_dropped++;
                if (dir)
                    draco_zone_edge_remove(g, other, var);
                else
                    draco_zone_edge_remove(g, var, other);
                continue; /* row shrank: same index holds the next edge */
            }
            e->w = (int64_t)nw;
            struct draco_zone_row *o = dir ? &g->verts[other].out : &g->verts[other].in;
            long pos = draco_zone_row_find(g, o, var);
            if (pos < 0)
                return DRACO_ERR_INTERNAL;
            g->pool[o->off + (uint32_t)pos].w = (int64_t)nw;
            i++;
        }
    }
    return DRACO_OK;
}

struct zone_fact {
    uint32_t u, v;
    draco_i128 w;
};

draco_status draco_zone_assign(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var,
                               const struct draco_linexpr *e)
{
    if (z->bottom)
        return DRACO_OK;
    draco_status st = ensure_closed(ctx, z);
    if (st != DRACO_OK || z->bottom)
        return st;
    struct draco_linexpr n;
    if (!linexpr_normalize(e, &n))
        return draco_zone_forget(ctx, z, var);
    bool self = false;
    for (uint32_t i = 0; i < n.nterms; i++)
        self |= n.terms[i].var == var;
    if (self) {
        if (n.nterms == 1 && n.terms[0].coef == 1)
            return assign_shift(ctx, z, var, n.cst);
        struct draco_bound_pair b = eval_norm(z, &n, DRACO_LINEXPR_MAX);
        st = draco_zone_forget(ctx, z, var);
        if (st == DRACO_OK)
            st = draco_zone_close_bound(ctx, z, var, true, b.ub);
        if (st == DRACO_OK)
            st = draco_zone_close_bound(ctx, z, var, false, b.lb);
        return st;
    }
    struct draco_bound_pair b = eval_norm(z, &n, DRACO_LINEXPR_MAX);
    struct zone_fact f[2 * DRACO_LINEXPR_MAX];
    unsigned nf = 0;
    for (uint32_t i = 0; i < n.nterms; i++) {
        if (n.terms[i].coef != 1)
            continue;
        struct draco_bound_pair r = eval_norm(z, &n, i); /* e - y */
        uint32_t y = n.terms[i].var;
        if (draco_zone_is_finite(r.ub))
            f[nf++] = (struct zone_fact){y, var, r.ub};    /* x - y <= ub(rest) */
        if (draco_zone_is_finite(r.lb))
            f[nf++] = (struct zone_fact){var, y, -r.lb};   /* y - x <= -lb(rest) */
    }
    int64_t neq[DRACO_ZONE_NEQ_MAX];
    unsigned nneq = 0;
    if (n.nterms == 1 && n.terms[0].coef == 1 && z->g && n.terms[0].var < z->g->nverts) {
        const struct draco_zone_vert *y = &z->g->verts[n.terms[0].var];
        for (unsigned k = 0; k < y->nneq; k++) {
            draco_i128 c = (draco_i128)y->neq[k] + n.cst;
            if (draco_zone_fits64(c))
                neq[nneq++] = (int64_t)c;
        }
    }
    st = draco_zone_forget(ctx, z, var);
    if (st == DRACO_OK && draco_zone_is_finite(b.ub))
        st = draco_zone_close_bound(ctx, z, var, true, b.ub);
    if (st == DRACO_OK && draco_zone_is_finite(b.lb))
        st = draco_zone_close_bound(ctx, z, var, false, b.lb);
    for (unsigned k = 0; k < nf && st == DRACO_OK && !z->bottom; k++)
        st = draco_zone_close_edge(ctx, z, f[k].u, f[k].v, f[k].w);
    for (unsigned k = 0; k < nneq && st == DRACO_OK && !z->bottom; k++)
        st = draco_zone_close_neq(ctx, z, var, neq[k]);
    if (st != DRACO_OK && !z->bottom)
        return draco_zone_forget(ctx, z, var) == DRACO_OK ? st : st;
    return st;
}

/* ---------------------------------------------------------------- constraints */

struct zone_bnd {
    uint32_t v;
    bool upper;
    draco_i128 c;
};

/* n <= 0 for a normalised n. */
static draco_status add_leq(struct draco_domain_ctx *ctx, struct draco_zone *z, const struct draco_linexpr *n)
{
    if (n->nterms == 0) {
        if (n->cst > 0)
            draco_zone_set_bottom(z);
        return DRACO_OK;
    }
    struct zone_fact edges[DRACO_LINEXPR_MAX * DRACO_LINEXPR_MAX];
    struct zone_bnd bnds[DRACO_LINEXPR_MAX];
    unsigned ne = 0, nb = 0;
    for (uint32_t i = 0; i < n->nterms; i++) {
        /* c_i x_i <= -cst - lb(sum of the other terms) */
        struct draco_linexpr rest = *n;
        rest.cst = 0;
        struct draco_bound_pair r = eval_norm(z, &rest, i);
        if (!draco_zone_is_finite(r.lb))
            continue;
        draco_i128 rhs;
        if (!draco_zone_sub(-n->cst, r.lb, &rhs))
            continue;
        int64_t c = n->terms[i].coef;
        if (c > 0)
            bnds[nb++] = (struct zone_bnd){n->terms[i].var, true, div_floor(rhs, c)};
        else
            bnds[nb++] = (struct zone_bnd){n->terms[i].var, false, div_ceil(rhs, c)};
    }
    for (uint32_t i = 0; i < n->nterms; i++) {
        if (n->terms[i].coef != 1)
            continue;
        for (uint32_t j = 0; j < n->nterms; j++) {
            if (n->terms[j].coef != -1)
                continue;
            /* x_i - x_j <= -cst - lb(rest) */
            struct draco_linexpr rest = *n;
            rest.cst = 0;
            uint32_t m = 0;
            for (uint32_t k = 0; k < n->nterms; k++)
                if (k != i && k != j)
                    rest.terms[m++] = n->terms[k];
            rest.nterms = m;
            struct draco_bound_pair r = eval_norm(z, &rest, DRACO_LINEXPR_MAX);
            draco_i128 rhs;
            if (!draco_zone_is_finite(r.lb) || !draco_zone_sub(-n->cst, r.lb, &rhs))
                continue;
            edges[ne++] = (struct zone_fact){n->terms[j].var, n->terms[i].var, rhs};
        }
    }
    draco_status st = DRACO_OK;
    for (unsigned k = 0; k < ne && st == DRACO_OK && !z->bottom; k++)
        st = draco_zone_close_edge(ctx, z, edges[k].u, edges[k].v, edges[k].w);
    for (unsigned k = 0; k < nb && st == DRACO_OK && !z->bottom; k++)
        st = draco_zone_close_bound(ctx, z, bnds[k].v, bnds[k].upper, bnds[k].c);
    return st;
}

static bool negate(const struct draco_linexpr *n, struct draco_linexpr *out)
{
    *out = *n;
    if (!draco_zone_is_finite(-n->cst))
        return false;
    out->cst = -n->cst;
    for (uint32_t i = 0; i < n->nterms; i++)
        out->terms[i].coef = -n->terms[i].coef; /* INT64_MIN excluded by normalisation */
    return true;
}

static draco_status add_neq(struct draco_domain_ctx *ctx, struct draco_zone *z, const struct draco_linexpr *n)
{
    if (n->nterms == 0) {
        if (n->cst == 0)
            draco_zone_set_bottom(z);
        return DRACO_OK;
    }
    if (n->nterms == 1) {
        int64_t c = n->terms[0].coef;
        draco_i128 k = -n->cst;
        if (k % c != 0)
            return DRACO_OK; /* c*x = -cst has no integer solution */
        return draco_zone_close_neq(ctx, z, n->terms[0].var, k / c);
    }
    struct draco_bound_pair b = eval_norm(z, n, DRACO_LINEXPR_MAX);
    if (b.lb == 0 && b.ub == 0) {
        draco_zone_set_bottom(z);
        return DRACO_OK;
    }
    if (n->nterms == 2 && (n->terms[0].coef == 1 || n->terms[0].coef == -1) && n->terms[1].coef == -n->terms[0].coef) {
        /* e != 0 with e in [lb, ub]: an endpoint equal to 0 moves (difference form: exact) */
        struct draco_linexpr t = *n, neg;
        if (b.ub == 0) {
            t.cst += 1; /* e + 1 <= 0 */
            return add_leq(ctx, z, &t);
        }
        if (b.lb == 0 && negate(n, &neg)) {
            neg.cst += 1; /* -e + 1 <= 0 */
            return add_leq(ctx, z, &neg);
        }
    }
    return DRACO_OK;
}

draco_status draco_zone_add_constraint(struct draco_domain_ctx *ctx, struct draco_zone *z,
                                       const struct draco_lincons *c)
{
    if (z->bottom)
        return DRACO_OK;
    draco_status st = ensure_closed(ctx, z);
    if (st != DRACO_OK || z->bottom)
        return st;
    struct draco_linexpr n, neg;
    if (!linexpr_normalize(&c->expr, &n))
        return DRACO_OK; /* ignoring a constraint is sound */
    switch (c->kind) {
    case DRACO_CONS_LEQ:
        return add_leq(ctx, z, &n);
    case DRACO_CONS_EQ:
        st = add_leq(ctx, z, &n);
        if (st == DRACO_OK && !z->bottom && negate(&n, &neg))
            st = add_leq(ctx, z, &neg);
        return st;
    case DRACO_CONS_NEQ:
        return add_neq(ctx, z, &n);
    }
    return DRACO_ERR_INVALID;
}

bool draco_zone_entails(struct draco_domain_ctx *ctx, const struct draco_zone *z0, const struct draco_lincons *c)
{
    if (z0->bottom)
        return true;
    struct draco_zone tmp;
    const struct draco_zone *z;
    bool r = false;
    if (draco_zone_closed_view(ctx, z0, &tmp, &z) != DRACO_OK)
        goto out;
    if (z->bottom) {
        r = true;
        goto out;
    }
    struct draco_linexpr n;
    if (!linexpr_normalize(&c->expr, &n))
        goto out;
    struct draco_bound_pair b = eval_norm(z, &n, DRACO_LINEXPR_MAX);
    switch (c->kind) {
    case DRACO_CONS_LEQ:
        r = b.ub <= 0;
        break;
    case DRACO_CONS_EQ:
        r = b.lb == 0 && b.ub == 0;
        break;
    case DRACO_CONS_NEQ:
        if (b.lb > 0 || b.ub < 0)
            r = true;
        else if (n.nterms == 1) {
            draco_i128 k = -n.cst;
            int64_t cf = n.terms[0].coef;
            r = k % cf != 0 || draco_zone_excludes(z, n.terms[0].var, k / cf);
        }
        break;
    }
out:
    draco_zone_fini(&tmp);
    return r;
}

/* ---------------------------------------------------------------- number-layer conversions */

static void num_from_i128(draco_num *out, draco_i128 x, bool upper)
{
    if (x == DRACO_I128_PINF) {
        draco_num_set_pinf(out);
        return;
    }
    if (x == DRACO_I128_NINF) {
        draco_num_set_ninf(out);
        return;
    }
    unsigned __int128 mag = x < 0 ? (unsigned __int128)0 - (unsigned __int128)x : (unsigned __int128)x;
    if (mag >> 64 == 0) {
        if (x < 0) {
            draco_num_fini(out);
            out->kind = DRACO_NUM_NEG;
            out->u.mag = (uint64_t)mag;
        } else {
            draco_num_set_u64(out, (uint64_t)mag);
        }
        return;
    }
    mpz_t t;
    mpz_init(t);
    mpz_set_ui(t, (unsigned long)(uint64_t)(mag >> 64));
    mpz_mul_2exp(t, t, 64);
    mpz_add_ui(t, t, (unsigned long)(uint64_t)mag);
    if (x < 0)
        mpz_neg(t, t);
    draco_num_set_mpz(out, t);
    mpz_clear(t);
    DRACO_UNUSED(upper);
}

/* A bound of the number layer as i128; values beyond the range round outward (sound). */
static draco_i128 i128_from_num(const draco_num *n, bool upper)
{
    switch ((draco_num_kind)n->kind) {
    case DRACO_NUM_POS:
        return (draco_i128)n->u.mag;
    case DRACO_NUM_NEG:
        return -(draco_i128)n->u.mag;
    case DRACO_NUM_PINF:
        return DRACO_I128_PINF;
    case DRACO_NUM_NINF:
        return DRACO_I128_NINF;
    case DRACO_NUM_BIG:
        break;
    }
    if (mpz_sizeinbase(n->u.z, 2) <= 120) {
        mpz_t t;
        mpz_init_set(t, n->u.z);
        bool neg = mpz_sgn(t) < 0;
        mpz_abs(t, t);
        unsigned __int128 lo = mpz_getlimbn(t, 0), hi = mpz_size(t) > 1 ? mpz_getlimbn(t, 1) : 0;
        mpz_clear(t);
        draco_i128 v = (draco_i128)((hi << 64) | lo);
        return neg ? -v : v;
    }
    /* out of range: an upper bound rounds up, a lower bound rounds down */
    if (mpz_sgn(n->u.z) > 0)
        return upper ? DRACO_I128_PINF : DRACO_I128_PINF - 1;
    return upper ? DRACO_I128_NINF + 1 : DRACO_I128_NINF;
}

void draco_zone_bound_itv(const struct draco_zone *z, uint32_t var, draco_itv *out)
{
    struct draco_bound_pair b = draco_zone_bound(z, var);
    if (b.empty) {
        draco_itv_set_bottom(out);
        return;
    }
    num_from_i128(&out->lb, b.lb, false);
    num_from_i128(&out->ub, b.ub, true);
}

draco_status draco_zone_meet_itv(struct draco_domain_ctx *ctx, struct draco_zone *z, uint32_t var, const draco_itv *itv)
{
    if (draco_itv_is_bottom(itv)) {
        draco_zone_set_bottom(z);
        return DRACO_OK;
    }
    draco_status st = ensure_closed(ctx, z);
    if (st == DRACO_OK)
        st = draco_zone_close_bound(ctx, z, var, true, i128_from_num(&itv->ub, true));
    if (st == DRACO_OK)
        st = draco_zone_close_bound(ctx, z, var, false, i128_from_num(&itv->lb, false));
    return st;
}

/* ---------------------------------------------------------------- printing */

static void put_i128(struct draco_sb *sb, draco_i128 x)
{
    if (x == DRACO_I128_PINF) {
        draco_sb_puts(sb, "+oo");
        return;
    }
    if (x == DRACO_I128_NINF) {
        draco_sb_puts(sb, "-oo");
        return;
    }
    char buf[48];
    int i = (int)sizeof buf - 1;
    buf[i] = 0;
    unsigned __int128 m = x < 0 ? (unsigned __int128)0 - (unsigned __int128)x : (unsigned __int128)x;
    do {
        buf[--i] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    if (x < 0)
        buf[--i] = '-';
    draco_sb_puts(sb, buf + i);
}

static void put_name(struct draco_sb *sb, draco_var_namer names, void *user, uint32_t v)
{
    char buf[128];
    if (names) {
        buf[0] = 0;
        names(user, v, buf, sizeof buf);
        buf[sizeof buf - 1] = 0;
        draco_sb_puts(sb, buf);
    } else {
        draco_sb_printf(sb, "v%u", v);
    }
}

void draco_zone_print(const struct draco_zone *z, draco_var_namer names, void *user, struct draco_sb *sb)
{
    if (z->bottom) {
        draco_sb_puts(sb, "_|_\n");
        return;
    }
    const struct draco_zone_graph *g = z->g;
    if (!g)
        return;
    for (uint32_t v = 0; v < g->nverts; v++) {
        const struct draco_zone_vert *x = &g->verts[v];
        if (x->lb != DRACO_I128_NINF || x->ub != DRACO_I128_PINF) {
            put_name(sb, names, user, v);
            draco_sb_putc(sb, '=');
            if (x->lb == x->ub) {
                put_i128(sb, x->lb);
            } else {
                draco_sb_putc(sb, '[');
                put_i128(sb, x->lb);
                draco_sb_puts(sb, ", ");
                put_i128(sb, x->ub);
                draco_sb_putc(sb, ']');
            }
            draco_sb_putc(sb, '\n');
        }
        for (unsigned k = 0; k < x->nneq; k++) {
            put_name(sb, names, user, v);
            draco_sb_puts(sb, "!=");
            put_i128(sb, x->neq[k]);
            draco_sb_putc(sb, '\n');
        }
    }
    for (uint32_t u = 0; u < g->nverts; u++) {
        const struct draco_zone_row *r = &g->verts[u].out;
        for (uint32_t k = 0; k < r->len; k++) {
            struct draco_zone_edge e = g->pool[r->off + k];
            put_name(sb, names, user, e.v);
            draco_sb_putc(sb, '-');
            put_name(sb, names, user, u);
            draco_sb_puts(sb, "<=");
            put_i128(sb, e.w);
            draco_sb_putc(sb, '\n');
        }
    }
}

/* ---------------------------------------------------------------- ops table */

static struct draco_zone *zone_of(struct draco_absval *a)
{
    return a && a->ops == &draco_zone_ops ? (struct draco_zone *)a : NULL;
}
static const struct draco_zone *zone_of_c(const struct draco_absval *a)
{
    return a && a->ops == &draco_zone_ops ? (const struct draco_zone *)a : NULL;
}

static draco_status op_new(bool bottom, struct draco_absval **out)
{
    struct draco_zone *z = malloc(sizeof *z);
    if (!z)
        return DRACO_ERR_NOMEM;
    if (bottom)
        draco_zone_init_bottom(z);
    else
        draco_zone_init_top(z);
    *out = &z->base;
    return DRACO_OK;
}
static draco_status op_top(struct draco_domain_ctx *ctx, struct draco_absval **out)
{
    DRACO_UNUSED(ctx);
    return op_new(false, out);
}
static draco_status op_bottom(struct draco_domain_ctx *ctx, struct draco_absval **out)
{
    DRACO_UNUSED(ctx);
    return op_new(true, out);
}
static draco_status op_copy(struct draco_domain_ctx *ctx, const struct draco_absval *a, struct draco_absval **out)
{
    DRACO_UNUSED(ctx);
    const struct draco_zone *s = zone_of_c(a);
    if (!s)
        return DRACO_ERR_INTERNAL;
    draco_status st = op_new(false, out);
    if (st == DRACO_OK)
        draco_zone_assign_copy((struct draco_zone *)*out, s);
    return st;
}
static void op_free(struct draco_domain_ctx *ctx, struct draco_absval *a)
{
    DRACO_UNUSED(ctx);
    struct draco_zone *z = zone_of(a);
    if (z) {
        draco_zone_fini(z);
        free(z);
    }
}
static bool op_is_bottom(const struct draco_absval *a)
{
    const struct draco_zone *z = zone_of_c(a);
    return z && draco_zone_is_bottom(z);
}
static bool op_is_top(const struct draco_absval *a)
{
    const struct draco_zone *z = zone_of_c(a);
    return z && draco_zone_is_top(z);
}
static bool op_leq(struct draco_domain_ctx *ctx, const struct draco_absval *a, const struct draco_absval *b)
{
    const struct draco_zone *x = zone_of_c(a), *y = zone_of_c(b);
    return x && y && draco_zone_leq(ctx, x, y);
}
#define ZONE_BINOP(name, fn)                                                                          \
    static draco_status name(struct draco_domain_ctx *ctx, struct draco_absval *a, const struct draco_absval *b) \
    {                                                                                                 \
        struct draco_zone *x = zone_of(a);                                                            \
        const struct draco_zone *y = zone_of_c(b);                                                    \
        if (!x || !y)                                                                                 \
            return DRACO_ERR_INTERNAL;                                                                \
        return fn(ctx, x, y);                                                                         \
    }
ZONE_BINOP(op_join, draco_zone_join_into)
ZONE_BINOP(op_meet, draco_zone_meet_into)
ZONE_BINOP(op_widen, draco_zone_widen_into)
ZONE_BINOP(op_narrow, draco_zone_narrow_into)

static draco_status op_assign(struct draco_domain_ctx *ctx, struct draco_absval *a, uint32_t var, const struct draco_linexpr *e)
{
    struct draco_zone *z = zone_of(a);
    return z ? draco_zone_assign(ctx, z, var, e) : DRACO_ERR_INTERNAL;
}
static draco_status op_add_constraint(struct draco_domain_ctx *ctx, struct draco_absval *a, const struct draco_lincons *c)
{
    struct draco_zone *z = zone_of(a);
    return z ? draco_zone_add_constraint(ctx, z, c) : DRACO_ERR_INTERNAL;
}
static bool op_entails(struct draco_domain_ctx *ctx, const struct draco_absval *a, const struct draco_lincons *c)
{
    const struct draco_zone *z = zone_of_c(a);
    return z && draco_zone_entails(ctx, z, c);
}
static struct draco_bound_pair op_bound(const struct draco_absval *a, uint32_t var)
{
    const struct draco_zone *z = zone_of_c(a);
    return z ? draco_zone_bound(z, var) : pair_top();
}
static draco_status op_forget(struct draco_domain_ctx *ctx, struct draco_absval *a, uint32_t var)
{
    struct draco_zone *z = zone_of(a);
    return z ? draco_zone_forget(ctx, z, var) : DRACO_ERR_INTERNAL;
}
static void op_print(const struct draco_absval *a, draco_var_namer names, void *user, struct draco_sb *sb)
{
    const struct draco_zone *z = zone_of_c(a);
    if (z)
        draco_zone_print(z, names, user, sb);
}

const struct draco_domain_ops draco_zone_ops = {
    .name = "zone",
    .top = op_top,
    .bottom = op_bottom,
    .copy = op_copy,
    .free = op_free,
    .is_bottom = op_is_bottom,
    .is_top = op_is_top,
    .leq = op_leq,
    .join = op_join,
    .meet = op_meet,
    .widen = op_widen,
    .narrow = op_narrow,
    .assign_linexpr = op_assign,
    .add_constraint = op_add_constraint,
    .entails = op_entails,
    .bound = op_bound,
    .forget = op_forget,
    .print = op_print,
};
