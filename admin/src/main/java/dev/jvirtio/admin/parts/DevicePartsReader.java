package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.internal.Wire;
import dev.jvirtio.admin.parts.DevicePartsFormatException.Problem;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Streams the parts of a device-parts sequence (a DEV_PARTS_GET result, a DEV_PARTS_SET input, a saved
 * migration stream) out of a memory segment, one {@link DevicePart} per {@link #next()}.
 *
 * <p>Built to take hostile input. Every header is bounds-checked before use and a value is only copied after
 * its length has been checked against the bytes actually present, so allocation is bounded by the input size
 * whatever the length fields claim; every part consumes at least its 16-byte header, so iteration always ends.
 * Problems surface as a {@link DevicePartsFormatException} naming the part index, byte offset and
 * {@link Problem}. Fewer than 8 trailing zero bytes are taken as padding (a device pads its writable buffer to
 * a multiple of 8 bytes) and end the sequence.
 *
 * <pre>{@code
 * DevicePartsReader r = DevicePartsReader.of(seg, 0, len).checkingOrder();
 * while (r.hasNext()) {
 *     switch (r.next()) {
 *         case VqCfgPart vq -> ...;
 *         case DeviceTypePart raw -> ...;
 *         default -> { }
 *     }
 * }
 * }</pre>
 * A reader is a single-use cursor and not thread-safe.
 */
public final class DevicePartsReader {
    private final MemorySegment src;
    private final long base;
    private final long end;
    private DevicePartsOrder order;
    private long pos;
    private int index;

    private DevicePartsReader(MemorySegment src, long base, long end) {
        this.src = src;
        this.base = base;
        this.end = end;
        this.pos = base;
    }

    /**
     * A reader over {@code length} bytes of {@code src} at {@code offset}.
     *
     * @throws IllegalArgumentException if the range is not inside {@code src}
     */
    public static DevicePartsReader of(MemorySegment src, long offset, long length) {
        if (offset < 0 || length < 0 || offset > src.byteSize() || length > src.byteSize() - offset) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") is outside a segment of "
                    + src.byteSize() + " bytes");
        }
        return new DevicePartsReader(src, offset, offset + length);
    }

    /** Also enforces the spec's part order and uniqueness rules ({@link DevicePartsOrder}); returns this. */
    public DevicePartsReader checkingOrder() {
        if (pos != base) {
            throw new IllegalStateException("order checking must be enabled before reading");
        }
        order = new DevicePartsOrder();
        return this;
    }

    /** Reads a whole sequence into an unmodifiable list. */
    public static List<DevicePart> readAll(MemorySegment src, long offset, long length, boolean checkOrder) {
        DevicePartsReader r = of(src, offset, length);
        if (checkOrder) {
            r.checkingOrder();
        }
        List<DevicePart> parts = new ArrayList<>();
        while (r.hasNext()) {
            parts.add(r.next());
        }
        return Collections.unmodifiableList(parts);
    }

    /** True while parts remain (trailing zero padding of fewer than 8 bytes does not count). */
    public boolean hasNext() {
        long remaining = end - pos;
        if (remaining <= 0) {
            return false;
        }
        return !(remaining < 8 && Wire.allZero(src, pos, remaining));
    }

    /** Byte offset of the next part relative to the start of the sequence. */
    public long position() {
        return pos - base;
    }

    /** Number of parts read so far. */
    public int partsRead() {
        return index;
    }

    /**
     * Reads the next part.
     *
     * @throws NoSuchElementException     when no parts remain
     * @throws DevicePartsFormatException when the next part is malformed or, if checking, out of order
     */
    public DevicePart next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more device parts at byte " + position());
        }
        long at = position();
        long remaining = end - pos;
        if (remaining < DevicePartHeader.SIZE) {
            throw fail(Problem.TRUNCATED_HEADER, at, "only " + remaining + " bytes left, a part header needs 16");
        }
        int typeCode = Wire.u16(src, pos + DevicePartHeader.OFF_TYPE);
        int flags = Wire.u8(src, pos + DevicePartHeader.OFF_FLAGS);
        long selector = Wire.u64(src, pos + DevicePartHeader.OFF_SELECTOR);
        long length = Wire.u32(src, pos + DevicePartHeader.OFF_LENGTH);
        PartType type = PartType.of(typeCode);
        long valueAvail = remaining - DevicePartHeader.SIZE;
        if (length > valueAvail) {
            throw fail(Problem.VALUE_PAST_END, at, type + " claims " + length + " value bytes but only "
                    + valueAvail + " remain");
        }
        long v = pos + DevicePartHeader.SIZE;
        DevicePart part = decode(type, flags, selector, (int) Math.min(length, Integer.MAX_VALUE), length, v, at);
        if (order != null) {
            order.accept(type, selector, index, at);
        }
        pos = v + length;
        index++;
        return part;
    }

    private DevicePart decode(PartType type, int flags, long selector, int len, long rawLen, long v, long at) {
        boolean optional = (flags & DevicePartHeader.F_OPTIONAL) != 0;
        switch (type.code()) {
            case 0x100, 0x101 -> {
                if (rawLen % 8 != 0) {
                    throw fail(Problem.BAD_LENGTH, at, type + " length " + rawLen + " is not a multiple of 8");
                }
                long[] words = new long[len / 8];
                for (int i = 0; i < words.length; i++) {
                    words[i] = Wire.u64(src, v + 8L * i);
                }
                FeatureBits f = FeatureBits.of(words);
                return type.code() == 0x100 ? new DevFeaturesPart(f, optional) : new DrvFeaturesPart(f, optional);
            }
            case 0x102 -> {
                long offset = selector & 0xffff_ffffL;
                if (rawLen != 1 && rawLen != 2 && rawLen != 4 && rawLen != 8) {
                    throw fail(Problem.BAD_LENGTH, at, "PCI_COMMON_CFG length " + rawLen + " is not 1, 2, 4 or 8");
                }
                PciCommonCfgField field;
                try {
                    field = PciCommonCfgField.at(offset);
                } catch (IllegalArgumentException e) {
                    throw fail(Problem.BAD_SELECTOR, at, e.getMessage());
                }
                if (offset > Integer.MAX_VALUE) {
                    throw fail(Problem.BAD_SELECTOR, at, "common-cfg offset " + offset + " is implausibly large");
                }
                if (field != null && field.width() != rawLen) {
                    throw fail(Problem.BAD_LENGTH, at, "PCI_COMMON_CFG " + field + " is " + field.width()
                            + " bytes wide, part length is " + rawLen);
                }
                return new PciCommonCfgPart((int) offset, len, Wire.uN(src, v, len), optional);
            }
            case 0x103 -> {
                requireLength(type, rawLen, 1, at);
                return new DeviceStatusPart(Wire.u8(src, v), optional);
            }
            case 0x104 -> {
                requireLength(type, rawLen, VqCfgPart.LENGTH, at);
                return VqCfgPart.decode((int) (selector & 0xffff), optional, src, v);
            }
            case 0x105 -> {
                requireLength(type, rawLen, VqNotifyCfgPart.LENGTH, at);
                return new VqNotifyCfgPart((int) (selector & 0xffff), Wire.u16(src, v), Wire.u16(src, v + 2),
                        optional);
            }
            default -> {
                if (rawLen > Integer.MAX_VALUE - 16) {
                    throw fail(Problem.BAD_LENGTH, at, type + " value of " + rawLen + " bytes is too large to hold");
                }
                Bytes value = Bytes.copyOf(src, v, len);
                return type.isDeviceTypeSpecific() ? new DeviceTypePart(type, flags, selector, value)
                        : new UnknownPart(type, flags, selector, value);
            }
        }
    }

    private void requireLength(PartType type, long actual, int expected, long at) {
        if (actual != expected) {
            throw fail(Problem.BAD_LENGTH, at, type + " must be " + expected + " bytes, got " + actual);
        }
    }

    private DevicePartsFormatException fail(Problem p, long at, String detail) {
        return new DevicePartsFormatException(p, index, at, detail);
    }
}
