/* SPDX-License-Identifier: MIT */
/* elf: .BTF.ext — line info records attached to section offsets, and CO-RE relocations applied
 * against the object's own BTF (there is no target kernel BTF), plus .ksyms kfunc lookup.
 *
 * Invariants: every .BTF.ext header field, sub-section and record is checked to lie inside the
 * section before it is read; record sizes below the known minimum are refused. CO-RE access
 * strings are parsed with a bound on their length and each step is checked against the type it
 * indexes (member count, array length). Because local and target BTF are the same, each computed
 * value must equal what the compiler already encoded in the instruction; a mismatch, or a
 * relocation we cannot compute, marks that instruction as refused (never a guessed value).
 */
#include "elf/elf_internal.h"

#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#define BTF_EXT_MAGIC 0xeB9F
#define MAX_ACCESS 64

enum core_kind {
    CORE_FIELD_BYTE_OFFSET = 0,
    CORE_FIELD_BYTE_SIZE = 1,
    CORE_FIELD_EXISTS = 2,
    CORE_FIELD_SIGNED = 3,
    CORE_FIELD_LSHIFT_U64 = 4,
    CORE_FIELD_RSHIFT_U64 = 5,
    CORE_TYPE_ID_LOCAL = 6,
    CORE_TYPE_ID_TARGET = 7,
    CORE_TYPE_EXISTS = 8,
    CORE_TYPE_SIZE = 9,
    CORE_ENUMVAL_EXISTS = 10,
    CORE_ENUMVAL_VALUE = 11,
    CORE_TYPE_MATCHES = 12,
};

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

uint32_t draco_elf_btf_ksym_func(const struct draco_elf_ctx *ctx, const char *name)
{
    const struct btf *btf = ctx->btf;
    if (!btf || !name)
        return 0;
    uint32_t n = btf__type_cnt(btf);
    for (uint32_t id = 1; id < n; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        if (!t || !btf_is_datasec(t))
            continue;
        const char *dn = btf__name_by_offset(btf, t->name_off);
        if (!dn || strcmp(dn, ".ksyms") != 0)
            continue;
        const struct btf_var_secinfo *vs = btf_var_secinfos(t);
        for (uint16_t i = 0; i < btf_vlen(t); i++) {
            const struct btf_type *f = btf__type_by_id(btf, vs[i].type);
            if (!f || !btf_is_func(f))
                continue;
            const char *fn = btf__name_by_offset(btf, f->name_off);
            if (fn && strcmp(fn, name) == 0)
                return vs[i].type;
        }
    }
    return 0;
}

static int sec_by_name(const struct draco_elf_ctx *ctx, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 1; i < ctx->n_secs; i++)
        if (ctx->secs[i].is_exec && strcmp(ctx->secs[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* ---- line info ---- */

static int line_cmp(const void *a, const void *b)
{
    const struct draco_elf_line *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

static const char *btf_str_copy(struct draco_elf_ctx *ctx, uint32_t off, uint32_t *cache_off,
                                const char **cache)
{
    if (cache_off && *cache && *cache_off == off)
        return *cache;
    const char *s = btf__name_by_offset(ctx->btf, off);
    if (!s || !s[0])
        return NULL;
    const char *c = draco_arena_strdup(&ctx->obj->arena, s);
    if (cache_off && c) {
        *cache_off = off;
        *cache = c;
    }
    return c;
}

/* Walks one info sub-section [p, p+len): rec_size, then {sec_name_off, num_info, records}. */
typedef bool (*draco_elf_rec_fn)(struct draco_elf_ctx *ctx, int sec, const uint8_t *rec);

static const char *info_walk(struct draco_elf_ctx *ctx, const uint8_t *p, uint32_t len,
                             uint32_t min_rec, draco_elf_rec_fn fn)
{
    if (len == 0)
        return NULL;
    if (len < 4)
        return "truncated info section";
    uint32_t rec = rd32(p);
    if (rec < min_rec || rec % 4 != 0)
        return "bad record size";
    uint32_t pos = 4;
    while (pos < len) {
        if (len - pos < 8)
            return "truncated info block";
        uint32_t name_off = rd32(p + pos), num = rd32(p + pos + 4);
        pos += 8;
        if (num == 0 || (uint64_t)num * rec > len - pos)
            return "info block out of bounds";
        int sec = sec_by_name(ctx, btf__name_by_offset(ctx->btf, name_off));
        for (uint32_t i = 0; i < num; i++, pos += rec)
            if (sec > 0 && !fn(ctx, sec, p + pos))
                return "out of memory";
    }
    return NULL;
}

static bool line_rec(struct draco_elf_ctx *ctx, int sec, const uint8_t *r)
{
    struct draco_elf_sec *s = &ctx->secs[sec];
    uint32_t off = rd32(r), lc = rd32(r + 12);
    if (off % 8 != 0 || off >= s->size)
        return true; /* a stray record: ignore it */
    struct draco_elf_line l = {0};
    l.off = off;
    const char *file_cache = s->lines.len ? s->lines.data[s->lines.len - 1].file : NULL;
    uint32_t file_off = rd32(r + 4);
    l.file = btf_str_copy(ctx, file_off, NULL, NULL);
    if (file_cache && l.file && strcmp(file_cache, l.file) == 0)
        l.file = file_cache; /* the arena copy is wasted but small; keep one pointer per run */
    l.text = btf_str_copy(ctx, rd32(r + 8), NULL, NULL);
    l.line = lc >> 10;
    l.column = lc & 0x3ff;
    return draco_vec_push(&s->lines, l) == 0;
}

static bool func_rec(struct draco_elf_ctx *ctx, int sec, const uint8_t *r)
{
    DRACO_UNUSED(ctx);
    DRACO_UNUSED(sec);
    DRACO_UNUSED(r);
    return true; /* function boundaries come from the symbol table */
}

/* ---- CO-RE ---- */

struct core_field {
    uint64_t bit_off;
    uint32_t bit_sz;      /* bitfield size, 0 if not a bitfield */
    uint32_t type;        /* field type (modifiers skipped) */
};

static const char *access_parse(const char *s, uint32_t *acc, size_t *n)
{
    *n = 0;
    if (!s || !*s)
        return "empty access string";
    while (*s) {
        if (*n >= MAX_ACCESS)
            return "access string too long";
        uint64_t v = 0;
        if (*s < '0' || *s > '9')
            return "bad access string";
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (uint64_t)(*s - '0');
            if (v > UINT32_MAX)
                return "bad access string";
            s++;
        }
        acc[(*n)++] = (uint32_t)v;
        if (*s == ':')
            s++;
        else if (*s)
            return "bad access string";
    }
    return NULL;
}

static const char *field_walk(const struct btf *btf, uint32_t root, const uint32_t *acc, size_t n,
                              struct core_field *f)
{
    long long rsz = btf__resolve_size(btf, root);
    if (rsz < 0)
        return "cannot size the root type";
    uint32_t cur = draco_elf_btf_skip_mods(btf, root);
    if (!cur)
        return "bad root type";
    f->bit_off = (uint64_t)acc[0] * (uint64_t)rsz * 8;
    f->bit_sz = 0;
    for (size_t i = 1; i < n; i++) {
        const struct btf_type *t = btf__type_by_id(btf, cur);
        if (!t)
            return "bad type";
        if (btf_is_composite(t)) {
            if (acc[i] >= btf_vlen(t))
                return "member index out of range";
            const struct btf_member *m = btf_members(t) + acc[i];
            f->bit_off += btf_member_bit_offset(t, acc[i]);
            f->bit_sz = btf_member_bitfield_size(t, acc[i]);
            cur = draco_elf_btf_skip_mods(btf, m->type);
        } else if (btf_is_array(t)) {
            const struct btf_array *a = btf_array(t);
            if (a->nelems && acc[i] >= a->nelems)
                return "array index out of range";
            long long esz = btf__resolve_size(btf, a->type);
            if (esz < 0)
                return "cannot size the array element";
            f->bit_off += (uint64_t)acc[i] * (uint64_t)esz * 8;
            f->bit_sz = 0;
            cur = draco_elf_btf_skip_mods(btf, a->type);
        } else {
            return "access into a non-composite type";
        }
        if (!cur)
            return "bad member type";
        if (f->bit_off > ((uint64_t)1 << 40))
            return "field offset too large";
    }
    f->type = cur;
    return NULL;
}

static const char *core_compute(const struct btf *btf, uint32_t root, uint32_t kind,
                                const char *spec, uint64_t *val)
{
    uint32_t acc[MAX_ACCESS];
    size_t n = 0;
    const char *why = access_parse(spec, acc, &n);
    if (why)
        return why;
    if (!btf__type_by_id(btf, root) || root == 0)
        return "bad type id";
    switch ((enum core_kind)kind) {
    case CORE_TYPE_ID_LOCAL:
    case CORE_TYPE_ID_TARGET:
        *val = root;
        return NULL;
    case CORE_TYPE_EXISTS:
    case CORE_TYPE_MATCHES:
        *val = 1;
        return NULL;
    case CORE_TYPE_SIZE: {
        long long sz = btf__resolve_size(btf, root);
        if (sz < 0)
            return "cannot size the type";
        *val = (uint64_t)sz;
        return NULL;
    }
    case CORE_ENUMVAL_EXISTS:
    case CORE_ENUMVAL_VALUE: {
        const struct btf_type *t = btf__type_by_id(btf, draco_elf_btf_skip_mods(btf, root));
        if (!t || !(btf_is_enum(t) || btf_is_enum64(t)))
            return "enum relocation on a non-enum type";
        if (acc[0] >= btf_vlen(t))
            return "enumerator index out of range";
        if (kind == CORE_ENUMVAL_EXISTS)
            *val = 1;
        else if (btf_is_enum(t))
            *val = (uint64_t)(int64_t)btf_enum(t)[acc[0]].val;
        else
            *val = btf_enum64_value(btf_enum64(t) + acc[0]);
        return NULL;
    }
    case CORE_FIELD_BYTE_OFFSET:
    case CORE_FIELD_BYTE_SIZE:
    case CORE_FIELD_EXISTS:
    case CORE_FIELD_SIGNED:
    case CORE_FIELD_LSHIFT_U64:
    case CORE_FIELD_RSHIFT_U64:
        break;
    default:
        return "unknown CO-RE relocation kind";
    }
    struct core_field f;
    if ((why = field_walk(btf, root, acc, n, &f)) != NULL)
        return why;
    if (kind == CORE_FIELD_EXISTS) {
        *val = 1;
        return NULL;
    }
    const struct btf_type *ft = btf__type_by_id(btf, f.type);
    if (!ft)
        return "bad field type";
    long long tsz = btf__resolve_size(btf, f.type);
    if (tsz < 0)
        return "cannot size the field";
    uint64_t byte_sz = (uint64_t)tsz, byte_off, bit_sz;
    if (f.bit_sz == 0) {
        if (f.bit_off % 8 != 0)
            return "unaligned field";
        byte_off = f.bit_off / 8;
        bit_sz = byte_sz * 8;
    } else {
        bit_sz = f.bit_sz;
        if (byte_sz == 0 || byte_sz > 8)
            return "bad bitfield";
        byte_off = f.bit_off / 8 / byte_sz * byte_sz;
        while (f.bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
            if (byte_sz >= 8)
                return "bitfield too wide";
            byte_sz *= 2;
            byte_off = f.bit_off / 8 / byte_sz * byte_sz;
        }
    }
    switch ((enum core_kind)kind) {
    case CORE_FIELD_BYTE_OFFSET:
        *val = byte_off;
        return NULL;
    case CORE_FIELD_BYTE_SIZE:
        *val = byte_sz;
        return NULL;
    case CORE_FIELD_SIGNED:
        *val = (btf_is_enum(ft) && btf_kflag(ft)) ||
               (btf_is_int(ft) && (btf_int_encoding(ft) & BTF_INT_SIGNED));
        return NULL;
    case CORE_FIELD_LSHIFT_U64:
        if (byte_sz > 8)
            return "field too wide for a shift";
        *val = 64 - (f.bit_off + bit_sz - byte_off * 8);
        return NULL;
    case CORE_FIELD_RSHIFT_U64:
        if (bit_sz > 64)
            return "field too wide for a shift";
        *val = 64 - bit_sz;
        return NULL;
    case CORE_FIELD_EXISTS:
    case CORE_TYPE_ID_LOCAL:
    case CORE_TYPE_ID_TARGET:
    case CORE_TYPE_EXISTS:
    case CORE_TYPE_SIZE:
    case CORE_ENUMVAL_EXISTS:
    case CORE_ENUMVAL_VALUE:
    case CORE_TYPE_MATCHES:
        break;
    }
    return "unknown CO-RE relocation kind";
}

/* Patches the value into the instruction; it must equal what the compiler encoded. */
static const char *core_patch(struct draco_elf_sec *s, size_t slot, uint64_t val)
{
    draco_raw_insn *in = &s->code[slot];
    unsigned cls = in->opcode & 7u;
    switch (cls) {
    case 4: /* ALU */
    case 7: /* ALU64 */
        if (in->opcode & 0x08)
            return "CO-RE relocation on a register-source ALU instruction";
        if ((int64_t)val > INT32_MAX || (int64_t)val < INT32_MIN)
            return "CO-RE value does not fit the immediate";
        if (in->imm != (int32_t)val)
            return "CO-RE value differs from the compiled immediate";
        in->imm = (int32_t)val;
        return NULL;
    case 1: /* LDX */
    case 2: /* ST */
    case 3: /* STX */
        if (val > INT16_MAX)
            return "CO-RE value does not fit the offset";
        if (in->offset != (int16_t)val)
            return "CO-RE value differs from the compiled offset";
        in->offset = (int16_t)val;
        return NULL;
    case 0: /* LD: only LDDW */
        if (in->opcode != 0x18 || slot + 1 >= s->n_code)
            return "CO-RE relocation on an unsupported load";
        if ((uint32_t)in->imm != (uint32_t)val || (uint32_t)s->code[slot + 1].imm != (uint32_t)(val >> 32))
            return "CO-RE value differs from the compiled immediate";
        in->imm = (int32_t)(uint32_t)val;
        s->code[slot + 1].imm = (int32_t)(uint32_t)(val >> 32);
        return NULL;
    default:
        return "CO-RE relocation on an unsupported instruction";
    }
}

static bool core_rec(struct draco_elf_ctx *ctx, int sec, const uint8_t *r)
{
    struct draco_elf_sec *s = &ctx->secs[sec];
    uint32_t off = rd32(r), type_id = rd32(r + 4), acc_off = rd32(r + 8), kind = rd32(r + 12);
    const char *why = NULL;
    uint64_t val = 0;
    if (off % 8 != 0 || off >= s->size || !s->code) {
        why = "CO-RE relocation outside its section";
        off = 0; /* refuses the section's first function: the record cannot be placed */
    } else {
        why = core_compute(ctx->btf, type_id, kind, btf__name_by_offset(ctx->btf, acc_off), &val);
        if (!why)
            why = core_patch(s, off / 8, val);
    }
    s->n_core++;
    if (!why)
        return true;
    struct draco_elf_core_err e = {off, NULL};
    e.msg = draco_arena_printf(&ctx->obj->arena, "cannot apply CO-RE relocation (kind %u): %s",
                               kind, why);
    return e.msg && draco_vec_push(&s->core_errs, e) == 0;
}

draco_status draco_elf_btf_ext_apply(struct draco_elf_ctx *ctx)
{
    const uint8_t *p = ctx->btf_ext;
    size_t len = ctx->btf_ext_len;
    const char *why = NULL;
    if (!p || !ctx->btf)
        return DRACO_OK;
    if (len < 24) {
        why = "header truncated";
        goto bad;
    }
    uint16_t magic;
    memcpy(&magic, p, 2);
    uint32_t hdr_len = rd32(p + 4);
    if (magic != BTF_EXT_MAGIC || p[2] != 1) {
        why = "bad magic or version";
        goto bad;
    }
    if (hdr_len < 24 || hdr_len > len || hdr_len % 4 != 0) {
        why = "bad header length";
        goto bad;
    }
    uint32_t sub[3][2] = {{rd32(p + 8), rd32(p + 12)}, {rd32(p + 16), rd32(p + 20)}, {0, 0}};
    if (hdr_len >= 32) {
        sub[2][0] = rd32(p + 24);
        sub[2][1] = rd32(p + 28);
    }
    const uint8_t *data = p + hdr_len;
    size_t dlen = len - hdr_len;
    for (int i = 0; i < 3; i++) {
        if (sub[i][0] > dlen || sub[i][1] > dlen - sub[i][0] || sub[i][0] % 4 != 0) {
            why = "sub-section out of bounds";
            goto bad;
        }
    }
    static const uint32_t min_rec[3] = {8, 16, 16};
    for (int i = 0; i < 3 && !why; i++)
        why = info_walk(ctx, data + sub[i][0], sub[i][1], min_rec[i],
                        i == 0 ? func_rec : i == 1 ? line_rec : core_rec);
    if (why && strcmp(why, "out of memory") == 0)
        return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
    if (why)
        goto bad;
    for (size_t i = 1; i < ctx->n_secs; i++) {
        struct draco_elf_sec *s = &ctx->secs[i];
        if (s->lines.len > 1)
            qsort(s->lines.data, s->lines.len, sizeof *s->lines.data, line_cmp);
    }
    return DRACO_OK;
bad:
    ctx->btf_ext_error = draco_arena_printf(&ctx->obj->arena, "Invalid .BTF.ext section - %s", why);
    if (!ctx->btf_ext_error)
        return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
    return DRACO_OK;
}
