/* SPDX-License-Identifier: MIT */
/* ir/asm: text (LLVM/PREVAIL assembly) -> raw eBPF slots, and the printer that round-trips it.
 *
 * Invariants: parsing is line by line with a cursor that never reads past the line's NUL; each
 * line yields 0, 1 or 2 slots (LDDW) and targets are resolved only after every label is known,
 * so forward references work. An encoded slot always has registers 0..10 and fields the decoder
 * accepts for the written form (r10 writes and other semantic errors are left to the decoder,
 * which is the single judge of validity). Nothing is global; all storage is the caller's arena
 * except short-lived vectors freed before return.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "ir/asm.h"

/* ---- opcode pieces (RFC 9669) ---- */
enum {
    C_LD = 0x00, C_LDX = 0x01, C_ST = 0x02, C_STX = 0x03,
    C_ALU = 0x04, C_JMP = 0x05, C_JMP32 = 0x06, C_ALU64 = 0x07,
    F_X = 0x08,
    S_W = 0x00, S_H = 0x08, S_B = 0x10, S_DW = 0x18,
    M_ABS = 0x20, M_IND = 0x40, M_MEM = 0x60, M_MEMSX = 0x80, M_ATOMIC = 0xc0,
    A_ADD = 0x00, A_OR = 0x40, A_AND = 0x50, A_XOR = 0xa0, A_XCHG = 0xe1, A_CMPXCHG = 0xf1,
    A_FETCH = 0x01,
};

/* a target still to resolve */
enum fix_kind { FIX_JMP_OFF, FIX_JA32_IMM, FIX_CALL_IMM, FIX_CODE_ADDR_IMM };
struct fixup {
    uint32_t pc;
    uint32_t line;
    uint8_t kind;           /* enum fix_kind */
    bool relative;          /* "+N"/"-N": rel already known */
    int64_t rel;
    char name[64];          /* label name (without <>) */
};

struct actx {
    struct draco_arena *arena;
    draco_error *err;
    uint32_t line;
    const draco_map_info *maps;     /* map symbols ("r1 = counts ll"), may be NULL */
    size_t n_maps;
    DRACO_VEC(draco_raw_insn) insns;
    DRACO_VEC(bool) assume;
    DRACO_VEC(uint32_t) lines;
    DRACO_VEC(struct draco_asm_label) labels;
    DRACO_VEC(struct fixup) fixups;
};

/* line cursor */
struct cur {
    const char *p;
};

static draco_status asm_fail(struct actx *a, const char *fmt, const char *arg)
{
    return draco_error_set(a->err, DRACO_ERR_INVALID, fmt, a->line, arg);
}

static void skip_ws(struct cur *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r')
        c->p++;
}

static bool is_word(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

/* Matches literal s after blanks; a literal ending in a letter must end the word. */
static bool accept(struct cur *c, const char *s)
{
    struct cur t = *c;
    skip_ws(&t);
    size_t n = strlen(s);
    if (strncmp(t.p, s, n) != 0)
        return false;
    if (is_word(s[n - 1]) && is_word(t.p[n]))
        return false;
    c->p = t.p + n;
    return true;
}

static bool at_end(struct cur *c)
{
    skip_ws(c);
    return *c->p == '\0';
}

/* rN / wN with N in 0..10 */
static bool parse_reg(struct cur *c, unsigned *reg, bool *is64)
{
    struct cur t = *c;
    skip_ws(&t);
    if (*t.p != 'r' && *t.p != 'w')
        return false;
    bool w = *t.p == 'w';
    t.p++;
    if (!isdigit((unsigned char)*t.p))
        return false;
    unsigned v = 0;
    while (isdigit((unsigned char)*t.p) && v < 100)
        v = v * 10 + (unsigned)(*t.p++ - '0');
    if (v > 10 || is_word(*t.p))
        return false;
    *reg = v;
    if (is64)
        *is64 = !w;
    c->p = t.p;
    return true;
}

/* An integer literal: [+-] decimal or 0x hex. Value as sign + 64-bit magnitude. */
struct lit {
    bool neg;
    uint64_t mag;
};

static bool parse_lit(struct cur *c, struct lit *out)
{
    struct cur t = *c;
    skip_ws(&t);
    out->neg = false;
    if (*t.p == '-' || *t.p == '+') {
        out->neg = *t.p == '-';
        t.p++;
        skip_ws(&t);
    }
    if (!isdigit((unsigned char)*t.p))
        return false;
    uint64_t v = 0;
    if (t.p[0] == '0' && (t.p[1] == 'x' || t.p[1] == 'X')) {
        t.p += 2;
        if (!isxdigit((unsigned char)*t.p))
            return false;
        while (isxdigit((unsigned char)*t.p)) {
            unsigned d = isdigit((unsigned char)*t.p) ? (unsigned)(*t.p - '0')
                                                       : (unsigned)(tolower(*t.p) - 'a' + 10);
            if (v > (UINT64_MAX >> 4))
                return false;
            v = (v << 4) | d;
            t.p++;
        }
    } else {
        while (isdigit((unsigned char)*t.p)) {
            unsigned d = (unsigned)(*t.p - '0');
            if (v > (UINT64_MAX - d) / 10)
                return false;
            v = v * 10 + d;
            t.p++;
        }
    }
    /* "5ll" is accepted by the caller; any other letter glued to the number is an error */
    if (is_word(*t.p) && !(t.p[0] == 'l' && t.p[1] == 'l'))
        return false;
    out->mag = v;
    c->p = t.p;
    return true;
}

/* A 32-bit immediate: the literal must lie in [INT32_MIN, UINT32_MAX]; stored as its low 32 bits. */
static bool lit_to_imm32(const struct lit *l, int32_t *out)
{
    if (l->neg) {
        if (l->mag > (uint64_t)INT32_MAX + 1)
            return false;
        *out = (int32_t)(uint32_t)(0u - (uint32_t)l->mag);
        return true;
    }
    if (l->mag > UINT32_MAX)
        return false;
    *out = (int32_t)(uint32_t)l->mag;
    return true;
}

/* A 64-bit immediate: [INT64_MIN, UINT64_MAX], as its 64-bit pattern. */
static bool lit_to_imm64(const struct lit *l, uint64_t *out)
{
    if (l->neg) {
        if (l->mag > (uint64_t)INT64_MAX + 1)
            return false;
        *out = 0 - l->mag;
        return true;
    }
    *out = l->mag;
    return true;
}

static bool parse_imm32(struct cur *c, int32_t *out)
{
    struct lit l;
    struct cur t = *c;
    if (!parse_lit(&t, &l) || !lit_to_imm32(&l, out))
        return false;
    *c = t;
    return true;
}

/* "u8".."u64", "s8".."s64": width in bytes */
static bool parse_size(struct cur *c, unsigned *width, bool *is_signed)
{
    static const struct { char name[4]; unsigned w; bool s; } sz[] = {
        { "u8", 1, false }, { "u16", 2, false }, { "u32", 4, false }, { "u64", 8, false },
        { "s8", 1, true }, { "s16", 2, true }, { "s32", 4, true }, { "s64", 8, true },
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(sz); i++)
        if (accept(c, sz[i].name)) {
            *width = sz[i].w;
            *is_signed = sz[i].s;
            return true;
        }
    return false;
}

static unsigned size_bits(unsigned width)
{
    switch (width) {
    case 1: return S_B;
    case 2: return S_H;
    case 4: return S_W;
    default: return S_DW;
    }
}

/* "rB + off" / "rB - off" / "rB" (no parentheses) */
static bool parse_base_off(struct cur *c, unsigned *base, int16_t *off)
{
    struct cur t = *c;
    if (!parse_reg(&t, base, NULL))
        return false;
    int64_t v = 0;
    skip_ws(&t);
    if (*t.p == '+' || *t.p == '-') {
        bool neg = *t.p == '-';
        t.p++;
        struct lit l;
        if (!parse_lit(&t, &l) || l.neg || l.mag > 32768)
            return false;
        v = neg ? -(int64_t)l.mag : (int64_t)l.mag;
    }
    if (v < INT16_MIN || v > INT16_MAX)
        return false;
    *off = (int16_t)v;
    *c = t;
    return true;
}

/* "*(uN *)(rB +- off)" or for loads the same with sN; returns the pieces */
static bool parse_deref(struct cur *c, unsigned *width, bool *is_signed, unsigned *base, int16_t *off)
{
    struct cur t = *c;
    if (!accept(&t, "*") || !accept(&t, "(") || !parse_size(&t, width, is_signed) ||
        !accept(&t, "*") || !accept(&t, ")") || !accept(&t, "(") ||
        !parse_base_off(&t, base, off) || !accept(&t, ")"))
        return false;
    *c = t;
    return true;
}

/* ---- emitting ---- */
static draco_status emit(struct actx *a, uint8_t opcode, unsigned dst, unsigned src, int16_t off,
                         int32_t imm, bool is_assume)
{
    draco_raw_insn r = { opcode, (uint8_t)((src << 4) | (dst & 0xf)), off, imm };
    if (draco_vec_push(&a->insns, r) || draco_vec_push(&a->assume, is_assume) ||
        draco_vec_push(&a->lines, a->line))
        return draco_error_set(a->err, DRACO_ERR_NOMEM, "out of memory assembling");
    return DRACO_OK;
}

static uint32_t cur_pc(const struct actx *a)
{
    return (uint32_t)a->insns.len;
}

/* target: <name>, <N>, +N, -N. Records a fixup for the slot about to be emitted. */
static draco_status parse_target(struct actx *a, struct cur *c, enum fix_kind kind)
{
    struct fixup f;
    memset(&f, 0, sizeof f);
    f.pc = cur_pc(a);
    f.line = a->line;
    f.kind = (uint8_t)kind;
    skip_ws(c);
    if (*c->p == '<') {
        const char *s = ++c->p;
        while (*c->p && *c->p != '>')
            c->p++;
        size_t n = (size_t)(c->p - s);
        if (*c->p != '>' || n == 0 || n >= sizeof f.name)
            return asm_fail(a, "line %u: bad label reference '%s'", s - 1);
        memcpy(f.name, s, n);
        c->p++;
    } else if (*c->p == '+' || *c->p == '-') {
        struct lit l;
        if (!parse_lit(c, &l) || l.mag > INT32_MAX)
            return asm_fail(a, "line %u: bad jump offset '%s'", c->p);
        f.relative = true;
        f.rel = l.neg ? -(int64_t)l.mag : (int64_t)l.mag;
    } else if (isalpha((unsigned char)*c->p) || *c->p == '_' || *c->p == '.') {
        /* a bare label name, as clang -S writes it ("goto LBB0_2", "call helper") */
        const char *s = c->p;
        while (is_word(*c->p) || *c->p == '.' || *c->p == '$')
            c->p++;
        size_t n = (size_t)(c->p - s);
        if (n >= sizeof f.name)
            return asm_fail(a, "line %u: label name too long at '%s'", s);
        memcpy(f.name, s, n);
    } else {
        return asm_fail(a, "line %u: expected a target '<label>' or '+N' at '%s'", c->p);
    }
    if (draco_vec_push(&a->fixups, f))
        return draco_error_set(a->err, DRACO_ERR_NOMEM, "out of memory assembling");
    return DRACO_OK;
}

/* condition operators, longest first */
static const struct { char text[4]; uint8_t code; } cond_ops[] = {
    { "s>=", 0x70 }, { "s<=", 0xd0 }, { "s>", 0x60 }, { "s<", 0xc0 },
    { "==", 0x10 }, { "!=", 0x50 }, { ">=", 0x30 }, { "<=", 0xb0 },
    { ">", 0x20 }, { "<", 0xa0 }, { "&", 0x40 },
};

/* "A op B" of a conditional jump or assume; emits the slot with offset 0 and returns it */
static draco_status parse_cond_emit(struct actx *a, struct cur *c, bool is_assume)
{
    unsigned left, right = 0;
    bool is64, r64;
    if (!parse_reg(c, &left, &is64))
        return asm_fail(a, "line %u: expected a register at '%s'", c->p);
    int op = -1;
    for (size_t i = 0; i < DRACO_ARRAY_LEN(cond_ops) && op < 0; i++)
        if (accept(c, cond_ops[i].text))
            op = cond_ops[i].code;
    if (op < 0)
        return asm_fail(a, "line %u: unknown comparison at '%s'", c->p);
    uint8_t cls = is64 ? C_JMP : C_JMP32;
    if (parse_reg(c, &right, &r64))
        return emit(a, (uint8_t)(cls | op | F_X), left, right, 0, 0, is_assume);
    int32_t imm;
    if (!parse_imm32(c, &imm))
        return asm_fail(a, "line %u: expected a register or 32-bit immediate at '%s'", c->p);
    return emit(a, (uint8_t)(cls | op), left, 0, 0, imm, is_assume);
}

/* "call kfunc N[, module M]", "call N", "call <sub>", "callx rN" */
static draco_status parse_call(struct actx *a, struct cur *c)
{
    if (accept(c, "kfunc")) {
        int32_t id, mod = 0;
        if (!parse_imm32(c, &id))
            return asm_fail(a, "line %u: bad kfunc id at '%s'", c->p);
        if (accept(c, ",")) {
            if (!accept(c, "module") || !parse_imm32(c, &mod) || mod < 0 || mod > INT16_MAX)
                return asm_fail(a, "line %u: bad kfunc module at '%s'", c->p);
        }
        return emit(a, C_JMP | 0x80, 0, 2, (int16_t)mod, id, false);
    }
    skip_ws(c);
    if (*c->p == '<' || *c->p == '+' || (*c->p == '-' && !isdigit((unsigned char)c->p[1])) ||
        isalpha((unsigned char)*c->p) || *c->p == '_' || *c->p == '.') {
        draco_status st = parse_target(a, c, FIX_CALL_IMM);
        return st ? st : emit(a, C_JMP | 0x80, 0, 1, 0, 0, false);
    }
    int32_t id;
    if (!parse_imm32(c, &id))
        return asm_fail(a, "line %u: bad helper id at '%s'", c->p);
    return emit(a, C_JMP | 0x80, 0, 0, 0, id, false);
}

static draco_status emit_lddw(struct actx *a, unsigned dst, unsigned src, int32_t imm, int32_t imm2)
{
    draco_status st = emit(a, C_LD | S_DW, dst, src, 0, imm, false);
    return st ? st : emit(a, 0, 0, 0, 0, imm2, false);
}

/* ALU binary operators after the destination, longest first (MOVSX forms handled apart) */
static const struct { char text[5]; uint8_t code; int16_t off; } alu_ops[] = {
    { "s>>=", 0xc0, 0 }, { "<<=", 0x60, 0 }, { ">>=", 0x70, 0 }, { "s/=", 0x30, 1 },
    { "s%=", 0x90, 1 }, { "+=", 0x00, 0 }, { "-=", 0x10, 0 }, { "*=", 0x20, 0 },
    { "/=", 0x30, 0 }, { "%=", 0x90, 0 }, { "|=", 0x40, 0 }, { "&=", 0x50, 0 },
    { "^=", 0xa0, 0 },
};

/* atomic "+= |= &= ^=" of the lock form */
static int parse_atomic_assign(struct cur *c)
{
    if (accept(c, "+="))
        return A_ADD;
    if (accept(c, "|="))
        return A_OR;
    if (accept(c, "&="))
        return A_AND;
    if (accept(c, "^="))
        return A_XOR;
    return -1;
}

/* "lock *(uN *)(rB + off) OP= rS [fetch]" */
static draco_status parse_lock(struct actx *a, struct cur *c)
{
    unsigned width, base, src;
    bool sgn;
    int16_t off;
    if (!parse_deref(c, &width, &sgn, &base, &off) || sgn || (width != 4 && width != 8))
        return asm_fail(a, "line %u: bad atomic operand at '%s'", c->p);
    int op = parse_atomic_assign(c);
    if (op < 0)
        return asm_fail(a, "line %u: unknown atomic operation at '%s'", c->p);
    if (!parse_reg(c, &src, NULL))
        return asm_fail(a, "line %u: expected a register at '%s'", c->p);
    if (accept(c, "fetch"))
        op |= A_FETCH;
    return emit(a, (uint8_t)(C_STX | M_ATOMIC | size_bits(width)), base, src, off, op, false);
}

/* "rD = atomic_fetch_OP((uN *)(rB + off), rS)", "rD = xchg_64(rB + off, rS)",
 * "r0 = cmpxchg_64(rB + off, r0, rS)" (and the 32-bit spellings) */
static draco_status parse_atomic_rhs(struct actx *a, struct cur *c, unsigned dst, bool *done)
{
    static const struct { char name[12]; int op; } fetch_ops[] = {
        { "add", A_ADD }, { "or", A_OR }, { "and", A_AND }, { "xor", A_XOR },
    };
    unsigned width = 0, base, src, r0;
    bool sgn;
    int16_t off;
    int op = -1;
    *done = true;
    if (accept(c, "atomic_fetch_add") || accept(c, "atomic_fetch_or") ||
        accept(c, "atomic_fetch_and") || accept(c, "atomic_fetch_xor")) {
        const char *name = c->p;
        while (name[-1] != '_')
            name--;
        for (size_t i = 0; i < DRACO_ARRAY_LEN(fetch_ops); i++)
            if (strncmp(name, fetch_ops[i].name, strlen(fetch_ops[i].name)) == 0 &&
                !is_word(name[strlen(fetch_ops[i].name)]))
                op = fetch_ops[i].op | A_FETCH;
        if (!accept(c, "(") || !accept(c, "(") || !parse_size(c, &width, &sgn) || sgn ||
            !accept(c, "*") || !accept(c, ")") || !accept(c, "(") ||
            !parse_base_off(c, &base, &off) || !accept(c, ")") || !accept(c, ",") ||
            !parse_reg(c, &src, NULL) || !accept(c, ")"))
            return asm_fail(a, "line %u: bad atomic operands at '%s'", c->p);
        if (src != dst)
            return asm_fail(a, "line %u: atomic fetch must write its operand register%s", "");
    } else if (accept(c, "xchg_64") || accept(c, "xchg32_32")) {
        width = c->p[-1] == '4' ? 8 : 4;
        op = A_XCHG;
        if (!accept(c, "(") || !parse_base_off(c, &base, &off) || !accept(c, ",") ||
            !parse_reg(c, &src, NULL) || !accept(c, ")"))
            return asm_fail(a, "line %u: bad xchg operands at '%s'", c->p);
        if (src != dst)
            return asm_fail(a, "line %u: xchg must write its operand register%s", "");
    } else if (accept(c, "cmpxchg_64") || accept(c, "cmpxchg32_32")) {
        width = c->p[-1] == '4' ? 8 : 4;
        op = A_CMPXCHG;
        if (!accept(c, "(") || !parse_base_off(c, &base, &off) || !accept(c, ",") ||
            !parse_reg(c, &r0, NULL) || r0 != 0 || !accept(c, ",") ||
            !parse_reg(c, &src, NULL) || !accept(c, ")"))
            return asm_fail(a, "line %u: bad cmpxchg operands at '%s'", c->p);
        if (dst != 0)
            return asm_fail(a, "line %u: cmpxchg writes r0%s", "");
    } else {
        *done = false;
        return DRACO_OK;
    }
    return emit(a, (uint8_t)(C_STX | M_ATOMIC | size_bits(width)), base, src, off, op, false);
}

/* "map_fd N", "map_val(N) + K", "map_by_idx(N)"/"map_by_idx N", "mva(map_by_idx(N)) + K",
 * "map_val_by_idx(N) + K", "var_addr(N, K)", "code_addr(T)" */
static draco_status parse_pseudo(struct actx *a, struct cur *c, unsigned dst, bool *done)
{
    int32_t n = 0, k = 0;
    *done = true;
    if (accept(c, "map_fd")) {
        if (!parse_imm32(c, &n))
            return asm_fail(a, "line %u: bad map fd at '%s'", c->p);
        return emit_lddw(a, dst, 1, n, 0);
    }
    bool plus = false;
    unsigned src = 0;
    if (accept(c, "map_val")) {
        src = 2;
        if (!accept(c, "(") || !parse_imm32(c, &n) || !accept(c, ")"))
            return asm_fail(a, "line %u: bad map_val at '%s'", c->p);
        plus = true;
    } else if (accept(c, "map_val_by_idx")) {
        src = 6;
        if (!accept(c, "(") || !parse_imm32(c, &n) || !accept(c, ")"))
            return asm_fail(a, "line %u: bad map_val_by_idx at '%s'", c->p);
        plus = true;
    } else if (accept(c, "mva")) {
        src = 6;
        if (!accept(c, "(") || !accept(c, "map_by_idx") || !accept(c, "(") ||
            !parse_imm32(c, &n) || !accept(c, ")") || !accept(c, ")"))
            return asm_fail(a, "line %u: bad mva at '%s'", c->p);
        plus = true;
    } else if (accept(c, "map_by_idx")) {
        bool paren = accept(c, "(");
        if (!parse_imm32(c, &n) || (paren && !accept(c, ")")))
            return asm_fail(a, "line %u: bad map_by_idx at '%s'", c->p);
        return emit_lddw(a, dst, 5, n, 0);
    } else if (accept(c, "var_addr")) {
        if (!accept(c, "(") || !parse_imm32(c, &n) || !accept(c, ",") || !parse_imm32(c, &k) ||
            !accept(c, ")"))
            return asm_fail(a, "line %u: bad var_addr at '%s'", c->p);
        return emit_lddw(a, dst, 3, n, k);
    } else if (accept(c, "code_addr")) {
        if (!accept(c, "("))
            return asm_fail(a, "line %u: bad code_addr at '%s'", c->p);
        draco_status st = parse_target(a, c, FIX_CODE_ADDR_IMM);
        if (st)
            return st;
        if (!accept(c, ")"))
            return asm_fail(a, "line %u: bad code_addr at '%s'", c->p);
        return emit_lddw(a, dst, 4, 0, 0);
    } else {
        *done = false;
        return DRACO_OK;
    }
    if (plus) {
        if (accept(c, "+")) {
            if (!parse_imm32(c, &k))
                return asm_fail(a, "line %u: bad offset at '%s'", c->p);
        } else if (accept(c, "-")) {
            if (!parse_imm32(c, &k))
                return asm_fail(a, "line %u: bad offset at '%s'", c->p);
            k = (int32_t)(0u - (uint32_t)k);
        }
    }
    return emit_lddw(a, dst, src, n, k);
}

/* everything after "rD =" */
static draco_status parse_assign(struct actx *a, struct cur *c, unsigned dst, bool is64)
{
    uint8_t cls = is64 ? C_ALU64 : C_ALU;
    unsigned src, width, base;
    bool sgn, s64;
    int16_t off;
    bool done;
    draco_status st;
    struct cur t = *c;
    /* load */
    if (parse_deref(&t, &width, &sgn, &base, &off)) {
        *c = t;
        if (sgn && width == 8)
            return asm_fail(a, "line %u: no sign-extending 64-bit load%s", "");
        return emit(a, (uint8_t)(C_LDX | (sgn ? M_MEMSX : M_MEM) | size_bits(width)), dst, base,
                    off, 0, false);
    }
    /* legacy packet access */
    t = *c;
    if (accept(&t, "*") && accept(&t, "(") && parse_size(&t, &width, &sgn) && !sgn &&
        width != 8 && accept(&t, "*") && accept(&t, ")") && accept(&t, "skb") && accept(&t, "[")) {
        *c = t;
        if (dst != 0)
            return asm_fail(a, "line %u: packet loads write r0%s", "");
        int32_t imm = 0;
        if (parse_reg(c, &src, NULL)) {
            if (accept(c, "+")) {
                if (!parse_imm32(c, &imm))
                    return asm_fail(a, "line %u: bad packet offset at '%s'", c->p);
            } else if (accept(c, "-")) {
                if (!parse_imm32(c, &imm))
                    return asm_fail(a, "line %u: bad packet offset at '%s'", c->p);
                imm = (int32_t)(0u - (uint32_t)imm);
            }
            if (!accept(c, "]"))
                return asm_fail(a, "line %u: expected ']' at '%s'", c->p);
            return emit(a, (uint8_t)(C_LD | M_IND | size_bits(width)), 0, src, 0, imm, false);
        }
        if (!parse_imm32(c, &imm) || !accept(c, "]"))
            return asm_fail(a, "line %u: bad packet offset at '%s'", c->p);
        return emit(a, (uint8_t)(C_LD | M_ABS | size_bits(width)), 0, 0, 0, imm, false);
    }
    /* negation "-rD" / "- rD" */
    t = *c;
    if (accept(&t, "-") && parse_reg(&t, &src, &s64)) {
        *c = t;
        if (src != dst)
            return asm_fail(a, "line %u: negation must use its destination register%s", "");
        return emit(a, (uint8_t)(cls | 0x80), dst, 0, 0, 0, false);
    }
    /* sign-extending move "(s8)rS" */
    static const struct { char text[6]; int16_t off; } sx[] = {
        { "(s8)", 8 }, { "(s16)", 16 }, { "(s32)", 32 },
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(sx); i++) {
        t = *c;
        skip_ws(&t);
        if (strncmp(t.p, sx[i].text, strlen(sx[i].text)) == 0) {
            t.p += strlen(sx[i].text);
            if (!parse_reg(&t, &src, NULL))
                return asm_fail(a, "line %u: expected a register at '%s'", t.p);
            *c = t;
            return emit(a, (uint8_t)(cls | 0xb0 | F_X), dst, src, sx[i].off, 0, false);
        }
    }
    /* byte swaps */
    static const struct { char text[8]; uint8_t cls; bool x; int32_t bits; } sw[] = {
        { "be16", C_ALU, true, 16 }, { "be32", C_ALU, true, 32 }, { "be64", C_ALU, true, 64 },
        { "le16", C_ALU, false, 16 }, { "le32", C_ALU, false, 32 }, { "le64", C_ALU, false, 64 },
        { "bswap16", C_ALU64, false, 16 }, { "bswap32", C_ALU64, false, 32 },
        { "bswap64", C_ALU64, false, 64 }, { "swap16", C_ALU64, false, 16 },
        { "swap32", C_ALU64, false, 32 }, { "swap64", C_ALU64, false, 64 },
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(sw); i++)
        if (accept(c, sw[i].text)) {
            if (!parse_reg(c, &src, NULL) || src != dst)
                return asm_fail(a, "line %u: byte swap must use its destination register%s", "");
            return emit(a, (uint8_t)(sw[i].cls | 0xd0 | (sw[i].x ? F_X : 0)), dst, 0, 0,
                        sw[i].bits, false);
        }
    st = parse_pseudo(a, c, dst, &done);
    if (st || done)
        return st;
    st = parse_atomic_rhs(a, c, dst, &done);
    if (st || done)
        return st;
    /* register move */
    if (parse_reg(c, &src, NULL))
        return emit(a, (uint8_t)(cls | 0xb0 | F_X), dst, src, 0, 0, false);
    /* a map symbol as clang -S writes a map relocation: "r1 = counts ll" */
    skip_ws(c);
    if (isalpha((unsigned char)*c->p) || *c->p == '_') {
        const char *sym = c->p;
        while (is_word(*c->p) || *c->p == '.')
            c->p++;
        size_t n = (size_t)(c->p - sym);
        if (!accept(c, "ll") || !is64)
            return asm_fail(a, "line %u: unknown operand at '%s'", sym);
        for (size_t i = 0; i < a->n_maps; i++)
            if (a->maps[i].name && strlen(a->maps[i].name) == n &&
                strncmp(a->maps[i].name, sym, n) == 0)
                return emit_lddw(a, dst, 1, a->maps[i].fd, 0);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), sym);
        return asm_fail(a, "line %u: unknown symbol '%s' (not a map given to the assembler)", name);
    }
    /* immediate, or a 64-bit immediate with "ll" */
    struct lit l;
    if (!parse_lit(c, &l))
        return asm_fail(a, "line %u: unknown operand at '%s'", c->p);
    if (accept(c, "ll") || (c->p[0] == 'l' && c->p[1] == 'l' && (c->p += 2, true))) {
        uint64_t v;
        if (!is64 || !lit_to_imm64(&l, &v))
            return asm_fail(a, "line %u: bad 64-bit immediate%s", "");
        return emit_lddw(a, dst, 0, (int32_t)(uint32_t)v, (int32_t)(uint32_t)(v >> 32));
    }
    int32_t imm;
    if (!lit_to_imm32(&l, &imm))
        return asm_fail(a, "line %u: immediate out of 32-bit range (use 'll')%s", "");
    return emit(a, (uint8_t)(cls | 0xb0), dst, 0, 0, imm, false);
}

/* One instruction (the line without label and comment, non-empty). */
static draco_status parse_insn(struct actx *a, struct cur *c)
{
    unsigned dst, src, width, base;
    bool is64, sgn;
    int16_t off;
    draco_status st;
    if (accept(c, "exit"))
        return emit(a, C_JMP | 0x90, 0, 0, 0, 0, false);
    if (accept(c, "gotol")) {
        st = parse_target(a, c, FIX_JA32_IMM);
        return st ? st : emit(a, C_JMP32, 0, 0, 0, 0, false);
    }
    if (accept(c, "goto")) {
        st = parse_target(a, c, FIX_JMP_OFF);
        return st ? st : emit(a, C_JMP, 0, 0, 0, 0, false);
    }
    if (accept(c, "if")) {
        /* the target follows the condition; the fixup must name the slot emitted now */
        st = parse_cond_emit(a, c, false);
        if (st)
            return st;
        if (!accept(c, "goto"))
            return asm_fail(a, "line %u: expected 'goto' at '%s'", c->p);
        a->insns.len--;       /* re-emit after recording the target for this pc */
        a->assume.len--;
        a->lines.len--;
        draco_raw_insn r = a->insns.data[a->insns.len];
        st = parse_target(a, c, FIX_JMP_OFF);
        return st ? st : emit(a, r.opcode, draco_raw_insn_dst(&r), draco_raw_insn_src(&r), 0,
                              r.imm, false);
    }
    if (accept(c, "assume"))
        return parse_cond_emit(a, c, true);
    if (accept(c, "callx")) {
        if (!parse_reg(c, &dst, NULL))
            return asm_fail(a, "line %u: expected a register at '%s'", c->p);
        return emit(a, C_JMP | 0x80 | F_X, dst, 0, 0, 0, false);
    }
    if (accept(c, "call"))
        return parse_call(a, c);
    if (accept(c, "lock"))
        return parse_lock(a, c);
    struct cur t = *c;
    if (parse_deref(&t, &width, &sgn, &base, &off)) {
        *c = t;
        if (sgn || !accept(c, "="))
            return asm_fail(a, "line %u: bad store at '%s'", c->p);
        if (parse_reg(c, &src, NULL))
            return emit(a, (uint8_t)(C_STX | M_MEM | size_bits(width)), base, src, off, 0, false);
        int32_t imm;
        if (!parse_imm32(c, &imm))
            return asm_fail(a, "line %u: bad stored value at '%s'", c->p);
        return emit(a, (uint8_t)(C_ST | M_MEM | size_bits(width)), base, 0, off, imm, false);
    }
    if (!parse_reg(c, &dst, &is64))
        return asm_fail(a, "line %u: unknown instruction '%s'", c->p);
    uint8_t cls = is64 ? C_ALU64 : C_ALU;
    /* PREVAIL's sign-extending move "rD s8= rS" */
    static const struct { char text[5]; int16_t off; } sxa[] = {
        { "s8=", 8 }, { "s16=", 16 }, { "s32=", 32 },
    };
    for (size_t i = 0; i < DRACO_ARRAY_LEN(sxa); i++)
        if (accept(c, sxa[i].text)) {
            if (!parse_reg(c, &src, NULL))
                return asm_fail(a, "line %u: expected a register at '%s'", c->p);
            return emit(a, (uint8_t)(cls | 0xb0 | F_X), dst, src, sxa[i].off, 0, false);
        }
    for (size_t i = 0; i < DRACO_ARRAY_LEN(alu_ops); i++)
        if (accept(c, alu_ops[i].text)) {
            if (parse_reg(c, &src, NULL))
                return emit(a, (uint8_t)(cls | alu_ops[i].code | F_X), dst, src, alu_ops[i].off,
                            0, false);
            int32_t imm;
            if (!parse_imm32(c, &imm))
                return asm_fail(a, "line %u: expected a register or 32-bit immediate at '%s'",
                                c->p);
            return emit(a, (uint8_t)(cls | alu_ops[i].code), dst, 0, alu_ops[i].off, imm, false);
        }
    if (accept(c, "="))
        return parse_assign(a, c, dst, is64);
    return asm_fail(a, "line %u: unknown instruction '%s'", c->p);
}

static draco_status add_label(struct actx *a, const char *s, size_t n)
{
    for (size_t i = 0; i < a->labels.len; i++)
        if (strlen(a->labels.data[i].name) == n && strncmp(a->labels.data[i].name, s, n) == 0) {
            char tmp[80];
            snprintf(tmp, sizeof tmp, "%.*s", (int)(n < 64 ? n : 64), s);
            return asm_fail(a, "line %u: duplicate label '%s'", tmp);
        }
    struct draco_asm_label l = { draco_arena_strndup(a->arena, s, n), cur_pc(a) };
    if (!l.name || draco_vec_push(&a->labels, l))
        return draco_error_set(a->err, DRACO_ERR_NOMEM, "out of memory assembling");
    return DRACO_OK;
}

/* Strips comments; handles leading labels; assembles what is left. `buf` is writable. */
static draco_status parse_line(struct actx *a, char *buf)
{
    for (char *p = buf; *p; p++)
        if (*p == ';' || *p == '#' || (p[0] == '/' && p[1] == '/')) {
            *p = '\0';
            break;
        }
    struct cur c = { buf };
    for (;;) {
        skip_ws(&c);
        if (*c.p == '<') {
            const char *e = strchr(c.p, '>');
            if (!e || e == c.p + 1)
                return asm_fail(a, "line %u: bad label '%s'", c.p);
            struct cur t = { e + 1 };
            if (!accept(&t, ":"))
                return asm_fail(a, "line %u: expected ':' after label '%s'", c.p);
            draco_status st = add_label(a, c.p + 1, (size_t)(e - c.p - 1));
            if (st)
                return st;
            c = t;
            continue;
        }
        /* "name:" (LLVM style), the name being an identifier that is not followed by '=' */
        const char *s = c.p;
        if (isalpha((unsigned char)*s) || *s == '_' || *s == '.') {
            const char *e = s;
            while (is_word(*e) || *e == '.' || *e == '$')
                e++;
            struct cur t = { e };
            if (accept(&t, ":")) {
                draco_status st = add_label(a, s, (size_t)(e - s));
                if (st)
                    return st;
                c = t;
                continue;
            }
        }
        break;
    }
    if (*c.p == '.')
        return DRACO_OK;      /* an assembler directive (".text", ".globl f", ".p2align 3") */
    if (at_end(&c))
        return DRACO_OK;
    draco_status st = parse_insn(a, &c);
    if (st)
        return st;
    if (!at_end(&c))
        return asm_fail(a, "line %u: unexpected text '%s'", c.p);
    return DRACO_OK;
}

static const struct draco_asm_label *find_label(const struct actx *a, const char *name)
{
    for (size_t i = 0; i < a->labels.len; i++)
        if (strcmp(a->labels.data[i].name, name) == 0)
            return &a->labels.data[i];
    return NULL;
}

static draco_status resolve(struct actx *a)
{
    for (size_t i = 0; i < a->fixups.len; i++) {
        struct fixup *f = &a->fixups.data[i];
        a->line = f->line;
        int64_t rel = f->rel;
        if (!f->relative) {
            const struct draco_asm_label *l = find_label(a, f->name);
            int64_t target;
            if (l) {
                target = l->pc;
            } else {
                char *end;
                long long v = strtoll(f->name, &end, 10);
                if (*end || end == f->name || v < 0)
                    return asm_fail(a, "line %u: undefined label '%s'", f->name);
                target = v;
            }
            rel = target - (int64_t)f->pc - 1;
        }
        int64_t target = (int64_t)f->pc + 1 + rel;
        if (target < 0 || target >= (int64_t)a->insns.len)
            return asm_fail(a, "line %u: target '%s' out of the program", f->relative ? "+N" : f->name);
        draco_raw_insn *r = &a->insns.data[f->pc];
        switch ((enum fix_kind)f->kind) {
        case FIX_JMP_OFF:
            if (rel < INT16_MIN || rel > INT16_MAX)
                return asm_fail(a, "line %u: jump too far%s (use gotol)", "");
            r->offset = (int16_t)rel;
            break;
        case FIX_JA32_IMM:
        case FIX_CALL_IMM:
        case FIX_CODE_ADDR_IMM:
            r->imm = (int32_t)rel;
            break;
        }
    }
    return DRACO_OK;
}

draco_status draco_asm_parse(const char *text, uint32_t first_line, struct draco_arena *arena,
                             draco_error *err, struct draco_asm_prog *out)
{
    return draco_asm_parse_maps(text, first_line, NULL, 0, arena, err, out);
}

draco_status draco_asm_parse_maps(const char *text, uint32_t first_line, const draco_map_info *maps,
                                  size_t n_maps, struct draco_arena *arena, draco_error *err,
                                  struct draco_asm_prog *out)
{
    struct actx a;
    memset(&a, 0, sizeof a);
    a.arena = arena;
    a.err = err;
    a.maps = maps;
    a.n_maps = n_maps;
    draco_status st = DRACO_OK;
    char *buf = NULL;
    size_t bufcap = 0;
    if (!text || !arena || !out)
        return draco_error_set(err, DRACO_ERR_INTERNAL, "draco_asm_parse: null argument");
    memset(out, 0, sizeof *out);
    a.line = first_line;
    for (const char *p = text; *p; a.line++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n + 1 > bufcap) {
            char *nb = realloc(buf, n + 1);
            if (!nb) {
                st = draco_error_set(err, DRACO_ERR_NOMEM, "out of memory assembling");
                goto fail;
            }
            buf = nb;
            bufcap = n + 1;
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        st = parse_line(&a, buf);
        if (st)
            goto fail;
        p += n;
        if (*p == '\n')
            p++;
    }
    st = resolve(&a);
    if (st)
        goto fail;
    size_t n = a.insns.len;
    out->n = n;
    out->insns = draco_arena_alloc(arena, (n ? n : 1) * sizeof *out->insns);
    out->is_assume = draco_arena_alloc(arena, (n ? n : 1) * sizeof *out->is_assume);
    out->line = draco_arena_alloc(arena, (n ? n : 1) * sizeof *out->line);
    out->labels = draco_arena_alloc(arena, (a.labels.len ? a.labels.len : 1) * sizeof *out->labels);
    if (!out->insns || !out->is_assume || !out->line || !out->labels) {
        st = draco_error_set(err, DRACO_ERR_NOMEM, "out of memory assembling");
        goto fail;
    }
    if (n) {
        memcpy(out->insns, a.insns.data, n * sizeof *out->insns);
        memcpy(out->is_assume, a.assume.data, n * sizeof *out->is_assume);
        memcpy(out->line, a.lines.data, n * sizeof *out->line);
    }
    for (size_t i = 0; i < n; i++)
        out->has_assume |= out->is_assume[i];
    if (a.labels.len)
        memcpy(out->labels, a.labels.data, a.labels.len * sizeof *out->labels);
    out->n_labels = a.labels.len;
fail:
    free(buf);
    draco_vec_free(&a.insns);
    draco_vec_free(&a.assume);
    draco_vec_free(&a.lines);
    draco_vec_free(&a.labels);
    draco_vec_free(&a.fixups);
    if (st)
        memset(out, 0, sizeof *out);
    return st;
}

const char *draco_asm_label_at(const struct draco_asm_prog *p, uint32_t pc)
{
    for (size_t i = 0; p && i < p->n_labels; i++)
        if (p->labels[i].pc == pc)
            return p->labels[i].name;
    return NULL;
}

draco_status draco_asm_to_ir(const struct draco_asm_prog *p, struct draco_arena *arena,
                             draco_error *err, struct draco_ir_prog *out)
{
    draco_status st = draco_ir_decode(p->insns, p->n, NULL, arena, err, out);
    if (st != DRACO_OK)
        return st;
    for (size_t pc = 0; pc < out->n; pc++) {
        struct draco_ir_insn *in = &out->insns[pc];
        if (!p->is_assume[pc])
            continue;
        if (in->kind != DRACO_IR_JMP || in->op == DRACO_COND_ALWAYS)
            return draco_error_set(err, DRACO_ERR_INTERNAL, "%zu: assume is not a condition", pc);
        in->kind = DRACO_IR_ASSUME;
        in->target = -1;
        in->off = 0;
    }
    return DRACO_OK;
}

void draco_asm_print(const struct draco_ir_prog *ir, const struct draco_asm_prog *labels,
                     struct draco_sb *sb)
{
    bool *is_target = calloc(ir->n ? ir->n : 1, sizeof *is_target);
    if (!is_target) {
        sb->oom = true;
        return;
    }
    for (size_t q = 0; q < ir->n; q++)
        if (ir->insns[q].target >= 0 && (size_t)ir->insns[q].target < ir->n)
            is_target[ir->insns[q].target] = true;
    for (size_t pc = 0; pc < ir->n; pc++) {
        const struct draco_ir_insn *in = &ir->insns[pc];
        if (in->kind == DRACO_IR_UNDEFINED)
            continue;
        char num[24];
        snprintf(num, sizeof num, "%zu", pc);
        for (size_t i = 0; labels && i < labels->n_labels; i++)
            if (labels->labels[i].pc == pc) {
                draco_sb_printf(sb, "<%s>:\n", labels->labels[i].name);
                if (strcmp(labels->labels[i].name, num) == 0)
                    is_target[pc] = false;    /* already printed */
            }
        if (is_target[pc])
            draco_sb_printf(sb, "<%s>:\n", num);
        draco_ir_print_insn(sb, in, true);
        draco_sb_putc(sb, '\n');
    }
    free(is_target);
}

draco_status draco_asm_object_create(const char *text, const char *name, const char *section,
                                     const char *type_name, const draco_map_info *maps,
                                     size_t n_maps, draco_error *err, struct draco_object **out)
{
    draco_status st;
    *out = NULL;
    struct draco_object *obj = calloc(1, sizeof *obj);
    if (!obj)
        return draco_error_set(err, DRACO_ERR_NOMEM, "out of memory");
    draco_arena_init(&obj->arena);
    struct draco_arena *ar = &obj->arena;
    struct draco_asm_prog ap;
    st = draco_asm_parse_maps(text, 1, maps, n_maps, ar, err, &ap);
    if (st)
        goto fail;
    for (size_t i = 0; i < ap.n; i++)
        if (ap.is_assume[i]) {
            st = draco_error_set(err, DRACO_ERR_INVALID,
                                 "line %u: 'assume' has no encoding (test programs only)", ap.line[i]);
            goto fail;
        }
    struct draco_program *p = draco_arena_alloc(ar, sizeof *p);
    obj->name = draco_arena_strdup(ar, name ? name : "<text>");
    if (!p || !obj->name)
        goto nomem;
    obj->progs = p;
    obj->n_progs = 1;
    p->obj = obj;
    p->section = draco_arena_strdup(ar, section ? section : ".text");
    p->function = draco_arena_strdup(ar, "main");
    p->type_name = draco_arena_strdup(ar, type_name ? type_name : "unspec");
    size_t n = ap.n ? ap.n : 1;
    p->insns = ap.insns;
    p->n_slots = ap.n;
    p->main_slots = ap.n;
    p->insn_flags = draco_arena_alloc(ar, n);
    p->ext_name = draco_arena_alloc(ar, n * sizeof *p->ext_name);
    p->lines = draco_arena_alloc(ar, n * sizeof *p->lines);
    if (!p->section || !p->function || !p->type_name || !p->insn_flags || !p->ext_name || !p->lines)
        goto nomem;
    for (size_t i = 0; i < ap.n; i += ap.insns[i].opcode == (C_LD | S_DW) ? 2 : 1)
        p->n_insns++;
    if (n_maps) {
        obj->maps = draco_arena_alloc(ar, n_maps * sizeof *obj->maps);
        if (!obj->maps)
            goto nomem;
        for (size_t i = 0; i < n_maps; i++) {
            obj->maps[i].info = maps[i];
            obj->maps[i].info.name = draco_arena_strdup(ar, maps[i].name ? maps[i].name : "map");
            if (!obj->maps[i].info.name)
                goto nomem;
        }
        obj->n_maps = n_maps;
    }
    *out = obj;
    return DRACO_OK;
nomem:
    st = draco_error_set(err, DRACO_ERR_NOMEM, "out of memory");
fail:
    draco_elf_object_free(obj);
    return st;
}
