/* SPDX-License-Identifier: MIT */
/* Micro-benchmark of domains/num and domains/interval: throughput and the share of number
 * operations that stayed on the inline 64-bit fast path, on an eBPF-like workload.
 *
 * Invariants: the workload is deterministic (fixed seed); counters live in a draco_num_stats on
 * the stack (the library keeps none). Usage: micro_num [iterations] (default 2,000,000).
 */
#include <stdio.h>
#include <stdlib.h>
#include "domains/interval.h"
#include "util/util.h"

static uint64_t bench_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Typical register ranges: constants, small ranges, packet offsets, full uvalue/svalue, top. */
static void bench_gen(uint64_t *s, draco_itv *r)
{
    uint64_t lo = bench_rng(s) % 4096, len = bench_rng(s) % 256;
    switch (bench_rng(s) % 8) {
    case 0: draco_itv_set_u64(r, lo); break;
    case 1: case 2: case 3: draco_itv_set_range_u64(r, lo, lo + len); break;
    case 4: draco_itv_set_range_u64(r, 0, UINT64_MAX); break;
    case 5: draco_itv_set_width_range(r, 64, true); break;
    case 6: draco_itv_set_range_i64(r, -(int64_t)len, (int64_t)lo); break;
    default: draco_itv_set_top(r); break;
    }
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 2000000;
    uint64_t seed = 42;
    draco_num_stats st = {0};
    draco_itv a, b, r;
    draco_itv_init(&a);
    draco_itv_init(&b);
    draco_itv_init(&r);
    draco_num t;
    draco_num_init(&t);
    uint64_t itv_ops = 0, itv_inline = 0;

    double t0 = draco_now_seconds();
    for (long i = 0; i < iters; i++) {
        bench_gen(&seed, &a);
        bench_gen(&seed, &b);
        /* the number operations an interval add/sub/mul performs, counted one by one */
        if (!draco_itv_is_bottom(&a) && !draco_itv_is_bottom(&b)) {
            draco_num_stats_count(&st, draco_num_add(&t, &a.lb, &b.lb));
            draco_num_stats_count(&st, draco_num_add(&t, &a.ub, &b.ub));
            draco_num_stats_count(&st, draco_num_sub(&t, &a.lb, &b.ub));
            draco_num_stats_count(&st, draco_num_sub(&t, &a.ub, &b.lb));
            draco_num_stats_count(&st, draco_num_mul(&t, &a.ub, &b.ub));
            draco_num_stats_count(&st, draco_num_mul(&t, &a.lb, &b.lb));
        }
        /* a mix of interval transfer functions as the analysis would call them */
        draco_itv_add_w(&r, &a, &b, 64, false);
        itv_ops++, itv_inline += draco_itv_is_inline(&r);
        draco_itv_sub_w(&r, &a, &b, 64, true);
        itv_ops++, itv_inline += draco_itv_is_inline(&r);
        draco_itv_mul_w(&r, &a, &b, 32, false);
        itv_ops++, itv_inline += draco_itv_is_inline(&r);
        draco_itv_join(&r, &a, &b);
        itv_ops++, itv_inline += draco_itv_is_inline(&r);
        draco_itv_and(&r, &a, &b, 64, false);
        itv_ops++, itv_inline += draco_itv_is_inline(&r);
        draco_itv_assume(&r, &b, DRACO_ITV_ULT, &a, &b, 64);
        itv_ops++, itv_inline += draco_itv_is_inline(&r);
    }
    double dt = draco_now_seconds() - t0;

    uint64_t total = st.fast + st.slow;
    printf("iterations            %ld\n", iters);
    printf("number ops            %llu (fast %llu, slow %llu): %.2f%% on the 64-bit fast path\n",
           (unsigned long long)total, (unsigned long long)st.fast, (unsigned long long)st.slow,
           total ? 100.0 * (double)st.fast / (double)total : 0.0);
    printf("interval ops          %llu, results inline %.2f%%\n", (unsigned long long)itv_ops,
           itv_ops ? 100.0 * (double)itv_inline / (double)itv_ops : 0.0);
    printf("time                  %.3f s, %.1f ns per iteration\n", dt, 1e9 * dt / (double)(iters ? iters : 1));
    draco_itv_fini(&a);
    draco_itv_fini(&b);
    draco_itv_fini(&r);
    draco_num_fini(&t);
    return 0;
}
