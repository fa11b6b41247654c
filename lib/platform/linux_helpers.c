/* SPDX-License-Identifier: MIT */
/* platform: Linux helper lookup (by id, by name), usability per program type, and the small
 * table of kfuncs the Linux platform knows.
 *
 * Invariants: draco_linux_helpers[i].id == i for every entry (the generated table); lookups never
 * fail open: an unknown id is NULL (the caller rejects the call), an unknown kfunc is NULL, and
 * an unknown extern name gets the conservative "extern unspecified" builtin contract.
 */
#include <string.h>
#include "platform/linux_platform.h"

const struct draco_helper_proto *draco_linux_helper_proto(const struct draco_platform *self,
                                                          int32_t id,
                                                          const struct draco_prog_type *type)
{
    DRACO_UNUSED(self);
    DRACO_UNUSED(type);
    if (id < 0)
        return draco_builtin_proto(id);
    if ((size_t)id >= draco_linux_helper_count)
        return NULL;
    return &draco_linux_helpers[id];
}

bool draco_linux_helper_usable(const struct draco_platform *self, int32_t id,
                               const struct draco_prog_type *type)
{
    const struct draco_helper_proto *p = draco_linux_helper_proto(self, id, type);
    return p && draco_helper_proto_usable_in(p, type);
}

const struct draco_helper_proto *draco_linux_helper_by_name(const struct draco_platform *self,
                                                            const char *name)
{
    DRACO_UNUSED(self);
    if (!name || !*name)
        return draco_builtin_proto(DRACO_BUILTIN_EXTERN_UNSPECIFIED);
    const struct draco_helper_proto *b = draco_builtin_by_name(name);
    if (b)
        return b;
    const char *bare = name;
    if (strncmp(bare, "ebpf_", 5) == 0)
        bare += 5;
    else if (strncmp(bare, "bpf_", 4) == 0)
        bare += 4;
    /* id 0 ("bpf_unspec") is not a callable helper */
    for (size_t i = 1; i < draco_linux_helper_count; i++)
        if (strcmp(draco_linux_helpers[i].name + 4, bare) == 0)
            return &draco_linux_helpers[i];
    return draco_builtin_proto(DRACO_BUILTIN_EXTERN_UNSPECIFIED);
}

/* kfuncs whose effect on the verified state is nil: no arguments, no memory, no return value.
 * Lock/section balancing (which the kernel checks) is not modelled. Any other kfunc is unknown
 * (NULL) and the program is rejected. */
#define KF(n, i) {.name = n, .id = i, .ret = DRACO_RET_VOID}
static const struct draco_helper_proto kfuncs[] = {
    KF("bpf_rcu_read_lock", -100),
    KF("bpf_rcu_read_unlock", -101),
    KF("bpf_preempt_disable", -102),
    KF("bpf_preempt_enable", -103),
};
#undef KF

const struct draco_helper_proto *draco_linux_kfunc_resolve(const struct draco_platform *self,
                                                           const char *name,
                                                           const struct draco_prog_type *type)
{
    DRACO_UNUSED(self);
    if (!name)
        return NULL;
    for (size_t i = 0; i < DRACO_ARRAY_LEN(kfuncs); i++)
        if (strcmp(kfuncs[i].name, name) == 0)
            return draco_helper_proto_usable_in(&kfuncs[i], type) ? &kfuncs[i] : NULL;
    return NULL;
}
