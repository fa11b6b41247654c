/* SPDX-License-Identifier: MIT */
/* domains/cells: memory cells and the known-numeric byte bitmap (see cells.h).
 *
 * Invariants: see cells.h. The cell array is sorted by (offset, size, kind, var) without
 * duplicates, so joins and meets are linear merges and a range query starts with a binary search
 * at `lo - max_size + 1`. Every writer first checks whether it changes anything, and only then
 * detaches a shared buffer (copy-on-write), so a fixpoint step that changes nothing allocates
 * nothing.
 */
#include "domains/cells.h"

#include <stdlib.h>
#include <string.h>
#include "domains/bitset.h"

struct draco_cells_set {
    uint32_t refs;
    uint32_t len, cap;
    uint32_t max_size;        /* >= every size in c[] */
    struct draco_cell c[];
};

struct draco_cells_bits {
    uint32_t refs;
    uint32_t nwords;
    uint64_t w[];
};

/* ---- helpers ---- */

static int cell_cmp(const struct draco_cell *a, const struct draco_cell *b)
{
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    if (a->size != b->size)
        return a->size < b->size ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->var != b->var)
        return a->var < b->var ? -1 : 1;
    return 0;
}

static inline size_t set_len(const struct draco_cells_set *s) { return s ? s->len : 0; }

static void set_release(struct draco_cells_set *s)
{
    if (s && --s->refs == 0)
        free(s);
}

static void bits_release(struct draco_cells_bits *b)
{
    if (b && --b->refs == 0)
        free(b);
}

static struct draco_cells_set *set_alloc(uint32_t cap)
{
    struct draco_cells_set *s = malloc(sizeof *s + (size_t)cap * sizeof(struct draco_cell));
    if (!s)
        return NULL;
    s->refs = 1;
    s->len = 0;
    s->cap = cap;
    s->max_size = 0;
    return s;
}

/* Makes c->cells exclusive with room for `need` cells. */
static draco_status cells_own(struct draco_cells *c, size_t need)
{
    struct draco_cells_set *s = c->cells;
    if (s && s->refs == 1 && s->cap >= need)
        return DRACO_OK;
    if (need > UINT32_MAX / 2)
        return DRACO_ERR_LIMIT;
    uint32_t cap = need < 8 ? 8 : (uint32_t)need;
    if (s && s->cap >= need)
        cap = s->cap;
    else if (s && cap < 2 * s->cap)
        cap = 2 * s->cap;
    struct draco_cells_set *ns = set_alloc(cap);
    if (!ns)
        return DRACO_ERR_NOMEM;
    if (s) {
        ns->len = s->len;
        ns->max_size = s->max_size;
        memcpy(ns->c, s->c, (size_t)s->len * sizeof *s->c);
    }
    set_release(s);
    c->cells = ns;
    return DRACO_OK;
}

static inline size_t bits_nwords(const struct draco_cells *c) { return DRACO_BITSET_WORDS(c->nbytes); }

/* Makes c->bits exclusive (allocated zeroed if absent). Only for nbytes > 0. */
static draco_status bits_own(struct draco_cells *c)
{
    struct draco_cells_bits *b = c->bits;
    if (b && b->refs == 1)
        return DRACO_OK;
    size_t nw = bits_nwords(c);
    struct draco_cells_bits *nb = malloc(sizeof *nb + nw * sizeof(uint64_t));
    if (!nb)
        return DRACO_ERR_NOMEM;
    nb->refs = 1;
    nb->nwords = (uint32_t)nw;
    if (b)
        memcpy(nb->w, b->w, nw * sizeof(uint64_t));
    else
        memset(nb->w, 0, nw * sizeof(uint64_t));
    bits_release(b);
    c->bits = nb;
    return DRACO_OK;
}

/* First index whose cell is >= key. */
static size_t set_lower_bound(const struct draco_cells_set *s, const struct draco_cell *key)
{
    size_t lo = 0, hi = set_len(s);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cell_cmp(&s->c[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First index whose cell has offset >= off. */
static size_t set_first_offset(const struct draco_cells_set *s, int64_t off)
{
    size_t lo = 0, hi = set_len(s);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((int64_t)s->c[mid].offset < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline bool cell_overlaps(const struct draco_cell *x, int64_t lo, int64_t hi)
{
    return (int64_t)x->offset < hi && (int64_t)x->offset + (int64_t)x->size > lo;
}

/* Index of the first cell that may overlap [lo, hi). */
static size_t set_overlap_start(const struct draco_cells_set *s, int64_t lo)
{
    return s ? set_first_offset(s, lo - (int64_t)s->max_size + 1) : 0;
}

/* True iff every cell of a is in b (both sorted). */
static bool set_is_subset(const struct draco_cells_set *a, const struct draco_cells_set *b)
{
    size_t la = set_len(a), lb = set_len(b), j = 0;
    if (a == b || la == 0)
        return true;
    if (la > lb)
        return false;
    for (size_t i = 0; i < la; i++) {
        while (j < lb && cell_cmp(&b->c[j], &a->c[i]) < 0)
            j++;
        if (j == lb || cell_cmp(&b->c[j], &a->c[i]) != 0)
            return false;
        j++;
    }
    return true;
}

/* True iff every bit of a is in b; NULL is the empty bitmap. */
static bool bits_is_subset(const struct draco_cells_bits *a, const struct draco_cells_bits *b, size_t nw)
{
    if (!a || a == b)
        return true;
    if (!b)
        return draco_bitset_is_zero(a->w, nw);
    return draco_bitset_is_subset(a->w, b->w, nw);
}

/* ---- life cycle ---- */

void draco_cells_init_top(struct draco_cells *c, uint32_t nbytes)
{
    c->bottom = false;
    c->nbytes = nbytes;
    c->cells = NULL;
    c->bits = NULL;
}

void draco_cells_init_bottom(struct draco_cells *c, uint32_t nbytes)
{
    draco_cells_init_top(c, nbytes);
    c->bottom = true;
}

void draco_cells_copy(struct draco_cells *dst, const struct draco_cells *src)
{
    *dst = *src;
    if (dst->cells)
        dst->cells->refs++;
    if (dst->bits)
        dst->bits->refs++;
}

void draco_cells_assign_state(struct draco_cells *dst, const struct draco_cells *src)
{
    if (dst == src)
        return;
    struct draco_cells_set *os = dst->cells;
    struct draco_cells_bits *ob = dst->bits;
    draco_cells_copy(dst, src);
    set_release(os);
    bits_release(ob);
}

static void cells_make_bottom(struct draco_cells *c)
{
    set_release(c->cells);
    bits_release(c->bits);
    c->cells = NULL;
    c->bits = NULL;
    c->bottom = true;
}

void draco_cells_fini(struct draco_cells *c)
{
    cells_make_bottom(c);
}

/* ---- cell queries ---- */

size_t draco_cells_count(const struct draco_cells *c)
{
    return c->bottom ? 0 : set_len(c->cells);
}

const struct draco_cell *draco_cells_at(const struct draco_cells *c, size_t i)
{
    return i < draco_cells_count(c) ? &c->cells->c[i] : NULL;
}

bool draco_cells_find_exact(const struct draco_cells *c, int32_t offset, uint32_t size, uint32_t kind,
                            uint32_t *var)
{
    if (c->bottom || !c->cells)
        return false;
    struct draco_cell key = {offset, size, kind, 0};
    size_t i = set_lower_bound(c->cells, &key);
    if (i < c->cells->len && c->cells->c[i].offset == offset && c->cells->c[i].size == size &&
        c->cells->c[i].kind == kind) {
        *var = c->cells->c[i].var;
        return true;
    }
    return false;
}

draco_status draco_cells_find_overlapping(const struct draco_cells *c, int64_t lo, int64_t hi,
                                          draco_cell_vec *out)
{
    if (c->bottom || !c->cells || lo >= hi)
        return DRACO_OK;
    const struct draco_cells_set *s = c->cells;
    for (size_t i = set_overlap_start(s, lo); i < s->len && (int64_t)s->c[i].offset < hi; i++)
        if (cell_overlaps(&s->c[i], lo, hi) && draco_vec_push(out, s->c[i]) != 0)
            return DRACO_ERR_NOMEM;
    return DRACO_OK;
}

/* ---- cell updates ---- */

draco_status draco_cells_add(struct draco_cells *c, struct draco_cell cell)
{
    if (cell.size == 0 || (int64_t)cell.offset + (int64_t)cell.size > INT32_MAX)
        return DRACO_ERR_INVALID;
    if (c->bottom)
        return DRACO_OK;
    size_t i = set_lower_bound(c->cells, &cell);
    if (i < set_len(c->cells) && cell_cmp(&c->cells->c[i], &cell) == 0)
        return DRACO_OK;
    draco_status st = cells_own(c, set_len(c->cells) + 1);
    if (st != DRACO_OK)
        return st;
    struct draco_cells_set *s = c->cells;
    memmove(&s->c[i + 1], &s->c[i], (s->len - i) * sizeof *s->c);
    s->c[i] = cell;
    s->len++;
    if (cell.size > s->max_size)
        s->max_size = cell.size;
    return DRACO_OK;
}

draco_status draco_cells_kill(struct draco_cells *c, int64_t lo, int64_t hi, draco_cell_kill_vec *out)
{
    if (c->bottom || !c->cells || lo >= hi)
        return DRACO_OK;
    size_t start = set_overlap_start(c->cells, lo), n = 0;
    for (size_t i = start; i < c->cells->len && (int64_t)c->cells->c[i].offset < hi; i++)
        n += cell_overlaps(&c->cells->c[i], lo, hi);
    if (n == 0)
        return DRACO_OK;
    /* Reserve first: the caller must learn of every removed cell. */
    if (draco_vec_reserve(out, out->len + n) != 0)
        return DRACO_ERR_NOMEM;
    draco_status st = cells_own(c, c->cells->len);
    if (st != DRACO_OK)
        return st;
    struct draco_cells_set *s = c->cells;
    size_t k = start, i = start;
    for (; i < s->len && (int64_t)s->c[i].offset < hi; i++) {
        const struct draco_cell *x = &s->c[i];
        if (!cell_overlaps(x, lo, hi)) {
            s->c[k++] = *x;
            continue;
        }
        int64_t end = (int64_t)x->offset + x->size;
        struct draco_cell_kill kr = {.cell = *x};
        kr.lo_size = lo > x->offset ? (uint32_t)(lo - x->offset) : 0;
        kr.hi_offset = (int32_t)(hi < end ? hi : end);
        kr.hi_size = hi < end ? (uint32_t)(end - hi) : 0;
        out->data[out->len++] = kr;
    }
    memmove(&s->c[k], &s->c[i], (s->len - i) * sizeof *s->c);
    s->len -= (uint32_t)(i - k);
    return DRACO_OK;
}

/* ---- numeric bitmap ---- */

/* Clips [lo, hi) to [0, nbytes); false if empty. */
static bool bits_clip(const struct draco_cells *c, int64_t *lo, int64_t *hi)
{
    if (*lo < 0)
        *lo = 0;
    if (*hi > (int64_t)c->nbytes)
        *hi = c->nbytes;
    return *lo < *hi;
}

draco_status draco_cells_set_numeric(struct draco_cells *c, int64_t lo, int64_t hi)
{
    if (lo < 0 || hi > (int64_t)c->nbytes || lo > hi)
        return DRACO_ERR_INVALID;
    if (c->bottom || lo == hi)
        return DRACO_OK;
    if (c->bits && draco_bitset_all_range(c->bits->w, (size_t)lo, (size_t)hi))
        return DRACO_OK;
    draco_status st = bits_own(c);
    if (st != DRACO_OK)
        return st;
    draco_bitset_assign_range(c->bits->w, (size_t)lo, (size_t)hi, true);
    return DRACO_OK;
}

draco_status draco_cells_clear_numeric(struct draco_cells *c, int64_t lo, int64_t hi)
{
    if (c->bottom || !c->bits || !bits_clip(c, &lo, &hi))
        return DRACO_OK;
    if (!draco_bitset_any_range(c->bits->w, (size_t)lo, (size_t)hi))
        return DRACO_OK;
    draco_status st = bits_own(c);
    if (st != DRACO_OK)
        return st;
    draco_bitset_assign_range(c->bits->w, (size_t)lo, (size_t)hi, false);
    return DRACO_OK;
}

bool draco_cells_is_numeric(const struct draco_cells *c, int64_t lo, int64_t hi)
{
    if (c->bottom)
        return true;
    if (lo < 0 || hi > (int64_t)c->nbytes || lo > hi)
        return false;
    if (lo == hi)
        return true;
    return c->bits && draco_bitset_all_range(c->bits->w, (size_t)lo, (size_t)hi);
}

uint32_t draco_cells_numeric_run(const struct draco_cells *c, int64_t off)
{
    if (off < 0 || off >= (int64_t)c->nbytes)
        return 0;
    if (c->bottom)
        return (uint32_t)(c->nbytes - off);
    if (!c->bits)
        return 0;
    return (uint32_t)draco_bitset_run(c->bits->w, (size_t)off, c->nbytes);
}

/* ---- stores ---- */

draco_status draco_cells_store_strong(struct draco_cells *c, int64_t off, uint32_t size, bool numeric,
                                      draco_cell_kill_vec *kills)
{
    int64_t lo = off, hi = off + (int64_t)size;
    draco_status st = draco_cells_kill(c, lo, hi, kills);
    if (st != DRACO_OK || c->bottom)
        return st;
    if (!numeric)
        return draco_cells_clear_numeric(c, lo, hi);
    if (!bits_clip(c, &lo, &hi))
        return DRACO_OK;
    return draco_cells_set_numeric(c, lo, hi);
}

draco_status draco_cells_store_weak(struct draco_cells *c, int64_t lo, int64_t hi, bool numeric,
                                    draco_cell_kill_vec *kills)
{
    draco_status st = draco_cells_kill(c, lo, hi, kills);
    if (st != DRACO_OK || numeric)
        return st;
    return draco_cells_clear_numeric(c, lo, hi);
}

/* ---- lattice ---- */

bool draco_cells_is_bottom(const struct draco_cells *c) { return c->bottom; }

bool draco_cells_is_top(const struct draco_cells *c)
{
    return !c->bottom && set_len(c->cells) == 0 &&
           (!c->bits || draco_bitset_is_zero(c->bits->w, bits_nwords(c)));
}

bool draco_cells_leq(const struct draco_cells *a, const struct draco_cells *b)
{
    if (a->bottom)
        return true;
    if (b->bottom || a->nbytes != b->nbytes)
        return false;
    return bits_is_subset(b->bits, a->bits, bits_nwords(a)) && set_is_subset(b->cells, a->cells);
}

bool draco_cells_is_equal(const struct draco_cells *a, const struct draco_cells *b)
{
    return draco_cells_leq(a, b) && draco_cells_leq(b, a);
}

draco_status draco_cells_join_into(struct draco_cells *dst, const struct draco_cells *src)
{
    if (dst->nbytes != src->nbytes)
        return DRACO_ERR_INVALID;
    if (src->bottom)
        return DRACO_OK;
    if (dst->bottom) {
        draco_cells_assign_state(dst, src);
        return DRACO_OK;
    }
    size_t nw = bits_nwords(dst);
    /* bitmap: AND */
    if (dst->bits && dst->bits != src->bits) {
        if (!src->bits) {
            bits_release(dst->bits);
            dst->bits = NULL;
        } else if (!draco_bitset_is_subset(dst->bits->w, src->bits->w, nw)) {
            draco_status st = bits_own(dst);
            if (st != DRACO_OK)
                return st;
            draco_bitset_and_into(dst->bits->w, src->bits->w, nw);
        }
    }
    /* cells: intersection */
    if (set_len(dst->cells) == 0 || set_is_subset(dst->cells, src->cells))
        return DRACO_OK;
    if (set_len(src->cells) == 0) {
        set_release(dst->cells);
        dst->cells = NULL;
        return DRACO_OK;
    }
    draco_status st = cells_own(dst, dst->cells->len);
    if (st != DRACO_OK)
        return st;
    struct draco_cells_set *d = dst->cells;
    const struct draco_cells_set *s = src->cells;
    size_t k = 0, j = 0;
    for (size_t i = 0; i < d->len; i++) {
        while (j < s->len && cell_cmp(&s->c[j], &d->c[i]) < 0)
            j++;
        if (j < s->len && cell_cmp(&s->c[j], &d->c[i]) == 0)
            d->c[k++] = d->c[i];
    }
    d->len = (uint32_t)k;
    return DRACO_OK;
}

draco_status draco_cells_meet_into(struct draco_cells *dst, const struct draco_cells *src)
{
    if (dst->nbytes != src->nbytes)
        return DRACO_ERR_INVALID;
    if (dst->bottom)
        return DRACO_OK;
    if (src->bottom) {
        cells_make_bottom(dst);
        return DRACO_OK;
    }
    size_t nw = bits_nwords(dst);
    /* bitmap: OR */
    if (src->bits && dst->bits != src->bits) {
        if (!dst->bits) {
            dst->bits = src->bits;
            dst->bits->refs++;
        } else if (!draco_bitset_is_subset(src->bits->w, dst->bits->w, nw)) {
            draco_status st = bits_own(dst);
            if (st != DRACO_OK)
                return st;
            draco_bitset_or_into(dst->bits->w, src->bits->w, nw);
        }
    }
    /* cells: union */
    if (set_is_subset(src->cells, dst->cells))
        return DRACO_OK;
    if (set_len(dst->cells) == 0) {
        set_release(dst->cells);
        dst->cells = src->cells;
        dst->cells->refs++;
        return DRACO_OK;
    }
    const struct draco_cells_set *d = dst->cells, *s = src->cells;
    struct draco_cells_set *m = set_alloc(d->len + s->len);
    if (!m)
        return DRACO_ERR_NOMEM;
    size_t i = 0, j = 0, k = 0;
    while (i < d->len || j < s->len) {
        int cmp = i == d->len ? 1 : j == s->len ? -1 : cell_cmp(&d->c[i], &s->c[j]);
        if (cmp <= 0) {
            m->c[k++] = d->c[i++];
            j += cmp == 0;
        } else {
            m->c[k++] = s->c[j++];
        }
    }
    m->len = (uint32_t)k;
    m->max_size = d->max_size > s->max_size ? d->max_size : s->max_size;
    set_release(dst->cells);
    dst->cells = m;
    return DRACO_OK;
}

draco_status draco_cells_widen_into(struct draco_cells *dst, const struct draco_cells *src)
{
    return draco_cells_join_into(dst, src);
}

draco_status draco_cells_narrow_into(struct draco_cells *dst, const struct draco_cells *src)
{
    return draco_cells_meet_into(dst, src);
}

void draco_cells_print(const struct draco_cells *c, struct draco_sb *sb)
{
    if (c->bottom) {
        draco_sb_puts(sb, "_|_\n");
        return;
    }
    if (c->nbytes) {
        draco_sb_puts(sb, "numeric:");
        uint32_t off = 0;
        while (off < c->nbytes) {
            uint32_t run = draco_cells_numeric_run(c, off);
            if (run) {
                draco_sb_printf(sb, " [%u,%u)", (unsigned)off, (unsigned)(off + run));
                off += run;
            } else {
                off++;
            }
        }
        draco_sb_putc(sb, '\n');
    }
    for (size_t i = 0; i < set_len(c->cells); i++) {
        const struct draco_cell *x = &c->cells->c[i];
        draco_sb_printf(sb, "[%ld...%ld].k%u=v%u\n", (long)x->offset, (long)x->offset + (long)x->size - 1,
                        (unsigned)x->kind, (unsigned)x->var);
    }
}
