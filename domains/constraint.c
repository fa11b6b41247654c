/* SPDX-License-Identifier: MIT */
/* domains/constraint: parser/printer of PREVAIL constraint strings and entailment between sets.
 *
 * Invariants: the parser reads the string once, left to right, never past its NUL, and reports
 * the byte offset of the first token it cannot accept. A cset keeps names[i], types[i],
 * type_rep[i] for every interned index i < n_names; type_rep is a union-find forest whose roots
 * carry the meet of their class's type sets (non-root entries are stale). Entailment answers
 * false whenever it is not sure (unknown name, out of memory, dropped zone edge).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "domains/constraint.h"

void draco_constraint_init(struct draco_constraint *c)
{
    memset(c, 0, sizeof *c);
    c->kind = DRACO_CONSTRAINT_BOTTOM;
    draco_itv_init(&c->itv);
    draco_num_init(&c->k);
}

void draco_constraint_fini(struct draco_constraint *c)
{
    draco_itv_fini(&c->itv);
    draco_num_fini(&c->k);
    c->kind = DRACO_CONSTRAINT_BOTTOM;
    c->lhs[0] = c->rhs[0] = '\0';
    c->types = 0;
}

bool draco_constraint_name_is_type(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".type") == 0;
}

/* ---- parsing ---- */

struct pcur {
    const char *s;   /* start of the text */
    const char *p;
    size_t errpos;
    const char *why;
};

static void pskip(struct pcur *c)
{
    while (*c->p == ' ' || *c->p == '\t')
        c->p++;
}

static bool perr(struct pcur *c, const char *why)
{
    c->errpos = (size_t)(c->p - c->s);
    c->why = why;
    return false;
}

static bool is_name_start(char ch)
{
    return isalpha((unsigned char)ch) || ch == '_';
}

/* NAME: start char, then [A-Za-z0-9_.] or "[...]" groups. */
static bool parse_name(struct pcur *c, char out[DRACO_CONSTRAINT_NAME_MAX])
{
    pskip(c);
    if (!is_name_start(*c->p))
        return perr(c, "expected a name");
    const char *b = c->p;
    while (isalnum((unsigned char)*c->p) || *c->p == '_' || *c->p == '.' || *c->p == '[') {
        if (*c->p == '[') {
            const char *e = strchr(c->p, ']');
            if (!e)
                return perr(c, "unterminated '['");
            c->p = e + 1;
        } else {
            c->p++;
        }
    }
    size_t n = (size_t)(c->p - b);
    if (n >= DRACO_CONSTRAINT_NAME_MAX) {
        c->p = b;
        return perr(c, "name too long");
    }
    memcpy(out, b, n);
    out[n] = '\0';
    return true;
}

static bool accept_lit(struct pcur *c, const char *lit)
{
    pskip(c);
    size_t n = strlen(lit);
    if (strncmp(c->p, lit, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* A finite integer. */
static bool parse_int(struct pcur *c, draco_num *k)
{
    pskip(c);
    const char *end;
    if (draco_num_parse(c->p, &end, k) != DRACO_OK || !draco_num_is_finite(k))
        return perr(c, "expected an integer");
    c->p = end;
    return true;
}

/* "{t1, t2}" or a bare type name */
static bool parse_typeset(struct pcur *c, draco_typeset *out)
{
    char name[DRACO_CONSTRAINT_NAME_MAX];
    draco_type t;
    *out = 0;
    pskip(c);
    if (!accept_lit(c, "{")) {
        const char *b = c->p;
        if (!parse_name(c, name))
            return false;
        if (!draco_type_parse(name, &t)) {
            c->p = b;
            return perr(c, "unknown type");
        }
        *out = DRACO_TS(t);
        return true;
    }
    if (accept_lit(c, "}"))
        return true;
    do {
        pskip(c);
        const char *b = c->p;
        if (!parse_name(c, name))
            return false;
        if (!draco_type_parse(name, &t)) {
            c->p = b;
            return perr(c, "unknown type");
        }
        *out |= DRACO_TS(t);
    } while (accept_lit(c, ","));
    if (!accept_lit(c, "}"))
        return perr(c, "expected ',' or '}'");
    return true;
}

static bool at_number(struct pcur *c)
{
    pskip(c);
    return *c->p == '[' || isdigit((unsigned char)*c->p) || strncmp(c->p, "_|_", 3) == 0 ||
           ((*c->p == '-' || *c->p == '+') && (isdigit((unsigned char)c->p[1]) || c->p[1] == 'o'));
}

/* everything after "lhs=" */
static bool parse_rhs_eq(struct pcur *c, struct draco_constraint *out)
{
    bool lhs_type = draco_constraint_name_is_type(out->lhs);
    pskip(c);
    if (*c->p == '{') {
        if (!lhs_type)
            return perr(c, "a type set needs a '.type' name");
        out->kind = DRACO_CONSTRAINT_TYPES;
        return parse_typeset(c, &out->types);
    }
    if (at_number(c)) {
        const char *end;
        if (draco_itv_parse(c->p, &end, &out->itv) != DRACO_OK)
            return perr(c, "expected an integer or an interval");
        if (lhs_type)
            return perr(c, "a '.type' name takes a type");
        c->p = end;
        out->kind = DRACO_CONSTRAINT_ITV;
        return true;
    }
    const char *b = c->p;
    if (!parse_name(c, out->rhs))
        return perr(c, "expected a value, an interval or a name");
    draco_type t;
    if (lhs_type) {
        if (draco_constraint_name_is_type(out->rhs)) {
            out->kind = DRACO_CONSTRAINT_TYPE_EQ;
            return true;
        }
        if (!draco_type_parse(out->rhs, &t)) {
            c->p = b;
            return perr(c, "unknown type");
        }
        out->rhs[0] = '\0';
        out->kind = DRACO_CONSTRAINT_TYPES;
        out->types = DRACO_TS(t);
        return true;
    }
    if (draco_constraint_name_is_type(out->rhs) || draco_type_parse(out->rhs, &t)) {
        c->p = b;
        return perr(c, "a number cannot equal a type");
    }
    out->kind = DRACO_CONSTRAINT_VAR;
    draco_num_set_i64(&out->k, 0);
    pskip(c);
    if (*c->p == '+' || *c->p == '-') {
        bool neg = *c->p == '-';
        c->p++;
        pskip(c);
        if (*c->p == '-' || *c->p == '+')
            return perr(c, "expected an integer");
        if (!parse_int(c, &out->k))
            return false;
        if (neg && !draco_num_neg(&out->k, &out->k))
            return perr(c, "integer out of range");
    }
    return true;
}

static bool parse_constraint(struct pcur *c, struct draco_constraint *out)
{
    pskip(c);
    if (accept_lit(c, "_|_")) {
        out->kind = DRACO_CONSTRAINT_BOTTOM;
        return true;
    }
    if (!parse_name(c, out->lhs))
        return false;
    bool lhs_type = draco_constraint_name_is_type(out->lhs);
    pskip(c);
    /* "lhs in {...}" */
    if (c->p[0] == 'i' && c->p[1] == 'n' && !isalnum((unsigned char)c->p[2]) && c->p[2] != '_') {
        c->p += 2;
        if (!lhs_type)
            return perr(c, "'in' needs a '.type' name");
        pskip(c);
        if (*c->p != '{')
            return perr(c, "expected '{'");
        out->kind = DRACO_CONSTRAINT_TYPES;
        return parse_typeset(c, &out->types);
    }
    if (*c->p == '-') {
        const char *save = c->p;
        c->p++;
        pskip(c);
        if (is_name_start(*c->p)) {
            if (!parse_name(c, out->rhs))
                return false;
            if (lhs_type || draco_constraint_name_is_type(out->rhs))
                return perr(c, "types have no differences");
            if (!accept_lit(c, "<="))
                return perr(c, "expected '<='");
            out->kind = DRACO_CONSTRAINT_DIFF;
            return parse_int(c, &out->k);
        }
        c->p = save;
    }
    if (accept_lit(c, "!=")) {
        if (lhs_type)
            return perr(c, "'!=' needs a numeric name");
        out->kind = DRACO_CONSTRAINT_NEQ;
        return parse_int(c, &out->k);
    }
    if (accept_lit(c, "<=") || accept_lit(c, ">=")) {
        bool le = c->p[-2] == '<';
        if (lhs_type)
            return perr(c, "a '.type' name takes '=' or 'in'");
        draco_num k;
        draco_num_init(&k);
        if (!parse_int(c, &k))
            return false;
        draco_num inf = le ? draco_num_ninf() : draco_num_pinf();
        if (le)
            draco_itv_set_bounds(&out->itv, &inf, &k);
        else
            draco_itv_set_bounds(&out->itv, &k, &inf);
        draco_num_fini(&k);
        out->kind = DRACO_CONSTRAINT_ITV;
        return true;
    }
    if (accept_lit(c, "="))
        return parse_rhs_eq(c, out);
    return perr(c, "expected '=', '!=', '<=', '-' or 'in'");
}

draco_status draco_constraint_parse(const char *s, struct draco_constraint *c, size_t *pos,
                                    draco_error *err)
{
    struct pcur cur = { s, s, 0, NULL };
    draco_constraint_fini(c);
    bool ok = s && parse_constraint(&cur, c);
    if (ok) {
        pskip(&cur);
        if (*cur.p != '\0')
            ok = perr(&cur, "unexpected text");
    }
    if (ok)
        return DRACO_OK;
    draco_constraint_fini(c);
    if (pos)
        *pos = cur.errpos;
    return draco_error_set(err, DRACO_ERR_INVALID, "at %zu: %s in '%s'", cur.errpos,
                           cur.why ? cur.why : "no text", s ? s : "");
}

/* ---- printing ---- */

void draco_constraint_print(const struct draco_constraint *c, struct draco_sb *sb)
{
    switch (c->kind) {
    case DRACO_CONSTRAINT_BOTTOM:
        draco_sb_puts(sb, "_|_");
        return;
    case DRACO_CONSTRAINT_ITV:
        draco_sb_printf(sb, "%s=", c->lhs);
        draco_itv_print(&c->itv, sb);
        return;
    case DRACO_CONSTRAINT_NEQ:
        draco_sb_printf(sb, "%s!=", c->lhs);
        draco_num_print(&c->k, sb);
        return;
    case DRACO_CONSTRAINT_VAR:
        draco_sb_printf(sb, "%s=%s", c->lhs, c->rhs);
        if (draco_num_sgn(&c->k) > 0)
            draco_sb_putc(sb, '+');
        if (!draco_num_is_zero(&c->k))
            draco_num_print(&c->k, sb);
        return;
    case DRACO_CONSTRAINT_DIFF:
        draco_sb_printf(sb, "%s-%s<=", c->lhs, c->rhs);
        draco_num_print(&c->k, sb);
        return;
    case DRACO_CONSTRAINT_TYPES:
        draco_sb_printf(sb, "%s%s", c->lhs, draco_typeset_is_singleton(c->types) ? "=" : " in ");
        draco_typeset_print(c->types, sb);
        return;
    case DRACO_CONSTRAINT_TYPE_EQ:
        draco_sb_printf(sb, "%s=%s", c->lhs, c->rhs);
        return;
    }
    draco_sb_puts(sb, "?");
}

/* ---- constraint systems ---- */

void draco_cset_init(struct draco_cset *cs)
{
    memset(cs, 0, sizeof *cs);
    draco_zone_init_top(&cs->zone);
    draco_domain_ctx_init(&cs->dctx);
}

void draco_cset_fini(struct draco_cset *cs)
{
    for (size_t i = 0; i < cs->n_names; i++)
        free(cs->names[i]);
    free(cs->names);
    free(cs->types);
    free(cs->type_rep);
    draco_zone_fini(&cs->zone);
    draco_domain_ctx_fini(&cs->dctx);
    memset(cs, 0, sizeof *cs);
}

static bool cset_find(const struct draco_cset *cs, const char *name, uint32_t *out)
{
    for (size_t i = 0; i < cs->n_names; i++)
        if (strcmp(cs->names[i], name) == 0) {
            *out = (uint32_t)i;
            return true;
        }
    return false;
}

draco_status draco_cset_intern(struct draco_cset *cs, const char *name, uint32_t *out)
{
    if (cset_find(cs, name, out))
        return DRACO_OK;
    if (cs->n_names == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 16;
        char **nn = realloc(cs->names, cap * sizeof *nn);
        if (!nn)
            return DRACO_ERR_NOMEM;
        cs->names = nn;
        draco_typeset *nt = realloc(cs->types, cap * sizeof *nt);
        if (!nt)
            return DRACO_ERR_NOMEM;
        cs->types = nt;
        uint32_t *nr = realloc(cs->type_rep, cap * sizeof *nr);
        if (!nr)
            return DRACO_ERR_NOMEM;
        cs->type_rep = nr;
        cs->cap = cap;
    }
    size_t n = strlen(name);
    char *copy = malloc(n + 1);
    if (!copy)
        return DRACO_ERR_NOMEM;
    memcpy(copy, name, n + 1);
    uint32_t i = (uint32_t)cs->n_names++;
    cs->names[i] = copy;
    cs->types[i] = DRACO_TS_ALL;
    cs->type_rep[i] = i;
    *out = i;
    return DRACO_OK;
}

static uint32_t rep_find(const struct draco_cset *cs, uint32_t i)
{
    while (cs->type_rep[i] != i)
        i = cs->type_rep[i];
    return i;
}

/* a finite draco_num as i128 (|k| < 2^127) */
static bool num_i128(const draco_num *k, draco_i128 *out)
{
    int64_t s;
    uint64_t u;
    if (draco_num_get_i64(k, &s)) {
        *out = s;
        return true;
    }
    if (draco_num_get_u64(k, &u)) {
        *out = (draco_i128)u;
        return true;
    }
    if (k->kind == DRACO_NUM_NEG) {
        *out = -(draco_i128)k->u.mag;
        return true;
    }
    return false;   /* BIG beyond 64 bits: not needed by any eBPF constraint */
}

/* x - y - k <= 0 (y may be UINT32_MAX: x - k <= 0) */
static void diff_cons(struct draco_lincons *lc, uint32_t x, uint32_t y, draco_i128 k)
{
    memset(lc, 0, sizeof *lc);
    lc->kind = DRACO_CONS_LEQ;
    lc->expr.terms[0].var = x;
    lc->expr.terms[0].coef = 1;
    lc->expr.nterms = 1;
    if (y != UINT32_MAX) {
        lc->expr.terms[1].var = y;
        lc->expr.terms[1].coef = -1;
        lc->expr.nterms = 2;
    }
    lc->expr.cst = -k;
}

static void cset_check_zone(struct draco_cset *cs)
{
    if (draco_zone_is_bottom(&cs->zone))
        cs->bottom = true;
}

draco_status draco_cset_add(struct draco_cset *cs, const struct draco_constraint *c)
{
    uint32_t x, y;
    draco_i128 k = 0;
    draco_status st;
    struct draco_lincons lc;
    if (cs->bottom)
        return DRACO_OK;
    if (c->kind == DRACO_CONSTRAINT_BOTTOM) {
        cs->bottom = true;
        return DRACO_OK;
    }
    if ((st = draco_cset_intern(cs, c->lhs, &x)) != DRACO_OK)
        return st;
    if (c->rhs[0] && (st = draco_cset_intern(cs, c->rhs, &y)) != DRACO_OK)
        return st;
    if ((c->kind == DRACO_CONSTRAINT_NEQ || c->kind == DRACO_CONSTRAINT_VAR ||
         c->kind == DRACO_CONSTRAINT_DIFF) && !num_i128(&c->k, &k))
        return DRACO_ERR_UNSUPPORTED;
    switch (c->kind) {
    case DRACO_CONSTRAINT_BOTTOM:
        break;
    case DRACO_CONSTRAINT_ITV:
        if (draco_itv_is_bottom(&c->itv))
            cs->bottom = true;
        else
            st = draco_zone_meet_itv(&cs->dctx, &cs->zone, x, &c->itv);
        break;
    case DRACO_CONSTRAINT_NEQ:
        memset(&lc, 0, sizeof lc);
        lc.kind = DRACO_CONS_NEQ;
        lc.expr.nterms = 1;
        lc.expr.terms[0].var = x;
        lc.expr.terms[0].coef = 1;
        lc.expr.cst = -k;
        st = draco_zone_add_constraint(&cs->dctx, &cs->zone, &lc);
        break;
    case DRACO_CONSTRAINT_VAR:
        diff_cons(&lc, x, y, k);
        st = draco_zone_add_constraint(&cs->dctx, &cs->zone, &lc);
        if (st == DRACO_OK) {
            diff_cons(&lc, y, x, -k);
            st = draco_zone_add_constraint(&cs->dctx, &cs->zone, &lc);
        }
        break;
    case DRACO_CONSTRAINT_DIFF:
        diff_cons(&lc, x, y, k);
        st = draco_zone_add_constraint(&cs->dctx, &cs->zone, &lc);
        break;
    case DRACO_CONSTRAINT_TYPES: {
        uint32_t r = rep_find(cs, x);
        cs->types[r] &= c->types;
        if (!cs->types[r])
            cs->bottom = true;
        break;
    }
    case DRACO_CONSTRAINT_TYPE_EQ: {
        uint32_t rx = rep_find(cs, x), ry = rep_find(cs, y);
        if (rx != ry) {
            uint32_t lo = rx < ry ? rx : ry, hi = rx < ry ? ry : rx;
            cs->types[lo] &= cs->types[hi];
            cs->type_rep[hi] = lo;
            if (!cs->types[lo])
                cs->bottom = true;
        }
        break;
    }
    }
    cset_check_zone(cs);
    return st;
}

draco_status draco_cset_add_str(struct draco_cset *cs, const char *s, draco_error *err)
{
    struct draco_constraint c;
    draco_constraint_init(&c);
    draco_status st = draco_constraint_parse(s, &c, NULL, err);
    if (st == DRACO_OK) {
        st = draco_cset_add(cs, &c);
        if (st != DRACO_OK)
            draco_error_set(err, st, "cannot represent '%s'", s);
    }
    draco_constraint_fini(&c);
    return st;
}

bool draco_cset_is_bottom(const struct draco_cset *cs)
{
    return cs->bottom || draco_zone_is_bottom(&cs->zone);
}

bool draco_cset_entails(struct draco_cset *cs, const struct draco_constraint *c)
{
    uint32_t x, y = UINT32_MAX;
    draco_i128 k = 0;
    struct draco_lincons lc;
    if (draco_cset_is_bottom(cs))
        return true;
    if (c->kind == DRACO_CONSTRAINT_BOTTOM)
        return false;
    if (draco_cset_intern(cs, c->lhs, &x) != DRACO_OK)
        return false;
    if (c->rhs[0] && draco_cset_intern(cs, c->rhs, &y) != DRACO_OK)
        return false;
    if ((c->kind == DRACO_CONSTRAINT_NEQ || c->kind == DRACO_CONSTRAINT_VAR ||
         c->kind == DRACO_CONSTRAINT_DIFF) && !num_i128(&c->k, &k))
        return false;
    switch (c->kind) {
    case DRACO_CONSTRAINT_BOTTOM:
        return false;
    case DRACO_CONSTRAINT_ITV: {
        draco_itv b;
        draco_itv_init(&b);
        draco_zone_bound_itv(&cs->zone, x, &b);
        bool r = draco_itv_leq(&b, &c->itv);
        draco_itv_fini(&b);
        return r;
    }
    case DRACO_CONSTRAINT_NEQ:
        return draco_zone_excludes(&cs->zone, x, k);
    case DRACO_CONSTRAINT_VAR:
        if (x == y)
            return k == 0;
        diff_cons(&lc, x, y, k);
        if (!draco_zone_entails(&cs->dctx, &cs->zone, &lc))
            return false;
        diff_cons(&lc, y, x, -k);
        return draco_zone_entails(&cs->dctx, &cs->zone, &lc);
    case DRACO_CONSTRAINT_DIFF:
        if (x == y)
            return k >= 0;
        diff_cons(&lc, x, y, k);
        return draco_zone_entails(&cs->dctx, &cs->zone, &lc);
    case DRACO_CONSTRAINT_TYPES:
        return (cs->types[rep_find(cs, x)] & (draco_typeset)~c->types) == 0;
    case DRACO_CONSTRAINT_TYPE_EQ: {
        uint32_t rx = rep_find(cs, x), ry = rep_find(cs, y);
        if (rx == ry)
            return true;
        draco_typeset a = cs->types[rx], b = cs->types[ry];
        return a == b && draco_typeset_is_singleton(a);
    }
    }
    return false;
}

static void cset_namer(void *user, uint32_t var, char *buf, size_t n)
{
    const struct draco_cset *cs = user;
    if (var < cs->n_names)
        snprintf(buf, n, "%s", cs->names[var]);
    else
        snprintf(buf, n, "v%u", (unsigned)var);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void draco_cset_print(const struct draco_cset *cs, struct draco_sb *sb)
{
    if (draco_cset_is_bottom(cs)) {
        draco_sb_puts(sb, "_|_\n");
        return;
    }
    struct draco_sb raw;
    draco_sb_init(&raw);
    for (size_t i = 0; i < cs->n_names; i++) {
        uint32_t r = rep_find(cs, (uint32_t)i);
        if (r != i) {
            draco_sb_printf(&raw, "%s=%s\n", cs->names[i], cs->names[r]);
            continue;
        }
        draco_typeset t = cs->types[i];
        if (t == DRACO_TS_ALL)
            continue;
        draco_sb_printf(&raw, "%s%s", cs->names[i], draco_typeset_is_singleton(t) ? "=" : " in ");
        draco_typeset_print(t, &raw);
        draco_sb_putc(&raw, '\n');
    }
    draco_zone_print(&cs->zone, cset_namer, (void *)cs, &raw);
    /* one constraint per line, sorted */
    const char *text = draco_sb_str(&raw);
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    const char **lines = malloc((n + 1) * sizeof *lines);
    char *copy = malloc(raw.len + 1);
    if (!lines || !copy) {
        draco_sb_puts(sb, text);     /* unsorted, still complete */
    } else {
        memcpy(copy, text, raw.len + 1);
        size_t k = 0;
        for (char *p = copy; *p && k < n;) {
            char *e = strchr(p, '\n');
            if (!e)
                break;
            *e = '\0';
            if (*p)
                lines[k++] = p;
            p = e + 1;
        }
        qsort(lines, k, sizeof *lines, cmp_line);
        for (size_t i = 0; i < k; i++) {
            draco_sb_puts(sb, lines[i]);
            draco_sb_putc(sb, '\n');
        }
    }
    free(lines);
    free(copy);
    draco_sb_fini(&raw);
}
