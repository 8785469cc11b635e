package dev.jvirtio.pci.config;

/**
 * One entry of the standard PCI capability list (config offsets 0x40-0xff), decoded by capability ID.
 *
 * <pre>{@code
 * for (PciCapability cap : config.capabilities()) {
 *     switch (cap) {
 *         case VirtioCapability v -> ...;
 *         case MsixCapability m -> ...;
 *         default -> System.out.println(cap.name());
 *     }
 * }
 * }</pre>
 */
public sealed interface PciCapability
        permits VirtioCapability, MsixCapability, MsiCapability, PcieCapability, PowerManagementCapability,
                GenericCapability, MalformedCapability {

    /** Config-space offset of the capability's first byte. */
    int offset();

    /** The 8-bit capability ID (byte 0). */
    int capId();

    /** The next-capability pointer (byte 1) as read, before masking. */
    int next();

    /** Human-readable name of the capability ID, e.g. "MSI-X". */
    default String name() {
        return CapabilityNames.standard(capId());
    }
}
