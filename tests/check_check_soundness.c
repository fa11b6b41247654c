/* SPDX-License-Identifier: MIT */
/* Soundness fuzz for lib/check + lib/analysis: random programs over numbers and stack pointers
 * and packet pointers (ALU at both widths, byte swaps, 32/64-bit jumps forward and backward,
 * pointers made from r10 and from xdp data with bound checks against data_end, loads and stores
 * of every width through r10, derived stack pointers and packet pointers; each concrete run picks
 * a packet length in [0, 71]). Every program
 * draco_check_run() accepts is executed concretely 20 times (a comparison of pointers takes a
 * random branch); an out-of-frame access, a read of non-numeric stack through a pointer, a
 * dereference of a number, a comparison of an uninitialised register, more than 5M steps or a
 * non-number r0 at exit in an accepted program is a soundness bug, reported with the program.
 * Seeds are fixed (the loop index), so failures reproduce. Mutating the checker (an upper bound
 * off by 16, a comparison refinement off by one) makes this test fail within a few hundred
 * programs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/check.h"
#include "elf/object.h"
#include "ir/ir.h"
#include "cfg/cfg.h"

#define INSN(op, d, s, o, i) ((draco_raw_insn){.opcode = (op), .regs = (uint8_t)((d) | ((s) << 4)), .offset = (o), .imm = (i)})

static uint64_t rnd(uint64_t *st) { *st ^= *st << 13; *st ^= *st >> 7; *st ^= *st << 17; return *st; }
static int ri(uint64_t *st, int n) { return (int)(rnd(st) % (uint64_t)n); }

enum { UN, NUM, PTR, POISON, CTX, PKT, MAPFD, MAPVAL };
struct reg { int k; uint64_t v; };   /* PTR: absolute stack offset; CTX, PKT: offset */

/* Executes the program concretely; returns what went wrong or NULL. Pointer comparisons (whose
 * outcome depends on real addresses) take a random branch. */
static const char *run(const draco_raw_insn *p, int n, uint64_t *st, bool ctx)
{
    int64_t plen = ri(st, 72);   /* this run's packet length */
    uint8_t pkt[80];
    for (int i = 0; i < 80; i++)
        pkt[i] = (uint8_t)rnd(st);
    struct reg r[11];
    uint8_t stk[4096], init[4096];
    int spill[4096];  /* 1 at the first byte of an 8-byte pointer spill */
    struct reg spv[4096];
    memset(init, 0, sizeof init); memset(spill, 0, sizeof spill);
    for (int i = 0; i < 11; i++) r[i].k = UN;
    r[10].k = PTR; r[10].v = 4096;
    r[1].k = ctx ? CTX : NUM;
    r[1].v = 0;
    long steps = 0;
    int pc = 0;
    while (pc < n) {
        if (++steps > 5000000) { return "non-termination"; }
        draco_raw_insn in = p[pc];
        unsigned op = in.opcode, cls = op & 7, d = in.regs & 15, s = in.regs >> 4;
        int64_t imm = in.imm;
        if (cls == 7 || cls == 4) { /* ALU */
            bool is64 = cls == 7; unsigned code = op & 0xf0; bool x = op & 8;
            struct reg a = r[d], b = x ? r[s] : (struct reg){NUM, (uint64_t)imm};
            if (code == 0xb0) { /* mov */
                if (is64) { r[d] = b; }
                else r[d] = b.k == NUM ? (struct reg){NUM, (uint32_t)b.v} : (struct reg){b.k == UN ? UN : POISON, 0};
                pc++; continue;
            }
            if (code == 0xd0) { /* end */
                if (a.k != NUM) { r[d].k = a.k == UN ? UN : POISON; pc++; continue; }
                uint64_t v = a.v;
                if (!(op & 8)) v = imm == 16 ? (uint16_t)v : imm == 32 ? (uint32_t)v : v;
                else v = imm == 16 ? __builtin_bswap16((uint16_t)v) : imm == 32 ? __builtin_bswap32((uint32_t)v) : __builtin_bswap64(v);
                r[d].v = v; pc++; continue;
            }
            if (code == 0x80) { if (a.k != NUM) { r[d].k = a.k == UN ? UN : POISON; } else r[d].v = is64 ? -a.v : (uint32_t)-(uint32_t)a.v; pc++; continue; }
            if (a.k == UN || b.k == UN) { r[d].k = UN; pc++; continue; }
            if (a.k == POISON || b.k == POISON) { r[d].k = POISON; pc++; continue; }
            if (a.k >= PTR || b.k >= PTR) {   /* PTR, CTX, PKT (POISON handled above) */
                if (!is64 && code == 0x10 && a.k == b.k) {   /* 32-bit difference of one region */
                    r[d] = (struct reg){NUM, (uint32_t)(a.v - b.v)};
                    pc++; continue;
                }
                if (!is64) { r[d].k = POISON; pc++; continue; }
                if (code == 0x00 && a.k != NUM && b.k == NUM) { r[d].v = a.v + b.v; pc++; continue; }
                if (code == 0x00 && a.k == NUM && b.k != NUM) { r[d] = (struct reg){b.k, a.v + b.v}; pc++; continue; }
                if (code == 0x10 && a.k != NUM && b.k == NUM) { r[d].v = a.v - b.v; pc++; continue; }
                if (code == 0x10 && a.k == b.k) { r[d] = (struct reg){NUM, a.v - b.v}; pc++; continue; }
                r[d].k = POISON; pc++; continue;
            }
            uint64_t u = a.v, w = b.v, res = 0;
            if (!is64) { u = (uint32_t)u; w = (uint32_t)w; }
            unsigned sh = is64 ? 63 : 31;
            switch (code) {
            case 0x00: res = u + w; break; case 0x10: res = u - w; break; case 0x20: res = u * w; break;
            case 0x30: res = w ? u / w : 0; break; case 0x90: res = w ? u % w : u; break;
            case 0x40: res = u | w; break; case 0x50: res = u & w; break; case 0xa0: res = u ^ w; break;
            case 0x60: res = u << (w & sh); break; case 0x70: res = u >> (w & sh); break;
            case 0xc0: res = is64 ? (uint64_t)((int64_t)u >> (w & sh)) : (uint32_t)((int32_t)(uint32_t)u >> (w & sh)); break;
            default: res = 0;
            }
            r[d] = (struct reg){NUM, is64 ? res : (uint32_t)res};
            pc++; continue;
        }
        if (op == 0x85 && imm == 1) {   /* bpf_map_lookup_elem(map, key): a value (8 bytes) or NULL */
            if (r[1].k != MAPFD)
                return "lookup without a map";
            if (r[2].k != PTR || (int64_t)r[2].v < 3584 || r[2].v + 4 > 4096)
                return "lookup key not on the stack";
            for (int i = 0; i < 4; i++)
                if (init[r[2].v + i] != 1)
                    return "lookup key not initialised";
            r[0] = ri(st, 3) == 0 ? (struct reg){NUM, 0} : (struct reg){MAPVAL, 0};
            for (int i = 1; i <= 5; i++)
                r[i].k = UN;
            pc++;
            continue;
        }
        if (cls == 5 || cls == 6) { /* JMP */
            unsigned code = op & 0xf0; bool x = op & 8; bool is64 = cls == 5;
            if (code == 0x90) { /* exit */
                if (r[0].k != NUM) return "exit r0 not a number";
                return NULL;
            }
            if (code == 0x00) { pc += 1 + in.offset; continue; }
            struct reg a = r[d], b = x ? r[s] : (struct reg){NUM, (uint64_t)imm};
            bool take;
            if (a.k == UN || b.k == UN) return "compare uninitialised";
            if (a.k == POISON || b.k == POISON)
                return "compare of an unusable value";
            if (a.k != NUM || b.k != NUM) {
                if (a.k == b.k) { uint64_t u = a.v, w = b.v; switch (code) { case 0x10: take = u == w; break; case 0x50: take = u != w; break; case 0x20: take = u > w; break; case 0x30: take = u >= w; break; case 0xa0: take = u < w; break; case 0xb0: take = u <= w; break; case 0x60: take = (int64_t)u > (int64_t)w; break; case 0x70: take = (int64_t)u >= (int64_t)w; break; case 0xc0: take = (int64_t)u < (int64_t)w; break; case 0xd0: take = (int64_t)u <= (int64_t)w; break; default: take = ri(st, 2); } }
                else if ((a.k == NUM && a.v == 0) || (b.k == NUM && b.v == 0)) {
                    /* against 0 a pointer is a non-zero address: unsigned and (in)equality tests
                     * are decided; signed ones depend on the address */
                    uint64_t u = a.k == NUM ? a.v : 0x10000 + a.v, w = b.k == NUM ? b.v : 0x10000 + b.v;
                    if (!is64) { u = (uint32_t)u; w = (uint32_t)w; }
                    switch (code) {
                    case 0x10: take = u == w; break; case 0x50: take = u != w; break;
                    case 0x20: take = u > w; break; case 0x30: take = u >= w; break;
                    case 0xa0: take = u < w; break; case 0xb0: take = u <= w; break;
                    default: take = ri(st, 2);
                    }
                    if (!is64 && code != 0x10 && code != 0x50)
                        take = ri(st, 2);   /* the low half of an address can be anything */
                    if (!is64 && (code == 0x10 || code == 0x50))
                        take = ri(st, 2);
                }
                else take = ri(st, 2);
            } else {
                uint64_t u = a.v, w = b.v; int64_t su, sw;
                if (!is64) { u = (uint32_t)u; w = (uint32_t)w; su = (int32_t)u; sw = (int32_t)w; } else { su = (int64_t)u; sw = (int64_t)w; }
                switch (code) {
                case 0x10: take = u == w; break; case 0x50: take = u != w; break; case 0x40: take = (u & w) != 0; break;
                case 0x20: take = u > w; break; case 0x30: take = u >= w; break; case 0xa0: take = u < w; break; case 0xb0: take = u <= w; break;
                case 0x60: take = su > sw; break; case 0x70: take = su >= sw; break; case 0xc0: take = su < sw; break; case 0xd0: take = su <= sw; break;
                default: take = false;
                }
            }
            pc += take ? 1 + in.offset : 1; continue;
        }
        if (cls == 1 || cls == 2 || cls == 3) { /* LDX, ST, STX */
            unsigned sz = (op & 0x18) == 0x18 ? 8 : (op & 0x18) == 0 ? 4 : (op & 0x18) == 8 ? 2 : 1;
            unsigned base = cls == 1 ? s : d;
            struct reg b = r[base];
            if (b.k == MAPVAL) {
                int64_t a = (int64_t)b.v + in.offset;
                if (a < 0 || a + sz > 8)
                    return "map value access out of bounds";
                if (cls == 1) { r[d] = (struct reg){NUM, (uint64_t)ri(st, 100)}; pc++; continue; }
                struct reg val = cls == 2 ? (struct reg){NUM, (uint64_t)imm} : r[s];
                if (val.k != NUM)
                    return "non-number stored into a map value";
                pc++; continue;
            }
            if (b.k == CTX || b.k == PKT) {
                int64_t a = (int64_t)b.v + in.offset;
                if (b.k == CTX) {
                    if (cls != 1)
                        return "write to xdp_md";
                    if (a < 0 || a + sz > 24)
                        return "context access out of bounds";
                    if (sz == 4 && (a == 0 || a == 8)) { r[d] = (struct reg){PKT, 0}; pc++; continue; }
                    if (sz == 4 && a == 4) { r[d] = (struct reg){PKT, (uint64_t)plen}; pc++; continue; }
                    if (a < 12) {   /* part of a pointer field: an unusable value */
                        r[d].k = POISON;
                        pc++;
                        continue;
                    }
                    r[d] = (struct reg){NUM, (uint64_t)ri(st, 1000)};
                    pc++; continue;
                }
                if (a < 0 || a + sz > plen)
                    return "packet access out of bounds";
                if (cls == 1) { uint64_t v = 0; memcpy(&v, pkt + a, sz); r[d] = (struct reg){NUM, v}; pc++; continue; }
                struct reg val = cls == 2 ? (struct reg){NUM, (uint64_t)imm} : r[s];
                if (val.k != NUM)
                    return "non-number stored into the packet";
                memcpy(pkt + a, &val.v, sz);
                pc++; continue;
            }
            if (b.k != PTR) return "dereference of a non-pointer";
            int64_t a = (int64_t)b.v + in.offset;
            if (a < 3584 || a + sz > 4096) return "stack access out of the frame";
            if (cls == 1) {
                if (sz == 8 && spill[a] && base == 10) { r[d] = spv[a]; pc++; continue; }
                bool ok = true;
                for (unsigned i = 0; i < sz; i++) ok &= init[a + i] == 1;
                if (!ok) { if (base == 10) { r[d].k = UN; pc++; continue; } return "read of non-numeric stack through a pointer"; }
                uint64_t v = 0; memcpy(&v, stk + a, sz); r[d] = (struct reg){NUM, v}; pc++; continue;
            }
            struct reg val = cls == 2 ? (struct reg){NUM, (uint64_t)imm} : r[s];
            for (unsigned i = 0; i < sz; i++) { spill[a + i] = 0; }
            for (int i = 1; i < 8 && a - i >= 0; i++) if (spill[a - i]) { spill[a - i] = 0; for (int j = 0; j < 8; j++) init[a - i + j] = init[a - i + j] == 2 ? 0 : init[a - i + j]; }
            if (val.k == NUM) { memcpy(stk + a, &val.v, sz); for (unsigned i = 0; i < sz; i++) init[a + i] = 1; }
            else { for (unsigned i = 0; i < sz; i++) init[a + i] = 0; if (sz == 8 && val.k == PTR) { spill[a] = 1; spv[a] = val; } }
            pc++; continue;
        }
        if (op == 0x18) {
            if (s == 1)
                r[d] = (struct reg){MAPFD, (uint64_t)imm};
            else
                r[d] = (struct reg){NUM, (uint32_t)imm | ((uint64_t)(uint32_t)p[pc + 1].imm << 32)};
            pc += 2;
            continue;
        }
        return "unknown instruction";
    }
    return "fell off the end";
}

/* Fills p (room for 96 slots) with a random program; returns its length. */
static int gen_program(uint64_t *st, draco_raw_insn *p)
{
    static const uint8_t alu[] = {0x07,0x0f,0x17,0x1f,0x27,0x2f,0x37,0x3f,0x47,0x4f,0x57,0x5f,0x67,0x6f,0x77,0x7f,0x87,0x97,0x9f,0xa7,0xaf,0xb7,0xbf,0xc7,0xcf,
    0x04,0x0c,0x14,0x1c,0x24,0x2c,0x34,0x3c,0x44,0x4c,0x54,0x5c,0x64,0x6c,0x74,0x7c,0x84,0x94,0x9c,0xa4,0xac,0xb4,0xbc,0xc4,0xcc, 0xd4, 0xdc};
    static const uint8_t jmp[] = {0x15,0x1d,0x25,0x2d,0x35,0x3d,0x45,0x4d,0x55,0x5d,0x65,0x6d,0x75,0x7d,0xa5,0xad,0xb5,0xbd,0xc5,0xcd,0xd5,0xdd,
    0x16,0x1e,0x26,0x2e,0x36,0x3e,0x46,0x4e,0x56,0x5e,0x66,0x6e,0x76,0x7e,0xa6,0xae,0xb6,0xbe,0xc6,0xce,0xd6,0xde, 0x05};
    static const uint8_t mem[] = {0x61,0x69,0x71,0x79,0x62,0x6a,0x72,0x7a,0x63,0x6b,0x73,0x7b};
    int k = 0;
    bool keep_ctx = ri(st, 2);
    for (uint8_t r = 0; r <= 9; r++)
        if (!(keep_ctx && r == 1))
            p[k++] = INSN(0xb7, r, 0, 0, ri(st, 4) ? ri(st, 40) : (int32_t)rnd(st));
    if (keep_ctx) {
        p[k++] = INSN(0x61, 6, 1, 0, 0);   /* r6 = data */
        p[k++] = INSN(0x61, 7, 1, 4, 0);   /* r7 = data_end */
    }
    /* one program in four is short (a few templates), so that more of them are accepted */
    bool short_prog = ri(st, 4) == 0;
    int first = k;
    int n = k + (short_prog ? 2 + ri(st, 6) : 6 + ri(st, 30));
    while (k < n - 1 && k < 86) {
        int kind = ri(st, 12);
        if (short_prog && ((k == first && ri(st, 2)) || (kind >= 4 && kind < 6) || kind >= 10))
            kind = keep_ctx && ri(st, 2) ? 8 : 9;   /* short programs: templates, no random jumps */
        uint8_t d = (uint8_t)ri(st, 10), s = (uint8_t)ri(st, 11);
        int32_t imm = ri(st, 4) == 0 ? (int32_t)rnd(st) : ri(st, 64) - 16;
        if (kind < 4) { uint8_t op = alu[ri(st, sizeof alu)]; int32_t im = (op & 0xf0) == 0xd0 ? 16 << ri(st, 3) : imm; if ((op & 0xf0) == 0x80) im = 0; if (((op & 0xf0) == 0x30 || (op & 0xf0) == 0x90) && !(op & 8) && im == 0) im = 3; if ((op & 0xf0) == 0x60 || (op & 0xf0) == 0x70 || (op & 0xf0) == 0xc0) im &= (op & 4) ? 31 : 63; if (!(op & 8)) s = 0; else im = 0; if ((op & 0xf0) == 0xd0) s = 0; p[k++] = INSN(op, d, s, 0, im); }
        else if (kind < 6) { int t = ri(st, n - k - 1); if (ri(st, 4) == 0 && k > 12) t = -(1 + ri(st, k - 10)); uint8_t op = jmp[ri(st, sizeof jmp)]; if (op == 0x05) { d = 0; s = 0; imm = 0; } else if (!(op & 8)) s = 0; else imm = 0; p[k++] = INSN(op, d, s, (int16_t)t, imm); }
        else if (kind < 8) {
            uint8_t src = keep_ctx && ri(st, 2) ? 6 : 10;
            p[k++] = INSN(0xbf, d, src, 0, 0);
            p[k++] = ri(st, 2) ? INSN(0x07, d, 0, 0, src == 10 ? -(1 + ri(st, 520)) : ri(st, 40))
                              : INSN(0x0f, d, (uint8_t)ri(st, 10), 0, 0);
            if (src == 6 && ri(st, 2))   /* a bound check against data_end */
                p[k++] = INSN(ri(st, 2) ? 0x2d : 0x3d, d, 7, (int16_t)ri(st, 4), 0);
        }
        else if (kind < 9 && keep_ctx && k + 6 < 86) {
            /* a packet read guarded by a bound check that may or may not cover it:
             * rA = data + (c or rC & mask); rB = rA + len; if rB > end skip; rD = *(rA + off) */
            uint8_t a = (uint8_t)(2 + ri(st, 4)), b = 8, c = 9;
            static const uint8_t ld[] = {0x61, 0x69, 0x71, 0x79};
            if (ri(st, 2)) {
                p[k++] = INSN(0x57, c, 0, 0, 15);              /* rC &= 15 */
                p[k++] = INSN(0xbf, a, 6, 0, 0);
                p[k++] = INSN(0x0f, a, c, 0, 0);               /* rA = data + rC */
            } else {
                p[k++] = INSN(0xbf, a, 6, 0, 0);
                p[k++] = INSN(0x07, a, 0, 0, ri(st, 24));      /* rA = data + c */
            }
            p[k++] = INSN(0xbf, b, a, 0, 0);
            p[k++] = INSN(0x07, b, 0, 0, ri(st, 10));          /* rB = rA + len */
            p[k++] = INSN(ri(st, 2) ? 0x2d : 0x3d, b, 7, 1, 0);  /* if rB > (>=) end: skip the read */
            p[k++] = INSN(ld[ri(st, 4)], (uint8_t)ri(st, 6), a, (int16_t)ri(st, 4), 0);
        }
        else if (kind < 10 && k + 10 < 86) {
            /* key on the stack, lookup, maybe a null check, then an access of the value */
            static const uint8_t acc[] = {0x61, 0x69, 0x71, 0x79, 0x62, 0x63, 0x7b};
            p[k++] = INSN(0x62, 10, 0, -4, ri(st, 4));                  /* *(u32 *)(r10 - 4) = key */
            p[k++] = INSN(0xbf, 2, 10, 0, 0);
            p[k++] = INSN(0x07, 2, 0, 0, ri(st, 8) ? -4 : -2);          /* r2 = &key (or a bad key) */
            p[k++] = INSN(0x18, 1, 1, 0, 1);
            p[k++] = INSN(0, 0, 0, 0, 0);                             /* r1 = map_fd 1 */
            p[k++] = INSN(0x85, 0, 0, 0, 1);                          /* call map_lookup_elem */
            if (ri(st, 4))
                p[k++] = INSN(0x15, 0, 0, 1, 0);                      /* if r0 == 0 skip the access */
            uint8_t op = acc[ri(st, 7)];
            int16_t off = (int16_t)(ri(st, 4) ? ri(st, 2) * 4 : ri(st, 10) - 1);
            p[k++] = (op & 7) == 1 ? INSN(op, (uint8_t)(6 + ri(st, 4)), 0, off, 0)
                                   : INSN(op, 0, (uint8_t)ri(st, 10), off, ri(st, 50));
            if ((op & 7) == 1)
                p[k - 1].regs = (uint8_t)((p[k - 1].regs & 15) | (0 << 4));
        }
        else if (kind < 11) { p[k++] = INSN(0x87, (uint8_t)ri(st, 10), 0, 0, 0); }
        else { uint8_t op = mem[ri(st, sizeof mem)]; uint8_t b = ri(st, 3) ? 10 : (uint8_t)ri(st, 10); int16_t off = (int16_t)(b == 10 ? -(1 + ri(st, 40)) : ri(st, 24) - 12); int32_t im = (op & 7) == 2 ? imm : 0; uint8_t dd = (op & 7) == 1 ? d : b; uint8_t ss = (op & 7) == 1 ? b : ((op & 7) == 3 ? s : 0); p[k++] = INSN(op, dd, ss, off, im); }
    }
    if (ri(st, 4))
        p[k++] = INSN(0xb7, 0, 0, 0, 0);   /* most programs return a number */
    p[k++] = INSN(0x95, 0, 0, 0, 0);
    return k;
}

/* whether the generated program left r1 (the context) alone: it loads data from r1 first */
static bool keep_ctx_of(const draco_raw_insn *p, int k)
{
    for (int i = 0; i < k; i++)
        if (p[i].opcode == 0x61 && (p[i].regs & 15) == 6 && (p[i].regs >> 4) == 1 && p[i].offset == 0)
            return true;
    return false;
}

static void dump(const draco_raw_insn *p, int k, struct draco_sb *sb)
{
    for (int i = 0; i < k; i++)
        draco_sb_printf(sb, "  %d: op=%02x d=%u s=%u off=%d imm=%d\n", i, p[i].opcode, p[i].regs & 15,
                        p[i].regs >> 4, p[i].offset, p[i].imm);
}

START_TEST(test_accepted_programs_run_safely)
{
    uint64_t st = 0x9e3779b97f4a7c15ull * (uint64_t)(_i + 1);
    int accepted = 0;
    for (int it = 0; it < 1200; it++) {
        draco_raw_insn p[96];
        int k = gen_program(&st, p);
        struct draco_object obj;
        memset(&obj, 0, sizeof obj);
        obj.name = "fuzz";
        struct draco_map_desc maps[1];
        memset(maps, 0, sizeof maps);
        maps[0].info = (draco_map_info){.name = "m", .fd = 1, .type = 1 /* HASH */, .key_size = 4,
                                        .value_size = 8, .max_entries = 16, .inner_map_fd = -1};
        obj.maps = maps;
        obj.n_maps = 1;
        struct draco_program prog;
        memset(&prog, 0, sizeof prog);
        prog.obj = &obj;
        prog.section = "xdp";
        prog.function = "f";
        prog.insns = p;
        prog.n_slots = prog.main_slots = (size_t)k;
        struct draco_arena arena;
        draco_arena_init(&arena);
        draco_error err = {0};
        struct draco_ir_prog ir;
        struct draco_cfg cfg;
        struct draco_analysis_result res;
        draco_status s = draco_ir_decode(p, (size_t)k, NULL, &arena, &err, &ir);
        if (s == DRACO_OK) {
            draco_ir_peephole(&ir);
            s = draco_cfg_build(&ir, NULL, &arena, &err, &cfg);
        }
        if (s == DRACO_OK) {
            struct draco_analysis_opts o;
            draco_analysis_opts_init(&o);
            o.time_limit_seconds = 10;
            o.max_disjuncts = (it & 1) ? 8 : 0;
            s = draco_check_run(&prog, &ir, &cfg, &o, &arena, &err, &res);
            ck_assert_msg(s != DRACO_ERR_INTERNAL, "seed %d program %d: internal error %s", _i, it, err.message);
            if (s == DRACO_OK && res.passed) {
                accepted++;
                for (int t = 0; t < 20; t++) {
                    const char *v = run(p, k, &st, keep_ctx_of(p, k));
                    if (v) {
                        struct draco_sb sb;
                        draco_sb_init(&sb);
                        dump(p, k, &sb);
                        ck_abort_msg("seed %d program %d accepted but %s:\n%s", _i, it, v, draco_sb_str(&sb));
                    }
                }
            }
        }
        draco_arena_fini(&arena);
    }
    ck_assert_msg(accepted > 50, "seed %d: only %d programs accepted (generator too weak)", _i, accepted);
}
END_TEST

extern Suite *draco_suite_check_soundness(void);
Suite *draco_suite_check_soundness(void)
{
    Suite *s = suite_create("check_soundness");
    TCase *t = tcase_create("fuzz");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, test_accepted_programs_run_safely, 0, 4);
    suite_add_tcase(s, t);
    return s;
}
