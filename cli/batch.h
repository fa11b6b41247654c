/* SPDX-License-Identifier: MIT */
/* batch: draco-check's batch mode — many files, one forked process per program, result files.
 *
 * Shared by cli/batch.c (the runner), cli/table.c (table, CSV, TSV and JSON writers and the reader
 * of those files) and cli/compare.c (`--compare A B`). A result set is an array of records, one per
 * program (or one per file that could not be opened), sorted by (file_idx, prog_idx) once the run
 * is over; every string of a record is heap-owned by the record (never NULL after a run or a read:
 * absent strings are ""). Times are seconds, memory KiB; a value that was not measured is negative
 * (-1) so that writers print it as empty and readers keep it apart from a measured 0.
 */
#ifndef DRACO_CLI_BATCH_H
#define DRACO_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dracoverify.h"

/* What happened to one program. Order is the order of the exit-code precedence (worst last). */
enum draco_cli_verdict {
    DRACO_CLI_PASS = 0,     /* proven safe */
    DRACO_CLI_FAIL,         /* rejected: not proven safe (diagnostics) */
    DRACO_CLI_ERROR,        /* refused input: load error, bad instruction, unsupported, not found */
    DRACO_CLI_LIMIT,        /* a library limit (--time-limit, size, states) was exceeded */
    DRACO_CLI_TIMEOUT,      /* killed by the batch runner's --timeout */
    DRACO_CLI_CRASH,        /* the worker process died (signal): a bug */
    DRACO_CLI_INTERNAL,     /* DRACO_ERR_INTERNAL or DRACO_ERR_NOMEM: a bug or out of memory */
    DRACO_CLI_NVERDICTS
};

struct draco_cli_result {
    char *file;           /* the path as given on the command line */
    char *section, *function, *type;
    char *message;        /* first diagnostic ("label: message") or the error; "" on pass */
    unsigned file_idx, prog_idx;
    enum draco_cli_verdict verdict;
    int64_t insns;        /* instructions, LDDW once; -1 unknown */
    int64_t iterations;   /* node visits of the fixpoint (abstract states computed); -1 unknown */
    int64_t diags;        /* number of diagnostics; -1 unknown */
    double wall_s;        /* wall time of the worker process (fork to exit) */
    double cpu_s;         /* user + system CPU time of the worker */
    double sys_s;         /* the system part of cpu_s (page faults of a large heap show here) */
    int64_t minflt;       /* minor page faults of the worker */
    int64_t peak_rss_kib; /* peak resident set of the worker (getrusage ru_maxrss) */
    double load_s;        /* opening the ELF file (all its programs) */
    double verify_s;      /* the whole draco_verify() call: decode + cfg + analysis + check */
    double load_cpu_s, verify_cpu_s;  /* CPU time of the same two steps: fair on a busy machine */
    double decode_s, cfg_s, analysis_s, check_s;  /* phases of draco_verify() */
};

struct draco_cli_results {
    struct draco_cli_result *v;
    size_t n, cap;
};

enum draco_cli_format { DRACO_CLI_FMT_TABLE, DRACO_CLI_FMT_CSV, DRACO_CLI_FMT_TSV, DRACO_CLI_FMT_JSON };

struct draco_cli_batch_opts {
    unsigned jobs;                    /* worker processes at once (>= 1) */
    double timeout_s;                 /* kill a worker after this long; 0 = never */
    uint64_t memory_limit_mib;        /* address-space limit of a worker (RLIMIT_AS); 0 = none */
    bool progress;                    /* progress line on stderr (only when it is a terminal) */
    const draco_verify_opts *vopts;   /* options of every draco_verify() call */
};

/* Verifies every program of every file, each in its own forked process (so that its peak memory
 * and CPU time are its own), at most opts->jobs at a time. Fills *out (initially empty) sorted by
 * file and program order. Returns 0, or -1 when the runner itself failed (fork, pipe, memory:
 * message on stderr). */
int draco_cli_batch_run(const struct draco_cli_batch_opts *opts, int nfiles, char *const *files,
                        struct draco_cli_results *out);

/* The exit code of a result set: 0 all passed, 1 some rejected, 2 some refused/limit/timeout,
 * 70 some crash or internal error (worst wins). */
int draco_cli_results_exit_code(const struct draco_cli_results *r);

/* Appends a zeroed record (numbers -1, strings NULL); NULL when out of memory. */
struct draco_cli_result *draco_cli_results_push(struct draco_cli_results *r);
void draco_cli_results_free(struct draco_cli_results *r);
void draco_cli_results_sort(struct draco_cli_results *r);
/* Sorts by a key for display: "name" (file, then program order), or largest first: "time" (wall),
 * "cpu", "insns", "states", "memory". False if the key is unknown (nothing changes). */
bool draco_cli_results_sort_by(struct draco_cli_results *r, const char *key);

const char *draco_cli_verdict_name(enum draco_cli_verdict v);
/* Parses a verdict name; false if unknown. */
bool draco_cli_verdict_parse(const char *s, enum draco_cli_verdict *out);
/* Duplicates s (NULL -> ""); NULL when out of memory. */
char *draco_cli_strdup(const char *s);

/* "csv", "tsv", "json", "table" -> format; false if unknown. */
bool draco_cli_format_parse(const char *s, enum draco_cli_format *out);
/* The format a file name implies by its extension (.csv, .tsv, .json); false if none. */
bool draco_cli_format_of_path(const char *path, enum draco_cli_format *out);

/* Writes the results in a format; the table ends with a summary (counts, totals, median, max). */
void draco_cli_results_write(const struct draco_cli_results *r, enum draco_cli_format fmt, FILE *f);

/* Reads a CSV, TSV or JSON file written by draco_cli_results_write() (the format is detected from
 * the content; columns are found by their header name, so extra or reordered columns are fine).
 * Returns 0, or -1 with a message in err. */
int draco_cli_results_read(const char *path, struct draco_cli_results *out, char *err, size_t errlen);

/* `--compare A B`: what changed in verdicts and cost between two result files. Prints a report in
 * `fmt` (table: text; csv/tsv/json: one joined row per program). Returns the exit code: 0 nothing
 * changed in verdicts, 1 some verdict changed or a program is only in one file, 2 unreadable file. */
int draco_cli_compare(const char *path_a, const char *path_b, enum draco_cli_format fmt, FILE *out);

#endif
