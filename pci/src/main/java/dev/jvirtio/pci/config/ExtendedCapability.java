package dev.jvirtio.pci.config;

/**
 * One entry of the PCIe extended capability list (config offsets 0x100-0xfff), decoded by ID.
 * Each entry starts with a 32-bit header: ID (bits 15:0), version (19:16), next offset (31:20).
 */
public sealed interface ExtendedCapability
        permits SriovCapability, GenericExtendedCapability, MalformedExtendedCapability {

    /** Config-space offset of the header. */
    int offset();

    /** The 16-bit extended capability ID. */
    int capId();

    /** The 4-bit capability version. */
    int version();

    /** The next-capability offset (header bits 31:20) with its reserved low two bits masked off. */
    int next();

    /** Human-readable name of the ID, e.g. "SR-IOV". */
    default String name() {
        return CapabilityNames.extended(capId());
    }
}
