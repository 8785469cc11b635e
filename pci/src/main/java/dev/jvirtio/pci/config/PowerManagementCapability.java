package dev.jvirtio.pci.config;

/**
 * PCI Power Management capability (ID 0x01).
 *
 * @param offset     config offset
 * @param next       next pointer as read
 * @param version    PMC version field (bits 2:0)
 * @param powerState current power state from PMCSR bits 1:0 (0 = D0 ... 3 = D3hot)
 */
public record PowerManagementCapability(int offset, int next, int version, int powerState) implements PciCapability {
    /** Capability ID. */
    public static final int ID = 0x01;
    /** Bytes this parser reads: header, PMC, PMCSR. */
    static final int SIZE = 6;

    @Override
    public int capId() {
        return ID;
    }

    /** "D0", "D1", "D2" or "D3hot". */
    public String powerStateName() {
        return powerState == 3 ? "D3hot" : "D" + powerState;
    }
}
