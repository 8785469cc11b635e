package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.parts.DevicePartsFormatException.Problem;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Writes a device-parts sequence: each part's 16-byte header followed directly by its value, no padding
 * between parts. Optionally enforces the spec's order (the driver MUST send DEV_PARTS_SET parts in it).
 *
 * <pre>{@code
 * long n = DevicePartsWriter.encodedLength(parts);
 * DevicePartsWriter.writeAll(parts, seg, 0, true);
 * }</pre>
 * A writer instance is a single-use cursor and not thread-safe.
 */
public final class DevicePartsWriter {
    private final MemorySegment dst;
    private final long base;
    private final long limit;
    private final DevicePartsOrder order;
    private long pos;
    private int index;

    /**
     * A writer filling {@code dst} from {@code offset} up to {@code offset + capacity}.
     *
     * @param checkOrder enforce the mandatory order and uniqueness rules
     */
    public DevicePartsWriter(MemorySegment dst, long offset, long capacity, boolean checkOrder) {
        if (offset < 0 || capacity < 0 || offset > dst.byteSize() || capacity > dst.byteSize() - offset) {
            throw new IllegalArgumentException("range [" + offset + ", +" + capacity + ") is outside a segment of "
                    + dst.byteSize() + " bytes");
        }
        this.dst = dst;
        this.base = offset;
        this.limit = offset + capacity;
        this.pos = offset;
        this.order = checkOrder ? new DevicePartsOrder() : null;
    }

    /** Total bytes {@code parts} occupy as a sequence. */
    public static long encodedLength(List<? extends DevicePart> parts) {
        long n = 0;
        for (DevicePart p : parts) {
            n += p.encodedLength();
        }
        return n;
    }

    /** Checks {@code parts} against the order rules without writing anything. */
    public static void checkOrder(List<? extends DevicePart> parts) {
        DevicePartsOrder o = new DevicePartsOrder();
        long at = 0;
        for (int i = 0; i < parts.size(); i++) {
            DevicePart p = parts.get(i);
            o.accept(p.type(), p.selector(), i, at);
            at += p.encodedLength();
        }
    }

    /** Writes all parts at {@code offset}; returns the bytes written. */
    public static long writeAll(List<? extends DevicePart> parts, MemorySegment dst, long offset,
            boolean checkOrder) {
        DevicePartsWriter w = new DevicePartsWriter(dst, offset, dst.byteSize() - offset, checkOrder);
        for (DevicePart p : parts) {
            w.write(p);
        }
        return w.position();
    }

    /**
     * Appends one part.
     *
     * @throws DevicePartsFormatException {@link Problem#NO_ROOM} if it does not fit, or an order problem
     */
    public DevicePartsWriter write(DevicePart part) {
        long at = pos - base;
        long need = part.encodedLength();
        if (need > limit - pos) {
            throw new DevicePartsFormatException(Problem.NO_ROOM, index, at,
                    part.type() + " needs " + need + " bytes, " + (limit - pos) + " left");
        }
        if (order != null) {
            order.accept(part.type(), part.selector(), index, at);
        }
        part.header().encode(dst, pos);
        part.encodeValue(dst, pos + DevicePartHeader.SIZE);
        pos += need;
        index++;
        return this;
    }

    /** Bytes written so far. */
    public long position() {
        return pos - base;
    }
}
