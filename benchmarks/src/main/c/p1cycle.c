/*
 * P1 baseline: the virtqueue cycle of benchmarks/.../P1CycleBenchmark.java, in C.
 *
 * One thread plays driver and device: add `batch` one-descriptor chains (each a 64-byte device-writable
 * buffer), publish them with one release store, let the device pop every chain and push it back as used
 * with its full length, publish the used entries with one release store, and let the driver reclaim them.
 * Split and packed rings, batch 1 and batch 32, queue size 256, no ring features negotiated.
 *
 * The code follows the Java implementation step by step so that the two numbers measure the same work:
 *   - driver: the chain builder's checks (length, capacity, region liveness and bounds, chain byte total),
 *     the queue's usable checks (closed, broken, and ring memory alive: once per operation, as the Java
 *     queues check their ring's lifetime now that ring accesses go through the one DMA-space segment),
 *     the split free list threaded through the descriptors' next fields or the packed free-id stack,
 *     per-head/per-id token, slot count, writable length and in-flight flag, the record of chains added
 *     since the last publish; used elements are checked (idx jump, id range, id in flight, id made
 *     available, len <= writable);
 *   - device: ring memory alive (once per operation), avail idx jump, head range, head/id reuse,
 *     descriptor loop bound, INDIRECT refusal, readable after writable, 2^32-byte chains, IOMMU
 *     translation of every buffer (binary search in a sorted mapping table with range and access checks,
 *     like dev.jvirtio.dma.SoftwareIommu), push checks;
 *   - ordering: release store of avail idx / the batch's first head flags, acquire load on the other
 *     side, and a full fence (seq_cst) between publishing and reading the other side's suppression
 *     fields, exactly where the Java code has setRelease / getAcquire / VarHandle.fullFence.
 * Remaining differences (see benchmarks/README.md): C calls the split/packed functions directly where
 * Java calls interfaces (HotSpot devirtualises monomorphic sites behind a class check); Java adds the
 * bounds and liveness checks of MemorySegment accesses, which are part of what P1 measures.
 *
 * Output: key=value lines; per row <ring>.<batch>.ns_per_chain (median of the runs), min/max, chains_per_run
 * and runs_ns_per_chain (every timed run, comma-separated, in run order; the P1 report pools these).
 * Usage: p1cycle [runs [chains_per_run]]                     every row, in table order
 *        p1cycle --row <ring>.<batch> [runs [chains_per_run]]  one row (e.g. split.batch1)
 *        p1cycle --self-test
 */
#define _GNU_SOURCE
#include "p1common.h"

#define QUEUE_SIZE 256
#define BUFFER_BYTES 64
#define MAX_BATCH 64
#define PAGE 4096u
#define NONE (-1L)
#define NO_SPACE (-1)
#define MAX_CHAIN_BYTES 0xffffffffull
#define FREE (-1L) /* token / writable slot of a head or id that is not in flight */

static _Noreturn void fail(const char *what, long a, long b) {
    fprintf(stderr, "p1cycle: %s (%ld, %ld)\n", what, a, b);
    exit(2);
}

/* Faults the self-test provokes: instead of exiting, the driver records them (the Java queue throws and
 * marks itself broken). */
enum fault { F_NONE, F_USED_IDX_JUMP, F_USED_ID_RANGE, F_USED_ID_NOT_IN_FLIGHT, F_USED_LEN, F_USED_ID_NOT_AVAILABLE };
static const char *fault_name[] = {"none", "used_idx_jump", "used_id_out_of_range", "used_id_not_in_flight",
                                   "used_len_too_large", "used_id_not_available"};

/* ------------------------------------------------------------------ software IOMMU and DMA regions */

enum access { ACC_READ, ACC_WRITE, ACC_READ_WRITE };
#define MAX_MAPPINGS 8
struct iommu_table {
    int n;
    uint64_t first[MAX_MAPPINGS];
    uint64_t last[MAX_MAPPINGS];
    uint8_t *memory[MAX_MAPPINGS];
    enum access access[MAX_MAPPINGS];
};
struct iommu {
    struct iommu_table *_Atomic table; /* an immutable snapshot, like SoftwareIommu's volatile table */
    atomic_bool closed;
};

static bool permits(enum access have, enum access want) { return have == ACC_READ_WRITE || have == want; }

/* One-entry translation cache (DeviceMemory.Translation's cached mapping): valid while the table snapshot
 * it came from is the current one. */
struct tlb {
    const struct iommu_table *table; /* NULL: empty */
    uint64_t first, last;
    enum access access;
    uint8_t *memory;
};

/* The full lookup of SoftwareIommu.translateMiss: binary search, range and access checks; fills the cache. */
static bool iommu_translate_miss(struct iommu *m, struct iommu_table *t, uint64_t iova, int64_t len,
                                 enum access want, uint8_t **out, struct tlb *c) {
    if (atomic_load_explicit(&m->closed, memory_order_acquire)) return false;
    if ((int64_t) iova < 0 || len < 0 || (int64_t) (iova + len) < (int64_t) iova) return false;
    int lo = 0, hi = t->n - 1, found = -1;
    while (lo <= hi) {
        int mid = (int) ((unsigned) (lo + hi) >> 1);
        if (t->first[mid] <= iova) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found < 0 || iova > t->last[found]) return false;
    if (len > 0 && iova + len - 1 > t->last[found]) return false;
    if (!permits(t->access[found], want)) return false;
    *out = t->memory[found] + (iova - t->first[found]);
    if (c) *c = (struct tlb) {t, t->first[found], t->last[found], t->access[found], t->memory[found]};
    return true;
}

/* Resolves [iova, iova+len) to host memory; returns false where SoftwareIommu.translate would throw. A cache
 * hit re-checks what the full lookup would (current snapshot, range inside the mapping, access). */
static inline bool iommu_translate(struct iommu *m, uint64_t iova, int64_t len, enum access want, uint8_t **out,
                                   struct tlb *c) {
    struct iommu_table *t = atomic_load_explicit(&m->table, memory_order_acquire);
    if (c && c->table == t) {
        int64_t room = (int64_t) (c->last - iova);
        if (iova >= c->first && room >= 0 && len >= 0 && len - 1 <= room && permits(c->access, want)) {
            *out = c->memory + (iova - c->first);
            return true;
        }
    }
    return iommu_translate_miss(m, t, iova, len, want, out, c);
}

/* A mapped region: CPU memory, its IOVA, and a shared lifetime flag (DmaRegion's volatile closed). */
struct lifetime { atomic_bool closed; };
struct region { uint8_t *mem; uint64_t iova; uint64_t size; struct lifetime *life; };

/* DmaRegion.iova(offset, length): liveness and bounds check. */
static inline uint64_t region_iova(const struct region *r, int64_t off, int64_t len) {
    /* Relaxed, as DmaRegion.iova(offset, length) reads the flag in plain mode (no acquire barrier). */
    if (atomic_load_explicit(&r->life->closed, memory_order_relaxed)) fail("region closed", 0, 0);
    if (off < 0 || len < 0 || off > (int64_t) r->size - len) fail("range outside region", off, len);
    return r->iova + (uint64_t) off;
}

/* ------------------------------------------------------------------ chain builder (ChainBuilder) */

struct chain_builder {
    uint64_t bufs[2 * QUEUE_SIZE]; /* [2i] iova, [2i+1] length, as ChainBuilder.bufs */
    int count, readable_count;
    int64_t total_bytes, writable_bytes;
};

static inline void cb_clear(struct chain_builder *b) {
    b->count = 0; b->readable_count = 0; b->total_bytes = 0; b->writable_bytes = 0;
}

static inline void cb_add(struct chain_builder *b, const struct region *r, int64_t off, int64_t len) {
    if (len <= 0 || len > (int64_t) MAX_CHAIN_BYTES) fail("buffer length", len, 0);
    if (b->count == QUEUE_SIZE) fail("chain too long", b->count, 0);
    uint64_t iova = region_iova(r, off, len);
    if (b->total_bytes + len > (int64_t) MAX_CHAIN_BYTES) fail("chain of 2^32 bytes", b->total_bytes, len);
    b->bufs[2 * b->count] = iova;
    b->bufs[2 * b->count + 1] = (uint64_t) len;
    b->count++;
    b->total_bytes += len;
}

static inline void cb_writable(struct chain_builder *b, const struct region *r, int64_t off, int64_t len) {
    cb_add(b, r, off, len);
    b->writable_bytes += len;
}

static inline void cb_check_commit(const struct chain_builder *b, long token) {
    if (b->count == 0) fail("empty chain", 0, 0);
    if (token < 0) fail("negative token", token, 0);
}

/* ------------------------------------------------------------------ device chain (DeviceChain) */

struct device_chain {
    uint64_t bufs[2 * QUEUE_SIZE]; /* [2i] iova, [2i+1] length (DeviceChain.bufs, which also keeps the offset) */
    uint8_t *buffers[QUEUE_SIZE];
    int id, count, readable_count;
    int64_t readable_bytes, writable_bytes;
    struct tlb tlb;
};

static inline void dc_reset(struct device_chain *c) {
    c->count = 0; c->readable_count = 0; c->readable_bytes = 0; c->writable_bytes = 0; c->id = -1;
}

static inline void dc_store(struct device_chain *c, struct iommu *m, uint64_t iova, uint32_t length, bool writable);

/* DeviceChain.add: protocol checks, then the IOMMU translation of the buffer. */
static inline void dc_add(struct device_chain *c, struct iommu *m, uint64_t iova, uint32_t length, bool writable,
                          long where) {
    if (c->count == QUEUE_SIZE) fail("driver fault: chain longer than the queue", where, 0);
    if (!writable && c->readable_count != c->count) fail("driver fault: readable after writable", where, 0);
    int64_t len = length;
    if (c->readable_bytes + c->writable_bytes + len > (int64_t) MAX_CHAIN_BYTES) fail("driver fault: 2^32", where, 0);
    dc_store(c, m, iova, length, writable);
}

/* DeviceChain.single: makes the chain one buffer with this id outright (no reset first); a lone buffer's shape
   checks cannot fail. */
static inline void dc_single(struct device_chain *c, struct iommu *m, int id, uint64_t iova, uint32_t length,
                             bool writable) {
    int64_t len = length;
    uint8_t *p = NULL;
    if (len > 0 && !iommu_translate(m, iova, len, writable ? ACC_WRITE : ACC_READ, &p, &c->tlb)) {
        fail("driver fault: buffer refused by the IOMMU", (long) iova, len);
    }
    c->bufs[0] = iova;
    c->bufs[1] = length;
    c->buffers[0] = p;
    c->id = id;
    c->count = 1;
    if (writable) {
        c->readable_count = 0; c->readable_bytes = 0; c->writable_bytes = len;
    } else {
        c->readable_count = 1; c->readable_bytes = len; c->writable_bytes = 0;
    }
}

static inline void dc_store(struct device_chain *c, struct iommu *m, uint64_t iova, uint32_t length, bool writable) {
    int64_t len = length;
    uint8_t *p = NULL;
    if (len > 0 && !iommu_translate(m, iova, len, writable ? ACC_WRITE : ACC_READ, &p, &c->tlb)) {
        fail("driver fault: buffer refused by the IOMMU", (long) iova, len);
    }
    c->bufs[2 * c->count] = iova;
    c->bufs[2 * c->count + 1] = length;
    c->buffers[c->count] = p;
    c->count++;
    if (writable) { c->writable_bytes += len; } else { c->readable_count++; c->readable_bytes += len; }
}

/* ================================================================== split ring (virtio 1.3 2.7) */

#define S_DESC_SIZE 16
#define S_F_NEXT 1
#define S_F_WRITE 2
#define S_F_INDIRECT 4
#define S_AVAIL_FLAGS 0
#define S_AVAIL_IDX 2
#define S_AVAIL_RING 4
#define S_AVAIL_F_NO_INTERRUPT 1
#define S_USED_FLAGS 0
#define S_USED_IDX 2
#define S_USED_RING 4
#define S_USED_F_NO_NOTIFY 1

static uint64_t s_desc_size(int n) { return (uint64_t) S_DESC_SIZE * n; }
static uint64_t s_avail_size(int n) { return 6 + 2 * (uint64_t) n; }
static uint64_t s_used_off(int n) { return (s_desc_size(n) + s_avail_size(n) + 63) & ~(uint64_t) 63; }
static uint64_t s_total(int n) { return s_used_off(n) + 6 + 8 * (uint64_t) n; }

struct split_driver {
    int size, mask;
    uint8_t *desc, *avail, *used;
    struct chain_builder builder;
    int free_next[QUEUE_SIZE];
    /* Per head, as SplitVirtqueue.heads: [2h] token or FREE; [2h+1] writable | held << 32 | tail << 48. */
    int64_t heads[2 * QUEUE_SIZE];
    /* As SplitVirtqueue.availHeads: the driver's own copy of the avail slots, read only for the entries
     * added since the last publish (a used element naming one of them is refused). */
    int avail_heads[QUEUE_SIZE];
    int free_head, free_tail, num_free, in_flight_count;
    int avail_idx, published_idx, last_used_idx, seen_used_idx;
    uint32_t last_len;
    int last_id;
    bool closed;
    enum fault broken;
    /* The ring memory's lifetime, checked once per operation as the Java queues check their ring scope. */
    const struct lifetime *ring_life;
};

static void split_driver_init(struct split_driver *q, uint8_t *ring) {
    memset(q, 0, sizeof *q);
    q->size = QUEUE_SIZE;
    q->mask = QUEUE_SIZE - 1;
    q->desc = ring;
    q->avail = ring + s_desc_size(QUEUE_SIZE);
    q->used = ring + s_used_off(QUEUE_SIZE);
    for (int i = 0; i < QUEUE_SIZE - 1; i++) q->free_next[i] = i + 1;
    q->free_next[QUEUE_SIZE - 1] = 0;
    q->free_tail = QUEUE_SIZE - 1;
    for (int h = 0; h < QUEUE_SIZE; h++) q->heads[2 * h] = FREE;
    q->num_free = QUEUE_SIZE;
    q->last_id = -1;
    /* Used-buffer notifications off, as the Java queue starts (it polls). */
    st16(q->avail + S_AVAIL_FLAGS, S_AVAIL_F_NO_INTERRUPT);
}

static inline void split_check_usable(const struct split_driver *q) {
    if (q->closed) fail("queue closed", 0, 0);
    if (q->broken != F_NONE) fail("queue broken", q->broken, 0);
    if (atomic_load_explicit(&q->ring_life->closed, memory_order_relaxed)) fail("ring memory freed", 0, 0);
}

static inline struct chain_builder *split_begin(struct split_driver *q) {
    split_check_usable(q);
    cb_clear(&q->builder);
    return &q->builder;
}

static inline void split_write_desc(uint8_t *d, uint64_t addr, uint32_t len, int flags, int next) {
    /* len, flags and next share one aligned little-endian 8-byte word (as SplitVirtqueue writes them);
       like SplitVirtqueue.writeDesc, a word that already holds the value is not stored again. */
    const uint64_t word = (uint64_t) len | (uint64_t) flags << 32 | (uint64_t) next << 48;
    if (ld64(d) != addr) st64(d, addr);
    if (ld64(d + 8) != word) st64(d + 8, word);
}

static inline int split_finish_commit(struct split_driver *q, long token, int head, int d, int needed);

static inline int split_commit(struct split_driver *q, long token) {
    struct chain_builder *b = &q->builder;
    cb_check_commit(b, token);
    split_check_usable(q);
    const int n = b->count;
    if (n == 1) {
        /* SplitVirtqueue.commitChain's fast path: one descriptor without NEXT. */
        if (q->num_free == 0) return NO_SPACE;
        const int head = q->free_head;
        split_write_desc(q->desc + (uint64_t) S_DESC_SIZE * head, b->bufs[0], (uint32_t) b->bufs[1],
                         b->readable_count == 0 ? S_F_WRITE : 0, 0);
        q->free_head = q->free_next[head];
        return split_finish_commit(q, token, head, head, 1);
    }
    const int needed = n; /* no indirect descriptors negotiated */
    if (needed > q->num_free) return NO_SPACE;
    const int head = q->free_head;
    int d = head;
    for (int i = 0; i < n; i++) {
        bool more = i + 1 < n;
        int flags = (i >= b->readable_count ? S_F_WRITE : 0) | (more ? S_F_NEXT : 0);
        split_write_desc(q->desc + (uint64_t) S_DESC_SIZE * d, b->bufs[2 * i], (uint32_t) b->bufs[2 * i + 1], flags,
                         more ? q->free_next[d] : 0);
        if (more) d = q->free_next[d];
    }
    q->free_head = q->free_next[d];
    return split_finish_commit(q, token, head, d, needed);
}

/* SplitVirtqueue.finishCommit: bookkeeping, then the (unpublished) avail ring slot. */
static inline int split_finish_commit(struct split_driver *q, long token, int head, int d, int needed) {
    struct chain_builder *b = &q->builder;
    q->num_free -= needed;
    q->heads[2 * head] = token;
    q->heads[2 * head + 1] = (int64_t) ((uint64_t) (uint32_t) b->writable_bytes | (uint64_t) needed << 32
                                        | (uint64_t) d << 48);
    q->in_flight_count++;
    /* Plain store: published by the release store of avail idx. */
    st16(q->avail + S_AVAIL_RING + 2 * (q->avail_idx & q->mask), (uint16_t) head);
    q->avail_heads[q->avail_idx & q->mask] = head;
    q->avail_idx = (q->avail_idx + 1) & 0xffff;
    cb_clear(b);
    return head;
}

static inline bool split_publish(struct split_driver *q) {
    split_check_usable(q);
    const int new_idx = q->avail_idx, old_idx = q->published_idx;
    if (new_idx == old_idx) return false;
    /* Release: descriptors and avail slots before avail idx (2.7.13.3.1). */
    st16_release(q->avail + S_AVAIL_IDX, (uint16_t) new_idx);
    q->published_idx = new_idx;
    /* Full fence: avail idx visible before reading used flags (2.7.13.4.1). */
    full_fence();
    return (ld16(q->used + S_USED_FLAGS) & S_USED_F_NO_NOTIFY) == 0;
}

/* SplitVirtqueue.isUnpublished: whether head id was added after the last publish. */
static bool split_unpublished(const struct split_driver *q, int id) {
    for (int i = q->published_idx; i != q->avail_idx; i = (i + 1) & 0xffff) {
        if (q->avail_heads[i & q->mask] == id) return true;
    }
    return false;
}

/* Returns the token, NONE, or NONE with q->broken set when the device wrote something impossible. */
static inline long split_poll(struct split_driver *q) {
    split_check_usable(q);
    const int last = q->last_used_idx;
    if (last == q->seen_used_idx) {
        /* Acquire: used idx before the used elements it covers (2.7.14). */
        int u = ld16_acquire(q->used + S_USED_IDX);
        if (u == last) return NONE;
        int pending = (u - last) & 0xffff;
        /* At most the chains made available and not yet used can complete. */
        if (pending > ((q->published_idx - last) & 0xffff)) { q->broken = F_USED_IDX_JUMP; return NONE; }
        q->seen_used_idx = u;
    }
    /* id and len in one (unaligned) 8-byte load, as the Java driver reads them. */
    uint64_t elem = ld64(q->used + S_USED_RING + 8 * (uint64_t) (last & q->mask));
    uint32_t id = (uint32_t) elem;
    uint32_t len = (uint32_t) (elem >> 32);
    if (id >= (uint32_t) q->size) { q->broken = F_USED_ID_RANGE; return NONE; }
    const int64_t token = q->heads[2 * id];
    const uint64_t meta = (uint64_t) q->heads[2 * id + 1];
    if (token == FREE) { q->broken = F_USED_ID_NOT_IN_FLIGHT; return NONE; }
    if (len > (uint32_t) meta) { q->broken = F_USED_LEN; return NONE; }
    if (q->avail_idx != q->published_idx && split_unpublished(q, (int) id)) {
        q->broken = F_USED_ID_NOT_AVAILABLE;
        return NONE;
    }
    q->last_used_idx = (last + 1) & 0xffff;
    q->heads[2 * id] = FREE;
    q->in_flight_count--;
    /* FIFO, as SplitVirtqueue: freed chains join the end of the free list. */
    if (q->num_free == 0) q->free_head = (int) id; else q->free_next[q->free_tail] = (int) id;
    q->free_tail = (int) (meta >> 48);
    q->num_free += (int) (meta >> 32) & 0xffff;
    q->last_len = len;
    q->last_id = (int) id;
    return token;
}

struct split_device {
    struct iommu *memory;
    int size, mask;
    uint8_t *desc, *avail, *used;
    struct device_chain chain;
    int64_t writable[QUEUE_SIZE]; /* FREE when the head is not in flight (SplitDeviceQueue.writable) */
    int last_avail_idx, seen_avail_idx, used_idx, published_used_idx, in_flight_count;
    bool broken;
    /* The driver's ring memory lifetime, checked once per operation (PackedDeviceQueue/SplitDeviceQueue.ringAlive). */
    const struct lifetime *ring_life;
};

static void split_device_init(struct split_device *d, struct iommu *m, uint64_t desc_iova, uint64_t avail_iova,
                              uint64_t used_iova) {
    memset(d, 0, sizeof *d);
    d->memory = m;
    d->size = QUEUE_SIZE;
    d->mask = QUEUE_SIZE - 1;
    for (int h = 0; h < QUEUE_SIZE; h++) d->writable[h] = FREE;
    /* The ring areas are translated once, when the queue is enabled. */
    if (!iommu_translate(m, desc_iova, (int64_t) s_desc_size(QUEUE_SIZE), ACC_READ, &d->desc, NULL)
        || !iommu_translate(m, avail_iova, (int64_t) s_avail_size(QUEUE_SIZE), ACC_READ, &d->avail, NULL)
        || !iommu_translate(m, used_iova, 6 + 8 * QUEUE_SIZE, ACC_READ_WRITE, &d->used, NULL)) {
        fail("ring area refused by the IOMMU", 0, 0);
    }
}

static inline void split_dev_check(const struct split_device *d) {
    if (d->broken) fail("device queue broken", 0, 0);
    if (atomic_load_explicit(&d->ring_life->closed, memory_order_relaxed)) fail("ring memory freed", 0, 0);
}

/* SplitDeviceQueue.walk: the general walk; addr and word are the head descriptor's. */
static void split_walk(struct split_device *d, int head, uint64_t addr, uint64_t word) {
    int i = head, visited = 0;
    for (;;) {
        if (++visited > d->size) fail("driver fault: descriptor loop", i, 0);
        if (visited > 1) {
            const uint8_t *p = d->desc + (uint64_t) S_DESC_SIZE * i;
            addr = ld64(p);
            word = ld64(p + 8);
        }
        uint32_t len = (uint32_t) word;
        int flags = (int) (word >> 32) & 0xffff;
        if (flags & S_F_INDIRECT) fail("driver fault: INDIRECT not negotiated", i, 0);
        dc_add(&d->chain, d->memory, addr, len, (flags & S_F_WRITE) != 0, i);
        if (!(flags & S_F_NEXT)) return;
        int next = (int) (word >> 48);
        if (next >= d->size) fail("driver fault: next out of range", i, next);
        i = next;
    }
}

static inline struct device_chain *split_pop(struct split_device *d) {
    split_dev_check(d);
    const int last = d->last_avail_idx;
    if (last == d->seen_avail_idx) {
        /* Acquire: avail idx before the slots and descriptors it publishes (2.7.13.3). */
        int a = ld16_acquire(d->avail + S_AVAIL_IDX);
        if (a == last) return NULL;
        int pending = (a - last) & 0xffff;
        if (pending > d->size) fail("driver fault: avail idx jump", a, pending);
        d->seen_avail_idx = a;
    }
    const int head = ld16(d->avail + S_AVAIL_RING + 2 * (uint64_t) (last & d->mask));
    if (head >= d->size) fail("driver fault: head out of range", head, 0);
    if (d->writable[head] != FREE) fail("driver fault: head in use", head, 0);
    const uint8_t *p = d->desc + (uint64_t) S_DESC_SIZE * head;
    uint64_t addr = ld64(p);
    /* len, flags and next: one aligned little-endian 8-byte word, one load (as the Java device does). */
    uint64_t word = ld64(p + 8);
    int flags = (int) (word >> 32) & 0xffff;
    int64_t writable_bytes;
    if ((flags & (S_F_NEXT | S_F_INDIRECT)) == 0) {
        bool w = (flags & S_F_WRITE) != 0;
        dc_single(&d->chain, d->memory, head, addr, (uint32_t) word, w); /* one-descriptor chain */
        writable_bytes = w ? (int64_t) (uint32_t) word : 0;
    } else {
        dc_reset(&d->chain);
        d->chain.id = head;
        split_walk(d, head, addr, word);
        writable_bytes = d->chain.writable_bytes;
    }
    d->last_avail_idx = (last + 1) & 0xffff;
    d->writable[head] = writable_bytes;
    d->in_flight_count++;
    return &d->chain;
}

static inline void split_push(struct split_device *d, int id, int64_t written) {
    split_dev_check(d);
    /* FREE (-1) fails the length test as well, like SplitDeviceQueue.push's single check. */
    if (id < 0 || id >= d->size || written < 0 || written > d->writable[id]) fail("push of a head not in flight", id, written);
    /* Plain store of id and len together: published by the release store of used idx. */
    st64(d->used + S_USED_RING + 8 * (uint64_t) (d->used_idx & d->mask), (uint32_t) id | (uint64_t) written << 32);
    d->used_idx = (d->used_idx + 1) & 0xffff;
    d->writable[id] = FREE;
    d->in_flight_count--;
}

static inline bool split_publish_used(struct split_device *d) {
    split_dev_check(d);
    const int new_idx = d->used_idx, old_idx = d->published_used_idx;
    if (new_idx == old_idx) return false;
    /* Release: used elements before used idx (2.7.8.2). */
    st16_release(d->used + S_USED_IDX, (uint16_t) new_idx);
    d->published_used_idx = new_idx;
    /* Full fence: used idx visible before reading avail flags. */
    full_fence();
    return (ld16(d->avail + S_AVAIL_FLAGS) & S_AVAIL_F_NO_INTERRUPT) == 0;
}

/* ================================================================== packed ring (virtio 1.3 2.8) */

#define P_DESC_SIZE 16
#define P_F_NEXT 1
#define P_F_WRITE 2
#define P_F_INDIRECT 4
#define P_F_AVAIL (1 << 7)
#define P_F_USED (1 << 15)
#define P_EVENT_FLAGS_ENABLE 0
#define P_EVENT_FLAGS_DISABLE 1
#define P_EVENT_FLAGS_DESC 2
#define P_IDS 65536

static uint64_t p_driver_event_off(int n) { return (uint64_t) P_DESC_SIZE * n; }
static uint64_t p_device_event_off(int n) { return p_driver_event_off(n) + 64; }
static uint64_t p_total(int n) { return p_device_event_off(n) + 4; }

struct packed_driver {
    int size;
    uint8_t *ring, *driver_event, *device_event;
    struct chain_builder builder;
    int free_ids[QUEUE_SIZE];
    /* Per id, as PackedVirtqueue.ids: [2id] token or FREE; [2id+1] writable | slots << 32. */
    int64_t ids[2 * QUEUE_SIZE];
    int free_id_first, free_id_count, num_free, in_flight_count;
    int avail_pos;
    bool avail_wrap;
    int used_pos;
    bool used_wrap;
    int pending_head_pos, pending_head_flags, added_since_publish;
    /* As PackedVirtqueue.pendingIds: the ids added since the last publish. */
    int pending_ids[QUEUE_SIZE];
    int pending_id_count;
    uint32_t last_len;
    int last_id;
    bool closed;
    enum fault broken;
    /* The ring memory's lifetime, checked once per operation as the Java queues check their ring scope. */
    const struct lifetime *ring_life;
};

static void packed_driver_init(struct packed_driver *q, uint8_t *ring) {
    memset(q, 0, sizeof *q);
    q->size = QUEUE_SIZE;
    q->ring = ring;
    q->driver_event = ring + p_driver_event_off(QUEUE_SIZE);
    q->device_event = ring + p_device_event_off(QUEUE_SIZE);
    for (int i = 0; i < QUEUE_SIZE; i++) q->free_ids[i] = i;   /* a FIFO, as PackedVirtqueue's */
    for (int i = 0; i < QUEUE_SIZE; i++) q->ids[2 * i] = FREE;
    q->free_id_first = 0;
    q->free_id_count = QUEUE_SIZE;
    q->num_free = QUEUE_SIZE;
    q->avail_wrap = true;
    q->used_wrap = true;
    q->pending_head_pos = -1;
    q->last_id = -1;
    st16(q->driver_event + 2, P_EVENT_FLAGS_DISABLE); /* used-buffer notifications off: the driver polls */
}

static inline void packed_check_usable(const struct packed_driver *q) {
    if (q->closed) fail("queue closed", 0, 0);
    if (q->broken != F_NONE) fail("queue broken", q->broken, 0);
    if (atomic_load_explicit(&q->ring_life->closed, memory_order_relaxed)) fail("ring memory freed", 0, 0);
}

static inline struct chain_builder *packed_begin(struct packed_driver *q) {
    packed_check_usable(q);
    cb_clear(&q->builder);
    return &q->builder;
}

static inline int avail_bits(bool wrap) { return wrap ? P_F_AVAIL : P_F_USED; }

/* The oldest free buffer id (PackedVirtqueue.takeId); the caller checked that one is free. */
static inline int packed_take_id(struct packed_driver *q) {
    const int id = q->free_ids[q->free_id_first];
    q->free_id_first = q->free_id_first + 1 == q->size ? 0 : q->free_id_first + 1;
    q->free_id_count--;
    return id;
}

static inline int packed_commit(struct packed_driver *q, long token) {
    struct chain_builder *b = &q->builder;
    cb_check_commit(b, token);
    packed_check_usable(q);
    const int n = b->count;
    const int needed = n; /* no indirect descriptors negotiated */
    if (needed > q->num_free || q->free_id_count == 0) return NO_SPACE;
    const int id = packed_take_id(q);
    const int head_pos = q->avail_pos;
    int pos = q->avail_pos;
    bool wrap = q->avail_wrap;
    int head_flags = 0;
    for (int i = 0; i < n; i++) {
        int flags = (i >= b->readable_count ? P_F_WRITE : 0) | (i + 1 < n ? P_F_NEXT : 0) | avail_bits(wrap);
        uint8_t *d = q->ring + (uint64_t) P_DESC_SIZE * pos;
        if (i == 0) {
            /* Head: everything but the flags, which the batch's release store or a later plain store sets. */
            st64(d, b->bufs[2 * i]);
            st32(d + 8, (uint32_t) b->bufs[2 * i + 1]);
            st16(d + 12, (uint16_t) id);
            head_flags = flags;
        } else {
            st64(d, b->bufs[2 * i]);
            st64(d + 8, (uint64_t) (uint32_t) b->bufs[2 * i + 1] | (uint64_t) (id & 0xffff) << 32 | (uint64_t) (flags & 0xffff) << 48);
        }
        if (++pos == q->size) { pos = 0; wrap = !wrap; }
    }
    q->avail_pos = pos;
    q->avail_wrap = wrap;
    q->num_free -= needed;
    q->ids[2 * id] = token;
    q->ids[2 * id + 1] = (int64_t) ((uint64_t) (uint32_t) b->writable_bytes | (uint64_t) needed << 32);
    q->in_flight_count++;
    q->added_since_publish += needed;
    q->pending_ids[q->pending_id_count++] = id;
    if (q->pending_head_pos < 0) {
        q->pending_head_pos = head_pos; /* the batch's first head: released by publish */
        q->pending_head_flags = head_flags;
    } else {
        /* Plain store: the device cannot pass the batch's first head before it is released. */
        st16(q->ring + (uint64_t) P_DESC_SIZE * head_pos + 14, (uint16_t) head_flags);
    }
    cb_clear(b);
    return id;
}

/* PackedVirtqueue.isUnpublished: whether buffer id was added after the last publish. */
static bool packed_unpublished(const struct packed_driver *q, int id) {
    for (int i = 0; i < q->pending_id_count; i++) {
        if (q->pending_ids[i] == id) return true;
    }
    return false;
}

static inline bool packed_publish(struct packed_driver *q) {
    packed_check_usable(q);
    if (q->pending_head_pos < 0) return false;
    /* Release: the whole batch before the first head's flags (2.8.21.1). */
    st16_release(q->ring + (uint64_t) P_DESC_SIZE * q->pending_head_pos + 14, (uint16_t) q->pending_head_flags);
    q->pending_head_pos = -1;
    q->added_since_publish = 0; /* only read with EVENT_IDX, which is not negotiated here */
    q->pending_id_count = 0;
    /* Full fence: flags visible before reading the device event suppression structure (2.8.21.2). */
    full_fence();
    uint32_t word = ld32(q->device_event);
    int flags = (int) (word >> 16) & 0x3;
    if (flags == P_EVENT_FLAGS_DISABLE) return false;
    return true; /* ENABLE (DESC needs EVENT_IDX) */
}

static inline long packed_poll(struct packed_driver *q) {
    packed_check_usable(q);
    uint8_t *d = q->ring + (uint64_t) P_DESC_SIZE * q->used_pos;
    /* Acquire: flags before id and len of the same descriptor (2.8.22). */
    const int f = ld16_acquire(d + 14);
    const int want = q->used_wrap ? (P_F_AVAIL | P_F_USED) : 0;
    if ((f & (P_F_AVAIL | P_F_USED)) != want) return NONE;
    /* len and id in one 8-byte load (as the Java driver reads them). */
    const uint64_t word = ld64(d + 8);
    const int id = (int) (word >> 32) & 0xffff;
    if (id >= q->size) { q->broken = F_USED_ID_RANGE; return NONE; }
    const int64_t token = q->ids[2 * id];
    const uint64_t meta = (uint64_t) q->ids[2 * id + 1];
    const uint32_t writable = (uint32_t) meta;
    /* len counts when WRITE is set or the chain has writable buffers (QEMU omits WRITE; see PackedVirtqueue.poll). */
    const uint32_t len = (f & P_F_WRITE) || writable != 0 ? (uint32_t) word : 0;
    if (token == FREE) { q->broken = F_USED_ID_NOT_IN_FLIGHT; return NONE; }
    if (len > writable) { q->broken = F_USED_LEN; return NONE; }
    if (q->pending_id_count != 0 && packed_unpublished(q, id)) { q->broken = F_USED_ID_NOT_AVAILABLE; return NONE; }
    const int n = (int) (meta >> 32) & 0xffff;
    int p = q->used_pos + n;
    if (p >= q->size) { p -= q->size; q->used_wrap = !q->used_wrap; }
    q->used_pos = p;
    q->num_free += n;
    q->ids[2 * id] = FREE;
    q->in_flight_count--;
    int end = q->free_id_first + q->free_id_count;
    q->free_ids[end >= q->size ? end - q->size : end] = id;
    q->free_id_count++;
    q->last_len = len;
    q->last_id = id;
    return token;
}

struct packed_device {
    struct iommu *memory;
    int size;
    uint8_t *ring, *driver_event, *device_event;
    struct device_chain chain;
    int64_t held[P_IDS]; /* FREE, or writable | slots << 32 (PackedDeviceQueue.held) */
    int next_avail;
    bool avail_wrap;
    int used_pos;
    bool used_wrap;
    int pending_used_pos, pending_used_flags, used_since_publish, in_flight_count;
    bool broken;
    /* The driver's ring memory lifetime, checked once per operation (PackedDeviceQueue/SplitDeviceQueue.ringAlive). */
    const struct lifetime *ring_life;
};

static void packed_device_init(struct packed_device *d, struct iommu *m, uint64_t ring_iova,
                               uint64_t driver_event_iova, uint64_t device_event_iova) {
    memset(d, 0, sizeof *d);
    d->memory = m;
    d->size = QUEUE_SIZE;
    if (!iommu_translate(m, ring_iova, P_DESC_SIZE * QUEUE_SIZE, ACC_READ_WRITE, &d->ring, NULL)
        || !iommu_translate(m, driver_event_iova, 4, ACC_READ, &d->driver_event, NULL)
        || !iommu_translate(m, device_event_iova, 4, ACC_READ_WRITE, &d->device_event, NULL)) {
        fail("ring area refused by the IOMMU", 0, 0);
    }
    d->avail_wrap = true;
    d->used_wrap = true;
    d->pending_used_pos = -1;
    for (int i = 0; i < P_IDS; i++) d->held[i] = FREE;
}

static inline void packed_dev_check(const struct packed_device *d) {
    if (d->broken) fail("device queue broken", 0, 0);
    if (atomic_load_explicit(&d->ring_life->closed, memory_order_relaxed)) fail("ring memory freed", 0, 0);
}

static inline bool is_avail(int flags, bool wrap) {
    return ((flags & P_F_AVAIL) != 0) == wrap && ((flags & P_F_USED) != 0) != wrap;
}

/* PackedDeviceQueue.popList: the general NEXT-linked list (INDIRECT is not negotiated); returns its length
 * and the buffer id, which is in the last descriptor. */
static int packed_pop_list(struct packed_device *d, int p, int f, int *id_out) {
    if (f & P_F_INDIRECT) fail("driver fault: INDIRECT not negotiated", p, 0);
    int q = p, count = 0, fq = f, last;
    bool w = d->avail_wrap;
    for (;;) {
        if (++count > d->size) fail("driver fault: descriptor list longer than the queue", q, 0);
        if (count > 1) {
            fq = ld16(d->ring + (uint64_t) P_DESC_SIZE * q + 14);
            if (!is_avail(fq, w)) fail("driver fault: NEXT into a descriptor not available", q, 0);
            if (fq & P_F_INDIRECT) fail("driver fault: INDIRECT inside a list", q, 0);
        }
        const uint8_t *e = d->ring + (uint64_t) P_DESC_SIZE * q;
        dc_add(&d->chain, d->memory, ld64(e), ld32(e + 8), (fq & P_F_WRITE) != 0, q);
        last = q;
        if (++q == d->size) { q = 0; w = !w; }
        if (!(fq & P_F_NEXT)) break;
    }
    *id_out = ld16(d->ring + (uint64_t) P_DESC_SIZE * last + 12);
    return count;
}

static inline struct device_chain *packed_pop(struct packed_device *d) {
    packed_dev_check(d);
    const int p = d->next_avail;
    /* Acquire: the head's flags before the rest of its descriptor and list (2.8.21.1). */
    const int f = ld16_acquire(d->ring + (uint64_t) P_DESC_SIZE * p + 14);
    if (!is_avail(f, d->avail_wrap)) return NULL;
    int count, id;
    if ((f & (P_F_NEXT | P_F_INDIRECT)) == 0) {
        /* One-descriptor list: len, id and flags are one little-endian 8-byte word (as the Java device reads). */
        const uint8_t *e = d->ring + (uint64_t) P_DESC_SIZE * p;
        uint64_t word = ld64(e + 8);
        id = (int) (word >> 32) & 0xffff;
        dc_single(&d->chain, d->memory, id, ld64(e), (uint32_t) word, (f & P_F_WRITE) != 0);
        count = 1;
    } else {
        dc_reset(&d->chain);
        count = packed_pop_list(d, p, f, &id);
        d->chain.id = id;
    }
    if (d->held[id] != FREE) fail("driver fault: buffer id in use", id, 0);
    int np = p + count;
    if (np >= d->size) { np -= d->size; d->avail_wrap = !d->avail_wrap; }
    d->next_avail = np;
    d->held[id] = d->chain.writable_bytes | (int64_t) count << 32;
    d->in_flight_count++;
    return &d->chain;
}

static inline void packed_push(struct packed_device *d, int id, int64_t written) {
    packed_dev_check(d);
    const int64_t h = id < 0 || id >= P_IDS ? FREE : d->held[id];
    if (h == FREE || written < 0 || written > (h & 0xffffffff)) fail("push of an id not in flight / bad length", id, written);
    const int slot_count = (int) (h >> 32);
    const int pos = d->used_pos;
    uint8_t *e = d->ring + (uint64_t) P_DESC_SIZE * pos;
    st32(e + 8, (uint32_t) written);
    st16(e + 12, (uint16_t) id);
    int flags = (written > 0 ? P_F_WRITE : 0) | (d->used_wrap ? P_F_AVAIL | P_F_USED : 0);
    if (d->pending_used_pos < 0) {
        d->pending_used_pos = pos;
        d->pending_used_flags = flags;
    } else {
        st16(e + 14, (uint16_t) flags); /* plain: behind the batch's first used descriptor */
    }
    int np = pos + slot_count;
    if (np >= d->size) { np -= d->size; d->used_wrap = !d->used_wrap; }
    d->used_pos = np;
    d->used_since_publish += slot_count;
    d->held[id] = FREE;
    d->in_flight_count--;
}

static inline bool packed_publish_used(struct packed_device *d) {
    packed_dev_check(d);
    if (d->pending_used_pos < 0) return false;
    /* Release: ids, lens and later used descriptors before the first used descriptor's flags. */
    st16_release(d->ring + (uint64_t) P_DESC_SIZE * d->pending_used_pos + 14, (uint16_t) d->pending_used_flags);
    d->pending_used_pos = -1;
    d->used_since_publish = 0;
    /* Full fence: flags visible before reading the driver event suppression structure. */
    full_fence();
    uint32_t word = ld32(d->driver_event);
    int flags = (int) (word >> 16) & 0x3;
    if (flags == P_EVENT_FLAGS_DISABLE) return false;
    return true;
}

/* ================================================================== the rig and the cycle */

struct rig {
    struct iommu iommu;
    struct iommu_table table;
    struct lifetime ring_life, data_life;
    struct region ring, data;
    struct split_driver split_q;
    struct split_device split_d;
    struct packed_driver packed_q;
    struct packed_device packed_d;
};

static uint8_t *alloc_pages(uint64_t bytes) {
    uint64_t rounded = (bytes + PAGE - 1) / PAGE * PAGE;
    uint8_t *p = aligned_alloc(PAGE, rounded);
    if (!p) fail("out of memory", (long) rounded, 0);
    memset(p, 0, rounded);
    return p;
}

/* Lays out ring and data regions the way DmaPool.softwareIommu does: first fit from IOVA 0x10000, page
 * rounded, both mapped read-write; the ring region holds the split or the packed layout. */
static void rig_init(struct rig *r, bool packed) {
    memset(r, 0, sizeof *r);
    uint64_t ring_bytes = packed ? p_total(QUEUE_SIZE) : s_total(QUEUE_SIZE);
    uint64_t ring_mapped = (ring_bytes + PAGE - 1) / PAGE * PAGE;
    uint64_t data_bytes = (uint64_t) MAX_BATCH * BUFFER_BYTES;
    uint64_t data_mapped = (data_bytes + PAGE - 1) / PAGE * PAGE;
    r->ring = (struct region) {alloc_pages(ring_bytes), 0x10000, ring_bytes, &r->ring_life};
    r->data = (struct region) {alloc_pages(data_bytes), 0x10000 + ring_mapped, data_bytes, &r->data_life};
    r->table.n = 2;
    r->table.first[0] = r->ring.iova;
    r->table.last[0] = r->ring.iova + ring_mapped - 1;
    r->table.memory[0] = r->ring.mem;
    r->table.access[0] = ACC_READ_WRITE;
    r->table.first[1] = r->data.iova;
    r->table.last[1] = r->data.iova + data_mapped - 1;
    r->table.memory[1] = r->data.mem;
    r->table.access[1] = ACC_READ_WRITE;
    atomic_store(&r->iommu.table, &r->table);
    if (packed) {
        packed_driver_init(&r->packed_q, r->ring.mem);
        packed_device_init(&r->packed_d, &r->iommu, r->ring.iova, r->ring.iova + p_driver_event_off(QUEUE_SIZE),
                           r->ring.iova + p_device_event_off(QUEUE_SIZE));
        r->packed_q.ring_life = &r->ring_life;
        r->packed_d.ring_life = &r->ring_life;
    } else {
        split_driver_init(&r->split_q, r->ring.mem);
        split_device_init(&r->split_d, &r->iommu, r->ring.iova, r->ring.iova + s_desc_size(QUEUE_SIZE),
                          r->ring.iova + s_used_off(QUEUE_SIZE));
        r->split_q.ring_life = &r->ring_life;
        r->split_d.ring_life = &r->ring_life;
    }
}

static void rig_free(struct rig *r) {
    free(r->ring.mem);
    free(r->data.mem);
}

/* CycleRig.cycle for the split ring. noinline: one call per cycle, like the JMH invocation. */
static __attribute__((noinline)) long split_cycle(struct rig *r, int batch) {
    if (batch < 1 || batch > MAX_BATCH) fail("batch out of range", batch, MAX_BATCH);
    struct split_driver *q = &r->split_q;
    struct split_device *d = &r->split_d;
    for (int i = 0; i < batch; i++) {
        cb_writable(split_begin(q), &r->data, (int64_t) i * BUFFER_BYTES, BUFFER_BYTES);
        if (split_commit(q, i) < 0) fail("ring full", i, 0);
    }
    long check = split_publish(q) ? 1 : 0;
    int popped = 0;
    struct device_chain *c;
    while ((c = split_pop(d)) != NULL) {
        split_push(d, c->id, c->writable_bytes);
        popped++;
    }
    if (popped != batch) fail("device popped fewer chains than added", popped, batch);
    if (split_publish_used(d)) check++;
    for (int i = 0; i < batch; i++) {
        long token = split_poll(q);
        if (token == NONE) {
            if (q->broken != F_NONE) fail(fault_name[q->broken], q->last_id, 0);
            fail("driver reclaimed fewer chains than added", i, batch);
        }
        check += token + q->last_len;
    }
    return check;
}

/* CycleRig.cycle for the packed ring. */
static __attribute__((noinline)) long packed_cycle(struct rig *r, int batch) {
    if (batch < 1 || batch > MAX_BATCH) fail("batch out of range", batch, MAX_BATCH);
    struct packed_driver *q = &r->packed_q;
    struct packed_device *d = &r->packed_d;
    for (int i = 0; i < batch; i++) {
        cb_writable(packed_begin(q), &r->data, (int64_t) i * BUFFER_BYTES, BUFFER_BYTES);
        if (packed_commit(q, i) < 0) fail("ring full", i, 0);
    }
    long check = packed_publish(q) ? 1 : 0;
    int popped = 0;
    struct device_chain *c;
    while ((c = packed_pop(d)) != NULL) {
        packed_push(d, c->id, c->writable_bytes);
        popped++;
    }
    if (popped != batch) fail("device popped fewer chains than added", popped, batch);
    if (packed_publish_used(d)) check++;
    for (int i = 0; i < batch; i++) {
        long token = packed_poll(q);
        if (token == NONE) {
            if (q->broken != F_NONE) fail(fault_name[q->broken], q->last_id, 0);
            fail("driver reclaimed fewer chains than added", i, batch);
        }
        check += token + q->last_len;
    }
    return check;
}

/* Same value as CycleRig.expectedChecksum: the device wants a kick per batch, the polling driver no interrupt. */
static long expected_checksum(int batch) {
    return 1 + (long) batch * (batch - 1) / 2 + (long) batch * BUFFER_BYTES;
}

/* ------------------------------------------------------------------ timing */



static volatile long sink;

/* Times `runs` runs of chains_per_run chains each (after as many warm-up runs as make ~1/4 of the work);
 * prints median and best ns per chain. */
static void measure(bool packed, int batch, int runs, long chains_per_run) {
    struct rig *r = malloc(sizeof *r);
    if (!r) fail("out of memory", 0, 0);
    rig_init(r, packed);
    long cycles = chains_per_run / batch;
    if (cycles < 1) cycles = 1;
    double *ns = malloc(sizeof(double) * (size_t) runs);
    if (!ns) fail("out of memory", 0, 0);
    int warmup = runs / 4 + 1;
    for (int run = -warmup; run < runs; run++) {
        long sum = 0;
        uint64_t t0 = now_ns();
        if (packed) {
            for (long c = 0; c < cycles; c++) sum += packed_cycle(r, batch);
        } else {
            for (long c = 0; c < cycles; c++) sum += split_cycle(r, batch);
        }
        uint64_t t1 = now_ns();
        if (sum != cycles * expected_checksum(batch)) fail("checksum mismatch", sum, cycles * expected_checksum(batch));
        sink += sum;
        if (run >= 0) ns[run] = (double) (t1 - t0) / ((double) cycles * batch);
    }
    bool idle = packed ? r->packed_q.in_flight_count == 0 && r->packed_q.num_free == QUEUE_SIZE && r->packed_d.in_flight_count == 0
                       : r->split_q.in_flight_count == 0 && r->split_q.num_free == QUEUE_SIZE && r->split_d.in_flight_count == 0;
    if (!idle) fail("rig not idle after the runs", 0, 0);
    char row[32];
    snprintf(row, sizeof row, "%s.batch%d", packed ? "packed" : "split", batch);
    print_runs(row, ns, runs, cycles * batch);
    free(ns);
    rig_free(r);
    free(r);
}

/* ------------------------------------------------------------------ self-test */

static int failures;

static void expect(bool ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "self-test FAILED: %s\n", what);
        failures++;
    }
}

/* Completes one chain on the split rig but lets `corrupt` tamper with the used element before the driver
 * sees it; returns the fault the driver detected. */
static enum fault split_fault(int corrupt) {
    struct rig *r = malloc(sizeof *r);
    rig_init(r, false);
    struct split_driver *q = &r->split_q;
    struct split_device *d = &r->split_d;
    cb_writable(split_begin(q), &r->data, 0, BUFFER_BYTES);
    split_commit(q, 7);
    split_publish(q);
    struct device_chain *c = split_pop(d);
    split_push(d, c->id, c->writable_bytes);
    split_publish_used(d);
    uint8_t *elem = d->used + S_USED_RING;
    switch (corrupt) {
    case 1: st32(elem, QUEUE_SIZE); break;                        /* id out of range */
    case 2: st32(elem, 5); break;                                 /* id not in flight */
    case 3: st32(elem + 4, BUFFER_BYTES + 1); break;              /* len > writable */
    case 4: st16(d->used + S_USED_IDX, 2); break;                 /* idx ahead of what is in flight */
    case 5: {                                                     /* id of a chain added, not yet published */
        cb_writable(split_begin(q), &r->data, BUFFER_BYTES, BUFFER_BYTES);
        st32(elem, (uint32_t) split_commit(q, 8));
        break;
    }
    case 6:                                                       /* idx counting an unpublished chain */
        cb_writable(split_begin(q), &r->data, BUFFER_BYTES, BUFFER_BYTES);
        split_commit(q, 8);
        st16(d->used + S_USED_IDX, 2);
        break;
    default: break;
    }
    long token = split_poll(q);
    enum fault f = q->broken;
    if (corrupt == 0) expect(token == 7 && q->last_len == BUFFER_BYTES, "split: clean completion returns its token");
    rig_free(r);
    free(r);
    return f;
}

static enum fault packed_fault(int corrupt) {
    struct rig *r = malloc(sizeof *r);
    rig_init(r, true);
    struct packed_driver *q = &r->packed_q;
    struct packed_device *d = &r->packed_d;
    cb_writable(packed_begin(q), &r->data, 0, BUFFER_BYTES);
    packed_commit(q, 9);
    packed_publish(q);
    struct device_chain *c = packed_pop(d);
    packed_push(d, c->id, c->writable_bytes);
    packed_publish_used(d);
    switch (corrupt) {
    case 1: st16(d->ring + 12, QUEUE_SIZE); break;
    case 2: st16(d->ring + 12, 5); break;
    case 3: st32(d->ring + 8, BUFFER_BYTES + 1); break;
    case 4:                                          /* id of a chain added, not yet published */
        cb_writable(packed_begin(q), &r->data, BUFFER_BYTES, BUFFER_BYTES);
        st16(d->ring + 12, (uint16_t) packed_commit(q, 10));
        break;
    default: break;
    }
    long token = packed_poll(q);
    enum fault f = q->broken;
    if (corrupt == 0) expect(token == 9 && q->last_len == BUFFER_BYTES, "packed: clean completion returns its token");
    rig_free(r);
    free(r);
    return f;
}

/* Many cycles of mixed batch sizes: every ring position and both wrap states are crossed many times. */
static void soak(bool packed) {
    struct rig *r = malloc(sizeof *r);
    rig_init(r, packed);
    long sum = 0, want = 0;
    for (int i = 0; i < 100000; i++) {
        int batch = 1 + (int) ((unsigned) i * 2654435761u % MAX_BATCH);
        sum += packed ? packed_cycle(r, batch) : split_cycle(r, batch);
        want += expected_checksum(batch);
    }
    expect(sum == want, packed ? "packed: soak checksum" : "split: soak checksum");
    expect(packed ? r->packed_q.num_free == QUEUE_SIZE : r->split_q.num_free == QUEUE_SIZE, "soak: all descriptors free");
    rig_free(r);
    free(r);
}

static int self_test(void) {
    expect(split_fault(0) == F_NONE, "split: no fault on a clean completion");
    expect(split_fault(1) == F_USED_ID_RANGE, "split: used id out of range detected");
    expect(split_fault(2) == F_USED_ID_NOT_IN_FLIGHT, "split: used id not in flight detected");
    expect(split_fault(3) == F_USED_LEN, "split: used len too large detected");
    expect(split_fault(4) == F_USED_IDX_JUMP, "split: used idx jump detected");
    expect(split_fault(5) == F_USED_ID_NOT_AVAILABLE, "split: used id of an unpublished chain detected");
    expect(split_fault(6) == F_USED_IDX_JUMP, "split: used idx counting an unpublished chain detected");
    expect(packed_fault(0) == F_NONE, "packed: no fault on a clean completion");
    expect(packed_fault(1) == F_USED_ID_RANGE, "packed: used id out of range detected");
    expect(packed_fault(2) == F_USED_ID_NOT_IN_FLIGHT, "packed: used id not in flight detected");
    expect(packed_fault(3) == F_USED_LEN, "packed: used len too large detected");
    expect(packed_fault(4) == F_USED_ID_NOT_AVAILABLE, "packed: used id of an unpublished chain detected");
    soak(false);
    soak(true);
    printf("self_test=%s\n", failures == 0 ? "ok" : "failed");
    return failures == 0 ? 0 : 1;
}

/* The rows in table order: ring, batch and the name the output keys start with. */
static const struct { bool packed; int batch; const char *name; } rows[] = {
    {false, 1, "split.batch1"}, {false, 32, "split.batch32"}, {true, 1, "packed.batch1"}, {true, 32, "packed.batch32"},
};
#define ROWS ((int) (sizeof rows / sizeof rows[0]))

static int usage(const char *problem) {
    fprintf(stderr, "p1cycle: %s\n", problem);
    fprintf(stderr, "usage: p1cycle [runs>0 [chains_per_run>0]]\n"
                    "       p1cycle --row {split.batch1|split.batch32|packed.batch1|packed.batch32} [runs>0 [chains_per_run>0]]\n"
                    "       p1cycle --self-test\n");
    return 1;
}


/* p1cycle [runs [chains]]: every row in table order. p1cycle --row NAME [runs [chains]]: that row only, so a
 * caller can interleave short C slots with its own measurements of the same row. */
int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--self-test") == 0) {
        if (argc > 2) return usage("--self-test takes no arguments");
        return self_test();
    }
    int first = 0, last = ROWS - 1, arg = 1;
    if (argc > 1 && strcmp(argv[1], "--row") == 0) {
        if (argc < 3) return usage("--row needs a row name");
        first = -1;
        for (int i = 0; i < ROWS; i++) {
            if (strcmp(argv[2], rows[i].name) == 0) first = last = i;
        }
        if (first < 0) return usage("unknown row");
        arg = 3;
    }
    long runs = 15, chains = 2000000;
    if (argc - arg > 2) return usage("too many arguments");
    /* runs is bounded so that its double array stays small; chains so that cycles * checksum fits a long. */
    if (argc - arg > 0 && !positive_arg(argv[arg], 1000000, &runs)) return usage("runs must be a whole number > 0");
    if (argc - arg > 1 && !positive_arg(argv[arg + 1], 1000000000000L, &chains)) {
        return usage("chains_per_run must be a whole number > 0");
    }
    printf("program=p1cycle\nqueue_size=%d\nbuffer_bytes=%d\nruns=%ld\nstatistic=median\n", QUEUE_SIZE,
           BUFFER_BYTES, runs);
    if (first == last) printf("row=%s\n", rows[first].name);
    for (int i = first; i <= last; i++) measure(rows[i].packed, rows[i].batch, (int) runs, chains);
    return (int) (sink & 0); /* keeps sink observable */
}
