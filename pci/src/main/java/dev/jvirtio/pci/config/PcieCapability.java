package dev.jvirtio.pci.config;

/**
 * PCI Express capability (ID 0x10): version, port type, supported payload and current link.
 *
 * @param offset              config offset
 * @param next                next pointer as read
 * @param version             capability version (PCIe Capabilities register bits 3:0)
 * @param portType            Device/Port Type (bits 7:4)
 * @param maxPayloadSupported Max_Payload_Size Supported in bytes (128 &lt;&lt; Device Capabilities bits 2:0)
 * @param linkSpeed           Current Link Speed code from Link Status (1 = 2.5 GT/s, 2 = 5, 3 = 8, 4 = 16, ...)
 * @param linkWidth           Negotiated Link Width from Link Status (lanes)
 */
public record PcieCapability(int offset, int next, int version, int portType, int maxPayloadSupported,
                             int linkSpeed, int linkWidth) implements PciCapability {
    /** Capability ID. */
    public static final int ID = 0x10;
    /** Bytes this parser reads: through the Link Status register at +0x12. */
    static final int SIZE = 0x14;

    @Override
    public int capId() {
        return ID;
    }

    /** A name for {@link #portType()}, e.g. "Endpoint" or "Root Port". */
    public String portTypeName() {
        return switch (portType) {
            case 0x0 -> "Endpoint";
            case 0x1 -> "Legacy Endpoint";
            case 0x4 -> "Root Port";
            case 0x5 -> "Upstream Switch Port";
            case 0x6 -> "Downstream Switch Port";
            case 0x7 -> "PCIe to PCI/PCI-X Bridge";
            case 0x8 -> "PCI/PCI-X to PCIe Bridge";
            case 0x9 -> "Root Complex Integrated Endpoint";
            case 0xa -> "Root Complex Event Collector";
            default -> "reserved type " + portType;
        };
    }
}
