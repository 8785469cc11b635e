/*
 * P2 baseline: the round-trip time of one cache line bounced between two threads, each on its own
 * core, both busy polling. This is the floor for any polled request/response between a driver
 * thread and a device thread on this machine: an admin command needs at least one such round trip.
 *
 * Output (key=value, one per line): rounds, p50_ns, p99_ns, mean_ns.
 * Usage: pingpong [rounds] [warmup]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct line {
    _Alignas(64) _Atomic uint64_t ping;   /* written by the driver thread */
    _Alignas(64) _Atomic uint64_t pong;   /* written by the device thread */
};

static struct line shared;
static long total_rounds;

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set); /* best effort */
}

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void *device(void *arg) {
    (void) arg;
    pin(1);
    for (uint64_t seq = 1; seq <= (uint64_t) total_rounds; seq++) {
        while (atomic_load_explicit(&shared.ping, memory_order_acquire) != seq) {
            __builtin_ia32_pause();
        }
        atomic_store_explicit(&shared.pong, seq, memory_order_release);
    }
    return NULL;
}

static int cmp(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 2000000;
    long warmup = argc > 2 ? atol(argv[2]) : 200000;
    if (rounds <= 0 || warmup < 0) {
        fprintf(stderr, "usage: pingpong [rounds>0] [warmup>=0]\n");
        return 2;
    }
    total_rounds = rounds + warmup;
    uint64_t *samples = malloc(sizeof(uint64_t) * (size_t) rounds);
    if (!samples) {
        perror("malloc");
        return 1;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, device, NULL) != 0) {
        perror("pthread_create");
        return 1;
    }
    pin(0);
    double sum = 0;
    for (uint64_t seq = 1; seq <= (uint64_t) total_rounds; seq++) {
        uint64_t t0 = now_ns();
        atomic_store_explicit(&shared.ping, seq, memory_order_release);
        while (atomic_load_explicit(&shared.pong, memory_order_acquire) != seq) {
            __builtin_ia32_pause();
        }
        uint64_t dt = now_ns() - t0;
        if (seq > (uint64_t) warmup) {
            samples[seq - warmup - 1] = dt;
            sum += (double) dt;
        }
    }
    pthread_join(t, NULL);
    qsort(samples, (size_t) rounds, sizeof samples[0], cmp);
    printf("rounds=%ld\np50_ns=%llu\np99_ns=%llu\nmean_ns=%.1f\n", rounds,
           (unsigned long long) samples[rounds / 2],
           (unsigned long long) samples[(long) (rounds * 0.99)], sum / (double) rounds);
    free(samples);
    return 0;
}
