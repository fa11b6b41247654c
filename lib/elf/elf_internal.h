/* SPDX-License-Identifier: MIT */
/* elf: private state shared by the loader's files while one ELF image is being loaded.
 *
 * Invariants: a draco_elf_ctx lives only for the duration of draco_elf_load(). Every section
 * record's `data`/`size` pair was checked to lie inside the image (NOBITS sections have data ==
 * NULL); every symbol's name is a NUL-terminated string inside its string table and its
 * section index is either < n_secs or one of the reserved values (then `shndx` is 0 = undefined
 * or DRACO_ELF_SHN_OTHER). Executable sections carry a private, mutable copy of their code
 * (CO-RE relocations are applied there before programs are cut out of it). Strings that must
 * outlive the load (names, line text) are copied into the object's arena; everything else is
 * malloc'ed and freed by draco_elf_ctx_fini().
 */
#ifndef DRACO_ELF_INTERNAL_H
#define DRACO_ELF_INTERNAL_H

#include "elf/object.h"

struct btf;

#define DRACO_ELF_SHN_OTHER 0xffffffffu   /* SHN_ABS, SHN_COMMON, ...: defined nowhere we use */
#define DRACO_ELF_MAX_DEPTH 32            /* BTF type chains / access strings */

struct draco_elf_reloc {
    uint64_t offset;   /* byte offset in the target section (checked: 8-aligned, in range) */
    uint32_t sym;      /* index into ctx->syms (checked) */
    uint32_t type;     /* R_BPF_* */
    int64_t addend;    /* RELA addend, 0 for REL */
    bool is_rela;
};

struct draco_elf_line {
    uint32_t off;      /* byte offset in the section */
    const char *file, *text;
    uint32_t line, column;
};

struct draco_elf_core_err {
    uint32_t off;      /* byte offset of the instruction in the section */
    const char *msg;   /* arena */
};

struct draco_elf_sec {
    const char *name;          /* arena copy */
    uint32_t type;
    uint64_t flags;
    const uint8_t *data;       /* inside the image, NULL for NOBITS or empty */
    uint64_t size;
    uint32_t link, info;
    uint64_t entsize;
    bool is_exec;              /* SHF_EXECINSTR and non-empty */
    bool is_legacy_maps;       /* "maps" or "maps/..." */
    bool is_btf_maps;          /* ".maps" */
    bool is_data;              /* global data: .data/.rodata/.bss and their .xxx variants */
    int data_map_fd;           /* implicit map of a global data section, 0 if none */
    draco_raw_insn *code;      /* exec sections: private copy, size / 8 slots */
    size_t n_code;
    DRACO_VEC(struct draco_elf_reloc) relocs;   /* sorted by offset */
    const char *reloc_error;   /* arena: refuses every program of the section */
    DRACO_VEC(struct draco_elf_line) lines;     /* sorted by off */
    DRACO_VEC(struct draco_elf_core_err) core_errs;
    uint32_t n_core;           /* CO-RE relocations applied in this section */
};

struct draco_elf_sym {
    const char *name;          /* inside the image (checked NUL-terminated), "" if none */
    uint64_t value, size;
    uint32_t shndx;            /* 0 = undefined, DRACO_ELF_SHN_OTHER, else < n_secs */
    uint8_t type, bind;
};

/* a map symbol (or record) located at an offset of a map section */
struct draco_elf_mapref {
    uint32_t shndx;
    uint64_t offset, size;
    int fd;
};

struct draco_elf_ctx {
    struct draco_object *obj;
    const char *name;
    const uint8_t *image;
    size_t len;
    struct draco_elf_sec *secs;
    size_t n_secs;
    struct draco_elf_sym *syms;
    size_t n_syms;
    struct btf *btf;           /* NULL when absent or invalid */
    const char *btf_error;     /* arena: set when .BTF exists but is invalid */
    const char *btf_ext_error; /* arena: set when .BTF.ext is malformed */
    const uint8_t *btf_ext;
    size_t btf_ext_len;
    DRACO_VEC(struct draco_map_desc) maps;
    DRACO_VEC(struct draco_elf_mapref) maprefs;
    draco_error *err;
};

/* elf_maps.c: whether a global-data section becomes a read-only data map whose contents the
 * program cannot change: named .rodata or .rodata.* (the names libbpf and cilium/ebpf both create
 * with BPF_F_RDONLY_PROG and freeze), PROGBITS with bytes, and not marked writable (SHF_WRITE). */
bool draco_elf_sec_is_rodata(const struct draco_elf_sec *s);
/* elf_maps.c: BTF-defined, legacy and global-data maps; fills ctx->maps and ctx->maprefs. */
draco_status draco_elf_maps_parse(struct draco_elf_ctx *ctx);
/* The fd of the map whose definition covers byte `offset` of map section `shndx`, or 0. */
int draco_elf_map_fd_at(const struct draco_elf_ctx *ctx, uint32_t shndx, uint64_t offset);

/* elf_btf.c: .BTF.ext line info and CO-RE relocations (applied to the sections' code copies). */
draco_status draco_elf_btf_ext_apply(struct draco_elf_ctx *ctx);
/* BTF type id of a FUNC named `name` declared in the .ksyms DATASEC (or an extern FUNC), else 0. */
uint32_t draco_elf_btf_ksym_func(const struct draco_elf_ctx *ctx, const char *name);
/* Skips typedef/const/volatile/restrict/type_tag; returns the id reached or 0 (bad id, too deep). */
uint32_t draco_elf_btf_skip_mods(const struct btf *btf, uint32_t id);

/* elf_link.c: cuts program `prog` (entry at slot `start` of section `shndx`) out of its section,
 * applies relocations and appends subprograms. Program-level problems become prog->load_error;
 * the return value is only for out-of-memory / internal failures. */
draco_status draco_elf_program_build(struct draco_elf_ctx *ctx, struct draco_program *prog,
                                     uint32_t shndx, size_t start, size_t end);

#endif
