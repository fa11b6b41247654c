/* SPDX-License-Identifier: MIT */
/* analysis/print: a state as PREVAIL constraint strings (`r1.type=ctx`, `r2.svalue=[0, 10]`,
 * `r2.packet_offset-r1.packet_offset<=4`, `s[504...511].type=number`, `packet_size=[0, 65534]`),
 * sorted, one per line, followed by the stack's known-numeric byte ranges.
 *
 * Invariants: printing never changes the state; registers whose type set is "anything" print
 * nothing (they are uninitialised).
 */
#include <stdlib.h>
#include <string.h>
#include "analysis/astate.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void type_line(struct draco_sb *out, const char *name, draco_typeset ts)
{
    if (ts == DRACO_TS_ALL || (ts & DRACO_TS(DRACO_TYPE_UNINIT)))
        return;
    draco_sb_printf(out, "%s.type%s", name, draco_typeset_is_singleton(ts) ? "=" : " in ");
    draco_typeset_print(ts, out);
    draco_sb_putc(out, '\n');
}

void draco_as_print(struct draco_actx *ax, const struct draco_astate *s, struct draco_sb *sb)
{
    if (!s || s->bottom) {
        draco_sb_puts(sb, "_|_\n");
        return;
    }
    struct draco_sb raw;
    draco_sb_init(&raw);
    char name[64];
    for (unsigned r = 0; r < DRACO_NREGS; r++) {
        snprintf(name, sizeof name, "r%u", r);
        type_line(&raw, name, draco_as_types(s, &ax->regs[r]));
    }
    for (uint32_t i = 0; i < s->stack->ncells; i++) {
        const struct draco_cell_info *c = ax->cells.data[s->stack->cells[i]];
        if (c->size == 1)
            snprintf(name, sizeof name, "s[%d]", c->off);
        else
            snprintf(name, sizeof name, "s[%d...%d]", c->off, c->off + (int32_t)c->size - 1);
        draco_typeset ts = draco_as_types(s, &c->slot);
        if (ts != DRACO_TS_NUM)   /* numbers are covered by the byte runs below */
            type_line(&raw, name, ts);
    }
    /* must-equal types among registers ("r2.type=r1.type"), unless both are one known type */
    for (unsigned r = 1; r < DRACO_NREGS; r++) {
        draco_typeset ts = draco_as_types(s, &ax->regs[r]);
        if (draco_typeset_is_singleton(ts) || (ts & DRACO_TS(DRACO_TYPE_UNINIT)))
            continue;
        for (unsigned q = 0; q < r; q++)
            if (draco_types_same_type(&s->types, ax->regs[r].tvar, ax->regs[q].tvar)) {
                draco_sb_printf(&raw, "r%u.type=r%u.type\n", r, q);
                break;
            }
    }
    draco_zone_print(&s->zone, draco_var_name, ax, &raw);
    /* known-numeric stack bytes, as PREVAIL prints them */
    for (uint32_t i = 0; i < ax->total_stack;) {
        if (!draco_bitset_test(s->stack->num, i)) {
            i++;
            continue;
        }
        uint32_t j = i + (uint32_t)draco_bitset_run(s->stack->num, i, ax->total_stack);
        if (j - i == 1)
            draco_sb_printf(&raw, "s[%u].type=number\n", i);
        else
            draco_sb_printf(&raw, "s[%u...%u].type=number\n", i, j - 1);
        i = j;
    }
    /* split, sort, emit */
    const char *text = draco_sb_str(&raw);
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    char **lines = calloc(n + 1, sizeof *lines);
    char *copy = strdup(text);
    if (!lines || !copy) {
        draco_sb_puts(sb, text);
    } else {
        size_t k = 0;
        char *save = NULL;
        for (char *tok = strtok_r(copy, "\n", &save); tok && k <= n; tok = strtok_r(NULL, "\n", &save))
            if (*tok)
                lines[k++] = tok;
        qsort(lines, k, sizeof *lines, cmp_str);
        for (size_t i = 0; i < k; i++) {
            draco_sb_puts(sb, lines[i]);
            draco_sb_putc(sb, '\n');
        }
    }
    free(lines);
    free(copy);
    draco_sb_fini(&raw);
}
