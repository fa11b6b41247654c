/* SPDX-License-Identifier: MIT */
/* api_verify: draco_verify() and the report accessors.
 *
 * A report owns one arena holding the diagnostics, labels, invariants and texts; it is immutable
 * after draco_verify() returns. The pipeline per call: decode (+ peephole), CFG, WTO inside the
 * checker, fixpoint and assertion check. Every failure of a stage is an error status, never a pass.
 */
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "check/check.h"

struct draco_report {
    struct draco_arena arena;
    draco_verdict verdict;
    draco_diag *diags;
    size_t n_diags;
    struct draco_analysis_invariant *invs;
    size_t n_invs;
    const char *exit_value;
    double seconds;
    uint64_t iterations;
    double decode_seconds, cfg_seconds, total_seconds;  /* draco_report_get_stats() */
    uint64_t cfg_nodes;
};

DRACO_API void draco_verify_opts_init(draco_verify_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->allow_division_by_zero = true;
    o->check_termination = true;
    o->stack_frame_size = 512;
    o->max_call_frames = 8;
    o->max_packet_size = 65535;
    o->partition = DRACO_PARTITION_POLICY_AUTO;
    o->partition_budget = 0;   /* the library default */
    o->privileged = false;
    o->rodata_from_object = true;
}

static void to_analysis_opts(const draco_verify_opts *in, struct draco_analysis_opts *out)
{
    draco_verify_opts d;
    draco_verify_opts_init(&d);
    if (in && in->size >= sizeof d)
        d = *in;
    else if (in && in->size > sizeof(size_t))
        memcpy((char *)&d + sizeof(size_t), (const char *)in + sizeof(size_t), in->size - sizeof(size_t));
    draco_analysis_opts_init(out);
    out->prog_type = d.prog_type;
    out->strict = d.strict;
    out->allow_division_by_zero = d.allow_division_by_zero;
    out->check_termination = d.check_termination;
    if (d.stack_frame_size)
        out->stack_frame_size = d.stack_frame_size;
    if (d.max_call_frames)
        out->max_call_frames = d.max_call_frames;
    if (d.max_packet_size)
        out->max_packet_size = d.max_packet_size;
    out->collect_invariants = d.collect_invariants;
    out->privileged = d.privileged;
    out->rodata_from_object = d.rodata_from_object;
    out->all_failures = d.all_failures;
    out->time_limit_seconds = d.time_limit_seconds;
    out->partition = d.partition == DRACO_PARTITION_POLICY_OFF    ? DRACO_PARTITION_OFF
                     : d.partition == DRACO_PARTITION_POLICY_FULL ? DRACO_PARTITION_FULL
                                                                  : DRACO_PARTITION_AUTO;
    out->partition_budget = d.partition_budget;
}

static const char *line_of(const struct draco_program *p, int32_t pc, struct draco_arena *a)
{
    if (pc < 0 || !p->lines || (size_t)pc >= p->n_slots || p->lines[pc].line == 0)
        return NULL;
    const char *f = p->lines[pc].file ? p->lines[pc].file : "?";
    return draco_arena_printf(a, "%s:%u", f, p->lines[pc].line);
}

DRACO_API draco_status draco_verify(const draco_program *prog, const draco_verify_opts *opts,
                                    draco_error *err, draco_report **out)
{
    if (!out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_verify: NULL output");
    *out = NULL;
    if (!prog)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_verify: NULL program");
    struct draco_analysis_opts ao;
    to_analysis_opts(opts, &ao);
    if (ao.stack_frame_size > (1u << 20) || ao.max_call_frames > 128 || ao.max_packet_size > (1u << 30))
        return draco_error_set(err, DRACO_ERR_INVALID,
                               "invalid options: stack size <= 1 MiB, frames <= 128, packet <= 1 GiB");
    draco_report *r = calloc(1, sizeof *r);
    if (!r)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory");
    draco_arena_init(&r->arena);
    struct draco_arena work;
    draco_arena_init(&work);
    struct draco_ir_prog ir;
    struct draco_cfg cfg;
    struct draco_analysis_result res;
    memset(&res, 0, sizeof res);
    double t_start = draco_now_seconds();
    draco_status st = draco_api_decode(prog, &work, err, &ir);
    if (st != DRACO_OK)
        goto fail;
    draco_error ve = {0};
    st = draco_ir_validate_program(&ir, &ve);
    if (st != DRACO_OK) {
        draco_error_set(err, st, "%s/%s: %s", prog->section, prog->function, ve.message);
        goto fail;
    }
    draco_ir_peephole(&ir);
    double t_decoded = draco_now_seconds();
    struct draco_cfg_opts copts;
    draco_cfg_opts_init(&copts);
    copts.max_call_frames = ao.max_call_frames;
    draco_error e = {0};
    st = draco_cfg_build(&ir, &copts, &work, &e, &cfg);
    if (st != DRACO_OK) {
        draco_error_set(err, st, "%s/%s: %s", prog->section, prog->function, e.message);
        goto fail;
    }
    double t_cfg = draco_now_seconds();
    st = draco_check_run(prog, &ir, &cfg, &ao, &r->arena, &e, &res);
    if (st != DRACO_OK) {
        draco_error_set(err, st, "%s/%s: %s", prog->section, prog->function,
                        e.message[0] ? e.message : draco_status_str(st));
        goto fail;
    }
    r->verdict = res.passed && res.n_diags == 0 ? DRACO_VERDICT_PASS : DRACO_VERDICT_FAIL;
    if (!res.passed && res.n_diags == 0) {
        /* a failed analysis must always say why */
        st = draco_error_set(err, DRACO_ERR_INTERNAL, "%s/%s: analysis failed without a diagnostic",
                             prog->section, prog->function);
        goto fail;
    }
    r->n_diags = res.n_diags;
    r->diags = r->n_diags ? draco_arena_alloc(&r->arena, r->n_diags * sizeof *r->diags) : NULL;
    if (r->n_diags && !r->diags) {
        st = draco_error_set(err, DRACO_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < res.n_diags; i++) {
        draco_diag *d = &r->diags[i];
        d->insn = res.diags[i].pc;
        d->label = res.diags[i].label;
        d->assertion = res.diags[i].assertion;
        d->line = line_of(prog, d->insn, &r->arena);
        snprintf(d->message, sizeof d->message, "%s", res.diags[i].message ? res.diags[i].message : "");
    }
    r->invs = res.invariants;
    r->n_invs = res.n_invariants;
    r->exit_value = res.exit_r0;
    r->seconds = res.analysis_seconds;
    r->iterations = res.iterations;
    r->decode_seconds = t_decoded - t_start;
    r->cfg_seconds = t_cfg - t_decoded;
    r->cfg_nodes = cfg.n_nodes;
    r->total_seconds = draco_now_seconds() - t_start;
    draco_arena_fini(&work);
    *out = r;
    return DRACO_OK;
fail:
    draco_arena_fini(&work);
    draco_report_destroy(r);
    return st;
}

DRACO_API void draco_report_destroy(draco_report *r)
{
    if (!r)
        return;
    draco_arena_fini(&r->arena);
    free(r);
}

DRACO_API draco_verdict draco_report_verdict(const draco_report *r)
{
    return r ? r->verdict : DRACO_VERDICT_FAIL;
}
DRACO_API size_t draco_report_diag_count(const draco_report *r) { return r ? r->n_diags : 0; }
DRACO_API const draco_diag *draco_report_diag(const draco_report *r, size_t i)
{
    return r && i < r->n_diags ? &r->diags[i] : NULL;
}
DRACO_API const char *draco_report_exit_value(const draco_report *r) { return r ? r->exit_value : NULL; }
DRACO_API size_t draco_report_invariant_count(const draco_report *r) { return r ? r->n_invs : 0; }
DRACO_API bool draco_report_invariant(const draco_report *r, size_t i, const char **label, const char **text)
{
    if (!r || i >= r->n_invs)
        return false;
    if (label)
        *label = r->invs[i].label;
    if (text)
        *text = r->invs[i].pre;
    return true;
}
DRACO_API double draco_report_seconds(const draco_report *r) { return r ? r->seconds : 0; }
DRACO_API uint64_t draco_report_iterations(const draco_report *r) { return r ? r->iterations : 0; }

DRACO_API void draco_report_get_stats(const draco_report *r, draco_report_stats *out)
{
    if (!out || out->size < sizeof(size_t))
        return;
    draco_report_stats s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    if (r) {
        s.decode_seconds = r->decode_seconds;
        s.cfg_seconds = r->cfg_seconds;
        s.analysis_seconds = r->seconds;
        s.total_seconds = r->total_seconds;
        s.iterations = r->iterations;
        s.cfg_nodes = r->cfg_nodes;
    }
    size_t n = out->size < sizeof s ? out->size : sizeof s;
    memcpy((char *)out + sizeof(size_t), (const char *)&s + sizeof(size_t), n - sizeof(size_t));
}
