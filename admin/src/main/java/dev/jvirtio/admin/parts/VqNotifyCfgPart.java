package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_DEV_PART_VQ_NOTIFY_CFG (0x105): notification configuration of virtqueue {@code index}, the 8-byte
 * {@code struct virtio_dev_part_vq_notify_data}: queue_notify_off le16 at 0, queue_notif_config_data le16 at
 * 2, 4 reserved bytes.
 *
 * @param index                the virtqueue index (selector)
 * @param queueNotifyOff       queue_notify_off
 * @param queueNotifConfigData queue_notif_config_data
 * @param optional             whether the OPTIONAL flag is set
 */
public record VqNotifyCfgPart(int index, int queueNotifyOff, int queueNotifConfigData, boolean optional)
        implements DevicePart {
    /** Value length on the wire. */
    public static final int LENGTH = 8;

    /** Validates the 16-bit fields. */
    public VqNotifyCfgPart {
        VqCfgPart.check16(index, "index");
        VqCfgPart.check16(queueNotifyOff, "queueNotifyOff");
        VqCfgPart.check16(queueNotifConfigData, "queueNotifConfigData");
    }

    @Override
    public PartType type() {
        return PartType.VQ_NOTIFY_CFG;
    }

    @Override
    public int flags() {
        return optional ? DevicePartHeader.F_OPTIONAL : 0;
    }

    @Override
    public long selector() {
        return index;
    }

    @Override
    public int valueLength() {
        return LENGTH;
    }

    @Override
    public void encodeValue(MemorySegment dst, long off) {
        Wire.putU16(dst, off, queueNotifyOff);
        Wire.putU16(dst, off + 2, queueNotifConfigData);
        Wire.putU32(dst, off + 4, 0);
    }
}
