package dev.jvirtio.devicemodel;

/**
 * Receives driver notifications a member gets through the legacy interface (a LEGACY_COMMON_CFG_WRITE to
 * Queue Notify). Called on the device thread; must not block.
 */
@FunctionalInterface
public interface QueueNotifyListener {
    /**
     * @param member the member id (VF number, 1-based)
     * @param queue  the notified virtqueue index
     */
    void notified(int member, int queue);
}
