/* SPDX-License-Identifier: MIT */
/* util: arena, growable vectors, string builder, error records.
 *
 * Invariants: an arena owns every block it handed out until draco_arena_fini(); nothing in an arena
 * may own an external resource (no live mpz_t). Vectors are {data,len,cap} triples owned by their
 * holder. draco_sb never fails loudly: on allocation failure it sets `oom` and drops further text.
 * No function here keeps global state.
 */
#ifndef DRACO_UTIL_UTIL_H
#define DRACO_UTIL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "dracoverify.h"

#define DRACO_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DRACO_UNUSED(x) ((void)(x))
#if defined(__GNUC__)
#define DRACO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define DRACO_LIKELY(x) __builtin_expect(!!(x), 1)
#define DRACO_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define DRACO_PRINTF(a, b)
#define DRACO_LIKELY(x) (x)
#define DRACO_UNLIKELY(x) (x)
#endif

/* ---- arena ---- */
struct draco_arena_block;
struct draco_arena {
    struct draco_arena_block *head;
    size_t used;      /* bytes used in head */
    size_t total;     /* bytes obtained from malloc, for statistics */
};
void draco_arena_init(struct draco_arena *a);
void draco_arena_fini(struct draco_arena *a);
/* Zeroed, 16-byte aligned memory; NULL on out-of-memory. */
void *draco_arena_alloc(struct draco_arena *a, size_t size);
char *draco_arena_strdup(struct draco_arena *a, const char *s);
char *draco_arena_strndup(struct draco_arena *a, const char *s, size_t n);
char *draco_arena_printf(struct draco_arena *a, const char *fmt, ...) DRACO_PRINTF(2, 3);

/* ---- vectors ---- */
#define DRACO_VEC(T) struct { T *data; size_t len, cap; }
/* Grows *data to hold at least `need` elements of `elem` bytes; 0 or -1 on out-of-memory. */
int draco_vec_reserve_raw(void **data, size_t *cap, size_t need, size_t elem);
#define draco_vec_reserve(v, n) \
    draco_vec_reserve_raw((void **)&(v)->data, &(v)->cap, (n), sizeof *(v)->data)
/* Appends x; evaluates to 0, or -1 on out-of-memory (the vector is unchanged). */
#define draco_vec_push(v, x) \
    (((v)->len < (v)->cap || draco_vec_reserve((v), (v)->len + 1) == 0) \
         ? ((v)->data[(v)->len++] = (x), 0) : -1)
#define draco_vec_free(v) do { free((v)->data); (v)->data = NULL; (v)->len = (v)->cap = 0; } while (0)

/* ---- string builder ---- */
struct draco_sb {
    char *buf;        /* always NUL-terminated once anything was appended */
    size_t len, cap;
    bool oom;
};
void draco_sb_init(struct draco_sb *sb);
void draco_sb_fini(struct draco_sb *sb);
void draco_sb_puts(struct draco_sb *sb, const char *s);
void draco_sb_putc(struct draco_sb *sb, char c);
void draco_sb_printf(struct draco_sb *sb, const char *fmt, ...) DRACO_PRINTF(2, 3);
void draco_sb_vprintf(struct draco_sb *sb, const char *fmt, va_list ap);
/* Appends s as a JSON string literal (with quotes). */
void draco_sb_json_str(struct draco_sb *sb, const char *s);
const char *draco_sb_str(const struct draco_sb *sb); /* "" when empty */
void draco_sb_clear(struct draco_sb *sb);

/* ---- errors ---- */
/* Records the first error's status and message (a later call does not overwrite a set error). */
draco_status draco_error_set(draco_error *err, draco_status st, const char *fmt, ...) DRACO_PRINTF(3, 4);
void draco_error_clear(draco_error *err);

/* ---- misc ---- */
/* Reads a whole file; *out is malloc'ed. */
draco_status draco_file_read(const char *path, void **out, size_t *len, draco_error *err);
uint64_t draco_hash_bytes(const void *p, size_t n);
double draco_now_seconds(void);   /* monotonic clock */

#endif
