/*
 * P1 floor, C side: the memory-ordering skeleton of one unbatched split-ring cycle (the twin of
 * benchmarks/.../FloorRig.java). Driver: compare-write the head's descriptor, store the avail slot, release
 * avail idx, full fence, read the used flags. Device: acquire avail idx, read the slot and the descriptor,
 * acquire avail idx again (the empty pop), store the used element, release used idx, full fence, read the
 * avail flags. Driver: acquire used idx, read the element. Nothing else: no free list, no checks of the
 * values beyond what keeps both sides honest, no IOMMU. The P1 report puts the Java skeleton over
 * MemorySegments and over byte arrays beside this one, to show how much of P1's unbatched Java/C gap the
 * memory access itself accounts for.
 *
 * Output: the key=value lines of p1cycle for the one row floor.batch1.
 * Usage: p1floor [runs [cycles_per_run]]   (also accepts --row floor.batch1 first, as the report calls it)
 */
#define _GNU_SOURCE
#include "p1common.h"

#define SIZE 256
#define BUFFER_BASE 0x100000L
#define ROW "floor.batch1"

struct floor_rig {
    uint8_t *desc, *avail, *used;
    int avail_idx, last_avail, used_idx, last_used;
};

static _Noreturn void fail(const char *what) {
    fprintf(stderr, "p1floor: %s\n", what);
    exit(1);
}

/* Not inlined: the Java side is one benchmark-method call per cycle too. */
__attribute__((noinline)) static long floor_cycle(struct floor_rig *r) {
    const int head = r->avail_idx & (SIZE - 1);
    const long off = head * 16L;
    const uint64_t addr = BUFFER_BASE + 64L * head;
    const uint64_t word = 64u | 2ull << 32;
    if (ld64(r->desc + off) != addr) st64(r->desc + off, addr);
    if (ld64(r->desc + off + 8) != word) st64(r->desc + off + 8, word);
    st16(r->avail + 4 + 2 * head, (uint16_t) head);
    r->avail_idx = (r->avail_idx + 1) & 0xffff;
    /* Release: the descriptor and the slot before the new avail idx. */
    st16_release(r->avail + 2, (uint16_t) r->avail_idx);
    /* Full fence: the avail idx store before the read of the device's used flags. */
    full_fence();
    long check = ld16(r->used) & 1;
    /* Acquire: avail idx before the slot and the descriptor it publishes. */
    int a = ld16_acquire(r->avail + 2);
    if (a == r->last_avail) fail("device found nothing available");
    const int h = ld16(r->avail + 4 + 2 * (r->last_avail & (SIZE - 1)));
    const uint64_t d_addr = ld64(r->desc + h * 16L);
    const uint64_t d_word = ld64(r->desc + h * 16L + 8);
    r->last_avail = (r->last_avail + 1) & 0xffff;
    /* Acquire: the second look at avail idx, the engine's empty pop. */
    a = ld16_acquire(r->avail + 2);
    if (a != r->last_avail || d_addr != (uint64_t) (BUFFER_BASE + 64L * h)) fail("device found more or another buffer");
    st64(r->used + 4 + 8 * (r->used_idx & (SIZE - 1)), (uint32_t) h | (d_word & 0xffffffffu) << 32);
    r->used_idx = (r->used_idx + 1) & 0xffff;
    /* Release: the used element before the new used idx. */
    st16_release(r->used + 2, (uint16_t) r->used_idx);
    /* Full fence: the used idx store before the read of the driver's avail flags. */
    full_fence();
    check += ld16(r->avail) & 1;
    /* Acquire: used idx before the element it covers. */
    int u = ld16_acquire(r->used + 2);
    if (u == r->last_used) fail("driver found nothing used");
    const uint64_t elem = ld64(r->used + 4 + 8 * (r->last_used & (SIZE - 1)));
    r->last_used = (r->last_used + 1) & 0xffff;
    if ((int) (uint32_t) elem != head) fail("used id differs from the head");
    return check + (long) (elem >> 32);
}

static int usage(const char *problem) {
    fprintf(stderr, "p1floor: %s\nusage: p1floor [--row " ROW "] [runs>0 [cycles_per_run>0]]\n", problem);
    return 1;
}

static volatile long sink;

int main(int argc, char **argv) {
    int arg = 1;
    if (argc > 1 && strcmp(argv[1], "--row") == 0) {
        if (argc < 3 || strcmp(argv[2], ROW) != 0) return usage("the only row is " ROW);
        arg = 3;
    }
    long runs = 15, cycles = 2000000;
    if (argc - arg > 2) return usage("too many arguments");
    if (argc - arg > 0 && !positive_arg(argv[arg], 1000000, &runs)) return usage("runs must be a whole number > 0");
    if (argc - arg > 1 && !positive_arg(argv[arg + 1], 1000000000000L, &cycles)) {
        return usage("cycles_per_run must be a whole number > 0");
    }
    struct floor_rig r = {0};
    r.desc = aligned_alloc(4096, 4096);
    r.avail = aligned_alloc(4096, 4096);
    r.used = aligned_alloc(4096, 4096 * 2);
    double *ns = malloc(sizeof(double) * (size_t) runs);
    if (!r.desc || !r.avail || !r.used || !ns) fail("out of memory");
    memset(r.desc, 0, 4096);
    memset(r.avail, 0, 4096);
    memset(r.used, 0, 4096 * 2);
    long warmup = runs / 4 + 1;
    for (long run = -warmup; run < runs; run++) {
        long sum = 0;
        uint64_t t0 = now_ns();
        for (long c = 0; c < cycles; c++) sum += floor_cycle(&r);
        uint64_t t1 = now_ns();
        if (sum != cycles * 64) fail("checksum mismatch");
        sink += sum;
        if (run >= 0) ns[run] = (double) (t1 - t0) / (double) cycles;
    }
    printf("program=p1floor\nqueue_size=%d\nbuffer_bytes=64\nruns=%ld\nstatistic=median\nrow=" ROW "\n", SIZE, runs);
    print_runs(ROW, ns, (int) runs, cycles);
    free(ns);
    free(r.desc);
    free(r.avail);
    free(r.used);
    return (int) (sink & 0);
}
