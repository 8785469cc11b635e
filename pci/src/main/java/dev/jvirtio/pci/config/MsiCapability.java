package dev.jvirtio.pci.config;

/**
 * MSI capability (ID 0x05), decoded from its Message Control register.
 *
 * @param offset            config offset
 * @param next              next pointer as read
 * @param enabled           MSI Enable (bit 0)
 * @param vectorsCapable    vectors the function can request: 2^(Multiple Message Capable, bits 3:1)
 * @param vectorsEnabled    vectors allocated: 2^(Multiple Message Enable, bits 6:4)
 * @param address64         64-bit message address capable (bit 7)
 * @param perVectorMasking  per-vector masking capable (bit 8)
 */
public record MsiCapability(int offset, int next, boolean enabled, int vectorsCapable, int vectorsEnabled,
                            boolean address64, boolean perVectorMasking) implements PciCapability {
    /** Capability ID. */
    public static final int ID = 0x05;

    @Override
    public int capId() {
        return ID;
    }

    /** The structure's length in bytes implied by the 64-bit and masking bits (10, 14, 20 or 24). */
    public int structureLength() {
        return sizeOf(address64, perVectorMasking);
    }

    static int sizeOf(boolean address64, boolean perVectorMasking) {
        int base = address64 ? 14 : 10;
        return perVectorMasking ? base + 10 : base;
    }
}
