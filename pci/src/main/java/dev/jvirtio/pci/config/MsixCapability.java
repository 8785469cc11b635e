package dev.jvirtio.pci.config;

/**
 * MSI-X capability (ID 0x11).
 *
 * @param offset       config offset
 * @param next         next pointer as read
 * @param tableSize    number of table entries (Table Size field + 1)
 * @param enabled      MSI-X Enable (Message Control bit 15)
 * @param functionMask Function Mask (Message Control bit 14): all vectors masked
 * @param tableBir     BAR indicator of the vector table (bits 2:0 of the Table Offset/BIR register)
 * @param tableOffset  byte offset of the table within that BAR (8-byte aligned)
 * @param pbaBir       BAR indicator of the Pending Bit Array
 * @param pbaOffset    byte offset of the PBA within that BAR
 */
public record MsixCapability(int offset, int next, int tableSize, boolean enabled, boolean functionMask,
                             int tableBir, long tableOffset, int pbaBir, long pbaOffset) implements PciCapability {
    /** Capability ID. */
    public static final int ID = 0x11;
    /** Structure length in bytes. */
    static final int SIZE = 12;

    @Override
    public int capId() {
        return ID;
    }

    /** True when both BIRs name a BAR 0-5 (6 and 7 are reserved). */
    public boolean birsValid() {
        return tableBir <= 5 && pbaBir <= 5;
    }
}
