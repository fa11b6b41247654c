/* SPDX-License-Identifier: MIT */
/* Tests for lib/elf with BTF: BTF-defined maps (incl. an anonymous inner map), global data,
 * bpf2bpf linking, .BTF.ext line info and CO-RE relocations, on an object compiled with
 * `clang -target bpf` at test time. When clang is absent the tests say so and pass vacuously.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "elf/object.h"

static const char source[] =
    "#include <linux/bpf.h>\n"
    "#define SEC(n) __attribute__((section(n), used))\n"
    "#define __uint(name, val) int (*name)[val]\n"
    "#define __type(name, val) typeof(val) *name\n"
    "#define __array(name, val) typeof(val) *name[]\n"
    "static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;\n"
    "struct pair { int x, y; };\n"
    "struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, int);\n"
    "         __type(value, struct pair); __uint(map_flags, 1); } h SEC(\".maps\");\n"
    "struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 2); __type(key, int);\n"
    "         __array(values, struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4);\n"
    "                                  __type(key, int); __type(value, long long); });\n"
    "} outer SEC(\".maps\");\n"
    "int counter;\n"
    "const volatile int cfg = 3;\n"
    "struct s { int a; int pad[5]; int b; } __attribute__((preserve_access_index));\n"
    "static __attribute__((noinline)) int sub(int x) { return x + counter; }\n"
    "SEC(\"xdp\") int prog(struct xdp_md *ctx)\n"
    "{\n"
    "    int k = 0;\n"
    "    struct pair *p = bpf_map_lookup_elem(&h, &k);\n"
    "    void *in = bpf_map_lookup_elem(&outer, &k);\n"
    "    int r = sub((int)ctx->ingress_ifindex) + cfg + (p ? p->y : 0) + (in ? 1 : 0);\n"
    "    return r + __builtin_preserve_field_info(((struct s *)ctx)->b, 0);\n"
    "}\n"
    "char _license[] SEC(\"license\") = \"GPL\";\n";

struct compiled {
    unsigned char *img;
    size_t len;
};

/* false when clang is unavailable (test skipped); fails the test when compilation fails */
static bool compile(struct compiled *out)
{
    if (system("command -v clang >/dev/null 2>&1") != 0) {
        fprintf(stderr, "check_elf_btf: SKIP: clang not found\n");
        return false;
    }
    char dir[] = "/tmp/draco-elf-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char src[128], obj[128], cmd[512];
    snprintf(src, sizeof src, "%s/t.c", dir);
    snprintf(obj, sizeof obj, "%s/t.o", dir);
    FILE *f = fopen(src, "w");
    ck_assert_ptr_nonnull(f);
    fputs(source, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "clang -target bpf -O2 -g -I/usr/include/$(cc -dumpmachine) -c %s -o %s", src, obj);
    int rc = system(cmd);
    ck_assert_msg(rc == 0, "clang failed: %s", cmd);
    draco_error err;
    memset(&err, 0, sizeof err);
    void *buf = NULL;
    ck_assert_int_eq(draco_file_read(obj, &buf, &out->len, &err), DRACO_OK);
    out->img = buf;
    unlink(src);
    unlink(obj);
    rmdir(dir);
    return true;
}

static const struct draco_map_desc *map_named(const struct draco_object *o, const char *n)
{
    for (size_t i = 0; i < o->n_maps; i++)
        if (strcmp(o->maps[i].info.name, n) == 0)
            return &o->maps[i];
    ck_abort_msg("map %s missing", n);
    return NULL;
}

START_TEST(test_btf_object)
{
    struct compiled c;
    if (!compile(&c))
        return;
    draco_error err;
    memset(&err, 0, sizeof err);
    struct draco_object *o = NULL;
    ck_assert_msg(draco_elf_load(c.img, c.len, "t.o", NULL, &err, &o) == DRACO_OK, "%s",
                  err.message);
    free(c.img);
    ck_assert(o->has_btf);
    const struct draco_map_desc *h = map_named(o, "h");
    ck_assert_uint_eq(h->info.type, 1);
    ck_assert_uint_eq(h->info.key_size, 4);
    ck_assert_uint_eq(h->info.value_size, 8);
    ck_assert_uint_eq(h->info.max_entries, 16);
    ck_assert_uint_eq(h->info.flags, 1);
    ck_assert_int_gt(h->btf_value_type_id, 0);
    const struct draco_map_desc *outer = map_named(o, "outer");
    ck_assert_uint_eq(outer->info.type, 12);
    ck_assert_uint_eq(outer->info.value_size, 4);
    const struct draco_map_desc *inner = draco_object_map_by_fd(o, outer->info.inner_map_fd);
    ck_assert_ptr_nonnull(inner);
    ck_assert(inner->is_inner_template);
    ck_assert_uint_eq(inner->info.type, 2);
    ck_assert_uint_eq(inner->info.value_size, 8);
    ck_assert_uint_eq(inner->info.max_entries, 4);
    ck_assert(map_named(o, ".bss")->info.is_global_data);
    ck_assert_uint_eq(map_named(o, ".bss")->info.value_size, 4);
    ck_assert(map_named(o, ".rodata")->info.is_global_data);

    const struct draco_program *p = NULL;
    for (size_t i = 0; i < o->n_progs; i++)
        if (strcmp(o->progs[i].function, "prog") == 0)
            p = &o->progs[i];
    ck_assert_ptr_nonnull(p);
    ck_assert_msg(p->load_error == NULL, "%s", p->load_error);
    ck_assert_str_eq(p->type_name, "xdp");
    ck_assert_uint_gt(p->n_slots, p->main_slots); /* sub() appended */
    bool has_line = false, has_map_fd = false, has_value = false, sub_flag = false;
    for (size_t i = 0; i < p->n_slots; i++) {
        if (p->lines[i].line > 0 && p->lines[i].file && strstr(p->lines[i].file, "t.c"))
            has_line = true;
        if (p->insns[i].opcode == 0x18 && draco_raw_insn_src(&p->insns[i]) == 1 &&
            p->insns[i].imm == h->info.fd)
            has_map_fd = true;
        if (p->insns[i].opcode == 0x18 && draco_raw_insn_src(&p->insns[i]) == 2 &&
            draco_object_map_by_fd(o, p->insns[i].imm) &&
            draco_object_map_by_fd(o, p->insns[i].imm)->info.is_global_data)
            has_value = true;
        if (i >= p->main_slots && (p->insn_flags[i] & DRACO_INSN_F_SUBPROG))
            sub_flag = true;
    }
    ck_assert(has_line);
    ck_assert(has_map_fd);
    ck_assert(has_value);
    ck_assert(sub_flag);
    draco_elf_object_free(o);
}
END_TEST

/* The CO-RE relocation on `mov rX, 24` (offset of s.b) is recomputed from BTF: corrupting the
 * encoded immediate must refuse the program, which shows the relocation is really evaluated. */
START_TEST(test_core_relocation_checked)
{
    struct compiled c;
    if (!compile(&c))
        return;
    size_t hits = 0, at = 0;
    for (size_t i = 0; i + 8 <= c.len; i += 8) {
        int32_t imm;
        int16_t off;
        memcpy(&off, c.img + i + 2, 2);
        memcpy(&imm, c.img + i + 4, 4);
        if (c.img[i] == 0xb7 && off == 0 && imm == 24) {
            hits++;
            at = i;
        }
    }
    ck_assert_uint_eq(hits, 1);
    draco_error err;
    memset(&err, 0, sizeof err);
    struct draco_object *o = NULL;
    ck_assert_int_eq(draco_elf_load(c.img, c.len, "t.o", NULL, &err, &o), DRACO_OK);
    for (size_t i = 0; i < o->n_progs; i++)
        ck_assert_ptr_null(o->progs[i].load_error);
    draco_elf_object_free(o);
    int32_t bad = 28;
    memcpy(c.img + at + 4, &bad, 4);
    ck_assert_int_eq(draco_elf_load(c.img, c.len, "t.o", NULL, &err, &o), DRACO_OK);
    const struct draco_program *p = NULL;
    for (size_t i = 0; i < o->n_progs; i++)
        if (strcmp(o->progs[i].function, "prog") == 0)
            p = &o->progs[i];
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(p->load_error);
    ck_assert_ptr_nonnull(strstr(p->load_error, "CO-RE"));
    draco_elf_object_free(o);
    free(c.img);
}
END_TEST

extern Suite *draco_suite_elf_btf(void);
Suite *draco_suite_elf_btf(void)
{
    Suite *s = suite_create("elf_btf");
    TCase *tc = tcase_create("clang");
    tcase_add_test(tc, test_btf_object);
    tcase_add_test(tc, test_core_relocation_checked);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
