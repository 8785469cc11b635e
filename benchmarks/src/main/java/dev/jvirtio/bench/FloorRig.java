package dev.jvirtio.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The memory-ordering skeleton of one unbatched P1 cycle, with none of the ring engine around it: the loads
 * and stores a split ring's driver and device make for one one-descriptor chain, the two release stores, the
 * three acquire loads and the two full fences, and nothing else (no free list, no token or length checks, no
 * IOMMU, no API). It answers one question: how much of P1's unbatched Java/C gap is the price of Java's
 * memory access itself rather than of jvirtio's code.
 *
 * <p>Two memories, the same sequence:
 * <ul>
 *   <li>{@link Memory#SEGMENT}: native memory through {@link MemorySegment}s of a shared arena, as the rings
 *       use it (every access checks bounds and the arena's liveness; after a fence the JIT must reload what
 *       those checks read);</li>
 *   <li>{@link Memory#ARRAY}: the same layout in Java {@code byte[]}s through byte-array view handles (a
 *       bounds check against the array length only). Rings cannot live there (a device cannot reach the Java
 *       heap); it shows what the same fences cost the JIT without the segment checks.</li>
 * </ul>
 * A third memory, {@link Memory#CONSTANT}, is the segment skeleton again over segments the JIT sees as
 * constants ({@code static final}): it shows how much of the segment cost is re-validation of segments the
 * JIT cannot prove unchanged, since a constant segment's class, bounds, alignment and owner checks fold away.
 * Queue rings cannot be such constants (there is one set per queue, not per class).
 * The C twin is {@code src/main/c/p1floor.c}. Release and acquire on the array side are fences around plain
 * accesses (byte-array views of {@code short} have no atomic modes); on x86-64 both forms compile to plain
 * moves, and both keep the JIT from moving accesses across them.
 */
public final class FloorRig implements AutoCloseable {
    /** Where the rings of the skeleton live. */
    public enum Memory {
        /** Native memory through MemorySegments (shared arena). */
        SEGMENT,
        /** Java byte arrays through byte-array view VarHandles. */
        ARRAY,
        /**
         * Native memory through MemorySegments held in {@code static final} fields: constants to the JIT,
         * which can then fold the segment checks. One set per JVM, never freed (see {@link Constant}).
         */
        CONSTANT;

        /** Parses {@code segment} or {@code array} (any case). */
        public static Memory parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** Ring positions (the skeleton's queue size; the same in C). */
    static final int SIZE = 256;
    static final int DESC_BYTES = SIZE * 16;
    static final int AVAIL_BYTES = 4 + 2 * SIZE + 2;
    static final int USED_BYTES = 4 + 8 * SIZE + 2;
    /** The descriptor's address field of head h holds BUFFER_BASE + 64h (the data buffers the chains name). */
    static final long BUFFER_BASE = 0x10_0000;

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle IDX = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle A16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle A64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Memory memory;
    private final Arena arena;
    private final MemorySegment descS;
    private final MemorySegment availS;
    private final MemorySegment usedS;
    private final byte[] descA;
    private final byte[] availA;
    private final byte[] usedA;

    private boolean closed;
    private int availIdx;
    private int lastAvail;
    private int usedIdx;
    private int lastUsed;

    /** A skeleton over the given memory, all rings zeroed. */
    public FloorRig(Memory memory) {
        this.memory = memory;
        if (memory == Memory.CONSTANT) {
            arena = null;
            descS = availS = usedS = null;
            descA = availA = usedA = null;
            Constant.claim();
        } else if (memory == Memory.SEGMENT) {
            arena = Arena.ofShared();
            descS = arena.allocate(DESC_BYTES, 4096);
            availS = arena.allocate(AVAIL_BYTES, 4096);
            usedS = arena.allocate(USED_BYTES, 4096);
            descA = availA = usedA = null;
        } else {
            arena = null;
            descS = availS = usedS = null;
            descA = new byte[DESC_BYTES];
            availA = new byte[AVAIL_BYTES];
            usedA = new byte[USED_BYTES];
        }
    }

    /**
     * One cycle; returns a checksum: the device's written length (64) plus the two notification words read
     * after the fences (0 here: nobody writes them).
     *
     * @throws IllegalStateException if either side does not find what the other just published
     */
    public long cycle() {
        return switch (memory) {
            case SEGMENT -> cycleSegment();
            case ARRAY -> cycleArray();
            case CONSTANT -> cycleConstant();
        };
    }

    /** The checksum of every {@link #cycle()}. */
    public static long expectedChecksum() {
        return 64;
    }

    private long cycleSegment() {
        final MemorySegment desc = descS;
        final MemorySegment avail = availS;
        final MemorySegment used = usedS;
        // Driver: write the head's descriptor (compare first, as the engine does), the avail slot, then publish.
        final int head = availIdx & (SIZE - 1);
        final long off = head * 16L;
        final long addr = BUFFER_BASE + 64L * head;
        final long word = 64L | 2L << 32; // len 64, flags WRITE, next 0
        if (desc.get(LE64, off) != addr) {
            desc.set(LE64, off, addr);
        }
        if (desc.get(LE64, off + 8) != word) {
            desc.set(LE64, off + 8, word);
        }
        avail.set(LE16, 4 + 2L * head, (short) head);
        availIdx = (availIdx + 1) & 0xffff;
        // Release: the descriptor and the slot before the new avail idx.
        IDX.setRelease(avail, 2L, (short) availIdx);
        // Full fence: the avail idx store before the read of the device's used flags.
        VarHandle.fullFence();
        long check = used.get(LE16, 0L) & 1;
        // Device: acquire avail idx, read the slot and the descriptor, push the used element.
        // Acquire: avail idx before the slot and the descriptor it publishes.
        int a = (short) IDX.getAcquire(avail, 2L) & 0xffff;
        if (a == lastAvail) {
            throw new IllegalStateException("device found nothing available");
        }
        final int h = avail.get(LE16, 4 + 2L * (lastAvail & (SIZE - 1))) & 0xffff;
        final long dAddr = desc.get(LE64, h * 16L);
        final long dWord = desc.get(LE64, h * 16L + 8);
        lastAvail = (lastAvail + 1) & 0xffff;
        // Acquire: the second look at avail idx, the engine's empty pop.
        a = (short) IDX.getAcquire(avail, 2L) & 0xffff;
        if (a != lastAvail || dAddr != BUFFER_BASE + 64L * h) {
            throw new IllegalStateException("device found more, or another buffer, than was published");
        }
        used.set(LE64, 4 + 8L * (usedIdx & (SIZE - 1)), (h & 0xffff_ffffL) | (dWord & 0xffff_ffffL) << 32);
        usedIdx = (usedIdx + 1) & 0xffff;
        // Release: the used element before the new used idx.
        IDX.setRelease(used, 2L, (short) usedIdx);
        // Full fence: the used idx store before the read of the driver's avail flags.
        VarHandle.fullFence();
        check += avail.get(LE16, 0L) & 1;
        // Driver: acquire used idx, then read the element it covers.
        int u = (short) IDX.getAcquire(used, 2L) & 0xffff;
        if (u == lastUsed) {
            throw new IllegalStateException("driver found nothing used");
        }
        final long elem = used.get(LE64, 4 + 8L * (lastUsed & (SIZE - 1)));
        lastUsed = (lastUsed + 1) & 0xffff;
        if ((int) elem != head) {
            throw new IllegalStateException("used id " + (int) elem + ", expected " + head);
        }
        return check + (elem >>> 32);
    }

    /**
     * The segments of {@link Memory#CONSTANT}: {@code static final}, so constants to the JIT. Allocated once
     * per JVM from a shared arena that is never closed; one rig at a time may use them (the indices live in
     * the rig and would disagree with the rings' contents otherwise).
     */
    private static final class Constant {
        static final MemorySegment DESC;
        static final MemorySegment AVAIL;
        static final MemorySegment USED;
        private static boolean claimed;

        static {
            Arena arena = Arena.ofShared(); // lives as long as the JVM
            DESC = arena.allocate(DESC_BYTES, 4096);
            AVAIL = arena.allocate(AVAIL_BYTES, 4096);
            USED = arena.allocate(USED_BYTES, 4096);
        }

        /** Takes the rings for one rig, zeroed (its indices start at 0); throws if another rig holds them. */
        static synchronized void claim() {
            if (claimed) {
                throw new IllegalStateException("the constant-segment skeleton is in use by another rig");
            }
            claimed = true;
            DESC.fill((byte) 0);
            AVAIL.fill((byte) 0);
            USED.fill((byte) 0);
        }

        static synchronized void release() {
            claimed = false;
        }
    }

    // The same sequence as cycleSegment() over the Constant segments. It cannot share cycleSegment's code:
    // the JIT folds the checks only where the constants appear in the compiled method itself, and a shared
    // helper this size would not be inlined into both callers.
    private long cycleConstant() {
        final MemorySegment desc = Constant.DESC;
        final MemorySegment avail = Constant.AVAIL;
        final MemorySegment used = Constant.USED;
        final int head = availIdx & (SIZE - 1);
        final long off = head * 16L;
        final long addr = BUFFER_BASE + 64L * head;
        final long word = 64L | 2L << 32;
        if (desc.get(LE64, off) != addr) {
            desc.set(LE64, off, addr);
        }
        if (desc.get(LE64, off + 8) != word) {
            desc.set(LE64, off + 8, word);
        }
        avail.set(LE16, 4 + 2L * head, (short) head);
        availIdx = (availIdx + 1) & 0xffff;
        // Release: the descriptor and the slot before the new avail idx.
        IDX.setRelease(avail, 2L, (short) availIdx);
        // Full fence: the avail idx store before the read of the device's used flags.
        VarHandle.fullFence();
        long check = used.get(LE16, 0L) & 1;
        // Acquire: avail idx before the slot and the descriptor it publishes.
        int a = (short) IDX.getAcquire(avail, 2L) & 0xffff;
        if (a == lastAvail) {
            throw new IllegalStateException("device found nothing available");
        }
        final int h = avail.get(LE16, 4 + 2L * (lastAvail & (SIZE - 1))) & 0xffff;
        final long dAddr = desc.get(LE64, h * 16L);
        final long dWord = desc.get(LE64, h * 16L + 8);
        lastAvail = (lastAvail + 1) & 0xffff;
        // Acquire: the second look at avail idx, the engine's empty pop.
        a = (short) IDX.getAcquire(avail, 2L) & 0xffff;
        if (a != lastAvail || dAddr != BUFFER_BASE + 64L * h) {
            throw new IllegalStateException("device found more, or another buffer, than was published");
        }
        used.set(LE64, 4 + 8L * (usedIdx & (SIZE - 1)), (h & 0xffff_ffffL) | (dWord & 0xffff_ffffL) << 32);
        usedIdx = (usedIdx + 1) & 0xffff;
        // Release: the used element before the new used idx.
        IDX.setRelease(used, 2L, (short) usedIdx);
        // Full fence: the used idx store before the read of the driver's avail flags.
        VarHandle.fullFence();
        check += avail.get(LE16, 0L) & 1;
        // Acquire: used idx before the element it covers.
        int u = (short) IDX.getAcquire(used, 2L) & 0xffff;
        if (u == lastUsed) {
            throw new IllegalStateException("driver found nothing used");
        }
        final long elem = used.get(LE64, 4 + 8L * (lastUsed & (SIZE - 1)));
        lastUsed = (lastUsed + 1) & 0xffff;
        if ((int) elem != head) {
            throw new IllegalStateException("used id " + (int) elem + ", expected " + head);
        }
        return check + (elem >>> 32);
    }

    private long cycleArray() {
        final byte[] desc = descA;
        final byte[] avail = availA;
        final byte[] used = usedA;
        final int head = availIdx & (SIZE - 1);
        final int off = head * 16;
        final long addr = BUFFER_BASE + 64L * head;
        final long word = 64L | 2L << 32;
        if ((long) A64.get(desc, off) != addr) {
            A64.set(desc, off, addr);
        }
        if ((long) A64.get(desc, off + 8) != word) {
            A64.set(desc, off + 8, word);
        }
        A16.set(avail, 4 + 2 * head, (short) head);
        availIdx = (availIdx + 1) & 0xffff;
        // Release (fence, then a plain store): the descriptor and the slot before the new avail idx.
        VarHandle.releaseFence();
        A16.set(avail, 2, (short) availIdx);
        // Full fence: the avail idx store before the read of the device's used flags.
        VarHandle.fullFence();
        long check = (short) A16.get(used, 0) & 1;
        int a = (short) A16.get(avail, 2) & 0xffff;
        // Acquire (a plain load, then a fence): avail idx before the slot and the descriptor.
        VarHandle.acquireFence();
        if (a == lastAvail) {
            throw new IllegalStateException("device found nothing available");
        }
        final int h = (short) A16.get(avail, 4 + 2 * (lastAvail & (SIZE - 1))) & 0xffff;
        final long dAddr = (long) A64.get(desc, h * 16);
        final long dWord = (long) A64.get(desc, h * 16 + 8);
        lastAvail = (lastAvail + 1) & 0xffff;
        a = (short) A16.get(avail, 2) & 0xffff;
        // Acquire: the second look at avail idx, the engine's empty pop.
        VarHandle.acquireFence();
        if (a != lastAvail || dAddr != BUFFER_BASE + 64L * h) {
            throw new IllegalStateException("device found more, or another buffer, than was published");
        }
        A64.set(used, 4 + 8 * (usedIdx & (SIZE - 1)), (h & 0xffff_ffffL) | (dWord & 0xffff_ffffL) << 32);
        usedIdx = (usedIdx + 1) & 0xffff;
        // Release: the used element before the new used idx.
        VarHandle.releaseFence();
        A16.set(used, 2, (short) usedIdx);
        // Full fence: the used idx store before the read of the driver's avail flags.
        VarHandle.fullFence();
        check += (short) A16.get(avail, 0) & 1;
        int u = (short) A16.get(used, 2) & 0xffff;
        // Acquire: used idx before the element it covers.
        VarHandle.acquireFence();
        if (u == lastUsed) {
            throw new IllegalStateException("driver found nothing used");
        }
        final long elem = (long) A64.get(used, 4 + 8 * (lastUsed & (SIZE - 1)));
        lastUsed = (lastUsed + 1) & 0xffff;
        if ((int) elem != head) {
            throw new IllegalStateException("used id " + (int) elem + ", expected " + head);
        }
        return check + (elem >>> 32);
    }

    /** Frees the native memory (arrays: nothing; constant segments: handed back for the next rig). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (arena != null) {
            arena.close();
        } else if (memory == Memory.CONSTANT) {
            Constant.release();
        }
    }
}
