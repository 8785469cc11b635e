package dev.jvirtio.virtq;

import java.util.Objects;

/**
 * Parameters of a driver-side virtqueue.
 *
 * <pre>{@code
 * VirtqueueConfig cfg = VirtqueueConfig.of(adminQueueIndex, 64)
 *         .withFeatures(negotiated)        // ring-relevant bits: INDIRECT_DESC, EVENT_IDX, NOTIFICATION_DATA...
 *         .withIndirect(8)                 // up to 8-entry indirect tables, when INDIRECT_DESC is negotiated
 *         .withDoorbell(notifyRegister);
 * }</pre>
 *
 * @param queueIndex        virtqueue index on the device (0..65535)
 * @param size              queue size: 1..32768 (a power of two for split rings)
 * @param features          negotiated feature bits (only ring-related bits matter); IN_ORDER is refused
 * @param indirectEntries   entries per indirect table (0 = never use indirect; at most {@code size}); used
 *                          only when {@link RingFeatures#INDIRECT_DESC} is negotiated
 * @param indirectThreshold chains of at least this many buffers go indirect (when possible); chains that
 *                          do not fit directly go indirect regardless
 * @param notifyId          the 16-bit id put in doorbell values: the queue index, or
 *                          {@code queue_notif_config_data} when NOTIF_CONFIG_DATA is negotiated
 * @param doorbell          where notifications go
 */
public record VirtqueueConfig(int queueIndex, int size, long features, int indirectEntries,
                              int indirectThreshold, int notifyId, Doorbell doorbell) {
    /** Largest queue size the spec allows for either ring format. */
    public static final int MAX_SIZE = 32768;

    /** Validates the parameters. */
    public VirtqueueConfig {
        if (queueIndex < 0 || queueIndex > 0xffff) {
            throw new IllegalArgumentException("queue index out of 0..65535: " + queueIndex);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("queue size out of 1..32768: " + size);
        }
        if ((features & RingFeatures.IN_ORDER) != 0) {
            throw new IllegalArgumentException("VIRTIO_F_IN_ORDER is not supported by these queues; do not negotiate it");
        }
        if (indirectEntries < 0 || indirectEntries > size) {
            throw new IllegalArgumentException("indirect entries out of 0..size: " + indirectEntries);
        }
        if (indirectThreshold < 1) {
            throw new IllegalArgumentException("indirect threshold must be >= 1");
        }
        if (notifyId < 0 || notifyId > 0xffff) {
            throw new IllegalArgumentException("notify id out of 0..65535: " + notifyId);
        }
        Objects.requireNonNull(doorbell, "doorbell");
    }

    /** Defaults: no features, no indirect, notify id = queue index, a doorbell that does nothing. */
    public static VirtqueueConfig of(int queueIndex, int size) {
        return new VirtqueueConfig(queueIndex, size, 0, 0, 2, queueIndex, Doorbell.NONE);
    }

    /** With negotiated features. */
    public VirtqueueConfig withFeatures(long f) {
        return new VirtqueueConfig(queueIndex, size, f, indirectEntries, indirectThreshold, notifyId, doorbell);
    }

    /** With indirect tables of {@code entries} descriptors. */
    public VirtqueueConfig withIndirect(int entries) {
        return new VirtqueueConfig(queueIndex, size, features, entries, indirectThreshold, notifyId, doorbell);
    }

    /** With a different indirect threshold. */
    public VirtqueueConfig withIndirectThreshold(int threshold) {
        return new VirtqueueConfig(queueIndex, size, features, indirectEntries, threshold, notifyId, doorbell);
    }

    /** With a different notification id (NOTIF_CONFIG_DATA). */
    public VirtqueueConfig withNotifyId(int id) {
        return new VirtqueueConfig(queueIndex, size, features, indirectEntries, indirectThreshold, id, doorbell);
    }

    /** With a doorbell. */
    public VirtqueueConfig withDoorbell(Doorbell d) {
        return new VirtqueueConfig(queueIndex, size, features, indirectEntries, indirectThreshold, notifyId, d);
    }

    /** Whether indirect tables will be used: negotiated and configured. */
    public boolean usesIndirect() {
        return indirectEntries > 1 && RingFeatures.has(features, RingFeatures.INDIRECT_DESC);
    }

    /** Whether EVENT_IDX is negotiated. */
    public boolean eventIdx() {
        return RingFeatures.has(features, RingFeatures.EVENT_IDX);
    }

    /** Whether NOTIFICATION_DATA is negotiated. */
    public boolean notificationData() {
        return RingFeatures.has(features, RingFeatures.NOTIFICATION_DATA);
    }
}
