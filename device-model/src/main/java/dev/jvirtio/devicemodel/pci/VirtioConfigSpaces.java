package dev.jvirtio.devicemodel.pci;

import static dev.jvirtio.devicemodel.pci.VirtioPciLayout.*;

/**
 * Builds the configuration space of an emulated virtio-PCI modern function: the type-0 header,
 * MSI-X, the five virtio vendor capabilities (common, notify, ISR, device, pci_cfg), PCI Express,
 * and, for a PF, the SR-IOV extended capability.
 */
public final class VirtioConfigSpaces {
    private VirtioConfigSpaces() {
    }

    /** SR-IOV capability register offsets, relative to the capability. */
    public static final int SRIOV_CAPS = 0x04;
    /** SR-IOV Control (u16): bit 0 VF Enable, bit 3 VF MSE, bit 4 ARI Capable Hierarchy. */
    public static final int SRIOV_CTRL = 0x08;
    /** SR-IOV Status (u16). */
    public static final int SRIOV_STATUS = 0x0A;
    /** InitialVFs (u16). */
    public static final int SRIOV_INITIAL_VFS = 0x0C;
    /** TotalVFs (u16). */
    public static final int SRIOV_TOTAL_VFS = 0x0E;
    /** NumVFs (u16). */
    public static final int SRIOV_NUM_VFS = 0x10;
    /** First VF Offset (u16). */
    public static final int SRIOV_FIRST_VF_OFFSET = 0x14;
    /** VF Stride (u16). */
    public static final int SRIOV_VF_STRIDE = 0x16;
    /** VF Device ID (u16). */
    public static final int SRIOV_VF_DEVICE_ID = 0x1A;
    /** Supported Page Sizes (u32). */
    public static final int SRIOV_SUPPORTED_PAGE_SIZES = 0x1C;
    /** System Page Size (u32). */
    public static final int SRIOV_SYSTEM_PAGE_SIZE = 0x20;
    /** VF BAR 0 (u32); VF BARs 1-5 follow. */
    public static final int SRIOV_VF_BAR0 = 0x24;
    /** VF Enable bit of SR-IOV Control. */
    public static final int SRIOV_CTRL_VF_ENABLE = 0x1;
    /** VF Memory Space Enable bit of SR-IOV Control. */
    public static final int SRIOV_CTRL_VF_MSE = 0x8;

    /**
     * A function's configuration space.
     *
     * @param virtioType  virtio device type (1 net, 2 block, ...)
     * @param classCode   24-bit class code (0x020000 network, 0x010000 mass storage SCSI ...)
     * @param msixVectors number of MSI-X vectors (1..2048)
     * @param totalVfs    TotalVFs of the SR-IOV capability, or 0 for a function without one (a VF)
     * @param devCfgLen   length of the device-specific configuration the device cap describes
     */
    public static ConfigSpace build(int virtioType, int classCode, int msixVectors, int totalVfs, int devCfgLen) {
        return build(virtioType, classCode, msixVectors, totalVfs, devCfgLen, COMMON_LENGTH);
    }

    /**
     * As {@link #build(int, int, int, int, int)}, with the common configuration length the capability
     * advertises: 64 for the full layout, 0x38 to emulate a virtio 1.0 device without admin fields.
     */
    public static ConfigSpace build(int virtioType, int classCode, int msixVectors, int totalVfs, int devCfgLen,
                                    int commonLength) {
        if (msixVectors < 1 || msixVectors > 2048) {
            throw new IllegalArgumentException("MSI-X vectors " + msixVectors + " outside 1..2048");
        }
        if (totalVfs < 0 || totalVfs > 0xFFFF) {
            throw new IllegalArgumentException("TotalVFs " + totalVfs + " outside 0..65535");
        }
        if (devCfgLen < 0 || devCfgLen > DEVICE_LENGTH) {
            throw new IllegalArgumentException("device cfg length " + devCfgLen + " outside 0..0x100");
        }
        ConfigSpace cs = new ConfigSpace(4096);
        int deviceId = MODERN_DEVICE_ID_BASE + virtioType;
        cs.set(0x00, 2, VIRTIO_VENDOR);
        cs.set(0x02, 2, deviceId);
        cs.writableBits(0x04, 2, 0x0406);           // memory space, bus master, INTx disable
        cs.set(0x06, 2, 0x0010);                    // capabilities list present
        cs.clearOnOneBits(0x06, 2, 0xF900);         // error status bits are RW1C
        cs.set(0x08, 1, 0x01);                      // revision 1: modern, non-transitional
        cs.set(0x09, 1, classCode & 0xFF);
        cs.set(0x0A, 1, classCode >>> 8 & 0xFF);
        cs.set(0x0B, 1, classCode >>> 16 & 0xFF);
        cs.set(0x0E, 1, 0x00);                      // type-0 header, single function
        bar64(cs, 0x10, BAR0_SIZE);
        bar64(cs, 0x18, BAR2_SIZE);
        cs.set(0x2C, 2, VIRTIO_VENDOR);             // subsystem vendor
        cs.set(0x2E, 2, 0x0040);                    // subsystem id >= 0x40: non-transitional
        cs.set(0x34, 1, CAP_MSIX);
        cs.writableBits(0x3C, 1, 0xFF);             // interrupt line
        cs.set(0x3D, 1, 0x01);                      // INTA

        // MSI-X: table size - 1, function mask (14) and enable (15) writable; table and PBA in BAR 2.
        cs.set(CAP_MSIX, 1, 0x11);
        cs.set(CAP_MSIX + 1, 1, CAP_COMMON);
        cs.set(CAP_MSIX + 2, 2, msixVectors - 1);
        cs.writableBits(CAP_MSIX + 2, 2, 0xC000);
        cs.set(CAP_MSIX + 4, 4, MSIX_TABLE_OFFSET | 2);
        cs.set(CAP_MSIX + 8, 4, MSIX_PBA_OFFSET | 2);

        virtioCap(cs, CAP_COMMON, CAP_NOTIFY, 16, 1, COMMON_OFFSET, commonLength);
        virtioCap(cs, CAP_NOTIFY, CAP_ISR, 20, 2, NOTIFY_OFFSET, NOTIFY_LENGTH);
        cs.set(CAP_NOTIFY + 16, 4, NOTIFY_OFF_MULTIPLIER);
        virtioCap(cs, CAP_ISR, CAP_DEVICE, 16, 3, ISR_OFFSET, ISR_LENGTH);
        virtioCap(cs, CAP_DEVICE, CAP_PCI_CFG, 16, 4, DEVICE_OFFSET, devCfgLen);
        virtioCap(cs, CAP_PCI_CFG, CAP_PCIE, 20, 5, 0, 0);
        cs.writableBits(CAP_PCI_CFG + 4, 1, 0xFF);  // bar
        cs.writableBits(CAP_PCI_CFG + 8, 4, -1);    // offset
        cs.writableBits(CAP_PCI_CFG + 12, 4, -1);   // length
        cs.writableBits(CAP_PCI_CFG + 16, 4, -1);   // pci_cfg_data

        // PCI Express capability v2, endpoint; only the header matters to us.
        cs.set(CAP_PCIE, 1, 0x10);
        cs.set(CAP_PCIE + 1, 1, 0x00);
        cs.set(CAP_PCIE + 2, 2, 0x0002);            // version 2, type: PCI Express endpoint

        if (totalVfs > 0) {
            int s = EXT_CAP_SRIOV;
            cs.set(s, 4, 0x0010 | 1 << 16);         // id SR-IOV, version 1, next 0
            cs.set(s + SRIOV_CAPS, 4, 0);           // no VF migration capability
            cs.writableBits(s + SRIOV_CTRL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE | 0x10);
            cs.set(s + SRIOV_INITIAL_VFS, 2, totalVfs);
            cs.set(s + SRIOV_TOTAL_VFS, 2, totalVfs);
            cs.writableBits(s + SRIOV_NUM_VFS, 2, 0xFFFF);
            cs.set(s + SRIOV_FIRST_VF_OFFSET, 2, 1);
            cs.set(s + SRIOV_VF_STRIDE, 2, 1);
            cs.set(s + SRIOV_VF_DEVICE_ID, 2, deviceId);
            cs.set(s + SRIOV_SUPPORTED_PAGE_SIZES, 4, 0x553);
            cs.set(s + SRIOV_SYSTEM_PAGE_SIZE, 4, 0x1);
            cs.writableBits(s + SRIOV_SYSTEM_PAGE_SIZE, 4, 0x553);
            bar64(cs, s + SRIOV_VF_BAR0, BAR0_SIZE);  // VF BAR 0/1: each VF's virtio structures
            bar64(cs, s + SRIOV_VF_BAR0 + 8, BAR2_SIZE);
        }
        return cs;
    }

    private static void bar64(ConfigSpace cs, int offset, int size) {
        cs.set(offset, 4, 0x4);                     // memory, 64-bit, not prefetchable
        cs.writableBits(offset, 4, ~(size - 1));    // sizing: low bits read back as zero
        cs.writableBits(offset + 4, 4, -1);
    }

    private static void virtioCap(ConfigSpace cs, int at, int next, int len, int cfgType, int offset, int length) {
        cs.set(at, 1, 0x09);
        cs.set(at + 1, 1, next);
        cs.set(at + 2, 1, len);
        cs.set(at + 3, 1, cfgType);
        cs.set(at + 4, 1, 0);                       // BAR 0
        cs.set(at + 5, 1, 0);                       // id
        cs.set(at + 8, 4, offset);
        cs.set(at + 12, 4, length);
    }
}
