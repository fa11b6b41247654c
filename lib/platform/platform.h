/* SPDX-License-Identifier: MIT */
/* platform: what the verifier needs to know about the runtime an eBPF program runs in.
 *
 * A platform is a const table of function pointers (struct draco_platform) plus a `user` pointer
 * for embedders; every member takes the table itself as first argument, so nothing is global.
 * Everything a platform hands out (program types, context descriptors, helper prototypes, map
 * types) is borrowed, immutable, and lives at least as long as the platform table; the built-in
 * Linux platform returns pointers into const static data, valid for the process lifetime.
 * Invariants of a helper prototype: argument kinds are listed from r1 upwards, DRACO_ARG_DONTCARE
 * ends the list; every memory-pair pointer kind (draco_arg_kind_is_pair) has a size argument of a
 * size kind (by default the next argument, or the one named in size_arg); a prototype the
 * platform cannot model soundly has `unsupported` set and must make the program fail.
 */
#ifndef DRACO_PLATFORM_PLATFORM_H
#define DRACO_PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/util.h"

/* ---- helper argument kinds -------------------------------------------------------------- */
/* "Readonly" memory is only read by the helper (must be initialised; may be a read-only region).
 * "Readable" memory is read and may be written back (must be initialised and writable; its bytes
 * are unknown numbers afterwards). "Writable" memory is written before being read (need not be
 * initialised; writable; it holds unknown numbers afterwards, on every return path). */
enum draco_arg_kind {
    DRACO_ARG_DONTCARE = 0,            /* no argument here (ends the list) */
    DRACO_ARG_ANYTHING,                /* any initialised value (a number when unprivileged) */
    DRACO_ARG_CONST_SIZE,              /* size of a memory pair, > 0 */
    DRACO_ARG_CONST_SIZE_OR_ZERO,      /* size of a memory pair, >= 0 */
    DRACO_ARG_CONST_ALLOC_SIZE_OR_ZERO,/* number >= 0, sizes the returned alloc mem */
    DRACO_ARG_PTR_TO_CTX,              /* the program's context, offset 0 */
    DRACO_ARG_PTR_TO_CTX_OR_NULL,
    DRACO_ARG_PTR_TO_MAP,              /* a map fd; the map of the call */
    DRACO_ARG_PTR_TO_MAP_OF_PROGRAMS,  /* a program-array map fd */
    DRACO_ARG_PTR_TO_MAP_KEY,          /* initialised memory covering the map's key */
    DRACO_ARG_PTR_TO_MAP_VALUE,        /* initialised memory covering the map's value */
    DRACO_ARG_PTR_TO_MAP_VALUE_OR_NULL,/* same, or NULL */
    DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE, /* writable memory covering the map's value (written) */
    DRACO_ARG_PTR_TO_READONLY_MEM,     /* pair: read */
    DRACO_ARG_PTR_TO_READONLY_MEM_OR_NULL,
    DRACO_ARG_PTR_TO_READABLE_MEM,     /* pair: read, may be written */
    DRACO_ARG_PTR_TO_READABLE_MEM_OR_NULL,
    DRACO_ARG_PTR_TO_WRITABLE_MEM,     /* pair: written */
    DRACO_ARG_PTR_TO_WRITABLE_MEM_OR_NULL,
    DRACO_ARG_PTR_TO_FIXED_READONLY_MEM, /* arg_size[i] bytes, read */
    DRACO_ARG_PTR_TO_FIXED_MEM,        /* arg_size[i] bytes, read, may be written */
    DRACO_ARG_PTR_TO_LONG,             /* 8 writable bytes (written) */
    DRACO_ARG_PTR_TO_INT,              /* 4 writable bytes (written) */
    DRACO_ARG_PTR_TO_STACK,            /* a stack pointer (callback context) */
    DRACO_ARG_PTR_TO_STACK_OR_NULL,
    DRACO_ARG_PTR_TO_FUNC,             /* a callback: LDDW code address */
    DRACO_ARG_PTR_TO_SOCK_COMMON,      /* a socket obtained from a helper */
    DRACO_ARG_PTR_TO_BTF_ID_SOCK_COMMON,
    DRACO_ARG_PTR_TO_SOCKET,
    DRACO_ARG_PTR_TO_BTF_ID,           /* a kernel object from BTF (not dereferenced here) */
    DRACO_ARG_PTR_TO_PERCPU_BTF_ID,
    DRACO_ARG_PTR_TO_ALLOC_MEM,        /* memory from an allocating helper (ringbuf_reserve) */
    DRACO_ARG_PTR_TO_SPIN_LOCK,        /* a bpf_spin_lock inside a map value */
    DRACO_ARG_PTR_TO_TIMER,            /* a bpf_timer inside a map value */
    DRACO_ARG_PTR_TO_CONST_STR,        /* NUL-terminated read-only string: not modelled */
    DRACO_ARG_PTR_TO_DYNPTR,           /* dynptr: not modelled */
    DRACO_ARG_UNSUPPORTED,
};
#define DRACO_ARG_KIND_COUNT (DRACO_ARG_UNSUPPORTED + 1)

enum draco_ret_kind {
    DRACO_RET_INTEGER = 0,
    DRACO_RET_INTEGER_OR_NO_RETURN_IF_SUCCEED, /* tail call */
    DRACO_RET_VOID,                            /* r0 is unusable afterwards */
    DRACO_RET_PTR_TO_MAP_VALUE_OR_NULL,        /* region = value of the call's map */
    DRACO_RET_PTR_TO_MAP_VALUE,                /* never NULL (get_local_storage) */
    DRACO_RET_PTR_TO_SOCKET_OR_NULL,
    DRACO_RET_PTR_TO_SOCK_COMMON_OR_NULL,
    DRACO_RET_PTR_TO_TCP_SOCKET_OR_NULL,
    DRACO_RET_PTR_TO_ALLOC_MEM_OR_NULL,        /* size = the CONST_ALLOC_SIZE_OR_ZERO argument */
    DRACO_RET_PTR_TO_BTF_ID,
    DRACO_RET_PTR_TO_BTF_ID_OR_NULL,
    DRACO_RET_PTR_TO_MEM_OR_BTF_ID,            /* treat as BTF id (not dereferenceable) */
    DRACO_RET_PTR_TO_MEM_OR_BTF_ID_OR_NULL,
    DRACO_RET_UNSUPPORTED,
};
#define DRACO_RET_KIND_COUNT (DRACO_RET_UNSUPPORTED + 1)

/* ---- data shapes ------------------------------------------------------------------------ */
/* Layout of a program's context (r1 at entry). Offsets are -1 when absent; size 0 = no ctx. */
struct draco_ctx_desc {
    const char *name;        /* "__sk_buff", "xdp_md", ...: helpers name the ctx they need */
    int32_t size;
    int32_t data, data_end, data_meta;  /* offsets of packet pointer fields, -1 = absent */
};

struct draco_prog_type {
    const char *name;                    /* libbpf style: "xdp", "sched_cls", ... */
    const struct draco_ctx_desc *ctx;    /* never NULL */
    uint32_t id;                         /* platform id (Linux: BPF_PROG_TYPE_*) */
    bool is_privileged;                  /* loads need CAP_BPF+CAP_PERFMON: pointer leaks allowed */
    bool is_sleepable;                   /* may call helpers with might_sleep */
    /* No section rule named the type (PREVAIL's fallback to socket_filter for an unknown
     * section such as "2/7" or "tc/tail"): like PREVAIL, a helper restricted to other program
     * types (progs=) is still usable when it names this type's context (ctx=__sk_buff). An
     * explicit "socket" section keeps the kernel's list. */
    bool is_section_default;
};

/* Helpers that call a callback function (argument DRACO_ARG_PTR_TO_FUNC) the analysis models. */
enum draco_callback_kind {
    DRACO_CALLBACK_NONE = 0,          /* a callback, if any, is not modelled: the call is refused */
    DRACO_CALLBACK_LOOP,              /* bpf_loop: cb(u64 index, ctx) at most 1 << 23 times */
    DRACO_CALLBACK_FOR_EACH_MAP_ELEM, /* cb(map, const key *, value *, ctx) once per element */
};

#define DRACO_HELPER_ARGS 5
struct draco_helper_proto {
    const char *name;                    /* "bpf_map_lookup_elem"; builtins: "memset", ... */
    int32_t id;                          /* helper id; builtins negative (enum draco_builtin_id) */
    enum draco_ret_kind ret;
    enum draco_arg_kind args[DRACO_HELPER_ARGS];
    uint8_t size_arg[DRACO_HELPER_ARGS]; /* pairs: 1-based arg holding the size; 0 = next arg */
    uint16_t arg_size[DRACO_HELPER_ARGS];/* FIXED_*_MEM: the byte size */
    uint8_t zero_args;                   /* bit i set: argument i+1 must be 0 */
    bool reallocates_packet;             /* packet pointers invalid, packet size changes */
    bool writes_packet;                  /* packet bytes change (implied by reallocates_packet) */
    bool might_sleep;                    /* only in sleepable programs */
    bool unsupported;                    /* cannot be modelled soundly: reject the program */
    uint8_t callback;                    /* enum draco_callback_kind */
    const char *required_ctx;            /* NULL, or the ctx_desc name the program must have */
    uint64_t prog_types;                 /* bit id set: usable there; 0 = no restriction */
    uint64_t map_types;                  /* bit type set: allowed map; 0 = any map */
};

enum draco_map_value_kind { DRACO_MAP_VALUE_ANY, DRACO_MAP_VALUE_MAP, DRACO_MAP_VALUE_PROGRAM };

struct draco_map_type_info {
    uint32_t type;                       /* platform map type (Linux BPF_MAP_TYPE_*) */
    const char *name;                    /* "HASH", "ARRAY", ... */
    bool is_array;                       /* keys are indices < max_entries */
    enum draco_map_value_kind value_kind;
};

/* One legacy (pre-BTF) map definition record, zero-padded to this shape. */
struct draco_legacy_map {
    uint32_t type, key_size, value_size, max_entries, map_flags;
    int32_t inner_map_idx;               /* index of the inner map template, -1 = none */
    uint32_t numa_node;                  /* 28-byte (samples/bpf) layout only */
    uint32_t id, pinning, inner_id;      /* 36-byte (iproute2 bpf_elf_map) layout only */
};

/* Builtins: calls to undefined functions the loader rewrote (DRACO_INSN_F_BUILTIN). */
enum draco_builtin_id {
    DRACO_BUILTIN_MEMSET = -1,
    DRACO_BUILTIN_MEMCPY = -2,
    DRACO_BUILTIN_MEMMOVE = -3,
    DRACO_BUILTIN_MEMCMP = -4,
    DRACO_BUILTIN_EXTERN_UNSPECIFIED = -5, /* any other extern: five ANYTHING args */
};

/* ---- the platform table ----------------------------------------------------------------- */
/* Members marked optional may be NULL. Returned pointers are borrowed from the platform. All
 * members must be safe to call from several threads at once (they only read). */
struct draco_platform {
    const char *name;                    /* "linux" */
    void *user;                          /* embedder data; the Linux platform ignores it */
    /* Program type for an ELF section (path = the object's path or name, may be ""). Never NULL
     * for Linux (unknown sections are socket_filter). */
    const struct draco_prog_type *(*prog_type_from_section)(const struct draco_platform *self,
                                                            const char *section, const char *path);
    /* Program type by its name ("xdp"), for a --type override; NULL if unknown. */
    const struct draco_prog_type *(*prog_type_by_name)(const struct draco_platform *self,
                                                       const char *name);
    /* Prototype of helper `id` (NULL if no such helper). Unsupported helpers are returned, with
     * `unsupported` set, so that diagnostics can name them. `type` may be NULL. */
    const struct draco_helper_proto *(*helper_proto)(const struct draco_platform *self, int32_t id,
                                                     const struct draco_prog_type *type);
    /* True iff helper `id` exists, is supported and may be called by a program of `type`. */
    bool (*helper_usable)(const struct draco_platform *self, int32_t id,
                          const struct draco_prog_type *type);
    /* optional: prototype by name (call-by-name relocations, builtins). "bpf_" prefix optional.
     * memset/memcpy/memmove/memcmp give builtin contracts; any other name that is not a helper
     * gives the "extern unspecified" contract. Never NULL for Linux. */
    const struct draco_helper_proto *(*helper_by_name)(const struct draco_platform *self,
                                                       const char *name);
    /* optional: a kfunc/ksym contract by name for a program type; NULL = unknown (reject). */
    const struct draco_helper_proto *(*kfunc_resolve)(const struct draco_platform *self,
                                                      const char *name,
                                                      const struct draco_prog_type *type);
    /* Map type information; NULL if the type is unknown. */
    const struct draco_map_type_info *(*map_type)(const struct draco_platform *self, uint32_t type);
    /* optional: parses `count` legacy map records of `record_size` bytes each from `data`
     * (record_size * count bytes) into out[0..count). DRACO_ERR_INVALID (with err) on a bad
     * record size or inner map index. */
    draco_status (*parse_legacy_maps)(const struct draco_platform *self, const void *data,
                                      size_t record_size, size_t count,
                                      struct draco_legacy_map *out, draco_error *err);
};

/* The built-in Linux platform (program types as PREVAIL's Linux platform picks them from section
 * names, helpers 0..211 of Linux 6.x, map types 0..33). Const; thread-safe. */
const struct draco_platform *draco_platform_linux(void);

/* ---- utilities for any platform --------------------------------------------------------- */
const char *draco_arg_kind_str(enum draco_arg_kind k);    /* "ptr_to_map_key"; never NULL */
const char *draco_ret_kind_str(enum draco_ret_kind k);
/* Pointer kinds that form a (pointer, size) pair with a size argument. */
bool draco_arg_kind_is_pair(enum draco_arg_kind k);
bool draco_arg_kind_is_size(enum draco_arg_kind k);       /* CONST_SIZE(_OR_ZERO) */
bool draco_arg_kind_is_nullable(enum draco_arg_kind k);
/* Memory the helper writes (its contents are unknown numbers after the call). */
bool draco_arg_kind_is_written(enum draco_arg_kind k);
/* 0-based index of the size argument of pair argument i, or -1 if argument i is not a pair or
 * the prototype is malformed (the size index is out of range or not a size kind). */
int draco_helper_proto_size_arg(const struct draco_helper_proto *p, int i);
/* Checks the invariants above (pairs have sizes, sizes follow a pair, fixed sizes non-zero, no
 * argument after DONTCARE). False with a reason in `why` (may be NULL). */
bool draco_helper_proto_is_wellformed(const struct draco_helper_proto *p, const char **why);
/* Builtin contracts by id (enum draco_builtin_id); NULL if not a builtin. */
const struct draco_helper_proto *draco_builtin_proto(int32_t id);
/* memset/memcpy/memmove/memcmp (also with "__builtin_" prefix) or NULL. */
const struct draco_helper_proto *draco_builtin_by_name(const char *name);
/* True iff program type `t` may call helper `p` (ctx, program-type mask, sleepability,
 * unsupported flag). Any platform may use it to implement helper_usable. */
bool draco_helper_proto_usable_in(const struct draco_helper_proto *p,
                                  const struct draco_prog_type *t);

#endif
