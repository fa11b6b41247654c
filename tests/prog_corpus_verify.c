/* SPDX-License-Identifier: MIT */
/* prog_corpus_verify: verifies every program of the ebpf-samples corpus (load, decode, peephole,
 * CFG, draco_check_run) and tallies the verdicts against corpus/baselines/corpus.tsv `truth`.
 *
 * Usage: prog_corpus_verify SHARED_DIR [-v] [-f FILE_SUBSTRING] [-t SECONDS] [-p DISJUNCTS]
 *        [-P auto|off|full] [-b BUDGET] [-w WORK_FACTOR] [-W WINDOW] [-m FLOOR73] [-7] [-R]
 * -R: "root": the kernel's rules for a privileged loader (draco_analysis_opts.privileged);
 * every unsafe program must still be rejected (the kernel as root rejects them too).
 * -P: partitioning policy (default auto), -b: disjuncts per node of the partitioned round,
 * -w: its work limit as a multiple of the joined round's visits, -W: the window (CFG edges
 * before a failed assertion) where it partitions (4294967295: everywhere),
 * -p: max_disjuncts of the joined analysis (with -P off), -7: one line per program of the
 * "PREVAIL-rejected safe" set (truth safe, PREVAIL fail), -m: exit 3 if fewer of that set are
 * accepted than FLOOR73.
 * Prints one line per program (-v: also the first diagnostic), then the tally: unsafe rejected,
 * malformed refused (a file that fails to load counts as refused), safe-and-PREVAIL-accepted
 * accepted, PREVAIL-rejected safe accepted, disputed verdicts, time. Exit status: 1 if any unsafe or malformed program is
 * accepted (a soundness failure), 2 on usage/IO errors, 0 otherwise. Errors of the analysis
 * (limit, unsupported, internal) count as "not accepted", never as a pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/check.h"
#include "elf/object.h"
#include "tsv_split.h"
#include "ir/ir.h"
#include "cfg/cfg.h"

struct row {
    char *file, *section, *function, *truth, *prevail;
};

static size_t read_rows(const char *path, struct row **out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    static const int want[5] = {0, 1, 2, 5, 6};
    char line[16384];
    size_t n = 0, cap = 0;
    struct row *rows = NULL;
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *cols[16] = {0};
        int nc = tsv_split(line, cols, 16);
        if (nc < 7)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            rows = realloc(rows, cap * sizeof *rows);
            if (!rows)
                exit(2);
        }
        rows[n].file = tsv_xstrdup(cols[want[0]]);
        rows[n].section = tsv_xstrdup(cols[want[1]]);
        rows[n].function = tsv_xstrdup(cols[want[2]]);
        rows[n].truth = tsv_xstrdup(cols[want[3]]);
        rows[n].prevail = tsv_xstrdup(cols[want[4]]);
        n++;
    }
    fclose(f);
    *out = rows;
    return n;
}

enum verdict { V_PASS, V_FAIL, V_ERROR, V_LOADFAIL };
static const char *const vname[] = {"pass", "fail", "error", "load-error"};

struct vopts {
    double tlimit;
    uint32_t disj;
    enum draco_partition partition;
    uint32_t budget;
    uint32_t wfactor;
    uint32_t window;
    bool privileged;   /* -R: the kernel's rules for a root loader (draco_analysis_opts.privileged) */
};

static enum verdict verify_one(const struct draco_program *p, const struct vopts *vo, char *msg,
                               size_t msz, double *secs)
{
    struct draco_arena arena;
    draco_arena_init(&arena);
    draco_error err = {0};
    struct draco_ir_prog ir;
    struct draco_cfg cfg;
    struct draco_analysis_result res;
    enum verdict v = V_ERROR;
    double t0 = draco_now_seconds();
    msg[0] = 0;
    if (p->load_error) {
        snprintf(msg, msz, "%s", p->load_error);
        v = V_LOADFAIL;
        goto done;
    }
    if (draco_ir_decode(p->insns, p->n_slots, p->insn_flags, &arena, &err, &ir) != DRACO_OK ||
        draco_ir_validate_program(&ir, &err) != DRACO_OK) {
        snprintf(msg, msz, "decode: %s", err.message);
        goto done;
    }
    draco_ir_peephole(&ir);
    struct draco_cfg_opts co;
    draco_cfg_opts_init(&co);
    if (draco_cfg_build(&ir, &co, &arena, &err, &cfg) != DRACO_OK) {
        snprintf(msg, msz, "cfg: %s", err.message);
        goto done;
    }
    struct draco_analysis_opts ao;
    draco_analysis_opts_init(&ao);
    ao.time_limit_seconds = vo->tlimit;
    ao.max_disjuncts = vo->disj;
    ao.partition = vo->partition;
    ao.partition_budget = vo->budget;
    ao.partition_work_factor = vo->wfactor;
    ao.partition_window = vo->window;
    ao.privileged = vo->privileged;
    draco_status st = draco_check_run(p, &ir, &cfg, &ao, &arena, &err, &res);
    if (st != DRACO_OK) {
        snprintf(msg, msz, "%s (status %d)", err.message, (int)st);
        goto done;
    }
    if (res.passed) {
        v = V_PASS;
    } else {
        v = V_FAIL;
        if (res.n_diags)
            snprintf(msg, msz, "%s: %s (%s)", res.diags[0].label, res.diags[0].message,
                     res.diags[0].assertion ? res.diags[0].assertion : "");
    }
done:
    *secs = draco_now_seconds() - t0;
    draco_arena_fini(&arena);
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SHARED_DIR [-v] [-f FILE_SUBSTRING] [-t SECONDS] [-p DISJUNCTS]\n"
                "       [-P auto|off|full] [-b BUDGET] [-w WORK_FACTOR] [-W WINDOW] [-m FLOOR73] [-7] [-R]\n"
                "  -R: privileged (root) rules\n", argv[0]);
        return 2;
    }
    const char *shared = argv[1];
    bool verbose = false, show73 = false;
    const char *only = NULL;
    struct vopts vo = {.tlimit = 10, .disj = 0, .partition = DRACO_PARTITION_AUTO, .budget = 0};
    size_t floor73 = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (!strcmp(argv[i], "-R"))
            vo.privileged = true;
        else if (!strcmp(argv[i], "-7"))
            show73 = true;
        else if (!strcmp(argv[i], "-f") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            vo.tlimit = atof(argv[++i]);
        else if (!strcmp(argv[i], "-p") && i + 1 < argc)
            vo.disj = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc)
            vo.budget = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "-W") && i + 1 < argc)
            vo.window = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-w") && i + 1 < argc)
            vo.wfactor = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "-m") && i + 1 < argc)
            floor73 = (size_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "-P") && i + 1 < argc) {
            const char *m = argv[++i];
            vo.partition = !strcmp(m, "off") ? DRACO_PARTITION_OFF
                           : !strcmp(m, "full") ? DRACO_PARTITION_FULL : DRACO_PARTITION_AUTO;
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/corpus/baselines/corpus.tsv", shared);
    struct row *rows = NULL;
    size_t n = read_rows(path, &rows);
    if (!n) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    size_t unsafe_n = 0, unsafe_rej = 0, mal_n = 0, mal_rej = 0, safe_n = 0, safe_acc = 0;
    size_t unknown_acc = 0, unknown_n = 0, errors = 0, pr_n = 0, pr_acc = 0;
    bool unsound = false;
    double total = 0, worst = 0;
    const char *worst_name = "";
    char *cur_file = NULL;
    struct draco_object *obj = NULL;
    char cur_err[600] = "";
    for (size_t i = 0; i < n; i++) {
        struct row *r = &rows[i];
        if (only && !strstr(r->file, only))
            continue;
        if (!cur_file || strcmp(cur_file, r->file)) {
            draco_elf_object_free(obj);
            obj = NULL;
            free(cur_file);
            cur_file = tsv_xstrdup(r->file);
            cur_err[0] = 0;
            snprintf(path, sizeof path, "%s/corpus/ebpf-samples/%s", shared, r->file);
            void *img = NULL;
            size_t len = 0;
            draco_error err = {0};
            if (draco_file_read(path, &img, &len, &err) == DRACO_OK) {
                if (draco_elf_load(img, len, path, NULL, &err, &obj) != DRACO_OK)
                    obj = NULL;
                free(img);
            }
            if (!obj)
                snprintf(cur_err, sizeof cur_err, "%s", err.message);
        }
        const struct draco_program *p = NULL;
        for (size_t k = 0; obj && k < obj->n_progs; k++)
            if (!strcmp(obj->progs[k].section, r->section) && !strcmp(obj->progs[k].function, r->function))
                p = &obj->progs[k];
        enum verdict v;
        char msg[1024];
        double secs = 0;
        if (!obj) {
            v = V_LOADFAIL;
            snprintf(msg, sizeof msg, "%s", cur_err);
        } else if (!p) {
            v = V_LOADFAIL;
            snprintf(msg, sizeof msg, "program not found");
        } else {
            v = verify_one(p, &vo, msg, sizeof msg, &secs);
        }
        total += secs;
        if (secs > worst) {
            worst = secs;
            worst_name = r->function;
        }
        bool acc = v == V_PASS;
        if (v == V_ERROR)
            errors++;
        if (!strcmp(r->truth, "unsafe")) {
            unsafe_n++;
            unsafe_rej += !acc;
            unsound |= acc;
        } else if (!strcmp(r->truth, "malformed")) {
            mal_n++;
            mal_rej += !acc;
            unsound |= acc;
        } else if (!strcmp(r->truth, "safe") && !strcmp(r->prevail, "pass")) {
            safe_n++;
            safe_acc += acc;
        } else if (!strcmp(r->truth, "safe") && !strcmp(r->prevail, "fail")) {
            pr_n++;
            pr_acc += acc;
            if (show73)
                printf("P73 %s\t%s\t%s\tours=%s\t%.3fs\t%s\n", r->file, r->section, r->function,
                       vname[v], secs, msg);
        } else if (!strcmp(r->truth, "unknown")) {
            unknown_n++;
            unknown_acc += acc;
        }
        bool bad = (acc && (!strcmp(r->truth, "unsafe") || !strcmp(r->truth, "malformed"))) ||
                   (!acc && !strcmp(r->truth, "safe") && !strcmp(r->prevail, "pass"));
        if (verbose || bad || !strcmp(r->truth, "disputed"))
            printf("%s%s\t%s\t%s\ttruth=%s\tprevail=%s\tours=%s\t%.3fs\t%s\n", bad ? "MISMATCH " : "",
                   r->file, r->section, r->function, r->truth, r->prevail, vname[v], secs, msg);
    }
    draco_elf_object_free(obj);
    free(cur_file);
    printf("unsafe rejected %zu/%zu\n", unsafe_rej, unsafe_n);
    printf("malformed refused %zu/%zu\n", mal_rej, mal_n);
    printf("safe-and-PREVAIL-accepted accepted %zu/%zu\n", safe_acc, safe_n);
    printf("PREVAIL-rejected safe accepted %zu/%zu\n", pr_acc, pr_n);
    printf("unknown accepted %zu/%zu\n", unknown_acc, unknown_n);
    printf("analysis errors %zu\n", errors);
    printf("time %.2fs total, slowest %.2fs (%s)\n", total, worst, worst_name);
    for (size_t i = 0; i < n; i++) {
        free(rows[i].file);
        free(rows[i].section);
        free(rows[i].function);
        free(rows[i].truth);
        free(rows[i].prevail);
    }
    free(rows);
    if (only || vo.partition != DRACO_PARTITION_AUTO || vo.budget || vo.wfactor || vo.window)
        floor73 = 0;   /* a subset or another policy: no floor */
    if (!unsound && pr_acc < floor73)
        printf("FAIL: PREVAIL-rejected safe accepted %zu < floor %zu\n", pr_acc, floor73);
    return unsound ? 1 : pr_acc < floor73 ? 3 : 0;
}
