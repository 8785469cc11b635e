/*
 * What the P1 C programs (p1cycle.c, p1floor.c) share: little-endian ring accesses and the ordering
 * primitives that mirror the Java side, the clock, argument parsing, and the key=value lines of one row's
 * runs that dev.jvirtio.bench.Report reads.
 */
#ifndef JVIRTIO_P1COMMON_H
#define JVIRTIO_P1COMMON_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* x86-64 is little-endian and tolerates these aligned accesses; memcpy keeps the compiler honest about
 * aliasing and compiles to one mov, like the JIT's Unsafe accesses behind MemorySegment.get/set. */
static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
/* Ring indices and flags shared with the other side: C11 atomics on the ring memory itself. */
static inline uint16_t ld16_acquire(uint8_t *p) {
    return atomic_load_explicit((_Atomic uint16_t *) (void *) p, memory_order_acquire);
}
static inline void st16_release(uint8_t *p, uint16_t v) {
    atomic_store_explicit((_Atomic uint16_t *) (void *) p, v, memory_order_release);
}
/* What VarHandle.fullFence() is on x86-64 (gcc emits a locked or to the stack, HotSpot a locked add). */
static inline void full_fence(void) { atomic_thread_fence(memory_order_seq_cst); }

/* Wall-clock time like JMH; the CPU-time diagnostic (README) builds with -DP1_CLOCK=CLOCK_THREAD_CPUTIME_ID. */
#ifndef P1_CLOCK
#define P1_CLOCK CLOCK_MONOTONIC
#endif

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(P1_CLOCK, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

/* A whole decimal argument in [1, max]; anything else (sign, trailing text, overflow) is refused. */
static inline bool positive_arg(const char *s, long max, long *out) {
    if (*s < '0' || *s > '9') return false;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > max) return false;
    *out = v;
    return true;
}

/* Prints one row's timed runs (ns per chain, run order; the report pools these from several invocations),
 * then sorts them and prints their median, min and max and the chains per run. */
static inline void print_runs(const char *row, double *ns, int runs, long chains_per_run) {
    printf("%s.runs_ns_per_chain=", row);
    for (int i = 0; i < runs; i++) printf(i ? ",%.3f" : "%.3f", ns[i]);
    printf("\n");
    qsort(ns, (size_t) runs, sizeof *ns, cmp_double);
    double median = runs % 2 ? ns[runs / 2] : (ns[runs / 2 - 1] + ns[runs / 2]) / 2;
    printf("%s.ns_per_chain=%.3f\n", row, median);
    printf("%s.min_ns_per_chain=%.3f\n", row, ns[0]);
    printf("%s.max_ns_per_chain=%.3f\n", row, ns[runs - 1]);
    printf("%s.chains_per_run=%ld\n", row, chains_per_run);
    fflush(stdout);
}

#endif
