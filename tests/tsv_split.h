/* SPDX-License-Identifier: MIT */
/* tsv_split.h: reading the corpus baselines (TSV) in the tests that compare with them
 * (prog_corpus_list, prog_corpus_verify, check_platform_progtypes). Test code only. */
#ifndef DRACO_TESTS_TSV_SPLIT_H
#define DRACO_TESTS_TSV_SPLIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cuts the line end and splits `line` in place at tabs into at most `max` fields; returns how
 * many (>= 1). */
static inline int tsv_split(char *line, char **cols, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    cols[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = 0;
            cols[n++] = p + 1;
        }
    return n;
}

/* strdup that exits (status 2) when out of memory; NULL gives "". */
static inline char *tsv_xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return d;
}

#endif
