package dev.jvirtio.dma.internal;

import dev.jvirtio.dma.DmaException;
import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * The process's DMA address space: one range of virtual memory, reserved once at class initialisation,
 * inside which every jvirtio DMA allocation lives. It is exposed as the single constant segment
 * {@link #SPACE}; code on the hot path addresses DMA memory as offsets into it, so the JIT folds away the
 * segment checks (bounds, liveness, alignment) it would otherwise repeat after every fence.
 *
 * <p>The size comes from {@code -D}{@value #PROPERTY}{@code =<n>[k|m|g|t]} (default 64 GiB); the base is
 * aligned to 1 GiB. The whole range is mapped readable and writable, private, anonymous and
 * {@code MAP_NORESERVE}: it costs address space, not memory or commit charge (in overcommit modes 0 and 1),
 * and an access anywhere in it never faults. Memory that is not placed, or has been retired, is inert zero
 * memory. If the reservation fails the size is halved down to 1 GiB; if every attempt fails
 * {@link #SPACE} is empty, {@link #available()} is false, {@link #unavailableReason()} says why and
 * {@link #place} throws a {@link DmaException} that says how to fix it. Class initialisation never throws.
 *
 * <p>{@link #retire} maps fresh anonymous memory over a range ({@code MAP_FIXED}, one step, no hole) and
 * quarantines it: see {@link SpaceRanges}. Internal to jvirtio (the package is not exported).
 */
public final class DmaSpace {
    /** The system property that sizes the space: {@code <n>[k|m|g|t]} bytes. */
    public static final String PROPERTY = "jvirtio.dma.space";
    /** Size reserved when the property is not set: 64 GiB. */
    public static final long DEFAULT_SIZE = 64L << 30;
    /** Alignment of the space's base, and the largest alignment {@link #place} honours: 1 GiB. */
    public static final long BASE_ALIGNMENT = 1L << 30;
    /** Largest size the property may ask for: 64 TiB (half of the x86-64 user address space). */
    public static final long MAX_SIZE = 64L << 40;
    /** Protection of every page in the space. */
    static final int PROT = Kabi.KABI_PROT_READ() | Kabi.KABI_PROT_WRITE();
    /** Flags of the reservation and of every wipe: private zero pages, no commit charge. */
    static final int INERT_FLAGS = Kabi.KABI_MAP_PRIVATE() | Kabi.KABI_MAP_ANONYMOUS() | Kabi.KABI_MAP_NORESERVE();

    /** The real reservation calls (declared before the static initialiser that uses them). */
    static final AddressSpace NATIVE = new AddressSpace() {
        @Override
        public long map(long length) throws NativeIoException {
            return Syscalls.mmapAddress(length, PROT, INERT_FLAGS, -1, 0, "DMA address space");
        }

        @Override
        public void unmap(long address, long length) throws NativeIoException {
            Syscalls.munmap(address, length);
        }
    };

    /** The whole space: global scope, never closed, a constant to the JIT. Zero-length if unavailable. */
    public static final MemorySegment SPACE;
    private static final long BASE;
    private static final long SIZE;
    private static final String FAILURE;
    private static final SpaceRanges RANGES;

    static {
        Reservation r;
        try {
            r = reserve(System.getProperty(PROPERTY), NATIVE);
        } catch (Throwable t) {
            // Class initialisation must not fail: an unexpected error leaves the space unavailable, named.
            r = Reservation.failed("reserving the DMA address space failed unexpectedly: " + t);
        }
        BASE = r.base();
        SIZE = r.size();
        FAILURE = r.failure();
        SPACE = r.size() > 0 ? Syscalls.segmentAt(r.base(), r.size(), Arena.global()) : MemorySegment.NULL;
        RANGES = r.size() > 0
                ? new SpaceRanges(r.size(), SpaceRanges.defaultQuarantineLimit(r.size()),
                        (offset, length) -> Syscalls.mmapFixed(BASE + offset, length, PROT, INERT_FLAGS, -1, 0,
                                "DMA space wipe"))
                : null;
    }

    private DmaSpace() {
    }

    /** Whether the space was reserved; when not, {@link #unavailableReason()} says why. */
    public static boolean available() {
        return SIZE > 0;
    }

    /** Why the space is unavailable (what failed and how to fix it), or null when it is available. */
    public static String unavailableReason() {
        return FAILURE;
    }

    /** Bytes in the space (0 when unavailable). */
    public static long size() {
        return SIZE;
    }

    /** The process address of {@code offset} in the space. */
    public static long address(long offset) {
        return BASE + offset;
    }

    /** Offset of the whole of {@code segment} inside SPACE, or -1 if it is not entirely inside. */
    public static long offsetOf(MemorySegment segment) {
        if (SIZE == 0 || !segment.isNative()) {
            return -1;
        }
        long offset = segment.address() - BASE;
        // Unsigned compare: an address below BASE wraps to a huge offset and fails the same test.
        if (Long.compareUnsigned(offset, SIZE) > 0 || segment.byteSize() > SIZE - offset) {
            return -1;
        }
        return offset;
    }

    /**
     * {@link #offsetOf} for memory that must be in the space, such as ring areas.
     *
     * @param what names the memory in the error, e.g. "used ring"
     * @throws IllegalArgumentException if {@code segment} is not entirely inside the space
     */
    public static long requireOffset(MemorySegment segment, String what) {
        long at = offsetOf(segment);
        if (at < 0) {
            throw new IllegalArgumentException(what + " memory is not in the DMA space: ring memory must come from"
                    + " a DmaPool (or another DmaAllocator)");
        }
        return at;
    }

    /**
     * Places {@code length} bytes (rounded up to 4 KiB pages) at an offset aligned to {@code alignment}
     * (a power of two up to 1 GiB; at least a page is always honoured). The range reads zero. Thread-safe.
     *
     * @throws DmaException when the space is unavailable (the message says why and how to fix it) or full
     *                      (the message names its size and {@value #PROPERTY})
     */
    public static long place(long length, long alignment) throws DmaException {
        if (RANGES == null) {
            throw new DmaException(FAILURE);
        }
        return RANGES.place(length, alignment);
    }

    /**
     * Retires a placement made by {@link #place} with the same length: fresh zero memory replaces its pages
     * (so any mapping there, a hugetlb file's included, is gone, and a stale access neither faults nor sees
     * old data), then the range waits in quarantine before it can be placed again. Thread-safe.
     *
     * @throws IllegalArgumentException if the range is not a live placement (nothing changes)
     * @throws IllegalStateException    if the space is unavailable
     */
    public static void retire(long offset, long length) {
        if (RANGES == null) {
            throw new IllegalStateException(FAILURE);
        }
        RANGES.retire(offset, length);
    }

    /** Bytes retired and still in quarantine (diagnostics, tests). */
    public static long quarantinedBytes() {
        return RANGES == null ? 0 : RANGES.quarantinedBytes();
    }

    /** Bytes neither placed nor quarantined (diagnostics, tests). */
    public static long freeBytes() {
        return RANGES == null ? 0 : RANGES.freeBytes();
    }

    /** "64 GiB", "1536 MiB", "4 KiB" or "N bytes": the largest binary unit that divides the size. */
    static String describeSize(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes >> shifts[i]) + " " + units[i];
            }
        }
        return bytes + " bytes";
    }

    /**
     * Parses {@code <n>[k|m|g|t]} (case-insensitive binary units) into bytes, rounded up to 4 KiB.
     *
     * @throws IllegalArgumentException naming the property for anything else, zero, or more than 64 TiB
     */
    static long parseSize(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        int shift = 0;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
        long n;
        try {
            if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException();
            }
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
                    + " is not a size; use <n>[k|m|g|t], e.g. 64g");
        }
        if (n <= 0 || n > (MAX_SIZE >> shift)) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " is out of range: the space must be"
                    + " more than 0 and at most " + describeSize(MAX_SIZE));
        }
        return SpaceRanges.pages(n << shift);
    }

    /** The reservation's system calls (the real ones, or a test's stand-in). */
    interface AddressSpace {
        /** Maps {@code length} bytes of inert memory anywhere; returns the address. */
        long map(long length) throws NativeIoException;

        /** Unmaps a range returned by {@link #map} (or part of one). */
        void unmap(long address, long length) throws NativeIoException;
    }


    /** Outcome of the reservation: base and size, or size 0 and the failure. */
    record Reservation(long base, long size, String failure) {
        static Reservation failed(String failure) {
            return new Reservation(0, 0, failure);
        }
    }

    /**
     * Reserves the space: the requested size ({@code property}, or the default when null) plus 1 GiB, then
     * trims to a 1 GiB-aligned base; on failure, half the size, down to 1 GiB (or the requested size, if
     * smaller). Never throws.
     */
    static Reservation reserve(String property, AddressSpace as) {
        long requested;
        try {
            requested = property == null ? DEFAULT_SIZE : parseSize(property);
        } catch (IllegalArgumentException e) {
            return Reservation.failed("no DMA address space: " + e.getMessage());
        }
        long floor = Math.min(requested, BASE_ALIGNMENT);
        NativeIoException last = null;
        for (long size = requested; size >= floor; size = SpaceRanges.pages(size / 2)) {
            long raw;
            try {
                raw = as.map(size + BASE_ALIGNMENT);
            } catch (NativeIoException e) {
                last = e;
                if (size == floor) {
                    break;
                }
                continue;
            }
            long base = (raw + BASE_ALIGNMENT - 1) & -BASE_ALIGNMENT;
            trim(as, raw, base - raw);
            trim(as, base + size, raw + size + BASE_ALIGNMENT - (base + size));
            if (size != requested) {
                System.getLogger(DmaSpace.class.getName()).log(System.Logger.Level.WARNING,
                        "DMA address space: " + describeSize(requested) + " could not be reserved (" + last
                                + "); using " + describeSize(size));
            }
            return new Reservation(base, size, null);
        }
        String errno = last == null ? "" : " (" + last.getMessage() + ")";
        String advice = last != null && last.errno() == Errno.ENOMEM
                ? "; the kernel refused the address space: check vm.overcommit_memory (mode 2 charges even "
                        + "MAP_NORESERVE mappings; use 0 or 1, or raise vm.overcommit_ratio), the address-space limit "
                        + "(ulimit -v), or start the JVM with a smaller -D" + PROPERTY + "=<n>[k|m|g|t]"
                : "; check vm.overcommit_memory, ulimit -v, or start the JVM with a smaller -D" + PROPERTY
                        + "=<n>[k|m|g|t]";
        return Reservation.failed("no DMA address space: could not reserve " + describeSize(requested)
                + (floor < requested ? " nor any half of it down to " + describeSize(floor) : "") + errno + advice);
    }

    private static void trim(AddressSpace as, long address, long length) {
        if (length == 0) {
            return;
        }
        try {
            as.unmap(address, length);
        } catch (NativeIoException e) {
            // The slack stays mapped (inert memory outside the space): harmless, but worth a word in the log.
            System.getLogger(DmaSpace.class.getName()).log(System.Logger.Level.WARNING,
                    "could not trim the DMA address space reservation: " + e.getMessage());
        }
    }
}
