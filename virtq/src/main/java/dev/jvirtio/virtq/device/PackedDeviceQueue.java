package dev.jvirtio.virtq.device;

import static dev.jvirtio.dma.internal.DmaSpace.SPACE;
import static dev.jvirtio.virtq.packed.PackedLayout.*;

import dev.jvirtio.dma.DeviceMemory;
import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaFaultException;
import dev.jvirtio.dma.internal.DmaSpace;
import dev.jvirtio.virtq.EventIdx;
import dev.jvirtio.virtq.RingFeatures;
import dev.jvirtio.virtq.device.DriverFaultException.Violation;
import dev.jvirtio.virtq.packed.PackedLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Device side of a packed virtqueue (virtio 1.3 section 2.8) over {@link DeviceMemory}.
 *
 * <p>The device keeps its own wrap counters (both start at 1): one for the next descriptor it reads, one
 * for the next used descriptor it writes. Used descriptors are written in completion order, each taking
 * the place of the chain's first slot and skipping the chain's remaining slots. Like the driver side it
 * publishes a batch with one release store (the first used descriptor's flags, held back until
 * {@link #publishUsed()}).
 *
 * <p>Checks: list length (at most the queue size), INDIRECT without the feature, INDIRECT with NEXT,
 * INDIRECT inside a NEXT-linked list, nested INDIRECT, indirect table length, NEXT into a descriptor that
 * is not available, readable after writable, 2^32-byte chains, buffer ids reused while in flight, and IOMMU
 * refusals. Buffer ids are 16-bit values of the driver's choosing, so per-id bookkeeping covers all 65536.
 */
public final class PackedDeviceQueue implements DeviceQueue {
    // Plain ring accesses use unaligned layouts, which skip the per-access alignment test (measured: about
    // 10% of the packed P1 cycle): every field sits at its natural offset in its area, and a misaligned area
    // is still refused at the first acquire/release access to it, which keeps the aligned layout.
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final VarHandle FLAGS = ValueLayout.JAVA_SHORT.withOrder(LE).varHandle();
    private static final int IDS = 1 << 16;
    /** {@link #held} value of an id that is not in flight. */
    private static final long FREE = -1;

    private final DeviceMemory memory;
    private final int size;
    private final boolean eventIdx;
    private final boolean indirectAllowed;
    // The areas as offsets into the DMA space (every hot access goes through the constant DmaSpace.SPACE,
    // which needs no re-validation after fences; benchmarks/RESULTS.md, "P1 floor"), plus their lifetimes.
    private final long ringAt;
    private final long driverEventAt;
    private final long deviceEventAt;
    private final MemorySegment.Scope ringScope;
    private final MemorySegment.Scope driverEventScope;
    private final MemorySegment.Scope deviceEventScope;
    /** Whether the three areas share {@link #ringScope} (the driver's one ring region): one check then. */
    private final boolean oneScope;
    private final DeviceChain chain;
    private final DeviceMemory.Translation tableTranslation = new DeviceMemory.Translation();
    /**
     * Per buffer id: {@link #FREE} when the device holds no chain with that id, else the chain's writable
     * bytes (bits 0-31) and the ring slots it occupies (bits 32-47).
     */
    private final long[] held = new long[IDS];

    private int nextAvail;
    private boolean availWrap;
    private int usedPos;
    private boolean usedWrap;
    private int pendingUsedPos;
    private int pendingUsedFlags;
    private int usedSincePublish;
    private int inFlightCount;
    private DriverFaultException broken;

    /**
     * Creates the device side of a packed queue the driver configured with these addresses
     * (queue_desc, queue_driver, queue_device).
     *
     * @throws DriverFaultException UNMAPPED_RING if an area is not mapped for the device
     */
    public PackedDeviceQueue(DeviceMemory memory, int size, long features, long ringIova, long driverEventIova,
                             long deviceEventIova) {
        if (!PackedLayout.isValidSize(size)) {
            throw new IllegalArgumentException("packed queue size out of 1..32768: " + size);
        }
        this.memory = memory;
        this.size = size;
        this.eventIdx = RingFeatures.has(features, RingFeatures.EVENT_IDX);
        this.indirectAllowed = RingFeatures.has(features, RingFeatures.INDIRECT_DESC);
        MemorySegment ring = SplitDeviceQueue.ringArea(memory, ringIova, ringSize(size), DmaAccess.READ_WRITE);
        MemorySegment driverEvent = SplitDeviceQueue.ringArea(memory, driverEventIova, EVENT_SIZE, DmaAccess.READ);
        MemorySegment deviceEvent = SplitDeviceQueue.ringArea(memory, deviceEventIova, EVENT_SIZE, DmaAccess.READ_WRITE);
        this.ringAt = DmaSpace.requireOffset(ring, "ring area at IOVA 0x" + Long.toHexString(ringIova));
        this.driverEventAt = DmaSpace.requireOffset(driverEvent, "ring area at IOVA 0x" + Long.toHexString(driverEventIova));
        this.deviceEventAt = DmaSpace.requireOffset(deviceEvent, "ring area at IOVA 0x" + Long.toHexString(deviceEventIova));
        this.ringScope = ring.scope();
        this.driverEventScope = driverEvent.scope();
        this.deviceEventScope = deviceEvent.scope();
        this.oneScope = ringScope.equals(driverEventScope) && ringScope.equals(deviceEventScope);
        this.chain = new DeviceChain(size);
        reset();
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Pops an indirect descriptor or a list of several (kept out of pop() so that pop() stays under the JIT's
     * size limit for inlining a hot method, 325 bytecodes); returns the buffer id (low 32 bits) and the ring
     * slots consumed (high 32 bits).
     */
    private long popMulti(int p, int f) {
        chain.reset();
        final int id;
        final int consumed;
        if ((f & F_INDIRECT) != 0) {
            id = popIndirect(p, f);
            consumed = 1;
        } else {
            consumed = popList(p, f);
            int last = p + consumed - 1;
            if (last >= size) {
                last -= size;
            }
            id = SPACE.get(LE16, descAt(last) + DESC_ID) & 0xffff; // the id is in the last descriptor
        }
        chain.id(id);
        return (id & 0xffff_ffffL) | (long) consumed << 32;
    }

    /** Where the descriptor at ring position {@code pos} lies in the DMA space. */
    private long descAt(int pos) {
        return ringAt + PackedLayout.descOffset(pos);
    }

    /**
     * Whether the driver's ring memory is still there. Accesses through the DMA space cannot fault (freed
     * space reads as inert zeroes), so this once-per-operation check is what makes the device side refuse
     * to work on freed rings.
     */
    private boolean ringAlive() {
        return ringScope.isAlive() && (oneScope || areasAlive());
    }

    private boolean areasAlive() {
        return driverEventScope.isAlive() && deviceEventScope.isAlive();
    }

    private static boolean isAvail(int flags, boolean wrap) {
        // Available: AVAIL matches the wrap counter and USED does not (2.8.1).
        return ((flags & F_AVAIL) != 0) == wrap && ((flags & F_USED) != 0) != wrap;
    }

    @Override
    public boolean hasAvailable() {
        if (broken != null || !ringAlive()) {
            return true;        // let pop() report it
        }
        try {
            final boolean wrap = availWrap;
            // Acquire: the driver's flag word at our next position, read fresh on every call.
            return isAvail((short) FLAGS.getAcquire(SPACE, descAt(nextAvail) + DESC_FLAGS) & 0xffff, wrap);
        } catch (IllegalStateException | IndexOutOfBoundsException staleOrClosed) {
            return true;
        }
    }

    @Override
    public DeviceChain pop() {
        checkUsable();
        final int p = nextAvail;
        // Acquire: the head's flags are read before the rest of its descriptor and its list, which the
        // driver wrote before releasing these flags (virtio 1.3 2.8.21.1).
        final int f = (short) FLAGS.getAcquire(SPACE, descAt(p) + DESC_FLAGS) & 0xffff;
        if (!isAvail(f, availWrap)) {
            return null;
        }
        final int id;
        final int consumed;
        try {
            if ((f & (F_NEXT | F_INDIRECT)) == 0) {
                // Fast path: a one-descriptor list (no list, availability-of-next or nesting checks apply).
                final long off = descAt(p);
                final long addr = SPACE.get(LE64, off + DESC_ADDR);
                // len (le32), id (le16) and flags (le16) are one aligned little-endian 8-byte word: one load.
                final long word = SPACE.get(LE64, off + DESC_LEN);
                id = (int) (word >>> 32) & 0xffff;
                chain.single(memory, id, addr, (int) word, (f & F_WRITE) != 0);
                consumed = 1;
            } else {
                final long r = popMulti(p, f);
                id = (int) r;
                consumed = (int) (r >>> 32);
            }
            if (held[id] != FREE) {
                throw idInUse(id);
            }
        } catch (DriverFaultException e) {
            broken = e;
            throw e;
        }
        int np = p + consumed;
        if (np >= size) {
            np -= size;
            availWrap = !availWrap;
        }
        nextAvail = np;
        held[id] = chain.writableLength() | (long) consumed << 32;
        inFlightCount++;
        return chain;
    }

    private static DriverFaultException idInUse(int id) {
        return new DriverFaultException(Violation.ID_IN_USE, id,
                "buffer id " + id + " made available while the device holds it", null);
    }

    /** Adds the NEXT-linked descriptors starting at {@code p} (head flags {@code f}); returns how many. */
    private int popList(int p, int f) {
        int q = p;
        boolean w = availWrap;
        int count = 0;
        int fq = f;
        while (true) {
            if (++count > size) {
                throw new DriverFaultException(Violation.DESCRIPTOR_LOOP, q,
                        "descriptor list longer than the queue size " + size, null);
            }
            if (count > 1) {
                fq = SPACE.get(LE16, descAt(q) + DESC_FLAGS) & 0xffff;
                if (!isAvail(fq, w) || (fq & F_INDIRECT) != 0) {
                    throw badListMember(q, fq, w);
                }
            }
            long off = descAt(q);
            chain.add(memory, SPACE.get(LE64, off + DESC_ADDR), SPACE.get(LE32, off + DESC_LEN), (fq & F_WRITE) != 0, q);
            if (++q == size) {
                q = 0;
                w = !w;
            }
            if ((fq & F_NEXT) == 0) {
                return count;
            }
        }
    }

    private static DriverFaultException badListMember(int q, int fq, boolean w) {
        if (!isAvail(fq, w)) {
            return new DriverFaultException(Violation.CHAIN_NOT_AVAILABLE, q,
                    "NEXT leads to descriptor " + q + " which is not available", null);
        }
        return new DriverFaultException(Violation.INDIRECT_IN_CHAIN, q, "INDIRECT descriptor inside a NEXT-linked list", null);
    }

    private int popIndirect(int p, int f) {
        if (!indirectAllowed) {
            throw new DriverFaultException(Violation.INDIRECT_NOT_NEGOTIATED, p, "INDIRECT without VIRTIO_F_INDIRECT_DESC", null);
        }
        if ((f & F_NEXT) != 0) {
            throw new DriverFaultException(Violation.INDIRECT_WITH_NEXT, p, "INDIRECT and NEXT both set", null);
        }
        long off = descAt(p);
        long tableIova = SPACE.get(LE64, off + DESC_ADDR);
        long len = SPACE.get(LE32, off + DESC_LEN) & 0xffff_ffffL;
        int id = SPACE.get(LE16, off + DESC_ID) & 0xffff;
        if (len == 0 || len % DESC_SIZE != 0 || len / DESC_SIZE > size) {
            throw new DriverFaultException(Violation.INDIRECT_TABLE_LENGTH, p, "indirect table length " + len
                    + " (must be a non-zero multiple of 16, at most " + size + " entries)", null);
        }
        try {
            memory.translate(tableIova, len, DmaAccess.READ, tableTranslation);
        } catch (DmaFaultException e) {
            throw new DriverFaultException(Violation.UNMAPPED_BUFFER, tableIova, "indirect table refused by the IOMMU", e);
        }
        MemorySegment table = tableTranslation.segment();
        long base = tableTranslation.offset();
        int entries = (int) (len / DESC_SIZE);
        for (int i = 0; i < entries; i++) {
            long e = base + (long) i * DESC_SIZE;
            int ef = table.get(LE16, e + DESC_FLAGS) & 0xffff;
            if ((ef & F_INDIRECT) != 0) {
                throw new DriverFaultException(Violation.NESTED_INDIRECT, i, "INDIRECT inside an indirect table", null);
            }
            // Only WRITE is meaningful in a packed indirect table; other flags are ignored (2.8.7).
            chain.add(memory, table.get(LE64, e + DESC_ADDR), table.get(LE32, e + DESC_LEN), (ef & F_WRITE) != 0, i);
        }
        return id;
    }

    @Override
    public void push(int id, long writtenLength) {
        checkUsable();
        final long h = id < 0 || id >= IDS ? FREE : held[id];
        // Not in flight (FREE) and negative lengths fail here; the writable length is h's low 32 bits.
        if (h == FREE || writtenLength < 0 || writtenLength > (h & 0xffff_ffffL)) {
            throw badPush(id, writtenLength);
        }
        final int slotCount = (int) (h >>> 32);
        final int pos = usedPos;
        final long off = descAt(pos);
        SPACE.set(LE32, off + DESC_LEN, (int) writtenLength);
        SPACE.set(LE16, off + DESC_ID, (short) id);
        // Used: AVAIL and USED both equal the device wrap counter; WRITE says len is meaningful (2.8.3).
        int flags = (writtenLength > 0 ? F_WRITE : 0) | (usedWrap ? F_AVAIL | F_USED : 0);
        if (pendingUsedPos < 0) {
            pendingUsedPos = pos; // first of the batch: its flags are released by publishUsed()
            pendingUsedFlags = flags;
        } else {
            // Plain store: the driver cannot get past the batch's first used descriptor before it is released.
            SPACE.set(LE16, off + DESC_FLAGS, (short) flags);
        }
        int np = pos + slotCount;
        if (np >= size) {
            np -= size;
            usedWrap = !usedWrap;
        }
        usedPos = np;
        usedSincePublish += slotCount;
        held[id] = FREE;
        inFlightCount--;
    }

    @Override
    public boolean publishUsed() {
        checkUsable();
        if (pendingUsedPos < 0) {
            return false;
        }
        // Release: id, len, later used descriptors and the buffer contents are visible before the first
        // used descriptor's flags (virtio 1.3 2.8.9: the driver must never observe a partial batch).
        FLAGS.setRelease(SPACE, descAt(pendingUsedPos) + DESC_FLAGS, (short) pendingUsedFlags);
        pendingUsedPos = -1;
        int added = usedSincePublish;
        usedSincePublish = 0;
        // Full fence: the flags store is visible before reading the driver event suppression structure.
        VarHandle.fullFence();
        int word = SPACE.get(LE32, driverEventAt + EVENT_OFF_WRAP);
        int flags = (word >>> 16) & 0x3;
        if (flags == RING_EVENT_FLAGS_DISABLE) {
            return false;
        }
        if (flags == RING_EVENT_FLAGS_DESC && eventIdx) {
            int offWrap = word & 0xffff;
            int event = offWrap & 0x7fff;
            if ((offWrap >>> 15 != 0) != usedWrap) {
                event -= size;
            }
            return EventIdx.needsEvent(event, usedPos, usedPos - added);
        }
        return true;
    }

    @Override
    public boolean enableNotifications() {
        checkUsable();
        if (eventIdx) {
            SPACE.set(LE16, deviceEventAt + EVENT_OFF_WRAP, (short) offWrap(nextAvail, availWrap));
            // Release: off_wrap is visible no later than the DESC flags that tell the driver to use it.
            FLAGS.setRelease(SPACE, deviceEventAt + EVENT_FLAGS, (short) RING_EVENT_FLAGS_DESC);
        } else {
            SPACE.set(LE16, deviceEventAt + EVENT_FLAGS, (short) RING_EVENT_FLAGS_ENABLE);
        }
        // Full fence: the request is visible before re-reading the next descriptor's flags.
        VarHandle.fullFence();
        int f = (short) FLAGS.getAcquire(SPACE, descAt(nextAvail) + DESC_FLAGS) & 0xffff;
        return isAvail(f, availWrap);
    }

    @Override
    public void disableNotifications() {
        checkUsable();
        SPACE.set(LE16, deviceEventAt + EVENT_FLAGS, (short) RING_EVENT_FLAGS_DISABLE);
    }

    /** Ring offset of the next descriptor the device will read. */
    public int nextAvailPosition() {
        return nextAvail;
    }

    /** The device's wrap counter for the next descriptor it reads. */
    public boolean availWrapCounter() {
        return availWrap;
    }

    @Override
    public int inFlight() {
        return inFlightCount;
    }

    @Override
    public boolean isBroken() {
        return broken != null;
    }

    @Override
    public void reset() {
        Arrays.fill(held, FREE);
        nextAvail = 0;
        availWrap = true;
        usedPos = 0;
        usedWrap = true;
        pendingUsedPos = -1;
        usedSincePublish = 0;
        inFlightCount = 0;
        broken = null;
        chain.reset();
    }

    private RuntimeException badPush(int id, long writtenLength) {
        if (id < 0 || id >= IDS || held[id] == FREE) {
            return new IllegalStateException("buffer id " + id + " is not in flight on the device side");
        }
        return new IllegalArgumentException("written length " + writtenLength + " outside 0.." + (held[id] & 0xffff_ffffL)
                + " for buffer id " + id);
    }

    private void checkUsable() {
        if (broken != null) {
            throw broken;
        }
        if (!ringAlive()) {
            throw new IllegalStateException("the driver's ring memory was freed");
        }
    }
}
