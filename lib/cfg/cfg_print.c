/* SPDX-License-Identifier: MIT */
/* cfg_print: labels and the text, Graphviz and JSON printers of a CFG.
 *
 * Printers only read the CFG and append to a draco_sb (which degrades to `oom` instead of failing).
 * Labels follow PREVAIL: "<frame prefix><pc>", "<prefix><pc>:<to>" for assume edges, "entry",
 * "exit", "<head label> (counter)". Basic blocks (DRACO_CFG_PRINT_BLOCKS) are maximal chains where
 * each link is the only successor of its predecessor and the only predecessor of its successor.
 */
#include "cfg/cfg.h"

#include <string.h>

#define NONE DRACO_CFG_NONE

void draco_cfg_node_label(const struct draco_cfg *cfg, uint32_t v, struct draco_sb *sb)
{
    if (v >= cfg->n_nodes) {
        draco_sb_printf(sb, "<bad node %u>", v);
        return;
    }
    const struct draco_cfg_node *nd = &cfg->nodes[v];
    const char *prefix = nd->frame < cfg->n_frames ? cfg->frames[nd->frame].prefix : "?/";
    switch ((enum draco_cfg_node_kind)nd->kind) {
    case DRACO_CFG_ENTRY:
        draco_sb_puts(sb, "entry");
        return;
    case DRACO_CFG_EXIT:
        draco_sb_puts(sb, "exit");
        return;
    case DRACO_CFG_INSN:
        draco_sb_printf(sb, "%s%u", prefix, nd->pc);
        return;
    case DRACO_CFG_ASSUME:
        draco_sb_printf(sb, "%s%u:%u", prefix, nd->pc, nd->to);
        return;
    case DRACO_CFG_COUNTER:
        if (nd->loop_head < cfg->n_nodes && cfg->nodes[nd->loop_head].kind != DRACO_CFG_COUNTER)
            draco_cfg_node_label(cfg, nd->loop_head, sb);
        else
            draco_sb_puts(sb, "?");
        draco_sb_puts(sb, " (counter)");
        return;
    case DRACO_CFG_CB_LOOP:
        draco_sb_printf(sb, "%s%u (callback loop)", prefix, nd->pc);
        return;
    case DRACO_CFG_CB_ENTER:
        draco_sb_printf(sb, "%s%u (callback enter)", prefix, nd->pc);
        return;
    case DRACO_CFG_CB_RETURN:
        draco_sb_printf(sb, "%s%u (callback return)", prefix, nd->pc);
        return;
    case DRACO_CFG_CB_DONE:
        draco_sb_printf(sb, "%s%u (callback done)", prefix, nd->pc);
        return;
    }
    draco_sb_printf(sb, "<bad kind %u>", nd->kind);
}

void draco_cfg_cond_print(const struct draco_cfg_cond *c, struct draco_sb *sb)
{
    char r = c->is64 ? 'r' : 'w';
    draco_sb_printf(sb, "%c%u %s ", r, c->left, draco_cond_op_str((enum draco_cond_op)c->op));
    if (c->right_is_reg)
        draco_sb_printf(sb, "%c%u", r, c->right);
    else
        draco_sb_printf(sb, "%lld", (long long)c->imm);
}

void draco_cfg_node_text(const struct draco_cfg *cfg, uint32_t v, struct draco_sb *sb)
{
    if (v >= cfg->n_nodes)
        return;
    const struct draco_cfg_node *nd = &cfg->nodes[v];
    switch ((enum draco_cfg_node_kind)nd->kind) {
    case DRACO_CFG_ENTRY:
        draco_sb_puts(sb, "entry");
        return;
    case DRACO_CFG_EXIT:
        draco_sb_puts(sb, "exit");
        return;
    case DRACO_CFG_INSN:
        if (nd->insn)
            draco_ir_print_insn(sb, nd->insn, true);
        return;
    case DRACO_CFG_ASSUME:
        draco_sb_puts(sb, "assume ");
        draco_cfg_cond_print(&nd->cond, sb);
        return;
    case DRACO_CFG_COUNTER:
        draco_sb_puts(sb, "counter[");
        if (nd->loop_head < cfg->n_nodes && cfg->nodes[nd->loop_head].kind != DRACO_CFG_COUNTER)
            draco_cfg_node_label(cfg, nd->loop_head, sb);
        draco_sb_puts(sb, "]++");
        return;
    case DRACO_CFG_CB_LOOP:
        draco_sb_puts(sb, "callback loop");
        return;
    case DRACO_CFG_CB_ENTER:
    case DRACO_CFG_CB_RETURN: {
        const struct draco_cfg_frame *fr = nd->frame < cfg->n_frames ? &cfg->frames[nd->frame] : NULL;
        draco_sb_printf(sb, "callback %s <%u>", nd->kind == DRACO_CFG_CB_ENTER ? "enter" : "return",
                        fr ? fr->entry_pc : NONE);
        return;
    }
    case DRACO_CFG_CB_DONE:
        draco_sb_puts(sb, "callback done");
        return;
    }
}

static void succs_print(const struct draco_cfg *cfg, uint32_t v, struct draco_sb *sb)
{
    uint32_t n = draco_cfg_succ_count(cfg, v);
    const uint32_t *s = draco_cfg_succs(cfg, v);
    if (!n)
        return;
    draco_sb_puts(sb, " -> ");
    for (uint32_t k = 0; k < n; k++) {
        if (k)
            draco_sb_puts(sb, ", ");
        draco_cfg_node_label(cfg, s[k], sb);
    }
}

/* Whether v continues the basic block of its only predecessor. */
static bool joins_pred(const struct draco_cfg *cfg, uint32_t v)
{
    if (v == cfg->entry || v == cfg->exit || draco_cfg_pred_count(cfg, v) != 1)
        return false;
    uint32_t u = draco_cfg_preds(cfg, v)[0];
    return u != v && u != cfg->entry && draco_cfg_succ_count(cfg, u) == 1;
}

void draco_cfg_print_text(const struct draco_cfg *cfg, unsigned flags, struct draco_sb *sb)
{
    bool blocks = (flags & DRACO_CFG_PRINT_BLOCKS) != 0;
    for (uint32_t v = 0; v < cfg->n_nodes; v++) {
        if (blocks && joins_pred(cfg, v))
            continue;
        draco_cfg_node_label(cfg, v, sb);
        uint32_t kind = cfg->nodes[v].kind;
        if (kind != DRACO_CFG_ENTRY && kind != DRACO_CFG_EXIT) {
            draco_sb_puts(sb, ": ");
            draco_cfg_node_text(cfg, v, sb);
        }
        uint32_t last = v;
        /* a chain is bounded by n_nodes steps: joins_pred() excludes self-loops, and a chain
         * whose leader was skipped would need a cycle of single-edge nodes with no way in */
        for (uint32_t steps = 0; blocks && steps < cfg->n_nodes && draco_cfg_succ_count(cfg, last) == 1;
             steps++) {
            uint32_t nx = draco_cfg_succs(cfg, last)[0];
            if (nx == v || !joins_pred(cfg, nx))
                break;
            draco_sb_puts(sb, "; ");
            draco_cfg_node_text(cfg, nx, sb);
            last = nx;
        }
        succs_print(cfg, last, sb);
        draco_sb_putc(sb, '\n');
    }
}

/* Appends s with Graphviz string escapes (no quotes). */
static void dot_escape(struct draco_sb *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            draco_sb_putc(sb, '\\');
        if (*s == '\n')
            draco_sb_puts(sb, "\\n");
        else
            draco_sb_putc(sb, *s);
    }
}

void draco_cfg_print_dot(const struct draco_cfg *cfg, struct draco_sb *sb)
{
    struct draco_sb tmp;
    draco_sb_init(&tmp);
    draco_sb_puts(sb, "digraph cfg {\n  node [shape=box, fontname=\"monospace\"];\n");
    for (uint32_t v = 0; v < cfg->n_nodes; v++) {
        uint32_t kind = cfg->nodes[v].kind;
        draco_sb_clear(&tmp);
        draco_cfg_node_label(cfg, v, &tmp);
        if (kind != DRACO_CFG_ENTRY && kind != DRACO_CFG_EXIT) {
            draco_sb_puts(&tmp, ": ");
            draco_cfg_node_text(cfg, v, &tmp);
        }
        draco_sb_printf(sb, "  n%u [label=\"", v);
        dot_escape(sb, draco_sb_str(&tmp));
        draco_sb_puts(sb, "\"");
        if (kind == DRACO_CFG_ASSUME)
            draco_sb_puts(sb, ", shape=ellipse");
        else if (kind == DRACO_CFG_ENTRY || kind == DRACO_CFG_EXIT)
            draco_sb_puts(sb, ", shape=oval, style=bold");
        else if (kind == DRACO_CFG_COUNTER || draco_cfg_node_is_callback(cfg, v))
            draco_sb_puts(sb, ", shape=diamond");
        draco_sb_puts(sb, "];\n");
    }
    for (uint32_t v = 0; v < cfg->n_nodes; v++)
        for (uint32_t k = cfg->succ_start[v]; k < cfg->succ_start[v + 1]; k++)
            draco_sb_printf(sb, "  n%u -> n%u;\n", v, cfg->succ[k]);
    draco_sb_puts(sb, "}\n");
    draco_sb_fini(&tmp);
}

static const char *kind_name(uint32_t kind)
{
    switch ((enum draco_cfg_node_kind)kind) {
    case DRACO_CFG_ENTRY: return "entry";
    case DRACO_CFG_EXIT: return "exit";
    case DRACO_CFG_INSN: return "insn";
    case DRACO_CFG_ASSUME: return "assume";
    case DRACO_CFG_COUNTER: return "counter";
    case DRACO_CFG_CB_LOOP: return "callback_loop";
    case DRACO_CFG_CB_ENTER: return "callback_enter";
    case DRACO_CFG_CB_RETURN: return "callback_return";
    case DRACO_CFG_CB_DONE: return "callback_done";
    }
    return "?";
}

static void json_u32(struct draco_sb *sb, const char *key, uint32_t x)
{
    if (x == NONE)
        draco_sb_printf(sb, ",\"%s\":null", key);
    else
        draco_sb_printf(sb, ",\"%s\":%u", key, x);
}

void draco_cfg_print_json(const struct draco_cfg *cfg, struct draco_sb *sb)
{
    struct draco_sb tmp;
    draco_sb_init(&tmp);
    draco_sb_printf(sb, "{\"entry\":%u,\"exit\":%u,\"unreachable\":%zu,\"nodes\":[", cfg->entry, cfg->exit,
                    cfg->n_unreachable);
    for (uint32_t v = 0; v < cfg->n_nodes; v++) {
        const struct draco_cfg_node *nd = &cfg->nodes[v];
        draco_sb_printf(sb, "%s{\"id\":%u,\"label\":", v ? "," : "", v);
        draco_sb_clear(&tmp);
        draco_cfg_node_label(cfg, v, &tmp);
        draco_sb_json_str(sb, draco_sb_str(&tmp));
        draco_sb_printf(sb, ",\"kind\":\"%s\"", kind_name(nd->kind));
        json_u32(sb, "pc", nd->pc);
        json_u32(sb, "to", nd->to);
        draco_sb_printf(sb, ",\"frame\":%u,\"text\":", nd->frame);
        draco_sb_clear(&tmp);
        draco_cfg_node_text(cfg, v, &tmp);
        draco_sb_json_str(sb, draco_sb_str(&tmp));
        draco_sb_puts(sb, ",\"succ\":[");
        for (uint32_t k = cfg->succ_start[v]; k < cfg->succ_start[v + 1]; k++)
            draco_sb_printf(sb, "%s%u", k > cfg->succ_start[v] ? "," : "", cfg->succ[k]);
        draco_sb_puts(sb, "]}");
    }
    draco_sb_puts(sb, "],\"frames\":[");
    for (uint32_t f = 0; f < cfg->n_frames; f++) {
        const struct draco_cfg_frame *fr = &cfg->frames[f];
        draco_sb_printf(sb, "%s{\"id\":%u", f ? "," : "", f);
        json_u32(sb, "parent", fr->parent);
        draco_sb_printf(sb, ",\"depth\":%u", fr->depth);
        json_u32(sb, "call_pc", fr->call_pc);
        if (fr->kind != DRACO_FRAME_CALL)
            draco_sb_printf(sb, ",\"kind\":\"%s\"", fr->kind == DRACO_FRAME_HELPER ? "helper" : "callback");
        draco_sb_printf(sb, ",\"entry_pc\":%u,\"prefix\":", fr->entry_pc);
        draco_sb_json_str(sb, fr->prefix);
        draco_sb_putc(sb, '}');
    }
    draco_sb_puts(sb, "]}\n");
    draco_sb_fini(&tmp);
}
