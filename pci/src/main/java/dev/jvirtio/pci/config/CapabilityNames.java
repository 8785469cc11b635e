package dev.jvirtio.pci.config;

/** Names of standard and extended PCI capability IDs (PCI Code and ID Assignment; Linux pci_regs.h). */
public final class CapabilityNames {
    private CapabilityNames() {
    }

    private static final String[] STANDARD = {
        "Null", "Power Management", "AGP", "Vital Product Data", "Slot Identification", "MSI",
        "CompactPCI Hot Swap", "PCI-X", "HyperTransport", "Vendor Specific", "Debug Port",
        "CompactPCI Central Resource Control", "PCI Hot-Plug", "Bridge Subsystem Vendor ID", "AGP 8x",
        "Secure Device", "PCI Express", "MSI-X", "SATA Data/Index Configuration", "Advanced Features",
        "Enhanced Allocation", "Flattening Portal Bridge",
    };

    private static final String[] EXTENDED = {
        "Null", "Advanced Error Reporting", "Virtual Channel", "Device Serial Number", "Power Budgeting",
        "Root Complex Link Declaration", "Root Complex Internal Link Control",
        "Root Complex Event Collector Endpoint Association", "Multi-Function Virtual Channel",
        "Virtual Channel (MFVC present)", "RCRB Header", "Vendor-Specific Extended",
        "Configuration Access Correlation", "Access Control Services", "Alternative Routing-ID Interpretation",
        "Address Translation Services", "SR-IOV", "MR-IOV", "Multicast", "Page Request Interface",
        "Reserved for AMD", "Resizable BAR", "Dynamic Power Allocation", "TPH Requester",
        "Latency Tolerance Reporting", "Secondary PCI Express", "Protocol Multiplexing",
        "Process Address Space ID", "LN Requester", "Downstream Port Containment", "L1 PM Substates",
        "Precision Time Measurement", "PCI Express over M-PHY", "FRS Queueing", "Readiness Time Reporting",
        "Designated Vendor-Specific", "VF Resizable BAR", "Data Link Feature", "Physical Layer 16.0 GT/s",
        "Lane Margining at the Receiver", "Hierarchy ID", "Native PCIe Enclosure Management",
        "Physical Layer 32.0 GT/s", "Alternate Protocol", "System Firmware Intermediary", "Shadow Functions",
        "Data Object Exchange", "Device 3", "Integrity and Data Encryption", "Physical Layer 64.0 GT/s",
    };

    /** Name of a standard capability ID, or "Unknown (0xNN)". */
    public static String standard(int capId) {
        return capId >= 0 && capId < STANDARD.length ? STANDARD[capId] : String.format("Unknown (0x%02x)", capId);
    }

    /** Name of an extended capability ID, or "Unknown (0xNNNN)". */
    public static String extended(int capId) {
        return capId >= 0 && capId < EXTENDED.length ? EXTENDED[capId] : String.format("Unknown (0x%04x)", capId);
    }
}
