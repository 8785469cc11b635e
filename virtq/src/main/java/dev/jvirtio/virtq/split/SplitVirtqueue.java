package dev.jvirtio.virtq.split;

import static dev.jvirtio.dma.internal.DmaSpace.SPACE;
import static dev.jvirtio.virtq.split.SplitLayout.*;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.internal.DmaSpace;
import dev.jvirtio.virtq.ChainBuilder;
import dev.jvirtio.virtq.Doorbell;
import dev.jvirtio.virtq.EventIdx;
import dev.jvirtio.virtq.NotificationData;
import dev.jvirtio.virtq.Virtqueue;
import dev.jvirtio.virtq.VirtqueueBrokenException;
import dev.jvirtio.virtq.VirtqueueBrokenException.Fault;
import dev.jvirtio.virtq.VirtqueueConfig;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * Driver side of a split virtqueue (virtio 1.3 section 2.7).
 *
 * <p>Bookkeeping lives in Java arrays and is never read back from shared memory: the free descriptor list
 * ({@code freeNext}, which doubles as the {@code next} links of the chains built from it), and per head the
 * token, the number of table descriptors it holds, the chain's last descriptor and its total writable
 * length. Chains longer than the indirect threshold go into a per-head indirect table when
 * VIRTIO_F_INDIRECT_DESC is negotiated.
 *
 * <pre>{@code
 * SplitVirtqueue q = SplitVirtqueue.allocate(VirtqueueConfig.of(0, 256).withFeatures(f), pool);
 * transport.setQueueAddresses(q.descriptorAreaIova(), q.driverAreaIova(), q.deviceAreaIova());
 * }</pre>
 *
 * <p>One owner thread, no locks; see {@link Virtqueue}.
 */
public final class SplitVirtqueue implements Virtqueue, ChainBuilder.Sink {
    // Plain accesses use the unaligned layouts: every area's alignment is checked once, at construction
    // (checkArea), so a per-access alignment test would only repeat it.
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 16-bit ring index access with acquire/release modes (these need the aligned layout); (segment, offset). */
    private static final VarHandle IDX = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** A used element (le32 id, le32 len) as one load/store; elements sit at 4 + 8i, so not 8-aligned. */
    private static final ValueLayout.OfLong LE64_UNALIGNED =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Token slot value of a head that is not in flight (tokens are >= 0). */
    private static final long FREE = -1;

    private final VirtqueueConfig config;
    private final int size;
    private final int mask;
    private final boolean eventIdx;
    private final boolean notificationData;
    private final int indirectEntries;
    private final int indirectThreshold;
    private final Doorbell doorbell;

    // The ring areas as segments (for zeroing and the liveness check) and as offsets into the DMA space,
    // through which every hot-path access goes: DmaSpace.SPACE is a constant to the JIT, so its accesses need
    // no re-validation after each fence, acquire or release (benchmarks/RESULTS.md, "P1 floor").
    private final MemorySegment desc;
    private final MemorySegment avail;
    private final MemorySegment used;
    private final MemorySegment indirect;
    private final long descAt;
    private final long availAt;
    private final long usedAt;
    private final long indirectAt;
    /** The lifetime of the ring memory, checked once per operation (see {@link #checkUsable()}). */
    private final MemorySegment.Scope ringScope;
    /** Whether the three ring areas share {@link #ringScope} (one region); otherwise each is checked. */
    private final boolean oneScope;
    private final long descIova;
    private final long availIova;
    private final long usedIova;
    private final long indirectIova;
    private final long usedEventOff;
    private final long availEventOff;
    private final DmaRegion[] owned;

    private final ChainBuilder builder;
    private final int[] freeNext;
    /**
     * Per head, two longs (one array: one base load and bounds check, one cache line for both):
     * {@code [2h]} the token, or {@link #FREE} when no chain starting at h is in flight;
     * {@code [2h+1]} the chain's writable length (bits 0-31), the descriptors it holds (bits 32-47) and
     * its last descriptor (bits 48-62).
     */
    private final long[] heads;
    /**
     * The driver's own copy of the avail ring's head slots, written with each slot. Only the entries from
     * {@code publishedIdx} to {@code availIdx} (added, not yet published) are ever read: to refuse a used
     * element naming one of them. The shared avail ring itself is never read back (a device may write it).
     */
    private final int[] availHeads;

    private int freeHead;
    /** Last descriptor of the free list (meaningful while numFree > 0): freed chains join at this end. */
    private int freeTail;
    private int numFree;
    private int inFlightCount;
    private int availIdx;
    private int publishedIdx;
    private int lastUsedIdx;
    private int seenUsedIdx;
    private int lastLen;
    private int lastId = -1;
    private boolean usedNotifications;
    private VirtqueueBrokenException broken;
    private boolean closed;
    private Thread owner;

    private SplitVirtqueue(VirtqueueConfig cfg, DmaRegion descR, DmaRegion availR, DmaRegion usedR,
                           DmaRegion indirectR, DmaRegion[] owned) {
        if (!SplitLayout.isValidSize(cfg.size())) {
            throw new IllegalArgumentException("split queue size must be a power of two in 1..32768: " + cfg.size());
        }
        this.config = cfg;
        this.size = cfg.size();
        this.mask = size - 1;
        this.eventIdx = cfg.eventIdx();
        this.notificationData = cfg.notificationData();
        this.indirectEntries = cfg.usesIndirect() ? cfg.indirectEntries() : 0;
        this.indirectThreshold = cfg.indirectThreshold();
        this.doorbell = cfg.doorbell();
        checkArea("descriptor table", descR, descTableSize(size), DESC_ALIGN);
        checkArea("available ring", availR, availSize(size), AVAIL_ALIGN);
        checkArea("used ring", usedR, usedSize(size), USED_ALIGN);
        this.desc = descR.segment().asSlice(0, descTableSize(size));
        this.avail = availR.segment().asSlice(0, availSize(size));
        this.used = usedR.segment().asSlice(0, usedSize(size));
        this.descAt = DmaSpace.requireOffset(desc, "descriptor table");
        this.availAt = DmaSpace.requireOffset(avail, "available ring");
        this.usedAt = DmaSpace.requireOffset(used, "used ring");
        this.ringScope = desc.scope();
        this.oneScope = ringScope.equals(avail.scope()) && ringScope.equals(used.scope());
        this.descIova = descR.iova();
        this.availIova = availR.iova();
        this.usedIova = usedR.iova();
        if (indirectEntries > 0) {
            long bytes = (long) size * indirectEntries * DESC_SIZE;
            if (indirectR == null) {
                throw new IllegalArgumentException("indirect descriptors negotiated but no indirect region given");
            }
            checkArea("indirect tables", indirectR, bytes, DESC_ALIGN);
            this.indirect = indirectR.segment().asSlice(0, bytes);
            this.indirectAt = DmaSpace.requireOffset(indirect, "indirect tables");
            this.indirectIova = indirectR.iova();
        } else {
            this.indirect = null;
            this.indirectAt = -1;
            this.indirectIova = 0;
        }
        this.usedEventOff = usedEventOffset(size);
        this.availEventOff = availEventOffset(size);
        this.owned = owned;
        this.builder = new ChainBuilder(size, this);
        this.freeNext = new int[size];
        this.heads = new long[2 * size];
        this.availHeads = new int[size];
        reinitialise();
    }

    /**
     * Allocates the rings (one region) and, if indirect descriptors are in use, the indirect tables from
     * {@code pool}; the queue owns and closes them.
     */
    public static SplitVirtqueue allocate(VirtqueueConfig cfg, DmaPool pool) throws IOException {
        if (!SplitLayout.isValidSize(cfg.size())) {
            throw new IllegalArgumentException("split queue size must be a power of two in 1..32768: " + cfg.size());
        }
        DmaRegion ring = pool.allocate(totalSize(cfg.size()), 4096);
        DmaRegion ind = null;
        try {
            if (cfg.usesIndirect()) {
                ind = pool.allocate((long) cfg.size() * cfg.indirectEntries() * DESC_SIZE, 4096);
            }
            return layOut(cfg, ring, ind, ind == null ? new DmaRegion[] {ring} : new DmaRegion[] {ring, ind});
        } catch (IOException | RuntimeException e) {
            ring.close();
            if (ind != null) {
                ind.close();
            }
            throw e;
        }
    }

    /** A queue over caller-owned memory: one region of at least {@link SplitLayout#totalSize} bytes. */
    public static SplitVirtqueue over(VirtqueueConfig cfg, DmaRegion ring, DmaRegion indirectTables) {
        return layOut(cfg, ring, indirectTables, new DmaRegion[0]);
    }

    /** A queue over three caller-owned regions (descriptor table, available ring, used ring). */
    public static SplitVirtqueue over(VirtqueueConfig cfg, DmaRegion descTable, DmaRegion availRing,
                                      DmaRegion usedRing, DmaRegion indirectTables) {
        return new SplitVirtqueue(cfg, descTable, availRing, usedRing, indirectTables, new DmaRegion[0]);
    }

    private static SplitVirtqueue layOut(VirtqueueConfig cfg, DmaRegion ring, DmaRegion ind, DmaRegion[] owned) {
        int n = cfg.size();
        if (ring.byteSize() < totalSize(n)) {
            throw new IllegalArgumentException("ring region of " + ring.byteSize() + " bytes is smaller than "
                    + totalSize(n));
        }
        return new SplitVirtqueue(cfg, ring.slice(0, descTableSize(n)), ring.slice(availAreaOffset(n), availSize(n)),
                ring.slice(usedAreaOffset(n), usedSize(n)), ind, owned);
    }

    private static void checkArea(String what, DmaRegion r, long bytes, int align) {
        if (!r.isAlive()) {
            throw new IllegalStateException(what + " region is closed");
        }
        if (r.byteSize() < bytes) {
            throw new IllegalArgumentException(what + " region of " + r.byteSize() + " bytes, need " + bytes);
        }
        if ((r.iova() & (align - 1)) != 0) {
            throw new IllegalArgumentException(what + " IOVA 0x" + Long.toHexString(r.iova())
                    + " not aligned to " + align + " (virtio 1.3 2.7.1)");
        }
        if (r.segment().address() % align != 0) {
            throw new IllegalArgumentException(what + " memory not aligned to " + align);
        }
    }

    /** Zeroes the rings and resets every index and the bookkeeping to the initial state. */
    private void reinitialise() {
        desc.fill((byte) 0);
        avail.fill((byte) 0);
        used.fill((byte) 0); // spec 2.7.10: the driver initialises used flags to 0
        if (indirect != null) {
            indirect.fill((byte) 0);
        }
        for (int i = 0; i < size - 1; i++) {
            freeNext[i] = i + 1;
        }
        freeNext[size - 1] = 0;
        for (int h = 0; h < size; h++) {
            heads[2 * h] = FREE;
            heads[2 * h + 1] = 0;
        }
        freeHead = 0;
        freeTail = size - 1;
        numFree = size;
        inFlightCount = 0;
        availIdx = 0;
        publishedIdx = 0;
        lastUsedIdx = 0;
        seenUsedIdx = 0;
        lastLen = 0;
        lastId = -1;
        broken = null;
        builder.clear();
        writeUsedSuppression(false);
    }

    // ------------------------------------------------------------------ configuration / introspection

    @Override
    public int queueIndex() {
        return config.queueIndex();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long features() {
        return config.features();
    }

    /** The configuration the queue was built with. */
    public VirtqueueConfig config() {
        return config;
    }

    @Override
    public int freeDescriptors() {
        return numFree;
    }

    @Override
    public int inFlight() {
        return inFlightCount;
    }

    @Override
    public Doorbell doorbell() {
        return doorbell;
    }

    @Override
    public long descriptorAreaIova() {
        return descIova;
    }

    @Override
    public long driverAreaIova() {
        return availIova;
    }

    @Override
    public long deviceAreaIova() {
        return usedIova;
    }

    /** Device address of the indirect tables (0 when indirect descriptors are not in use). */
    public long indirectTablesIova() {
        return indirectIova;
    }

    /** Entries per indirect table (0 when not in use). */
    public int indirectEntries() {
        return indirectEntries;
    }

    @Override
    public boolean isBroken() {
        return broken != null;
    }

    // ------------------------------------------------------------------ adding buffers

    @Override
    public ChainBuilder begin() {
        checkUsable();
        return builder.clear();
    }

    @Override
    public int commitChain(ChainBuilder b, long token) {
        // begin() checked the ring's lifetime for this chain (a builder is filled between begin() and this
        // commit); a close or a broken queue since then is caught here.
        if (closed || broken != null) {
            throw unusable();
        }
        final int n = b.count();
        if (n == 1) {
            // Fast path: a one-buffer chain is one descriptor without NEXT (never indirect).
            if (numFree == 0) {
                return NO_SPACE;
            }
            final int head = freeHead;
            writeDesc(descAt + descOffset(head), b.iova(0), b.length(0), b.isWritable(0) ? F_WRITE : 0, 0);
            freeHead = freeNext[head];
            return finishCommit(b, token, head, head, 1);
        }
        if (indirectEntries > 0 && n > 1 && n <= indirectEntries && (n >= indirectThreshold || n > numFree)) {
            return commitIndirect(b, token, n);
        }
        if (n > numFree) {
            return NO_SPACE;
        }
        // The free list's links are exactly the chain's next fields (virtio 1.3 2.7.13.1 "In practice").
        final int head = freeHead;
        int d = head;
        for (int i = 0; i < n; i++) {
            boolean more = i + 1 < n;
            int flags = (b.isWritable(i) ? F_WRITE : 0) | (more ? F_NEXT : 0);
            writeDesc(descAt + descOffset(d), b.iova(i), b.length(i), flags, more ? freeNext[d] : 0);
            if (more) {
                d = freeNext[d];
            }
        }
        freeHead = freeNext[d];
        return finishCommit(b, token, head, d, n);
    }

    /** One table descriptor pointing at this head's private indirect table (exclusive while in flight). */
    private int commitIndirect(ChainBuilder b, long token, int n) {
        if (numFree == 0) {
            return NO_SPACE;
        }
        if (!indirect.scope().isAlive()) {
            throw new IllegalStateException("virtqueue " + config.queueIndex() + ": its indirect tables were freed");
        }
        final int head = freeHead;
        long tableOff = (long) head * indirectEntries * DESC_SIZE;
        for (int i = 0; i < n; i++) {
            int flags = (b.isWritable(i) ? F_WRITE : 0) | (i + 1 < n ? F_NEXT : 0);
            writeDesc(indirectAt + tableOff + (long) i * DESC_SIZE, b.iova(i), b.length(i), flags, i + 1 < n ? i + 1 : 0);
        }
        writeDesc(descAt + descOffset(head), indirectIova + tableOff, n * DESC_SIZE, F_INDIRECT, 0);
        freeHead = freeNext[head];
        return finishCommit(b, token, head, head, 1);
    }

    /** Bookkeeping shared by direct and indirect chains, then the (unpublished) avail ring slot. */
    private int finishCommit(ChainBuilder b, long token, int head, int tail, int needed) {
        numFree -= needed;
        heads[2 * head] = token;
        heads[2 * head + 1] = (b.writableLength() & 0xffff_ffffL) | (long) needed << 32 | (long) tail << 48;
        inFlightCount++;
        // Plain store: the slot becomes visible to the device only through the release store in publish().
        SPACE.set(LE16, availAt + availRingOffset(availIdx & mask), (short) head);
        availHeads[availIdx & mask] = head;
        availIdx = (availIdx + 1) & 0xffff;
        b.clear();
        return head;
    }

    private static void writeDesc(long off, long addr, int len, int flags, int next) {
        // len (le32), flags (le16) and next (le16) share one aligned 8-byte little-endian word.
        long word = (len & 0xffff_ffffL) | (long) flags << 32 | (long) next << 48;
        // A reused descriptor usually holds these very values already (heads come round in a fixed
        // rotation and a caller's buffers stay put): skipping the identical stores leaves the line shared
        // in the device's cache instead of taking it away and making the device fetch it back.
        if (SPACE.get(LE64, off + DESC_ADDR) != addr) {
            SPACE.set(LE64, off + DESC_ADDR, addr);
        }
        if (SPACE.get(LE64, off + DESC_LEN) != word) {
            SPACE.set(LE64, off + DESC_LEN, word);
        }
    }

    @Override
    public boolean publish() {
        checkUsable();
        final int newIdx = availIdx;
        final int oldIdx = publishedIdx;
        if (newIdx == oldIdx) {
            return false;
        }
        // Release: descriptor and avail ring slot writes become visible before the new avail idx
        // (virtio 1.3 2.7.13.3.1 "memory barrier before the idx update"; Linux virtqueue_add_split's virtio_wmb).
        IDX.setRelease(SPACE, availAt + AVAIL_IDX, (short) newIdx);
        publishedIdx = newIdx;
        // Full fence: the avail idx store must be visible before we read used->flags / avail_event, or we
        // could miss a notification the device now expects (virtio 1.3 2.7.13.4.1; Linux
        // virtqueue_kick_prepare_split's virtio_mb).
        VarHandle.fullFence();
        if (eventIdx) {
            int event = SPACE.get(LE16, usedAt + availEventOff) & 0xffff;
            return EventIdx.needsEvent(event, newIdx, oldIdx);
        }
        return (SPACE.get(LE16, usedAt + USED_FLAGS) & USED_F_NO_NOTIFY) == 0;
    }

    @Override
    public int notificationValue() {
        int id = config.notifyId();
        return notificationData ? NotificationData.split(id, availIdx) : id;
    }

    // ------------------------------------------------------------------ used buffers

    @Override
    public boolean hasUsed() {
        if (closed || broken != null || !ringAlive()) {
            return true;        // let poll() report it
        }
        // Acquire: the device's used idx is read before our own consumer index, so a waiter spinning
        // here re-reads lastUsedIdx each round instead of a value the JIT kept from before the loop.
        int u = (short) IDX.getAcquire(SPACE, usedAt + USED_IDX) & 0xffff;
        return u != lastUsedIdx;
    }

    @Override
    public long poll() {
        checkUsable();
        final int last = lastUsedIdx;
        if (last == seenUsedIdx && !usedAdvanced(last)) {
            return NONE;
        }
        // id (le32) and len (le32) in one load.
        long elem = SPACE.get(LE64_UNALIGNED, usedAt + usedElemOffset(last & mask));
        int id = (int) elem;
        int len = (int) (elem >>> 32);
        // Device-written values: id in range, the head of a chain in flight, len within its writable bytes.
        if (Integer.compareUnsigned(id, size) >= 0) {
            throw badUsedElement(id, len);
        }
        final long token = heads[2 * id];
        final long meta = heads[2 * id + 1];
        if (token == FREE || Integer.compareUnsigned(len, (int) meta) > 0
                || (availIdx != publishedIdx && isUnpublished(id))) {
            throw badUsedElement(id, len);
        }
        lastUsedIdx = (last + 1) & 0xffff;
        release(id, meta);
        lastLen = len;
        lastId = id;
        if (usedNotifications && eventIdx) {
            armUsedEvent();
        }
        return token;
    }

    // poll() is split into small parts so that each stays under the JIT's size limit for inlining a hot
    // method (325 bytecodes): a poll() that is called instead of inlined costs the unbatched cycle dearly.

    /** Reads used idx (acquire): whether the device used something new; refuses an impossible jump. */
    private boolean usedAdvanced(int last) {
        // Acquire: used idx is read before the used elements it covers (virtio 1.3 2.7.14; Linux
        // virtqueue_get_buf_ctx_split's virtio_rmb after more_used_split).
        int u = (short) IDX.getAcquire(SPACE, usedAt + USED_IDX) & 0xffff;
        if (u == last) {
            return false;
        }
        // At most the chains made available (published) and not yet used can complete; chains added
        // since the last publish() are in flight for us but invisible to the device.
        if (((u - last) & 0xffff) > ((publishedIdx - last) & 0xffff)) {
            throw usedIdxJump(u, last);
        }
        seenUsedIdx = u;
        return true;
    }

    /**
     * Returns a completed chain's descriptors to the END of the free list (FIFO), not the front: a head is
     * reused only after every other free one. A stale or duplicate used element naming a just-completed head
     * then finds it free (USED_ID_NOT_IN_FLIGHT) instead of being taken for the next command's completion.
     */
    private void release(int id, long meta) {
        heads[2 * id] = FREE;
        inFlightCount--;
        if (numFree == 0) {
            freeHead = id;
        } else {
            freeNext[freeTail] = id;
        }
        freeTail = (int) (meta >>> 48);
        numFree += (int) (meta >>> 32) & 0xffff;
    }

    /** Keeps asking for an interrupt at the next used entry while interrupts are wanted (EVENT_IDX). */
    private void armUsedEvent() {
        SPACE.set(LE16, availAt + usedEventOff, (short) lastUsedIdx);
        // Full fence: used_event must be visible before the caller's next look at used idx, or an
        // interrupt could be missed (Linux virtqueue_get_buf_ctx_split's virtio_store_mb).
        VarHandle.fullFence();
    }

    // Fault paths live in their own methods so that poll() stays small enough for the JIT to inline.

    /** Whether head {@code id} was added after the last publish() (only asked while such chains exist). */
    private boolean isUnpublished(int id) {
        for (int i = publishedIdx; i != availIdx; i = (i + 1) & 0xffff) {
            if (availHeads[i & mask] == id) {
                return true;
            }
        }
        return false;
    }

    private VirtqueueBrokenException usedIdxJump(int u, int last) {
        int pending = (u - last) & 0xffff;
        return fail(Fault.USED_IDX_JUMP, u, pending, "used idx " + u + " is " + pending
                + " ahead of the driver's " + last + " but only " + ((publishedIdx - last) & 0xffff)
                + " chains were made available and not yet used");
    }

    private VirtqueueBrokenException badUsedElement(int id, int len) {
        if (Integer.compareUnsigned(id, size) >= 0) {
            return fail(Fault.USED_ID_OUT_OF_RANGE, id & 0xffff_ffffL, len & 0xffff_ffffL,
                    "used id " + Integer.toUnsignedString(id) + " >= queue size " + size);
        }
        if (heads[2 * id] == FREE) {
            return fail(Fault.USED_ID_NOT_IN_FLIGHT, id, len & 0xffff_ffffL,
                    "used id " + id + " is not the head of a chain in flight");
        }
        if (availIdx != publishedIdx && isUnpublished(id)) {
            return fail(Fault.USED_ID_NOT_AVAILABLE, id, len & 0xffff_ffffL,
                    "used id " + id + " heads a chain that was added but not yet made available");
        }
        return fail(Fault.USED_LENGTH_TOO_LARGE, id, len & 0xffff_ffffL, "used len "
                + Integer.toUnsignedString(len) + " > writable " + Integer.toUnsignedString((int) heads[2 * id + 1]));
    }

    @Override
    public int lastUsedLength() {
        return lastLen;
    }

    @Override
    public int lastUsedId() {
        return lastId;
    }

    private VirtqueueBrokenException fail(Fault fault, long id, long value, String detail) {
        broken = new VirtqueueBrokenException(fault, config.queueIndex(), id, value, detail);
        return broken;
    }

    // ------------------------------------------------------------------ notification suppression

    @Override
    public boolean enableUsedNotifications() {
        checkUsable();
        writeUsedSuppression(true);
        // Full fence: the re-enable must be visible before we re-read used idx (virtio 1.3 2.7.14 note;
        // Linux virtqueue_enable_cb_prepare_split + virtqueue_poll).
        VarHandle.fullFence();
        return ((short) IDX.getAcquire(SPACE, usedAt + USED_IDX) & 0xffff) != lastUsedIdx;
    }

    @Override
    public void disableUsedNotifications() {
        checkUsable();
        writeUsedSuppression(false);
    }

    private void writeUsedSuppression(boolean enable) {
        usedNotifications = enable;
        if (eventIdx) {
            // With EVENT_IDX the flags field must stay 0 (2.7.7.1); suppression is done through used_event:
            // "notify at the next entry" when enabled, "one lap away" when disabled.
            SPACE.set(LE16, availAt + AVAIL_FLAGS, (short) 0);
            SPACE.set(LE16, availAt + usedEventOff, (short) (enable ? lastUsedIdx : lastUsedIdx - 1));
        } else {
            SPACE.set(LE16, availAt + AVAIL_FLAGS, (short) (enable ? 0 : AVAIL_F_NO_INTERRUPT));
        }
    }

    // ------------------------------------------------------------------ reset / lifecycle

    @Override
    public int reset(LongConsumer abandoned) {
        checkOpen();
        assert ownedByCaller() : "virtqueue used from a thread other than its owner";
        int count = 0;
        try {
            for (int h = 0; h < size; h++) {
                long token = heads[2 * h];
                if (token != FREE) {
                    heads[2 * h] = FREE;
                    count++;
                    if (abandoned != null) {
                        abandoned.accept(token);
                    }
                }
            }
        } finally {
            boolean wanted = usedNotifications;
            reinitialise();
            if (wanted) {
                writeUsedSuppression(true);
            }
        }
        return count;
    }

    @Override
    public void releaseOwnership() {
        owner = null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DmaRegion r : owned) {
            r.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("virtqueue " + config.queueIndex() + " is closed");
        }
    }

    /**
     * Whether the ring memory is still there. Accesses through the DMA space cannot fault (freed space reads
     * as inert zeroes), so this check is what makes an operation on freed ring memory throw: once per
     * operation, where a segment per area re-checked its liveness at every access.
     */
    private boolean ringAlive() {
        return ringScope.isAlive() && (oneScope || areasAlive());
    }

    private boolean areasAlive() {
        return avail.scope().isAlive() && used.scope().isAlive();
    }

    private void checkUsable() {
        if (closed || broken != null || !ringAlive()) {
            throw unusable();
        }
        assert ownedByCaller() : "virtqueue used from a thread other than its owner";
    }

    private RuntimeException unusable() {
        if (closed) {
            return new IllegalStateException("virtqueue " + config.queueIndex() + " is closed");
        }
        if (broken != null) {
            return broken;
        }
        return new IllegalStateException("virtqueue " + config.queueIndex() + ": its ring memory was freed");
    }

    private boolean ownedByCaller() {
        Thread t = Thread.currentThread();
        if (owner == null) {
            owner = t;
        }
        return owner == t;
    }

    @Override
    public String toString() {
        return "SplitVirtqueue[index=" + config.queueIndex() + ", size=" + size + ", free=" + numFree
                + ", inFlight=" + inFlightCount + (broken != null ? ", BROKEN" : "") + "]";
    }
}
