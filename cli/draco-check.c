/* SPDX-License-Identifier: MIT */
/* draco-check: the command-line front end of draco-verify (uses only include/dracoverify.h).
 *
 * Modes: --list, --asm, --cfg, --dot FILE, and verification (the default). Every mode can print
 * JSON with --json. Batch mode (--jobs N FILE..., cli/batch.c) verifies many files, one process
 * per program, and writes a table, CSV, TSV or JSON; --compare A B compares two such result files
 * (cli/compare.c). Exit codes are documented in usage() and docs/cli.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "dracoverify.h"

enum {
    EXIT_PASS = 0,      /* all selected programs passed / the command succeeded */
    EXIT_REJECT = 1,    /* at least one program was rejected */
    EXIT_BADINPUT = 2,  /* unreadable or malformed input, unknown section/function */
    EXIT_USAGE = 64,    /* bad command line */
    EXIT_INTERNAL = 70, /* internal error (a bug) or out of memory */
};

enum mode { MODE_VERIFY, MODE_LIST, MODE_ASM, MODE_CFG, MODE_DOT };

struct cli {
    enum mode mode;
    int json;
    const char *dot_path;
    const char *file, *section, *function;
    int invariants;
    draco_verify_opts vopts;
    /* batch mode and --compare */
    bool batch, compare, quiet, format_set;
    long jobs;                    /* -1: not given */
    double timeout;
    uint64_t memory_limit_mib;
    enum draco_cli_format format;
    const char *output;
    const char *sort;
};

static void usage(FILE *f)
{
    fputs("usage: draco-check [OPTIONS] FILE [SECTION [FUNCTION]]\n"
          "       draco-check --jobs N [OPTIONS] FILE...     (batch mode)\n"
          "       draco-check --compare A B                  (compare two batch results)\n"
          "\n"
          "Verify the eBPF programs of an ELF object, or inspect them.\n"
          "\n"
          "Modes:\n"
          "  (default)        verify every selected program\n"
          "  -l, --list       list the programs: section, function, type, instruction count\n"
          "      --asm        print the disassembly (LLVM/PREVAIL syntax)\n"
          "      --cfg        print the control-flow graph\n"
          "      --dot FILE   write the control-flow graph as Graphviz to FILE ('-' = stdout)\n"
          "Output:\n"
          "Verification options (defaults match PREVAIL's):\n"
          "      --type TYPE            program type (libbpf name: xdp, sched_cls, kprobe, ...)\n"
          "                             instead of the one the section name implies\n"
          "      --strict               extra checks (array map keys within max_entries)\n"
          "      --allow-division-by-zero  x/0 = 0, x%0 = x as the ISA defines (default)\n"
          "      --no-division-by-zero  reject a division unless the divisor is provably non-zero\n"
          "      --no-termination       do not require loops to be bounded\n"
          "      --stack-size N         bytes of stack per frame (default 512)\n"
          "      --max-packet-size N    largest packet in bytes (default 65535)\n"
          "      --invariants           print the invariant at every label\n"
          "      --time-limit SECONDS   give up on a program after this long (error, not pass)\n"
          "      --partition=auto|off|full  trace partitioning: auto (default) re-runs a rejected\n"
          "                             program partitioned; off = PREVAIL's joins; full = always\n"
          "      --partition-budget N   states kept per instruction when partitioned (default 2)\n"
          "      --all-failures         go on past a failed check to report every failure\n"
          "                             (default: a path stops at its first failed check)\n"
          "      --privileged           the kernel's rules for a root (CAP_BPF + CAP_PERFMON) loader:\n"
          "                             pointers may leak as numbers, uninitialised stack reads\n"
          "                             as unknown numbers (memory safety is checked either way)\n"
          "      --no-rodata-contents   read-only data (.rodata, .rodata.*) holds unknown numbers\n"
          "                             (default: the object's bytes, as the kernel reads a frozen\n"
          "                             map; use this when the loader rewrites .rodata first)\n"
          "      --json       JSON on stdout instead of text (any mode)\n"
          "Batch mode (every program of every FILE, each in its own process):\n"
          "  -j, --jobs N     verify N programs at once (0 = one per CPU); turns batch mode on\n"
          "      --batch      batch mode with one job\n"
          "      --format F   stdout as table (default), csv, tsv or json (also turns batch on)\n"
          "  -o, --output FILE  also write the results to FILE (.csv, .tsv, .json or .txt)\n"
          "      --timeout SECONDS  kill a program's process after this long (verdict timeout)\n"
          "      --memory-limit MIB  address-space limit of each program's process\n"
          "      --sort KEY   order of the results: name (default), or largest first: time, cpu,\n"
          "                   insns, states, memory\n"
          "  -q, --quiet      no table on stdout and no progress line\n"
          "      --compare A B  what changed in verdicts and cost between two result files\n"
          "                   (CSV, TSV or JSON from batch mode; --format for a machine-readable diff)\n"
          "  -h, --help       this text\n"
          "      --version    print the version\n"
          "\n"
          "Exit codes:\n"
          "  0   success (every selected program passed)\n"
          "  1   at least one program was rejected\n"
          "  2   bad input: unreadable or malformed file, bad instruction, unknown section/function\n"
          "  64  bad command line\n"
          "  70  internal error or out of memory (batch mode: a crashed program)\n"
          "Batch mode uses the same codes for the worst program; --compare exits 1 when a\n"
          "verdict changed or a program is in one file only.\n"
          "Errors go to stderr as 'draco-check: FILE: reason'.\n",
          f);
}

static int status_exit(draco_status st)
{
    switch (st) {
    case DRACO_OK: return EXIT_PASS;
    case DRACO_ERR_INVALID:
    case DRACO_ERR_UNSUPPORTED:
    case DRACO_ERR_NOT_FOUND:
    case DRACO_ERR_LIMIT: return EXIT_BADINPUT;
    case DRACO_ERR_NOMEM:
    case DRACO_ERR_INTERNAL: return EXIT_INTERNAL;
    }
    return EXIT_INTERNAL;
}

static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static bool selected(const struct cli *c, const draco_program *p)
{
    if (c->section && strcmp(c->section, draco_program_section(p)) != 0)
        return false;
    if (c->function && strcmp(c->function, draco_program_function(p)) != 0)
        return false;
    return true;
}

static int do_list(const struct cli *c, const draco_object *obj)
{
    size_t n = draco_object_program_count(obj);
    if (c->json) {
        fputs("{\"file\":", stdout);
        json_str(stdout, c->file);
        fputs(",\"programs\":[", stdout);
    }
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const draco_program *p = draco_object_program(obj, i);
        if (!selected(c, p))
            continue;
        const char *lerr = draco_program_load_error(p);
        if (c->json) {
            fputs(first ? "" : ",", stdout);
            fputs("{\"section\":", stdout);
            json_str(stdout, draco_program_section(p));
            fputs(",\"function\":", stdout);
            json_str(stdout, draco_program_function(p));
            fputs(",\"type\":", stdout);
            json_str(stdout, draco_program_type_name(p));
            printf(",\"insns\":%zu", draco_program_insn_count(p));
            if (lerr) {
                fputs(",\"load_error\":", stdout);
                json_str(stdout, lerr);
            }
            fputc('}', stdout);
        } else {
            printf("section=%s function=%s type=%s insns=%zu", draco_program_section(p),
                   draco_program_function(p), draco_program_type_name(p), draco_program_insn_count(p));
            if (lerr)
                printf(" [load error: %s]", lerr);
            putchar('\n');
        }
        first = false;
    }
    if (c->json)
        fputs("]}\n", stdout);
    return EXIT_PASS;
}

static int do_print(const struct cli *c, const draco_object *obj)
{
    FILE *out = stdout;
    draco_print_kind kind = c->mode == MODE_ASM ? DRACO_PRINT_ASM
                          : c->mode == MODE_CFG ? DRACO_PRINT_CFG : DRACO_PRINT_DOT;
    if (c->mode == MODE_DOT && strcmp(c->dot_path, "-") != 0) {
        out = fopen(c->dot_path, "w");
        if (!out) {
            fprintf(stderr, "draco-check: %s: cannot open for writing\n", c->dot_path);
            return EXIT_BADINPUT;
        }
    }
    int rc = EXIT_PASS;
    size_t n = draco_object_program_count(obj);
    bool json = c->json && c->mode != MODE_DOT;
    if (json)
        fputs("[", out);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        const draco_program *p = draco_object_program(obj, i);
        if (!selected(c, p))
            continue;
        if (json && !first)
            fputs(",", out);
        else if (!json)
            fprintf(out, c->mode == MODE_DOT ? "// %s/%s\n" : "; %s/%s\n", draco_program_section(p),
                    draco_program_function(p));
        first = false;
        draco_error err = {0};
        draco_status st = draco_program_print(p, kind, json ? DRACO_PRINT_JSON : 0, out, &err);
        if (st != DRACO_OK) {
            fprintf(stderr, "draco-check: %s: %s\n", c->file, err.message[0] ? err.message : draco_status_str(st));
            if (json)
                fputs("null", out);
            int e = status_exit(st);
            if (e > rc)
                rc = e;
        }
    }
    if (json)
        fputs("]\n", out);
    if (out != stdout)
        fclose(out);
    return rc;
}

static void print_diag_text(const draco_diag *d)
{
    printf("  %s", d->label ? d->label : "?");
    if (d->line)
        printf(" (%s)", d->line);
    printf(": %s", d->message);
    if (d->assertion)
        printf(" (%s)", d->assertion);
    putchar('\n');
}

static int verify_one(const struct cli *c, const draco_program *p, bool *first)
{
    draco_error err = {0};
    draco_report *rep = NULL;
    const char *type = c->vopts.prog_type ? c->vopts.prog_type : draco_program_type_name(p);
    draco_status st = draco_verify(p, &c->vopts, &err, &rep);
    int rc = st == DRACO_OK ? (draco_report_verdict(rep) == DRACO_VERDICT_PASS ? EXIT_PASS : EXIT_REJECT)
                            : status_exit(st);
    const char *msg = err.message[0] ? err.message : draco_status_str(st);
    if (c->json) {
        fputs(*first ? "" : ",", stdout);
        fputs("{\"section\":", stdout);
        json_str(stdout, draco_program_section(p));
        fputs(",\"function\":", stdout);
        json_str(stdout, draco_program_function(p));
        fputs(",\"type\":", stdout);
        json_str(stdout, type);
        printf(",\"insns\":%zu,\"verdict\":\"%s\",\"diagnostics\":[", draco_program_insn_count(p),
               st != DRACO_OK ? "error" : rc == EXIT_PASS ? "pass" : "fail");
        if (st != DRACO_OK) {
            fputs("{\"insn\":null,\"line\":null,\"message\":", stdout);
            json_str(stdout, msg);
            fputc('}', stdout);
        }
        for (size_t i = 0; st == DRACO_OK && i < draco_report_diag_count(rep); i++) {
            const draco_diag *d = draco_report_diag(rep, i);
            printf("%s{\"insn\":%d,\"label\":", i ? "," : "", (int)d->insn);
            json_str(stdout, d->label);
            fputs(",\"line\":", stdout);
            json_str(stdout, d->line);
            fputs(",\"message\":", stdout);
            json_str(stdout, d->message);
            fputs(",\"assertion\":", stdout);
            json_str(stdout, d->assertion);
            fputc('}', stdout);
        }
        printf("],\"seconds\":%.6f", rep ? draco_report_seconds(rep) : 0.0);
        if (rep && draco_report_exit_value(rep)) {
            fputs(",\"exit_r0\":", stdout);
            json_str(stdout, draco_report_exit_value(rep));
        }
        if (c->invariants && rep) {
            fputs(",\"invariants\":[", stdout);
            for (size_t i = 0; i < draco_report_invariant_count(rep); i++) {
                const char *label, *text;
                draco_report_invariant(rep, i, &label, &text);
                fputs(i ? ",{\"label\":" : "{\"label\":", stdout);
                json_str(stdout, label);
                fputs(",\"pre\":", stdout);
                json_str(stdout, text);
                fputc('}', stdout);
            }
            fputc(']', stdout);
        }
        fputc('}', stdout);
    } else if (st != DRACO_OK) {
        printf("ERROR %s/%s\n", draco_program_section(p), draco_program_function(p));
        fprintf(stderr, "draco-check: %s: %s\n", c->file, msg);
    } else {
        if (c->invariants) {
            for (size_t i = 0; i < draco_report_invariant_count(rep); i++) {
                const char *label, *text;
                draco_report_invariant(rep, i, &label, &text);
                printf("%s:\n%s\n", label, text);
            }
        }
        printf("%s %s/%s\n", rc == EXIT_PASS ? "PASS" : "FAIL", draco_program_section(p),
               draco_program_function(p));
        for (size_t i = 0; i < draco_report_diag_count(rep); i++)
            print_diag_text(draco_report_diag(rep, i));
    }
    *first = false;
    draco_report_destroy(rep);
    return rc;
}

static int do_verify(const struct cli *c, const draco_object *obj)
{
    int rc = EXIT_PASS;
    bool first = true;
    if (c->json) {
        fputs("{\"file\":", stdout);
        json_str(stdout, c->file);
        fputs(",\"programs\":[", stdout);
    }
    for (size_t i = 0; i < draco_object_program_count(obj); i++) {
        const draco_program *p = draco_object_program(obj, i);
        if (!selected(c, p))
            continue;
        int r = verify_one(c, p, &first);
        /* precedence: bad input (2) and internal errors (70) over rejection (1) */
        if (r == EXIT_INTERNAL || (r == EXIT_BADINPUT && rc != EXIT_INTERNAL) || (r == EXIT_REJECT && rc == EXIT_PASS))
            rc = r;
    }
    if (c->json)
        fputs("]}\n", stdout);
    return rc;
}

/* Batch mode: every program of every file, then the table / result file. */
static int do_batch(const struct cli *c, int nfiles, char **files)
{
    struct draco_cli_batch_opts bo = {0};
    long jobs = c->jobs < 0 ? 1 : c->jobs;
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? n : 1;
    }
    bo.jobs = (unsigned)jobs;
    bo.timeout_s = c->timeout;
    bo.memory_limit_mib = c->memory_limit_mib;
    bo.progress = !c->quiet && isatty(STDERR_FILENO);
    bo.vopts = &c->vopts;
    FILE *of = NULL;
    char tmp[4096];
    enum draco_cli_format ofmt = DRACO_CLI_FMT_CSV;
    if (c->output) {
        if (!draco_cli_format_of_path(c->output, &ofmt)) {
            fprintf(stderr, "draco-check: %s: name the output .csv, .tsv, .json or .txt\n", c->output);
            return EXIT_USAGE;
        }
        /* written under a temporary name and renamed at the end: an interrupted run leaves the
         * previous results in place */
        if (snprintf(tmp, sizeof tmp, "%s.tmp", c->output) >= (int)sizeof tmp || !(of = fopen(tmp, "w"))) {
            fprintf(stderr, "draco-check: %s: cannot open for writing\n", c->output);
            return EXIT_BADINPUT;
        }
    }
    struct draco_cli_results res = {0};
    int rc;
    if (c->sort && !draco_cli_results_sort_by(&res, c->sort)) {
        fprintf(stderr, "draco-check: --sort: expected name, time, cpu, insns, states or memory, got '%s'\n", c->sort);
        if (of) {
            fclose(of);
            remove(tmp);
        }
        return EXIT_USAGE;
    }
    if (draco_cli_batch_run(&bo, nfiles, files, &res) != 0) {
        rc = EXIT_INTERNAL;
    } else {
        if (c->sort)
            draco_cli_results_sort_by(&res, c->sort);
        if (!c->quiet)
            draco_cli_results_write(&res, c->format, stdout);
        if (of)
            draco_cli_results_write(&res, ofmt, of);
        rc = draco_cli_results_exit_code(&res);
    }
    if (of && (fclose(of) != 0 || rc == EXIT_INTERNAL || rename(tmp, c->output) != 0)) {
        if (rc != EXIT_INTERNAL)
            fprintf(stderr, "draco-check: %s: write failed\n", c->output);
        remove(tmp);
        rc = EXIT_INTERNAL;
    }
    draco_cli_results_free(&res);
    return rc;
}

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (!*s || *end || v > max || s[0] == '-') {
        fprintf(stderr, "draco-check: %s: expected a number up to %llu, got '%s'\n", opt,
                (unsigned long long)max, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Whether FILE is assembly text rather than ELF: a .s/.asm name, or no ELF magic. */
static bool is_text_input(const char *path)
{
    size_t n = strlen(path);
    if ((n > 2 && strcmp(path + n - 2, ".s") == 0) || (n > 4 && strcmp(path + n - 4, ".asm") == 0))
        return true;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false; /* let the ELF loader report the error */
    unsigned char m[4] = {0};
    size_t got = fread(m, 1, 4, f);
    fclose(f);
    return got == 4 && !(m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F') &&
           m[0] != 0 && (m[0] >= 0x20 || m[0] == '\t' || m[0] == '\n' || m[0] == '\r');
}

/* Opens an ELF object, or an assembly text file as a one-program object (needs --type). */
static draco_status open_input(const struct cli *c, draco_error *err, draco_object **obj)
{
    if (!is_text_input(c->file))
        return draco_object_open_file(c->file, NULL, err, obj);
    if (!c->vopts.prog_type) {
        snprintf(err->message, sizeof err->message,
                 "%s: assembly text needs a program type (--type xdp, sched_cls, ...)", c->file);
        err->status = DRACO_ERR_INVALID;
        return DRACO_ERR_INVALID;
    }
    FILE *f = fopen(c->file, "rb");
    if (!f) {
        snprintf(err->message, sizeof err->message, "%s: cannot open", c->file);
        return err->status = DRACO_ERR_INVALID;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - 1 - len, f);
        if (len < cap - 1 || feof(f) || ferror(f))
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(err->message, sizeof err->message, "%s: %s", c->file, buf ? "read error" : "out of memory");
        return err->status = buf ? DRACO_ERR_INVALID : DRACO_ERR_NOMEM;
    }
    buf[len] = 0;
    draco_open_opts o;
    draco_open_opts_init(&o);
    o.name = c->file;
    draco_status st = draco_object_open_text(buf, c->vopts.prog_type, NULL, 0, &o, err, obj);
    free(buf);
    return st;
}

int main(int argc, char **argv)
{
    struct cli c = {0};
    static const struct option longopts[] = {
        {"list", no_argument, NULL, 'l'},   {"asm", no_argument, NULL, 'A'},
        {"cfg", no_argument, NULL, 'C'},    {"dot", required_argument, NULL, 'D'},
        {"json", no_argument, NULL, 'J'},   {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"type", required_argument, NULL, 't'}, {"strict", no_argument, NULL, 's'},
        {"allow-division-by-zero", no_argument, NULL, 'z'}, {"no-division-by-zero", no_argument, NULL, 'Z'},
        {"no-termination", no_argument, NULL, 'T'}, {"stack-size", required_argument, NULL, 'S'},
        {"max-packet-size", required_argument, NULL, 'P'}, {"invariants", no_argument, NULL, 'I'},
        {"time-limit", required_argument, NULL, 'L'},
        {"jobs", required_argument, NULL, 'j' + 256}, {"batch", no_argument, NULL, 'B'},
        {"format", required_argument, NULL, 'F'}, {"output", required_argument, NULL, 'o'},
        {"timeout", required_argument, NULL, 'K'}, {"quiet", no_argument, NULL, 'q'},
        {"compare", no_argument, NULL, 'c' + 256}, {"memory-limit", required_argument, NULL, 'M' + 256},
        {"sort", required_argument, NULL, 'S' + 256},
        {"partition", required_argument, NULL, 'p' + 256}, {"partition-budget", required_argument, NULL, 'b' + 256},
        {"privileged", no_argument, NULL, 'R' + 256},
        {"no-rodata-contents", no_argument, NULL, 'r' + 256},
        {"all-failures", no_argument, NULL, 'a' + 256},
        {NULL, 0, NULL, 0},
    };
    int ch;
    uint64_t v;
    draco_verify_opts_init(&c.vopts);
    c.jobs = -1;
    while ((ch = getopt_long(argc, argv, "lhj:o:q", longopts, NULL)) != -1) {
        switch (ch) {
        case 'l': c.mode = MODE_LIST; break;
        case 'A': c.mode = MODE_ASM; break;
        case 'C': c.mode = MODE_CFG; break;
        case 'D': c.mode = MODE_DOT; c.dot_path = optarg; break;
        case 'J': c.json = 1; break;
        case 'h': usage(stdout); return EXIT_PASS;
        case 'V': puts("draco-check 0.1.0"); return EXIT_PASS;
        case 't': c.vopts.prog_type = optarg; break;
        case 's': c.vopts.strict = true; break;
        case 'z': c.vopts.allow_division_by_zero = true; break;
        case 'Z': c.vopts.allow_division_by_zero = false; break;
        case 'T': c.vopts.check_termination = false; break;
        case 'S':
            if (parse_u64("--stack-size", optarg, 1u << 20, &v) || v == 0)
                return EXIT_USAGE;
            c.vopts.stack_frame_size = (uint32_t)v;
            break;
        case 'P':
            if (parse_u64("--max-packet-size", optarg, 1u << 30, &v) || v == 0)
                return EXIT_USAGE;
            c.vopts.max_packet_size = v;
            break;
        case 'I': c.invariants = 1; c.vopts.collect_invariants = true; break;
        case 'L': {
            char *end;
            c.vopts.time_limit_seconds = strtod(optarg, &end);
            if (*end || c.vopts.time_limit_seconds < 0) {
                fprintf(stderr, "draco-check: --time-limit: bad number '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'j':
        case 'j' + 256:
            if (parse_u64("--jobs", optarg, 1024, &v))
                return EXIT_USAGE;
            c.jobs = (long)v;
            c.batch = true;
            break;
        case 'B': c.batch = true; break;
        case 'F':
            if (!draco_cli_format_parse(optarg, &c.format)) {
                fprintf(stderr, "draco-check: --format: expected table, csv, tsv or json, got '%s'\n", optarg);
                return EXIT_USAGE;
            }
            c.format_set = true;
            break;
        case 'o': c.output = optarg; c.batch = true; break;
        case 'q': c.quiet = true; break;
        case 'K': {
            char *end;
            c.timeout = strtod(optarg, &end);
            if (*end || !*optarg || c.timeout < 0) {
                fprintf(stderr, "draco-check: --timeout: bad number '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        }
        case 'c' + 256: c.compare = true; break;
        case 'S' + 256: c.sort = optarg; break;
        case 'M' + 256:
            if (parse_u64("--memory-limit", optarg, 1u << 24, &v) || v == 0)
                return EXIT_USAGE;
            c.memory_limit_mib = v;
            break;
        case 'p' + 256:
            if (!strcmp(optarg, "auto") || !strcmp(optarg, "off") || !strcmp(optarg, "full")) {
                c.vopts.partition = optarg[0] == 'a' ? DRACO_PARTITION_POLICY_AUTO
                                    : optarg[0] == 'o' ? DRACO_PARTITION_POLICY_OFF : DRACO_PARTITION_POLICY_FULL;
                break;
            }
            fprintf(stderr, "draco-check: --partition: expected auto, off or full, got '%s'\n", optarg);
            return EXIT_USAGE;
        case 'b' + 256:
            if (parse_u64("--partition-budget", optarg, 64, &v) || v == 0)
                return EXIT_USAGE;
            c.vopts.partition_budget = (uint32_t)v;
            break;
        case 'R' + 256: c.vopts.privileged = true; break;
        case 'r' + 256: c.vopts.rodata_from_object = false; break;
        case 'a' + 256: c.vopts.all_failures = true; break;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (c.compare) {
        if (argc - optind != 2 || c.mode != MODE_VERIFY || c.batch) {
            fputs("draco-check: --compare takes exactly two result files and no mode or batch option\n", stderr);
            return EXIT_USAGE;
        }
        if (c.json && !c.format_set)
            c.format = DRACO_CLI_FMT_JSON;
        return draco_cli_compare(argv[optind], argv[optind + 1], c.format, stdout);
    }
    if (c.format_set)
        c.batch = true;
    if (c.batch) {
        if (c.mode != MODE_VERIFY || c.invariants) {
            fputs("draco-check: batch mode only verifies (no --list, --asm, --cfg, --dot, --invariants)\n", stderr);
            return EXIT_USAGE;
        }
        if (optind >= argc) {
            usage(stderr);
            return EXIT_USAGE;
        }
        if (c.json && !c.format_set)
            c.format = DRACO_CLI_FMT_JSON;
        return do_batch(&c, argc - optind, argv + optind);
    }
    if (c.timeout > 0 || c.quiet || c.memory_limit_mib || c.sort) {
        fputs("draco-check: --timeout, --memory-limit, --sort and --quiet belong to batch mode (--jobs N)\n", stderr);
        return EXIT_USAGE;
    }
    if (optind >= argc || argc - optind > 3) {
        usage(stderr);
        return EXIT_USAGE;
    }
    c.file = argv[optind];
    c.section = optind + 1 < argc ? argv[optind + 1] : NULL;
    c.function = optind + 2 < argc ? argv[optind + 2] : NULL;

    draco_error err = {0};
    draco_object *obj = NULL;
    draco_status st = open_input(&c, &err, &obj);
    if (st != DRACO_OK) {
        const char *m = err.message[0] ? err.message : draco_status_str(st);
        /* messages from the loader already start with the file name */
        if (strncmp(m, c.file, strlen(c.file)) == 0)
            fprintf(stderr, "draco-check: %s\n", m);
        else
            fprintf(stderr, "draco-check: %s: %s\n", c.file, m);
        return status_exit(st);
    }
    size_t nsel = 0;
    for (size_t i = 0; i < draco_object_program_count(obj); i++)
        nsel += selected(&c, draco_object_program(obj, i));
    int rc;
    if (nsel == 0 && (c.section || c.mode != MODE_LIST)) {
        if (c.section)
            fprintf(stderr, "draco-check: %s: no program %s%s%s\n", c.file, c.section,
                    c.function ? "/" : "", c.function ? c.function : "");
        else
            fprintf(stderr, "draco-check: %s: no programs\n", c.file);
        rc = EXIT_BADINPUT;
    } else {
        switch (c.mode) {
        case MODE_LIST: rc = do_list(&c, obj); break;
        case MODE_ASM:
        case MODE_CFG:
        case MODE_DOT: rc = do_print(&c, obj); break;
        case MODE_VERIFY:
        default: rc = do_verify(&c, obj); break;
        }
    }
    draco_object_destroy(obj);
    return rc;
}
