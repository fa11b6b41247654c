/* SPDX-License-Identifier: MIT */
/* ir/asm: a text assembler for eBPF in the LLVM/PREVAIL syntax, and its round-trip printer.
 *
 * Input: one instruction per line; blank lines, comments (`;`, `//`, `#` to the end of the line)
 * and directives (lines starting with '.', as in clang -S output) are ignored. A line `<name>:`
 * or `name:` (optionally followed by an instruction on the same line) defines label `name` at
 * the next instruction. Jump and local-call targets are `<name>`, a bare `name` (clang -S),
 * `<N>` (absolute slot N when no label is called N) or `+N`/`-N` (relative, as llvm-objdump
 * prints them). The entry is the first instruction. Every form draco_ir_print_insn() prints is accepted, plus PREVAIL's
 * spellings (`r1 s8= r2`, `r1 = swap16 r1`, `lock *(u64 *)(r1 + 0) += r2 fetch`, `5ll`,
 * `map_by_idx(N)`, `mva(map_by_idx(N)) + K`, `assume r1 > r2`).
 *
 * Invariants of an assembled program (struct draco_asm_prog): `insns` holds n slots exactly as
 * an ELF section would (an LDDW takes two), every register field is 0..10, and every target
 * resolved to a slot inside the program when assembly succeeded. The explicit `assume`
 * instruction (a test-only form with no encoding) is stored as the conditional jump with offset 0
 * and `is_assume[pc]` set; draco_asm_to_ir() turns those slots into DRACO_IR_ASSUME. All memory
 * comes from the caller's arena. Errors name the line: "line 3: unknown instruction 'r1 =+ 2'".
 * No global state; thread-safe for distinct arenas.
 */
#ifndef DRACO_IR_ASM_H
#define DRACO_IR_ASM_H

#include "util/util.h"
#include "ir/ir.h"
#include "elf/object.h"

struct draco_asm_label {
    const char *name;   /* without the angle brackets */
    uint32_t pc;        /* slot of the instruction that follows the label */
};

struct draco_asm_prog {
    draco_raw_insn *insns;   /* n slots */
    size_t n;
    bool *is_assume;         /* n entries: slot is an explicit `assume` (test-only) */
    bool has_assume;         /* some is_assume[] is set */
    uint32_t *line;          /* n entries: 1-based source line of each slot */
    struct draco_asm_label *labels;
    size_t n_labels;
};

/*
 * Assembles `text` (NUL-terminated). `first_line` is the line number of the text's first line
 * in messages (1 for a whole file). On success *out is filled (arena storage). Errors:
 * DRACO_ERR_INVALID with "line L: <reason>" (unknown instruction, bad register, immediate out of
 * range, undefined or duplicate label, target out of range); DRACO_ERR_NOMEM.
 */
draco_status draco_asm_parse(const char *text, uint32_t first_line, struct draco_arena *arena,
                             draco_error *err, struct draco_asm_prog *out);

/*
 * Same as draco_asm_parse(), and a symbol loaded with "ll" ("r1 = counts ll", clang -S's map
 * relocation) becomes a map-fd load of the map of that name in maps[0..n_maps) (borrowed for the
 * call). An unknown symbol is "line L: unknown symbol 'x' (not a map given to the assembler)".
 */
draco_status draco_asm_parse_maps(const char *text, uint32_t first_line, const draco_map_info *maps,
                                  size_t n_maps, struct draco_arena *arena, draco_error *err,
                                  struct draco_asm_prog *out);

/* Label of slot pc, or NULL. */
const char *draco_asm_label_at(const struct draco_asm_prog *p, uint32_t pc);

/*
 * Decodes an assembled program (draco_ir_decode) and turns its `assume` slots into
 * DRACO_IR_ASSUME instructions (op, dst, src/imm, is64 as the jump they were encoded as; target
 * -1). Errors as draco_ir_decode().
 */
draco_status draco_asm_to_ir(const struct draco_asm_prog *p, struct draco_arena *arena,
                             draco_error *err, struct draco_ir_prog *out);

/*
 * Prints a decoded program as text the assembler reads back to the same slots: a `<name>:` line
 * before every slot that has a label in `labels` (may be NULL) or is a jump/call target
 * (`<N>:`), then one instruction per line, targets as `<name>` / `<N>`.
 */
void draco_asm_print(const struct draco_ir_prog *ir, const struct draco_asm_prog *labels,
                     struct draco_sb *sb);

/*
 * The "verify a text program" feature: assembles `text` into a new object holding one program
 * (section `section`, function "main", type `type_name` (libbpf name, e.g. "xdp"; NULL ->
 * "unspec"), no line info) and the given map descriptors (may be 0: fds in the text then name no
 * map; `r1 = NAME ll` loads the map called NAME, as draco_asm_parse_maps()). `assume` is refused
 * (it has no encoding). The object is freed by draco_elf_object_free().
 * Errors as draco_asm_parse(); DRACO_ERR_NOMEM.
 */
draco_status draco_asm_object_create(const char *text, const char *name, const char *section,
                                     const char *type_name, const draco_map_info *maps,
                                     size_t n_maps, draco_error *err, struct draco_object **out);

#endif
