package dev.jvirtio.virtq.packed;

/**
 * Byte layout of a packed virtqueue (virtio 1.3 section 2.8). All fields are little-endian.
 *
 * <pre>
 * struct pvirtq_desc { le64 addr; le32 len; le16 id; le16 flags; }             16 bytes, ring align 16
 * struct pvirtq_event_suppress { le16 off_wrap (off:15, wrap:1); le16 flags; } 4 bytes, align 4
 * </pre>
 *
 * <p>The Descriptor Area is the ring, the Driver Area is the driver event suppression structure (written
 * by the driver, it controls used-buffer notifications) and the Device Area is the device event
 * suppression structure (written by the device, it controls available-buffer notifications). For a
 * single-region layout this class puts the ring at 0, the driver structure right after it and the device
 * structure one cache line later, so the two writers never share a line.
 */
public final class PackedLayout {
    /** Size of one descriptor. */
    public static final int DESC_SIZE = 16;
    /** Offset of {@code addr}. */
    public static final int DESC_ADDR = 0;
    /** Offset of {@code len}. */
    public static final int DESC_LEN = 8;
    /** Offset of {@code id} (buffer id). */
    public static final int DESC_ID = 12;
    /** Offset of {@code flags}. */
    public static final int DESC_FLAGS = 14;

    /** VIRTQ_DESC_F_NEXT. */
    public static final int F_NEXT = 1;
    /** VIRTQ_DESC_F_WRITE. */
    public static final int F_WRITE = 2;
    /** VIRTQ_DESC_F_INDIRECT. */
    public static final int F_INDIRECT = 4;
    /** VIRTQ_DESC_F_AVAIL (bit 7). */
    public static final int F_AVAIL = 1 << 7;
    /** VIRTQ_DESC_F_USED (bit 15). */
    public static final int F_USED = 1 << 15;

    /** Offset of the {@code off_wrap} word in an event suppression structure. */
    public static final int EVENT_OFF_WRAP = 0;
    /** Offset of the {@code flags} word in an event suppression structure. */
    public static final int EVENT_FLAGS = 2;
    /** Size of an event suppression structure. */
    public static final int EVENT_SIZE = 4;
    /** RING_EVENT_FLAGS_ENABLE. */
    public static final int RING_EVENT_FLAGS_ENABLE = 0;
    /** RING_EVENT_FLAGS_DISABLE. */
    public static final int RING_EVENT_FLAGS_DISABLE = 1;
    /** RING_EVENT_FLAGS_DESC (only with VIRTIO_F_EVENT_IDX). */
    public static final int RING_EVENT_FLAGS_DESC = 2;

    /** Minimum alignment of the descriptor ring. */
    public static final int RING_ALIGN = 16;
    /** Minimum alignment of the event suppression structures. */
    public static final int EVENT_ALIGN = 4;

    private PackedLayout() {
    }

    /** Whether {@code size} is a legal packed queue size: 1..32768 (no power-of-two requirement). */
    public static boolean isValidSize(int size) {
        return size >= 1 && size <= 32768;
    }

    /** Bytes of the descriptor ring. */
    public static long ringSize(int size) {
        return (long) DESC_SIZE * size;
    }

    /** Offset of descriptor {@code index} in the ring. */
    public static long descOffset(int index) {
        return (long) DESC_SIZE * index;
    }

    /** Offset of the driver event suppression structure in a single-region layout. */
    public static long driverEventOffset(int size) {
        return ringSize(size);
    }

    /** Offset of the device event suppression structure in a single-region layout. */
    public static long deviceEventOffset(int size) {
        return ringSize(size) + 64;
    }

    /** Bytes of a single region holding all three parts. */
    public static long totalSize(int size) {
        return deviceEventOffset(size) + EVENT_SIZE;
    }

    /** Packs an event offset and wrap counter into an {@code off_wrap} word. */
    public static int offWrap(int offset, boolean wrap) {
        return (offset & 0x7fff) | (wrap ? 0x8000 : 0);
    }
}
