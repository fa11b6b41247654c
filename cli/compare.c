/* SPDX-License-Identifier: MIT */
/* compare: `draco-check --compare A B` — what changed between two batch result files.
 *
 * Programs are matched on (file, section, function), with a leading "./" of the file ignored, so
 * the two runs must name files the same way (run them from the same directory). Verdict changes
 * and programs present on one side only are listed in full; cost (wall time, CPU, states, peak
 * memory) is totalled over the programs present on both sides, so that the totals compare, and
 * the programs whose time moved most are listed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

struct pair {
    const struct draco_cli_result *a, *b;  /* either may be NULL (only on one side) */
};

static const char *norm_file(const char *f)
{
    while (f[0] == '.' && f[1] == '/')
        f += 2;
    return f;
}

static int cmp_key(const struct draco_cli_result *x, const struct draco_cli_result *y)
{
    int c = strcmp(norm_file(x->file), norm_file(y->file));
    if (!c)
        c = strcmp(x->section, y->section);
    if (!c)
        c = strcmp(x->function, y->function);
    return c;
}

static int cmp_ptr(const void *p, const void *q)
{
    const struct draco_cli_result *const *x = p, *const *y = q;
    int c = cmp_key(*x, *y);
    /* duplicates (same name twice in a file) keep their file order */
    return c ? c : (*x < *y ? -1 : *x > *y);
}

static const struct draco_cli_result **sorted(const struct draco_cli_results *r)
{
    const struct draco_cli_result **v = malloc((r->n ? r->n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < r->n; i++)
        v[i] = &r->v[i];
    qsort(v, r->n, sizeof *v, cmp_ptr);
    return v;
}

/* Merges two sorted lists into pairs (a merge join). Returns the number of pairs. */
static size_t join(const struct draco_cli_result **a, size_t na, const struct draco_cli_result **b,
                   size_t nb, struct pair *out)
{
    size_t i = 0, k = 0, n = 0;
    while (i < na || k < nb) {
        int c = i == na ? 1 : k == nb ? -1 : cmp_key(a[i], b[k]);
        out[n].a = c <= 0 ? a[i++] : NULL;
        out[n].b = c >= 0 ? b[k++] : NULL;
        n++;
    }
    return n;
}

static double pct(double a, double b)
{
    return a > 0 ? (b - a) / a * 100.0 : 0.0;
}

static const char *prog_name(const struct draco_cli_result *r, char *buf, size_t n)
{
    if (r->section[0] || r->function[0])
        snprintf(buf, n, "%s %s/%s", r->file, r->section, r->function);
    else
        snprintf(buf, n, "%s", r->file);
    return buf;
}

struct cost {
    double wall, cpu;
    int64_t states, max_rss;
    double *rss;    /* per program, for the median */
    size_t n_rss;
};

/* Adds a pair to both totals, each measure only when both sides have it, so that totals compare. */
static void add_cost(struct cost *ca, struct cost *cb, const struct draco_cli_result *a,
                     const struct draco_cli_result *b)
{
    if (a->wall_s >= 0 && b->wall_s >= 0) {
        ca->wall += a->wall_s;
        cb->wall += b->wall_s;
    }
    if (a->cpu_s >= 0 && b->cpu_s >= 0) {
        ca->cpu += a->cpu_s;
        cb->cpu += b->cpu_s;
    }
    if (a->iterations >= 0 && b->iterations >= 0) {
        ca->states += a->iterations;
        cb->states += b->iterations;
    }
    if (a->peak_rss_kib >= 0 && b->peak_rss_kib >= 0) {
        ca->max_rss = a->peak_rss_kib > ca->max_rss ? a->peak_rss_kib : ca->max_rss;
        cb->max_rss = b->peak_rss_kib > cb->max_rss ? b->peak_rss_kib : cb->max_rss;
        if (ca->rss && cb->rss) {
            ca->rss[ca->n_rss++] = (double)a->peak_rss_kib;
            cb->rss[cb->n_rss++] = (double)b->peak_rss_kib;
        }
    }
}

static int cmp_dbl(const void *p, const void *q)
{
    double x = *(const double *)p, y = *(const double *)q;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_dbl);
    return v[n / 2];
}

/* The time that ranks changes: CPU time when both sides have it (wall time stretches on a busy
 * machine, CPU time much less), else wall time. */
static bool use_cpu(const struct pair *p)
{
    return p->a && p->b && p->a->cpu_s >= 0 && p->b->cpu_s >= 0;
}

static double tval(const struct pair *p, const struct draco_cli_result *r)
{
    return use_cpu(p) ? r->cpu_s : r->wall_s;
}

static double time_delta(const struct pair *p)
{
    if (!p->a || !p->b || tval(p, p->a) < 0 || tval(p, p->b) < 0)
        return 0;
    return tval(p, p->b) - tval(p, p->a);
}

static int cmp_delta(const void *x, const void *y)
{
    double dx = fabs(time_delta(x)), dy = fabs(time_delta(y));
    return dx > dy ? -1 : dx < dy;
}

static void text_report(const char *pa, const char *pb, const struct draco_cli_results *ra,
                        const struct draco_cli_results *rb, struct pair *pairs, size_t np, FILE *out)
{
    size_t changed = 0, same = 0, only_a = 0, only_b = 0, both = 0;
    size_t trans[DRACO_CLI_NVERDICTS][DRACO_CLI_NVERDICTS];
    memset(trans, 0, sizeof trans);
    for (size_t i = 0; i < np; i++) {
        if (!pairs[i].b)
            only_a++;
        else if (!pairs[i].a)
            only_b++;
        else {
            both++;
            if (pairs[i].a->verdict != pairs[i].b->verdict) {
                changed++;
                trans[pairs[i].a->verdict][pairs[i].b->verdict]++;
            } else
                same++;
        }
    }
    fprintf(out, "A: %s (%zu programs)\nB: %s (%zu programs)\n\n", pa, ra->n, pb, rb->n);
    fprintf(out, "verdicts: %zu changed, %zu unchanged, %zu only in A, %zu only in B\n", changed, same,
            only_a, only_b);
    for (int x = 0; x < DRACO_CLI_NVERDICTS; x++)
        for (int y = 0; y < DRACO_CLI_NVERDICTS; y++)
            if (trans[x][y])
                fprintf(out, "  %s -> %s: %zu\n", draco_cli_verdict_name((enum draco_cli_verdict)x),
                        draco_cli_verdict_name((enum draco_cli_verdict)y), trans[x][y]);
    char nb[512];
    if (changed) {
        fputs("\nchanged verdicts:\n", out);
        for (size_t i = 0; i < np; i++) {
            const struct pair *p = &pairs[i];
            if (!p->a || !p->b || p->a->verdict == p->b->verdict)
                continue;
            fprintf(out, "  %s: %s -> %s", prog_name(p->a, nb, sizeof nb), draco_cli_verdict_name(p->a->verdict),
                    draco_cli_verdict_name(p->b->verdict));
            const char *m = p->b->verdict != DRACO_CLI_PASS ? p->b->message : p->a->message;
            if (m && *m)
                fprintf(out, "  [%s: %s]", p->b->verdict != DRACO_CLI_PASS ? "B" : "A", m);
            fputc('\n', out);
        }
    }
    for (int side = 0; side < 2; side++) {
        size_t cnt = side ? only_b : only_a;
        if (!cnt)
            continue;
        fprintf(out, "\nonly in %s:\n", side ? "B" : "A");
        size_t shown = 0;
        for (size_t i = 0; i < np && shown < 25; i++) {
            const struct draco_cli_result *r = side ? (pairs[i].a ? NULL : pairs[i].b) : (pairs[i].b ? NULL : pairs[i].a);
            if (r && ++shown)
                fprintf(out, "  %s: %s\n", prog_name(r, nb, sizeof nb), draco_cli_verdict_name(r->verdict));
        }
        if (cnt > shown)
            fprintf(out, "  ... and %zu more (--format csv lists every program)\n", cnt - shown);
    }
    /* cost over the programs on both sides */
    struct cost ca = {0}, cb = {0};
    ca.rss = malloc((both ? both : 1) * sizeof *ca.rss);
    cb.rss = malloc((both ? both : 1) * sizeof *cb.rss);
    for (size_t i = 0; i < np; i++)
        if (pairs[i].a && pairs[i].b)
            add_cost(&ca, &cb, pairs[i].a, pairs[i].b);
    double meda = median(ca.rss, ca.n_rss), medb = median(cb.rss, cb.n_rss);
    fprintf(out, "\ncost over the %zu programs in both (each measure where both files have it):\n", both);
    fprintf(out, "  %-22s %14s %14s %9s\n", "", "A", "B", "change");
    fprintf(out, "  %-22s %12.3f s %12.3f s %+8.1f%%\n", "wall time (sum)", ca.wall, cb.wall, pct(ca.wall, cb.wall));
    fprintf(out, "  %-22s %12.3f s %12.3f s %+8.1f%%\n", "CPU time (sum)", ca.cpu, cb.cpu, pct(ca.cpu, cb.cpu));
    fprintf(out, "  %-22s %14lld %14lld %+8.1f%%\n", "states (sum)", (long long)ca.states, (long long)cb.states,
            pct((double)ca.states, (double)cb.states));
    fprintf(out, "  %-22s %10.1f MiB %10.1f MiB %+8.1f%%\n", "peak memory (max)", (double)ca.max_rss / 1024,
            (double)cb.max_rss / 1024, pct((double)ca.max_rss, (double)cb.max_rss));
    fprintf(out, "  %-22s %10.1f MiB %10.1f MiB %+8.1f%%\n", "peak memory (median)", meda / 1024, medb / 1024,
            pct(meda, medb));
    free(ca.rss);
    free(cb.rss);
    /* the largest moves in time: at least 5 ms and 20% (less is noise on a shared machine) */
    struct pair *mv = malloc((np ? np : 1) * sizeof *mv);
    size_t nmv = 0;
    for (size_t i = 0; mv && i < np; i++) {
        double d = time_delta(&pairs[i]);
        if (pairs[i].a && pairs[i].b && fabs(d) >= 5e-3 && fabs(d) >= 0.2 * tval(&pairs[i], pairs[i].a))
            mv[nmv++] = pairs[i];
    }
    if (nmv) {
        qsort(mv, nmv, sizeof *mv, cmp_delta);
        fprintf(out, "\nlargest time changes (%s time, >= 5 ms and >= 20%%; %zu programs, top %zu):\n",
                use_cpu(&mv[0]) ? "CPU" : "wall", nmv, nmv < 20 ? nmv : (size_t)20);
        fprintf(out, "  %-52s %10s %10s %8s %10s %10s %9s %9s\n", "program", "A (ms)", "B (ms)", "change",
                "states A", "states B", "MiB A", "MiB B");
        for (size_t i = 0; i < nmv && i < 20; i++) {
            const struct draco_cli_result *a = mv[i].a, *b = mv[i].b;
            prog_name(a, nb, sizeof nb);
            size_t l = strlen(nb);
            char sa[32], sb[32], ma[32], mb[32];
            snprintf(sa, sizeof sa, a->iterations >= 0 ? "%lld" : "-", (long long)a->iterations);
            snprintf(sb, sizeof sb, b->iterations >= 0 ? "%lld" : "-", (long long)b->iterations);
            snprintf(ma, sizeof ma, a->peak_rss_kib >= 0 ? "%.1f" : "-", (double)a->peak_rss_kib / 1024);
            snprintf(mb, sizeof mb, b->peak_rss_kib >= 0 ? "%.1f" : "-", (double)b->peak_rss_kib / 1024);
            double ta = tval(&mv[i], a), tb = tval(&mv[i], b);
            fprintf(out, "  %-52s %10.1f %10.1f %+7.0f%% %10s %10s %9s %9s\n", l > 52 ? nb + l - 52 : nb,
                    ta * 1e3, tb * 1e3, pct(ta, tb), sa, sb, ma, mb);
        }
    }
    free(mv);
}

static void num(FILE *f, double v, bool json, const char *fmtstr)
{
    if (v >= 0)
        fprintf(f, fmtstr, v);
    else if (json)
        fputs("null", f);
}

static void sv_str(FILE *f, const char *s, char sep, bool json)
{
    if (json || (sep == ',' && strpbrk(s, ",\"\n"))) {
        fputc('"', f);
        for (; *s; s++) {
            if (json && (*s == '"' || *s == '\\'))
                fputc('\\', f);
            else if (!json && *s == '"')
                fputc('"', f);
            if (json && *s == '\n')
                fputs("\\n", f);
            else if (json && (unsigned char)*s < 0x20)
                fputc(' ', f);
            else
                fputc(*s, f);
        }
        fputc('"', f);
    } else {
        for (; *s; s++)
            fputc(*s == '\t' || *s == '\n' ? ' ' : *s, f);
    }
}

/* One joined row per program: file, section, function, then a/b of verdict, time, states, memory. */
static void machine_report(struct pair *pairs, size_t np, enum draco_cli_format fmt, FILE *out)
{
    static const char *const cols[] = {"file", "section", "function", "insns", "verdict_a", "verdict_b",
                                       "wall_s_a", "wall_s_b", "cpu_s_a", "cpu_s_b", "states_a", "states_b",
                                       "peak_rss_kib_a", "peak_rss_kib_b"};
    const size_t nc = sizeof cols / sizeof cols[0];
    bool json = fmt == DRACO_CLI_FMT_JSON;
    char sep = fmt == DRACO_CLI_FMT_TSV ? '\t' : ',';
    if (json)
        fputs("{\"compare\":[\n", out);
    else
        for (size_t k = 0; k < nc; k++)
            fprintf(out, "%s%s", k ? (sep == '\t' ? "\t" : ",") : "", cols[k]);
    if (!json)
        fputc('\n', out);
    for (size_t i = 0; i < np; i++) {
        const struct draco_cli_result *a = pairs[i].a, *b = pairs[i].b, *any = a ? a : b;
        const struct draco_cli_result *side[2] = {a, b};
        for (size_t k = 0; k < nc; k++) {
            if (json)
                fprintf(out, "%s\"%s\":", k ? "," : "{", cols[k]);
            else if (k)
                fputc(sep, out);
            const struct draco_cli_result *s = k >= 4 ? side[k % 2] : any;
            if (k < 3) {
                sv_str(out, k == 0 ? norm_file(any->file) : k == 1 ? any->section : any->function, sep, json);
                continue;
            }
            if (!s) {
                if (json)
                    fputs("null", out);
                continue;
            }
            switch (k) {
            case 3: num(out, (double)any->insns, json, "%.0f"); break;
            case 4:
            case 5: fprintf(out, json ? "\"%s\"" : "%s", draco_cli_verdict_name(s->verdict)); break;
            case 6:
            case 7: num(out, s->wall_s, json, "%.6f"); break;
            case 8:
            case 9: num(out, s->cpu_s, json, "%.6f"); break;
            case 10:
            case 11: num(out, (double)s->iterations, json, "%.0f"); break;
            default: num(out, (double)s->peak_rss_kib, json, "%.0f"); break;
            }
        }
        fputs(json ? (i + 1 < np ? "},\n" : "}\n") : "\n", out);
    }
    if (json)
        fputs("]}\n", out);
}

int draco_cli_compare(const char *path_a, const char *path_b, enum draco_cli_format fmt, FILE *out)
{
    struct draco_cli_results ra = {0}, rb = {0};
    char err[512];
    int rc = 2;
    const struct draco_cli_result **sa = NULL, **sb = NULL;
    struct pair *pairs = NULL;
    if (draco_cli_results_read(path_a, &ra, err, sizeof err) ||
        (err[0] = '\0', draco_cli_results_read(path_b, &rb, err, sizeof err))) {
        fprintf(stderr, "draco-check: %s\n", err);
        goto done;
    }
    sa = sorted(&ra);
    sb = sorted(&rb);
    pairs = malloc((ra.n + rb.n + 1) * sizeof *pairs);
    if (!sa || !sb || !pairs) {
        fputs("draco-check: out of memory\n", stderr);
        rc = 70;
        goto done;
    }
    size_t np = join(sa, ra.n, sb, rb.n, pairs);
    if (fmt == DRACO_CLI_FMT_TABLE)
        text_report(path_a, path_b, &ra, &rb, pairs, np, out);
    else
        machine_report(pairs, np, fmt, out);
    rc = 0;
    for (size_t i = 0; i < np; i++)
        if (!pairs[i].a || !pairs[i].b || pairs[i].a->verdict != pairs[i].b->verdict)
            rc = 1;
done:
    free(sa);
    free(sb);
    free(pairs);
    draco_cli_results_free(&ra);
    draco_cli_results_free(&rb);
    return rc;
}
