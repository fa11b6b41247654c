/* SPDX-License-Identifier: MIT */
/* platform: Linux map types (BPF_MAP_TYPE_* 0..33) and legacy map-definition records.
 *
 * Invariants: map_types[i].type == i. A legacy record is read field by field from
 * little-endian bytes, never past record_size (missing fields are zero); the record layout is
 * chosen by its size: 20 bytes libbpf bpf_map_def, 36 bytes iproute2 bpf_elf_map (id, pinning,
 * inner_id, inner_idx), anything else the samples/bpf layout (inner_map_idx, numa_node) of
 * PREVAIL. An inner map index is kept only for map-of-maps types and must name another record.
 */
#include <string.h>
#include "platform/linux_platform.h"

#define MT(i, n, arr, v) {.type = i, .name = n, .is_array = arr, .value_kind = DRACO_MAP_VALUE_##v}
static const struct draco_map_type_info map_types[] = {
    MT(0, "UNSPEC", false, ANY),
    MT(1, "HASH", false, ANY),
    MT(2, "ARRAY", true, ANY),
    MT(3, "PROG_ARRAY", true, PROGRAM),
    MT(4, "PERF_EVENT_ARRAY", true, ANY),
    MT(5, "PERCPU_HASH", false, ANY),
    MT(6, "PERCPU_ARRAY", true, ANY),
    MT(7, "STACK_TRACE", false, ANY),
    MT(8, "CGROUP_ARRAY", true, ANY),
    MT(9, "LRU_HASH", false, ANY),
    MT(10, "LRU_PERCPU_HASH", false, ANY),
    MT(11, "LPM_TRIE", false, ANY),
    MT(12, "ARRAY_OF_MAPS", true, MAP),
    MT(13, "HASH_OF_MAPS", false, MAP),
    MT(14, "DEVMAP", false, ANY),
    MT(15, "SOCKMAP", false, ANY),
    MT(16, "CPUMAP", false, ANY),
    MT(17, "XSKMAP", false, ANY),
    MT(18, "SOCKHASH", false, ANY),
    MT(19, "CGROUP_STORAGE", false, ANY),
    MT(20, "REUSEPORT_SOCKARRAY", false, ANY),
    MT(21, "PERCPU_CGROUP_STORAGE", false, ANY),
    MT(22, "QUEUE", false, ANY),
    MT(23, "STACK", false, ANY),
    MT(24, "SK_STORAGE", false, ANY),
    MT(25, "DEVMAP_HASH", false, ANY),
    MT(26, "STRUCT_OPS", false, ANY),
    MT(27, "RINGBUF", false, ANY),
    MT(28, "INODE_STORAGE", false, ANY),
    MT(29, "TASK_STORAGE", false, ANY),
    MT(30, "BLOOM_FILTER", false, ANY),
    MT(31, "USER_RINGBUF", false, ANY),
    MT(32, "CGRP_STORAGE", false, ANY),
    MT(33, "ARENA", false, ANY),
};
#undef MT

const struct draco_map_type_info *draco_linux_map_type(const struct draco_platform *self,
                                                       uint32_t type)
{
    DRACO_UNUSED(self);
    if (type >= DRACO_ARRAY_LEN(map_types))
        return NULL;
    return &map_types[type];
}

/* u32 field `idx` of a record, 0 when the record is too short to hold it */
static uint32_t record_u32(const uint8_t *rec, size_t record_size, size_t idx)
{
    if ((idx + 1) * 4 > record_size)
        return 0;
    const uint8_t *b = rec + idx * 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

#define LEGACY_LIBBPF_SIZE 20u    /* struct bpf_map_def: 5 x u32 */
#define LEGACY_IPROUTE2_SIZE 36u  /* struct bpf_elf_map: 9 x u32 */

draco_status draco_linux_parse_legacy_maps(const struct draco_platform *self, const void *data,
                                           size_t record_size, size_t count,
                                           struct draco_legacy_map *out, draco_error *err)
{
    DRACO_UNUSED(self);
    if (count == 0)
        return DRACO_OK;
    if (!data || !out)
        return draco_error_set(err, DRACO_ERR_INVALID, "legacy maps: no data");
    if (record_size < 4 * 4 || record_size > 4096)
        return draco_error_set(err, DRACO_ERR_INVALID,
                               "legacy maps: bad map definition size %zu", record_size);
    if (count > SIZE_MAX / record_size || count > INT32_MAX)
        return draco_error_set(err, DRACO_ERR_INVALID, "legacy maps: too many records");
    const uint8_t *bytes = data;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *rec = bytes + i * record_size;
        struct draco_legacy_map *m = &out[i];
        memset(m, 0, sizeof *m);
        m->type = record_u32(rec, record_size, 0);
        m->key_size = record_u32(rec, record_size, 1);
        m->value_size = record_u32(rec, record_size, 2);
        m->max_entries = record_u32(rec, record_size, 3);
        m->map_flags = record_u32(rec, record_size, 4);
        uint32_t inner;
        if (record_size == LEGACY_IPROUTE2_SIZE) {
            m->id = record_u32(rec, record_size, 5);
            m->pinning = record_u32(rec, record_size, 6);
            m->inner_id = record_u32(rec, record_size, 7);
            inner = record_u32(rec, record_size, 8);
        } else {
            inner = record_u32(rec, record_size, 5);
            m->numa_node = record_u32(rec, record_size, 6);
        }
        m->inner_map_idx = -1;
        const struct draco_map_type_info *t = draco_linux_map_type(self, m->type);
        if (t && t->value_kind == DRACO_MAP_VALUE_MAP && record_size > LEGACY_LIBBPF_SIZE) {
            if (inner >= count || inner == i)
                return draco_error_set(err, DRACO_ERR_INVALID,
                                       "legacy maps: bad inner map index %u for map %zu",
                                       inner, i);
            m->inner_map_idx = (int32_t)inner;
        }
    }
    return DRACO_OK;
}
