/* SPDX-License-Identifier: MIT */
/* domains/constraint: PREVAIL's constraint syntax -- parse and print single constraints, and a
 * small constraint system (names -> zone + type sets) to decide entailment between sets.
 *
 * Syntax (blanks allowed between tokens):
 *   _|_                                  bottom
 *   NAME=INT | NAME=[LB, UB]             interval (LB/UB may be -oo/+oo; LB > UB or `_|_`: empty)
 *   NAME!=INT                            excluded value
 *   NAME<=INT | NAME>=INT                one-sided interval
 *   NAME=NAME2 | NAME=NAME2+INT | -INT   NAME - NAME2 = INT
 *   NAME-NAME2<=INT                      difference bound
 *   T=TYPE | T in {TYPE, ...}            type set (T a name ending in ".type")
 *   T=T2                                 type equality (both names end in ".type")
 * NAME is opaque to this module: a letter or '_' followed by letters, digits, '_', '.' and
 * bracket groups ("r1.svalue", "packet_size", "pc[3]", "pc[0/3]", "s[504...511].type"). TYPE is a
 * draco_type name. The eBPF layer maps names to its variables.
 *
 * Invariants: a struct draco_constraint owns GMP storage only through its draco_itv/draco_num
 * fields (release with draco_constraint_fini()); names are inline, NUL-terminated, and at most
 * DRACO_CONSTRAINT_NAME_MAX - 1 bytes. A struct draco_cset interns names to dense indices (one
 * zone variable and one type-set slot per name); it is bottom once any constraint made it empty.
 * Nothing is global; a cset is used by one thread at a time.
 */
#ifndef DRACO_DOMAINS_CONSTRAINT_H
#define DRACO_DOMAINS_CONSTRAINT_H

#include <stdbool.h>
#include <stddef.h>
#include "domains/interval.h"
#include "domains/types.h"
#include "domains/zone.h"
#include "util/util.h"

#define DRACO_CONSTRAINT_NAME_MAX 64

enum draco_constraint_kind {
    DRACO_CONSTRAINT_BOTTOM = 0, /* _|_ */
    DRACO_CONSTRAINT_ITV,        /* lhs in itv */
    DRACO_CONSTRAINT_NEQ,        /* lhs != k */
    DRACO_CONSTRAINT_VAR,        /* lhs = rhs + k */
    DRACO_CONSTRAINT_DIFF,       /* lhs - rhs <= k */
    DRACO_CONSTRAINT_TYPES,      /* type(lhs) in types */
    DRACO_CONSTRAINT_TYPE_EQ,    /* type(lhs) = type(rhs) */
};

struct draco_constraint {
    enum draco_constraint_kind kind;
    char lhs[DRACO_CONSTRAINT_NAME_MAX];
    char rhs[DRACO_CONSTRAINT_NAME_MAX];  /* VAR, DIFF, TYPE_EQ; "" otherwise */
    draco_itv itv;                        /* ITV */
    draco_num k;                          /* NEQ, VAR, DIFF (finite) */
    draco_typeset types;                  /* TYPES */
};

/** Initialises *c as bottom (no allocation). */
void draco_constraint_init(struct draco_constraint *c);
/** Releases GMP storage; *c stays initialised (as bottom). */
void draco_constraint_fini(struct draco_constraint *c);

/**
 * Parses one constraint (the whole string must be consumed, blanks aside). *c must be
 * initialised; it is overwritten. On error *c is bottom, *pos (if not NULL) is the byte offset of
 * the problem, and err (may be NULL) says "at N: <reason> in '<text>'".
 * @return DRACO_OK or DRACO_ERR_INVALID. Thread-safe.
 */
draco_status draco_constraint_parse(const char *s, struct draco_constraint *c, size_t *pos,
                                    draco_error *err);

/** Appends the canonical text ("r1.svalue=[0, 10]", "r1.svalue=5", "r1.type in {number,
 *  packet}", "r1.svalue=r2.svalue+4", "r2.packet_offset-r1.packet_offset<=4", "_|_"). */
void draco_constraint_print(const struct draco_constraint *c, struct draco_sb *sb);

/** True iff `name` ends with ".type" (a type variable). */
bool draco_constraint_name_is_type(const char *name);

/* ---- constraint systems and entailment ---- */

struct draco_cset {
    bool bottom;
    char **names;            /* n_names interned names (malloc'ed) */
    size_t n_names, cap;
    draco_typeset *types;    /* per name: possible types (DRACO_TS_ALL when unconstrained) */
    uint32_t *type_rep;      /* per name: union-find parent for type equalities */
    struct draco_zone zone;  /* numeric part: variable i is names[i] */
    struct draco_domain_ctx dctx;
};

/** An empty (top) system. */
void draco_cset_init(struct draco_cset *cs);
void draco_cset_fini(struct draco_cset *cs);
/** Index of name, interning it when new. DRACO_OK or DRACO_ERR_NOMEM. */
draco_status draco_cset_intern(struct draco_cset *cs, const char *name, uint32_t *out);
/** cs := cs AND c. DRACO_OK, DRACO_ERR_NOMEM, or DRACO_ERR_UNSUPPORTED (a constant beyond 2^127). */
draco_status draco_cset_add(struct draco_cset *cs, const struct draco_constraint *c);
/** Parses s and adds it. Errors as draco_constraint_parse() and draco_cset_add(). */
draco_status draco_cset_add_str(struct draco_cset *cs, const char *s, draco_error *err);
/** Whether every point of cs satisfies c (sound: false when unsure or out of memory). */
bool draco_cset_entails(struct draco_cset *cs, const struct draco_constraint *c);
/** Whether cs has no point (a bottom constraint, an empty type set or a contradiction). */
bool draco_cset_is_bottom(const struct draco_cset *cs);
/**
 * Appends the system as constraint strings, one per line, sorted: type sets ("r1.type=number",
 * "r1.type in {number, packet}"), type equalities ("r2.type=r1.type"), then the zone's closed
 * constraints (intervals, excluded values, differences); "_|_" when bottom. Parsing the lines
 * back gives an equivalent system. Never fails loudly (out of memory: unsorted lines).
 */
void draco_cset_print(const struct draco_cset *cs, struct draco_sb *sb);

#endif
