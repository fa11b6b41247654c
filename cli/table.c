/* SPDX-License-Identifier: MIT */
/* table: result sets of draco-check's batch mode — the veristat-like table, CSV, TSV and JSON
 * writers, and the reader of those files (for `--compare`).
 *
 * Every machine format has the same columns, named in `columns[]`; a reader finds them by name,
 * so files from other versions with more or fewer columns still compare. Values that were not
 * measured (negative in a record) are written empty (CSV/TSV) or null (JSON) and read back as -1.
 * JSON is written one program object per line so that the reader needs no general JSON parser.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static const char *const verdict_names[DRACO_CLI_NVERDICTS] = {
    [DRACO_CLI_PASS] = "pass",       [DRACO_CLI_FAIL] = "fail",         [DRACO_CLI_ERROR] = "error",
    [DRACO_CLI_LIMIT] = "limit",     [DRACO_CLI_TIMEOUT] = "timeout",   [DRACO_CLI_CRASH] = "crash",
    [DRACO_CLI_INTERNAL] = "internal",
};

const char *draco_cli_verdict_name(enum draco_cli_verdict v)
{
    return (unsigned)v < DRACO_CLI_NVERDICTS ? verdict_names[v] : "?";
}

bool draco_cli_verdict_parse(const char *s, enum draco_cli_verdict *out)
{
    for (int i = 0; i < DRACO_CLI_NVERDICTS; i++)
        if (strcmp(s, verdict_names[i]) == 0) {
            *out = (enum draco_cli_verdict)i;
            return true;
        }
    return false;
}

char *draco_cli_strdup(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

bool draco_cli_format_parse(const char *s, enum draco_cli_format *out)
{
    static const struct { const char *name; enum draco_cli_format f; } t[] = {
        {"table", DRACO_CLI_FMT_TABLE}, {"csv", DRACO_CLI_FMT_CSV}, {"tsv", DRACO_CLI_FMT_TSV},
        {"json", DRACO_CLI_FMT_JSON},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(s, t[i].name) == 0) {
            *out = t[i].f;
            return true;
        }
    return false;
}

bool draco_cli_format_of_path(const char *path, enum draco_cli_format *out)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return false;
    if (strcmp(dot, ".txt") == 0) {
        *out = DRACO_CLI_FMT_TABLE;
        return true;
    }
    return draco_cli_format_parse(dot + 1, out) && *out != DRACO_CLI_FMT_TABLE;
}

struct draco_cli_result *draco_cli_results_push(struct draco_cli_results *r)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        struct draco_cli_result *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return NULL;
        r->v = v;
        r->cap = cap;
    }
    struct draco_cli_result *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    x->insns = x->iterations = x->diags = x->peak_rss_kib = x->minflt = -1;
    x->wall_s = x->cpu_s = x->sys_s = x->load_s = x->verify_s = x->load_cpu_s = x->verify_cpu_s = x->decode_s = x->cfg_s = x->analysis_s = x->check_s = -1;
    return x;
}

void draco_cli_results_free(struct draco_cli_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].file);
        free(r->v[i].section);
        free(r->v[i].function);
        free(r->v[i].type);
        free(r->v[i].message);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

static int cmp_result(const void *a, const void *b)
{
    const struct draco_cli_result *x = a, *y = b;
    if (x->file_idx != y->file_idx)
        return x->file_idx < y->file_idx ? -1 : 1;
    return x->prog_idx < y->prog_idx ? -1 : x->prog_idx > y->prog_idx;
}

void draco_cli_results_sort(struct draco_cli_results *r)
{
    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp_result);
}

static double key_value(const struct draco_cli_result *x, int key)
{
    switch (key) {
    case 1: return x->wall_s;
    case 2: return x->cpu_s;
    case 3: return (double)x->insns;
    case 4: return (double)x->iterations;
    default: return (double)x->peak_rss_kib;
    }
}

/* glibc's qsort_r (the comparison gets the key), so that no file-scope state is needed */
static int cmp_by_key(const void *a, const void *b, void *key)
{
    double x = key_value(a, *(const int *)key), y = key_value(b, *(const int *)key);
    if (x != y)
        return x > y ? -1 : 1;  /* largest first */
    return cmp_result(a, b);
}

bool draco_cli_results_sort_by(struct draco_cli_results *r, const char *key)
{
    static const char *const keys[] = {"name", "time", "cpu", "insns", "states", "memory"};
    for (int k = 0; k < (int)(sizeof keys / sizeof keys[0]); k++) {
        if (strcmp(key, keys[k]) != 0)
            continue;
        if (k == 0) {
            draco_cli_results_sort(r);
        } else if (r->n > 1) {
            qsort_r(r->v, r->n, sizeof *r->v, cmp_by_key, &k);
        }
        return true;
    }
    return false;
}

int draco_cli_results_exit_code(const struct draco_cli_results *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->n; i++) {
        int e;
        switch (r->v[i].verdict) {
        case DRACO_CLI_PASS: e = 0; break;
        case DRACO_CLI_FAIL: e = 1; break;
        case DRACO_CLI_ERROR:
        case DRACO_CLI_LIMIT:
        case DRACO_CLI_TIMEOUT: e = 2; break;
        case DRACO_CLI_CRASH:
        case DRACO_CLI_INTERNAL:
        case DRACO_CLI_NVERDICTS:
        default: e = 70; break;
        }
        if (e > rc)
            rc = e;
    }
    return rc;
}

/* ---- writers ---- */

enum col_kind { COL_STR, COL_VERDICT, COL_INT, COL_SEC, COL_KIB };
struct column {
    const char *name;
    enum col_kind kind;
    size_t off;
};
#define COL(n, k, f) {n, k, offsetof(struct draco_cli_result, f)}
static const struct column columns[] = {
    COL("file", COL_STR, file),           COL("section", COL_STR, section),
    COL("function", COL_STR, function),   COL("type", COL_STR, type),
    COL("verdict", COL_VERDICT, verdict), COL("insns", COL_INT, insns),
    COL("wall_s", COL_SEC, wall_s),       COL("cpu_s", COL_SEC, cpu_s),
    COL("peak_rss_kib", COL_KIB, peak_rss_kib), COL("states", COL_INT, iterations),
    COL("diags", COL_INT, diags),         COL("sys_s", COL_SEC, sys_s),
    COL("minflt", COL_INT, minflt),       COL("load_s", COL_SEC, load_s),
    COL("verify_s", COL_SEC, verify_s),   COL("load_cpu_s", COL_SEC, load_cpu_s),
    COL("verify_cpu_s", COL_SEC, verify_cpu_s),
    COL("decode_s", COL_SEC, decode_s),   COL("cfg_s", COL_SEC, cfg_s),
    COL("analysis_s", COL_SEC, analysis_s), COL("check_s", COL_SEC, check_s),
    COL("message", COL_STR, message),
};
#define NCOLS (sizeof columns / sizeof columns[0])

static const char *col_str(const struct draco_cli_result *r, const struct column *c)
{
    const char *s = *(char *const *)((const char *)r + c->off);
    return s ? s : "";
}
static int64_t col_int(const struct draco_cli_result *r, const struct column *c)
{
    return *(const int64_t *)((const char *)r + c->off);
}
static double col_sec(const struct draco_cli_result *r, const struct column *c)
{
    return *(const double *)((const char *)r + c->off);
}

static void csv_str(FILE *f, const char *s, char sep)
{
    if (sep == '\t') {
        for (; *s; s++)
            fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
        return;
    }
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* One value; `json` selects null/quoting, else empty for unmeasured and CSV/TSV quoting. */
static void write_value(FILE *f, const struct draco_cli_result *r, const struct column *c, char sep, bool json)
{
    switch (c->kind) {
    case COL_STR:
        if (json)
            json_str(f, col_str(r, c));
        else
            csv_str(f, col_str(r, c), sep);
        break;
    case COL_VERDICT:
        fprintf(f, json ? "\"%s\"" : "%s", draco_cli_verdict_name(r->verdict));
        break;
    case COL_INT:
    case COL_KIB:
        if (col_int(r, c) >= 0)
            fprintf(f, "%lld", (long long)col_int(r, c));
        else if (json)
            fputs("null", f);
        break;
    case COL_SEC:
        if (col_sec(r, c) >= 0)
            fprintf(f, "%.6f", col_sec(r, c));
        else if (json)
            fputs("null", f);
        break;
    }
}

static void write_sv(const struct draco_cli_results *r, FILE *f, char sep)
{
    for (size_t k = 0; k < NCOLS; k++)
        fprintf(f, "%s%s", k ? (sep == '\t' ? "\t" : ",") : "", columns[k].name);
    fputc('\n', f);
    for (size_t i = 0; i < r->n; i++) {
        for (size_t k = 0; k < NCOLS; k++) {
            if (k)
                fputc(sep, f);
            write_value(f, &r->v[i], &columns[k], sep, false);
        }
        fputc('\n', f);
    }
}

/* Summary numbers of a result set. */
struct summary {
    size_t n, tally[DRACO_CLI_NVERDICTS];
    double wall, cpu, median, p90, max_wall;
    int64_t max_rss, insns;
    size_t max_rss_i, max_wall_i;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void summarize(const struct draco_cli_results *r, struct summary *s)
{
    memset(s, 0, sizeof *s);
    double *w = malloc((r->n ? r->n : 1) * sizeof *w);
    size_t nw = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct draco_cli_result *x = &r->v[i];
        s->n++;
        s->tally[x->verdict < DRACO_CLI_NVERDICTS ? x->verdict : DRACO_CLI_INTERNAL]++;
        if (x->wall_s >= 0) {
            s->wall += x->wall_s;
            if (w)
                w[nw++] = x->wall_s;
            if (x->wall_s > s->max_wall) {
                s->max_wall = x->wall_s;
                s->max_wall_i = i;
            }
        }
        if (x->cpu_s >= 0)
            s->cpu += x->cpu_s;
        if (x->peak_rss_kib > s->max_rss) {
            s->max_rss = x->peak_rss_kib;
            s->max_rss_i = i;
        }
        if (x->insns > 0)
            s->insns += x->insns;
    }
    if (w && nw) {
        qsort(w, nw, sizeof *w, cmp_double);
        s->median = w[nw / 2];
        s->p90 = w[(nw * 9) / 10 < nw ? (nw * 9) / 10 : nw - 1];
    }
    free(w);
}

static void write_json(const struct draco_cli_results *r, FILE *f)
{
    fputs("{\"programs\":[\n", f);
    for (size_t i = 0; i < r->n; i++) {
        fputc('{', f);
        for (size_t k = 0; k < NCOLS; k++) {
            fprintf(f, "%s\"%s\":", k ? "," : "", columns[k].name);
            write_value(f, &r->v[i], &columns[k], ',', true);
        }
        fputs(i + 1 < r->n ? "},\n" : "}\n", f);
    }
    struct summary s;
    summarize(r, &s);
    fprintf(f, "],\n\"summary\":{\"programs\":%zu", s.n);
    for (int v = 0; v < DRACO_CLI_NVERDICTS; v++)
        fprintf(f, ",\"%s\":%zu", verdict_names[v], s.tally[v]);
    fprintf(f, ",\"wall_s\":%.6f,\"cpu_s\":%.6f,\"median_wall_s\":%.6f,\"p90_wall_s\":%.6f,"
               "\"max_wall_s\":%.6f,\"max_peak_rss_kib\":%lld,\"insns\":%lld}}\n",
            s.wall, s.cpu, s.median, s.p90, s.max_wall, (long long)s.max_rss, (long long)s.insns);
}

/* Shortens s to at most w columns (ASCII), keeping its end, which tells programs apart. */
static const char *fit(const char *s, size_t w, char *buf, size_t bufsz)
{
    size_t n = strlen(s);
    if (n <= w || w < 4 || w >= bufsz)
        return s;
    snprintf(buf, bufsz, "...%s", s + n - (w - 3));
    return buf;
}

static void write_table(const struct draco_cli_results *r, FILE *f)
{
    const size_t max_file = 32, max_prog = 44;
    size_t wf = strlen("File"), wp = strlen("Program");
    for (size_t i = 0; i < r->n; i++) {
        size_t a = strlen(r->v[i].file), b = strlen(r->v[i].section) + 1 + strlen(r->v[i].function);
        wf = a > wf ? a : wf;
        wp = b > wp ? b : wp;
    }
    wf = wf > max_file ? max_file : wf;
    wp = wp > max_prog ? max_prog : wp;
    char rule[256];
    size_t wtot = wf + wp + 8 + 11 + 8 + 10 + 14 + 6;
    memset(rule, '-', wtot < sizeof rule ? wtot : sizeof rule - 1);
    rule[wtot < sizeof rule ? wtot : sizeof rule - 1] = '\0';
    fprintf(f, "%-*s  %-*s  %-8s %10s %8s %10s %14s\n%s\n", (int)wf, "File", (int)wp, "Program",
            "Verdict", "Time (ms)", "Insns", "States", "Peak mem (MiB)", rule);
    for (size_t i = 0; i < r->n; i++) {
        const struct draco_cli_result *x = &r->v[i];
        char b1[128], b2[128], prog[256];
        if (x->section[0] || x->function[0])
            snprintf(prog, sizeof prog, "%s/%s", x->section, x->function);
        else
            snprintf(prog, sizeof prog, "-");
        fprintf(f, "%-*s  %-*s  %-8s ", (int)wf, fit(x->file, wf, b1, sizeof b1), (int)wp,
                fit(prog, wp, b2, sizeof b2), draco_cli_verdict_name(x->verdict));
        if (x->wall_s >= 0)
            fprintf(f, "%10.1f ", x->wall_s * 1e3);
        else
            fprintf(f, "%10s ", "-");
        if (x->insns >= 0)
            fprintf(f, "%8lld ", (long long)x->insns);
        else
            fprintf(f, "%8s ", "-");
        if (x->iterations >= 0)
            fprintf(f, "%10lld ", (long long)x->iterations);
        else
            fprintf(f, "%10s ", "-");
        if (x->peak_rss_kib >= 0)
            fprintf(f, "%14.1f\n", (double)x->peak_rss_kib / 1024.0);
        else
            fprintf(f, "%14s\n", "-");
    }
    struct summary s;
    summarize(r, &s);
    fprintf(f, "%s\n%zu programs:", rule, s.n);
    const char *sep = " ";
    for (int v = 0; v < DRACO_CLI_NVERDICTS; v++)
        if (s.tally[v] || v <= DRACO_CLI_FAIL) {
            fprintf(f, "%s%zu %s", sep, s.tally[v], verdict_names[v]);
            sep = ", ";
        }
    fprintf(f, "\ntime: total %.3f s (CPU %.3f s), median %.1f ms, p90 %.1f ms, max %.1f ms", s.wall,
            s.cpu, s.median * 1e3, s.p90 * 1e3, s.max_wall * 1e3);
    if (s.n && s.max_wall > 0)
        fprintf(f, " (%s %s/%s)", r->v[s.max_wall_i].file, r->v[s.max_wall_i].section,
                r->v[s.max_wall_i].function);
    fprintf(f, "\npeak memory: max %.1f MiB", (double)s.max_rss / 1024.0);
    if (s.n && s.max_rss > 0)
        fprintf(f, " (%s %s/%s)", r->v[s.max_rss_i].file, r->v[s.max_rss_i].section,
                r->v[s.max_rss_i].function);
    fputc('\n', f);
    /* the reasons, one line per program that did not pass */
    bool header = false;
    for (size_t i = 0; i < r->n; i++) {
        const struct draco_cli_result *x = &r->v[i];
        if (x->verdict == DRACO_CLI_PASS)
            continue;
        if (!header)
            fputs("\nnot passed:\n", f);
        header = true;
        if (x->section[0] || x->function[0])
            fprintf(f, "  %s %s/%s: %s: %s\n", x->file, x->section, x->function,
                    draco_cli_verdict_name(x->verdict), x->message);
        else
            fprintf(f, "  %s: %s: %s\n", x->file, draco_cli_verdict_name(x->verdict), x->message);
    }
}

void draco_cli_results_write(const struct draco_cli_results *r, enum draco_cli_format fmt, FILE *f)
{
    switch (fmt) {
    case DRACO_CLI_FMT_CSV: write_sv(r, f, ','); break;
    case DRACO_CLI_FMT_TSV: write_sv(r, f, '\t'); break;
    case DRACO_CLI_FMT_JSON: write_json(r, f); break;
    case DRACO_CLI_FMT_TABLE:
    default: write_table(r, f); break;
    }
}

/* ---- reader ---- */

struct line_reader {
    FILE *f;
    char *buf;
    size_t cap;
};

/* Reads one line (without its newline); NULL at EOF. */
static char *read_line(struct line_reader *lr)
{
    ssize_t n = getline(&lr->buf, &lr->cap, lr->f);
    if (n < 0)
        return NULL;
    while (n > 0 && (lr->buf[n - 1] == '\n' || lr->buf[n - 1] == '\r'))
        lr->buf[--n] = '\0';
    return lr->buf;
}

/* Splits one CSV record (RFC 4180, quoted fields may span lines) or TSV line into fields.
 * Returns the number of fields (<= max), or -1 when out of memory. */
static int split_record(struct line_reader *lr, char *line, char sep, char **fields, int max, char **store)
{
    size_t cap = strlen(line) + 64, len = 0;
    char *out = malloc(cap);
    if (!out)
        return -1;
    int n = 0;
    size_t start = 0;
    const char *s = line;
    bool quoted = false;
    size_t *starts = calloc((size_t)max, sizeof *starts);
    if (!starts) {
        free(out);
        return -1;
    }
    for (;;) {
        if (len + 2 >= cap) {
            char *o = realloc(out, cap *= 2);
            if (!o)
                goto oom;
            out = o;
        }
        char c = *s;
        if (quoted) {
            if (c == '\0') {  /* a quoted field goes on on the next line */
                s = read_line(lr);
                if (!s) {
                    quoted = false;
                    continue;
                }
                out[len++] = '\n';
                continue;
            }
            if (c == '"' && s[1] == '"') {
                out[len++] = '"';
                s += 2;
            } else if (c == '"') {
                quoted = false;
                s++;
            } else {
                out[len++] = c;
                s++;
            }
            continue;
        }
        if (sep == ',' && c == '"' && len == start) {
            quoted = true;
            s++;
            continue;
        }
        if (c == sep || c == '\0') {
            out[len++] = '\0';
            if (n < max)
                starts[n++] = start;
            start = len;
            if (c == '\0')
                break;
            s++;
            continue;
        }
        out[len++] = c;
        s++;
    }
    for (int i = 0; i < n; i++)
        fields[i] = out + starts[i];
    free(starts);
    *store = out;
    return n;
oom:
    free(starts);
    free(out);
    return -1;
}

/* Parses the flat JSON object of one program line into (key, value) pairs, in place. Values are
 * strings (unescaped), numbers or null (-> NULL). Returns the number of pairs, -1 if malformed. */
static int parse_json_object(char *s, char **keys, char **vals, int max)
{
    int n = 0;
    while (isspace((unsigned char)*s))
        s++;
    if (*s++ != '{')
        return -1;
    for (;;) {
        while (isspace((unsigned char)*s) || *s == ',')
            s++;
        if (*s == '}')
            return n;
        if (*s != '"' || n >= max)
            return -1;
        char *parts[2];
        for (int part = 0; part < 2; part++) {
            if (part == 1) {
                while (isspace((unsigned char)*s))
                    s++;
                if (*s++ != ':')
                    return -1;
                while (isspace((unsigned char)*s))
                    s++;
            }
            if (*s == '"') {
                char *w = ++s;
                parts[part] = w;
                while (*s && *s != '"') {
                    if (*s == '\\' && s[1]) {
                        s++;
                        char c = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s;
                        if (*s == 'u' && isxdigit((unsigned char)s[1])) {
                            char hex[5] = {0};
                            memcpy(hex, s + 1, 4);
                            c = (char)strtol(hex, NULL, 16);
                            s += 4;
                        }
                        *w++ = c;
                        s++;
                    } else {
                        *w++ = *s++;
                    }
                }
                if (*s != '"')
                    return -1;
                s++;
                *w = '\0';
            } else if (part == 1) {
                char *v = s;
                while (*s && *s != ',' && *s != '}' && !isspace((unsigned char)*s))
                    s++;
                char end = *s;
                *s = '\0';
                parts[1] = strcmp(v, "null") == 0 ? NULL : v;
                if (end == '}') {
                    keys[n] = parts[0];
                    vals[n++] = parts[1];
                    return n;
                }
                if (end)
                    s++;
            } else {
                return -1;
            }
        }
        keys[n] = parts[0];
        vals[n++] = parts[1];
    }
}

/* Stores one named value into a record; unknown names are ignored. */
static int set_field(struct draco_cli_result *r, const char *name, const char *val)
{
    for (size_t k = 0; k < NCOLS; k++) {
        const struct column *c = &columns[k];
        if (strcmp(name, c->name) != 0)
            continue;
        char *base = (char *)r + c->off;
        switch (c->kind) {
        case COL_STR: {
            char **p = (char **)base;
            free(*p);
            *p = draco_cli_strdup(val);
            return *p ? 0 : -1;
        }
        case COL_VERDICT:
            if (!val || !draco_cli_verdict_parse(val, &r->verdict))
                r->verdict = DRACO_CLI_ERROR;
            return 0;
        case COL_INT:
        case COL_KIB:
            *(int64_t *)base = val && *val ? strtoll(val, NULL, 10) : -1;
            return 0;
        case COL_SEC:
            *(double *)base = val && *val ? strtod(val, NULL) : -1;
            return 0;
        }
    }
    return 0;
}

/* Every string of a record non-NULL, as after a run. */
static int complete(struct draco_cli_result *r)
{
    char **s[] = {&r->file, &r->section, &r->function, &r->type, &r->message};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (!*s[i] && !(*s[i] = draco_cli_strdup("")))
            return -1;
    return 0;
}

int draco_cli_results_read(const char *path, struct draco_cli_results *out, char *err, size_t errlen)
{
    struct line_reader lr = {0};
    lr.f = fopen(path, "r");
    char *store = NULL;
    int rc = -1;
    if (!lr.f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    char *line = read_line(&lr);
    if (!line) {
        snprintf(err, errlen, "%s: empty file", path);
        goto done;
    }
    if (line[strspn(line, " ")] == '{') {  /* JSON: one program object per line */
        for (unsigned idx = 0; (line = read_line(&lr)); ) {
            char *p = line + strspn(line, " ");
            if (strncmp(p, "{\"file\"", 7) != 0)
                continue;
            char *keys[64], *vals[64];
            int n = parse_json_object(p, keys, vals, 64);
            if (n < 0) {
                snprintf(err, errlen, "%s: malformed program line %u", path, idx + 1);
                goto done;
            }
            struct draco_cli_result *r = draco_cli_results_push(out);
            if (!r)
                goto oom;
            r->file_idx = idx++;
            for (int i = 0; i < n; i++)
                if (set_field(r, keys[i], vals[i]))
                    goto oom;
            if (complete(r))
                goto oom;
        }
        rc = 0;
        goto done;
    }
    char sep = strchr(line, '\t') ? '\t' : ',';
    char *names[64];
    int nnames = split_record(&lr, line, sep, names, 64, &store);
    if (nnames < 0)
        goto oom;
    char *hdr[64];
    for (int i = 0; i < nnames; i++) {
        hdr[i] = draco_cli_strdup(names[i]);
        if (!hdr[i]) {
            for (int k = 0; k < i; k++)
                free(hdr[k]);
            goto oom;
        }
    }
    free(store);
    store = NULL;
    bool has_verdict = false;
    for (int i = 0; i < nnames; i++)
        has_verdict |= strcmp(hdr[i], "verdict") == 0;
    if (!has_verdict) {
        snprintf(err, errlen, "%s: no 'verdict' column: not a draco-check result file", path);
    } else {
        rc = 0;
        for (unsigned idx = 0; rc == 0 && (line = read_line(&lr)); idx++) {
            if (!*line)
                continue;
            char *vals[64];
            int n = split_record(&lr, line, sep, vals, 64, &store);
            struct draco_cli_result *r = n < 0 ? NULL : draco_cli_results_push(out);
            if (!r) {
                rc = -1;
                break;
            }
            r->file_idx = idx;
            for (int i = 0; i < n && i < nnames; i++)
                if (set_field(r, hdr[i], vals[i]))
                    rc = -1;
            if (complete(r))
                rc = -1;
            free(store);
            store = NULL;
        }
        if (rc)
            snprintf(err, errlen, "%s: out of memory", path);
    }
    for (int i = 0; i < nnames; i++)
        free(hdr[i]);
    goto done;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
    rc = -1;
done:
    free(store);
    free(lr.buf);
    fclose(lr.f);
    return rc;
}
