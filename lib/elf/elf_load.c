/* SPDX-License-Identifier: MIT */
/* elf: draco_elf_load() — validates an ELF eBPF image, reads sections, symbols and relocations,
 * then lists every program of every executable section (one per FUNC symbol, or one named after a
 * section without FUNC symbols) and builds each (elf_link.c).
 *
 * Invariants: the image is never written and never retained; every header, section range,
 * string and symbol is bounds-checked here before any other file reads it (see elf_internal.h).
 * A file-level defect (not ELF, not EM_BPF, section headers out of bounds, bad symbol table)
 * fails the whole load with DRACO_ERR_INVALID and "NAME: reason"; defects that concern only some
 * programs (bad BTF, unresolved symbols, recursion, ...) become those programs' load_error.
 */
#include "elf/elf_internal.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define DEFAULT_MAX_FILE (256u << 20)

static bool str_has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static bool sec_name_is_data(const char *n)
{
    static const char prefixes[][8] = {".data", ".rodata", ".bss"};
    for (size_t i = 0; i < DRACO_ARRAY_LEN(prefixes); i++) {
        size_t l = strlen(prefixes[i]);
        if (strncmp(n, prefixes[i], l) == 0 && (n[l] == 0 || n[l] == '.'))
            return true;
    }
    return false;
}

static draco_status fail_invalid(struct draco_elf_ctx *ctx, const char *why)
{
    return draco_error_set(ctx->err, DRACO_ERR_INVALID, "%s: %s", ctx->name, why);
}

/* ---- header and section table ---- */

/* Checks the ELF header and the section header table's extent before libelf sees the image. */
static draco_status check_header(struct draco_elf_ctx *ctx, uint64_t *n_out)
{
    Elf64_Ehdr eh;
    if (ctx->len < sizeof eh)
        return fail_invalid(ctx, "not an ELF file (too short)");
    memcpy(&eh, ctx->image, sizeof eh);
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
        return fail_invalid(ctx, "not an ELF file");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64)
        return fail_invalid(ctx, "not a 64-bit ELF file");
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
        return draco_error_set(ctx->err, DRACO_ERR_UNSUPPORTED,
                               "%s: big-endian eBPF objects are not supported", ctx->name);
    if (eh.e_machine != EM_BPF && eh.e_machine != EM_NONE) /* old LLVM wrote EM_NONE */
        return fail_invalid(ctx, "not an eBPF object (machine is not EM_BPF)");
    if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr))
        return fail_invalid(ctx, "ELF section header table is missing or has a bad entry size");
    if (eh.e_shoff > ctx->len || ctx->len - eh.e_shoff < sizeof(Elf64_Shdr))
        return draco_error_set(ctx->err, DRACO_ERR_INVALID,
                               "ELF section header table in %s is out of bounds", ctx->name);
    uint64_t n = eh.e_shnum;
    if (n == 0) {
        Elf64_Shdr s0;
        memcpy(&s0, ctx->image + eh.e_shoff, sizeof s0);
        n = s0.sh_size;
    }
    if (n == 0 || n > (ctx->len - eh.e_shoff) / sizeof(Elf64_Shdr))
        return draco_error_set(ctx->err, DRACO_ERR_INVALID,
                               "ELF section header table in %s is out of bounds", ctx->name);
    *n_out = n;
    return DRACO_OK;
}

static draco_status read_sections(struct draco_elf_ctx *ctx, Elf *elf, uint64_t n)
{
    size_t lib_n = 0, shstrndx = 0;
    if (elf_getshdrnum(elf, &lib_n) != 0 || lib_n != n || elf_getshdrstrndx(elf, &shstrndx) != 0 ||
        shstrndx >= n)
        return fail_invalid(ctx, "bad section header string table");

    ctx->secs = calloc(n, sizeof *ctx->secs);
    if (!ctx->secs)
        return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
    ctx->n_secs = n;
    for (size_t i = 0; i < n; i++) {
        struct draco_elf_sec *s = &ctx->secs[i];
        GElf_Shdr sh;
        Elf_Scn *scn = elf_getscn(elf, i);
        if (!scn || !gelf_getshdr(scn, &sh))
            return fail_invalid(ctx, "unreadable section header");
        s->type = sh.sh_type;
        s->flags = sh.sh_flags;
        s->size = sh.sh_size;
        s->link = sh.sh_link;
        s->info = sh.sh_info;
        s->entsize = sh.sh_entsize;
        if (i == 0) {
            s->name = "";
            s->size = 0;
            continue;
        }
        /* a bad name (seen in fuzzed files) gives a placeholder that matches no role */
        const char *nm = elf_strptr(elf, shstrndx, sh.sh_name);
        s->name = nm ? draco_arena_strdup(&ctx->obj->arena, nm)
                     : draco_arena_printf(&ctx->obj->arena, "<section %zu>", i);
        if (!s->name)
            return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
        if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL && sh.sh_size > 0) {
            if (sh.sh_offset > ctx->len || sh.sh_size > ctx->len - sh.sh_offset)
                return draco_error_set(ctx->err, DRACO_ERR_INVALID,
                                       "%s: section %s is out of bounds", ctx->name, s->name);
            s->data = ctx->image + sh.sh_offset;
        }
        if (sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL)
            s->data = NULL;
        s->is_exec = (sh.sh_flags & SHF_EXECINSTR) && sh.sh_type == SHT_PROGBITS && sh.sh_size > 0;
        s->is_legacy_maps = strcmp(s->name, "maps") == 0 || str_has_prefix(s->name, "maps/");
        s->is_btf_maps = strcmp(s->name, ".maps") == 0;
        s->is_data = !s->is_exec && sec_name_is_data(s->name) &&
                     (sh.sh_type == SHT_PROGBITS || sh.sh_type == SHT_NOBITS) && sh.sh_size > 0;
    }
    return DRACO_OK;
}

/* ---- symbols ---- */

static draco_status read_symbols(struct draco_elf_ctx *ctx)
{
    size_t symtab = 0;
    for (size_t i = 1; i < ctx->n_secs; i++) {
        if (ctx->secs[i].type == SHT_SYMTAB) {
            if (symtab)
                return draco_error_set(ctx->err, DRACO_ERR_INVALID,
                                       "Invalid symbol section in ELF file %s", ctx->name);
            symtab = i;
        }
    }
    if (!symtab)
        return draco_error_set(ctx->err, DRACO_ERR_INVALID, "%s: no symbol table", ctx->name);
    const struct draco_elf_sec *st = &ctx->secs[symtab];
    if (st->entsize != sizeof(Elf64_Sym) || st->size % sizeof(Elf64_Sym) != 0 || !st->data ||
        st->link == 0 || st->link >= ctx->n_secs || ctx->secs[st->link].type != SHT_STRTAB)
        return draco_error_set(ctx->err, DRACO_ERR_INVALID,
                               "Invalid symbol section in ELF file %s", ctx->name);
    const struct draco_elf_sec *strs = &ctx->secs[st->link];
    size_t n = st->size / sizeof(Elf64_Sym);
    ctx->syms = calloc(n ? n : 1, sizeof *ctx->syms);
    if (!ctx->syms)
        return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
    ctx->n_syms = n;
    for (size_t i = 0; i < n; i++) {
        Elf64_Sym es;
        memcpy(&es, st->data + i * sizeof es, sizeof es);
        struct draco_elf_sym *s = &ctx->syms[i];
        s->name = "";
        if (es.st_name != 0) {
            /* a name outside the string table (seen in fuzzed files) leaves the symbol
             * nameless: it then names no program and resolves no relocation */
            if (strs->data && es.st_name < strs->size &&
                memchr(strs->data + es.st_name, 0, strs->size - es.st_name))
                s->name = (const char *)strs->data + es.st_name;
        }
        s->value = es.st_value;
        s->size = es.st_size;
        s->type = (uint8_t)ELF64_ST_TYPE(es.st_info);
        s->bind = (uint8_t)ELF64_ST_BIND(es.st_info);
        if (es.st_shndx == SHN_UNDEF)
            s->shndx = 0;
        else if (es.st_shndx >= SHN_LORESERVE)
            s->shndx = DRACO_ELF_SHN_OTHER;
        else if (es.st_shndx < ctx->n_secs)
            s->shndx = es.st_shndx;
        else
            s->shndx = DRACO_ELF_SHN_OTHER; /* a missing section: defined nowhere we use */
    }
    return DRACO_OK;
}

/* ---- relocations ---- */

static int reloc_cmp(const void *a, const void *b)
{
    const struct draco_elf_reloc *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static void sec_refuse(struct draco_elf_ctx *ctx, struct draco_elf_sec *t, const char *msg)
{
    if (!t->reloc_error)
        t->reloc_error = draco_arena_printf(&ctx->obj->arena, "%s (section %s)", msg, t->name);
}

static draco_status read_relocations(struct draco_elf_ctx *ctx)
{
    for (size_t i = 1; i < ctx->n_secs; i++) {
        const struct draco_elf_sec *rs = &ctx->secs[i];
        if (rs->type != SHT_REL && rs->type != SHT_RELA)
            continue;
        if (rs->info == 0 || rs->info >= ctx->n_secs || !ctx->secs[rs->info].is_exec)
            continue; /* relocations of data/debug sections are not needed */
        struct draco_elf_sec *t = &ctx->secs[rs->info];
        bool rela = rs->type == SHT_RELA;
        size_t esz = rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
        if (rs->size == 0)
            continue;
        if (!rs->data || rs->size % esz != 0) {
            sec_refuse(ctx, t, "malformed relocation section");
            continue;
        }
        size_t n = rs->size / esz;
        if (draco_vec_reserve(&t->relocs, t->relocs.len + n) != 0)
            return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
        for (size_t k = 0; k < n; k++) {
            struct draco_elf_reloc r = {0};
            uint64_t info;
            if (rela) {
                Elf64_Rela e;
                memcpy(&e, rs->data + k * esz, sizeof e);
                r.offset = e.r_offset;
                info = e.r_info;
                r.addend = e.r_addend;
                r.is_rela = true;
            } else {
                Elf64_Rel e;
                memcpy(&e, rs->data + k * esz, sizeof e);
                r.offset = e.r_offset;
                info = e.r_info;
            }
            r.type = (uint32_t)ELF64_R_TYPE(info);
            uint64_t sym = ELF64_R_SYM(info);
            if (r.type == 0 /* R_BPF_NONE */) {
                /* Old toolchains (e.g. the OVS datapath object, e_machine 0) wrote type 0 for map
                 * references; PREVAIL applies them like R_BPF_64_64. Without a symbol it is a no-op. */
                if (sym == 0)
                    continue;
                r.type = 1;
            }
            if (r.type != 1 /* R_BPF_64_64 */ && r.type != 10 /* R_BPF_64_32 */) {
                sec_refuse(ctx, t, "unsupported relocation type");
                continue;
            }
            if (r.offset % 8 != 0 || r.offset >= t->size) {
                sec_refuse(ctx, t, "relocation offset out of range");
                continue;
            }
            if (sym == 0 || sym >= ctx->n_syms) {
                sec_refuse(ctx, t, "relocation refers to a bad symbol");
                continue;
            }
            r.sym = (uint32_t)sym;
            t->relocs.data[t->relocs.len++] = r;
        }
    }
    for (size_t i = 1; i < ctx->n_secs; i++) {
        struct draco_elf_sec *t = &ctx->secs[i];
        if (t->relocs.len > 1)
            qsort(t->relocs.data, t->relocs.len, sizeof *t->relocs.data, reloc_cmp);
    }
    return DRACO_OK;
}

/* ---- BTF ---- */

static void read_btf(struct draco_elf_ctx *ctx)
{
    for (size_t i = 1; i < ctx->n_secs; i++) {
        const struct draco_elf_sec *s = &ctx->secs[i];
        if (strcmp(s->name, ".BTF") == 0) {
            ctx->obj->has_btf = true;
            if (!s->data || s->size > UINT32_MAX) {
                ctx->btf_error = "Invalid .BTF section - empty or too large";
                continue;
            }
            struct btf *b = btf__new(s->data, (uint32_t)s->size);
            if (!b || libbpf_get_error(b)) {
                ctx->btf_error = "Invalid .BTF section - rejected by the BTF parser";
                continue;
            }
            ctx->btf = b;
        } else if (strcmp(s->name, ".BTF.ext") == 0 && s->data) {
            ctx->btf_ext = s->data;
            ctx->btf_ext_len = s->size;
        }
    }
}

/* ---- programs ---- */

struct func_start {
    uint64_t off;
    const char *name;
};
struct func_vec {
    struct func_start *data;
    size_t len, cap;
};
struct prog_vec {
    struct draco_program *data;
    size_t len, cap;
};

static int func_cmp(const void *a, const void *b)
{
    const struct func_start *x = a, *y = b;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return strcmp(x->name, y->name);
}

static const char *prog_type_name(struct draco_elf_ctx *ctx, const char *section)
{
    enum bpf_prog_type t;
    enum bpf_attach_type at;
    if (libbpf_prog_type_by_name(section, &t, &at) == 0) {
        const char *s = libbpf_bpf_prog_type_str(t);
        if (s)
            return draco_arena_strdup(&ctx->obj->arena, s);
    }
    return "unspec";
}

static draco_status add_program(struct draco_elf_ctx *ctx, struct prog_vec *progs,
                                uint32_t shndx, const char *fname, uint64_t start, uint64_t end,
                                const char *type_name)
{
    struct draco_program p = {0};
    p.obj = ctx->obj;
    p.section = ctx->secs[shndx].name;
    p.function = draco_arena_strdup(&ctx->obj->arena, fname);
    p.type_name = type_name;
    p.section_offset = (uint32_t)start;
    if (!p.function || draco_vec_push(progs, p) != 0)
        return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
    struct draco_program *q = &progs->data[progs->len - 1];
    return draco_elf_program_build(ctx, q, shndx, (size_t)(start / 8), (size_t)(end / 8));
}

static draco_status list_programs(struct draco_elf_ctx *ctx)
{
    struct prog_vec progs = {0};
    struct func_vec fs = {0};
    draco_status st = DRACO_OK;
    for (uint32_t i = 1; i < ctx->n_secs; i++) {
        struct draco_elf_sec *s = &ctx->secs[i];
        if (!s->is_exec)
            continue;
        fs.len = 0;
        for (size_t k = 0; k < ctx->n_syms; k++) {
            const struct draco_elf_sym *y = &ctx->syms[k];
            if (y->shndx != i || y->type != STT_FUNC || !y->name[0])
                continue;
            if (y->value % 8 != 0 || y->value >= s->size) {
                st = draco_error_set(ctx->err, DRACO_ERR_INVALID,
                                     "%s: function %s is misaligned or outside section %s",
                                     ctx->name, y->name, s->name);
                goto fail;
            }
            struct func_start f = {y->value, y->name};
            if (draco_vec_push(&fs, f) != 0)
                goto nomem;
        }
        if (fs.len > 1)
            qsort(fs.data, fs.len, sizeof *fs.data, func_cmp);
        const char *tn = prog_type_name(ctx, s->name);
        if (!tn)
            goto nomem;
        if (fs.len == 0) {
            st = add_program(ctx, &progs, i, s->name, 0, s->size - s->size % 8, tn);
            if (st != DRACO_OK)
                goto fail;
            continue;
        }
        for (size_t k = 0; k < fs.len; k++) {
            if (k > 0 && fs.data[k].off == fs.data[k - 1].off)
                continue; /* aliases of one function: the first name wins */
            uint64_t end = s->size - s->size % 8;
            for (size_t j = k + 1; j < fs.len; j++) {
                if (fs.data[j].off > fs.data[k].off) {
                    end = fs.data[j].off;
                    break;
                }
            }
            st = add_program(ctx, &progs, i, fs.data[k].name, fs.data[k].off, end, tn);
            if (st != DRACO_OK)
                goto fail;
        }
    }
    if (progs.len) {
        ctx->obj->progs = draco_arena_alloc(&ctx->obj->arena, progs.len * sizeof *progs.data);
        if (!ctx->obj->progs)
            goto nomem;
        memcpy(ctx->obj->progs, progs.data, progs.len * sizeof *progs.data);
    }
    ctx->obj->n_progs = progs.len;
    draco_vec_free(&progs);
    draco_vec_free(&fs);
    return DRACO_OK;
nomem:
    st = draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
fail:
    draco_vec_free(&progs);
    draco_vec_free(&fs);
    return st;
}

static draco_status copy_code(struct draco_elf_ctx *ctx)
{
    for (size_t i = 1; i < ctx->n_secs; i++) {
        struct draco_elf_sec *s = &ctx->secs[i];
        if (!s->is_exec || !s->data)
            continue;
        s->n_code = (size_t)(s->size / 8);
        s->code = calloc(s->n_code ? s->n_code : 1, sizeof *s->code);
        if (!s->code)
            return draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
        memcpy(s->code, s->data, s->n_code * sizeof *s->code);
    }
    return DRACO_OK;
}

static void ctx_fini(struct draco_elf_ctx *ctx)
{
    for (size_t i = 0; ctx->secs && i < ctx->n_secs; i++) {
        struct draco_elf_sec *s = &ctx->secs[i];
        free(s->code);
        draco_vec_free(&s->relocs);
        draco_vec_free(&s->lines);
        draco_vec_free(&s->core_errs);
    }
    free(ctx->secs);
    free(ctx->syms);
    draco_vec_free(&ctx->maps);
    draco_vec_free(&ctx->maprefs);
    btf__free(ctx->btf);
}

draco_status draco_elf_load(const void *image, size_t len, const char *name,
                            const draco_open_opts *opts, draco_error *err, struct draco_object **out)
{
    draco_status st = DRACO_OK;
    struct draco_elf_ctx ctx;
    Elf *elf = NULL;
    void *copy = NULL;
    memset(&ctx, 0, sizeof ctx);
    if (!out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_elf_load: no output");
    *out = NULL;
    if (!name)
        name = (opts && opts->size >= sizeof *opts && opts->name) ? opts->name : "<memory>";
    size_t max = (opts && opts->size >= sizeof *opts && opts->max_file_size) ? opts->max_file_size
                                                                          : DEFAULT_MAX_FILE;
    if (!image && len)
        return draco_error_set(err, DRACO_ERR_INVALID, "%s: no image", name);
    if (len > max)
        return draco_error_set(err, DRACO_ERR_LIMIT, "%s: file is larger than %zu bytes", name, max);

    struct draco_object *obj = calloc(1, sizeof *obj);
    if (!obj)
        return draco_error_set(err, DRACO_ERR_NOMEM, "%s: out of memory", name);
    draco_arena_init(&obj->arena);
    ctx.obj = obj;
    ctx.err = err;
    ctx.image = image;
    ctx.len = len;
    obj->name = draco_arena_strdup(&obj->arena, name);
    if (!obj->name) {
        st = draco_error_set(err, DRACO_ERR_NOMEM, "%s: out of memory", name);
        goto fail;
    }
    ctx.name = obj->name;

    if (len < sizeof(Elf64_Ehdr) || memcmp(image, ELFMAG, SELFMAG) != 0) {
        st = fail_invalid(&ctx, "not an ELF file");
        goto fail;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        st = draco_error_set(err, DRACO_ERR_INTERNAL, "%s: libelf is unusable", name);
        goto fail;
    }
    uint64_t n_secs = 0;
    if ((st = check_header(&ctx, &n_secs)) != DRACO_OK)
        goto fail;
    copy = malloc(len);
    if (!copy) {
        st = draco_error_set(err, DRACO_ERR_NOMEM, "%s: out of memory", name);
        goto fail;
    }
    memcpy(copy, image, len);
    elf = elf_memory(copy, len);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        st = fail_invalid(&ctx, "not an ELF file");
        goto fail;
    }
    if ((st = read_sections(&ctx, elf, n_secs)) != DRACO_OK)
        goto fail;
    if ((st = read_symbols(&ctx)) != DRACO_OK)
        goto fail;
    if ((st = read_relocations(&ctx)) != DRACO_OK)
        goto fail;
    if ((st = copy_code(&ctx)) != DRACO_OK)
        goto fail;
    read_btf(&ctx);
    if ((st = draco_elf_maps_parse(&ctx)) != DRACO_OK)
        goto fail;
    if ((st = draco_elf_btf_ext_apply(&ctx)) != DRACO_OK)
        goto fail;
    if ((st = list_programs(&ctx)) != DRACO_OK)
        goto fail;
    if (ctx.maps.len) {
        obj->maps = draco_arena_alloc(&obj->arena, ctx.maps.len * sizeof *ctx.maps.data);
        if (!obj->maps) {
            st = draco_error_set(err, DRACO_ERR_NOMEM, "%s: out of memory", name);
            goto fail;
        }
        memcpy(obj->maps, ctx.maps.data, ctx.maps.len * sizeof *ctx.maps.data);
    }
    obj->n_maps = ctx.maps.len;
    elf_end(elf);
    free(copy);
    ctx_fini(&ctx);
    *out = obj;
    return DRACO_OK;
fail:
    if (elf)
        elf_end(elf);
    free(copy);
    ctx_fini(&ctx);
    draco_elf_object_free(obj);
    return st == DRACO_OK ? DRACO_ERR_INTERNAL : st;
}

void draco_elf_object_free(struct draco_object *obj)
{
    if (!obj)
        return;
    draco_arena_fini(&obj->arena);
    free(obj);
}

const struct draco_map_desc *draco_object_map_by_fd(const struct draco_object *obj, int fd)
{
    if (!obj)
        return NULL;
    for (size_t i = 0; i < obj->n_maps; i++)
        if (obj->maps[i].info.fd == fd)
            return &obj->maps[i];
    return NULL;
}
