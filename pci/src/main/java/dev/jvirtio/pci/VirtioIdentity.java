package dev.jvirtio.pci;

import java.util.Optional;

/**
 * What a PCI function's IDs say about it as a virtio device (virtio spec, "PCI Device Discovery").
 *
 * <p>Vendor 0x1AF4 with device ID 0x1040-0x107F is a modern device whose Virtio Device ID is
 * {@code pciDeviceId - 0x1040}; device ID 0x1000-0x103F is a transitional device whose Virtio Device ID is
 * its PCI Subsystem Device ID (the spec requires them to match, and Linux' legacy driver reads it the same way).
 * <pre>{@code
 * VirtioIdentity.of(0x1af4, 0x1042, 0x1100).orElseThrow().type();   // BLOCK, modern
 * VirtioIdentity.of(0x1af4, 0x1000, 0x0001).orElseThrow().type();   // NET, transitional
 * VirtioIdentity.of(0x8086, 0x0d57, 0).isEmpty();                    // true: not virtio
 * }</pre>
 *
 * @param deviceId     the Virtio Device ID (kept even when the type is {@link VirtioDeviceType#UNKNOWN})
 * @param type         the decoded type
 * @param transitional true for the transitional PCI device ID range 0x1000-0x103F
 */
public record VirtioIdentity(int deviceId, VirtioDeviceType type, boolean transitional) {

    /** The PCI vendor ID every virtio function carries. */
    public static final int VIRTIO_PCI_VENDOR_ID = 0x1af4;
    /** First transitional PCI device ID. */
    public static final int TRANSITIONAL_FIRST = 0x1000;
    /** Last transitional PCI device ID. */
    public static final int TRANSITIONAL_LAST = 0x103f;
    /** PCI device ID of Virtio Device ID 0; modern IDs are this plus the Virtio Device ID. */
    public static final int MODERN_BASE = 0x1040;
    /** Last modern PCI device ID. */
    public static final int MODERN_LAST = 0x107f;

    /** Checks the type agrees with the number (UNKNOWN for unlisted numbers). */
    public VirtioIdentity {
        if (type != VirtioDeviceType.fromId(deviceId)) {
            throw new IllegalArgumentException("type " + type + " does not match Virtio Device ID " + deviceId);
        }
    }

    /**
     * Decodes PCI IDs; empty when the function is not a virtio device.
     *
     * @param vendorId          PCI vendor ID
     * @param pciDeviceId       PCI device ID
     * @param subsystemDeviceId PCI subsystem device ID (used only for transitional devices)
     */
    public static Optional<VirtioIdentity> of(int vendorId, int pciDeviceId, int subsystemDeviceId) {
        if (vendorId != VIRTIO_PCI_VENDOR_ID) {
            return Optional.empty();
        }
        if (pciDeviceId >= MODERN_BASE && pciDeviceId <= MODERN_LAST) {
            int id = pciDeviceId - MODERN_BASE;
            return Optional.of(new VirtioIdentity(id, VirtioDeviceType.fromId(id), false));
        }
        if (pciDeviceId >= TRANSITIONAL_FIRST && pciDeviceId <= TRANSITIONAL_LAST) {
            return Optional.of(new VirtioIdentity(subsystemDeviceId,
                    VirtioDeviceType.fromId(subsystemDeviceId), true));
        }
        return Optional.empty();
    }

    /** The type's short name, or {@code unknown(N)} so an unlisted ID still shows its number. */
    public String typeName() {
        return type == VirtioDeviceType.UNKNOWN ? "unknown(" + deviceId + ")" : type.shortName();
    }
}
