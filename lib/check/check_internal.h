/* SPDX-License-Identifier: MIT */
/* check/check_internal: assertions (preconditions of CFG nodes), their generation per instruction
 * and their discharge against a pre-state — one function per assertion kind, EbpfChecker style.
 *
 * Invariants: assertions are generated on demand from a node and the program's platform/options
 * (never cached); a check never changes the state it is given; a check that cannot decide says
 * "fails" (sound). DRACO_A_FAIL is an assertion that always fails: it carries the reason why
 * something could not be modelled (unknown helper, unsupported kfunc, ...), so such a program can
 * never pass.
 */
#ifndef DRACO_CHECK_CHECK_INTERNAL_H
#define DRACO_CHECK_CHECK_INTERNAL_H

#include "analysis/astate.h"
#include "check/check.h"

enum draco_assert_kind {
    DRACO_A_TYPE,        /* reg's types within group */
    DRACO_A_ACCESS,      /* valid_access(reg.offset+off, width) for compare/read/write */
    DRACO_A_STORE,       /* not stack => stored value is a number */
    DRACO_A_DIVISOR,     /* divisor is a number (and non-zero unless allowed) */
    DRACO_A_ADDABLE,     /* reg is a pointer => reg2 is a number */
    DRACO_A_COMPARABLE,  /* reg and reg2 may be compared/subtracted */
    DRACO_A_SIZE,        /* reg.svalue > 0 (>= 0 when can_be_zero) */
    DRACO_A_MAP_KV,      /* reg points to a full key/value of the map in reg2 */
    DRACO_A_MAP_TYPE,    /* the map in reg is of an allowed type */
    DRACO_A_ZERO_CTX,    /* reg.ctx_offset == 0 */
    DRACO_A_ARG_ZERO,    /* reg.svalue == 0 */
    DRACO_A_FUNC,        /* callx target is a usable helper with satisfied arguments */
    DRACO_A_LOOP,        /* pc[head] <= 100000 */
    DRACO_A_INIT,        /* reg is initialised */
    DRACO_A_NONNULL,     /* reg (a helper-returned object) is not null */
    DRACO_A_CALLBACK,    /* callback helper call: reg holds the inlined callback (check_callback.c);
                            callback return: r0 in [0, 1] */
    DRACO_A_FAIL,        /* always fails: `why` */
};

enum draco_access_kind { DRACO_ACC_COMPARE, DRACO_ACC_READ, DRACO_ACC_WRITE };

struct draco_assertion {
    uint8_t kind;            /* enum draco_assert_kind */
    uint8_t reg, reg2;
    uint8_t access;          /* enum draco_access_kind */
    uint8_t width_reg;       /* ACCESS: width register when width_is_reg */
    bool width_is_reg;
    bool or_null;
    bool is_key;             /* MAP_KV */
    bool can_be_zero;        /* SIZE */
    bool or_r2_is_number;    /* COMPARABLE */
    bool is_signed, is64;    /* DIVISOR */
    bool numeric_needed;     /* MAP_KV: stack bytes must be numeric */
    bool is_load;            /* ACCESS: made by a load instruction (not a helper's read) */
    draco_typeset group;     /* TYPE */
    int32_t off;             /* ACCESS */
    int64_t width;           /* ACCESS when !width_is_reg */
    uint64_t map_types;      /* MAP_TYPE */
    uint32_t node;           /* LOOP: the counter node */
    const char *helper;      /* MAP_TYPE, FAIL context */
    const char *why;         /* FAIL */
};

#define DRACO_MAX_ASSERTIONS 48

struct draco_assertions {
    struct draco_assertion a[DRACO_MAX_ASSERTIONS];
    unsigned n;
};

/* Appends the assertions of node v. */
void draco_assertions_of_node(struct draco_actx *ax, uint32_t v, struct draco_assertions *out);
/* Assertions of a helper call with prototype p (arguments, map type, zero args). */
void draco_assertions_of_helper(struct draco_actx *ax, const struct draco_helper_proto *p,
                                struct draco_assertions *out);
/* Appends the assertion's text ("valid_access(r1.offset+4, width=2) for read"). */
void draco_assertion_print(struct draco_actx *ax, const struct draco_assertion *a, struct draco_sb *sb);

/* Checks one assertion against pre-state s of node v; on failure writes the reason (a short
 * phrase, PREVAIL's wording) into why and returns false. */
bool draco_assertion_check(struct draco_actx *ax, uint32_t v, const struct draco_astate *s,
                           const struct draco_assertion *a, struct draco_sb *why);

/* one function per kind (check_access.c, check_call.c, check_callback.c) */
bool draco_check_callback(struct draco_actx *ax, uint32_t v, const struct draco_astate *s,
                          const struct draco_assertion *a, struct draco_sb *why);
bool draco_check_type(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                      struct draco_sb *why);
bool draco_check_access(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                        struct draco_sb *why);
bool draco_check_store(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                       struct draco_sb *why);
bool draco_check_divisor(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                         struct draco_sb *why);
bool draco_check_addable(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                         struct draco_sb *why);
bool draco_check_comparable(struct draco_actx *ax, const struct draco_astate *s,
                            const struct draco_assertion *a, struct draco_sb *why);
bool draco_check_size(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                      struct draco_sb *why);
bool draco_check_map_kv(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                        struct draco_sb *why);
bool draco_check_map_type(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                          struct draco_sb *why);
bool draco_check_zero_ctx(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                          struct draco_sb *why);
bool draco_check_arg_zero(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                          struct draco_sb *why);
bool draco_check_func(struct draco_actx *ax, uint32_t v, const struct draco_astate *s,
                      const struct draco_assertion *a, struct draco_sb *why);
bool draco_check_nonnull(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                         struct draco_sb *why);
bool draco_check_loop(struct draco_actx *ax, const struct draco_astate *s, const struct draco_assertion *a,
                      struct draco_sb *why);

#endif
