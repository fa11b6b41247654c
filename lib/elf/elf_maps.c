/* SPDX-License-Identifier: MIT */
/* elf: map descriptors — BTF-defined maps (.maps DATASEC), legacy `maps`/`maps/...` records and
 * the implicit single-entry maps of global data sections.
 *
 * Invariants: pseudo fds are 1, 2, 3, ... in this order: BTF-defined maps in DATASEC order, then
 * their anonymous inner-map templates, then legacy map records (sections in index order, records
 * in offset order), then global data sections in index order. A read-only data section's map
 * (draco_elf_sec_is_rodata) keeps a copy of the section's bytes as its initial value and has
 * BPF_F_RDONLY_PROG in its flags; writable ones (.data, .bss) keep nothing. Every BTF walk goes through
 * btf__type_by_id() (which checks ids) with a depth bound; every legacy record read is inside
 * its section. A definition we cannot parse yields no descriptor (programs that reference it
 * are refused later), never a guessed one.
 */
#include "elf/elf_internal.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#define BPF_MAP_TYPE_ARRAY_NUM 2u
#define BPF_F_RDONLY_PROG_NUM (1u << 7)
#define BPF_MAP_TYPE_ARRAY_OF_MAPS_NUM 12u
#define BPF_MAP_TYPE_HASH_OF_MAPS_NUM 13u
#define LEGACY_DEFAULT_RECORD 28u /* struct bpf_load_map_def of the kernel samples */
#define LEGACY_MIN_RECORD 20u     /* struct bpf_map_def */

static draco_status nomem(struct draco_elf_ctx *ctx)
{
    return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
}

static draco_status map_push(struct draco_elf_ctx *ctx, struct draco_map_desc *d, int *fd)
{
    d->info.fd = (int)ctx->maps.len + 1;
    if (draco_vec_push(&ctx->maps, *d) != 0)
        return nomem(ctx);
    *fd = d->info.fd;
    return DRACO_OK;
}

static draco_status ref_push(struct draco_elf_ctx *ctx, uint32_t shndx, uint64_t off, uint64_t size,
                             int fd)
{
    struct draco_elf_mapref r = {shndx, off, size ? size : 1, fd};
    return draco_vec_push(&ctx->maprefs, r) == 0 ? DRACO_OK : nomem(ctx);
}

int draco_elf_map_fd_at(const struct draco_elf_ctx *ctx, uint32_t shndx, uint64_t offset)
{
    for (size_t i = 0; i < ctx->maprefs.len; i++) {
        const struct draco_elf_mapref *r = &ctx->maprefs.data[i];
        if (r->shndx == shndx && offset >= r->offset && offset - r->offset < r->size)
            return r->fd;
    }
    return 0;
}

uint32_t draco_elf_btf_skip_mods(const struct btf *btf, uint32_t id)
{
    for (int depth = 0; depth < DRACO_ELF_MAX_DEPTH; depth++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        if (!t)
            return 0;
        switch (btf_kind(t)) {
        case BTF_KIND_TYPEDEF:
        case BTF_KIND_CONST:
        case BTF_KIND_VOLATILE:
        case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG:
            id = t->type;
            break;
        default:
            return id;
        }
    }
    return 0;
}

/* __uint(name, N) is `int (*name)[N]`: N is the element count of the pointed-to array. */
static bool btf_member_uint(const struct btf *btf, uint32_t type_id, uint32_t *out)
{
    const struct btf_type *p = btf__type_by_id(btf, draco_elf_btf_skip_mods(btf, type_id));
    if (!p || !btf_is_ptr(p))
        return false;
    const struct btf_type *a = btf__type_by_id(btf, draco_elf_btf_skip_mods(btf, p->type));
    if (!a || !btf_is_array(a))
        return false;
    *out = btf_array(a)->nelems;
    return true;
}

/* __type(name, T) is `T *name`: returns T's id and size. */
static bool btf_member_type(const struct btf *btf, uint32_t type_id, uint32_t *tid, uint32_t *size)
{
    const struct btf_type *p = btf__type_by_id(btf, draco_elf_btf_skip_mods(btf, type_id));
    if (!p || !btf_is_ptr(p))
        return false;
    long long sz = btf__resolve_size(btf, p->type);
    if (sz < 0 || sz > UINT32_MAX)
        return false;
    *tid = p->type;
    *size = (uint32_t)sz;
    return true;
}

/* Parses a BTF map definition struct. *inner_struct gets the struct id of an inner-map
 * definition given through `values` (map-in-map), else 0. */
static bool btf_map_def_parse(const struct btf *btf, uint32_t struct_id, struct draco_map_desc *d,
                              uint32_t *inner_struct)
{
    const struct btf_type *t = btf__type_by_id(btf, struct_id);
    *inner_struct = 0;
    if (!t || !btf_is_struct(t))
        return false;
    const struct btf_member *m = btf_members(t);
    bool has_value = false;
    for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
        const char *mn = btf__name_by_offset(btf, m->name_off);
        if (!mn)
            return false;
        uint32_t v = 0, tid = 0;
        if (strcmp(mn, "type") == 0) {
            if (!btf_member_uint(btf, m->type, &d->info.type))
                return false;
        } else if (strcmp(mn, "max_entries") == 0) {
            if (!btf_member_uint(btf, m->type, &d->info.max_entries))
                return false;
        } else if (strcmp(mn, "map_flags") == 0) {
            if (!btf_member_uint(btf, m->type, &d->info.flags))
                return false;
        } else if (strcmp(mn, "key_size") == 0) {
            if (!btf_member_uint(btf, m->type, &d->info.key_size))
                return false;
        } else if (strcmp(mn, "value_size") == 0) {
            if (!btf_member_uint(btf, m->type, &d->info.value_size))
                return false;
            has_value = true;
        } else if (strcmp(mn, "key") == 0) {
            if (!btf_member_type(btf, m->type, &tid, &d->info.key_size))
                return false;
        } else if (strcmp(mn, "value") == 0) {
            if (!btf_member_type(btf, m->type, &tid, &d->info.value_size))
                return false;
            d->btf_value_type_id = (int32_t)tid;
            has_value = true;
        } else if (strcmp(mn, "values") == 0) {
            /* __array(values, T): an array of pointers to T (inner map def or prog) */
            const struct btf_type *a = btf__type_by_id(btf, draco_elf_btf_skip_mods(btf, m->type));
            if (!a || !btf_is_array(a))
                return false;
            const struct btf_type *p =
                btf__type_by_id(btf, draco_elf_btf_skip_mods(btf, btf_array(a)->type));
            if (!p || !btf_is_ptr(p))
                return false;
            uint32_t target = draco_elf_btf_skip_mods(btf, p->type);
            const struct btf_type *it = btf__type_by_id(btf, target);
            if (!it)
                return false;
            if (btf_is_struct(it))
                *inner_struct = target;
            if (!has_value)
                d->info.value_size = 4; /* map-in-map and prog-array values are 32-bit ids */
            has_value = true;
        } else {
            (void)v; /* pinning, numa_node, map_extra, ...: not needed for verification */
        }
    }
    return true;
}

static draco_status btf_maps_parse(struct draco_elf_ctx *ctx, uint32_t shndx)
{
    const struct btf *btf = ctx->btf;
    uint32_t n = btf__type_cnt(btf);
    const struct btf_type *ds = NULL;
    for (uint32_t id = 1; id < n; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        if (t && btf_is_datasec(t)) {
            const char *nm = btf__name_by_offset(btf, t->name_off);
            if (nm && strcmp(nm, ".maps") == 0) {
                ds = t;
                break;
            }
        }
    }
    if (!ds)
        return DRACO_OK;
    uint16_t vlen = btf_vlen(ds);
    const struct btf_var_secinfo *vs = btf_var_secinfos(ds);
    uint32_t *struct_of = calloc(vlen ? vlen : 1, sizeof *struct_of);
    uint32_t *inner_of = calloc(vlen ? vlen : 1, sizeof *inner_of);
    int *fd_of = calloc(vlen ? vlen : 1, sizeof *fd_of);
    draco_status st = DRACO_OK;
    if (!struct_of || !inner_of || !fd_of) {
        st = nomem(ctx);
        goto done;
    }
    /* pass 1: named maps */
    for (uint16_t i = 0; i < vlen; i++) {
        const struct btf_type *var = btf__type_by_id(btf, vs[i].type);
        if (!var || !btf_is_var(var))
            continue;
        const char *nm = btf__name_by_offset(btf, var->name_off);
        uint32_t sid = draco_elf_btf_skip_mods(btf, var->type);
        struct draco_map_desc d = {0};
        d.info.inner_map_fd = -1;
        if (!nm || !btf_map_def_parse(btf, sid, &d, &inner_of[i]))
            continue; /* unparsable: references to it are refused */
        d.info.name = draco_arena_strdup(&ctx->obj->arena, nm);
        if (!d.info.name) {
            st = nomem(ctx);
            goto done;
        }
        if ((st = map_push(ctx, &d, &fd_of[i])) != DRACO_OK)
            goto done;
        struct_of[i] = sid;
        /* DATASEC offsets are often left 0 by the compiler (libbpf fixes them up from the
         * symbol table): the ELF symbol of the same name is authoritative. */
        uint64_t off = vs[i].offset, size = vs[i].size;
        for (size_t k = 0; k < ctx->n_syms; k++) {
            const struct draco_elf_sym *y = &ctx->syms[k];
            if (y->shndx == shndx && strcmp(y->name, nm) == 0) {
                off = y->value;
                size = y->size ? y->size : size;
                break;
            }
        }
        if ((st = ref_push(ctx, shndx, off, size, fd_of[i])) != DRACO_OK)
            goto done;
    }
    /* pass 2: inner maps — a named map of the same struct type, else an anonymous template */
    for (uint16_t i = 0; i < vlen; i++) {
        if (!fd_of[i] || !inner_of[i])
            continue;
        int inner_fd = 0;
        for (uint16_t j = 0; j < vlen; j++) {
            if (fd_of[j] && struct_of[j] == inner_of[i]) {
                inner_fd = fd_of[j];
                break;
            }
        }
        if (!inner_fd) {
            struct draco_map_desc d = {0};
            uint32_t nested = 0;
            d.info.inner_map_fd = -1;
            if (btf_map_def_parse(btf, inner_of[i], &d, &nested)) {
                d.info.name = draco_arena_printf(&ctx->obj->arena, "%s.inner",
                                                 ctx->maps.data[fd_of[i] - 1].info.name);
                if (!d.info.name) {
                    st = nomem(ctx);
                    goto done;
                }
                d.is_inner_template = true;
                if ((st = map_push(ctx, &d, &inner_fd)) != DRACO_OK)
                    goto done;
            }
        }
        if (inner_fd) {
            ctx->maps.data[fd_of[i] - 1].info.inner_map_fd = inner_fd;
            ctx->maps.data[inner_fd - 1].is_inner_template = true;
        }
    }
done:
    free(struct_of);
    free(inner_of);
    free(fd_of);
    return st;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static draco_status legacy_maps_parse(struct draco_elf_ctx *ctx)
{
    size_t first = ctx->maps.len;
    /* idx: the inner map's record index (28-byte layout) or, with by_id, the `id` field of the
     * inner map's record (iproute2/cilium 36-byte struct bpf_elf_map: id at 20, inner_id at 28) */
    struct { size_t map; uint32_t idx; bool by_id; } *inner = NULL;
    uint32_t *rec_id = NULL;
    size_t n_inner = 0;
    draco_status st = DRACO_OK;
    for (uint32_t i = 1; i < ctx->n_secs; i++) {
        const struct draco_elf_sec *s = &ctx->secs[i];
        if (!s->is_legacy_maps || !s->data || s->size == 0)
            continue;
        uint64_t rec = 0, nsym = 0;
        for (size_t k = 0; k < ctx->n_syms; k++) {
            const struct draco_elf_sym *y = &ctx->syms[k];
            if (y->shndx != i || y->type == STT_SECTION || y->type == STT_FILE || !y->name[0])
                continue;
            nsym++;
            if (y->size && (rec == 0 || y->size < rec))
                rec = y->size;
        }
        if (rec == 0)
            rec = nsym ? s->size / nsym : LEGACY_DEFAULT_RECORD;
        if (rec < LEGACY_MIN_RECORD || rec > s->size) {
            st = draco_error_set(ctx->err, DRACO_ERR_INVALID,
                                 "%s: map section %s has a bad record size %llu", ctx->name,
                                 s->name, (unsigned long long)rec);
            goto done;
        }
        uint64_t count = s->size / rec;
        void *grown = realloc(inner, (n_inner + count) * sizeof *inner);
        if (!grown) {
            st = nomem(ctx);
            goto done;
        }
        inner = grown;
        grown = realloc(rec_id, (ctx->maps.len - first + count) * sizeof *rec_id);
        if (!grown) {
            st = nomem(ctx);
            goto done;
        }
        rec_id = grown;
        for (uint64_t r = 0; r < count; r++) {
            const uint8_t *p = s->data + r * rec;
            struct draco_map_desc d = {0};
            d.info.type = rd32(p);
            d.info.key_size = rd32(p + 4);
            d.info.value_size = rd32(p + 8);
            d.info.max_entries = rd32(p + 12);
            d.info.flags = rd32(p + 16);
            d.info.inner_map_fd = -1;
            const char *nm = NULL;
            for (size_t k = 0; k < ctx->n_syms; k++) {
                const struct draco_elf_sym *y = &ctx->syms[k];
                if (y->shndx == i && y->value == r * rec && y->name[0] &&
                    y->type != STT_SECTION && y->type != STT_FILE) {
                    nm = y->name;
                    break;
                }
            }
            d.info.name = nm ? draco_arena_strdup(&ctx->obj->arena, nm)
                             : draco_arena_printf(&ctx->obj->arena, "%s[%llu]", s->name,
                                                  (unsigned long long)r);
            if (!d.info.name) {
                st = nomem(ctx);
                goto done;
            }
            int fd;
            if ((st = map_push(ctx, &d, &fd)) != DRACO_OK)
                goto done;
            if ((st = ref_push(ctx, i, r * rec, rec, fd)) != DRACO_OK)
                goto done;
            rec_id[ctx->maps.len - 1 - first] = rec >= 36 ? rd32(p + 20) : 0;
            bool map_of_maps = d.info.type == BPF_MAP_TYPE_ARRAY_OF_MAPS_NUM ||
                               d.info.type == BPF_MAP_TYPE_HASH_OF_MAPS_NUM;
            if (rec >= 36 && map_of_maps && rd32(p + 28) != 0) {
                inner[n_inner].map = ctx->maps.len - 1;
                inner[n_inner].idx = rd32(p + 28);
                inner[n_inner].by_id = true;
                n_inner++;
            }
            /* struct bpf_load_map_def: inner_map_idx follows map_flags (28-byte records) */
            if (rec >= 24 && rec < 36 &&
                (d.info.type == BPF_MAP_TYPE_ARRAY_OF_MAPS_NUM ||
                 d.info.type == BPF_MAP_TYPE_HASH_OF_MAPS_NUM)) {
                inner[n_inner].map = ctx->maps.len - 1;
                inner[n_inner].idx = rd32(p + 20);
                inner[n_inner].by_id = false;
                n_inner++;
            }
        }
    }
    for (size_t k = 0; k < n_inner; k++) {
        if (inner[k].by_id) {
            /* the inner map is the legacy record whose id equals inner_id (0 never matches) */
            size_t j = 0, nleg = ctx->maps.len - first;
            while (j < nleg && (rec_id[j] != inner[k].idx || first + j == inner[k].map))
                j++;
            if (j == nleg)
                continue;  /* unresolved: stays -1, lookups give an unknown inner map */
            inner[k].idx = (uint32_t)j;
        }
        size_t target = first + inner[k].idx;
        if (inner[k].idx < ctx->maps.len - first && target != inner[k].map) {
            ctx->maps.data[inner[k].map].info.inner_map_fd = ctx->maps.data[target].info.fd;
            ctx->maps.data[target].is_inner_template = true;
        }
    }
done:
    free(inner);
    free(rec_id);
    return st;
}

bool draco_elf_sec_is_rodata(const struct draco_elf_sec *s)
{
    /* The name is what makes libbpf (SEC_RODATA: ".rodata" or ".rodata.") and cilium/ebpf (prefix
     * ".rodata") create the map read-only to programs and freeze it; the intersection of the two
     * conventions. A writable (SHF_WRITE) one, which no compiler emits for const data, is left
     * out rather than trusted on its name alone; NOBITS or empty sections have no bytes. */
    if (!s->is_data || !s->data || s->size == 0 || s->type != SHT_PROGBITS)
        return false;
    if (s->flags & (SHF_WRITE | SHF_EXECINSTR))
        return false;
    return strcmp(s->name, ".rodata") == 0 || strncmp(s->name, ".rodata.", 8) == 0;
}

static draco_status data_maps_parse(struct draco_elf_ctx *ctx)
{
    for (uint32_t i = 1; i < ctx->n_secs; i++) {
        struct draco_elf_sec *s = &ctx->secs[i];
        if (!s->is_data || s->size > UINT32_MAX)
            continue;
        struct draco_map_desc d = {0};
        d.info.name = s->name;
        d.info.type = BPF_MAP_TYPE_ARRAY_NUM;
        d.info.key_size = 4;
        d.info.value_size = (uint32_t)s->size;
        d.info.max_entries = 1;
        d.info.inner_map_fd = -1;
        d.info.is_global_data = true;
        if (draco_elf_sec_is_rodata(s)) {
            uint8_t *bytes = draco_arena_alloc(&ctx->obj->arena, (size_t)s->size);
            if (!bytes)
                return nomem(ctx);
            memcpy(bytes, s->data, (size_t)s->size);
            d.rodata = bytes;
            d.info.flags = BPF_F_RDONLY_PROG_NUM;
        }
        draco_status st = map_push(ctx, &d, &s->data_map_fd);
        if (st != DRACO_OK)
            return st;
    }
    return DRACO_OK;
}

draco_status draco_elf_maps_parse(struct draco_elf_ctx *ctx)
{
    draco_status st;
    for (uint32_t i = 1; i < ctx->n_secs; i++) {
        if (ctx->secs[i].is_btf_maps && ctx->btf) {
            if ((st = btf_maps_parse(ctx, i)) != DRACO_OK)
                return st;
            break;
        }
    }
    if ((st = legacy_maps_parse(ctx)) != DRACO_OK)
        return st;
    return data_maps_parse(ctx);
}
