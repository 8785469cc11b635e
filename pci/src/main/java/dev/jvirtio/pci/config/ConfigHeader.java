package dev.jvirtio.pci.config;

import java.util.List;

/**
 * The standard 64-byte configuration header. Type 0 (endpoints) is decoded in full; for type 1 (bridges)
 * and type 2 (CardBus) the fields they share with type 0 are decoded, plus their BARs and capability pointer.
 *
 * @param vendorId            Vendor ID (0x00)
 * @param deviceId            Device ID (0x02)
 * @param command             Command register (0x04)
 * @param status              Status register (0x06)
 * @param revision            Revision ID (0x08)
 * @param classCode           24-bit class code: base class, subclass, programming interface (0x09-0x0b)
 * @param cacheLineSize       Cache Line Size (0x0c)
 * @param latencyTimer        Latency Timer (0x0d)
 * @param headerType          header layout, bits 6:0 of 0x0e
 * @param multiFunction       bit 7 of 0x0e
 * @param bist                BIST (0x0f)
 * @param bars                the BARs of this header type (6 for type 0, 2 for type 1, none for type 2)
 * @param subsystemVendorId   Subsystem Vendor ID (0x2c; type 0 only, else 0)
 * @param subsystemId         Subsystem ID (0x2e; type 0 only, else 0)
 * @param capabilitiesPointer Capabilities Pointer (0x34; 0x14 for CardBus), as read
 * @param interruptLine       Interrupt Line (0x3c)
 * @param interruptPin        Interrupt Pin (0x3d): 0 none, 1-4 INTA#-INTD#
 */
public record ConfigHeader(int vendorId, int deviceId, int command, int status, int revision, int classCode,
                           int cacheLineSize, int latencyTimer, int headerType, boolean multiFunction, int bist,
                           List<BarRegister> bars, int subsystemVendorId, int subsystemId,
                           int capabilitiesPointer, int interruptLine, int interruptPin) {

    /** Status bit 4: the function has a capability list. */
    public static final int STATUS_CAP_LIST = 0x0010;
    /** Command bit 1: memory space decoding enabled. */
    public static final int COMMAND_MEMORY = 0x0002;
    /** Command bit 2: bus mastering (DMA) enabled. */
    public static final int COMMAND_MASTER = 0x0004;
    /** Command bit 10: INTx disabled. */
    public static final int COMMAND_INTX_DISABLE = 0x0400;

    /** Copies the BAR list so the record stays immutable. */
    public ConfigHeader {
        bars = List.copyOf(bars);
    }

    /** True when the Status register says a capability list exists. */
    public boolean hasCapabilityList() {
        return (status & STATUS_CAP_LIST) != 0;
    }

    /** Base class (bits 23:16 of the class code), e.g. 0x01 mass storage. */
    public int baseClass() {
        return classCode >>> 16;
    }

    /** Subclass (bits 15:8 of the class code). */
    public int subClass() {
        return (classCode >>> 8) & 0xff;
    }

    /** Programming interface (bits 7:0 of the class code). */
    public int progIf() {
        return classCode & 0xff;
    }
}
