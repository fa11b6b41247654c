/* SPDX-License-Identifier: MIT */
/* bench_frontend: loads, decodes and builds the CFG of every program of every file given.
 *
 * Usage: bench_frontend [-r REPEATS] FILE...   Prints one TSV line per program and a summary with
 * the total wall time of load + decode + CFG (the best of REPEATS runs over the whole set).
 * Uses only the public API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dracoverify.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct totals {
    double load, decode, cfg;
    size_t files, programs, refused_files, refused_programs, insns, nodes;
};

static void run_once(int nfiles, char **files, struct totals *t, FILE *tsv)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < nfiles; i++) {
        draco_object *obj = NULL;
        draco_error err = {0};
        double t0 = now();
        draco_status st = draco_object_open_file(files[i], NULL, &err, &obj);
        t->load += now() - t0;
        t->files++;
        if (st != DRACO_OK) {
            t->refused_files++;
            if (tsv)
                fprintf(tsv, "%s\t-\t-\trefused\t0\t0\t0\t0\n", files[i]);
            continue;
        }
        for (size_t k = 0; k < draco_object_program_count(obj); k++) {
            const draco_program *p = draco_object_program(obj, k);
            draco_program_stats s;
            draco_error e2 = {0};
            t->programs++;
            st = draco_program_compute_stats(p, &e2, &s);
            if (st != DRACO_OK) {
                t->refused_programs++;
                if (tsv)
                    fprintf(tsv, "%s\t%s\t%s\trefused\t%zu\t0\t0\t0\n", files[i], draco_program_section(p),
                            draco_program_function(p), draco_program_insn_count(p));
                continue;
            }
            t->decode += s.decode_seconds;
            t->cfg += s.cfg_seconds;
            t->insns += s.insns;
            t->nodes += s.cfg_nodes;
            if (tsv)
                fprintf(tsv, "%s\t%s\t%s\tok\t%zu\t%zu\t%.6f\t%.6f\n", files[i], draco_program_section(p),
                        draco_program_function(p), s.insns, s.cfg_nodes, s.decode_seconds, s.cfg_seconds);
        }
        draco_object_destroy(obj);
    }
}

int main(int argc, char **argv)
{
    int repeats = 3, first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        repeats = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || repeats < 1) {
        fprintf(stderr, "usage: bench_frontend [-r REPEATS] FILE...\n");
        return 64;
    }
    struct totals best = {0}, t;
    double best_total = -1;
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        run_once(argc - first, argv + first, &t, r == 0 ? stdout : NULL);
        double total = now() - t0;
        if (best_total < 0 || total < best_total) {
            best_total = total;
            best = t;
        }
    }
    printf("# files %zu (refused %zu), programs %zu (refused %zu), instructions %zu, CFG nodes %zu\n",
           best.files, best.refused_files, best.programs, best.refused_programs, best.insns, best.nodes);
    printf("# best of %d: total %.3f s (load %.3f s, decode %.3f s, CFG %.3f s)\n", repeats, best_total,
           best.load, best.decode, best.cfg);
    return 0;
}
