/* SPDX-License-Identifier: MIT */
/* prog_conformance: runs PREVAIL's YAML test cases (../shared/conformance/prevail-yaml) through
 * draco-verify and compares, per case, the failing labels and message texts, and the post-state at
 * exit both by meaning (mutual entailment through the zone domain, domains/constraint.h) and as
 * text. Prints a per-file table and "N passed, M failed" (a case passes when its labels are equal
 * and its post is equivalent).
 *
 * Usage: prog_conformance [-v] [-l] [-k SUBSTRING] [--min-labels PCT] [--min-post PCT] FILE.yaml...
 *   -v  print every disagreement with details;  -l  list failing cases one per line (for docs);
 *   -k  only cases whose name contains SUBSTRING.
 * Exit status: 0 when the label and post agreement rates reach the thresholds (default 95% / 90%),
 * 1 otherwise, 2 on a usage or I/O error, 77 (skip) when draco_check_run() does not implement the
 * conformance interface of struct draco_analysis_opts (it leaves result->exit_post NULL).
 *
 * How a case runs (PREVAIL's own runner does the same, digest §6.4): the code blocks are joined in
 * file order as "<label>:\n<block>" and assembled (lib/ir/asm.h); map_by_idx indexes a table of
 * one map; a program whose last instruction can fall through gets an `exit` appended (PREVAIL
 * runs tests with must_have_exit=false, where falling off the end reaches exit) and the r0 check
 * of that synthetic exit is not reported. The platform is Linux's helpers with a test program
 * type whose context is {size 64, data 0, data_end 4, no meta} and mock maps (key 4, value 4,
 * 4 entries) for fds 0..3, helpers unrestricted by program or map type. The analysis starts from
 * top met with `pre` (setup_entry = false). Labels are mapped from our slot numbers to PREVAIL's
 * instruction numbers (an LDDW counts once). Posts are compared with the machine facts of every
 * value added to both sides (see add_machine_facts) and stack cell names normalised (norm_each).
 * docs/conformance.md describes all of it and lists the remaining disagreements.
 * Invariant: nothing here is global; each case owns one arena released before the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "analysis/analysis.h"
#include "cfg/cfg.h"
#include "check/check.h"
#include "domains/constraint.h"
#include "elf/object.h"
#include "ir/asm.h"
#include "ir/ir.h"
#include "platform/platform.h"

/* ------------------------------------------------------------------ test platform */

static const struct draco_ctx_desc test_ctx = { "test", 64, 0, 4, -1 };
static const struct draco_prog_type test_type = { "test", &test_ctx, 0, false, false };

static const struct draco_prog_type *tp_from_section(const struct draco_platform *self,
                                                     const char *section, const char *path)
{
    DRACO_UNUSED(self);
    DRACO_UNUSED(section);
    DRACO_UNUSED(path);
    return &test_type;
}

static const struct draco_prog_type *tp_by_name(const struct draco_platform *self, const char *name)
{
    DRACO_UNUSED(self);
    DRACO_UNUSED(name);
    return &test_type;
}

/* The Linux prototypes with their program-type, context and map-type restrictions lifted (the
 * mock maps of PREVAIL's test platform have no type, and its test program type may call every
 * helper). Built once in main(); the platform's `user` points at it. */
enum { N_HELPER_IDS = 512 };
struct tp_data {
    struct draco_helper_proto protos[N_HELPER_IDS];
    bool present[N_HELPER_IDS];
};

static void tp_data_init(struct tp_data *d)
{
    const struct draco_platform *l = draco_platform_linux();
    memset(d, 0, sizeof *d);
    for (int32_t id = 0; id < N_HELPER_IDS; id++) {
        const struct draco_helper_proto *p = l->helper_proto(l, id, NULL);
        if (!p)
            continue;
        d->protos[id] = *p;
        d->protos[id].prog_types = 0;
        d->protos[id].map_types = 0;
        d->protos[id].required_ctx = NULL;
        d->present[id] = true;
    }
}

static const struct draco_helper_proto *tp_helper(const struct draco_platform *self, int32_t id,
                                                  const struct draco_prog_type *type)
{
    DRACO_UNUSED(type);
    const struct tp_data *d = self->user;
    if (id < 0 || id >= N_HELPER_IDS || !d->present[id]) {
        const struct draco_platform *l = draco_platform_linux();
        return l->helper_proto(l, id, NULL);
    }
    return &d->protos[id];
}

static bool tp_usable(const struct draco_platform *self, int32_t id, const struct draco_prog_type *type)
{
    const struct draco_helper_proto *p = tp_helper(self, id, type);
    return p && !p->unsupported;
}

static const struct draco_helper_proto *tp_by_fname(const struct draco_platform *self, const char *name)
{
    DRACO_UNUSED(self);
    const struct draco_platform *l = draco_platform_linux();
    return l->helper_by_name ? l->helper_by_name(l, name) : NULL;
}

static const struct draco_map_type_info *tp_map_type(const struct draco_platform *self, uint32_t t)
{
    DRACO_UNUSED(self);
    const struct draco_platform *l = draco_platform_linux();
    return l->map_type(l, t);
}

static void tp_platform_init(struct draco_platform *p, struct tp_data *d)
{
    memset(p, 0, sizeof *p);
    p->name = "prevail-test";
    p->user = d;
    p->prog_type_from_section = tp_from_section;
    p->prog_type_by_name = tp_by_name;
    p->helper_proto = tp_helper;
    p->helper_usable = tp_usable;
    p->helper_by_name = tp_by_fname;
    p->map_type = tp_map_type;
}

enum { N_MOCK_MAPS = 4, N_INDEXED_MAPS = 1 };

/* ------------------------------------------------------------------ one test case */

struct strv {
    const char **v;
    size_t n;
};

struct obs {
    const char *at;      /* "entry", "exit" or an instruction index */
    const char *point;   /* "pre" / "post" */
    const char *mode;    /* "consistent" / "entailed" */
    struct strv cons;
};

struct tcase {
    const char *name;
    int line;
    struct strv options, pre, post, messages;
    struct strv code_labels, code_blocks;
    struct obs *obs;
    size_t n_obs;
    const char *observe_error;      /* malformed observe: the loader's exception text */
    const char *expected_exception;
};

struct outcome {
    bool labels_equal, msgs_equal, post_equiv, post_text_equal;
    const char *post_rel;            /* when not equivalent: "tighter" (ours entails the expected
                                        post only), "looser" (the converse) or "incomparable" */
    struct strv msgs, post;          /* ours */
    const char *why;                 /* runner-level failure (assembler, analysis error) */
    bool no_interface;               /* the analysis left exit_post NULL: opts.pre/exit_post are
                                        not implemented, the case cannot be judged */
};

/* ------------------------------------------------------------------ YAML reading */

static const char *node_str(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = node_str(yaml_document_get_node(d, p->key));
        if (k && strcmp(k, key) == 0)
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

/* a sequence of scalars into arena strings; false if n is not such a sequence */
static bool seq_strings(yaml_document_t *d, yaml_node_t *n, struct draco_arena *a, struct strv *out)
{
    out->v = NULL;
    out->n = 0;
    if (!n)
        return true;
    if (n->type != YAML_SEQUENCE_NODE)
        return false;
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    out->v = draco_arena_alloc(a, (cnt ? cnt : 1) * sizeof *out->v);
    if (!out->v)
        return false;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        const char *s = node_str(yaml_document_get_node(d, *it));
        if (!s)
            return false;
        out->v[out->n++] = draco_arena_strdup(a, s);
    }
    return true;
}

static void read_observe(yaml_document_t *d, yaml_node_t *n, struct draco_arena *a, struct tcase *tc)
{
    if (!n)
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        tc->observe_error = "observe must be a sequence";
        return;
    }
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    tc->obs = draco_arena_alloc(a, (cnt ? cnt : 1) * sizeof *tc->obs);
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_document_get_node(d, *it);
        if (!item || item->type != YAML_MAPPING_NODE) {
            tc->observe_error = "observe item must be a map";
            return;
        }
        struct obs *o = &tc->obs[tc->n_obs];
        yaml_node_t *c = map_get(d, item, "constraints");
        if (!c) {
            tc->observe_error = "observe item missing required 'constraints' field";
            return;
        }
        if (!seq_strings(d, c, a, &o->cons)) {
            tc->observe_error = "observe.constraints must be a sequence of strings";
            return;
        }
        o->at = node_str(map_get(d, item, "at"));
        o->point = node_str(map_get(d, item, "point"));
        o->mode = node_str(map_get(d, item, "mode"));
        if (!o->at)
            o->at = "exit";
        if (strcmp(o->at, "entry") != 0 && strcmp(o->at, "exit") != 0) {
            char *end;
            long v = strtol(o->at, &end, 10);
            if (*end || end == o->at || v < 0) {
                tc->observe_error = draco_arena_printf(a, "Invalid observation label: %s", o->at);
                return;
            }
        }
        if (!o->point)
            o->point = strcmp(o->at, "exit") == 0 ? "post" : "pre";
        if (!o->mode)
            o->mode = "consistent";
        tc->n_obs++;
    }
}

/* Fills tc from one YAML document; false (with *why) if it is not a test case. */
static bool read_case(yaml_document_t *d, struct draco_arena *a, struct tcase *tc, const char **why)
{
    memset(tc, 0, sizeof *tc);
    yaml_node_t *root = yaml_document_get_root_node(d);
    if (!root || root->type != YAML_MAPPING_NODE) {
        *why = "document is not a mapping";
        return false;
    }
    tc->line = (int)root->start_mark.line + 1;
    tc->name = node_str(map_get(d, root, "test-case"));
    if (!tc->name) {
        *why = "no test-case name";
        return false;
    }
    tc->name = draco_arena_strdup(a, tc->name);
    const char *ee = node_str(map_get(d, root, "expected-exception"));
    tc->expected_exception = ee ? draco_arena_strdup(a, ee) : NULL;
    if (!seq_strings(d, map_get(d, root, "options"), a, &tc->options) ||
        !seq_strings(d, map_get(d, root, "pre"), a, &tc->pre) ||
        !seq_strings(d, map_get(d, root, "post"), a, &tc->post) ||
        !seq_strings(d, map_get(d, root, "messages"), a, &tc->messages)) {
        *why = "options/pre/post/messages must be sequences of strings";
        return false;
    }
    yaml_node_t *code = map_get(d, root, "code");
    if (!code || code->type != YAML_MAPPING_NODE) {
        *why = "code must be a mapping";
        return false;
    }
    size_t cnt = (size_t)(code->data.mapping.pairs.top - code->data.mapping.pairs.start);
    tc->code_labels.v = draco_arena_alloc(a, (cnt ? cnt : 1) * sizeof(char *));
    tc->code_blocks.v = draco_arena_alloc(a, (cnt ? cnt : 1) * sizeof(char *));
    for (yaml_node_pair_t *p = code->data.mapping.pairs.start; p < code->data.mapping.pairs.top; p++) {
        const char *k = node_str(yaml_document_get_node(d, p->key));
        const char *v = node_str(yaml_document_get_node(d, p->value));
        if (!k || !v) {
            *why = "code entries must be scalars";
            return false;
        }
        tc->code_labels.v[tc->code_labels.n++] = draco_arena_strdup(a, k);
        tc->code_blocks.v[tc->code_blocks.n++] = draco_arena_strdup(a, v);
    }
    read_observe(d, map_get(d, root, "observe"), a, tc);
    return true;
}

/* ------------------------------------------------------------------ comparison helpers */

static bool has_option(const struct tcase *tc, const char *opt)
{
    for (size_t i = 0; i < tc->options.n; i++)
        if (strcmp(tc->options.v[i], opt) == 0)
            return true;
    return false;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* set equality of two string lists (duplicates ignored) */
static bool set_equal(struct strv a, struct strv b, struct draco_arena *ar)
{
    const char **x = draco_arena_alloc(ar, (a.n + 1) * sizeof *x);
    const char **y = draco_arena_alloc(ar, (b.n + 1) * sizeof *y);
    if (!x || !y)
        return false;
    memcpy(x, a.v, a.n * sizeof *x);
    memcpy(y, b.v, b.n * sizeof *y);
    qsort(x, a.n, sizeof *x, cmp_str);
    qsort(y, b.n, sizeof *y, cmp_str);
    size_t i = 0, j = 0;
    while (i < a.n || j < b.n) {
        if (i < a.n && j < b.n && strcmp(x[i], y[j]) == 0) {
            const char *s = x[i];
            while (i < a.n && strcmp(x[i], s) == 0)
                i++;
            while (j < b.n && strcmp(y[j], s) == 0)
                j++;
            continue;
        }
        return false;
    }
    return true;
}

/* The label of a message: the text before the first ": " when it looks like a label ("12",
 * "12:15", "3/20", "0 (counter)", "exit", "entry"); "" for unlabelled messages. */
static const char *msg_label(const char *m, struct draco_arena *a)
{
    const char *e = strstr(m, ": ");
    if (!e)
        return "";
    bool ok = strncmp(m, "exit", 4) == 0 || strncmp(m, "entry", 5) == 0 ||
              (m[0] >= '0' && m[0] <= '9');
    for (const char *p = m; ok && p < e; p++)
        ok = (*p >= '0' && *p <= '9') || *p == ':' || *p == '/' || *p == ' ' || *p == '(' ||
             *p == ')' || (*p >= 'a' && *p <= 'z');
    return ok ? draco_arena_strndup(a, m, (size_t)(e - m)) : "";
}

static struct strv labels_of(struct strv msgs, struct draco_arena *a)
{
    struct strv r = { draco_arena_alloc(a, (msgs.n + 1) * sizeof(char *)), 0 };
    for (size_t i = 0; r.v && i < msgs.n; i++)
        r.v[r.n++] = msg_label(msgs.v[i], a);
    return r;
}

/* Parses constraint text and calls fn on each normalised piece: stack cell names "s[a...a]"
 * become "s[a]", and a type over a byte range "s[a...b].type" becomes one type constraint per
 * byte (a cell's type is the type of each of its bytes, whichever way a printer grouped them).
 * Returns -1 if the text does not parse or fn failed (< 0), else 1 if fn held (> 0) for every
 * piece, 0 otherwise. */
typedef int (*piece_fn)(struct draco_cset *cs, const struct draco_constraint *c);

static void norm_name(char *nm, long *lo, long *hi)
{
    long a, b;
    int used = 0;
    *lo = 0;
    *hi = -1;
    if (!nm[0] || sscanf(nm, "s[%ld...%ld]%n", &a, &b, &used) != 2 || used <= 0)
        return;
    char rest[DRACO_CONSTRAINT_NAME_MAX];
    snprintf(rest, sizeof rest, "%s", nm + used);
    if (a == b) {
        snprintf(nm, DRACO_CONSTRAINT_NAME_MAX, "s[%ld]%.40s", a, rest);
        return;
    }
    *lo = a;
    *hi = b;
}

static int norm_each(const char *text, piece_fn fn, struct draco_cset *cs)
{
    struct draco_constraint c;
    draco_constraint_init(&c);
    int r = 1;
    if (draco_constraint_parse(text, &c, NULL, NULL) != DRACO_OK) {
        r = -1;
        goto out;
    }
    long lo, hi, lo2, hi2;
    norm_name(c.lhs, &lo, &hi);
    norm_name(c.rhs, &lo2, &hi2);
    if (!(c.kind == DRACO_CONSTRAINT_TYPES && hi > lo && hi - lo < 4096 &&
          strcmp(strstr(c.lhs, "]"), "].type") == 0)) {
        r = fn(cs, &c);
        goto out;
    }
    for (long k = lo; k <= hi && r == 1; k++) {
        snprintf(c.lhs, sizeof c.lhs, "s[%ld].type", k);
        r = fn(cs, &c);
    }
out:
    draco_constraint_fini(&c);
    return r < 0 ? -1 : r;
}

static int piece_add(struct draco_cset *cs, const struct draco_constraint *c)
{
    return draco_cset_add(cs, c) == DRACO_OK ? 1 : -1;
}

static int piece_entailed(struct draco_cset *cs, const struct draco_constraint *c)
{
    return draco_cset_entails(cs, c) ? 1 : 0;
}

static int piece_intern(struct draco_cset *cs, const struct draco_constraint *c)
{
    uint32_t x;
    if (c->lhs[0] && draco_cset_intern(cs, c->lhs, &x) != DRACO_OK)
        return -1;
    if (c->rhs[0] && draco_cset_intern(cs, c->rhs, &x) != DRACO_OK)
        return -1;
    return 1;
}

/* The 64-bit word a name's view belongs to: "r3" for "r3.svalue", "s[504...511]" for an 8-byte
 * cell's view; false for other names (narrow cells, offsets, globals). */
static bool word_of(const char *name, const char *view, char *out, size_t n)
{
    size_t len = strlen(name), vl = strlen(view);
    if (len <= vl || strcmp(name + len - vl, view) != 0)
        return false;
    unsigned reg;
    long a, b;
    int used = 0;
    if (sscanf(name, "r%u%n", &reg, &used) == 1 && (size_t)used == len - vl && reg <= 10) {
        snprintf(out, n, "r%u", reg);
        return true;
    }
    used = 0;
    if (sscanf(name, "s[%ld...%ld]%n", &a, &b, &used) == 2 && (size_t)used == len - vl &&
        b - a == 7) {
        snprintf(out, n, "s[%ld...%ld]", a, b);
        return true;
    }
    return false;
}

/* Two 64-bit words with equal unsigned views are equal, so their signed views are equal too (and
 * conversely): for every pair of words whose one view the set proves equal, add the other. */
static int add_word_equalities(struct draco_cset *cs)
{
    static const char *const views[2][2] = { { ".uvalue", ".svalue" }, { ".svalue", ".uvalue" } };
    for (int dir = 0; dir < 2; dir++) {
        size_t n = cs->n_names;
        for (size_t i = 0; i < n; i++) {
            char wi[DRACO_CONSTRAINT_NAME_MAX], wj[DRACO_CONSTRAINT_NAME_MAX];
            if (!word_of(cs->names[i], views[dir][0], wi, sizeof wi))
                continue;
            for (size_t j = i + 1; j < n; j++) {
                if (!word_of(cs->names[j], views[dir][0], wj, sizeof wj))
                    continue;
                char text[3 * DRACO_CONSTRAINT_NAME_MAX];
                struct draco_constraint c;
                draco_constraint_init(&c);
                snprintf(text, sizeof text, "%s=%s", cs->names[i], cs->names[j]);
                bool eq = draco_constraint_parse(text, &c, NULL, NULL) == DRACO_OK &&
                          draco_cset_entails(cs, &c);
                draco_constraint_fini(&c);
                if (!eq)
                    continue;
                snprintf(text, sizeof text, "%s%s=%s%s", wi, views[dir][1], wj, views[dir][1]);
                if (draco_cset_add_str(cs, text, NULL) != DRACO_OK)
                    return -1;
            }
        }
    }
    return 1;
}

/* Facts true of every machine value, which one printer may omit and another spell out (PREVAIL
 * prints "r1.uvalue=[1, +oo]" where the upper bound 2^64-1 is implicit): a signed view lies in
 * [-2^63, 2^63-1], an unsigned one in [0, 2^64-1] (every interned name), a register's two
 * views are equal when either is in [0, 2^63-1], and two 64-bit words (registers, 8-byte stack
 * cells) equal in one view are equal in the other. */
static int add_machine_facts(struct draco_cset *cs)
{
    size_t n = cs->n_names;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(cs->names[i]);
        const char *range = NULL;
        if (len > 7 && strcmp(cs->names[i] + len - 7, ".svalue") == 0)
            range = "=[-9223372036854775808, 9223372036854775807]";
        else if (len > 7 && strcmp(cs->names[i] + len - 7, ".uvalue") == 0)
            range = "=[0, 18446744073709551615]";
        if (!range)
            continue;
        char text[DRACO_CONSTRAINT_NAME_MAX + 64];
        snprintf(text, sizeof text, "%s%s", cs->names[i], range);
        if (draco_cset_add_str(cs, text, NULL) != DRACO_OK)
            return -1;
    }
    /* A register's svalue and uvalue are two views of one 64-bit word: when either lies in
     * [0, 2^63-1] they are equal. Two rounds, as a new equality can tighten another pair. */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < cs->n_names; i++) {
            const char *nm = cs->names[i];
            size_t len = strlen(nm);
            unsigned reg;
            int used = 0;
            if (len <= 7 || strcmp(nm + len - 7, ".svalue") != 0 ||
                sscanf(nm, "r%u.svalue%n", &reg, &used) != 1 || (size_t)used != len)
                continue;
            char sv[32], uv[32], text[96];
            snprintf(sv, sizeof sv, "r%u.svalue", reg);
            snprintf(uv, sizeof uv, "r%u.uvalue", reg);
            uint32_t x;
            bool has_u = false;
            for (size_t j = 0; j < cs->n_names && !has_u; j++)
                has_u = strcmp(cs->names[j], uv) == 0;
            if (!has_u)
                continue;
            struct draco_constraint c;
            draco_constraint_init(&c);
            snprintf(text, sizeof text, "%s>=0", sv);
            bool eq = draco_constraint_parse(text, &c, NULL, NULL) == DRACO_OK &&
                      draco_cset_entails(cs, &c);
            snprintf(text, sizeof text, "%s<=9223372036854775807", uv);
            eq = eq || (draco_constraint_parse(text, &c, NULL, NULL) == DRACO_OK &&
                        draco_cset_entails(cs, &c));
            draco_constraint_fini(&c);
            if (!eq)
                continue;
            snprintf(text, sizeof text, "%s=%s", uv, sv);
            if (draco_cset_intern(cs, uv, &x) != DRACO_OK || draco_cset_add_str(cs, text, NULL) != DRACO_OK)
                return -1;
        }
    }
    return add_word_equalities(cs);
}

/* a |= b (every constraint of b entailed by the set of a, both read with the machine facts of
 * every name either mentions). -1: a constraint does not parse. When `missing` is not NULL, every
 * constraint of b that a does not entail is appended to it (arena strings) and checking goes on. */
static int strv_entails_why(struct strv a, struct strv b, struct strv *missing, size_t cap)
{
    struct draco_cset cs;
    draco_cset_init(&cs);
    int r = 1;
    for (size_t i = 0; i < a.n && r == 1; i++)
        r = norm_each(a.v[i], piece_add, &cs);
    for (size_t i = 0; i < b.n && r == 1; i++)
        r = norm_each(b.v[i], piece_intern, &cs);
    if (r == 1)
        r = add_machine_facts(&cs);
    int all = r;
    for (size_t i = 0; i < b.n && all >= 0 && (all == 1 || missing); i++) {
        r = norm_each(b.v[i], piece_entailed, &cs);
        if (r == 0 && missing && missing->n < cap)
            missing->v[missing->n++] = b.v[i];
        if (r < 1)
            all = r;
    }
    draco_cset_fini(&cs);
    return all;
}

static int strv_entails(struct strv a, struct strv b)
{
    return strv_entails_why(a, b, NULL, 0);
}

/* consistent: a AND b is not bottom */
static int strv_consistent(struct strv a, struct strv b)
{
    struct draco_cset cs;
    draco_cset_init(&cs);
    int r = 1;
    for (size_t i = 0; i < a.n + b.n && r == 1; i++)
        r = norm_each(i < a.n ? a.v[i] : b.v[i - a.n], piece_add, &cs);
    if (r == 1 && draco_cset_is_bottom(&cs))
        r = 0;
    draco_cset_fini(&cs);
    return r;
}

/* ------------------------------------------------------------------ running one case */

/* Splits a multi-line constraint text into strings. */
static struct strv split_lines(const char *text, struct draco_arena *a)
{
    struct strv r = { NULL, 0 };
    size_t cnt = 1;
    for (const char *p = text; p && *p; p++)
        cnt += *p == '\n';
    r.v = draco_arena_alloc(a, cnt * sizeof(char *));
    for (const char *p = text; r.v && p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && strncmp(p, "Stack:", 6) != 0)   /* the known-numeric summary line */
            r.v[r.n++] = draco_arena_strndup(a, p, n);
        p += n + (e ? 1 : 0);
    }
    return r;
}

/* PREVAIL's YAML labels count instructions (an LDDW is one), ours count slots (an LDDW is two).
 * slot_to_idx[slot] is the instruction index of a slot (n_slots + 1 entries: the one past the
 * end maps to the instruction count); idx_to_slot is its inverse. */
struct pcmap {
    uint32_t *slot_to_idx, *idx_to_slot;
    size_t n_slots, n_idx;
};

static bool pcmap_build(const struct draco_asm_prog *ap, struct draco_arena *a, struct pcmap *m)
{
    m->n_slots = ap->n;
    m->slot_to_idx = draco_arena_alloc(a, (ap->n + 1) * sizeof *m->slot_to_idx);
    m->idx_to_slot = draco_arena_alloc(a, (ap->n + 1) * sizeof *m->idx_to_slot);
    if (!m->slot_to_idx || !m->idx_to_slot)
        return false;
    uint32_t idx = 0;
    for (size_t pc = 0; pc < ap->n; pc++) {
        m->slot_to_idx[pc] = idx;
        m->idx_to_slot[idx] = (uint32_t)pc;
        if (ap->insns[pc].opcode == 0x18 && pc + 1 < ap->n) {
            m->slot_to_idx[pc + 1] = idx;
            pc++;
        }
        idx++;
    }
    m->slot_to_idx[ap->n] = idx;
    m->idx_to_slot[idx] = (uint32_t)ap->n;
    m->n_idx = idx;
    return true;
}

/* Rewrites every number in s[0..len) through the map (to_idx: slot -> index, else the inverse);
 * numbers out of range stay. */
static void map_numbers(struct draco_sb *out, const char *s, size_t len, const struct pcmap *m,
                        bool to_idx)
{
    for (size_t i = 0; i < len;) {
        if (s[i] >= '0' && s[i] <= '9') {
            unsigned long v = 0;
            size_t j = i;
            while (j < len && s[j] >= '0' && s[j] <= '9' && v < 100000000)
                v = v * 10 + (unsigned long)(s[j++] - '0');
            if (to_idx && v <= m->n_slots)
                v = m->slot_to_idx[v];
            else if (!to_idx && v <= m->n_idx)
                v = m->idx_to_slot[v];
            draco_sb_printf(out, "%lu", v);
            i = j;
        } else {
            draco_sb_putc(out, s[i++]);
        }
    }
}

/* "12:15: message" -> the label part through the map, the rest unchanged. */
static const char *map_msg_label(const char *msg, const struct pcmap *m, struct draco_arena *a)
{
    const char *e = strstr(msg, ": ");
    if (!e || !(msg[0] >= '0' && msg[0] <= '9'))
        return msg;
    struct draco_sb sb;
    draco_sb_init(&sb);
    map_numbers(&sb, msg, (size_t)(e - msg), m, true);
    draco_sb_puts(&sb, e);
    const char *r = draco_arena_strdup(a, draco_sb_str(&sb));
    draco_sb_fini(&sb);
    return r ? r : msg;
}

/* Rewrites the labels inside "pc[...]" names of a constraint string. */
static const char *map_pc_names(const char *c, const struct pcmap *m, bool to_idx,
                                struct draco_arena *a)
{
    if (!strstr(c, "pc["))
        return c;
    struct draco_sb sb;
    draco_sb_init(&sb);
    for (const char *p = c; *p;) {
        const char *q = strstr(p, "pc[");
        const char *e = q ? strchr(q, ']') : NULL;
        if (!q || !e) {
            draco_sb_puts(&sb, p);
            break;
        }
        draco_sb_printf(&sb, "%.*s", (int)(q + 3 - p), p);
        map_numbers(&sb, q + 3, (size_t)(e - q - 3), m, to_idx);
        p = e;
    }
    const char *r = draco_arena_strdup(a, draco_sb_str(&sb));
    draco_sb_fini(&sb);
    return r ? r : c;
}

static void push(struct strv *v, const char *s, size_t cap)
{
    if (v->n < cap)
        v->v[v->n++] = s;
}

/* CFG errors as PREVAIL words them: "illegal recursion (at 0/2)" -> "0/2: illegal recursion";
 * "too many call stack frames (at L)" -> "too many call stack frames". */
static const char *cfg_error_text(const char *msg, struct draco_arena *a)
{
    const char *at = strstr(msg, " (at ");
    if (!at)
        return draco_arena_strdup(a, msg);
    if (strncmp(msg, "too many call stack frames", 26) == 0)
        return "too many call stack frames";
    const char *lb = at + 5;
    const char *end = strchr(lb, ')');
    if (!end)
        return draco_arena_strdup(a, msg);
    return draco_arena_printf(a, "%.*s: %.*s", (int)(end - lb), lb, (int)(at - msg), msg);
}

static void run_case(const struct tcase *tc, const struct draco_platform *plat,
                     struct draco_arena *a, struct outcome *o)
{
    memset(o, 0, sizeof *o);
    size_t cap = 64;
    o->msgs.v = draco_arena_alloc(a, cap * sizeof(char *));
    if (!o->msgs.v) {
        o->why = "out of memory";
        return;
    }
    if (tc->observe_error) {
        push(&o->msgs, tc->observe_error, cap);
        goto compare;
    }
    /* text */
    struct draco_sb text;
    draco_sb_init(&text);
    for (size_t i = 0; i < tc->code_labels.n; i++)
        draco_sb_printf(&text, "%s:\n%s\n", tc->code_labels.v[i], tc->code_blocks.v[i]);
    draco_error err = {0};
    struct draco_asm_prog ap;
    draco_status st = draco_asm_parse(draco_sb_str(&text), 1, a, &err, &ap);
    draco_sb_fini(&text);
    if (st != DRACO_OK) {
        o->why = draco_arena_printf(a, "assembler: %s", err.message);
        return;
    }
    /* map_by_idx: the test platform has one indexed map */
    for (size_t pc = 0; pc < ap.n; pc++) {
        unsigned src = draco_raw_insn_src(&ap.insns[pc]);
        if (ap.insns[pc].opcode == 0x18 && (src == 5 || src == 6) &&
            (ap.insns[pc].imm < 0 || ap.insns[pc].imm >= N_INDEXED_MAPS)) {
            push(&o->msgs, draco_arena_printf(a, "invalid map index %d (have %d maps)",
                                              ap.insns[pc].imm, N_INDEXED_MAPS), cap);
            goto compare;
        }
        if (ap.insns[pc].opcode == 0x18)
            pc++;
    }
    /* append an exit when the last instruction may fall through */
    int32_t synthetic_exit = -1;
    if (ap.n) {
        size_t last = ap.n - 1;
        if (last > 0 && ap.insns[last - 1].opcode == 0x18)
            last--;
        uint8_t op = ap.insns[last].opcode;
        bool ends = (op == 0x95 || op == 0x05 || op == 0x06) && !ap.is_assume[last];
        if (!ends) {
            draco_raw_insn *ni = draco_arena_alloc(a, (ap.n + 1) * sizeof *ni);
            bool *na = draco_arena_alloc(a, (ap.n + 1) * sizeof *na);
            if (!ni || !na) {
                o->why = "out of memory";
                return;
            }
            memcpy(ni, ap.insns, ap.n * sizeof *ni);
            memcpy(na, ap.is_assume, ap.n * sizeof *na);
            ni[ap.n] = (draco_raw_insn){ 0x95, 0, 0, 0 };
            na[ap.n] = false;
            synthetic_exit = (int32_t)ap.n;
            ap.insns = ni;
            ap.is_assume = na;
            ap.n++;
        }
    }
    struct pcmap pm;
    if (!pcmap_build(&ap, a, &pm)) {
        o->why = "out of memory";
        return;
    }
    struct draco_ir_prog ir;
    st = draco_asm_to_ir(&ap, a, &err, &ir);
    if (st != DRACO_OK) {
        push(&o->msgs, draco_arena_strdup(a, err.message), cap);
        goto compare;
    }
    struct draco_cfg_opts copts;
    draco_cfg_opts_init(&copts);
    struct draco_cfg cfg;
    draco_error cerr = {0};
    st = draco_cfg_build(&ir, &copts, a, &cerr, &cfg);
    if (st != DRACO_OK) {
        push(&o->msgs, cfg_error_text(cerr.message, a), cap);
        goto compare;
    }
    /* object and program */
    struct draco_object obj;
    memset(&obj, 0, sizeof obj);
    struct draco_map_desc maps[N_MOCK_MAPS];
    memset(maps, 0, sizeof maps);
    for (int i = 0; i < N_MOCK_MAPS; i++) {
        maps[i].info.name = "map";
        maps[i].info.fd = i;
        maps[i].info.type = 0;
        maps[i].info.key_size = 4;
        maps[i].info.value_size = 4;
        maps[i].info.max_entries = 4;
        maps[i].info.inner_map_fd = -1;
    }
    obj.name = "yaml";
    obj.maps = maps;
    obj.n_maps = N_MOCK_MAPS;
    struct draco_program prog;
    memset(&prog, 0, sizeof prog);
    prog.obj = &obj;
    prog.section = "test";
    prog.function = tc->name;
    prog.type_name = "test";
    prog.insns = ap.insns;
    prog.n_slots = prog.main_slots = ap.n;
    obj.progs = &prog;
    obj.n_progs = 1;

    struct draco_analysis_opts ao;
    draco_analysis_opts_init(&ao);
    ao.platform = plat;
    ao.prog_type = "test";
    ao.setup_entry = false;
    const char **pre = draco_arena_alloc(a, (tc->pre.n + 1) * sizeof *pre);
    if (!pre) {
        o->why = "out of memory";
        return;
    }
    for (size_t i = 0; i < tc->pre.n; i++)
        pre[i] = map_pc_names(tc->pre.v[i], &pm, false, a);
    ao.pre = pre;
    ao.n_pre = tc->pre.n;
    ao.collect_exit_post = true;
    ao.report_unreachable = true;
    ao.collect_invariants = tc->n_obs > 0;
    ao.check_termination = has_option(tc, "termination");
    ao.allow_division_by_zero = !has_option(tc, "!allow_division_by_zero");
    ao.strict = has_option(tc, "strict");
    ao.big_endian = has_option(tc, "big_endian");
    ao.time_limit_seconds = 20;
    struct draco_analysis_result res;
    memset(&res, 0, sizeof res);
    st = draco_check_run(&prog, &ir, &cfg, &ao, a, &err, &res);
    if (st != DRACO_OK) {
        o->why = draco_arena_printf(a, "analysis: %s: %s", draco_status_str(st), err.message);
        return;
    }
    for (size_t i = 0; i < res.n_diags; i++) {
        const struct draco_analysis_diag *dg = &res.diags[i];
        if (synthetic_exit >= 0 && dg->pc == synthetic_exit)
            continue;    /* the r0 check of the exit we appended */
        push(&o->msgs, map_msg_label(dg->assertion ? draco_arena_printf(a, "%s: %s (%s)", dg->label,
                                                                        dg->message, dg->assertion)
                                                   : draco_arena_printf(a, "%s: %s", dg->label,
                                                                        dg->message), &pm, a), cap);
    }
    for (size_t i = 0; i < res.n_notes; i++) {
        const struct draco_analysis_diag *dg = &res.notes[i];
        push(&o->msgs, map_msg_label(dg->assertion ? draco_arena_printf(a, "%s: %s (%s)", dg->label,
                                                                        dg->message, dg->assertion)
                                                   : draco_arena_printf(a, "%s: %s", dg->label,
                                                                        dg->message), &pm, a), cap);
    }
    if (!res.exit_post) {
        o->no_interface = true;
        o->why = "the analysis did not fill exit_post";
        return;
    }
    o->post.v = draco_arena_alloc(a, (res.n_exit_post + 1) * sizeof(char *));
    for (size_t i = 0; o->post.v && i < res.n_exit_post; i++)
        o->post.v[o->post.n++] = map_pc_names(res.exit_post[i], &pm, true, a);
    /* observations */
    for (size_t i = 0; i < tc->n_obs; i++) {
        const struct obs *ob = &tc->obs[i];
        struct strv state = { NULL, 0 };
        bool found = true;
        if (strcmp(ob->at, "exit") == 0) {
            state = o->post;
        } else if (strcmp(ob->at, "entry") == 0) {
            state = tc->pre;
        } else {
            found = false;
            for (size_t k = 0; k < res.n_invariants; k++)
                if (strcmp(map_msg_label(draco_arena_printf(a, "%s: ", res.invariants[k].label), &pm,
                                         a), draco_arena_printf(a, "%s: ", ob->at)) == 0 &&
                    strcmp(ob->point, "pre") == 0) {
                    state = split_lines(res.invariants[k].pre, a);
                    found = true;
                }
        }
        int ok = 0;
        if (found && strcmp(ob->mode, "entailed") == 0)
            ok = strv_entails(ob->cons, state);
        else if (found)
            ok = strv_consistent(state, ob->cons);
        if (ok != 1)
            push(&o->msgs, draco_arena_printf(a, "%s: observation %s failed at %s", ob->at, ob->mode,
                                              ob->point), cap);
    }
compare:
    if (tc->expected_exception) {
        const char *ee = tc->expected_exception;
        struct strv want = { &ee, 1 };
        o->msgs_equal = o->labels_equal = set_equal(o->msgs, want, a);
        o->post_equiv = o->post_text_equal = o->labels_equal;
        return;
    }
    o->msgs_equal = set_equal(o->msgs, tc->messages, a);
    o->labels_equal = set_equal(labels_of(o->msgs, a), labels_of(tc->messages, a), a);
    o->post_text_equal = set_equal(o->post, tc->post, a);
    int ab = strv_entails(o->post, tc->post);
    int ba = strv_entails(tc->post, o->post);
    o->post_equiv = ab == 1 && ba == 1;
    o->post_rel = o->post_equiv ? "" : ab == 1 ? "tighter" : ba == 1 ? "looser" : "incomparable";
    if (ab < 0 || ba < 0)
        o->why = "a post constraint does not parse";
}

/* ------------------------------------------------------------------ driver */

struct tally {
    unsigned cases, labels, msgs, post, post_text, passed, no_interface;
};

struct run_opts {
    bool verbose, list;
    const char *filter;
    const struct draco_platform *platform;
};

static void print_strv(const char *title, struct strv v)
{
    printf("      %s:", title);
    if (!v.n)
        printf(" (none)");
    for (size_t i = 0; i < v.n; i++)
        printf("%s %s", i ? "," : "", v.v[i]);
    printf("\n");
}

static int run_file(const char *path, const struct run_opts *ro, struct tally *t)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return -1;
    }
    yaml_parser_set_input_file(&parser, f);
    int rc = 0;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            fprintf(stderr, "%s: YAML error: %s at line %zu\n", base,
                    parser.problem ? parser.problem : "?", (size_t)parser.problem_mark.line + 1);
            rc = -1;
            break;
        }
        if (!yaml_document_get_root_node(&doc)) {
            yaml_document_delete(&doc);
            break;
        }
        struct draco_arena a;
        draco_arena_init(&a);
        struct tcase tc;
        const char *why = NULL;
        if (!read_case(&doc, &a, &tc, &why)) {
            fprintf(stderr, "%s: bad test case document: %s\n", base, why);
            draco_arena_fini(&a);
            yaml_document_delete(&doc);
            rc = -1;
            continue;
        }
        if (ro->filter && !strstr(tc.name, ro->filter)) {
            draco_arena_fini(&a);
            yaml_document_delete(&doc);
            continue;
        }
        struct outcome o;
        run_case(&tc, ro->platform, &a, &o);
        bool pass = !o.why && o.labels_equal && o.post_equiv;
        if (o.why)
            o.labels_equal = o.msgs_equal = o.post_equiv = o.post_text_equal = false;
        t->cases++;
        t->labels += o.labels_equal;
        t->msgs += o.msgs_equal;
        t->post += o.post_equiv;
        t->post_text += o.post_text_equal;
        t->passed += pass;
        t->no_interface += o.no_interface;
        if (!pass && ro->list)
            printf("FAIL %s:%d: %s [%s%s%s%s]\n", base, tc.line, tc.name,
                   o.why ? o.why : "", !o.why && !o.labels_equal ? "labels " : "",
                   !o.why && !o.post_equiv ? "post " : "",
                   !o.why && !o.post_equiv && o.post_rel ? o.post_rel : "");
        if (ro->verbose && (!pass || !o.msgs_equal || !o.post_text_equal)) {
            printf("  %s %s:%d: %s\n", pass ? "note" : "FAIL", base, tc.line, tc.name);
            if (o.why)
                printf("      error: %s\n", o.why);
            if (!o.msgs_equal) {
                print_strv("expected messages", tc.messages);
                print_strv("actual messages  ", o.msgs);
            }
            if (!o.post_text_equal) {
                if (!o.post_equiv && o.post_rel) {
                    printf("      post: ours is %s\n", o.post_rel);
                    struct strv miss = { draco_arena_alloc(&a, 256 * sizeof(char *)), 0 };
                    struct strv extra = { draco_arena_alloc(&a, 256 * sizeof(char *)), 0 };
                    if (miss.v && extra.v) {
                        strv_entails_why(o.post, tc.post, &miss, 256);
                        strv_entails_why(tc.post, o.post, &extra, 256);
                        if (miss.n)
                            print_strv("not entailed by ours", miss);
                        if (extra.n)
                            print_strv("ours, not entailed by expected", extra);
                    }
                }
                print_strv("expected post", tc.post);
                print_strv("actual post  ", o.post);
            }
        }
        draco_arena_fini(&a);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

static double pct(unsigned a, unsigned b)
{
    return b ? 100.0 * a / b : 100.0;
}

int main(int argc, char **argv)
{
    struct tp_data *tpd = malloc(sizeof *tpd);
    if (!tpd)
        return 2;
    tp_data_init(tpd);
    struct draco_platform plat;
    tp_platform_init(&plat, tpd);
    struct run_opts ro = { false, false, NULL, &plat };
    double min_labels = 95.0, min_post = 90.0;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "-v") == 0)
            ro.verbose = true;
        else if (strcmp(argv[first], "-l") == 0)
            ro.list = true;
        else if (strcmp(argv[first], "-k") == 0 && first + 1 < argc)
            ro.filter = argv[++first];
        else if (strcmp(argv[first], "--min-labels") == 0 && first + 1 < argc)
            min_labels = atof(argv[++first]);
        else if (strcmp(argv[first], "--min-post") == 0 && first + 1 < argc)
            min_post = atof(argv[++first]);
        else {
            fprintf(stderr, "usage: %s [-v] [-l] [-k SUBSTRING] [--min-labels PCT] [--min-post PCT] "
                            "FILE.yaml...\n", argv[0]);
            free(tpd);
            return 2;
        }
    }
    if (first >= argc) {
        fprintf(stderr, "%s: no YAML files\n", argv[0]);
        free(tpd);
        return 2;
    }
    struct tally total = { 0, 0, 0, 0, 0, 0, 0 };
    int io_error = 0;
    printf("%-16s %6s %8s %8s %8s %8s %8s\n", "file", "cases", "labels=", "msgs==", "post~",
           "post==", "passed");
    for (int i = first; i < argc; i++) {
        struct tally t = { 0, 0, 0, 0, 0, 0, 0 };
        if (run_file(argv[i], &ro, &t) < 0)
            io_error = 1;
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        printf("%-16s %6u %8u %8u %8u %8u %8u\n", base, t.cases, t.labels, t.msgs, t.post,
               t.post_text, t.passed);
        fflush(stdout);
        total.cases += t.cases;
        total.labels += t.labels;
        total.msgs += t.msgs;
        total.post += t.post;
        total.post_text += t.post_text;
        total.passed += t.passed;
        total.no_interface += t.no_interface;
    }
    printf("%-16s %6u %8u %8u %8u %8u %8u\n", "total", total.cases, total.labels, total.msgs,
           total.post, total.post_text, total.passed);
    printf("labels equal %.1f%% (need %.0f%%), post equivalent %.1f%% (need %.0f%%), "
           "messages equal %.1f%%, post textually equal %.1f%%\n",
           pct(total.labels, total.cases), min_labels, pct(total.post, total.cases), min_post,
           pct(total.msgs, total.cases), pct(total.post_text, total.cases));
    printf("%u passed, %u failed\n", total.passed, total.cases - total.passed);
    free(tpd);
    if (io_error)
        return 2;
    if (total.no_interface) {
        printf("SKIP: in %u cases the analysis did not fill exit_post: draco_check_run() does not "
               "implement opts.pre / collect_exit_post yet (lib/analysis/analysis.h)\n",
               total.no_interface);
        return 77;
    }
    return pct(total.labels, total.cases) >= min_labels && pct(total.post, total.cases) >= min_post
               ? 0 : 1;
}
