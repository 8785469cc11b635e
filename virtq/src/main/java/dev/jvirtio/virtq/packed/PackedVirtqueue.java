package dev.jvirtio.virtq.packed;

import static dev.jvirtio.dma.internal.DmaSpace.SPACE;
import static dev.jvirtio.virtq.packed.PackedLayout.*;

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
 * Driver side of a packed virtqueue (virtio 1.3 section 2.8).
 *
 * <p>Descriptors are written in ring order with the driver wrap counter (starting at 1) encoded in the
 * AVAIL/USED bits. A batch becomes visible with one release store: the flags of the first descriptor of the
 * batch are held back and written by {@link #publish()} after everything else (2.8.21.1: "the driver MAY ...
 * defer updating the descriptor flags for the first descriptor"); later heads of the same batch are plain
 * stores, which the device cannot reach before that first head. Buffer ids come from a Java free stack;
 * per id the queue remembers the token, the ring slots the chain occupies (1 when indirect), and the
 * writable length, all in Java arrays. Sizes need not be powers of two.
 *
 * <p>One owner thread, no locks; see {@link Virtqueue}.
 */
public final class PackedVirtqueue implements Virtqueue, ChainBuilder.Sink {
    // Plain ring accesses use unaligned layouts, which skip the per-access alignment test (measured: about
    // 10% of the packed P1 cycle): every field sits at its natural offset in its area, and a misaligned area
    // is still refused at the first acquire/release access to it, which keeps the aligned layout.
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    /** 16-bit descriptor flags access with acquire/release modes; coordinates (segment, offset). */
    private static final VarHandle FLAGS = ValueLayout.JAVA_SHORT.withOrder(LE).varHandle();
    /** Token slot value of an id that is not in flight (tokens are >= 0). */
    private static final long FREE = -1;

    private final VirtqueueConfig config;
    private final int size;
    private final boolean eventIdx;
    private final boolean notificationData;
    private final int indirectEntries;
    private final int indirectThreshold;
    private final Doorbell doorbell;

    // The areas as segments (for zeroing and the liveness check) and as offsets into the DMA space, through
    // which every hot-path access goes: DmaSpace.SPACE is a constant to the JIT, so its accesses need no
    // re-validation after each fence, acquire or release (benchmarks/RESULTS.md, "P1 floor").
    private final MemorySegment ring;
    private final MemorySegment driverEvent;
    private final MemorySegment deviceEvent;
    private final MemorySegment indirect;
    private final long ringAt;
    private final long driverEventAt;
    private final long deviceEventAt;
    private final long indirectAt;
    /** The lifetime of the ring memory, checked once per operation (see {@link #checkUsable()}). */
    private final MemorySegment.Scope ringScope;
    /** Whether the three areas share {@link #ringScope} (one region); otherwise each is checked. */
    private final boolean oneScope;
    private final long ringIova;
    private final long driverEventIova;
    private final long deviceEventIova;
    private final long indirectIova;
    private final DmaRegion[] owned;

    private final ChainBuilder builder;
    private final int[] freeIds;
    /**
     * Per buffer id, two longs (one array: one base load and bounds check): {@code [2id]} the token, or
     * {@link #FREE} when the id is not in flight; {@code [2id+1]} the chain's writable length (bits 0-31)
     * and the ring slots it occupies (bits 32-47).
     */
    private final long[] ids;
    /**
     * The ids of the chains added since the last publish() ({@code pendingIdCount} of them): in flight for
     * the driver, invisible to the device. A used descriptor naming one of them is refused.
     */
    private final int[] pendingIds;

    /** Free buffer ids form a FIFO in {@code freeIds}: the oldest free id is at freeIdFirst. */
    private int freeIdFirst;
    private int freeIdCount;
    private int numFree;
    private int inFlightCount;
    private int availPos;
    private boolean availWrap;
    private int usedPos;
    private boolean usedWrap;
    private int pendingHeadPos;
    private int pendingHeadFlags;
    private int addedSincePublish;
    private int pendingIdCount;
    private int lastLen;
    private int lastId = -1;
    private boolean usedNotifications;
    private VirtqueueBrokenException broken;
    private boolean closed;
    private Thread owner;

    private PackedVirtqueue(VirtqueueConfig cfg, DmaRegion ringR, DmaRegion driverR, DmaRegion deviceR,
                            DmaRegion indirectR, DmaRegion[] owned) {
        this.config = cfg;
        this.size = cfg.size();
        this.eventIdx = cfg.eventIdx();
        this.notificationData = cfg.notificationData();
        this.indirectEntries = cfg.usesIndirect() ? cfg.indirectEntries() : 0;
        this.indirectThreshold = cfg.indirectThreshold();
        this.doorbell = cfg.doorbell();
        checkArea("descriptor ring", ringR, ringSize(size), RING_ALIGN);
        checkArea("driver event suppression", driverR, EVENT_SIZE, EVENT_ALIGN);
        checkArea("device event suppression", deviceR, EVENT_SIZE, EVENT_ALIGN);
        this.ring = ringR.segment().asSlice(0, ringSize(size));
        this.driverEvent = driverR.segment().asSlice(0, EVENT_SIZE);
        this.deviceEvent = deviceR.segment().asSlice(0, EVENT_SIZE);
        this.ringAt = DmaSpace.requireOffset(ring, "descriptor ring");
        this.driverEventAt = DmaSpace.requireOffset(driverEvent, "driver event suppression");
        this.deviceEventAt = DmaSpace.requireOffset(deviceEvent, "device event suppression");
        this.ringScope = ring.scope();
        this.oneScope = ringScope.equals(driverEvent.scope()) && ringScope.equals(deviceEvent.scope());
        this.ringIova = ringR.iova();
        this.driverEventIova = driverR.iova();
        this.deviceEventIova = deviceR.iova();
        if (indirectEntries > 0) {
            long bytes = (long) size * indirectEntries * DESC_SIZE;
            if (indirectR == null) {
                throw new IllegalArgumentException("indirect descriptors negotiated but no indirect region given");
            }
            checkArea("indirect tables", indirectR, bytes, RING_ALIGN);
            this.indirect = indirectR.segment().asSlice(0, bytes);
            this.indirectAt = DmaSpace.requireOffset(indirect, "indirect tables");
            this.indirectIova = indirectR.iova();
        } else {
            this.indirect = null;
            this.indirectAt = -1;
            this.indirectIova = 0;
        }
        this.owned = owned;
        this.builder = new ChainBuilder(size, this);
        this.freeIds = new int[size];
        this.ids = new long[2 * size];
        this.pendingIds = new int[size];
        reinitialise();
    }

    /** Allocates the ring (one region) and any indirect tables from {@code pool}; the queue owns them. */
    public static PackedVirtqueue allocate(VirtqueueConfig cfg, DmaPool pool) throws IOException {
        DmaRegion r = pool.allocate(totalSize(cfg.size()), 4096);
        DmaRegion ind = null;
        try {
            if (cfg.usesIndirect()) {
                ind = pool.allocate((long) cfg.size() * cfg.indirectEntries() * DESC_SIZE, 4096);
            }
            return layOut(cfg, r, ind, ind == null ? new DmaRegion[] {r} : new DmaRegion[] {r, ind});
        } catch (IOException | RuntimeException e) {
            r.close();
            if (ind != null) {
                ind.close();
            }
            throw e;
        }
    }

    /** A queue over one caller-owned region of at least {@link PackedLayout#totalSize} bytes. */
    public static PackedVirtqueue over(VirtqueueConfig cfg, DmaRegion region, DmaRegion indirectTables) {
        return layOut(cfg, region, indirectTables, new DmaRegion[0]);
    }

    /** A queue over three caller-owned regions (ring, driver event suppression, device event suppression). */
    public static PackedVirtqueue over(VirtqueueConfig cfg, DmaRegion ring, DmaRegion driverEvent,
                                       DmaRegion deviceEvent, DmaRegion indirectTables) {
        return new PackedVirtqueue(cfg, ring, driverEvent, deviceEvent, indirectTables, new DmaRegion[0]);
    }

    private static PackedVirtqueue layOut(VirtqueueConfig cfg, DmaRegion r, DmaRegion ind, DmaRegion[] owned) {
        int n = cfg.size();
        if (r.byteSize() < totalSize(n)) {
            throw new IllegalArgumentException("ring region of " + r.byteSize() + " bytes is smaller than " + totalSize(n));
        }
        return new PackedVirtqueue(cfg, r.slice(0, ringSize(n)), r.slice(driverEventOffset(n), EVENT_SIZE),
                r.slice(deviceEventOffset(n), EVENT_SIZE), ind, owned);
    }

    private static void checkArea(String what, DmaRegion r, long bytes, int align) {
        if (!r.isAlive()) {
            throw new IllegalStateException(what + " region is closed");
        }
        if (r.byteSize() < bytes) {
            throw new IllegalArgumentException(what + " region of " + r.byteSize() + " bytes, need " + bytes);
        }
        if ((r.iova() & (align - 1)) != 0 || r.segment().address() % align != 0) {
            throw new IllegalArgumentException(what + " not aligned to " + align + " (virtio 1.3 2.8.10)");
        }
    }

    private void reinitialise() {
        ring.fill((byte) 0); // 2.8.13: the descriptor ring is zero-initialised
        driverEvent.fill((byte) 0);
        deviceEvent.fill((byte) 0);
        if (indirect != null) {
            indirect.fill((byte) 0);
        }
        for (int i = 0; i < size; i++) {
            freeIds[i] = i;
        }
        freeIdFirst = 0;
        freeIdCount = size;
        for (int id = 0; id < size; id++) {
            ids[2 * id] = FREE;
            ids[2 * id + 1] = 0;
        }
        numFree = size;
        inFlightCount = 0;
        availPos = 0;
        availWrap = true; // 2.8.1: wrap counters start at 1
        usedPos = 0;
        usedWrap = true;
        pendingHeadPos = -1;
        pendingIdCount = 0;
        addedSincePublish = 0;
        lastLen = 0;
        lastId = -1;
        broken = null;
        builder.clear();
        writeUsedSuppression(false);
    }

    // ------------------------------------------------------------------ introspection

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
        return ringIova;
    }

    @Override
    public long driverAreaIova() {
        return driverEventIova;
    }

    @Override
    public long deviceAreaIova() {
        return deviceEventIova;
    }

    /** Entries per indirect table (0 when not in use). */
    public int indirectEntries() {
        return indirectEntries;
    }

    /** Ring offset of the next descriptor the driver will make available. */
    public int availPosition() {
        return availPos;
    }

    /** Current driver ring wrap counter. */
    public boolean availWrapCounter() {
        return availWrap;
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

    private static int availBits(boolean wrap) {
        // Available: AVAIL equals the driver wrap counter and USED is its inverse (2.8.1).
        return wrap ? F_AVAIL : F_USED;
    }

    @Override
    public int commitChain(ChainBuilder b, long token) {
        // begin() checked the ring's lifetime for this chain (a builder is filled between begin() and this
        // commit); a close or a broken queue since then is caught here.
        if (closed || broken != null) {
            throw unusable();
        }
        final int n = b.count();
        if (indirectEntries > 0 && n > 1 && n <= indirectEntries && (n >= indirectThreshold || n > numFree)) {
            return commitIndirect(b, token, n);
        }
        if (n > numFree || freeIdCount == 0) {
            return NO_SPACE;
        }
        final int id = takeId();
        final int headPos = availPos;
        final int headFlags = (b.isWritable(0) ? F_WRITE : 0) | (n > 1 ? F_NEXT : 0) | availBits(availWrap);
        writeBody(headPos, b.iova(0), b.length(0), id);
        advanceAvail();
        if (n > 1) {
            writeTail(b, n, id);
        }
        return finishCommit(b, token, id, headPos, headFlags, n);
    }

    /** Writes descriptors 1..n-1 of a direct chain, complete with flags (the head's are deferred). */
    private void writeTail(ChainBuilder b, int n, int id) {
        for (int i = 1; i < n; i++) {
            // Non-head descriptors carry their own wrap bits (they may sit in the next lap).
            int flags = (b.isWritable(i) ? F_WRITE : 0) | (i + 1 < n ? F_NEXT : 0) | availBits(availWrap);
            writeFull(ringAt + descOffset(availPos), b.iova(i), b.length(i), id, flags);
            advanceAvail();
        }
    }

    private void advanceAvail() {
        if (++availPos == size) {
            availPos = 0;
            availWrap = !availWrap;
        }
    }

    /** The oldest free buffer id; the caller checked that one is free. */
    private int takeId() {
        final int id = freeIds[freeIdFirst];
        freeIdFirst = freeIdFirst + 1 == size ? 0 : freeIdFirst + 1;
        freeIdCount--;
        return id;
    }

    /** One ring slot pointing at this id's private indirect table (exclusive while in flight). */
    private int commitIndirect(ChainBuilder b, long token, int n) {
        if (numFree == 0 || freeIdCount == 0) {
            return NO_SPACE;
        }
        if (!indirect.scope().isAlive()) {
            throw new IllegalStateException("virtqueue " + config.queueIndex() + ": its indirect tables were freed");
        }
        final int id = takeId();
        final int headPos = availPos;
        long tableOff = (long) id * indirectEntries * DESC_SIZE;
        for (int i = 0; i < n; i++) {
            // Only WRITE is valid inside a packed indirect table; entries are implicitly sequential (2.8.7).
            writeFull(indirectAt + tableOff + (long) i * DESC_SIZE, b.iova(i), b.length(i), 0,
                    b.isWritable(i) ? F_WRITE : 0);
        }
        writeBody(headPos, indirectIova + tableOff, n * DESC_SIZE, id);
        final int headFlags = F_INDIRECT | availBits(availWrap);
        advanceAvail();
        return finishCommit(b, token, id, headPos, headFlags, 1);
    }

    /** Bookkeeping shared by direct and indirect chains, then the head's flags (or their deferral). */
    private int finishCommit(ChainBuilder b, long token, int id, int headPos, int headFlags, int needed) {
        numFree -= needed;
        ids[2 * id] = token;
        ids[2 * id + 1] = (b.writableLength() & 0xffff_ffffL) | (long) needed << 32;
        inFlightCount++;
        addedSincePublish += needed;
        pendingIds[pendingIdCount++] = id;
        if (pendingHeadPos < 0) {
            pendingHeadPos = headPos; // first head of the batch: written last, by publish()
            pendingHeadFlags = headFlags;
        } else {
            // Plain store: the device cannot get past the batch's first head before publish() releases it.
            SPACE.set(LE16, ringAt + descOffset(headPos) + DESC_FLAGS, (short) headFlags);
        }
        b.clear();
        return id;
    }

    private void writeBody(int pos, long addr, int len, int id) {
        long off = ringAt + descOffset(pos);
        SPACE.set(LE64, off + DESC_ADDR, addr);
        SPACE.set(LE32, off + DESC_LEN, len);
        SPACE.set(LE16, off + DESC_ID, (short) id);
    }

    private static void writeFull(long off, long addr, int len, int id, int flags) {
        SPACE.set(LE64, off + DESC_ADDR, addr);
        // len (le32), id (le16) and flags (le16) share one aligned 8-byte little-endian word.
        SPACE.set(LE64, off + DESC_LEN, (len & 0xffff_ffffL) | (long) (id & 0xffff) << 32 | (long) (flags & 0xffff) << 48);
    }

    @Override
    public boolean publish() {
        checkUsable();
        if (pendingHeadPos < 0) {
            return false;
        }
        // Release: every descriptor of the batch (and the indirect tables) is visible before the first
        // head's flags make the batch available (virtio 1.3 2.8.21.1 "memory barrier before the flags
        // update"; Linux virtqueue_add_packed's virtio_wmb before the head flags).
        FLAGS.setRelease(SPACE, ringAt + descOffset(pendingHeadPos) + DESC_FLAGS, (short) pendingHeadFlags);
        pendingHeadPos = -1;
        int added = addedSincePublish;
        addedSincePublish = 0;
        pendingIdCount = 0;
        // Full fence: the flags store is visible before we read the device event suppression structure
        // (virtio 1.3 2.8.21.2; Linux virtqueue_kick_prepare_packed's virtio_mb).
        VarHandle.fullFence();
        int word = SPACE.get(LE32, deviceEventAt + EVENT_OFF_WRAP);
        int flags = (word >>> 16) & 0x3;
        if (flags == RING_EVENT_FLAGS_DISABLE) {
            return false;
        }
        if (flags == RING_EVENT_FLAGS_DESC && eventIdx) {
            int offWrap = word & 0xffff;
            int event = offWrap & 0x7fff;
            if ((offWrap >>> 15 != 0) != availWrap) {
                event -= size; // the event position is in the previous lap
            }
            return EventIdx.needsEvent(event, availPos, availPos - added);
        }
        return true; // ENABLE (or a value we cannot interpret: notifying is always safe)
    }

    @Override
    public int notificationValue() {
        int id = config.notifyId();
        return notificationData ? NotificationData.packed(id, availPos, availWrap) : id;
    }

    // ------------------------------------------------------------------ used buffers

    @Override
    public boolean hasUsed() {
        if (closed || broken != null || !ringAlive()) {
            return true;        // let poll() report it
        }
        try {
            final boolean wrap = usedWrap;
            // Acquire: a flag word of the device's, read fresh on every call of a spinning waiter.
            final int f = (short) FLAGS.getAcquire(SPACE, ringAt + descOffset(usedPos) + DESC_FLAGS) & 0xffff;
            return (f & (F_AVAIL | F_USED)) == (wrap ? (F_AVAIL | F_USED) : 0);
        } catch (IllegalStateException | IndexOutOfBoundsException staleOrClosed) {
            return true;
        }
    }

    @Override
    public long poll() {
        checkUsable();
        final long off = descOffset(usedPos);
        // Acquire: the flags are read before id and len of the same descriptor (virtio 1.3 2.8.22; Linux
        // virtqueue_get_buf_ctx_packed's virtio_rmb after more_used_packed).
        final int f = (short) FLAGS.getAcquire(SPACE, ringAt + off + DESC_FLAGS) & 0xffff;
        final int want = usedWrap ? (F_AVAIL | F_USED) : 0;
        if ((f & (F_AVAIL | F_USED)) != want) {
            return NONE;
        }
        // len (le32) and id (le16) in one load (the flags above it were read with acquire).
        final long word = SPACE.get(LE64, ringAt + off + DESC_LEN);
        final int id = (int) (word >>> 32) & 0xffff;
        if (id >= size) {
            throw badUsedElement(id, (f & F_WRITE) != 0 ? (int) word : 0);
        }
        final long token = ids[2 * id];
        final long meta = ids[2 * id + 1];
        final int writable = (int) meta;
        // 2.8.4 reserves len unless the device sets WRITE in the used descriptor, but QEMU (7.2 at least) never
        // sets it there and Linux and DPDK read len regardless. So len counts whenever the chain has
        // device-writable buffers; only for a chain without any is it taken as 0.
        final int len = (f & F_WRITE) != 0 || writable != 0 ? (int) word : 0;
        // Device-written values: id in range and in flight, len within the chain's writable bytes.
        if (token == FREE || Integer.compareUnsigned(len, writable) > 0
                || (pendingIdCount != 0 && isUnpublished(id))) {
            throw badUsedElement(id, len);
        }
        release(id, (int) (meta >>> 32) & 0xffff);
        lastLen = len;
        lastId = id;
        if (usedNotifications && eventIdx) {
            armUsedEvent();
        }
        return token;
    }

    /**
     * Moves past a completed chain and frees its id. Kept out of poll() so that poll() stays under the JIT's
     * size limit for inlining a hot method (325 bytecodes).
     */
    private void release(int id, int n) {
        // The device skips the slots of the whole chain (2.8.6, "skips forward").
        int p = usedPos + n;
        if (p >= size) {
            p -= size;
            usedWrap = !usedWrap;
        }
        usedPos = p;
        numFree += n;
        ids[2 * id] = FREE;
        inFlightCount--;
        // Freed ids are reused oldest first (FIFO): a stale or duplicate used descriptor naming a
        // just-completed id then finds it free instead of being taken for the next chain's completion.
        int end = freeIdFirst + freeIdCount;
        freeIds[end >= size ? end - size : end] = id;
        freeIdCount++;
    }

    /** With interrupts wanted under EVENT_IDX: ask for one at the next used descriptor. */
    private void armUsedEvent() {
        SPACE.set(LE16, driverEventAt + EVENT_OFF_WRAP, (short) offWrap(usedPos, usedWrap));
        // Full fence: the new event position is visible before the caller next looks at the ring.
        VarHandle.fullFence();
    }

    /** Whether buffer id {@code id} was added after the last publish(). */
    private boolean isUnpublished(int id) {
        for (int i = 0; i < pendingIdCount; i++) {
            if (pendingIds[i] == id) {
                return true;
            }
        }
        return false;
    }

    /** The fault for a used descriptor that failed validation (kept out of poll() so poll() inlines). */
    private VirtqueueBrokenException badUsedElement(int id, int len) {
        if (id >= size) {
            return fail(Fault.USED_ID_OUT_OF_RANGE, id, len & 0xffff_ffffL, "used buffer id " + id + " >= queue size " + size);
        }
        if (ids[2 * id] == FREE) {
            return fail(Fault.USED_ID_NOT_IN_FLIGHT, id, len & 0xffff_ffffL, "used buffer id " + id + " is not in flight");
        }
        if (pendingIdCount != 0 && isUnpublished(id)) {
            return fail(Fault.USED_ID_NOT_AVAILABLE, id, len & 0xffff_ffffL,
                    "used buffer id " + id + " names a chain that was added but not yet made available");
        }
        return fail(Fault.USED_LENGTH_TOO_LARGE, id, len & 0xffff_ffffL, "used len " + Integer.toUnsignedString(len)
                + " > writable " + Integer.toUnsignedString((int) ids[2 * id + 1]));
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
        // Full fence: the driver event structure is visible before re-reading the next used descriptor.
        VarHandle.fullFence();
        int f = (short) FLAGS.getAcquire(SPACE, ringAt + descOffset(usedPos) + DESC_FLAGS) & 0xffff;
        return (f & (F_AVAIL | F_USED)) == (usedWrap ? (F_AVAIL | F_USED) : 0);
    }

    @Override
    public void disableUsedNotifications() {
        checkUsable();
        writeUsedSuppression(false);
    }

    private void writeUsedSuppression(boolean enable) {
        usedNotifications = enable;
        if (!enable) {
            SPACE.set(LE16, driverEventAt + EVENT_FLAGS, (short) RING_EVENT_FLAGS_DISABLE);
        } else if (eventIdx) {
            SPACE.set(LE16, driverEventAt + EVENT_OFF_WRAP, (short) offWrap(usedPos, usedWrap));
            // Release: the position is visible no later than the DESC flag that makes the device use it.
            FLAGS.setRelease(SPACE, driverEventAt + EVENT_FLAGS, (short) RING_EVENT_FLAGS_DESC);
        } else {
            SPACE.set(LE16, driverEventAt + EVENT_FLAGS, (short) RING_EVENT_FLAGS_ENABLE);
        }
    }

    // ------------------------------------------------------------------ reset / lifecycle

    @Override
    public int reset(LongConsumer abandoned) {
        if (closed) {
            throw new IllegalStateException("virtqueue " + config.queueIndex() + " is closed");
        }
        assert ownedByCaller() : "virtqueue used from a thread other than its owner";
        int count = 0;
        try {
            for (int id = 0; id < size; id++) {
                long token = ids[2 * id];
                if (token != FREE) {
                    ids[2 * id] = FREE;
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

    /**
     * Whether the ring memory is still there. Accesses through the DMA space cannot fault (freed space reads
     * as inert zeroes), so this check is what makes an operation on freed ring memory throw: once per
     * operation, where a segment per area re-checked its liveness at every access.
     */
    private boolean ringAlive() {
        return ringScope.isAlive() && (oneScope || areasAlive());
    }

    private boolean areasAlive() {
        return driverEvent.scope().isAlive() && deviceEvent.scope().isAlive();
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
        return "PackedVirtqueue[index=" + config.queueIndex() + ", size=" + size + ", free=" + numFree
                + ", inFlight=" + inFlightCount + (broken != null ? ", BROKEN" : "") + "]";
    }
}
