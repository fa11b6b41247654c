/* SPDX-License-Identifier: MIT */
/* prog_corpus_list: loads every file of the ebpf-samples corpus with draco_elf_load() and checks
 * the program listing against PREVAIL's baseline (corpus/baselines/prevail.tsv).
 *
 * Usage: prog_corpus_list SHARED_DIR. For every file PREVAIL listed, the (section, function)
 * pairs must be equal as multisets; files PREVAIL could not open (verdict error, section "-")
 * must be refused with a message; programs whose `expected` is reject_load must carry a load
 * error; every other listed program must load without one. Files that are not in the baseline
 * only have to load or be refused without crashing. Exit status 0 when everything matches.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "elf/object.h"
#include "tsv_split.h"

struct row {
    char *file, *section, *function, *verdict, *message, *expected;
};

struct pair {
    const char *section, *function;
};

struct corpus {
    struct row *rows;
    size_t n_rows;
    char **files;
    size_t n_files, cap_files;
    size_t root_len;
};

static int read_tsv(const char *path, struct corpus *c)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[8192];
    size_t cap = 0;
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *cols[12] = {0};
        int n = tsv_split(line, cols, 12);
        if (n < 10)
            continue;
        if (c->n_rows == cap) {
            cap = cap ? cap * 2 : 256;
            c->rows = realloc(c->rows, cap * sizeof *c->rows);
            if (!c->rows)
                exit(2);
        }
        struct row *r = &c->rows[c->n_rows++];
        r->file = tsv_xstrdup(cols[0]);
        r->section = tsv_xstrdup(cols[1]);
        r->function = tsv_xstrdup(cols[2]);
        r->verdict = tsv_xstrdup(cols[3]);
        r->message = tsv_xstrdup(cols[4]);
        r->expected = tsv_xstrdup(cols[9]);
    }
    fclose(f);
    return 0;
}

static void walk_dir(struct corpus *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(p, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            walk_dir(c, p);
            continue;
        }
        if (!S_ISREG(sb.st_mode))
            continue;
        if (c->n_files == c->cap_files) {
            c->cap_files = c->cap_files ? c->cap_files * 2 : 256;
            c->files = realloc(c->files, c->cap_files * sizeof *c->files);
            if (!c->files)
                exit(2);
        }
        c->files[c->n_files++] = tsv_xstrdup(p + c->root_len);
    }
    closedir(d);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int pair_cmp(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    int d = strcmp(x->section, y->section);
    return d ? d : strcmp(x->function, y->function);
}

static bool read_file(const char *path, void **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    size_t got;
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!b)
        return false;
    *buf = b;
    *len = n;
    return true;
}

int main(int argc, char **argv)
{
    const char *shared = argc > 1 ? argv[1] : "../shared";
    const bool verbose = argc > 2 && strcmp(argv[2], "-v") == 0;
    char path[4096];
    struct corpus c = {0};
    snprintf(path, sizeof path, "%s/corpus/baselines/prevail.tsv", shared);
    if (read_tsv(path, &c) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    char root[4096];
    snprintf(root, sizeof root, "%s/corpus/ebpf-samples", shared);
    c.root_len = strlen(root) + 1;
    walk_dir(&c, root);
    if (c.n_files == 0) {
        fprintf(stderr, "no files under %s\n", root);
        return 2;
    }
    qsort(c.files, c.n_files, sizeof *c.files, str_cmp);

    size_t files_listed = 0, files_equal = 0, refused_want = 0, refused_ok = 0;
    size_t load_want = 0, load_ok = 0, total_progs = 0, failures = 0;
    for (size_t fi = 0; fi < c.n_files; fi++) {
        const char *file = c.files[fi];
        snprintf(path, sizeof path, "%.2000s/%.2000s", root, file);
        void *buf = NULL;
        size_t len = 0;
        if (!read_file(path, &buf, &len)) {
            fprintf(stderr, "FAIL %s: cannot read\n", file);
            failures++;
            continue;
        }
        draco_error err = {0};
        struct draco_object *obj = NULL;
        draco_status st = draco_elf_load(buf, len, file, NULL, &err, &obj);
        free(buf);

        size_t n_want = 0;
        bool want_refused = false;
        for (size_t i = 0; i < c.n_rows; i++) {
            if (strcmp(c.rows[i].file, file) != 0)
                continue;
            if (strcmp(c.rows[i].section, "-") == 0 && strcmp(c.rows[i].verdict, "error") == 0)
                want_refused = true;
            else
                n_want++;
        }
        bool in_baseline = want_refused || n_want;
        if (want_refused) {
            refused_want++;
            if (st != DRACO_OK && err.message[0]) {
                refused_ok++;
                if (verbose)
                    printf("ok   %s: refused: %s\n", file, err.message);
            } else {
                fprintf(stderr, "FAIL %s: PREVAIL refuses this file, we loaded it\n", file);
                failures++;
            }
            draco_elf_object_free(obj);
            continue;
        }
        if (st != DRACO_OK) {
            if (in_baseline) {
                fprintf(stderr, "FAIL %s: refused: %s\n", file, err.message);
                failures++;
            } else if (verbose) {
                printf("info %s (not in baseline): refused: %s\n", file, err.message);
            }
            continue;
        }
        total_progs += obj->n_progs;
        if (!in_baseline) {
            if (verbose)
                printf("info %s (not in baseline): %zu programs\n", file, obj->n_progs);
            draco_elf_object_free(obj);
            continue;
        }
        files_listed++;
        struct pair *want = calloc(n_want ? n_want : 1, sizeof *want);
        struct pair *got = calloc(obj->n_progs ? obj->n_progs : 1, sizeof *got);
        if (!want || !got)
            return 2;
        size_t k = 0;
        for (size_t i = 0; i < c.n_rows; i++) {
            const struct row *r = &c.rows[i];
            if (strcmp(r->file, file) != 0)
                continue;
            want[k].section = r->section;
            want[k].function = r->function;
            k++;
            const struct draco_program *p = NULL;
            for (size_t j = 0; j < obj->n_progs; j++) {
                if (strcmp(obj->progs[j].section, r->section) == 0 &&
                    strcmp(obj->progs[j].function, r->function) == 0)
                    p = &obj->progs[j];
            }
            if (!p)
                continue; /* reported by the listing comparison */
            if (strcmp(r->expected, "reject_load") == 0) {
                refused_want++;
                if (p->load_error && p->load_error[0]) {
                    refused_ok++;
                    if (verbose)
                        printf("ok   %s %s/%s: refused: %s\n", file, r->section, r->function,
                               p->load_error);
                } else {
                    fprintf(stderr, "FAIL %s %s/%s: PREVAIL refuses it at load, we loaded it\n",
                            file, r->section, r->function);
                    failures++;
                }
            } else {
                load_want++;
                if (!p->load_error) {
                    load_ok++;
                } else {
                    fprintf(stderr, "FAIL %s %s/%s: unexpected load error: %s\n", file,
                            r->section, r->function, p->load_error);
                    failures++;
                }
            }
        }
        for (size_t j = 0; j < obj->n_progs; j++) {
            got[j].section = obj->progs[j].section;
            got[j].function = obj->progs[j].function;
        }
        qsort(want, n_want, sizeof *want, pair_cmp);
        qsort(got, obj->n_progs, sizeof *got, pair_cmp);
        bool equal = n_want == obj->n_progs;
        for (size_t j = 0; equal && j < n_want; j++)
            equal = pair_cmp(&want[j], &got[j]) == 0;
        if (equal) {
            files_equal++;
        } else {
            failures++;
            fprintf(stderr, "FAIL %s: listing differs (PREVAIL %zu, draco %zu)\n", file, n_want,
                    obj->n_progs);
            size_t a = 0, b = 0;
            while (a < n_want || b < obj->n_progs) {
                int d = a >= n_want ? 1 : b >= obj->n_progs ? -1 : pair_cmp(&want[a], &got[b]);
                if (d == 0) {
                    a++;
                    b++;
                } else if (d < 0) {
                    fprintf(stderr, "   - %s/%s (PREVAIL only)\n", want[a].section, want[a].function);
                    a++;
                } else {
                    fprintf(stderr, "   + %s/%s (draco only)\n", got[b].section, got[b].function);
                    b++;
                }
            }
        }
        free(want);
        free(got);
        draco_elf_object_free(obj);
    }
    printf("files %zu, pairs equal %zu/%zu, refused %zu/%zu, loaded %zu/%zu, programs %zu\n",
           c.n_files, files_equal, files_listed, refused_ok, refused_want, load_ok, load_want,
           total_progs);
    for (size_t i = 0; i < c.n_rows; i++) {
        free(c.rows[i].file);
        free(c.rows[i].section);
        free(c.rows[i].function);
        free(c.rows[i].verdict);
        free(c.rows[i].message);
        free(c.rows[i].expected);
    }
    free(c.rows);
    for (size_t i = 0; i < c.n_files; i++)
        free(c.files[i]);
    free(c.files);
    return failures ? 1 : 0;
}
