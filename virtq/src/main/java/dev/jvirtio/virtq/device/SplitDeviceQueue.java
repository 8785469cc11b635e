package dev.jvirtio.virtq.device;

import static dev.jvirtio.dma.internal.DmaSpace.SPACE;
import static dev.jvirtio.virtq.split.SplitLayout.*;

import dev.jvirtio.dma.DeviceMemory;
import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.DmaFaultException;
import dev.jvirtio.dma.internal.DmaSpace;
import dev.jvirtio.virtq.EventIdx;
import dev.jvirtio.virtq.RingFeatures;
import dev.jvirtio.virtq.device.DriverFaultException.Violation;
import dev.jvirtio.virtq.split.SplitLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Device side of a split virtqueue (virtio 1.3 section 2.7) over {@link DeviceMemory}.
 *
 * <p>The three ring areas are translated once, when the queue is created (as a device does when the
 * driver enables the queue); every buffer and indirect table is translated when popped. Checks: avail idx
 * jumps, head and next ranges, loops (a chain may visit at most queue-size descriptors), INDIRECT without
 * the feature, INDIRECT with NEXT, nested INDIRECT, indirect table length, readable after writable,
 * chains of 2^32 bytes or more, heads reused while in flight, and IOMMU refusals.
 */
public final class SplitDeviceQueue implements DeviceQueue {
    // Plain accesses use unaligned layouts: the ring areas' alignment was checked when the driver laid them
    // out, and indirect tables are read field by field at whatever 16-byte multiple the driver chose.
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Ring index access with acquire/release modes (these need the aligned layout). */
    private static final VarHandle IDX = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** A used element (le32 id, le32 len) as one store; elements sit at 4 + 8i, so not 8-aligned. */
    private static final ValueLayout.OfLong LE64_UNALIGNED =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** {@link #writable} value of a head that is not in flight. */
    private static final long FREE = -1;

    private final DeviceMemory memory;
    private final int size;
    private final int mask;
    private final boolean eventIdx;
    private final boolean indirectAllowed;
    // Ring areas as offsets into the DMA space (every hot access goes through the constant DmaSpace.SPACE,
    // which needs no re-validation after fences; benchmarks/RESULTS.md, "P1 floor"), plus the areas' lifetime.
    private final long descAt;
    private final long availAt;
    private final long usedAt;
    private final MemorySegment.Scope ringScope;
    private final MemorySegment.Scope availScope;
    private final MemorySegment.Scope usedScope;
    /** Whether the three areas share {@link #ringScope} (the driver's one ring region): one check then. */
    private final boolean oneScope;
    private final long usedEventOff;
    private final long availEventOff;
    private final DeviceChain chain;
    private final DeviceMemory.Translation tableTranslation = new DeviceMemory.Translation();
    /** Per head: the writable bytes of the chain the device holds, or {@link #FREE} when none is in flight. */
    private final long[] writable;

    private int lastAvailIdx;
    private int seenAvailIdx;
    private int usedIdx;
    private int publishedUsedIdx;
    private int inFlightCount;
    private boolean notificationsEnabled = true;
    private DriverFaultException broken;

    /**
     * Creates the device side of a queue the driver configured with these addresses.
     *
     * @throws DriverFaultException UNMAPPED_RING if a ring area is not mapped for the device
     */
    public SplitDeviceQueue(DeviceMemory memory, int size, long features, long descIova, long availIova,
                            long usedIova) {
        if (!SplitLayout.isValidSize(size)) {
            throw new IllegalArgumentException("split queue size must be a power of two in 1..32768: " + size);
        }
        this.memory = memory;
        this.size = size;
        this.mask = size - 1;
        this.eventIdx = RingFeatures.has(features, RingFeatures.EVENT_IDX);
        this.indirectAllowed = RingFeatures.has(features, RingFeatures.INDIRECT_DESC);
        MemorySegment desc = ringArea(memory, descIova, descTableSize(size), DmaAccess.READ);
        MemorySegment avail = ringArea(memory, availIova, availSize(size), DmaAccess.READ);
        MemorySegment used = ringArea(memory, usedIova, usedSize(size), DmaAccess.READ_WRITE);
        this.descAt = DmaSpace.requireOffset(desc, "ring area at IOVA 0x" + Long.toHexString(descIova));
        this.availAt = DmaSpace.requireOffset(avail, "ring area at IOVA 0x" + Long.toHexString(availIova));
        this.usedAt = DmaSpace.requireOffset(used, "ring area at IOVA 0x" + Long.toHexString(usedIova));
        this.ringScope = desc.scope();
        this.availScope = avail.scope();
        this.usedScope = used.scope();
        this.oneScope = ringScope.equals(availScope) && ringScope.equals(usedScope);
        this.usedEventOff = usedEventOffset(size);
        this.availEventOff = availEventOffset(size);
        this.chain = new DeviceChain(size);
        this.writable = new long[size];
        Arrays.fill(writable, FREE);
    }

    static MemorySegment ringArea(DeviceMemory memory, long iova, long bytes, DmaAccess access) {
        try {
            return memory.segment(iova, bytes, access);
        } catch (DmaFaultException e) {
            throw new DriverFaultException(Violation.UNMAPPED_RING, iova, "ring area refused by the IOMMU", e);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean hasAvailable() {
        if (broken != null || !ringAlive()) {
            return true;        // let pop() report it
        }
        // Acquire: the driver's avail idx, read fresh on every call of a spinning device loop.
        int a = (short) IDX.getAcquire(SPACE, availAt + AVAIL_IDX) & 0xffff;
        return a != lastAvailIdx;
    }

    @Override
    public DeviceChain pop() {
        checkUsable();
        final int last = lastAvailIdx;
        if (last == seenAvailIdx && !availAdvanced(last)) {
            return null;
        }
        final int head = SPACE.get(LE16, availAt + availRingOffset(last & mask)) & 0xffff;
        if (head >= size || writable[head] != FREE) {
            throw badHead(head);
        }
        final long off = descOffset(head);
        final long addr = SPACE.get(LE64, descAt + off + DESC_ADDR);
        // len (le32), flags (le16) and next (le16) are one aligned little-endian 8-byte word: one load.
        final long word = SPACE.get(LE64, descAt + off + DESC_LEN);
        final int flags = (int) (word >>> 32) & 0xffff;
        final long writableBytes;
        try {
            if ((flags & (F_NEXT | F_INDIRECT)) == 0) {
                // Fast path: a chain of one direct descriptor (no loop, next or nesting checks apply).
                final boolean w = (flags & F_WRITE) != 0;
                chain.single(memory, head, addr, (int) word, w);
                writableBytes = w ? word & 0xffff_ffffL : 0;
            } else {
                writableBytes = popMulti(head, addr, word);
            }
        } catch (DriverFaultException e) {
            broken = e;
            throw e;
        }
        lastAvailIdx = (last + 1) & 0xffff;
        writable[head] = writableBytes;
        inFlightCount++;
        return chain;
    }

    // pop() is split into small parts, and its fault paths live in their own methods, so that pop() stays
    // under the JIT's size limit for inlining a hot method (325 bytecodes).

    /** Reads avail idx (acquire): whether the driver made something new available; refuses a jump. */
    private boolean availAdvanced(int last) {
        // Acquire: avail idx is read before the ring entries and descriptors it publishes (virtio 1.3
        // 2.7.13.3: the device may access what idx exposes; Linux vhost_get_vq_desc's smp_rmb).
        int a = (short) IDX.getAcquire(SPACE, availAt + AVAIL_IDX) & 0xffff;
        if (a == last) {
            return false;
        }
        if (((a - last) & 0xffff) > size) {
            throw availIdxJump(a, last);
        }
        seenAvailIdx = a;
        return true;
    }

    /** Pops a chain that is indirect or of several descriptors; returns its writable bytes. */
    private long popMulti(int head, long addr, long word) {
        chain.reset();
        chain.id(head);
        walk(head, addr, word);
        return chain.writableLength();
    }

    // Fault paths live in their own methods so that pop() and walk() stay small enough to inline.

    private DriverFaultException availIdxJump(int a, int last) {
        return fault(Violation.AVAIL_IDX_JUMP, a, "avail idx " + a + " is " + ((a - last) & 0xffff)
                + " entries past the device's " + last + " (queue size " + size + ")");
    }

    private DriverFaultException badHead(int head) {
        if (head >= size) {
            return fault(Violation.HEAD_OUT_OF_RANGE, head, "head " + head + " >= queue size " + size);
        }
        return fault(Violation.ID_IN_USE, head, "head " + head + " made available while the device holds it");
    }

    /** The general walk (indirect or NEXT-linked chains); {@code addr} and {@code word} are the head's. */
    private void walk(int head, long headAddr, long headWord) {
        int d = head;
        int visited = 0;
        long addr = headAddr;
        long word = headWord;
        while (true) {
            if (++visited > size) {
                throw new DriverFaultException(Violation.DESCRIPTOR_LOOP, d,
                        "chain from head " + head + " visits more than " + size + " descriptors", null);
            }
            if (visited > 1) {
                long off = descOffset(d);
                addr = SPACE.get(LE64, descAt + off + DESC_ADDR);
                word = SPACE.get(LE64, descAt + off + DESC_LEN);
            }
            int len = (int) word;
            int flags = (int) (word >>> 32) & 0xffff;
            if ((flags & F_INDIRECT) != 0) {
                indirect(addr, len, flags, d);
                return; // an indirect descriptor ends the chain (it cannot have NEXT)
            }
            chain.add(memory, addr, len, (flags & F_WRITE) != 0, d);
            if ((flags & F_NEXT) == 0) {
                return;
            }
            int next = (int) (word >>> 48);
            if (next >= size) {
                throw new DriverFaultException(Violation.NEXT_OUT_OF_RANGE, d,
                        "descriptor " + d + " next " + next + " >= queue size " + size, null);
            }
            d = next;
        }
    }

    private void indirect(long addr, int len, int flags, int d) {
        if (!indirectAllowed) {
            throw new DriverFaultException(Violation.INDIRECT_NOT_NEGOTIATED, d,
                    "INDIRECT without VIRTIO_F_INDIRECT_DESC", null);
        }
        if ((flags & F_NEXT) != 0) {
            throw new DriverFaultException(Violation.INDIRECT_WITH_NEXT, d, "INDIRECT and NEXT both set", null);
        }
        // The WRITE flag of the descriptor that refers to a table is ignored (2.7.5.3.2).
        walkIndirect(addr, len, d);
    }

    private void walkIndirect(long tableIova, int lenBits, int d) {
        long len = lenBits & 0xffff_ffffL;
        if (len == 0 || len % DESC_SIZE != 0 || len / DESC_SIZE > size) {
            throw new DriverFaultException(Violation.INDIRECT_TABLE_LENGTH, d,
                    "indirect table length " + len + " (must be a non-zero multiple of 16, at most " + size
                            + " entries)", null);
        }
        int entries = (int) (len / DESC_SIZE);
        try {
            memory.translate(tableIova, len, DmaAccess.READ, tableTranslation);
        } catch (DmaFaultException e) {
            throw new DriverFaultException(Violation.UNMAPPED_BUFFER, tableIova, "indirect table refused by the IOMMU", e);
        }
        MemorySegment table = tableTranslation.segment();
        long base = tableTranslation.offset();
        int i = 0;
        int visited = 0;
        while (true) {
            if (++visited > entries) {
                throw new DriverFaultException(Violation.DESCRIPTOR_LOOP, i,
                        "indirect chain visits more than its " + entries + " entries", null);
            }
            long off = base + (long) i * DESC_SIZE;
            long addr = table.get(LE64, off + DESC_ADDR);
            int blen = table.get(LE32, off + DESC_LEN);
            int flags = table.get(LE16, off + DESC_FLAGS) & 0xffff;
            int next = table.get(LE16, off + DESC_NEXT) & 0xffff;
            if ((flags & F_INDIRECT) != 0) {
                throw new DriverFaultException(Violation.NESTED_INDIRECT, i, "INDIRECT inside an indirect table", null);
            }
            chain.add(memory, addr, blen, (flags & F_WRITE) != 0, i);
            if ((flags & F_NEXT) == 0) {
                return;
            }
            if (next >= entries) {
                throw new DriverFaultException(Violation.NEXT_OUT_OF_RANGE, i,
                        "indirect entry " + i + " next " + next + " >= " + entries + " entries", null);
            }
            i = next;
        }
    }

    @Override
    public void push(int id, long writtenLength) {
        checkUsable();
        // Not in flight (FREE = -1) fails the length test too, as does a negative length.
        // (writable.length is the queue size; testing against it spares the JIT a second range check.)
        final long[] w = writable;
        if (Integer.compareUnsigned(id, w.length) >= 0 || writtenLength < 0 || writtenLength > w[id]) {
            throw badPush(id, writtenLength);
        }
        // Plain store of id and len together: published by the release store of used idx in publishUsed().
        SPACE.set(LE64_UNALIGNED, usedAt + usedElemOffset(usedIdx & mask), (id & 0xffff_ffffL) | writtenLength << 32);
        usedIdx = (usedIdx + 1) & 0xffff;
        w[id] = FREE;
        inFlightCount--;
    }

    @Override
    public boolean publishUsed() {
        checkUsable();
        final int newIdx = usedIdx;
        final int oldIdx = publishedUsedIdx;
        if (newIdx == oldIdx) {
            return false;
        }
        // Release: used elements (id, len) and the buffer contents are visible before used idx
        // (virtio 1.3 2.7.8.2 "set len prior to updating the used idx"; Linux vhost_add_used_n's smp_wmb).
        IDX.setRelease(SPACE, usedAt + USED_IDX, (short) newIdx);
        publishedUsedIdx = newIdx;
        // Full fence: used idx store before reading avail flags / used_event (Linux vhost_notify's smp_mb).
        VarHandle.fullFence();
        if (eventIdx) {
            int event = SPACE.get(LE16, availAt + usedEventOff) & 0xffff;
            return EventIdx.needsEvent(event, newIdx, oldIdx);
        }
        return (SPACE.get(LE16, availAt + AVAIL_FLAGS) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    @Override
    public boolean enableNotifications() {
        checkUsable();
        notificationsEnabled = true;
        if (eventIdx) {
            // Flags must stay 0 with EVENT_IDX (2.7.10.2); ask for a kick when the driver writes entry lastAvailIdx.
            SPACE.set(LE16, usedAt + availEventOff, (short) lastAvailIdx);
        } else {
            SPACE.set(LE16, usedAt + USED_FLAGS, (short) 0);
        }
        // Full fence: the re-enable is visible before we re-read avail idx (Linux vhost_enable_notify's smp_mb).
        VarHandle.fullFence();
        return ((short) IDX.getAcquire(SPACE, availAt + AVAIL_IDX) & 0xffff) != lastAvailIdx;
    }

    @Override
    public void disableNotifications() {
        checkUsable();
        notificationsEnabled = false;
        if (!eventIdx) {
            SPACE.set(LE16, usedAt + USED_FLAGS, (short) USED_F_NO_NOTIFY);
        }
        // With EVENT_IDX, avail_event simply stays behind; the driver stops kicking once past it.
    }

    /** Whether available-buffer notifications are currently requested. */
    public boolean notificationsEnabled() {
        return notificationsEnabled;
    }

    /** The device's next avail index (free-running 16-bit). */
    public int lastAvailIdx() {
        return lastAvailIdx;
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
        Arrays.fill(writable, FREE);
        lastAvailIdx = 0;
        seenAvailIdx = 0;
        usedIdx = 0;
        publishedUsedIdx = 0;
        inFlightCount = 0;
        notificationsEnabled = true;
        broken = null;
        chain.reset();
    }

    private RuntimeException badPush(int id, long writtenLength) {
        if (id < 0 || id >= size || writable[id] == FREE) {
            return new IllegalStateException("head " + id + " is not in flight on the device side");
        }
        return new IllegalArgumentException("written length " + writtenLength + " outside 0.."
                + writable[id] + " for head " + id);
    }

    private DriverFaultException fault(Violation v, long where, String detail) {
        broken = new DriverFaultException(v, where, detail, null);
        return broken;
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
        return availScope.isAlive() && usedScope.isAlive();
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
