/* SPDX-License-Identifier: MIT */
/* elf: builds one program — cuts the entry function out of its section, applies relocations
 * (maps, global data, externs, kfuncs, builtins) and links bpf2bpf subprograms.
 *
 * Invariants: a "unit" is a contiguous slot range [start, end) of one executable section; unit 0
 * is the entry function, every other unit is a callee appended once, in discovery order, after
 * all previous units (so slot positions only grow). Targets are always bounds-checked against
 * the section's slot count before use. Local-call and pseudo-func immediates are patched only
 * after every unit has been placed. The first program-level problem found becomes the
 * program's load_error; later ones are dropped. Everything the program keeps is copied into the
 * object's arena; scratch vectors are freed before returning.
 */
#include "elf/elf_internal.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROG_SLOTS (1u << 22)
#define OP_LDDW 0x18
#define OP_CALL 0x85
#define SRC_PSEUDO_CALL 1
#define SRC_PSEUDO_FUNC 4

struct unit {
    uint32_t shndx;
    size_t start, end;   /* slots in the section */
    size_t out;          /* first output slot */
};

struct patch {
    size_t at;           /* output slot of the call / LDDW */
    size_t unit;         /* callee unit */
    size_t target_off;   /* slot offset inside the callee unit (0 = its entry) */
};

struct edge {
    size_t from, to;
};

struct build {
    struct draco_elf_ctx *ctx;
    struct draco_program *prog;
    struct { struct unit *data; size_t len, cap; } units;
    struct { struct patch *data; size_t len, cap; } patches;
    struct { struct edge *data; size_t len, cap; } edges;
    struct { draco_raw_insn *data; size_t len, cap; } insns;
    struct { uint8_t *data; size_t len, cap; } flags;
    struct { const char **data; size_t len, cap; } ext;
    struct { draco_line_info *data; size_t len, cap; } lines;
    const char *error;
    bool oom;
};

/* Kconfig-style externs, rewritten to a 64-bit constant load. The values describe a typical
 * modern kernel; programs that depend on them are checked for that configuration only. */
struct kconfig_value {
    char name[32];
    int64_t value;
};
static const struct kconfig_value kconfig_values[] = {
    {"LINUX_KERNEL_VERSION", (6 << 16) | (1 << 8)}, /* KERNEL_VERSION(6, 1, 0) */
    {"LINUX_HAS_SYSCALL_WRAPPER", 1},
    {"LINUX_HAS_BPF_COOKIE", 1},
    {"CONFIG_HZ", 250},
    {"CONFIG_BPF_SYSCALL", 1},
};

static bool kconfig_lookup(const char *name, int64_t *out)
{
    for (size_t i = 0; i < DRACO_ARRAY_LEN(kconfig_values); i++) {
        if (strcmp(name, kconfig_values[i].name) == 0) {
            *out = kconfig_values[i].value;
            return true;
        }
    }
    if (strncmp(name, "CONFIG_", 7) == 0 || strncmp(name, "__config_", 9) == 0) {
        *out = 0; /* other kconfig options: "not set" */
        return true;
    }
    return false;
}

static void build_fail(struct build *b, const char *fmt, const char *arg, size_t slot)
{
    if (b->error)
        return;
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg ? arg : "");
    b->error = draco_arena_printf(&b->ctx->obj->arena, "%s (at %zu)", msg, slot);
    if (!b->error)
        b->oom = true;
}

static const struct draco_elf_reloc *reloc_at(const struct draco_elf_sec *s, uint64_t off)
{
    size_t lo = 0, hi = s->relocs.len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->relocs.data[mid].offset < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->relocs.len && s->relocs.data[lo].offset == off ? &s->relocs.data[lo] : NULL;
}

/* End slot of a callee starting at `start`: the next FUNC symbol after it, or the section end. */
static size_t unit_end(const struct draco_elf_ctx *ctx, uint32_t shndx, size_t start)
{
    size_t end = ctx->secs[shndx].n_code;
    for (size_t i = 0; i < ctx->n_syms; i++) {
        const struct draco_elf_sym *y = &ctx->syms[i];
        if (y->shndx != shndx || y->type != STT_FUNC || y->value % 8 != 0)
            continue;
        size_t s = (size_t)(y->value / 8);
        if (s > start && s < end)
            end = s;
    }
    return end;
}

/* Finds or creates the unit for callee slot `target` of section `shndx`; records the edge. */
static bool unit_for(struct build *b, size_t from, uint32_t shndx, size_t target, size_t *unit,
                     size_t *within)
{
    for (size_t i = 0; i < b->units.len; i++) {
        const struct unit *u = &b->units.data[i];
        if (u->shndx == shndx && u->start == target) {
            *unit = i;
            *within = 0;
            goto edge;
        }
    }
    struct unit nu = {shndx, target, unit_end(b->ctx, shndx, target), 0};
    if (draco_vec_push(&b->units, nu) != 0) {
        b->oom = true;
        return false;
    }
    *unit = b->units.len - 1;
    *within = 0;
edge:;
    struct edge e = {from, *unit};
    if (draco_vec_push(&b->edges, e) != 0) {
        b->oom = true;
        return false;
    }
    return true;
}

/* A code reference from slot k of unit ui to section slot `target`: inside the unit it stays a
 * relative reference; at the unit's own entry it is recursion; otherwise the callee is linked. */
static void code_ref(struct build *b, size_t ui, size_t k, size_t out_slot, uint32_t shndx,
                     int64_t target)
{
    const struct unit u = b->units.data[ui];
    if (target < 0 || (uint64_t)target >= b->ctx->secs[shndx].n_code) {
        build_fail(b, "call target out of bounds%s", NULL, out_slot);
        return;
    }
    size_t t = (size_t)target;
    if (shndx == u.shndx && t == u.start) {
        build_fail(b, "Recursive subprogram call%s", NULL, out_slot);
        return;
    }
    if (shndx == u.shndx && t > u.start && t < u.end) {
        b->insns.data[out_slot].imm = (int32_t)((int64_t)t - (int64_t)k - 1);
        return;
    }
    size_t callee, within;
    if (!unit_for(b, ui, shndx, t, &callee, &within))
        return;
    struct patch p = {out_slot, callee, within};
    if (draco_vec_push(&b->patches, p) != 0)
        b->oom = true;
}

static void apply_reloc(struct build *b, size_t ui, size_t k, size_t o,
                        const struct draco_elf_reloc *r)
{
    struct draco_elf_ctx *ctx = b->ctx;
    const struct unit u = b->units.data[ui];
    const struct draco_elf_sec *sec = &ctx->secs[u.shndx];
    const struct draco_elf_sym *y = &ctx->syms[r->sym];
    draco_raw_insn *in = &b->insns.data[o];
    int64_t add = r->is_rela ? r->addend : 0;

    if (in->opcode == OP_CALL) {
        if (y->shndx == 0) {
            if (!y->name[0]) {
                build_fail(b, "call to an unnamed external symbol%s", NULL, o);
                return;
            }
            uint32_t id = draco_elf_btf_ksym_func(ctx, y->name);
            b->ext.data[o] = y->name; /* re-pointed into the arena below */
            in->offset = 0;
            if (id) {
                in->regs = (uint8_t)((2u << 4) | (in->regs & 0xf));
                in->imm = (int32_t)id;
                b->flags.data[o] |= DRACO_INSN_F_KFUNC;
            } else {
                in->regs = (uint8_t)(in->regs & 0xf);
                in->imm = 0;
                b->flags.data[o] |= DRACO_INSN_F_BUILTIN;
            }
            return;
        }
        if (y->shndx == DRACO_ELF_SHN_OTHER || !ctx->secs[y->shndx].is_exec) {
            build_fail(b, "call to non-code symbol %s", y->name, o);
            return;
        }
        int64_t base = (int64_t)y->value + add;
        if (base < 0 || base % 8 != 0) {
            build_fail(b, "misaligned call relocation to %s", y->name, o);
            return;
        }
        in->regs = (uint8_t)((SRC_PSEUDO_CALL << 4) | (in->regs & 0xf));
        code_ref(b, ui, k, o, y->shndx, base / 8 + (int64_t)in->imm + 1);
        return;
    }
    if (in->opcode != OP_LDDW) {
        build_fail(b, "relocation on an instruction that is neither call nor lddw%s", NULL, o);
        return;
    }
    if (k + 1 >= u.end || k + 1 >= sec->n_code) {
        build_fail(b, "incomplete lddw%s", NULL, o);
        return;
    }
    draco_raw_insn *in2 = &b->insns.data[o + 1];
    if (y->shndx == 0) {
        int64_t v;
        if (y->name[0] && kconfig_lookup(y->name, &v)) {
            in->regs = (uint8_t)(in->regs & 0xf);
            in->imm = (int32_t)(uint32_t)((uint64_t)v & 0xffffffffu);
            in2->imm = (int32_t)(uint32_t)((uint64_t)v >> 32);
            return;
        }
        build_fail(b, "unresolved external symbol %s", y->name[0] ? y->name : "<unnamed>", o);
        return;
    }
    if (y->shndx == DRACO_ELF_SHN_OTHER) {
        build_fail(b, "relocation to absolute symbol %s", y->name, o);
        return;
    }
    const struct draco_elf_sec *ts = &ctx->secs[y->shndx];
    int64_t off = (int64_t)y->value + (r->is_rela ? add : (int64_t)in->imm);
    if (ts->is_legacy_maps || ts->is_btf_maps) {
        int fd = off >= 0 ? draco_elf_map_fd_at(ctx, y->shndx, (uint64_t)off) : 0;
        if (fd <= 0) {
            build_fail(b, "no map definition for symbol %s", y->name[0] ? y->name : ts->name, o);
            return;
        }
        in->regs = (uint8_t)((1u << 4) | (in->regs & 0xf));
        in->imm = fd;
        in2->imm = 0;
        return;
    }
    if (ts->is_data && ts->data_map_fd > 0) {
        if (off < 0 || (uint64_t)off > ts->size || off > INT32_MAX) {
            build_fail(b, "global variable offset out of range for %s",
                       y->name[0] ? y->name : ts->name, o);
            return;
        }
        in->regs = (uint8_t)((2u << 4) | (in->regs & 0xf));
        in->imm = ts->data_map_fd;
        in2->imm = (int32_t)off;
        return;
    }
    if (ts->is_exec) {
        int64_t byte = (int64_t)y->value + add + (int64_t)in->imm;
        if (byte < 0 || byte % 8 != 0) {
            build_fail(b, "misaligned function address relocation to %s", y->name, o);
            return;
        }
        in->regs = (uint8_t)((SRC_PSEUDO_FUNC << 4) | (in->regs & 0xf));
        code_ref(b, ui, k, o, y->shndx, byte / 8);
        return;
    }
    build_fail(b, "unsupported relocation to section %s", ts->name, o);
}

static const struct draco_elf_line *line_at(const struct draco_elf_sec *s, uint64_t off,
                                            uint64_t min_off)
{
    size_t lo = 0, hi = s->lines.len;
    while (lo < hi) { /* first record with off > wanted */
        size_t mid = lo + (hi - lo) / 2;
        if (s->lines.data[mid].off <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct draco_elf_line *l = &s->lines.data[lo - 1];
    return l->off >= min_off ? l : NULL;
}

static bool grow_outputs(struct build *b, size_t n)
{
    size_t need = b->insns.len + n;
    if (draco_vec_reserve(&b->insns, need) || draco_vec_reserve(&b->flags, need) ||
        draco_vec_reserve(&b->ext, need) || draco_vec_reserve(&b->lines, need)) {
        b->oom = true;
        return false;
    }
    return true;
}

/* Copies unit ui to the output and processes its references. */
static void unit_place(struct build *b, size_t ui)
{
    struct draco_elf_ctx *ctx = b->ctx;
    struct unit *u = &b->units.data[ui];
    const struct draco_elf_sec *sec = &ctx->secs[u->shndx];
    size_t n = u->end - u->start;
    if (b->insns.len + n > MAX_PROG_SLOTS) {
        build_fail(b, "program too large after linking subprograms%s", NULL, b->insns.len);
        return;
    }
    if (!grow_outputs(b, n))
        return;
    u->out = b->insns.len;
    if (n)
        memcpy(b->insns.data + u->out, sec->code + u->start, n * sizeof *b->insns.data);
    for (size_t i = 0; i < n; i++) {
        b->flags.data[u->out + i] = ui ? DRACO_INSN_F_SUBPROG : 0;
        b->ext.data[u->out + i] = NULL;
        const struct draco_elf_line *l = line_at(sec, (u->start + i) * 8, u->start * 8);
        draco_line_info li = {0};
        if (l) {
            li.file = l->file;
            li.text = l->text;
            li.line = l->line;
            li.column = l->column;
        }
        b->lines.data[u->out + i] = li;
    }
    b->insns.len = b->flags.len = b->ext.len = b->lines.len = u->out + n;
    if (sec->reloc_error)
        build_fail(b, "%s", sec->reloc_error, u->out);
    for (size_t e = 0; e < sec->core_errs.len; e++) {
        uint64_t off = sec->core_errs.data[e].off;
        if (off >= u->start * 8 && off < u->end * 8)
            build_fail(b, "%s", sec->core_errs.data[e].msg, u->out + (size_t)(off / 8 - u->start));
    }
    const size_t ustart = u->start, uend = u->end, uout = u->out;
    const uint32_t ushndx = u->shndx;
    u = NULL; /* unit_for() may move the units vector */
    for (size_t k = ustart; k < uend && !b->oom; k++) {
        size_t o = uout + (k - ustart);
        const struct draco_elf_reloc *r = reloc_at(sec, (uint64_t)k * 8);
        draco_raw_insn *in = &b->insns.data[o];
        if (r) {
            apply_reloc(b, ui, k, o, r);
        } else if (in->opcode == OP_CALL && draco_raw_insn_src(in) == SRC_PSEUDO_CALL) {
            code_ref(b, ui, k, o, ushndx, (int64_t)k + in->imm + 1);
        } else if (in->opcode == OP_LDDW && draco_raw_insn_src(in) == SRC_PSEUDO_FUNC) {
            code_ref(b, ui, k, o, ushndx, (int64_t)k + in->imm + 1);
        }
        if (in->opcode == OP_LDDW)
            k++; /* the second slot is data */
    }
}

/* Depth-first search for a cycle in the unit call graph (mutual recursion). */
static bool has_cycle(const struct build *b)
{
    size_t n = b->units.len;
    uint8_t *color = calloc(n ? n : 1, 1);
    size_t *stack = calloc(n ? n : 1, sizeof *stack);
    size_t *next = calloc(n ? n : 1, sizeof *next);
    bool cyc = false;
    if (!color || !stack || !next) {
        cyc = true; /* cannot prove the absence: refuse */
        goto done;
    }
    size_t sp = 0;
    stack[sp++] = 0;
    color[0] = 1;
    while (sp && !cyc) {
        size_t v = stack[sp - 1];
        bool pushed = false;
        while (next[v] < b->edges.len) {
            const struct edge *e = &b->edges.data[next[v]++];
            if (e->from != v)
                continue;
            if (color[e->to] == 1) {
                cyc = true;
                break;
            }
            if (color[e->to] == 0) {
                color[e->to] = 1;
                stack[sp++] = e->to;
                pushed = true;
                break;
            }
        }
        if (!pushed && !cyc) {
            color[v] = 2;
            sp--;
        }
    }
done:
    free(color);
    free(stack);
    free(next);
    return cyc;
}

static void build_free(struct build *b)
{
    draco_vec_free(&b->units);
    draco_vec_free(&b->patches);
    draco_vec_free(&b->edges);
    draco_vec_free(&b->insns);
    draco_vec_free(&b->flags);
    draco_vec_free(&b->ext);
    draco_vec_free(&b->lines);
}

draco_status draco_elf_program_build(struct draco_elf_ctx *ctx, struct draco_program *prog,
                                     uint32_t shndx, size_t start, size_t end)
{
    struct build b;
    memset(&b, 0, sizeof b);
    b.ctx = ctx;
    b.prog = prog;
    draco_status st = DRACO_OK;
    struct draco_arena *a = &ctx->obj->arena;

    if (shndx >= ctx->n_secs || !ctx->secs[shndx].code || start > end ||
        end > ctx->secs[shndx].n_code)
        return draco_error_set(ctx->err, DRACO_ERR_INTERNAL, "%s: bad program range", ctx->name);
    if (ctx->btf_error)
        b.error = ctx->btf_error;
    else if (ctx->btf_ext_error)
        b.error = ctx->btf_ext_error;
    struct unit u0 = {shndx, start, end, 0};
    if (draco_vec_push(&b.units, u0) != 0)
        goto nomem;
    for (size_t i = 0; i < b.units.len && !b.oom; i++)
        unit_place(&b, i);
    if (b.oom)
        goto nomem;
    for (size_t i = 0; i < b.patches.len; i++) {
        const struct patch *p = &b.patches.data[i];
        int64_t rel = (int64_t)(b.units.data[p->unit].out + p->target_off) - (int64_t)p->at - 1;
        b.insns.data[p->at].imm = (int32_t)rel;
    }
    if (!b.error && has_cycle(&b))
        b.error = draco_arena_printf(a, "Recursive subprogram call (mutual recursion)");

    size_t n = b.insns.len;
    prog->n_slots = n;
    prog->main_slots = end - start;
    prog->insns = draco_arena_alloc(a, (n ? n : 1) * sizeof *prog->insns);
    prog->insn_flags = draco_arena_alloc(a, n ? n : 1);
    prog->ext_name = draco_arena_alloc(a, (n ? n : 1) * sizeof *prog->ext_name);
    prog->lines = draco_arena_alloc(a, (n ? n : 1) * sizeof *prog->lines);
    if (!prog->insns || !prog->insn_flags || !prog->ext_name || !prog->lines)
        goto nomem;
    if (n) {
        memcpy(prog->insns, b.insns.data, n * sizeof *prog->insns);
        memcpy(prog->insn_flags, b.flags.data, n);
        memcpy(prog->lines, b.lines.data, n * sizeof *prog->lines);
    }
    for (size_t i = 0; i < n; i++) {
        if (b.ext.data[i]) {
            prog->ext_name[i] = draco_arena_strdup(a, b.ext.data[i]);
            if (!prog->ext_name[i])
                goto nomem;
        }
    }
    prog->n_insns = 0;
    for (size_t i = 0; i < n; i++) {
        prog->n_insns++;
        if (prog->insns[i].opcode == OP_LDDW)
            i++;
    }
    if (b.error) {
        prog->load_error = b.error;
        if (!prog->load_error)
            goto nomem;
    }
    build_free(&b);
    return DRACO_OK;
nomem:
    st = draco_error_set(ctx->err, DRACO_ERR_NOMEM, "%s: out of memory", ctx->name);
    build_free(&b);
    return st;
}
