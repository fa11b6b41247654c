/* SPDX-License-Identifier: MIT */
/* check_fast: assertion macros and a seeded RNG shared by the property-test suites.
 *
 * Check records the location of every ck_assert with a write(2); these macros only call into
 * Check on failure, which keeps loops of thousands of property cases fast. The RNG is splitmix64:
 * the loop index of a tcase_add_loop_test is the seed, so a failing case is reproducible.
 */
#ifndef DRACO_TESTS_CHECK_FAST_H
#define DRACO_TESTS_CHECK_FAST_H

#include <check.h>
#include <stdint.h>

#define CHECK(c, ...) do { if (!(c)) ck_abort_msg(__VA_ARGS__); } while (0)
#define CHECK1(c) do { if (!(c)) ck_abort_msg("failed: %s", #c); } while (0)
#define CHECK_OK(x) do { draco_status st_ = (x); if (st_ != DRACO_OK) ck_abort_msg("%s: status %d", #x, (int)st_); } while (0)

static inline uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint32_t rng_below(uint64_t *s, uint32_t n) { return (uint32_t)(rng_next(s) % n); }

#endif
