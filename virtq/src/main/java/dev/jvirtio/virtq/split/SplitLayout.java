package dev.jvirtio.virtq.split;

/**
 * Byte layout of a split virtqueue (virtio 1.3 section 2.7): descriptor table, available ring (driver
 * area) and used ring (device area). All fields are little-endian.
 *
 * <pre>
 * struct virtq_desc  { le64 addr; le32 len; le16 flags; le16 next; }              16 bytes, table align 16
 * struct virtq_avail { le16 flags; le16 idx; le16 ring[N]; le16 used_event; }     6 + 2N bytes, align 2
 * struct virtq_used  { le16 flags; le16 idx; {le32 id; le32 len} ring[N]; le16 avail_event; }  6 + 8N, align 4
 * </pre>
 *
 * <p>For a single-region layout this class places the descriptor table at 0, the available ring right after
 * it (16N is a multiple of 2), and the used ring at the next 64-byte boundary: 4 would satisfy the spec,
 * 64 keeps the device-written used ring off the cache lines the driver writes.
 */
public final class SplitLayout {
    /** Size of one descriptor. */
    public static final int DESC_SIZE = 16;
    /** Offset of {@code addr} in a descriptor. */
    public static final int DESC_ADDR = 0;
    /** Offset of {@code len} in a descriptor. */
    public static final int DESC_LEN = 8;
    /** Offset of {@code flags} in a descriptor. */
    public static final int DESC_FLAGS = 12;
    /** Offset of {@code next} in a descriptor. */
    public static final int DESC_NEXT = 14;

    /** VIRTQ_DESC_F_NEXT: the chain continues at {@code next}. */
    public static final int F_NEXT = 1;
    /** VIRTQ_DESC_F_WRITE: the buffer is device-writable. */
    public static final int F_WRITE = 2;
    /** VIRTQ_DESC_F_INDIRECT: the buffer holds an indirect descriptor table. */
    public static final int F_INDIRECT = 4;

    /** Offset of {@code flags} in the available ring. */
    public static final int AVAIL_FLAGS = 0;
    /** Offset of {@code idx} in the available ring. */
    public static final int AVAIL_IDX = 2;
    /** Offset of {@code ring[0]} in the available ring. */
    public static final int AVAIL_RING = 4;
    /** VIRTQ_AVAIL_F_NO_INTERRUPT. */
    public static final int AVAIL_F_NO_INTERRUPT = 1;

    /** Offset of {@code flags} in the used ring. */
    public static final int USED_FLAGS = 0;
    /** Offset of {@code idx} in the used ring. */
    public static final int USED_IDX = 2;
    /** Offset of {@code ring[0]} in the used ring. */
    public static final int USED_RING = 4;
    /** Size of one used element {@code {le32 id; le32 len}}. */
    public static final int USED_ELEM_SIZE = 8;
    /** VIRTQ_USED_F_NO_NOTIFY. */
    public static final int USED_F_NO_NOTIFY = 1;

    /** Minimum alignment of the descriptor table. */
    public static final int DESC_ALIGN = 16;
    /** Minimum alignment of the available ring. */
    public static final int AVAIL_ALIGN = 2;
    /** Minimum alignment of the used ring. */
    public static final int USED_ALIGN = 4;
    /** Alignment this class uses for the used ring in a single region (a cache line). */
    public static final int USED_AREA_ALIGN = 64;

    private SplitLayout() {
    }

    /** Whether {@code size} is a legal split queue size: a power of two in 1..32768. */
    public static boolean isValidSize(int size) {
        return size >= 1 && size <= 32768 && Integer.bitCount(size) == 1;
    }

    /** Bytes of the descriptor table for {@code size} entries. */
    public static long descTableSize(int size) {
        return (long) DESC_SIZE * size;
    }

    /** Bytes of the available ring including used_event. */
    public static long availSize(int size) {
        return 6L + 2L * size;
    }

    /** Bytes of the used ring including avail_event. */
    public static long usedSize(int size) {
        return 6L + (long) USED_ELEM_SIZE * size;
    }

    /** Offset of descriptor {@code index} in the table. */
    public static long descOffset(int index) {
        return (long) DESC_SIZE * index;
    }

    /** Offset of {@code ring[slot]} in the available ring. */
    public static long availRingOffset(int slot) {
        return AVAIL_RING + 2L * slot;
    }

    /** Offset of {@code used_event} in the available ring. */
    public static long usedEventOffset(int size) {
        return AVAIL_RING + 2L * size;
    }

    /** Offset of {@code ring[slot]} in the used ring. */
    public static long usedElemOffset(int slot) {
        return USED_RING + (long) USED_ELEM_SIZE * slot;
    }

    /** Offset of {@code avail_event} in the used ring. */
    public static long availEventOffset(int size) {
        return USED_RING + (long) USED_ELEM_SIZE * size;
    }

    /** Offset of the available ring in a single-region layout. */
    public static long availAreaOffset(int size) {
        return descTableSize(size);
    }

    /** Offset of the used ring in a single-region layout. */
    public static long usedAreaOffset(int size) {
        long end = availAreaOffset(size) + availSize(size);
        return (end + USED_AREA_ALIGN - 1) & -USED_AREA_ALIGN;
    }

    /** Bytes of a single region holding all three parts. */
    public static long totalSize(int size) {
        return usedAreaOffset(size) + usedSize(size);
    }
}
