/* SPDX-License-Identifier: MIT */
/**
 * @file dracoverify.h
 * @brief draco-verify: the one public API.
 *
 * draco-verify reads eBPF objects (ELF) or raw instruction arrays and proves properties of the
 * bytecode by abstract interpretation.
 *
 * Conventions (see docs/api.md):
 *  - Handles are opaque. Heap objects come from `*_create`/`*_open_*` and go back through
 *    `*_destroy`, which accepts NULL.
 *  - Every fallible call returns a ::draco_status; outputs come through the last parameters.
 *    Where a call can fail on bad input it also fills an optional ::draco_error (caller storage)
 *    with a message that names the location (file, section, instruction index).
 *  - No global or thread-local state: two threads may use two handles at once. One handle must
 *    not be used by two threads at the same time. Objects returned by const getters are borrowed
 *    from their owner and live until the owner is destroyed.
 *  - Options structs start with their own size and are filled by their `_init` function.
 */
#ifndef DRACOVERIFY_H
#define DRACOVERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DRACO_API __attribute__((visibility("default")))
#else
#define DRACO_API
#endif

/** Status of a call. Rejecting a program is not an error (see the verification report). */
typedef enum draco_status {
    DRACO_OK = 0,
    DRACO_ERR_INVALID = 1,      /**< malformed input: ELF, instruction, option, YAML */
    DRACO_ERR_UNSUPPORTED = 2,  /**< well-formed input using something not supported */
    DRACO_ERR_NOMEM = 3,        /**< out of memory */
    DRACO_ERR_LIMIT = 4,        /**< a configured limit was exceeded (size, time, states) */
    DRACO_ERR_NOT_FOUND = 5,    /**< no such program/section/function */
    DRACO_ERR_INTERNAL = 6,     /**< a bug in draco-verify: please report it */
} draco_status;

/** Short fixed text for a status ("ok", "invalid input", ...). Never NULL. Thread-safe. */
DRACO_API const char *draco_status_str(draco_status st);

/** Error record in caller storage; `message` is always NUL-terminated. */
typedef struct draco_error {
    draco_status status;
    char message[512];
} draco_error;

/** One raw 8-byte eBPF instruction, as in the ELF file (little-endian host assumed). */
typedef struct draco_raw_insn {
    uint8_t opcode;
    uint8_t regs;    /**< dst in the low 4 bits, src in the high 4 bits */
    int16_t offset;
    int32_t imm;
} draco_raw_insn;

static inline unsigned draco_raw_insn_dst(const draco_raw_insn *i) { return i->regs & 0xf; }
static inline unsigned draco_raw_insn_src(const draco_raw_insn *i) { return (unsigned)i->regs >> 4; }

/* ------------------------------------------------------------------------------------------ */
/** @name Objects and programs */
/**@{*/
typedef struct draco_object draco_object;
typedef struct draco_program draco_program;

/** Options for opening an object. */
typedef struct draco_open_opts {
    size_t size;               /**< sizeof(draco_open_opts); set by draco_open_opts_init() */
    const char *name;          /**< name used in messages for memory buffers (default "<memory>") */
    size_t max_file_size;      /**< refuse larger inputs (default 256 MiB) */
} draco_open_opts;
DRACO_API void draco_open_opts_init(draco_open_opts *opts);

/**
 * Opens an ELF eBPF object from a path. Programs that cannot be loaded individually (bad BTF for
 * that program, unresolved symbols, recursion, ...) are still listed, with a load error (see
 * draco_program_load_error()); a file that is not a usable ELF object at all fails here.
 * @param opts may be NULL (defaults). @param err may be NULL.
 * @param out receives the object (owned by the caller, free with draco_object_destroy()).
 * @return DRACO_OK, DRACO_ERR_INVALID (malformed file), DRACO_ERR_NOMEM, DRACO_ERR_LIMIT.
 */
DRACO_API draco_status draco_object_open_file(const char *path, const draco_open_opts *opts,
                                              draco_error *err, draco_object **out);
/** Same as draco_object_open_file() from a memory buffer; the buffer is copied. */
DRACO_API draco_status draco_object_open_mem(const void *buf, size_t len, const draco_open_opts *opts,
                                             draco_error *err, draco_object **out);
/** Frees the object and everything borrowed from it. Accepts NULL. */
DRACO_API void draco_object_destroy(draco_object *obj);

DRACO_API size_t draco_object_program_count(const draco_object *obj);
/** Borrowed; valid until the object is destroyed. NULL if i is out of range. */
DRACO_API const draco_program *draco_object_program(const draco_object *obj, size_t i);
/** Finds a program by section and (optional, NULL = first of the section) function name. */
DRACO_API draco_status draco_object_find_program(const draco_object *obj, const char *section,
                                                 const char *function, const draco_program **out);

DRACO_API const char *draco_program_section(const draco_program *prog);
DRACO_API const char *draco_program_function(const draco_program *prog);
/** Program type as libbpf names it from the section ("xdp", "sched_cls", ...; "unspec" if none). */
DRACO_API const char *draco_program_type_name(const draco_program *prog);
/** NULL if the program loaded, else why it was refused (its location included). */
DRACO_API const char *draco_program_load_error(const draco_program *prog);
/** Number of 8-byte slots (an LDDW takes two), subprograms linked in included. */
DRACO_API size_t draco_program_slot_count(const draco_program *prog);
/** Number of instructions with an LDDW counted once. */
DRACO_API size_t draco_program_insn_count(const draco_program *prog);
/** The raw slots, after relocation and subprogram linking. Borrowed. */
DRACO_API const draco_raw_insn *draco_program_insns(const draco_program *prog);

/** Source location of one slot from .BTF.ext line info. */
typedef struct draco_line_info {
    const char *file;   /**< NULL when unknown */
    const char *text;   /**< the source line, NULL when unknown */
    uint32_t line, column;
} draco_line_info;
/** Fills *out for slot pc; returns false when there is no line info for it. */
DRACO_API bool draco_program_line_info(const draco_program *prog, size_t pc, draco_line_info *out);

/** A map of the object (BTF-defined, legacy, or implicit global-data map). */
typedef struct draco_map_info {
    const char *name;
    int fd;                  /**< the pseudo file descriptor LDDW src=1 refers to */
    uint32_t type;           /**< Linux BPF_MAP_TYPE_* number */
    uint32_t key_size, value_size, max_entries, flags;
    int inner_map_fd;        /**< -1 if none */
    bool is_global_data;     /**< .data/.rodata/.bss/... implicit map */
} draco_map_info;
DRACO_API size_t draco_object_map_count(const draco_object *obj);
/** Borrowed. NULL if out of range. */
DRACO_API const draco_map_info *draco_object_map(const draco_object *obj, size_t i);
/**
 * The initial value of map i when it is a read-only data map: the implicit map of a `.rodata` or
 * `.rodata.*` section (not marked writable), which libbpf and cilium/ebpf create with
 * BPF_F_RDONLY_PROG (also in its draco_map_info.flags) and freeze after writing these bytes.
 * Returns true and sets *data (borrowed, valid until the object is destroyed) and *size
 * (= value_size); false, with *data = NULL and *size = 0, for every other map (writable .data and
 * .bss included) or when i is out of range. Thread-safe (reads only).
 */
DRACO_API bool draco_object_map_rodata(const draco_object *obj, size_t i, const void **data, size_t *size);
/**
 * Builds an object holding one program from eBPF assembly text in the LLVM/PREVAIL syntax
 * (`r2 = *(u8 *)(r1 + 0)`, `if r3 > r2 goto <out>`, `<out>:` labels, `r1 = map_fd 1`, `call 1`,
 * `exit`; llvm-objdump and `clang -S` output are read too). The program's section is `prog_type`
 * (a libbpf type name such as "xdp"; required), its function "main". `maps` (may be NULL with
 * n_maps 0) describes the maps the text refers to, by fd (`map_fd N`) or by name (`r1 = NAME ll`).
 * For runtimes that do not use ELF. Errors: DRACO_ERR_INVALID with the line number in err.
 */
DRACO_API draco_status draco_object_open_text(const char *text, const char *prog_type,
                                              const draco_map_info *maps, size_t n_maps,
                                              const draco_open_opts *opts, draco_error *err,
                                              draco_object **out);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Verification */
/**@{*/
typedef struct draco_report draco_report;

/** Trace partitioning policy of draco_verify_opts.partition (see there). */
typedef enum draco_partition_policy {
    DRACO_PARTITION_POLICY_AUTO = 0,  /**< joined first, partitioned re-run of a rejected program */
    DRACO_PARTITION_POLICY_OFF = 1,   /**< joined analysis only (PREVAIL's precision) */
    DRACO_PARTITION_POLICY_FULL = 2,  /**< partitioned from the start */
} draco_partition_policy;

/** Options of draco_verify(). The defaults match PREVAIL's so that verdicts compare. */
typedef struct draco_verify_opts {
    size_t size;                  /**< sizeof(draco_verify_opts); set by draco_verify_opts_init() */
    const char *prog_type;        /**< NULL: from the section name; else a libbpf type name */
    bool strict;                  /**< extra checks (array map keys in range) */
    bool allow_division_by_zero;  /**< default true: x/0 = 0 and x%0 = x as the ISA defines */
    bool check_termination;       /**< default true: loops must be bounded (100000 iterations) */
    uint32_t stack_frame_size;    /**< bytes per frame, default 512 */
    uint32_t max_call_frames;     /**< default 8 */
    uint64_t max_packet_size;     /**< default 65535 */
    bool collect_invariants;      /**< keep the invariant at every label in the report */
    double time_limit_seconds;    /**< 0 = none; exceeding it is DRACO_ERR_LIMIT, never a pass */
    /** Trace partitioning (several abstract states per instruction, keyed by the branches taken,
     *  joined beyond the budget and at loop heads). AUTO (default, 0): the joined analysis runs
     *  first and only a program it rejects is analysed again partitioned; that verdict and its
     *  diagnostics are reported (a program rejected again gets the diagnostics of its first
     *  failing instruction only). OFF: the joined analysis only (PREVAIL's precision, every
     *  failure reported). FULL: partitioned from the start. Every policy is sound. */
    draco_partition_policy partition;
    uint32_t partition_budget;    /**< states kept per instruction when partitioned; 0 = default (2) */
    /** The loader's privileges as Linux grants them to a CAP_BPF + CAP_PERFMON (root) loader:
     *  pointers may leak as numbers (stored to map memory, truncated by 32-bit ALU) and
     *  uninitialised stack bytes read as unknown numbers. Default false: neither (PREVAIL's rules,
     *  and the kernel's for a loader without CAP_PERFMON). Memory safety is checked either way. */
    bool privileged;
    /** Default true: a read-only data map (.rodata, .rodata.*) holds at load time the bytes the
     *  object gives it, so a load at a known offset of it reads those bytes (as the kernel does for
     *  frozen maps). false: its contents are unknown numbers (for loaders that rewrite .rodata
     *  before loading, e.g. a libbpf skeleton setting `const volatile` variables). */
    bool rodata_from_object;
    /** Default false: a path stops at its first failed check (its later checks would follow from
     *  an assumption already shown false), so a rejected program is analysed only up to its
     *  failures. true: every path goes on past a failed check with its state unchanged, to the
     *  end of the program, so that every failure is reported (slower on rejected programs; no
     *  effect on a program that passes). */
    bool all_failures;
} draco_verify_opts;
DRACO_API void draco_verify_opts_init(draco_verify_opts *opts);

typedef enum draco_verdict {
    DRACO_VERDICT_PASS = 0,   /**< proven safe */
    DRACO_VERDICT_FAIL = 1,   /**< not proven: see the diagnostics */
} draco_verdict;

/** One diagnostic of a failed verification. Borrowed from its report. */
typedef struct draco_diag {
    int32_t insn;             /**< instruction index (slot), -1 if none */
    const char *label;        /**< "12", "12:15" (assume edge), "3/20" (inlined call) */
    const char *line;         /**< "file:line" from BTF line info, NULL if unknown */
    const char *assertion;    /**< the assertion that failed, as text, NULL if none */
    char message[256];        /**< short reason, always NUL-terminated */
} draco_diag;

/**
 * Verifies one program. Rejection is not an error: on DRACO_OK *out holds a report with the
 * verdict. Errors: DRACO_ERR_INVALID (the program could not be loaded or decoded: bad
 * instruction, bad jump, recursion; message in err), DRACO_ERR_UNSUPPORTED, DRACO_ERR_LIMIT
 * (time or size limit), DRACO_ERR_NOMEM, DRACO_ERR_INTERNAL.
 * Thread-safe: distinct programs (even of one object) may be verified concurrently.
 * @param opts may be NULL (defaults). The report is owned by the caller (draco_report_destroy()).
 */
DRACO_API draco_status draco_verify(const draco_program *prog, const draco_verify_opts *opts,
                                    draco_error *err, draco_report **out);
DRACO_API void draco_report_destroy(draco_report *r);
DRACO_API draco_verdict draco_report_verdict(const draco_report *r);
DRACO_API size_t draco_report_diag_count(const draco_report *r);
/** Borrowed; NULL if out of range. */
DRACO_API const draco_diag *draco_report_diag(const draco_report *r, size_t i);
/** Interval of r0 at exit ("[0, 2]"), NULL when the exit is unreachable. */
DRACO_API const char *draco_report_exit_value(const draco_report *r);
/** Number of label invariants (0 unless collect_invariants). */
DRACO_API size_t draco_report_invariant_count(const draco_report *r);
/** Label and pre-invariant text (one constraint per line) of invariant i; false if out of range. */
DRACO_API bool draco_report_invariant(const draco_report *r, size_t i, const char **label,
                                      const char **text);
/** Wall time of the analysis in seconds; node visits of the fixpoint. */
DRACO_API double draco_report_seconds(const draco_report *r);
DRACO_API uint64_t draco_report_iterations(const draco_report *r);

/** Cost of one draco_verify() call by phase (for benchmarks and `draco-check --jobs`). */
typedef struct draco_report_stats {
    size_t size;              /**< sizeof(draco_report_stats): set by the caller before the call */
    double decode_seconds;    /**< decoding, validation and peephole */
    double cfg_seconds;       /**< CFG construction (assume edges, call inlining) */
    double analysis_seconds;  /**< WTO, fixpoint and assertion check: draco_report_seconds() */
    double total_seconds;     /**< the whole draco_verify() call */
    uint64_t iterations;      /**< node visits of the fixpoint: draco_report_iterations() */
    uint64_t cfg_nodes;       /**< CFG nodes analysed (inlined copies and assume nodes included) */
} draco_report_stats;
/**
 * Fills the first `out->size` bytes of *out (the caller sets `size` to sizeof(draco_report_stats)
 * of the header it was compiled with; fields the library does not know stay untouched).
 * A NULL report gives zeros. Thread-safe (reports are immutable).
 */
DRACO_API void draco_report_get_stats(const draco_report *r, draco_report_stats *out);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Program structure statistics */
/**@{*/
typedef struct draco_program_stats {
    size_t size;              /**< sizeof(draco_program_stats), set by the call */
    size_t insns;             /**< instructions (LDDW once) */
    size_t cfg_nodes;         /**< CFG nodes incl. assume nodes and inlined copies */
    size_t cfg_edges;
    size_t loop_heads;        /**< heads of WTO components (loops) */
    size_t unreachable;       /**< instructions not reachable from the entry */
    double decode_seconds;    /**< time to decode and validate */
    double cfg_seconds;       /**< time to build the CFG and its weak topological order */
} draco_program_stats;
/**
 * Decodes the program, builds its CFG and WTO, and reports their sizes and the time taken.
 * @return DRACO_OK, or DRACO_ERR_INVALID with the location in err (bad instruction, bad jump,
 * recursion, too many frames).
 */
DRACO_API draco_status draco_program_compute_stats(const draco_program *prog, draco_error *err,
                                                   draco_program_stats *out);
/**@}*/

/* ------------------------------------------------------------------------------------------ */
/** @name Printing (disassembly, CFG) */
/**@{*/
typedef enum draco_print_kind {
    DRACO_PRINT_ASM = 0,  /**< disassembly in the LLVM/PREVAIL text syntax */
    DRACO_PRINT_CFG = 1,  /**< CFG: one block per line group with its successors */
    DRACO_PRINT_DOT = 2,  /**< CFG as Graphviz */
} draco_print_kind;
#define DRACO_PRINT_JSON 1u   /**< flag: JSON instead of text (ASM and CFG) */
/**
 * Decodes the program and prints it. Decoding errors (bad instruction) are returned as
 * DRACO_ERR_INVALID with the instruction index in err. Thread-safe per program.
 */
DRACO_API draco_status draco_program_print(const draco_program *prog, draco_print_kind kind,
                                           unsigned flags, FILE *out, draco_error *err);
/**@}*/

#ifdef __cplusplus
}
#endif
#endif /* DRACOVERIFY_H */
