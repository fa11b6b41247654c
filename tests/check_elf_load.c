/* SPDX-License-Identifier: MIT */
/* Tests for lib/elf: draco_elf_load() on ELF images built byte by byte in the test (programs,
 * maps, global data, relocations, subprogram linking, recursion, externs, malformed inputs).
 *
 * The images come from a tiny ELF writer below: user sections, then one .rel<sec> per section
 * with relocations, then .symtab/.strtab/.shstrtab. Nothing here depends on clang.
 */
#include <check.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include "elf/object.h"

/* ---- a minimal ELF64 writer ---- */

#define EB_MAX_SECS 16
#define EB_MAX_SYMS 32
#define EB_MAX_RELS 32

struct eb_sec {
    const char *name;
    uint32_t type;
    uint64_t flags;
    unsigned char data[512];
    size_t size;
};
struct eb_rel {
    int sec;
    uint64_t off;
    int sym;
    uint32_t type;
};
struct eb {
    struct eb_sec secs[EB_MAX_SECS];
    int n_secs;             /* user sections are 1..n_secs */
    Elf64_Sym syms[EB_MAX_SYMS];
    const char *sym_names[EB_MAX_SYMS];
    int n_syms;             /* sym 0 is the null symbol */
    struct eb_rel rels[EB_MAX_RELS];
    int n_rels;
};

static void eb_init(struct eb *b)
{
    memset(b, 0, sizeof *b);
    b->n_syms = 1;
}

static int eb_sec(struct eb *b, const char *name, uint32_t type, uint64_t flags, const void *data,
                  size_t size)
{
    ck_assert_int_lt(b->n_secs + 1, EB_MAX_SECS);
    ck_assert_uint_le(size, sizeof b->secs[0].data);
    struct eb_sec *s = &b->secs[++b->n_secs];
    s->name = name;
    s->type = type;
    s->flags = flags;
    if (data)
        memcpy(s->data, data, size);
    s->size = size;
    return b->n_secs;
}

static int eb_code(struct eb *b, const char *name, const draco_raw_insn *insns, size_t n)
{
    return eb_sec(b, name, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, insns, n * sizeof *insns);
}

static int eb_sym(struct eb *b, const char *name, uint64_t value, uint64_t size, int type, int bind,
                  int shndx)
{
    ck_assert_int_lt(b->n_syms, EB_MAX_SYMS);
    Elf64_Sym *y = &b->syms[b->n_syms];
    y->st_value = value;
    y->st_size = size;
    y->st_info = (unsigned char)ELF64_ST_INFO(bind, type);
    y->st_shndx = (Elf64_Section)shndx;
    b->sym_names[b->n_syms] = name;
    return b->n_syms++;
}

static void eb_rel(struct eb *b, int sec, uint64_t off, int sym, uint32_t type)
{
    ck_assert_int_lt(b->n_rels, EB_MAX_RELS);
    b->rels[b->n_rels++] = (struct eb_rel){sec, off, sym, type};
}

struct strtab {
    char buf[2048];
    size_t len;
};
static uint32_t strtab_add(struct strtab *t, const char *s)
{
    if (!s || !*s)
        return 0;
    if (t->len == 0)
        t->len = 1;
    size_t l = strlen(s) + 1;
    ck_assert_uint_le(t->len + l, sizeof t->buf);
    memcpy(t->buf + t->len, s, l);
    t->len += l;
    return (uint32_t)(t->len - l);
}

/* Returns a malloc'ed image. */
static unsigned char *eb_build(struct eb *b, size_t *len_out)
{
    struct strtab shstr = {{0}, 0}, str = {{0}, 0};
    /* relocation sections: one per user section that has relocations */
    int rel_of[EB_MAX_SECS] = {0};
    int n_all = b->n_secs + 1;
    int rel_first = n_all;
    for (int s = 1; s <= b->n_secs; s++)
        for (int r = 0; r < b->n_rels; r++)
            if (b->rels[r].sec == s && !rel_of[s]) {
                rel_of[s] = n_all++;
            }
    int symtab = n_all++, strtab_i = n_all++, shstrtab = n_all++;
    Elf64_Shdr sh[3 * EB_MAX_SECS];
    memset(sh, 0, sizeof sh);
    size_t cap = 1 << 16, off = sizeof(Elf64_Ehdr);
    unsigned char *img = calloc(1, cap);
    ck_assert_ptr_nonnull(img);
#define EB_PUT(ptr, n)                                                                             \
    do {                                                                                           \
        off = (off + 7) & ~(size_t)7;                                                              \
        ck_assert_uint_le(off + (n), cap);                                                         \
        memcpy(img + off, (ptr), (n));                                                             \
        off += (n);                                                                                \
    } while (0)
    for (int s = 1; s <= b->n_secs; s++) {
        sh[s].sh_name = strtab_add(&shstr, b->secs[s].name);
        sh[s].sh_type = b->secs[s].type;
        sh[s].sh_flags = b->secs[s].flags;
        sh[s].sh_addralign = 8;
        off = (off + 7) & ~(size_t)7;
        sh[s].sh_offset = off;
        sh[s].sh_size = b->secs[s].size;
        if (b->secs[s].type != SHT_NOBITS)
            EB_PUT(b->secs[s].data, b->secs[s].size);
    }
    for (int s = 1; s <= b->n_secs; s++) {
        if (!rel_of[s])
            continue;
        char nm[128];
        snprintf(nm, sizeof nm, ".rel%s", b->secs[s].name);
        int i = rel_of[s];
        sh[i].sh_name = strtab_add(&shstr, nm);
        sh[i].sh_type = SHT_REL;
        sh[i].sh_link = (uint32_t)symtab;
        sh[i].sh_info = (uint32_t)s;
        sh[i].sh_entsize = sizeof(Elf64_Rel);
        off = (off + 7) & ~(size_t)7;
        sh[i].sh_offset = off;
        for (int r = 0; r < b->n_rels; r++) {
            if (b->rels[r].sec != s)
                continue;
            Elf64_Rel e = {b->rels[r].off, ELF64_R_INFO((uint64_t)b->rels[r].sym, b->rels[r].type)};
            EB_PUT(&e, sizeof e);
            sh[i].sh_size += sizeof e;
        }
    }
    (void)rel_first;
    for (int y = 1; y < b->n_syms; y++)
        b->syms[y].st_name = strtab_add(&str, b->sym_names[y]);
    sh[symtab].sh_name = strtab_add(&shstr, ".symtab");
    sh[symtab].sh_type = SHT_SYMTAB;
    sh[symtab].sh_link = (uint32_t)strtab_i;
    sh[symtab].sh_info = 1;
    sh[symtab].sh_entsize = sizeof(Elf64_Sym);
    off = (off + 7) & ~(size_t)7;
    sh[symtab].sh_offset = off;
    sh[symtab].sh_size = (uint64_t)b->n_syms * sizeof(Elf64_Sym);
    EB_PUT(b->syms, sh[symtab].sh_size);
    sh[strtab_i].sh_name = strtab_add(&shstr, ".strtab");
    sh[shstrtab].sh_name = strtab_add(&shstr, ".shstrtab");
    if (str.len == 0)
        str.len = 1;
    sh[strtab_i].sh_type = SHT_STRTAB;
    sh[strtab_i].sh_offset = (off + 7) & ~(size_t)7;
    sh[strtab_i].sh_size = str.len;
    EB_PUT(str.buf, str.len);
    sh[shstrtab].sh_type = SHT_STRTAB;
    sh[shstrtab].sh_offset = (off + 7) & ~(size_t)7;
    sh[shstrtab].sh_size = shstr.len;
    EB_PUT(shstr.buf, shstr.len);
    off = (off + 7) & ~(size_t)7;
    size_t shoff = off;
    EB_PUT(sh, (size_t)n_all * sizeof(Elf64_Shdr));
#undef EB_PUT
    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof eh);
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_REL;
    eh.e_machine = EM_BPF;
    eh.e_version = EV_CURRENT;
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof eh;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = (uint16_t)n_all;
    eh.e_shstrndx = (uint16_t)shstrtab;
    memcpy(img, &eh, sizeof eh);
    *len_out = off;
    return img;
}

/* ---- instruction helpers ---- */

static draco_raw_insn I(uint8_t op, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
    draco_raw_insn i = {op, (uint8_t)((src << 4) | dst), off, imm};
    return i;
}
#define MOV(d, imm) I(0xb7, (d), 0, 0, (imm))
#define EXIT() I(0x95, 0, 0, 0, 0)
#define CALL_LOCAL(imm) I(0x85, 0, 1, 0, (imm))
#define LDDW1(d, imm) I(0x18, (d), 0, 0, (imm))
#define LDDW2(imm) I(0, 0, 0, 0, (imm))

static struct draco_object *load_ok(struct eb *b)
{
    size_t len = 0;
    unsigned char *img = eb_build(b, &len);
    draco_error err;
    memset(&err, 0, sizeof err);
    struct draco_object *obj = NULL;
    draco_status st = draco_elf_load(img, len, "test.o", NULL, &err, &obj);
    free(img);
    ck_assert_msg(st == DRACO_OK, "load failed: %s", err.message);
    ck_assert_ptr_nonnull(obj);
    return obj;
}

static const struct draco_program *find_prog(const struct draco_object *o, const char *fn)
{
    for (size_t i = 0; i < o->n_progs; i++)
        if (strcmp(o->progs[i].function, fn) == 0)
            return &o->progs[i];
    ck_abort_msg("program %s not listed", fn);
    return NULL;
}

/* ---- tests ---- */

START_TEST(test_two_functions_one_section)
{
    struct eb b;
    eb_init(&b);
    draco_raw_insn code[] = {MOV(0, 0), EXIT(), MOV(0, 1), MOV(0, 2), EXIT()};
    int xdp = eb_code(&b, "xdp", code, 5);
    eb_sym(&b, "f1", 0, 16, STT_FUNC, STB_GLOBAL, xdp);
    eb_sym(&b, "f2", 16, 24, STT_FUNC, STB_GLOBAL, xdp);
    struct draco_object *o = load_ok(&b);
    ck_assert_uint_eq(o->n_progs, 2);
    const struct draco_program *p1 = find_prog(o, "f1"), *p2 = find_prog(o, "f2");
    ck_assert_str_eq(p1->section, "xdp");
    ck_assert_str_eq(p1->type_name, "xdp");
    ck_assert_uint_eq(p1->n_insns, 2);
    ck_assert_uint_eq(p2->n_insns, 3);
    ck_assert_uint_eq(p2->section_offset, 16);
    ck_assert_int_eq(p2->insns[0].imm, 1);
    ck_assert_ptr_null(p1->load_error);
    ck_assert_ptr_null(p2->load_error);
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_section_without_function_symbol)
{
    struct eb b;
    eb_init(&b);
    draco_raw_insn code[] = {LDDW1(0, 7), LDDW2(0), EXIT()};
    eb_code(&b, "mysection", code, 3);
    struct draco_object *o = load_ok(&b);
    ck_assert_uint_eq(o->n_progs, 1);
    ck_assert_str_eq(o->progs[0].function, "mysection");
    ck_assert_str_eq(o->progs[0].type_name, "unspec");
    ck_assert_uint_eq(o->progs[0].n_slots, 3);
    ck_assert_uint_eq(o->progs[0].n_insns, 2); /* LDDW counted once */
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_legacy_maps)
{
    struct eb b;
    eb_init(&b);
    uint32_t defs[10] = {1 /* hash */, 4, 8, 100, 0, 2 /* array */, 4, 16, 10, 1};
    int maps = eb_sec(&b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, defs, sizeof defs);
    draco_raw_insn code[] = {LDDW1(1, 0), LDDW2(0), MOV(0, 0), EXIT()};
    int prog = eb_code(&b, "kprobe/x", code, 4);
    eb_sym(&b, "m1", 0, 20, STT_OBJECT, STB_GLOBAL, maps);
    int m2 = eb_sym(&b, "m2", 20, 20, STT_OBJECT, STB_GLOBAL, maps);
    eb_sym(&b, "prog", 0, 32, STT_FUNC, STB_GLOBAL, prog);
    eb_rel(&b, prog, 0, m2, 1);
    struct draco_object *o = load_ok(&b);
    ck_assert_uint_eq(o->n_maps, 2);
    const struct draco_program *p = find_prog(o, "prog");
    ck_assert_ptr_null(p->load_error);
    ck_assert_uint_eq(draco_raw_insn_src(&p->insns[0]), 1);
    const struct draco_map_desc *d = draco_object_map_by_fd(o, p->insns[0].imm);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d->info.name, "m2");
    ck_assert_uint_eq(d->info.type, 2);
    ck_assert_uint_eq(d->info.value_size, 16);
    ck_assert_uint_eq(d->info.max_entries, 10);
    ck_assert_uint_eq(d->info.flags, 1);
    ck_assert_int_eq(d->info.inner_map_fd, -1);
    ck_assert_ptr_null(draco_object_map_by_fd(o, 99));
    ck_assert_str_eq(p->type_name, "kprobe");
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_legacy_map_in_map)
{
    struct eb b;
    eb_init(&b);
    /* 28-byte bpf_load_map_def records: [0] array-of-maps whose inner is [1] */
    uint32_t defs[14] = {12, 4, 4, 8, 0, 1, 0, 2, 4, 8, 1, 0, 0, 0};
    int maps = eb_sec(&b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, defs, sizeof defs);
    eb_sym(&b, "outer", 0, 28, STT_OBJECT, STB_GLOBAL, maps);
    eb_sym(&b, "inner", 28, 28, STT_OBJECT, STB_GLOBAL, maps);
    draco_raw_insn code[] = {MOV(0, 0), EXIT()};
    eb_code(&b, "xdp", code, 2);
    struct draco_object *o = load_ok(&b);
    ck_assert_uint_eq(o->n_maps, 2);
    ck_assert_int_eq(o->maps[0].info.inner_map_fd, o->maps[1].info.fd);
    ck_assert(o->maps[1].is_inner_template);
    ck_assert(!o->maps[0].is_inner_template);
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_legacy_map_in_map_iproute2)
{
    struct eb b;
    eb_init(&b);
    /* 36-byte struct bpf_elf_map records (type, key, value, max, flags, id, pinning, inner_id,
     * inner_idx): [0] a plain hash with id 7, [1] a hash-of-maps whose inner_id names id 7, [2] an
     * array-of-maps whose inner_id names no record (stays unresolved) */
    uint32_t defs[27] = {1, 4, 8, 16, 0, 7, 0, 0, 0,
                         13, 4, 4, 8, 0, 3, 0, 7, 0,
                         12, 4, 4, 8, 0, 4, 0, 99, 0};
    int maps = eb_sec(&b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, defs, sizeof defs);
    eb_sym(&b, "inner", 0, 36, STT_OBJECT, STB_GLOBAL, maps);
    eb_sym(&b, "outer", 36, 36, STT_OBJECT, STB_GLOBAL, maps);
    eb_sym(&b, "orphan", 72, 36, STT_OBJECT, STB_GLOBAL, maps);
    draco_raw_insn code[] = {MOV(0, 0), EXIT()};
    eb_code(&b, "xdp", code, 2);
    struct draco_object *o = load_ok(&b);
    ck_assert_uint_eq(o->n_maps, 3);
    ck_assert_int_eq(o->maps[1].info.inner_map_fd, o->maps[0].info.fd);
    ck_assert(o->maps[0].is_inner_template);
    ck_assert_int_eq(o->maps[2].info.inner_map_fd, -1);
    ck_assert_int_eq(o->maps[0].info.inner_map_fd, -1);
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_global_data)
{
    struct eb b;
    eb_init(&b);
    unsigned char data[16] = {0};
    int d = eb_sec(&b, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, data, sizeof data);
    int ro = eb_sec(&b, ".rodata", SHT_PROGBITS, SHF_ALLOC, data, 8);
    draco_raw_insn code[] = {LDDW1(1, 0), LDDW2(0), LDDW1(2, 4), LDDW2(0), MOV(0, 0), EXIT()};
    int prog = eb_code(&b, "xdp", code, 6);
    int v = eb_sym(&b, "v", 8, 4, STT_OBJECT, STB_GLOBAL, d);
    int ros = eb_sym(&b, "", 0, 0, STT_SECTION, STB_LOCAL, ro);
    eb_sym(&b, "prog", 0, 48, STT_FUNC, STB_GLOBAL, prog);
    eb_rel(&b, prog, 0, v, 1);
    eb_rel(&b, prog, 16, ros, 1);
    struct draco_object *o = load_ok(&b);
    const struct draco_program *p = find_prog(o, "prog");
    ck_assert_ptr_null(p->load_error);
    ck_assert_uint_eq(draco_raw_insn_src(&p->insns[0]), 2);
    const struct draco_map_desc *m = draco_object_map_by_fd(o, p->insns[0].imm);
    ck_assert_ptr_nonnull(m);
    ck_assert(m->info.is_global_data);
    ck_assert_str_eq(m->info.name, ".data");
    ck_assert_uint_eq(m->info.key_size, 4);
    ck_assert_uint_eq(m->info.value_size, 16);
    ck_assert_uint_eq(m->info.max_entries, 1);
    ck_assert_int_eq(p->insns[1].imm, 8);
    ck_assert_uint_eq(draco_raw_insn_src(&p->insns[2]), 2);
    m = draco_object_map_by_fd(o, p->insns[2].imm);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(m->info.name, ".rodata");
    ck_assert_int_eq(p->insns[3].imm, 4);
    draco_elf_object_free(o);
}
END_TEST

/* Read-only data maps keep the section's bytes (and BPF_F_RDONLY_PROG); writable or byte-less
 * global data (.data, .bss, a .rodata.* marked writable, a NOBITS .rodata.*) keeps nothing. */
START_TEST(test_rodata_contents)
{
    struct eb b;
    eb_init(&b);
    unsigned char ro[8] = {0x0e, 0, 0, 0, 0xdc, 0x05, 0xff, 0x80};
    unsigned char cfg[3] = {12, 34, 56};
    unsigned char rw[4] = {14, 0, 0, 0};
    eb_sec(&b, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, rw, sizeof rw);
    eb_sec(&b, ".rodata", SHT_PROGBITS, SHF_ALLOC, ro, sizeof ro);
    eb_sec(&b, ".rodata.config", SHT_PROGBITS, SHF_ALLOC, cfg, sizeof cfg);
    eb_sec(&b, ".rodata.w", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, rw, sizeof rw);
    eb_sec(&b, ".rodata.nobits", SHT_NOBITS, SHF_ALLOC, NULL, 8);
    eb_sec(&b, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, NULL, 8);
    draco_raw_insn code[] = {MOV(0, 0), EXIT()};
    int prog = eb_code(&b, "xdp", code, 2);
    eb_sym(&b, "prog", 0, 16, STT_FUNC, STB_GLOBAL, prog);
    struct draco_object *o = load_ok(&b);
    static const char *const names[] = {".data", ".rodata", ".rodata.config", ".rodata.w",
                                        ".rodata.nobits", ".bss"};
    ck_assert_uint_eq(o->n_maps, 6);
    for (size_t i = 0; i < o->n_maps; i++) {
        const struct draco_map_desc *m = &o->maps[i];
        ck_assert_str_eq(m->info.name, names[i]);
        ck_assert(m->info.is_global_data);
        bool ro_map = i == 1 || i == 2;
        ck_assert_msg((m->rodata != NULL) == ro_map, "%s", m->info.name);
        ck_assert_uint_eq(m->info.flags, ro_map ? 0x80u : 0u);   /* BPF_F_RDONLY_PROG */
    }
    ck_assert_uint_eq(o->maps[1].info.value_size, sizeof ro);
    ck_assert_mem_eq(o->maps[1].rodata, ro, sizeof ro);
    ck_assert_uint_eq(o->maps[2].info.value_size, sizeof cfg);
    ck_assert_mem_eq(o->maps[2].rodata, cfg, sizeof cfg);
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_subprogram_linking)
{
    struct eb b;
    eb_init(&b);
    draco_raw_insn text[] = {CALL_LOCAL(1), EXIT(), MOV(0, 5), EXIT()};
    int t = eb_code(&b, ".text", text, 4);
    draco_raw_insn code[] = {MOV(1, 1), CALL_LOCAL(-1), CALL_LOCAL(-1), EXIT()};
    int x = eb_code(&b, "xdp", code, 4);
    int h = eb_sym(&b, "helper", 0, 16, STT_FUNC, STB_GLOBAL, t);
    eb_sym(&b, "leaf", 16, 16, STT_FUNC, STB_LOCAL, t);
    eb_sym(&b, "main", 0, 32, STT_FUNC, STB_GLOBAL, x);
    eb_rel(&b, x, 8, h, 10);
    eb_rel(&b, x, 16, h, 10);
    struct draco_object *o = load_ok(&b);
    ck_assert_uint_eq(o->n_progs, 3); /* .text functions are listed too, as PREVAIL does */
    const struct draco_program *p = find_prog(o, "main");
    ck_assert_ptr_null(p->load_error);
    ck_assert_uint_eq(p->main_slots, 4);
    ck_assert_uint_eq(p->n_slots, 8); /* main + helper (2) + leaf (2), each once */
    ck_assert_int_eq(p->insns[1].imm, 4 - 1 - 1);
    ck_assert_int_eq(p->insns[2].imm, 4 - 2 - 1);
    ck_assert_int_eq(p->insns[4].imm, 6 - 4 - 1); /* helper's local call to leaf, re-patched */
    ck_assert_int_eq(p->insns[6].imm, 5);
    for (size_t i = 0; i < p->n_slots; i++)
        ck_assert_uint_eq(!!(p->insn_flags[i] & DRACO_INSN_F_SUBPROG), i >= 4);
    const struct draco_program *hp = find_prog(o, "helper");
    ck_assert_uint_eq(hp->n_slots, 4);
    ck_assert_int_eq(hp->insns[0].imm, 1);
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_recursion_rejected)
{
    struct eb b;
    eb_init(&b);
    /* self: f calls itself; mutual: a -> b -> a; ok: independent */
    draco_raw_insn text[] = {CALL_LOCAL(-1), EXIT(), CALL_LOCAL(1), EXIT(), CALL_LOCAL(-3), EXIT(),
                             MOV(0, 0), EXIT()};
    int t = eb_code(&b, ".text", text, 8);
    eb_sym(&b, "self", 0, 16, STT_FUNC, STB_GLOBAL, t);
    eb_sym(&b, "a", 16, 16, STT_FUNC, STB_GLOBAL, t);
    eb_sym(&b, "b", 32, 16, STT_FUNC, STB_GLOBAL, t);
    eb_sym(&b, "ok", 48, 16, STT_FUNC, STB_GLOBAL, t);
    struct draco_object *o = load_ok(&b);
    ck_assert_uint_eq(o->n_progs, 4);
    const struct draco_program *s = find_prog(o, "self"), *a = find_prog(o, "a"),
                               *bb = find_prog(o, "b"), *ok = find_prog(o, "ok");
    ck_assert_ptr_nonnull(s->load_error);
    ck_assert_ptr_nonnull(strstr(s->load_error, "Recursive"));
    ck_assert_ptr_nonnull(a->load_error);
    ck_assert_ptr_nonnull(strstr(a->load_error, "Recursive"));
    ck_assert_ptr_nonnull(bb->load_error);
    ck_assert_ptr_null(ok->load_error);
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_externs)
{
    struct eb b;
    eb_init(&b);
    draco_raw_insn c1[] = {I(0x85, 0, 1, 0, -1), LDDW1(1, 0), LDDW2(0), MOV(0, 0), EXIT()};
    draco_raw_insn c2[] = {LDDW1(1, 0), LDDW2(0), MOV(0, 0), EXIT()};
    int s1 = eb_code(&b, "xdp/one", c1, 5);
    int s2 = eb_code(&b, "xdp/two", c2, 4);
    int mc = eb_sym(&b, "memcpy", 0, 0, STT_NOTYPE, STB_GLOBAL, SHN_UNDEF);
    int kv = eb_sym(&b, "LINUX_KERNEL_VERSION", 0, 0, STT_NOTYPE, STB_GLOBAL, SHN_UNDEF);
    int un = eb_sym(&b, "mystery", 0, 0, STT_NOTYPE, STB_GLOBAL, SHN_UNDEF);
    eb_sym(&b, "one", 0, 40, STT_FUNC, STB_GLOBAL, s1);
    eb_sym(&b, "two", 0, 32, STT_FUNC, STB_GLOBAL, s2);
    eb_rel(&b, s1, 0, mc, 10);
    eb_rel(&b, s1, 8, kv, 1);
    eb_rel(&b, s2, 0, un, 1);
    struct draco_object *o = load_ok(&b);
    const struct draco_program *one = find_prog(o, "one"), *two = find_prog(o, "two");
    ck_assert_ptr_null(one->load_error);
    ck_assert_uint_eq(draco_raw_insn_src(&one->insns[0]), 0);
    ck_assert(one->insn_flags[0] & DRACO_INSN_F_BUILTIN);
    ck_assert_str_eq(one->ext_name[0], "memcpy");
    ck_assert_ptr_null(one->ext_name[1]);
    ck_assert_uint_eq(draco_raw_insn_src(&one->insns[1]), 0);
    ck_assert_int_eq(one->insns[1].imm, (6 << 16) | (1 << 8));
    ck_assert_ptr_nonnull(two->load_error);
    ck_assert_ptr_nonnull(strstr(two->load_error, "unresolved external symbol mystery"));
    draco_elf_object_free(o);
}
END_TEST

START_TEST(test_bad_relocations)
{
    struct eb b;
    eb_init(&b);
    draco_raw_insn code[] = {MOV(0, 0), EXIT()};
    int s = eb_code(&b, "xdp", code, 2);
    int f = eb_sym(&b, "f", 0, 16, STT_FUNC, STB_GLOBAL, s);
    eb_rel(&b, s, 4, f, 1);  /* misaligned */
    struct draco_object *o = load_ok(&b);
    ck_assert_ptr_nonnull(o->progs[0].load_error);
    draco_elf_object_free(o);
    eb_init(&b);
    s = eb_code(&b, "xdp", code, 2);
    f = eb_sym(&b, "f", 0, 16, STT_FUNC, STB_GLOBAL, s);
    eb_rel(&b, s, 64, f, 1); /* beyond the section */
    o = load_ok(&b);
    ck_assert_ptr_nonnull(o->progs[0].load_error);
    draco_elf_object_free(o);
    eb_init(&b);
    s = eb_code(&b, "xdp", code, 2);
    f = eb_sym(&b, "f", 0, 16, STT_FUNC, STB_GLOBAL, s);
    eb_rel(&b, s, 0, f, 1); /* on a MOV */
    o = load_ok(&b);
    ck_assert_ptr_nonnull(o->progs[0].load_error);
    draco_elf_object_free(o);
}
END_TEST

static unsigned char *sample_image(size_t *len)
{
    struct eb b;
    eb_init(&b);
    uint32_t defs[5] = {1, 4, 8, 100, 0};
    int maps = eb_sec(&b, "maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, defs, sizeof defs);
    draco_raw_insn code[] = {LDDW1(1, 0), LDDW2(0), CALL_LOCAL(1), EXIT(), MOV(0, 0), EXIT()};
    int x = eb_code(&b, "xdp", code, 6);
    int m = eb_sym(&b, "m", 0, 20, STT_OBJECT, STB_GLOBAL, maps);
    eb_sym(&b, "main", 0, 32, STT_FUNC, STB_GLOBAL, x);
    eb_sym(&b, "sub", 32, 16, STT_FUNC, STB_GLOBAL, x);
    eb_rel(&b, x, 0, m, 1);
    return eb_build(&b, len);
}

START_TEST(test_not_elf)
{
    draco_error err;
    struct draco_object *o = (void *)1;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(draco_elf_load("", 0, "empty", NULL, &err, &o), DRACO_ERR_INVALID);
    ck_assert_ptr_null(o);
    ck_assert_ptr_nonnull(strstr(err.message, "empty: "));
    memset(&err, 0, sizeof err);
    static const char junk[] = "this is certainly not an ELF object, just some text......";
    ck_assert_int_eq(draco_elf_load(junk, sizeof junk, "junk", NULL, &err, &o), DRACO_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "not an ELF"));

    size_t len;
    unsigned char *img = sample_image(&len);
    Elf64_Ehdr eh;
    memcpy(&eh, img, sizeof eh);
    eh.e_machine = EM_X86_64;
    memcpy(img, &eh, sizeof eh);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(draco_elf_load(img, len, "x86", NULL, &err, &o), DRACO_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "EM_BPF"));
    eh.e_machine = EM_BPF;
    eh.e_shoff = len - 10;
    memcpy(img, &eh, sizeof eh);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(draco_elf_load(img, len, "shoff", NULL, &err, &o), DRACO_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "out of bounds"));
    free(img);
}
END_TEST

START_TEST(test_size_limit)
{
    size_t len;
    unsigned char *img = sample_image(&len);
    draco_open_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.size = sizeof opts;
    opts.max_file_size = 64;
    draco_error err;
    memset(&err, 0, sizeof err);
    struct draco_object *o = NULL;
    ck_assert_int_eq(draco_elf_load(img, len, NULL, &opts, &err, &o), DRACO_ERR_LIMIT);
    ck_assert_ptr_null(o);
    free(img);
}
END_TEST

START_TEST(test_sample_image_loads)
{
    size_t len;
    unsigned char *img = sample_image(&len);
    draco_error err;
    memset(&err, 0, sizeof err);
    struct draco_object *o = NULL;
    ck_assert_int_eq(draco_elf_load(img, len, "s.o", NULL, &err, &o), DRACO_OK);
    free(img); /* the object must not refer to the image */
    ck_assert_str_eq(o->name, "s.o");
    const struct draco_program *p = find_prog(o, "main");
    ck_assert_ptr_null(p->load_error);
    ck_assert_uint_eq(p->n_slots, 6);
    ck_assert_str_eq(draco_object_map_by_fd(o, p->insns[0].imm)->info.name, "m");
    draco_elf_object_free(o);
}
END_TEST

/* Every truncation of a valid image is either loaded or refused with a message, never a crash. */
START_TEST(test_truncations)
{
    size_t len;
    unsigned char *img = sample_image(&len);
    for (size_t n = 0; n < len; n++) {
        unsigned char *cut = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(cut);
        memcpy(cut, img, n);
        draco_error err;
        memset(&err, 0, sizeof err);
        struct draco_object *o = NULL;
        draco_status st = draco_elf_load(cut, n, "cut", NULL, &err, &o);
        if (st != DRACO_OK) {
            ck_assert_ptr_null(o);
            ck_assert_msg(err.message[0] != 0, "no message at length %zu", n);
        }
        draco_elf_object_free(o);
        free(cut);
    }
    free(img);
}
END_TEST

/* Random byte corruption (seeded by the loop index): no crash, no leak, messages on refusal. */
START_TEST(test_corruptions)
{
    size_t len;
    unsigned char *img = sample_image(&len);
    uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(_i + 1);
    for (int round = 0; round < 200; round++) {
        unsigned char *bad = malloc(len);
        ck_assert_ptr_nonnull(bad);
        memcpy(bad, img, len);
        int flips = 1 + round % 8;
        for (int k = 0; k < flips; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t pos = (size_t)(seed >> 33) % len;
            bad[pos] = (unsigned char)(seed >> 24);
        }
        draco_error err;
        memset(&err, 0, sizeof err);
        struct draco_object *o = NULL;
        draco_status st = draco_elf_load(bad, len, "fuzz", NULL, &err, &o);
        ck_assert_msg(st == DRACO_OK || err.message[0], "seed %d round %d: no message", _i, round);
        if (st == DRACO_OK)
            for (size_t i = 0; i < o->n_progs; i++)
                ck_assert_uint_le(o->progs[i].main_slots, o->progs[i].n_slots);
        draco_elf_object_free(o);
        free(bad);
    }
    free(img);
}
END_TEST

extern Suite *draco_suite_elf_load(void);
Suite *draco_suite_elf_load(void)
{
    Suite *s = suite_create("elf_load");
    TCase *tc = tcase_create("listing");
    tcase_add_test(tc, test_two_functions_one_section);
    tcase_add_test(tc, test_section_without_function_symbol);
    suite_add_tcase(s, tc);
    tc = tcase_create("maps");
    tcase_add_test(tc, test_legacy_maps);
    tcase_add_test(tc, test_legacy_map_in_map);
    tcase_add_test(tc, test_legacy_map_in_map_iproute2);
    tcase_add_test(tc, test_global_data);
    tcase_add_test(tc, test_rodata_contents);
    suite_add_tcase(s, tc);
    tc = tcase_create("relocations");
    tcase_add_test(tc, test_subprogram_linking);
    tcase_add_test(tc, test_recursion_rejected);
    tcase_add_test(tc, test_externs);
    tcase_add_test(tc, test_bad_relocations);
    suite_add_tcase(s, tc);
    tc = tcase_create("malformed");
    tcase_add_test(tc, test_not_elf);
    tcase_add_test(tc, test_size_limit);
    tcase_add_test(tc, test_sample_image_loads);
    tcase_add_test(tc, test_truncations);
    tcase_add_loop_test(tc, test_corruptions, 0, 8);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
