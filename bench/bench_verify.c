/* SPDX-License-Identifier: MIT */
/* bench_verify: verifies every program of every file given, all in this one process.
 *
 * Usage: bench_verify [-r REPEATS] [-P auto|off|full] [-A] FILE...
 * Each file is opened once and all its programs are
 * verified in order; one TSV line per program (its best draco_verify() time over the repeats), then
 * a summary: the best total of
 * REPEATS runs, split into ELF loading and draco_verify() (decode, CFG, analysis), the verdict
 * counts and the process's peak RSS. Next to `draco-check --jobs 1` (one process per program,
 * each opening its file, as the baselines were measured) it shows what the library costs without
 * process start-up and repeated loading. -P: the partitioning policy (default: the library's, auto);
 * `make bench` runs it with auto and off to measure what partitioning costs; -A: all_failures (every
 * path analysed to its end, past failed checks). Uses only the public API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "dracoverify.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct totals {
    double load, verify, decode, cfg, analysis;
    size_t programs, pass, fail, errors, refused_files;
    unsigned long long iterations;
};

/* per program, over the repeats: its TSV line without the time, and its best draco_verify() time */
struct prog_line {
    char *text;
    double best;
};
struct prog_lines {
    struct prog_line *v;
    size_t n, cap;
};

static void note_program(struct prog_lines *pl, size_t idx, const char *file, const draco_program *p, const char *verdict,
                         double dt)
{
    if (idx >= pl->cap) {
        size_t cap = pl->cap ? 2 * pl->cap : 256;
        struct prog_line *v = realloc(pl->v, cap * sizeof *v);
        if (!v)
            return;
        memset(v + pl->cap, 0, (cap - pl->cap) * sizeof *v);
        pl->v = v;
        pl->cap = cap;
    }
    struct prog_line *l = &pl->v[idx];
    if (!l->text) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s\t%s\t%s\t%s\t%zu", file, draco_program_section(p), draco_program_function(p),
                 verdict, draco_program_insn_count(p));
        l->text = strdup(buf);
        l->best = dt;
    } else if (dt < l->best) {
        l->best = dt;
    }
    if (idx >= pl->n)
        pl->n = idx + 1;
}

static void run_once(int nfiles, char **files, const draco_verify_opts *vo, struct totals *t, struct prog_lines *pl)
{
    size_t idx = 0;
    memset(t, 0, sizeof *t);
    for (int i = 0; i < nfiles; i++) {
        draco_object *obj = NULL;
        draco_error err = {0};
        double t0 = now();
        draco_status st = draco_object_open_file(files[i], NULL, &err, &obj);
        t->load += now() - t0;
        if (st != DRACO_OK) {
            t->refused_files++;
            continue;
        }
        for (size_t k = 0; k < draco_object_program_count(obj); k++) {
            const draco_program *p = draco_object_program(obj, k);
            draco_report *rep = NULL;
            draco_error e2 = {0};
            double t1 = now();
            st = draco_verify(p, vo, &e2, &rep);
            double dt = now() - t1;
            t->programs++;
            t->verify += dt;
            const char *v = "error";
            if (st == DRACO_OK) {
                draco_report_stats s;
                memset(&s, 0, sizeof s);
                s.size = sizeof s;
                draco_report_get_stats(rep, &s);
                t->decode += s.decode_seconds;
                t->cfg += s.cfg_seconds;
                t->analysis += s.analysis_seconds;
                t->iterations += s.iterations;
                v = draco_report_verdict(rep) == DRACO_VERDICT_PASS ? "pass" : "fail";
                if (*v == 'p')
                    t->pass++;
                else
                    t->fail++;
            } else {
                t->errors++;
            }
            note_program(pl, idx++, files[i], p, v, dt);
            draco_report_destroy(rep);
        }
        draco_object_destroy(obj);
    }
}

int main(int argc, char **argv)
{
    int repeats = 1, first = 1;
    draco_verify_opts vo;
    draco_verify_opts_init(&vo);
    const char *policy = "auto";
    for (;;) {
        if (first + 1 < argc && strcmp(argv[first], "-r") == 0) {
            repeats = atoi(argv[first + 1]);
            first += 2;
        } else if (first + 1 < argc && strcmp(argv[first], "-P") == 0) {
            policy = argv[first + 1];
            if (strcmp(policy, "off") == 0)
                vo.partition = DRACO_PARTITION_POLICY_OFF;
            else if (strcmp(policy, "full") == 0)
                vo.partition = DRACO_PARTITION_POLICY_FULL;
            else if (strcmp(policy, "auto") == 0)
                vo.partition = DRACO_PARTITION_POLICY_AUTO;
            else
                repeats = 0;
            first += 2;
        } else if (first < argc && strcmp(argv[first], "-A") == 0) {
            vo.all_failures = true;
            first++;
        } else {
            break;
        }
    }
    if (first >= argc || repeats < 1) {
        fprintf(stderr, "usage: bench_verify [-r REPEATS] [-P auto|off|full] [-A] FILE...\n");
        return 64;
    }
    struct prog_lines lines = {0};
    struct totals best = {0}, t;
    double best_total = -1;
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        run_once(argc - first, argv + first, &vo, &t, &lines);
        double total = now() - t0;
        if (best_total < 0 || total < best_total) {
            best_total = total;
            best = t;
        }
    }
    for (size_t i = 0; i < lines.n; i++) {
        if (lines.v[i].text)
            printf("%s\t%.6f\n", lines.v[i].text, lines.v[i].best);
        free(lines.v[i].text);
    }
    free(lines.v);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("# partitioning: %s%s\n", policy, vo.all_failures ? ", all failures" : "");
    printf("# programs %zu: %zu pass, %zu fail, %zu error; files refused %zu; fixpoint visits %llu\n",
           best.programs, best.pass, best.fail, best.errors, best.refused_files, best.iterations);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    printf("# best of %d: total %.3f s in one process (ELF load %.3f s, draco_verify %.3f s: decode %.3f s,"
           " CFG %.3f s, analysis %.3f s); CPU %.3f s per run (mean); peak RSS %.1f MiB\n",
           repeats, best_total, best.load, best.verify, best.decode, best.cfg, best.analysis, cpu / repeats,
           (double)ru.ru_maxrss / 1024.0);
    return 0;
}
