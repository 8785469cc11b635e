package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_device_info;

import java.lang.foreign.MemorySegment;

/**
 * A device as {@code VFIO_DEVICE_GET_INFO} describes it.
 *
 * @param flags      {@code KABI_VFIO_DEVICE_FLAGS_*}
 * @param numRegions number of region indexes (9 fixed ones for vfio-pci, more with device-specific regions)
 * @param numIrqs    number of interrupt indexes (5 for vfio-pci)
 */
public record DeviceInfo(int flags, int numRegions, int numIrqs) {

    /** Whether {@code VFIO_DEVICE_RESET} is supported. */
    public boolean resettable() {
        return (flags & Kabi.KABI_VFIO_DEVICE_FLAGS_RESET()) != 0;
    }

    /** Whether this is a vfio-pci device (fixed region and IRQ indexes). */
    public boolean isPci() {
        return (flags & Kabi.KABI_VFIO_DEVICE_FLAGS_PCI()) != 0;
    }

    /** Decodes a reply; the old 20-byte layout (before the pad field) is accepted. */
    static DeviceInfo parse(MemorySegment reply) throws VfioException {
        if (reply.byteSize() < kabi_vfio_device_info.cap_offset$offset()) {
            throw CapabilityChain.bad("device info", "reply of " + reply.byteSize() + " bytes is too short");
        }
        int flags = reply.get(CapabilityChain.U32, kabi_vfio_device_info.flags$offset());
        int regions = reply.get(CapabilityChain.U32, kabi_vfio_device_info.num_regions$offset());
        int irqs = reply.get(CapabilityChain.U32, kabi_vfio_device_info.num_irqs$offset());
        if (regions < 0 || irqs < 0) {
            throw CapabilityChain.bad("device info", "implausible counts: " + Integer.toUnsignedString(regions)
                    + " regions, " + Integer.toUnsignedString(irqs) + " irqs");
        }
        return new DeviceInfo(flags, regions, irqs);
    }
}
