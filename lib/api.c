/* SPDX-License-Identifier: MIT */
/* api: the public entry points of include/dracoverify.h for objects, programs and printing.
 *
 * The public handles are the internal structs themselves (struct draco_object / draco_program of
 * lib/elf/object.h); this file only validates arguments, converts between the public and internal
 * views and chains the pipeline stages (decode, CFG) for printing. It holds no state.
 */
#include <stdlib.h>
#include <string.h>

#include "elf/object.h"
#include "ir/ir.h"
#include "ir/asm.h"
#include "api_internal.h"

#define DEFAULT_MAX_FILE (256u << 20)

DRACO_API void draco_open_opts_init(draco_open_opts *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->size = sizeof *opts;
    opts->name = "<memory>";
    opts->max_file_size = DEFAULT_MAX_FILE;
}

/* Copies the caller's options (which may be older/smaller) over the defaults. */
static void opts_resolve(const draco_open_opts *in, draco_open_opts *out)
{
    draco_open_opts_init(out);
    if (in && in->size >= offsetof(draco_open_opts, max_file_size) + sizeof in->max_file_size) {
        if (in->name)
            out->name = in->name;
        if (in->max_file_size)
            out->max_file_size = in->max_file_size;
    }
}

static draco_status open_image(const void *buf, size_t len, const char *name,
                               const draco_open_opts *o, draco_error *err, draco_object **out)
{
    if (len > o->max_file_size)
        return draco_error_set(err, DRACO_ERR_LIMIT, "%s: file too large (%zu bytes, limit %zu)",
                               name, len, o->max_file_size);
    return draco_elf_load(buf, len, name, o, err, out);
}

DRACO_API draco_status draco_object_open_file(const char *path, const draco_open_opts *opts,
                                              draco_error *err, draco_object **out)
{
    if (!out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_object_open_file: NULL output");
    *out = NULL;
    if (!path)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_object_open_file: NULL path");
    draco_open_opts o;
    opts_resolve(opts, &o);
    o.name = path;
    void *buf;
    size_t len;
    draco_status st = draco_file_read(path, &buf, &len, err);
    if (st != DRACO_OK)
        return st;
    st = open_image(buf, len, path, &o, err, out);
    free(buf);
    return st;
}

DRACO_API draco_status draco_object_open_mem(const void *buf, size_t len, const draco_open_opts *opts,
                                             draco_error *err, draco_object **out)
{
    if (!out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_object_open_mem: NULL output");
    *out = NULL;
    if (!buf && len)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_object_open_mem: NULL buffer");
    draco_open_opts o;
    opts_resolve(opts, &o);
    return open_image(buf, len, o.name, &o, err, out);
}

DRACO_API draco_status draco_object_open_text(const char *text, const char *prog_type,
                                              const draco_map_info *maps, size_t n_maps,
                                              const draco_open_opts *opts, draco_error *err,
                                              draco_object **out)
{
    if (!out)
        return draco_error_set(err, DRACO_ERR_INVALID, "draco_object_open_text: NULL output");
    *out = NULL;
    if (!text || !prog_type || !*prog_type || (n_maps && !maps))
        return draco_error_set(err, DRACO_ERR_INVALID,
                               "draco_object_open_text: text and a program type are required");
    draco_open_opts o;
    opts_resolve(opts, &o);
    size_t len = strlen(text);
    if (len > o.max_file_size)
        return draco_error_set(err, DRACO_ERR_LIMIT, "%s: text too large (%zu bytes, limit %zu)",
                               o.name, len, o.max_file_size);
    return draco_asm_object_create(text, o.name, prog_type, prog_type, maps, n_maps, err, out);
}

DRACO_API void draco_object_destroy(draco_object *obj)
{
    if (obj)
        draco_elf_object_free(obj);
}

DRACO_API size_t draco_object_program_count(const draco_object *obj) { return obj ? obj->n_progs : 0; }

DRACO_API const draco_program *draco_object_program(const draco_object *obj, size_t i)
{
    return obj && i < obj->n_progs ? &obj->progs[i] : NULL;
}

DRACO_API draco_status draco_object_find_program(const draco_object *obj, const char *section,
                                                 const char *function, const draco_program **out)
{
    if (!out)
        return DRACO_ERR_INVALID;
    *out = NULL;
    if (!obj || !section)
        return DRACO_ERR_INVALID;
    for (size_t i = 0; i < obj->n_progs; i++) {
        const struct draco_program *p = &obj->progs[i];
        if (strcmp(p->section, section) == 0 && (!function || strcmp(p->function, function) == 0)) {
            *out = p;
            return DRACO_OK;
        }
    }
    return DRACO_ERR_NOT_FOUND;
}

DRACO_API const char *draco_program_section(const draco_program *p) { return p ? p->section : NULL; }
DRACO_API const char *draco_program_function(const draco_program *p) { return p ? p->function : NULL; }
DRACO_API const char *draco_program_type_name(const draco_program *p) { return p ? p->type_name : NULL; }
DRACO_API const char *draco_program_load_error(const draco_program *p) { return p ? p->load_error : NULL; }
DRACO_API size_t draco_program_slot_count(const draco_program *p) { return p ? p->n_slots : 0; }
DRACO_API size_t draco_program_insn_count(const draco_program *p) { return p ? p->n_insns : 0; }
DRACO_API const draco_raw_insn *draco_program_insns(const draco_program *p) { return p ? p->insns : NULL; }

DRACO_API bool draco_program_line_info(const draco_program *p, size_t pc, draco_line_info *out)
{
    if (!p || !out || !p->lines || pc >= p->n_slots || p->lines[pc].line == 0)
        return false;
    *out = p->lines[pc];
    return true;
}

DRACO_API size_t draco_object_map_count(const draco_object *obj) { return obj ? obj->n_maps : 0; }

DRACO_API const draco_map_info *draco_object_map(const draco_object *obj, size_t i)
{
    return obj && i < obj->n_maps ? &obj->maps[i].info : NULL;
}

DRACO_API bool draco_object_map_rodata(const draco_object *obj, size_t i, const void **data, size_t *size)
{
    const uint8_t *bytes = obj && i < obj->n_maps ? obj->maps[i].rodata : NULL;
    if (data)
        *data = bytes;
    if (size)
        *size = bytes ? obj->maps[i].info.value_size : 0;
    return bytes != NULL;
}

draco_status draco_api_decode(const struct draco_program *p, struct draco_arena *arena,
                              draco_error *err, struct draco_ir_prog *out)
{
    if (p->load_error)
        return draco_error_set(err, DRACO_ERR_INVALID, "%s", p->load_error);
    draco_error e = {0};
    draco_status st = draco_ir_decode(p->insns, p->n_slots, p->insn_flags, arena, &e, out);
    if (st != DRACO_OK)
        return draco_error_set(err, st, "%s/%s: %s", p->section, p->function, e.message);
    return DRACO_OK;
}
