/* SPDX-License-Identifier: MIT */
/* Interval domain: construction, queries, lattice operations, machine-width wrap-around, text.
 *
 * Invariants: see domains/interval.h. Every function builds its result in locals and moves it
 * into the output at the end, so outputs may alias inputs; every local draco_num / draco_itv is
 * finished before returning (GMP storage never leaks). Bottom is canonical (lb = +oo, ub = -oo).
 */
#include <string.h>
#include "domains/interval_impl.h"

/* ---- construction ---- */

void draco_itv_normalize(draco_itv *r)
{
    if (r->lb.kind == DRACO_NUM_PINF || r->ub.kind == DRACO_NUM_NINF || draco_num_cmp(&r->lb, &r->ub) > 0) {
        draco_num_set_pinf(&r->lb);
        draco_num_set_ninf(&r->ub);
    }
}

void draco_itv_set_top(draco_itv *r)
{
    draco_num_set_ninf(&r->lb);
    draco_num_set_pinf(&r->ub);
}

void draco_itv_set_bottom(draco_itv *r)
{
    draco_num_set_pinf(&r->lb);
    draco_num_set_ninf(&r->ub);
}

void draco_itv_set_i64(draco_itv *r, int64_t v)
{
    draco_num_set_i64(&r->lb, v);
    draco_num_set_i64(&r->ub, v);
}

void draco_itv_set_u64(draco_itv *r, uint64_t v)
{
    draco_num_set_u64(&r->lb, v);
    draco_num_set_u64(&r->ub, v);
}

void draco_itv_set_num(draco_itv *r, const draco_num *v)
{
    if (!draco_num_is_finite(v)) {          /* a point at infinity is no integer */
        draco_itv_set_bottom(r);
        return;
    }
    draco_num_set(&r->lb, v);
    draco_num_set(&r->ub, v);
}

void draco_itv_set_range_i64(draco_itv *r, int64_t lo, int64_t hi)
{
    draco_num_set_i64(&r->lb, lo);
    draco_num_set_i64(&r->ub, hi);
    draco_itv_normalize(r);
}

void draco_itv_set_range_u64(draco_itv *r, uint64_t lo, uint64_t hi)
{
    draco_num_set_u64(&r->lb, lo);
    draco_num_set_u64(&r->ub, hi);
    draco_itv_normalize(r);
}

void draco_itv_set_bounds(draco_itv *r, const draco_num *lb, const draco_num *ub)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_num_set(&t.lb, lb);
    draco_num_set(&t.ub, ub);
    draco_itv_normalize(&t);
    draco_itv_move(r, &t);
}

void draco_itv_set_width_range(draco_itv *r, unsigned width, bool is_signed)
{
    draco_num_fini(&r->lb);
    draco_num_fini(&r->ub);
    r->lb = draco_num_width_min(width, is_signed);
    r->ub = draco_num_width_max(width, is_signed);
}

/* ---- queries ---- */

bool draco_itv_singleton(const draco_itv *a, draco_num *out)
{
    if (draco_itv_is_bottom(a) || !draco_num_is_finite(&a->lb) || !draco_num_eq(&a->lb, &a->ub))
        return false;
    if (out)
        draco_num_set(out, &a->lb);
    return true;
}

bool draco_itv_singleton_i64(const draco_itv *a, int64_t *out)
{
    return !draco_itv_is_bottom(a) && draco_num_eq(&a->lb, &a->ub) && draco_num_get_i64(&a->lb, out);
}

bool draco_itv_singleton_u64(const draco_itv *a, uint64_t *out)
{
    return !draco_itv_is_bottom(a) && draco_num_eq(&a->lb, &a->ub) && draco_num_get_u64(&a->lb, out);
}

bool draco_itv_contains(const draco_itv *a, const draco_num *v)
{
    return draco_num_is_finite(v) && !draco_itv_is_bottom(a) && draco_num_cmp(&a->lb, v) <= 0 &&
           draco_num_cmp(v, &a->ub) <= 0;
}

bool draco_itv_contains_i64(const draco_itv *a, int64_t v)
{
    draco_num n = draco_num_from_i64(v);
    return draco_itv_contains(a, &n);
}

bool draco_itv_contains_u64(const draco_itv *a, uint64_t v)
{
    draco_num n = draco_num_from_u64(v);
    return draco_itv_contains(a, &n);
}

bool draco_itv_is_within(const draco_itv *a, const draco_num *lo, const draco_num *hi)
{
    return draco_itv_is_bottom(a) || (draco_num_cmp(lo, &a->lb) <= 0 && draco_num_cmp(&a->ub, hi) <= 0);
}

bool draco_itv_is_within_width(const draco_itv *a, unsigned width, bool is_signed)
{
    draco_num lo = draco_num_width_min(width, is_signed), hi = draco_num_width_max(width, is_signed);
    return draco_itv_is_within(a, &lo, &hi);
}

/* ---- lattice ---- */

bool draco_itv_leq(const draco_itv *a, const draco_itv *b)
{
    if (draco_itv_is_bottom(a))
        return true;
    if (draco_itv_is_bottom(b))
        return false;
    return draco_num_cmp(&b->lb, &a->lb) <= 0 && draco_num_cmp(&a->ub, &b->ub) <= 0;
}

bool draco_itv_eq(const draco_itv *a, const draco_itv *b)
{
    return draco_num_eq(&a->lb, &b->lb) && draco_num_eq(&a->ub, &b->ub);
}

void draco_itv_join(draco_itv *r, const draco_itv *a, const draco_itv *b)
{
    if (draco_itv_is_bottom(a)) {
        draco_itv_set(r, b);
        return;
    }
    if (draco_itv_is_bottom(b)) {
        draco_itv_set(r, a);
        return;
    }
    /* min/max copy from a or b: when r aliases one of them, the copy from itself is a no-op and
     * the other bound of r is still intact because lb and ub are handled independently */
    const draco_num *lb = draco_num_cmp(&a->lb, &b->lb) <= 0 ? &a->lb : &b->lb;
    const draco_num *ub = draco_num_cmp(&a->ub, &b->ub) >= 0 ? &a->ub : &b->ub;
    draco_num_set(&r->lb, lb);
    draco_num_set(&r->ub, ub);
}

void draco_itv_meet(draco_itv *r, const draco_itv *a, const draco_itv *b)
{
    if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b)) {
        draco_itv_set_bottom(r);
        return;
    }
    const draco_num *lb = draco_num_cmp(&a->lb, &b->lb) >= 0 ? &a->lb : &b->lb;
    const draco_num *ub = draco_num_cmp(&a->ub, &b->ub) <= 0 ? &a->ub : &b->ub;
    draco_num_set(&r->lb, lb);
    draco_num_set(&r->ub, ub);
    draco_itv_normalize(r);
}

/* Largest threshold <= v (for a lower bound), or NULL. Thresholds are sorted ascending. */
static const draco_num *itv_thr_below(const draco_num *v, const draco_num *thr, size_t n)
{
    size_t lo = 0, hi = n;   /* find the first index with thr > v */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (draco_num_cmp(&thr[mid], v) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? &thr[lo - 1] : NULL;
}

/* Smallest threshold >= v, or NULL. */
static const draco_num *itv_thr_above(const draco_num *v, const draco_num *thr, size_t n)
{
    size_t lo = 0, hi = n;   /* find the first index with thr >= v */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (draco_num_cmp(&thr[mid], v) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? &thr[lo] : NULL;
}

void draco_itv_widen(draco_itv *r, const draco_itv *a, const draco_itv *b,
                     const draco_num *thresholds, size_t nthr)
{
    if (draco_itv_is_bottom(a)) {
        draco_itv_set(r, b);
        return;
    }
    if (draco_itv_is_bottom(b)) {
        draco_itv_set(r, a);
        return;
    }
    draco_itv t;
    draco_itv_init(&t);
    if (draco_num_cmp(&b->lb, &a->lb) < 0) {
        const draco_num *th = thresholds ? itv_thr_below(&b->lb, thresholds, nthr) : NULL;
        if (th && draco_num_is_finite(th))
            draco_num_set(&t.lb, th);
        else
            draco_num_set_ninf(&t.lb);
    } else {
        draco_num_set(&t.lb, &a->lb);
    }
    if (draco_num_cmp(&b->ub, &a->ub) > 0) {
        const draco_num *th = thresholds ? itv_thr_above(&b->ub, thresholds, nthr) : NULL;
        if (th && draco_num_is_finite(th))
            draco_num_set(&t.ub, th);
        else
            draco_num_set_pinf(&t.ub);
    } else {
        draco_num_set(&t.ub, &a->ub);
    }
    draco_itv_move(r, &t);
}

void draco_itv_narrow(draco_itv *r, const draco_itv *a, const draco_itv *b)
{
    if (draco_itv_is_bottom(a) || draco_itv_is_bottom(b)) {
        draco_itv_set_bottom(r);
        return;
    }
    draco_itv t;
    draco_itv_init(&t);
    draco_num_set(&t.lb, draco_num_is_ninf(&a->lb) ? &b->lb : &a->lb);
    draco_num_set(&t.ub, draco_num_is_pinf(&a->ub) ? &b->ub : &a->ub);
    draco_itv_normalize(&t);
    draco_itv_move(r, &t);
}

void draco_itv_exclude(draco_itv *r, const draco_itv *a, const draco_num *c)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_itv_set(&t, a);
    if (!draco_itv_is_bottom(&t) && draco_num_is_finite(c)) {
        if (draco_num_eq(&t.lb, c))
            draco_num_add_i64(&t.lb, &t.lb, 1);
        else if (draco_num_eq(&t.ub, c))
            draco_num_add_i64(&t.ub, &t.ub, -1);
        draco_itv_normalize(&t);
    }
    draco_itv_move(r, &t);
}

void draco_itv_meet_lb(draco_itv *r, const draco_itv *a, const draco_num *lo)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_itv_set(&t, a);
    if (!draco_itv_is_bottom(&t) && draco_num_cmp(lo, &t.lb) > 0) {
        draco_num_set(&t.lb, lo);
        draco_itv_normalize(&t);
    }
    draco_itv_move(r, &t);
}

void draco_itv_meet_ub(draco_itv *r, const draco_itv *a, const draco_num *hi)
{
    draco_itv t;
    draco_itv_init(&t);
    draco_itv_set(&t, a);
    if (!draco_itv_is_bottom(&t) && draco_num_cmp(hi, &t.ub) < 0) {
        draco_num_set(&t.ub, hi);
        draco_itv_normalize(&t);
    }
    draco_itv_move(r, &t);
}

/* ---- machine-width wrap-around ---- */

void draco_itv_pieces_split(struct draco_itv_pieces *out, const draco_itv *a, unsigned width,
                            bool is_signed)
{
    memset(out, 0, sizeof *out);    /* all-zero numbers and intervals are valid */
    if (draco_itv_is_bottom(a))
        return;
    draco_num vmin = draco_num_width_min(width, is_signed), vmax = draco_num_width_max(width, is_signed);
    out->exact = true;
    if (draco_num_cmp(&vmin, &a->lb) <= 0 && draco_num_cmp(&a->ub, &vmax) <= 0) {
        out->n = 1;                 /* the common case: already in the view, shift 0 */
        draco_itv_set(&out->p[0], a);
        return;
    }
    if (!draco_num_is_finite(&a->lb) || !draco_num_is_finite(&a->ub))
        goto full;
    draco_num d, span = draco_num_width_max(width, false);   /* 2^w - 1, inline */
    draco_num_init(&d);
    draco_num_sub(&d, &a->ub, &a->lb);
    bool too_wide = draco_num_cmp(&d, &span) > 0;            /* covers every residue */
    draco_num_fini(&d);
    if (too_wide)
        goto full;
    draco_num wl, wu;
    draco_num_init(&wl);
    draco_num_init(&wu);
    draco_num_wrap(&wl, &a->lb, width, is_signed);
    draco_num_wrap(&wu, &a->ub, width, is_signed);
    if (draco_num_cmp(&wl, &wu) <= 0) {
        out->n = 1;
        draco_num_sub(&out->shift[0], &a->lb, &wl);
        draco_num_move(&out->p[0].lb, &wl);
        draco_num_move(&out->p[0].ub, &wu);
    } else {                        /* crosses exactly one wrap boundary */
        out->n = 2;
        draco_num_sub(&out->shift[0], &a->lb, &wl);
        draco_num_sub(&out->shift[1], &a->ub, &wu);
        draco_num_move(&out->p[0].lb, &wl);
        out->p[0].ub = vmax;
        out->p[1].lb = vmin;
        draco_num_move(&out->p[1].ub, &wu);
    }
    draco_num_fini(&wl);
    draco_num_fini(&wu);
    return;
full:
    out->n = 1;
    out->exact = false;
    draco_itv_set_width_range(&out->p[0], width, is_signed);
}

void draco_itv_pieces_fini(struct draco_itv_pieces *ps)
{
    for (unsigned i = 0; i < 2; i++) {
        draco_itv_fini(&ps->p[i]);
        draco_num_fini(&ps->shift[i]);
    }
    ps->n = 0;
}

void draco_itv_pieces_hull(draco_itv *r, const struct draco_itv_pieces *ps)
{
    if (ps->n == 0) {
        draco_itv_set_bottom(r);
        return;
    }
    if (ps->n == 1) {
        draco_itv_set(r, &ps->p[0]);
        return;
    }
    draco_itv_join(r, &ps->p[0], &ps->p[1]);
}

void draco_itv_wrap(draco_itv *r, const draco_itv *a, unsigned width, bool is_signed)
{
    struct draco_itv_pieces ps;
    draco_itv_pieces_split(&ps, a, width, is_signed);
    draco_itv_pieces_hull(r, &ps);
    draco_itv_pieces_fini(&ps);
}

void draco_itv_trunc(draco_itv *r, const draco_itv *a, unsigned width) { draco_itv_wrap(r, a, width, false); }
void draco_itv_zext(draco_itv *r, const draco_itv *a, unsigned width) { draco_itv_wrap(r, a, width, false); }
void draco_itv_sext(draco_itv *r, const draco_itv *a, unsigned width) { draco_itv_wrap(r, a, width, true); }
void draco_itv_to_unsigned(draco_itv *r, const draco_itv *a, unsigned width) { draco_itv_wrap(r, a, width, false); }
void draco_itv_to_signed(draco_itv *r, const draco_itv *a, unsigned width) { draco_itv_wrap(r, a, width, true); }

/* ---- text ---- */

void draco_itv_print(const draco_itv *a, struct draco_sb *sb)
{
    if (draco_itv_is_bottom(a)) {
        draco_sb_puts(sb, "_|_");
        return;
    }
    if (draco_num_eq(&a->lb, &a->ub)) {
        draco_num_print(&a->lb, sb);
        return;
    }
    draco_sb_putc(sb, '[');
    draco_num_print(&a->lb, sb);
    draco_sb_puts(sb, ", ");
    draco_num_print(&a->ub, sb);
    draco_sb_putc(sb, ']');
}

size_t draco_itv_snprint(const draco_itv *a, char *buf, size_t size)
{
    struct draco_sb sb;
    draco_sb_init(&sb);
    draco_itv_print(a, &sb);
    const char *s = sb.oom ? "?" : draco_sb_str(&sb);
    size_t len = strlen(s);
    if (size) {
        size_t c = len < size - 1 ? len : size - 1;
        memcpy(buf, s, c);
        buf[c] = 0;
    }
    draco_sb_fini(&sb);
    return len;
}

static const char *itv_skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static bool itv_match_word(const char *p, const char *w, const char **after)
{
    size_t n = strlen(w);
    if (strncmp(p, w, n) != 0)
        return false;
    *after = p + n;
    return true;
}

draco_status draco_itv_parse(const char *s, const char **end, draco_itv *r)
{
    const char *p = itv_skip_blanks(s), *q;
    draco_itv t;
    draco_itv_init(&t);
    if (itv_match_word(p, "_|_", &q) || itv_match_word(p, "bottom", &q)) {
        draco_itv_set_bottom(&t);
        p = q;
    } else if (itv_match_word(p, "top", &q)) {
        draco_itv_set_top(&t);
        p = q;
    } else if (*p == '[') {
        if (draco_num_parse(p + 1, &q, &t.lb) != DRACO_OK)
            goto fail;
        p = itv_skip_blanks(q);
        if (*p != ',')
            goto fail;
        if (draco_num_parse(p + 1, &q, &t.ub) != DRACO_OK)
            goto fail;
        p = itv_skip_blanks(q);
        if (*p != ']')
            goto fail;
        p++;
        draco_itv_normalize(&t);
    } else {
        if (draco_num_parse(p, &q, &t.lb) != DRACO_OK || !draco_num_is_finite(&t.lb))
            goto fail;
        draco_num_set(&t.ub, &t.lb);
        p = q;
    }
    draco_itv_move(r, &t);
    if (end)
        *end = p;
    return DRACO_OK;
fail:
    draco_itv_fini(&t);
    if (end)
        *end = s;
    return DRACO_ERR_INVALID;
}
