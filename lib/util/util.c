/* SPDX-License-Identifier: MIT */
/* util: arena, vectors, string builder, errors, small helpers.
 *
 * The arena hands out zeroed 16-byte aligned chunks from blocks it chains; large requests get a
 * block of their own. The string builder degrades to "oom" instead of failing each call.
 */
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct draco_arena_block {
    struct draco_arena_block *next;
    size_t cap;
    _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 65536u

void draco_arena_init(struct draco_arena *a) { memset(a, 0, sizeof *a); }

void draco_arena_fini(struct draco_arena *a)
{
    struct draco_arena_block *b = a->head;
    while (b) {
        struct draco_arena_block *n = b->next;
        free(b);
        b = n;
    }
    memset(a, 0, sizeof *a);
}

void *draco_arena_alloc(struct draco_arena *a, size_t size)
{
    size = (size + 15u) & ~(size_t)15u;
    if (size == 0)
        size = 16;
    if (!a->head || a->head->cap - a->used < size) {
        size_t cap = size > ARENA_BLOCK / 4 ? size : ARENA_BLOCK;
        if (cap > SIZE_MAX - sizeof(struct draco_arena_block))
            return NULL;
        struct draco_arena_block *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        a->total += cap;
        if (cap != ARENA_BLOCK && a->head) {
            /* big block: keep the current head for small allocations */
            b->next = a->head->next;
            a->head->next = b;
            memset(b->data, 0, size);
            return b->data;
        }
        b->next = a->head;
        a->head = b;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += size;
    memset(p, 0, size);
    return p;
}

char *draco_arena_strndup(struct draco_arena *a, const char *s, size_t n)
{
    char *p = draco_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

char *draco_arena_strdup(struct draco_arena *a, const char *s)
{
    return s ? draco_arena_strndup(a, s, strlen(s)) : NULL;
}

char *draco_arena_printf(struct draco_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = n >= 0 ? draco_arena_alloc(a, (size_t)n + 1) : NULL;
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

int draco_vec_reserve_raw(void **data, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return -1;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        return -1;
    void *p = realloc(*data, nc * elem);
    if (!p)
        return -1;
    *data = p;
    *cap = nc;
    return 0;
}

void draco_sb_init(struct draco_sb *sb) { memset(sb, 0, sizeof *sb); }
void draco_sb_fini(struct draco_sb *sb) { free(sb->buf); memset(sb, 0, sizeof *sb); }
void draco_sb_clear(struct draco_sb *sb) { sb->len = 0; if (sb->buf) sb->buf[0] = 0; }
const char *draco_sb_str(const struct draco_sb *sb) { return sb->buf ? sb->buf : ""; }

static bool sb_room(struct draco_sb *sb, size_t extra)
{
    if (sb->oom)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    size_t nc = sb->cap ? sb->cap : 128;
    while (nc < sb->len + extra + 1)
        nc *= 2;
    char *p = realloc(sb->buf, nc);
    if (!p) {
        sb->oom = true;
        return false;
    }
    sb->buf = p;
    sb->cap = nc;
    return true;
}

void draco_sb_puts(struct draco_sb *sb, const char *s)
{
    size_t n = strlen(s);
    if (!sb_room(sb, n))
        return;
    memcpy(sb->buf + sb->len, s, n + 1);
    sb->len += n;
}

void draco_sb_putc(struct draco_sb *sb, char c)
{
    if (!sb_room(sb, 1))
        return;
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = 0;
}

void draco_sb_vprintf(struct draco_sb *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0 && sb_room(sb, (size_t)n)) {
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap2);
        sb->len += (size_t)n;
    }
    va_end(ap2);
}

void draco_sb_printf(struct draco_sb *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    draco_sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void draco_sb_json_str(struct draco_sb *sb, const char *s)
{
    if (!s) {
        draco_sb_puts(sb, "null");
        return;
    }
    draco_sb_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': draco_sb_puts(sb, "\\\""); break;
        case '\\': draco_sb_puts(sb, "\\\\"); break;
        case '\n': draco_sb_puts(sb, "\\n"); break;
        case '\t': draco_sb_puts(sb, "\\t"); break;
        case '\r': draco_sb_puts(sb, "\\r"); break;
        default:
            if (*p < 0x20)
                draco_sb_printf(sb, "\\u%04x", *p);
            else
                draco_sb_putc(sb, (char)*p);
        }
    }
    draco_sb_putc(sb, '"');
}

draco_status draco_error_set(draco_error *err, draco_status st, const char *fmt, ...)
{
    if (err && err->status == DRACO_OK) {
        err->status = st;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return st;
}

void draco_error_clear(draco_error *err)
{
    if (err) {
        err->status = DRACO_OK;
        err->message[0] = 0;
    }
}

draco_status draco_file_read(const char *path, void **out, size_t *len, draco_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return draco_error_set(err, DRACO_ERR_INVALID, "%s: %s", path, strerror(errno));
    size_t cap = 0, n = 0;
    unsigned char *buf = NULL;
    for (;;) {
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 65536;
            unsigned char *p = realloc(buf, nc);
            if (!p) {
                free(buf);
                fclose(f);
                return draco_error_set(err, DRACO_ERR_NOMEM, "%s: out of memory", path);
            }
            buf = p;
            cap = nc;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return draco_error_set(err, DRACO_ERR_INVALID, "%s: read error", path);
    }
    *out = buf;
    *len = n;
    return DRACO_OK;
}

uint64_t draco_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    return h;
}

double draco_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *draco_status_str(draco_status st)
{
    switch (st) {
    case DRACO_OK: return "ok";
    case DRACO_ERR_INVALID: return "invalid input";
    case DRACO_ERR_UNSUPPORTED: return "unsupported";
    case DRACO_ERR_NOMEM: return "out of memory";
    case DRACO_ERR_LIMIT: return "limit exceeded";
    case DRACO_ERR_NOT_FOUND: return "not found";
    case DRACO_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}
