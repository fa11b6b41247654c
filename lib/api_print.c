/* SPDX-License-Identifier: MIT */
/* api_print: draco_program_print() — disassembly and CFG output in text, JSON and Graphviz.
 *
 * Everything is rendered into a string builder first and written with one fwrite, so a failure
 * half-way (bad instruction, out of memory) never leaves partial output behind.
 */
#include <string.h>

#include "api_internal.h"


static void print_asm_text(struct draco_sb *sb, const struct draco_program *p,
                           const struct draco_ir_prog *ir)
{
    const char *last_file = NULL;
    uint32_t last_line = 0;
    for (size_t pc = 0; pc < ir->n; pc++) {
        const struct draco_ir_insn *in = &ir->insns[pc];
        if (in->kind == DRACO_IR_UNDEFINED)
            continue;
        if (pc == p->main_slots && p->main_slots < p->n_slots)
            draco_sb_puts(sb, "; subprograms\n");
        if (p->lines && p->lines[pc].line &&
            (p->lines[pc].line != last_line || p->lines[pc].file != last_file)) {
            last_line = p->lines[pc].line;
            last_file = p->lines[pc].file;
            const char *t = p->lines[pc].text;
            while (t && (*t == ' ' || *t == '\t'))
                t++;
            draco_sb_printf(sb, "; %s:%u: %s\n", last_file ? last_file : "?", last_line, t ? t : "");
        }
        draco_sb_printf(sb, "%5zu: ", pc);
        draco_ir_print_insn(sb, in, false);
        if (p->ext_name && p->ext_name[pc])
            draco_sb_printf(sb, " ; %s", p->ext_name[pc]);
        draco_sb_putc(sb, '\n');
    }
}

static void print_asm_json(struct draco_sb *sb, const struct draco_program *p,
                           const struct draco_ir_prog *ir)
{
    draco_sb_puts(sb, "{\"section\":");
    draco_sb_json_str(sb, p->section);
    draco_sb_puts(sb, ",\"function\":");
    draco_sb_json_str(sb, p->function);
    draco_sb_puts(sb, ",\"insns\":[");
    bool first = true;
    struct draco_sb text;
    draco_sb_init(&text);
    for (size_t pc = 0; pc < ir->n; pc++) {
        const struct draco_ir_insn *in = &ir->insns[pc];
        if (in->kind == DRACO_IR_UNDEFINED)
            continue;
        draco_sb_clear(&text);
        draco_ir_print_insn(&text, in, false);
        draco_sb_printf(sb, "%s{\"pc\":%zu,\"opcode\":%u,\"text\":", first ? "" : ",", pc, in->opcode);
        draco_sb_json_str(sb, draco_sb_str(&text));
        if (p->lines && p->lines[pc].line) {
            draco_sb_puts(sb, ",\"line\":");
            draco_sb_printf(sb, "\"%s:%u\"", p->lines[pc].file ? p->lines[pc].file : "?",
                            p->lines[pc].line);
        }
        draco_sb_putc(sb, '}');
        first = false;
    }
    draco_sb_fini(&text);
    draco_sb_puts(sb, "]}\n");
}

DRACO_API draco_status draco_program_print(const draco_program *prog, draco_print_kind kind,
                                           unsigned flags, FILE *out, draco_error *err)
{
    if (!prog || !out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_program_print: NULL argument");
    struct draco_arena arena;
    draco_arena_init(&arena);
    struct draco_sb sb;
    draco_sb_init(&sb);
    struct draco_ir_prog ir;
    draco_status st = draco_api_decode(prog, &arena, err, &ir);
    if (st != DRACO_OK)
        goto done;
    switch (kind) {
    case DRACO_PRINT_ASM:
        if (flags & DRACO_PRINT_JSON)
            print_asm_json(&sb, prog, &ir);
        else
            print_asm_text(&sb, prog, &ir);
        break;
    case DRACO_PRINT_CFG:
    case DRACO_PRINT_DOT:
        st = draco_api_print_cfg(prog, &ir, kind, flags, &arena, &sb, err);
        break;
    default:
        st = draco_error_set(err, DRACO_ERR_INVALID, "draco_program_print: unknown kind %d", (int)kind);
    }
    if (st == DRACO_OK && sb.oom)
        st = draco_error_set(err, DRACO_ERR_NOMEM, "out of memory while printing");
    if (st == DRACO_OK && sb.len && fwrite(sb.buf, 1, sb.len, out) != sb.len)
        st = draco_error_set(err, DRACO_ERR_INVALID, "write error");
done:
    draco_sb_fini(&sb);
    draco_arena_fini(&arena);
    return st;
}
