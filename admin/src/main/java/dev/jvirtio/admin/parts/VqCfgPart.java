package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_DEV_PART_VQ_CFG (0x104): configuration of virtqueue {@code index}, the 32-byte
 * {@code struct virtio_dev_part_vq_cfg}: queue_size le16 at 0, vector le16 at 2, enabled le16 at 4, reserved
 * le16, queue_desc le64 at 8, queue_driver le64 at 16, queue_device le64 at 24.
 *
 * @param index        the virtqueue index (selector)
 * @param queueSize    queue size
 * @param vector       MSI-X vector
 * @param enabled      queue_enable value
 * @param queueDesc    descriptor area address
 * @param queueDriver  driver area address
 * @param queueDevice  device area address
 * @param optional     whether the OPTIONAL flag is set
 */
public record VqCfgPart(int index, int queueSize, int vector, int enabled, long queueDesc, long queueDriver,
        long queueDevice, boolean optional) implements DevicePart {
    /** Value length on the wire. */
    public static final int LENGTH = 32;

    /** Validates the 16-bit fields. */
    public VqCfgPart {
        check16(index, "index");
        check16(queueSize, "queueSize");
        check16(vector, "vector");
        check16(enabled, "enabled");
    }

    static void check16(int v, String what) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException(what + " must be in 0..0xffff, got " + v);
        }
    }

    @Override
    public PartType type() {
        return PartType.VQ_CFG;
    }

    @Override
    public int flags() {
        return optional ? DevicePartHeader.F_OPTIONAL : 0;
    }

    @Override
    public long selector() {
        return index; // index le16, then 6 reserved zero bytes
    }

    @Override
    public int valueLength() {
        return LENGTH;
    }

    @Override
    public void encodeValue(MemorySegment dst, long off) {
        Wire.putU16(dst, off, queueSize);
        Wire.putU16(dst, off + 2, vector);
        Wire.putU16(dst, off + 4, enabled);
        Wire.putU16(dst, off + 6, 0);
        Wire.putU64(dst, off + 8, queueDesc);
        Wire.putU64(dst, off + 16, queueDriver);
        Wire.putU64(dst, off + 24, queueDevice);
    }

    static VqCfgPart decode(int index, boolean optional, MemorySegment src, long off) {
        return new VqCfgPart(index, Wire.u16(src, off), Wire.u16(src, off + 2), Wire.u16(src, off + 4),
                Wire.u64(src, off + 8), Wire.u64(src, off + 16), Wire.u64(src, off + 24), optional);
    }
}
