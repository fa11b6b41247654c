/* SPDX-License-Identifier: MIT */
/* platform: private declarations shared by the files of the built-in Linux platform.
 *
 * Invariants: everything declared here is const data or a pure function of its arguments; the
 * Linux platform table (draco_platform_linux) only points at these functions. Program type and
 * context descriptor pointers returned are unique per kind, so they may be compared by address.
 */
#ifndef DRACO_PLATFORM_LINUX_PLATFORM_H
#define DRACO_PLATFORM_LINUX_PLATFORM_H

#include "platform/platform.h"

/* Linux BPF_PROG_TYPE_* ids used by the platform. */
enum draco_linux_prog_id {
    DRACO_LINUX_PROG_UNSPEC = 0, DRACO_LINUX_PROG_SOCKET_FILTER = 1, DRACO_LINUX_PROG_KPROBE = 2,
    DRACO_LINUX_PROG_SCHED_CLS = 3, DRACO_LINUX_PROG_SCHED_ACT = 4,
    DRACO_LINUX_PROG_TRACEPOINT = 5, DRACO_LINUX_PROG_XDP = 6, DRACO_LINUX_PROG_PERF_EVENT = 7,
    DRACO_LINUX_PROG_CGROUP_SKB = 8, DRACO_LINUX_PROG_CGROUP_SOCK = 9,
    DRACO_LINUX_PROG_LWT_IN = 10, DRACO_LINUX_PROG_LWT_OUT = 11, DRACO_LINUX_PROG_LWT_XMIT = 12,
    DRACO_LINUX_PROG_SOCK_OPS = 13, DRACO_LINUX_PROG_SK_SKB = 14,
    DRACO_LINUX_PROG_CGROUP_DEVICE = 15, DRACO_LINUX_PROG_SK_MSG = 16,
    DRACO_LINUX_PROG_RAW_TRACEPOINT = 17, DRACO_LINUX_PROG_CGROUP_SOCK_ADDR = 18,
    DRACO_LINUX_PROG_LWT_SEG6LOCAL = 19, DRACO_LINUX_PROG_LIRC_MODE2 = 20,
    DRACO_LINUX_PROG_SK_REUSEPORT = 21, DRACO_LINUX_PROG_FLOW_DISSECTOR = 22,
    DRACO_LINUX_PROG_CGROUP_SYSCTL = 23, DRACO_LINUX_PROG_RAW_TRACEPOINT_WRITABLE = 24,
    DRACO_LINUX_PROG_CGROUP_SOCKOPT = 25, DRACO_LINUX_PROG_TRACING = 26,
    DRACO_LINUX_PROG_STRUCT_OPS = 27, DRACO_LINUX_PROG_EXT = 28, DRACO_LINUX_PROG_LSM = 29,
    DRACO_LINUX_PROG_SK_LOOKUP = 30, DRACO_LINUX_PROG_SYSCALL = 31,
    DRACO_LINUX_PROG_NETFILTER = 32,
};

/* linux_helpers_table.c (generated) */
extern const struct draco_helper_proto draco_linux_helpers[];
extern const size_t draco_linux_helper_count;

/* linux_progtypes.c */
const struct draco_prog_type *draco_linux_prog_type_from_section(const struct draco_platform *self,
                                                                 const char *section,
                                                                 const char *path);
const struct draco_prog_type *draco_linux_prog_type_by_name(const struct draco_platform *self,
                                                            const char *name);
/* All Linux program types (for listing and tests); *n receives the count. */
const struct draco_prog_type *draco_linux_prog_types(size_t *n);

/* linux_helpers.c */
const struct draco_helper_proto *draco_linux_helper_proto(const struct draco_platform *self,
                                                          int32_t id,
                                                          const struct draco_prog_type *type);
bool draco_linux_helper_usable(const struct draco_platform *self, int32_t id,
                               const struct draco_prog_type *type);
const struct draco_helper_proto *draco_linux_helper_by_name(const struct draco_platform *self,
                                                            const char *name);
const struct draco_helper_proto *draco_linux_kfunc_resolve(const struct draco_platform *self,
                                                           const char *name,
                                                           const struct draco_prog_type *type);

/* linux_maps.c */
const struct draco_map_type_info *draco_linux_map_type(const struct draco_platform *self,
                                                       uint32_t type);
draco_status draco_linux_parse_legacy_maps(const struct draco_platform *self, const void *data,
                                           size_t record_size, size_t count,
                                           struct draco_legacy_map *out, draco_error *err);

#endif
