/* SPDX-License-Identifier: MIT */
/* elf: the loaded object model shared by the loader, the API and the later pipeline stages.
 *
 * A draco_object owns one arena holding every name, instruction array and line record of all its
 * programs and maps; destroying the object frees them at once. Each program's instruction array is
 * self-contained: the entry function first (slots [0, main_slots)), then every subprogram it calls
 * (transitively) appended once, with local-call immediates patched to the appended copy. LDDW map
 * references are already rewritten to pseudo fds (src=1, imm=fd) or global-data map values (src=2,
 * imm=fd, next imm=offset); calls to externs are rewritten as described at insn_flags.
 */
#ifndef DRACO_ELF_OBJECT_H
#define DRACO_ELF_OBJECT_H

#include "util/util.h"

/* per-slot flags of a loaded program */
enum draco_insn_flag {
    DRACO_INSN_F_BUILTIN = 1u << 0,  /* CALL src=0 rewritten from a call to an undefined function;
                                        ext_name holds the callee (memset, memcpy, ...) */
    DRACO_INSN_F_KFUNC = 1u << 1,    /* CALL src=2 from a .ksyms extern; ext_name holds its name */
    DRACO_INSN_F_SUBPROG = 1u << 2,  /* slot belongs to an appended subprogram */
};

struct draco_map_desc {
    draco_map_info info;       /* public view: name, fd, type, sizes, inner fd, is_global_data */
    int32_t btf_value_type_id; /* BTF type of the value when known, else 0 */
    bool is_inner_template;    /* referenced as an inner map by a map-in-map */
    /* Read-only data map (draco_elf_sec_is_rodata(): libbpf and cilium/ebpf create it with
     * BPF_F_RDONLY_PROG, also set in info.flags, and freeze it after writing these bytes): its
     * initial value, info.value_size bytes in the object's arena. NULL for every other map,
     * writable global data (.data, .bss) included: their contents change at run time. */
    const uint8_t *rodata;
};

struct draco_program {
    struct draco_object *obj;   /* owner */
    const char *section;
    const char *function;       /* the entry symbol; section name for old objects without one */
    const char *type_name;      /* libbpf's name for the section's program type, "unspec" if none */
    const char *load_error;     /* non-NULL: refused at load, with its location */
    draco_raw_insn *insns;      /* n_slots slots */
    size_t n_slots;
    size_t main_slots;          /* slots of the entry function itself */
    size_t n_insns;             /* LDDW counted once */
    uint8_t *insn_flags;        /* n_slots entries of enum draco_insn_flag bits */
    const char **ext_name;      /* n_slots entries, NULL except for extern calls */
    draco_line_info *lines;     /* n_slots entries; .line == 0 where none */
    uint32_t section_offset;    /* byte offset of the entry function inside its section */
};

struct draco_object {
    struct draco_arena arena;
    const char *name;           /* path or the memory buffer's name */
    struct draco_program *progs;
    size_t n_progs;
    struct draco_map_desc *maps;
    size_t n_maps;
    bool has_btf;
};

/* Parses an ELF image (not retained after the call). On failure *out is NULL and err says why. */
draco_status draco_elf_load(const void *image, size_t len, const char *name,
                            const draco_open_opts *opts, draco_error *err, struct draco_object **out);
void draco_elf_object_free(struct draco_object *obj);
/* Map descriptor by pseudo fd, NULL if unknown. */
const struct draco_map_desc *draco_object_map_by_fd(const struct draco_object *obj, int fd);

#endif
