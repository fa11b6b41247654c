/* SPDX-License-Identifier: MIT */
/* prog_objdump: the decoder and printer agree with llvm-objdump -d on every instruction of every
 * executable section of the given ELF files.
 *
 * Invariants: each section is read with libelf (ranges checked against the file size first) and
 * decoded whole, unrelocated, with draco_ir_decode(); llvm-objdump runs on the same file. For every
 * slot: the raw bytes objdump shows must equal the section's bytes, and the text must equal the
 * LLVM 14 rendering of our decoded instruction (our printer, with the documented LLVM 14 quirks
 * applied below); forms LLVM 14 does not know must show "<unknown>" and are tallied by form; slots
 * our decoder refuses must show "<unknown>" too. Anything else, including an instruction that
 * cannot be compared, is a mismatch. Files that libelf or objdump cannot read are skipped with a
 * note. Exit status: 0 all agree, 1 mismatches, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ir/ir.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

enum { MAX_DETAIL = 30, MAX_REFUSED = 4096 };

struct tally {
    size_t files, files_skipped, sections, compared, agree, unknown_v4, refused_both, mismatches;
    size_t unknown_by_form[8];
};
static const char *const form_names[8] = {
    "mod (BPF_MOD)", "bswap (ALU64 END)", "gotol (JA32)", "st imm (BPF_ST)", "ldx memsx",
    "jset (BPF_JSET)", "other", "?",
};

/* One line of objdump output for a slot. */
struct odline {
    bool present;
    uint8_t bytes[16];
    size_t nbytes;
    char text[160];
};

struct odsec {
    char name[256];
    struct odline *lines;    /* indexed by slot; n entries */
    size_t n;
    size_t extra;            /* lines at slots >= n */
};

struct odout {
    struct odsec *secs;
    size_t nsecs;
};

static void odout_free(struct odout *o)
{
    for (size_t i = 0; i < o->nsecs; i++)
        free(o->secs[i].lines);
    free(o->secs);
    o->secs = NULL;
    o->nsecs = 0;
}

/* Runs objdump and returns its stdout (malloc'ed, NUL-terminated) or NULL on failure. */
static char *run_objdump(const char *objdump, const char *path, bool alu32, int *rc)
{
    int fds[2];
    if (pipe(fds) != 0)
        return NULL;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        int nul = open("/dev/null", O_WRONLY);
        if (nul >= 0)
            dup2(nul, 2);
        close(fds[0]);
        close(fds[1]);
        if (alu32)
            execlp(objdump, objdump, "-d", "--mattr=+alu32", path, (char *)NULL);
        else
            execlp(objdump, objdump, "-d", path, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    for (;;) {
        if (buf && len + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            } else {
                buf = nb;
                cap *= 2;
            }
        }
        char tmp[4096];
        ssize_t k = read(fds[0], buf ? buf + len : tmp, 4096);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        if (buf)
            len += (size_t)k;
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    *rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* Collapses runs of blanks to one space, drops a trailing " <label>" from jumps/calls. */
static void normalise(char *s)
{
    char *w = s;
    bool sp = false;
    for (char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\t') {
            sp = w != s;
            continue;
        }
        if (sp)
            *w++ = ' ';
        sp = false;
        *w++ = *r;
    }
    *w = '\0';
    if (strcmp(s, "<unknown>") == 0)
        return;
    size_t len = strlen(s);
    if (len > 0 && s[len - 1] == '>') {
        char *lt = strrchr(s, '<');
        if (lt && lt > s && lt[-1] == ' ')
            lt[-1] = '\0';
    }
}

/* Parses objdump -d output into sections of slot lines. Returns false on out-of-memory. */
static bool parse_objdump(char *out, struct odout *od, const size_t *sec_slots, size_t nsec_slots)
{
    struct odsec *cur = NULL;
    for (char *line = out; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        const char *hdr = "Disassembly of section ";
        if (strncmp(line, hdr, strlen(hdr)) == 0) {
            struct odsec *ns = realloc(od->secs, (od->nsecs + 1) * sizeof *ns);
            if (!ns)
                return false;
            od->secs = ns;
            cur = &od->secs[od->nsecs];
            memset(cur, 0, sizeof *cur);
            snprintf(cur->name, sizeof cur->name, "%s", line + strlen(hdr));
            size_t nl2 = strlen(cur->name);
            if (nl2 && cur->name[nl2 - 1] == ':')
                cur->name[nl2 - 1] = '\0';
            cur->n = od->nsecs < nsec_slots ? sec_slots[od->nsecs] : 0;
            cur->lines = calloc(cur->n ? cur->n : 1, sizeof *cur->lines);
            if (!cur->lines)
                return false;
            od->nsecs++;
        } else if (cur) {
            char *p = line;
            while (*p == ' ')
                p++;
            char *end;
            unsigned long long pc = strtoull(p, &end, 10);
            if (end != p && end[0] == ':' && end[1] == '\t') {
                p = end + 2;
                struct odline tmp = {0};
                tmp.present = true;
                while (p[0] && p[1] && p[0] != '\t' && tmp.nbytes < 16) {
                    unsigned b;
                    if (sscanf(p, "%2x", &b) != 1)
                        break;
                    tmp.bytes[tmp.nbytes++] = (uint8_t)b;
                    p += 2;
                    if (*p == ' ')
                        p++;
                }
                while (*p && *p != '\t')
                    p++;
                if (*p == '\t')
                    p++;
                snprintf(tmp.text, sizeof tmp.text, "%s", p);
                normalise(tmp.text);
                if (pc < cur->n)
                    cur->lines[pc] = tmp;
                else
                    cur->extra++;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return true;
}

enum { FORM_MOD, FORM_BSWAP, FORM_JA32, FORM_STIMM, FORM_MEMSX, FORM_JSET, FORM_OTHER };

/*
 * The text llvm-objdump 14 prints for a decoded instruction, or NULL when LLVM 14 does not know
 * the form and prints "<unknown>" (*form says which). `raw` is the instruction's first slot.
 */
static const char *llvm14_expect(const struct draco_ir_insn *in, const draco_raw_insn *raw,
                                 struct draco_sb *sb, int *form)
{
    draco_sb_clear(sb);
    *form = -1;
    switch ((enum draco_ir_kind)in->kind) {
    case DRACO_IR_BIN:
        if (in->op == DRACO_BIN_UMOD || in->op == DRACO_BIN_SMOD) {
            *form = FORM_MOD;
            return NULL;
        }
        if (in->op == DRACO_BIN_SDIV || in->op >= DRACO_BIN_MOVSX8) {
            /* LLVM 14 ignores the offset field: it prints the unsigned div / plain mov */
            struct draco_ir_insn t = *in;
            t.op = in->op == DRACO_BIN_SDIV ? DRACO_BIN_UDIV : DRACO_BIN_MOV;
            draco_ir_print_insn(sb, &t, false);
            return draco_sb_str(sb);
        }
        break;
    case DRACO_IR_UN:
        if (in->op >= DRACO_UN_SWAP16) {
            *form = FORM_BSWAP;
            return NULL;
        }
        break;
    case DRACO_IR_LOAD_MAP_FD:
    case DRACO_IR_LOAD_MAP_VALUE:
    case DRACO_IR_LOAD_PSEUDO:
        draco_sb_printf(sb, "ld_pseudo r%u, %u, %" PRIu32, in->dst, draco_raw_insn_src(raw),
                        (uint32_t)raw->imm);
        return draco_sb_str(sb);
    case DRACO_IR_MEM:
        if (in->is_signed) {
            *form = FORM_MEMSX;
            return NULL;
        }
        if (!in->is_load && !in->src_is_reg) {
            *form = FORM_STIMM;
            return NULL;
        }
        break;
    case DRACO_IR_PACKET:
        if (in->src_is_reg) {      /* LLVM 14 drops the immediate of LD_IND */
            draco_sb_printf(sb, "r0 = *(u%u *)skb[r%u]", in->width * 8u, in->src);
            return draco_sb_str(sb);
        }
        break;
    case DRACO_IR_JMP:
        if (in->op == DRACO_COND_ALWAYS && (in->opcode & 7) == 6) {
            *form = FORM_JA32;
            return NULL;
        }
        if (in->op == DRACO_COND_SET) {
            *form = FORM_JSET;
            return NULL;
        }
        break;
    case DRACO_IR_CALL:
        draco_sb_printf(sb, "call %" PRId64, in->imm);
        return draco_sb_str(sb);
    case DRACO_IR_CALLX:      /* LLVM 14 reads the register from imm */
        draco_sb_printf(sb, "callx r%" PRId32, raw->imm);
        return draco_sb_str(sb);
    case DRACO_IR_UNDEFINED:
    case DRACO_IR_ATOMIC:
    case DRACO_IR_CALL_LOCAL:
    case DRACO_IR_EXIT:
    case DRACO_IR_ASSUME:
        break;
    }
    draco_ir_print_insn(sb, in, false);
    return draco_sb_str(sb);
}

static void mismatch(struct tally *t, const char *file, const char *sec, size_t pc,
                     const char *fmt, const char *a, const char *b)
{
    t->mismatches++;
    if (t->mismatches <= MAX_DETAIL) {
        printf("MISMATCH %s [%s] %zu: ", file, sec, pc);
        printf(fmt, a, b);
        printf("\n");
    }
}

struct xsec {
    char name[256];
    const draco_raw_insn *raw;
    size_t n;
};

/* Decodes a section, replacing each refused slot by `exit` and retrying; refused[pc] gets the
 * 1-based index of the refusal message in why[]. */
static draco_status decode_lenient(const struct xsec *s, struct draco_arena *arena,
                                   unsigned short *refused, char (*why)[96],
                                   struct draco_ir_prog *prog, size_t *nrefused)
{
    draco_raw_insn *copy = malloc(s->n * sizeof *copy);
    if (!copy)
        return DRACO_ERR_NOMEM;
    memcpy(copy, s->raw, s->n * sizeof *copy);
    *nrefused = 0;
    draco_status st;
    for (;;) {
        draco_error err = {0};
        st = draco_ir_decode(copy, s->n, NULL, arena, &err, prog);
        if (st != DRACO_ERR_INVALID)
            break;
        char *colon;
        unsigned long long pc = strtoull(err.message, &colon, 10);
        if (*colon != ':' || pc >= s->n || refused[pc] || *nrefused >= MAX_REFUSED) {
            st = DRACO_ERR_INTERNAL;
            break;
        }
        snprintf(why[*nrefused], sizeof why[0], "%.95s", err.message);
        (*nrefused)++;
        refused[pc] = (unsigned short)*nrefused;
        copy[pc] = (draco_raw_insn){ .opcode = 0x95 };
    }
    free(copy);
    return st;
}

static void compare_section(struct tally *t, const char *file, const struct xsec *s,
                            struct odsec *od, struct odsec *od32)
{
    struct draco_arena arena;
    draco_arena_init(&arena);
    struct draco_sb sb;
    draco_sb_init(&sb);
    unsigned short *refused = calloc(s->n, sizeof *refused);
    char (*why)[96] = calloc(MAX_REFUSED, sizeof *why);
    struct draco_ir_prog prog = {0};
    size_t nref = 0;
    if (!refused || !why) {
        mismatch(t, file, s->name, 0, "%s%s", "out of memory", "");
        goto done;
    }
    draco_status st = decode_lenient(s, &arena, refused, why, &prog, &nref);
    if (st != DRACO_OK) {
        mismatch(t, file, s->name, 0, "decoding failed: %s%s", draco_status_str(st), "");
        goto done;
    }
    if (od->extra)
        mismatch(t, file, s->name, s->n, "%s%s", "objdump shows slots past the section end", "");
    for (size_t pc = 0; pc < s->n; pc++) {
        const struct draco_ir_insn *in = &prog.insns[pc];
        const struct odline *l = &od->lines[pc];
        if (refused[pc]) {
            t->compared++;
            if (l->present && strcmp(l->text, "<unknown>") == 0)
                t->refused_both++;
            else
                mismatch(t, file, s->name, pc, "we refuse (%s), objdump shows '%s'", why[refused[pc] - 1],
                         l->present ? l->text : "(nothing)");
            continue;
        }
        if (in->kind == DRACO_IR_UNDEFINED) {
            if (l->present)
                mismatch(t, file, s->name, pc, "objdump shows '%s' on an LDDW second slot%s",
                         l->text, "");
            continue;
        }
        t->compared++;
        if (!l->present) {
            mismatch(t, file, s->name, pc, "objdump shows nothing for '%s'%s",
                     (draco_ir_print_insn(&sb, in, false), draco_sb_str(&sb)), "");
            draco_sb_clear(&sb);
            continue;
        }
        size_t want = in->kind == DRACO_IR_BIN && in->is_lddw ? 16 : 8;
        if (in->kind == DRACO_IR_LOAD_MAP_FD || in->kind == DRACO_IR_LOAD_MAP_VALUE ||
            in->kind == DRACO_IR_LOAD_PSEUDO)
            want = 16;
        bool bytes_ok = l->nbytes == want &&
                        memcmp(l->bytes, &s->raw[pc], want) == 0;
        if (!bytes_ok && !(strcmp(l->text, "<unknown>") == 0 && l->nbytes == 8 &&
                           memcmp(l->bytes, &s->raw[pc], 8) == 0)) {
            mismatch(t, file, s->name, pc, "raw bytes differ from objdump's (%s)%s", l->text, "");
            continue;
        }
        int form;
        const char *exp = llvm14_expect(in, &s->raw[pc], &sb, &form);
        const struct odline *use = l;
        if (in->kind == DRACO_IR_ATOMIC && !in->is64)
            use = od32 && pc < od32->n ? &od32->lines[pc] : NULL;
        if (!use || !use->present) {
            mismatch(t, file, s->name, pc, "no alu32 objdump line for '%s'%s", exp ? exp : "?", "");
            continue;
        }
        if (!exp) {
            if (strcmp(use->text, "<unknown>") == 0) {
                t->unknown_v4++;
                t->unknown_by_form[form >= 0 && form < 7 ? form : 7]++;
            } else {
                mismatch(t, file, s->name, pc, "LLVM 14 should not know this form, shows '%s'%s",
                         use->text, "");
            }
            continue;
        }
        if (strcmp(exp, use->text) == 0)
            t->agree++;
        else
            mismatch(t, file, s->name, pc, "ours '%s' vs objdump '%s'", exp, use->text);
    }
done:
    free(refused);
    free(why);
    draco_sb_fini(&sb);
    draco_arena_fini(&arena);
}

static bool has_w_atomic(const struct xsec *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->raw[i].opcode == 0xc3)
            return true;
    return false;
}

static void check_file(struct tally *t, const char *objdump, const char *path)
{
    void *buf = NULL;
    size_t len = 0;
    draco_error err = {0};
    Elf *elf = NULL;
    struct xsec *secs = NULL;
    size_t nsecs = 0;
    char *out = NULL, *out32 = NULL;
    struct odout od = {0}, od32 = {0};
    if (draco_file_read(path, &buf, &len, &err) != DRACO_OK) {
        printf("skip %s: %s\n", path, err.message);
        t->files_skipped++;
        goto done;
    }
    elf = elf_memory(buf, len);
    GElf_Ehdr eh;
    size_t shstrndx;
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) || eh.e_machine != EM_BPF ||
        elf_getshdrstrndx(elf, &shstrndx) != 0) {
        printf("skip %s: not a readable eBPF ELF object (libelf: %s, e_machine %d)\n", path,
               elf_errmsg(0) ? elf_errmsg(0) : "ok", elf && gelf_getehdr(elf, &eh) ? eh.e_machine : -1);
        t->files_skipped++;
        goto done;
    }
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        if (!(sh.sh_flags & SHF_EXECINSTR) || sh.sh_type != SHT_PROGBITS || sh.sh_size == 0)
            continue;
        if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset || sh.sh_size % 8 != 0) {
            printf("skip %s: executable section %zu out of file bounds or not 8-byte sized\n",
                   path, elf_ndxscn(scn));
            t->files_skipped++;
            goto done;
        }
        struct xsec *ns = realloc(secs, (nsecs + 1) * sizeof *ns);
        if (!ns)
            goto done;
        secs = ns;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        snprintf(secs[nsecs].name, sizeof secs[nsecs].name, "%s", name ? name : "?");
        secs[nsecs].raw = (const draco_raw_insn *)((const char *)buf + sh.sh_offset);
        secs[nsecs].n = sh.sh_size / 8;
        nsecs++;
    }
    int rc = 0;
    out = run_objdump(objdump, path, false, &rc);
    if (!out || rc != 0) {
        printf("skip %s: llvm-objdump refuses the file (exit %d)\n", path, rc);
        t->files_skipped++;
        goto done;
    }
    size_t *slots = calloc(nsecs + 1, sizeof *slots);
    if (!slots)
        goto done;
    for (size_t i = 0; i < nsecs; i++)
        slots[i] = secs[i].n;
    bool ok = parse_objdump(out, &od, slots, nsecs);
    bool need32 = false;
    for (size_t i = 0; i < nsecs; i++)
        need32 |= has_w_atomic(&secs[i]);
    if (ok && need32) {
        out32 = run_objdump(objdump, path, true, &rc);
        ok = out32 && rc == 0 && parse_objdump(out32, &od32, slots, nsecs);
    }
    free(slots);
    if (!ok) {
        printf("FAIL %s: cannot parse llvm-objdump output\n", path);
        t->mismatches++;
        goto done;
    }
    t->files++;
    if (od.nsecs != nsecs) {
        mismatch(t, path, "*", 0, "objdump shows %s sections, the file has %s executable ones",
                 "a different number of", "");
        goto done;
    }
    for (size_t i = 0; i < nsecs; i++) {
        t->sections++;
        if (strcmp(od.secs[i].name, secs[i].name) != 0 && strcmp(secs[i].name, "?") != 0)
            printf("note %s: section %zu named '%s' by libelf, '%s' by objdump\n", path, i,
                   secs[i].name, od.secs[i].name);
        compare_section(t, path, &secs[i], &od.secs[i], i < od32.nsecs ? &od32.secs[i] : NULL);
    }
done:
    odout_free(&od);
    odout_free(&od32);
    free(out);
    free(out32);
    free(secs);
    if (elf)
        elf_end(elf);
    free(buf);
}

int main(int argc, char **argv)
{
    const char *objdump = "llvm-objdump";
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--objdump") == 0) {
        objdump = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [--objdump PATH] FILE...\n", argv[0]);
        return 2;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fprintf(stderr, "libelf initialisation failed\n");
        return 2;
    }
    struct tally t = {0};
    for (int i = first; i < argc; i++)
        check_file(&t, objdump, argv[i]);
    printf("objdump agreement: %zu files (%zu skipped), %zu sections, %zu instructions compared: "
           "%zu identical text, %zu unknown to llvm-objdump 14, %zu refused by both, "
           "%zu mismatches\n",
           t.files, t.files_skipped, t.sections, t.compared, t.agree, t.unknown_v4, t.refused_both,
           t.mismatches);
    for (size_t f = 0; f < 8; f++)
        if (t.unknown_by_form[f])
            printf("  unknown to llvm-objdump 14 (bytes checked): %s: %zu\n", form_names[f],
                   t.unknown_by_form[f]);
    return t.mismatches == 0 && t.files > 0 ? 0 : 1;
}
