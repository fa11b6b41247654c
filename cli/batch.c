/* SPDX-License-Identifier: MIT */
/* batch: the runner of draco-check's batch mode (`--jobs N FILE...`).
 *
 * Work items are processes. A LIST worker opens one file and writes one line per program to its
 * pipe; the parent turns each line into a result record and queues a VERIFY worker for it. A VERIFY
 * worker opens the file again, verifies one program and writes one line with its verdict and phase
 * times. One process per program is what makes the peak memory (wait4's ru_maxrss) and CPU time
 * that program's own, as PREVAIL's and the kernel's baselines were measured; the parent never opens
 * an ELF file itself, so what a worker inherits at fork stays small.
 *
 * Invariants: at most `jobs` workers run at once; every worker's pipe is drained while it runs (a
 * worker never blocks on a full pipe); every started worker is reaped exactly once; a record exists
 * for every program listed, whatever happens to its worker (crash, timeout).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

enum job_kind { JOB_LIST, JOB_VERIFY };

struct job {
    enum job_kind kind;
    unsigned file_idx;
    size_t result;          /* VERIFY: index of its record in the result set */
    pid_t pid;
    int fd;
    char *buf;              /* what the worker wrote so far */
    size_t len, cap;
    double start, deadline; /* monotonic seconds; deadline 0 = none */
    bool killed;
};

struct batch {
    const struct draco_cli_batch_opts *opts;
    char *const *files;
    int nfiles;
    struct draco_cli_results *out;
    struct job *queue;      /* pending jobs, FIFO */
    size_t q_head, q_len, q_cap;
    struct job *running;    /* opts->jobs slots; pid 0 = free */
    unsigned n_running;
    size_t done, total;     /* programs verified / known so far */
    unsigned files_listed;
    size_t tally[DRACO_CLI_NVERDICTS];
    double t0, last_progress;
    bool progress_shown;
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this process (user + system). */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- worker side: everything below runs in the forked child, which ends with _exit() ---- */

/* Writes s with tabs and newlines turned into spaces (records are tab-separated lines). */
static void put_field(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* Resets the peak-RSS counter so that ru_maxrss reports this worker's own peak, not the parent's. */
static void reset_peak_rss(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t w = write(fd, "5", 1);
        (void)w;
        close(fd);
    }
}

static void open_failed(FILE *f, const char *file, draco_status st, const draco_error *err)
{
    const char *m = err->message[0] ? err->message : draco_status_str(st);
    fprintf(f, "E\t%d\t", (int)st);
    if (strncmp(m, file, strlen(file)) != 0) {
        put_field(f, file);
        fputs(": ", f);
    }
    put_field(f, m);
    fputc('\n', f);
}

/* LIST: "P\tidx\tsection\tfunction\ttype\tinsns\tload_error" per program, or one "E\tstatus\tmsg". */
static void worker_list(FILE *f, const char *file)
{
    draco_error err = {0};
    draco_object *obj = NULL;
    draco_status st = draco_object_open_file(file, NULL, &err, &obj);
    if (st != DRACO_OK) {
        open_failed(f, file, st, &err);
        return;
    }
    for (size_t i = 0; i < draco_object_program_count(obj); i++) {
        const draco_program *p = draco_object_program(obj, i);
        fprintf(f, "P\t%zu\t", i);
        put_field(f, draco_program_section(p));
        fputc('\t', f);
        put_field(f, draco_program_function(p));
        fputc('\t', f);
        put_field(f, draco_program_type_name(p));
        fprintf(f, "\t%zu\t", draco_program_insn_count(p));
        put_field(f, draco_program_load_error(p));
        fputc('\n', f);
    }
    if (draco_object_program_count(obj) == 0)
        fputs("E\t0\tno programs\n", f);
    draco_object_destroy(obj);
}

static enum draco_cli_verdict verdict_of_status(draco_status st)
{
    switch (st) {
    case DRACO_OK: return DRACO_CLI_PASS;
    case DRACO_ERR_INVALID:
    case DRACO_ERR_UNSUPPORTED:
    case DRACO_ERR_NOT_FOUND: return DRACO_CLI_ERROR;
    case DRACO_ERR_LIMIT: return DRACO_CLI_LIMIT;
    case DRACO_ERR_NOMEM:
    case DRACO_ERR_INTERNAL: return DRACO_CLI_INTERNAL;
    }
    return DRACO_CLI_INTERNAL;
}

/* VERIFY: "R\tverdict\tload\tverify\tdecode\tcfg\tanalysis\tcheck\titerations\tdiags\tload_cpu\t
 * verify_cpu\tmessage". */
static void worker_verify(FILE *f, const char *file, unsigned idx, const draco_verify_opts *vopts)
{
    reset_peak_rss();
    double c0 = cpu_now(), t0 = mono_now();
    draco_error err = {0};
    draco_object *obj = NULL;
    draco_status st = draco_object_open_file(file, NULL, &err, &obj);
    double load = mono_now() - t0, c1 = cpu_now();
    const draco_program *p = st == DRACO_OK ? draco_object_program(obj, idx) : NULL;
    if (st == DRACO_OK && !p) {
        st = DRACO_ERR_NOT_FOUND;
        snprintf(err.message, sizeof err.message, "%s: program %u disappeared", file, idx);
    }
    draco_report *rep = NULL;
    bool verified = st == DRACO_OK;
    if (st == DRACO_OK)
        st = draco_verify(p, vopts, &err, &rep);
    double c2 = cpu_now();
    enum draco_cli_verdict v = verdict_of_status(st);
    if (st == DRACO_OK && draco_report_verdict(rep) != DRACO_VERDICT_PASS)
        v = DRACO_CLI_FAIL;
    draco_report_stats s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    draco_report_get_stats(rep, &s);
    fprintf(f, "R\t%s\t%.6f\t", draco_cli_verdict_name(v), load);
    if (rep)
        /* the check pass is inside analysis_seconds until the engine times it apart */
        fprintf(f, "%.6f\t%.6f\t%.6f\t%.6f\t\t%llu\t%zu\t", s.total_seconds, s.decode_seconds,
                s.cfg_seconds, s.analysis_seconds, (unsigned long long)s.iterations,
                draco_report_diag_count(rep));
    else
        fputs("\t\t\t\t\t\t\t", f);
    fprintf(f, "%.6f\t", c1 - c0);
    if (verified)
        fprintf(f, "%.6f", c2 - c1);
    fputc('\t', f);
    if (st != DRACO_OK) {
        put_field(f, err.message[0] ? err.message : draco_status_str(st));
    } else if (draco_report_diag_count(rep) > 0) {
        const draco_diag *d = draco_report_diag(rep, 0);
        put_field(f, d->label ? d->label : "?");
        fputs(": ", f);
        put_field(f, d->message);
        if (d->assertion) {
            fputs(" (", f);
            put_field(f, d->assertion);
            fputc(')', f);
        }
    }
    fputc('\n', f);
    draco_report_destroy(rep);
    draco_object_destroy(obj);
}

static void worker_main(const struct batch *b, const struct job *j, int fd)
{
    if (b->opts->memory_limit_mib > 0) {
        /* a runaway analysis fails its own allocation (verdict internal or crash) instead of
         * taking the machine's memory */
        struct rlimit rl;
        rl.rlim_cur = rl.rlim_max = (rlim_t)b->opts->memory_limit_mib << 20;
        setrlimit(RLIMIT_AS, &rl);
    }
    /* stdout is the parent's table: a worker writes nothing there; stderr stays for crashes */
    FILE *f = fdopen(fd, "w");
    if (!f)
        _exit(71);
    if (j->kind == JOB_LIST)
        worker_list(f, b->files[j->file_idx]);
    else
        worker_verify(f, b->files[j->file_idx], b->out->v[j->result].prog_idx, b->opts->vopts);
    fclose(f);
    _exit(0);
}

/* ---- parent side ---- */

static int queue_push(struct batch *b, const struct job *j)
{
    if (b->q_head + b->q_len == b->q_cap) {
        if (b->q_head > 0) {
            memmove(b->queue, b->queue + b->q_head, b->q_len * sizeof *b->queue);
            b->q_head = 0;
        } else {
            size_t cap = b->q_cap ? b->q_cap * 2 : 64;
            struct job *q = realloc(b->queue, cap * sizeof *q);
            if (!q)
                return -1;
            b->queue = q;
            b->q_cap = cap;
        }
    }
    b->queue[b->q_head + b->q_len++] = *j;
    return 0;
}

static void progress(struct batch *b, bool force)
{
    if (!b->opts->progress)
        return;
    double now = mono_now();
    if (!force && now - b->last_progress < 0.2)
        return;
    b->last_progress = now;
    char line[512];
    int n = snprintf(line, sizeof line, "[%zu/%zu%s] %zu pass, %zu fail", b->done, b->total,
                     b->files_listed < (unsigned)b->nfiles ? "+" : "", b->tally[DRACO_CLI_PASS],
                     b->tally[DRACO_CLI_FAIL]);
    size_t other = b->done - b->tally[DRACO_CLI_PASS] - b->tally[DRACO_CLI_FAIL];
    if (other)
        n += snprintf(line + n, sizeof line - (size_t)n, ", %zu other", other);
    n += snprintf(line + n, sizeof line - (size_t)n, " | %.1f s", now - b->t0);
    /* the oldest running verification, usually the one that is taking long */
    const struct job *oldest = NULL;
    for (unsigned i = 0; i < b->opts->jobs; i++) {
        const struct job *j = &b->running[i];
        if (j->pid > 0 && j->kind == JOB_VERIFY && (!oldest || j->start < oldest->start))
            oldest = j;
    }
    if (oldest && n < 70) {
        const struct draco_cli_result *r = &b->out->v[oldest->result];
        snprintf(line + n, sizeof line - (size_t)n, " | %s %s/%s", r->file, r->section, r->function);
    }
    line[78] = '\0';  /* one terminal line */
    fprintf(stderr, "\r\033[K%s", line);
    b->progress_shown = true;
}

static int start_job(struct batch *b, struct job *slot, const struct job *j)
{
    int p[2];
    if (pipe(p) != 0) {
        perror("draco-check: pipe");
        return -1;
    }
    fflush(NULL);  /* nothing buffered may be written twice */
    *slot = *j;
    slot->start = mono_now();
    slot->deadline = b->opts->timeout_s > 0 ? slot->start + b->opts->timeout_s : 0;
    pid_t pid = fork();
    if (pid < 0) {
        perror("draco-check: fork");
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        /* other workers' pipes were inherited: close them so their EOF is not delayed */
        for (unsigned i = 0; i < b->opts->jobs; i++)
            if (b->running[i].pid > 0 && &b->running[i] != slot)
                close(b->running[i].fd);
        worker_main(b, slot, p[1]);
    }
    close(p[1]);
    fcntl(p[0], F_SETFD, FD_CLOEXEC);
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    slot->pid = pid;
    slot->fd = p[0];
    slot->buf = NULL;
    slot->len = slot->cap = 0;
    slot->killed = false;
    b->n_running++;
    return 0;
}

/* Splits a line at tabs into at most max fields (in place); returns the number of fields. */
static int split_tabs(char *line, char **fields, int max)
{
    int n = 0;
    fields[n++] = line;
    for (char *s = line; *s && n < max; s++)
        if (*s == '\t') {
            *s = '\0';
            fields[n++] = s + 1;
        }
    return n;
}

static double field_seconds(const char *s)
{
    return *s ? strtod(s, NULL) : -1.0;
}

static int64_t field_int(const char *s)
{
    return *s ? strtoll(s, NULL, 10) : -1;
}

static void count_verdict(struct batch *b, const struct draco_cli_result *r)
{
    b->tally[r->verdict]++;
    b->done++;
}

static struct draco_cli_result *new_record(struct batch *b, unsigned file_idx)
{
    struct draco_cli_result *r = draco_cli_results_push(b->out);
    if (!r)
        return NULL;
    r->file_idx = file_idx;
    r->file = draco_cli_strdup(b->files[file_idx]);
    return r->file ? r : NULL;
}

/* A file-level failure (cannot open, no programs, LIST worker crashed) as one record. */
static int file_record(struct batch *b, unsigned file_idx, enum draco_cli_verdict v, const char *msg)
{
    struct draco_cli_result *r = new_record(b, file_idx);
    if (!r)
        return -1;
    r->verdict = v;
    r->section = draco_cli_strdup("");
    r->function = draco_cli_strdup("");
    r->type = draco_cli_strdup("");
    r->message = draco_cli_strdup(msg);
    if (!r->section || !r->function || !r->type || !r->message)
        return -1;
    b->total++;
    count_verdict(b, r);
    return 0;
}

static int finish_list(struct batch *b, struct job *j, int status)
{
    b->files_listed++;
    bool any = false;
    char *save = NULL;
    for (char *line = j->buf ? strtok_r(j->buf, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        char *f[8];
        int n = split_tabs(line, f, 8);
        any = true;
        if (f[0][0] == 'E' && n >= 3) {
            draco_status st = (draco_status)atoi(f[1]);
            enum draco_cli_verdict v = st == DRACO_ERR_NOMEM || st == DRACO_ERR_INTERNAL ? DRACO_CLI_INTERNAL
                                     : st == DRACO_ERR_LIMIT ? DRACO_CLI_LIMIT : DRACO_CLI_ERROR;
            if (file_record(b, j->file_idx, v, f[2]))
                return -1;
        } else if (f[0][0] == 'P' && n >= 7) {
            struct draco_cli_result *r = new_record(b, j->file_idx);
            if (!r)
                return -1;
            r->prog_idx = (unsigned)strtoul(f[1], NULL, 10);
            r->section = draco_cli_strdup(f[2]);
            r->function = draco_cli_strdup(f[3]);
            r->type = draco_cli_strdup(f[4]);
            r->insns = field_int(f[5]);
            r->message = draco_cli_strdup(f[6]);
            if (!r->section || !r->function || !r->type || !r->message)
                return -1;
            b->total++;
            struct job v = {.kind = JOB_VERIFY, .file_idx = j->file_idx, .result = b->out->n - 1};
            if (queue_push(b, &v))
                return -1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !any) {
        char msg[128];
        if (WIFSIGNALED(status))
            snprintf(msg, sizeof msg, "loader crashed (signal %d)", WTERMSIG(status));
        else if (j->killed)
            snprintf(msg, sizeof msg, "loading took longer than %g s (--timeout)", b->opts->timeout_s);
        else
            snprintf(msg, sizeof msg, "loader exited with status %d", WEXITSTATUS(status));
        if (!any || WIFSIGNALED(status))
            return file_record(b, j->file_idx, j->killed ? DRACO_CLI_TIMEOUT : DRACO_CLI_CRASH, msg);
    }
    return 0;
}

static int finish_verify(struct batch *b, struct job *j, int status, const struct rusage *ru, double wall)
{
    struct draco_cli_result *r = &b->out->v[j->result];
    r->wall_s = wall;
    r->cpu_s = (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec * 1e-6 +
               (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec * 1e-6;
    r->sys_s = (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec * 1e-6;
    r->minflt = ru->ru_minflt;
    r->peak_rss_kib = ru->ru_maxrss;
    char *nl = j->buf ? strchr(j->buf, '\n') : NULL;
    char *f[13];
    int n = 0;
    if (nl && j->buf[0] == 'R') {
        *nl = '\0';
        n = split_tabs(j->buf, f, 13);
    }
    char msg[160];
    /* past the deadline is a timeout even when the worker finished before the kill landed */
    bool late = j->killed || (b->opts->timeout_s > 0 && wall > b->opts->timeout_s);
    if (!late && n == 13 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (!draco_cli_verdict_parse(f[1], &r->verdict))
            r->verdict = DRACO_CLI_INTERNAL;
        r->load_s = field_seconds(f[2]);
        r->verify_s = field_seconds(f[3]);
        r->decode_s = field_seconds(f[4]);
        r->cfg_s = field_seconds(f[5]);
        r->analysis_s = field_seconds(f[6]);
        r->check_s = field_seconds(f[7]);
        r->iterations = field_int(f[8]);
        r->diags = field_int(f[9]);
        r->load_cpu_s = field_seconds(f[10]);
        r->verify_cpu_s = field_seconds(f[11]);
        free(r->message);
        r->message = draco_cli_strdup(f[12]);
    } else {
        if (late) {
            r->verdict = DRACO_CLI_TIMEOUT;
            snprintf(msg, sizeof msg, "took longer than %g s (--timeout)", b->opts->timeout_s);
        } else if (WIFSIGNALED(status)) {
            r->verdict = DRACO_CLI_CRASH;
            snprintf(msg, sizeof msg, "worker crashed (signal %d: %s)", WTERMSIG(status),
                     strsignal(WTERMSIG(status)));
        } else {
            r->verdict = DRACO_CLI_CRASH;
            snprintf(msg, sizeof msg, "worker exited with status %d and no result", WEXITSTATUS(status));
        }
        free(r->message);
        r->message = draco_cli_strdup(msg);
    }
    if (!r->message)
        return -1;
    count_verdict(b, r);
    return 0;
}

/* Reads what is available from a worker; returns 1 at EOF, 0 otherwise, -1 on failure. */
static int drain(struct job *j)
{
    for (;;) {
        if (j->cap - j->len < 4096) {
            size_t cap = j->cap ? j->cap * 2 : 8192;
            char *nb = realloc(j->buf, cap);
            if (!nb)
                return -1;
            j->buf = nb;
            j->cap = cap;
        }
        ssize_t n = read(j->fd, j->buf + j->len, j->cap - j->len - 1);
        if (n > 0) {
            j->len += (size_t)n;
            j->buf[j->len] = '\0';
            continue;
        }
        if (n == 0)
            return 1;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        return 1;  /* treat a read error like EOF: the worker's status tells the rest */
    }
}

static int reap(struct batch *b, struct job *j)
{
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(j->pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("draco-check: wait4");
            return -1;
        }
    }
    double wall = mono_now() - j->start;
    close(j->fd);
    int rc = j->kind == JOB_LIST ? finish_list(b, j, status) : finish_verify(b, j, status, &ru, wall);
    free(j->buf);
    j->buf = NULL;
    j->pid = 0;
    b->n_running--;
    return rc;
}

/* Waits for output, EOFs or deadlines; reaps every finished worker. */
static int step(struct batch *b)
{
    struct pollfd pfd[64];
    struct job *who[64];
    unsigned n = 0;
    double now = mono_now(), next = now + 0.25;
    for (unsigned i = 0; i < b->opts->jobs && n < 64; i++) {
        struct job *j = &b->running[i];
        if (j->pid <= 0)
            continue;
        if (j->deadline > 0 && !j->killed && j->deadline <= now) {
            kill(j->pid, SIGKILL);
            j->killed = true;
        }
        if (j->deadline > 0 && !j->killed && j->deadline < next)
            next = j->deadline;
        pfd[n].fd = j->fd;
        pfd[n].events = POLLIN;
        pfd[n].revents = 0;
        who[n++] = j;
    }
    int timeout_ms = (int)ceil((next - now) * 1000.0);
    int r = poll(pfd, n, timeout_ms < 0 ? 0 : timeout_ms);
    if (r < 0 && errno != EINTR) {
        perror("draco-check: poll");
        return -1;
    }
    for (unsigned i = 0; r > 0 && i < n; i++) {
        if (!pfd[i].revents)
            continue;
        int e = drain(who[i]);
        if (e < 0)
            return -1;
        if (e == 1 && reap(b, who[i]))
            return -1;
    }
    progress(b, false);
    return 0;
}

int draco_cli_batch_run(const struct draco_cli_batch_opts *opts, int nfiles, char *const *files,
                        struct draco_cli_results *out)
{
    struct batch b;
    memset(&b, 0, sizeof b);
    b.opts = opts;
    b.files = files;
    b.nfiles = nfiles;
    b.out = out;
    b.t0 = mono_now();
    int rc = -1;
    unsigned jobs = opts->jobs > 64 ? 64 : opts->jobs ? opts->jobs : 1;
    struct draco_cli_batch_opts o = *opts;
    o.jobs = jobs;
    b.opts = &o;
    b.running = calloc(jobs, sizeof *b.running);
    if (!b.running)
        goto fail;
    for (int i = 0; i < nfiles; i++) {
        struct job j = {.kind = JOB_LIST, .file_idx = (unsigned)i};
        if (queue_push(&b, &j))
            goto fail;
    }
    while (b.q_len > 0 || b.n_running > 0) {
        for (unsigned i = 0; i < jobs && b.q_len > 0; i++) {
            if (b.running[i].pid > 0)
                continue;
            struct job j = b.queue[b.q_head++];
            b.q_len--;
            if (start_job(&b, &b.running[i], &j))
                goto fail;
        }
        if (step(&b))
            goto fail;
    }
    rc = 0;
fail:
    if (rc != 0 && b.running) {
        for (unsigned i = 0; i < jobs; i++)
            if (b.running[i].pid > 0) {
                kill(b.running[i].pid, SIGKILL);
                waitpid(b.running[i].pid, NULL, 0);
                close(b.running[i].fd);
                free(b.running[i].buf);
            }
    }
    if (b.progress_shown)
        fputs("\r\033[K", stderr);
    free(b.running);
    free(b.queue);
    draco_cli_results_sort(out);
    return rc;
}
