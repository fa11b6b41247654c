/* SPDX-License-Identifier: MIT */
/* platform: utilities any platform can use (kind names, prototype checks, builtin contracts,
 * usability) and the built-in Linux platform table.
 *
 * Invariants: all data here is const; a builtin contract has a negative id (enum
 * draco_builtin_id) and is well-formed (draco_helper_proto_is_wellformed).
 */
#include <string.h>
#include "platform/linux_platform.h"

const char *draco_arg_kind_str(enum draco_arg_kind k)
{
    switch (k) {
    case DRACO_ARG_DONTCARE: return "dontcare";
    case DRACO_ARG_ANYTHING: return "anything";
    case DRACO_ARG_CONST_SIZE: return "const_size";
    case DRACO_ARG_CONST_SIZE_OR_ZERO: return "const_size_or_zero";
    case DRACO_ARG_CONST_ALLOC_SIZE_OR_ZERO: return "const_alloc_size_or_zero";
    case DRACO_ARG_PTR_TO_CTX: return "ptr_to_ctx";
    case DRACO_ARG_PTR_TO_CTX_OR_NULL: return "ptr_to_ctx_or_null";
    case DRACO_ARG_PTR_TO_MAP: return "ptr_to_map";
    case DRACO_ARG_PTR_TO_MAP_OF_PROGRAMS: return "ptr_to_map_of_programs";
    case DRACO_ARG_PTR_TO_MAP_KEY: return "ptr_to_map_key";
    case DRACO_ARG_PTR_TO_MAP_VALUE: return "ptr_to_map_value";
    case DRACO_ARG_PTR_TO_MAP_VALUE_OR_NULL: return "ptr_to_map_value_or_null";
    case DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE: return "ptr_to_uninit_map_value";
    case DRACO_ARG_PTR_TO_READONLY_MEM: return "ptr_to_readonly_mem";
    case DRACO_ARG_PTR_TO_READONLY_MEM_OR_NULL: return "ptr_to_readonly_mem_or_null";
    case DRACO_ARG_PTR_TO_READABLE_MEM: return "ptr_to_readable_mem";
    case DRACO_ARG_PTR_TO_READABLE_MEM_OR_NULL: return "ptr_to_readable_mem_or_null";
    case DRACO_ARG_PTR_TO_WRITABLE_MEM: return "ptr_to_writable_mem";
    case DRACO_ARG_PTR_TO_WRITABLE_MEM_OR_NULL: return "ptr_to_writable_mem_or_null";
    case DRACO_ARG_PTR_TO_FIXED_READONLY_MEM: return "ptr_to_fixed_readonly_mem";
    case DRACO_ARG_PTR_TO_FIXED_MEM: return "ptr_to_fixed_mem";
    case DRACO_ARG_PTR_TO_LONG: return "ptr_to_long";
    case DRACO_ARG_PTR_TO_INT: return "ptr_to_int";
    case DRACO_ARG_PTR_TO_STACK: return "ptr_to_stack";
    case DRACO_ARG_PTR_TO_STACK_OR_NULL: return "ptr_to_stack_or_null";
    case DRACO_ARG_PTR_TO_FUNC: return "ptr_to_func";
    case DRACO_ARG_PTR_TO_SOCK_COMMON: return "ptr_to_sock_common";
    case DRACO_ARG_PTR_TO_BTF_ID_SOCK_COMMON: return "ptr_to_btf_id_sock_common";
    case DRACO_ARG_PTR_TO_SOCKET: return "ptr_to_socket";
    case DRACO_ARG_PTR_TO_BTF_ID: return "ptr_to_btf_id";
    case DRACO_ARG_PTR_TO_PERCPU_BTF_ID: return "ptr_to_percpu_btf_id";
    case DRACO_ARG_PTR_TO_ALLOC_MEM: return "ptr_to_alloc_mem";
    case DRACO_ARG_PTR_TO_SPIN_LOCK: return "ptr_to_spin_lock";
    case DRACO_ARG_PTR_TO_TIMER: return "ptr_to_timer";
    case DRACO_ARG_PTR_TO_CONST_STR: return "ptr_to_const_str";
    case DRACO_ARG_PTR_TO_DYNPTR: return "ptr_to_dynptr";
    case DRACO_ARG_UNSUPPORTED: return "unsupported";
    }
    return "?";
}

const char *draco_ret_kind_str(enum draco_ret_kind k)
{
    switch (k) {
    case DRACO_RET_INTEGER: return "integer";
    case DRACO_RET_INTEGER_OR_NO_RETURN_IF_SUCCEED: return "integer_or_no_return_if_succeed";
    case DRACO_RET_VOID: return "void";
    case DRACO_RET_PTR_TO_MAP_VALUE_OR_NULL: return "ptr_to_map_value_or_null";
    case DRACO_RET_PTR_TO_MAP_VALUE: return "ptr_to_map_value";
    case DRACO_RET_PTR_TO_SOCKET_OR_NULL: return "ptr_to_socket_or_null";
    case DRACO_RET_PTR_TO_SOCK_COMMON_OR_NULL: return "ptr_to_sock_common_or_null";
    case DRACO_RET_PTR_TO_TCP_SOCKET_OR_NULL: return "ptr_to_tcp_socket_or_null";
    case DRACO_RET_PTR_TO_ALLOC_MEM_OR_NULL: return "ptr_to_alloc_mem_or_null";
    case DRACO_RET_PTR_TO_BTF_ID: return "ptr_to_btf_id";
    case DRACO_RET_PTR_TO_BTF_ID_OR_NULL: return "ptr_to_btf_id_or_null";
    case DRACO_RET_PTR_TO_MEM_OR_BTF_ID: return "ptr_to_mem_or_btf_id";
    case DRACO_RET_PTR_TO_MEM_OR_BTF_ID_OR_NULL: return "ptr_to_mem_or_btf_id_or_null";
    case DRACO_RET_UNSUPPORTED: return "unsupported";
    }
    return "?";
}

/* Properties of each argument kind, indexed by kind. */
enum { K_PAIR = 1, K_SIZE = 2, K_NULL = 4, K_WRITTEN = 8, K_UNSUPPORTED = 16 };
static const uint8_t arg_props[DRACO_ARG_KIND_COUNT] = {
    [DRACO_ARG_CONST_SIZE] = K_SIZE,
    [DRACO_ARG_CONST_SIZE_OR_ZERO] = K_SIZE,
    [DRACO_ARG_PTR_TO_CTX_OR_NULL] = K_NULL,
    [DRACO_ARG_PTR_TO_MAP_VALUE_OR_NULL] = K_NULL,
    [DRACO_ARG_PTR_TO_UNINIT_MAP_VALUE] = K_WRITTEN,
    [DRACO_ARG_PTR_TO_READONLY_MEM] = K_PAIR,
    [DRACO_ARG_PTR_TO_READONLY_MEM_OR_NULL] = K_PAIR | K_NULL,
    [DRACO_ARG_PTR_TO_READABLE_MEM] = K_PAIR | K_WRITTEN,
    [DRACO_ARG_PTR_TO_READABLE_MEM_OR_NULL] = K_PAIR | K_NULL | K_WRITTEN,
    [DRACO_ARG_PTR_TO_WRITABLE_MEM] = K_PAIR | K_WRITTEN,
    [DRACO_ARG_PTR_TO_WRITABLE_MEM_OR_NULL] = K_PAIR | K_NULL | K_WRITTEN,
    [DRACO_ARG_PTR_TO_FIXED_MEM] = K_WRITTEN,
    [DRACO_ARG_PTR_TO_LONG] = K_WRITTEN,
    [DRACO_ARG_PTR_TO_INT] = K_WRITTEN,
    [DRACO_ARG_PTR_TO_STACK_OR_NULL] = K_NULL,
    [DRACO_ARG_PTR_TO_CONST_STR] = K_UNSUPPORTED,
    [DRACO_ARG_PTR_TO_DYNPTR] = K_UNSUPPORTED,
    [DRACO_ARG_UNSUPPORTED] = K_UNSUPPORTED,
};

static unsigned arg_prop(enum draco_arg_kind k)
{
    return (unsigned)k < DRACO_ARG_KIND_COUNT ? arg_props[k] : K_UNSUPPORTED;
}

bool draco_arg_kind_is_pair(enum draco_arg_kind k) { return arg_prop(k) & K_PAIR; }
bool draco_arg_kind_is_size(enum draco_arg_kind k) { return arg_prop(k) & K_SIZE; }
bool draco_arg_kind_is_nullable(enum draco_arg_kind k) { return arg_prop(k) & K_NULL; }
bool draco_arg_kind_is_written(enum draco_arg_kind k) { return arg_prop(k) & K_WRITTEN; }

int draco_helper_proto_size_arg(const struct draco_helper_proto *p, int i)
{
    if (!p || i < 0 || i >= DRACO_HELPER_ARGS || !draco_arg_kind_is_pair(p->args[i]))
        return -1;
    int j = p->size_arg[i] ? (int)p->size_arg[i] - 1 : i + 1;
    if (j < 0 || j >= DRACO_HELPER_ARGS || j == i || !draco_arg_kind_is_size(p->args[j]))
        return -1;
    return j;
}

bool draco_helper_proto_is_wellformed(const struct draco_helper_proto *p, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (!p || !p->name) {
        *why = "no prototype or no name";
        return false;
    }
    bool ended = false, sized[DRACO_HELPER_ARGS] = {false};
    for (int i = 0; i < DRACO_HELPER_ARGS; i++) {
        enum draco_arg_kind k = p->args[i];
        if ((unsigned)k >= DRACO_ARG_KIND_COUNT) {
            *why = "argument kind out of range";
            return false;
        }
        if (k == DRACO_ARG_DONTCARE) {
            ended = true;
            continue;
        }
        if (ended) {
            *why = "argument after the end of the list";
            return false;
        }
        if (draco_arg_kind_is_pair(k)) {
            int j = draco_helper_proto_size_arg(p, i);
            if (j < 0) {
                *why = "memory pointer without a size argument";
                return false;
            }
            sized[j] = true;
        } else if (p->size_arg[i]) {
            *why = "size index on an argument that is not a memory pair";
            return false;
        }
        bool fixed = k == DRACO_ARG_PTR_TO_FIXED_MEM || k == DRACO_ARG_PTR_TO_FIXED_READONLY_MEM;
        if (fixed != (p->arg_size[i] != 0)) {
            *why = fixed ? "fixed-size memory of size 0" : "byte size on a non-fixed argument";
            return false;
        }
    }
    for (int i = 0; i < DRACO_HELPER_ARGS; i++) {
        if (draco_arg_kind_is_size(p->args[i]) && !sized[i]) {
            *why = "size argument not preceded by a memory pointer";
            return false;
        }
    }
    if ((unsigned)p->ret >= DRACO_RET_KIND_COUNT) {
        *why = "return kind out of range";
        return false;
    }
    if (p->ret == DRACO_RET_PTR_TO_ALLOC_MEM_OR_NULL) {
        bool has_alloc = false;
        for (int i = 0; i < DRACO_HELPER_ARGS; i++)
            has_alloc |= p->args[i] == DRACO_ARG_CONST_ALLOC_SIZE_OR_ZERO;
        if (!has_alloc) {
            *why = "allocating helper without an allocation size";
            return false;
        }
    }
    if (p->reallocates_packet && !p->writes_packet) {
        *why = "reallocates the packet but does not write it";
        return false;
    }
    return true;
}

/* ---- builtins ---- */
#define A(k) DRACO_ARG_##k
static const struct draco_helper_proto builtins[] = {
    {.name = "memset", .id = DRACO_BUILTIN_MEMSET, .ret = DRACO_RET_INTEGER,
     .args = {A(PTR_TO_WRITABLE_MEM), A(ANYTHING), A(CONST_SIZE_OR_ZERO)}, .size_arg = {3}},
    {.name = "memcpy", .id = DRACO_BUILTIN_MEMCPY, .ret = DRACO_RET_INTEGER,
     .args = {A(PTR_TO_WRITABLE_MEM), A(PTR_TO_READONLY_MEM), A(CONST_SIZE_OR_ZERO)},
     .size_arg = {3, 3}},
    {.name = "memmove", .id = DRACO_BUILTIN_MEMMOVE, .ret = DRACO_RET_INTEGER,
     .args = {A(PTR_TO_WRITABLE_MEM), A(PTR_TO_READONLY_MEM), A(CONST_SIZE_OR_ZERO)},
     .size_arg = {3, 3}},
    {.name = "memcmp", .id = DRACO_BUILTIN_MEMCMP, .ret = DRACO_RET_INTEGER,
     .args = {A(PTR_TO_READONLY_MEM), A(PTR_TO_READONLY_MEM), A(CONST_SIZE_OR_ZERO)},
     .size_arg = {3, 3}},
    /* An extern the platform knows nothing about: it may only receive numbers (unprivileged) and
     * may change the packet, so packet pointers die across it. */
    {.name = "extern_unspecified", .id = DRACO_BUILTIN_EXTERN_UNSPECIFIED,
     .ret = DRACO_RET_INTEGER,
     .args = {A(ANYTHING), A(ANYTHING), A(ANYTHING), A(ANYTHING), A(ANYTHING)},
     .reallocates_packet = true, .writes_packet = true},
};
#undef A

const struct draco_helper_proto *draco_builtin_proto(int32_t id)
{
    if (id >= 0 || id < DRACO_BUILTIN_EXTERN_UNSPECIFIED)
        return NULL;
    return &builtins[-id - 1];
}

const struct draco_helper_proto *draco_builtin_by_name(const char *name)
{
    if (!name)
        return NULL;
    if (strncmp(name, "__builtin_", 10) == 0)
        name += 10;
    for (size_t i = 0; i + 1 < DRACO_ARRAY_LEN(builtins); i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

bool draco_helper_proto_usable_in(const struct draco_helper_proto *p,
                                  const struct draco_prog_type *t)
{
    if (!p || p->unsupported || p->ret == DRACO_RET_UNSUPPORTED)
        return false;
    for (int i = 0; i < DRACO_HELPER_ARGS; i++)
        if (arg_prop(p->args[i]) & K_UNSUPPORTED)
            return false;
    if (!t)
        return p->required_ctx == NULL && p->prog_types == 0 && !p->might_sleep;
    if (p->required_ctx && (!t->ctx || !t->ctx->name || strcmp(p->required_ctx, t->ctx->name) != 0))
        return false;
    if (p->prog_types && (t->id >= 64 || !(p->prog_types & (1ull << t->id))) &&
        !(t->is_section_default && p->required_ctx))
        return false;
    if (p->might_sleep && !t->is_sleepable)
        return false;
    return true;
}

/* ---- the Linux platform ---- */
static const struct draco_platform linux_platform = {
    .name = "linux",
    .user = NULL,
    .prog_type_from_section = draco_linux_prog_type_from_section,
    .prog_type_by_name = draco_linux_prog_type_by_name,
    .helper_proto = draco_linux_helper_proto,
    .helper_usable = draco_linux_helper_usable,
    .helper_by_name = draco_linux_helper_by_name,
    .kfunc_resolve = draco_linux_kfunc_resolve,
    .map_type = draco_linux_map_type,
    .parse_legacy_maps = draco_linux_parse_legacy_maps,
};

const struct draco_platform *draco_platform_linux(void)
{
    return &linux_platform;
}
