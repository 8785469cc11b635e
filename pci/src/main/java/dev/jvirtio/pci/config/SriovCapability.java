package dev.jvirtio.pci.config;

import java.util.List;

/**
 * The SR-IOV extended capability (ID 0x0010), all registers decoded (PCIe base spec, "SR-IOV Extended
 * Capability"; offsets as in Linux' PCI_SRIOV_*).
 *
 * <pre>{@code
 * config.sriov().ifPresent(s -> System.out.println(s.numVfs() + "/" + s.totalVfs() + " VFs, enable=" + s.vfEnable()));
 * }</pre>
 *
 * @param offset                 config offset of the header
 * @param version                capability version
 * @param next                   next offset (low bits masked)
 * @param capabilities           SR-IOV Capabilities register (+0x04)
 * @param control                SR-IOV Control register (+0x08)
 * @param status                 SR-IOV Status register (+0x0a)
 * @param initialVfs             InitialVFs (+0x0c)
 * @param totalVfs               TotalVFs (+0x0e)
 * @param numVfs                 NumVFs (+0x10)
 * @param functionDependencyLink Function Dependency Link (+0x12)
 * @param firstVfOffset          First VF Offset (+0x14), in routing-ID units from the PF
 * @param vfStride               VF Stride (+0x16)
 * @param vfDeviceId             VF Device ID (+0x1a)
 * @param supportedPageSizes     Supported Page Sizes bitmap (+0x1c); bit n means 2^(n+12) bytes
 * @param systemPageSize         System Page Size (+0x20), same encoding
 * @param vfBars                 VF BAR0-5 (+0x24..+0x38), 64-bit BARs as one entry
 * @param migrationStateArray    VF Migration State Array Offset register (+0x3c)
 */
public record SriovCapability(int offset, int version, int next, int capabilities, int control, int status,
                              int initialVfs, int totalVfs, int numVfs, int functionDependencyLink,
                              int firstVfOffset, int vfStride, int vfDeviceId, int supportedPageSizes,
                              int systemPageSize, List<BarRegister> vfBars, int migrationStateArray)
        implements ExtendedCapability {

    /** Extended capability ID. */
    public static final int ID = 0x0010;
    /** Structure length in bytes. */
    public static final int SIZE = 0x40;
    /** Control bit 0: VF Enable. */
    public static final int CTRL_VF_ENABLE = 0x0001;
    /** Control bit 1: VF Migration Enable. */
    public static final int CTRL_VF_MIGRATION_ENABLE = 0x0002;
    /** Control bit 2: VF Migration Interrupt Enable. */
    public static final int CTRL_VF_MIGRATION_INTERRUPT_ENABLE = 0x0004;
    /** Control bit 3: VF Memory Space Enable. */
    public static final int CTRL_VF_MSE = 0x0008;
    /** Control bit 4: ARI Capable Hierarchy. */
    public static final int CTRL_ARI_CAPABLE_HIERARCHY = 0x0010;
    /** Capabilities bit 0: VF Migration Capable. */
    public static final int CAP_VF_MIGRATION_CAPABLE = 0x0001;

    /** Copies the BAR list so the record stays immutable. */
    public SriovCapability {
        vfBars = List.copyOf(vfBars);
    }

    @Override
    public int capId() {
        return ID;
    }

    /** VF Enable: the VFs exist. */
    public boolean vfEnable() {
        return (control & CTRL_VF_ENABLE) != 0;
    }

    /** VF Memory Space Enable: the VF BARs decode. */
    public boolean vfMemorySpaceEnable() {
        return (control & CTRL_VF_MSE) != 0;
    }

    /** VF Migration Enable. */
    public boolean vfMigrationEnable() {
        return (control & CTRL_VF_MIGRATION_ENABLE) != 0;
    }

    /** ARI Capable Hierarchy. */
    public boolean ariCapableHierarchy() {
        return (control & CTRL_ARI_CAPABLE_HIERARCHY) != 0;
    }

    /** VF Migration Capable (the virtio spec asks SR-IOV group owners to keep VF migration off). */
    public boolean vfMigrationCapable() {
        return (capabilities & CAP_VF_MIGRATION_CAPABLE) != 0;
    }

    /** VF Migration Interrupt Message Number (Capabilities bits 31:21). */
    public int vfMigrationInterruptMessageNumber() {
        return capabilities >>> 21;
    }
}
