package dev.jvirtio.pci.config;

import dev.jvirtio.pci.PciAddress;

import java.util.List;
import java.util.Objects;

/**
 * The SR-IOV extended capability (ID 0x0010), all registers decoded (PCIe base spec, "SR-IOV Extended
 * Capability"; offsets as in Linux' PCI_SRIOV_*).
 *
 * <pre>{@code
 * config.sriov().ifPresent(s -> System.out.println(s.numVfs() + "/" + s.totalVfs() + " VFs, enable=" + s.vfEnable()));
 * PciAddress vf1 = config.sriov().orElseThrow().vfAddress(pf, 1);   // PF routing ID + First VF Offset
 * }</pre>
 *
 * <p>First VF Offset and VF Stride may change when NumVFs or ARI Capable Hierarchy is written (the PCIe
 * spec allows it), so {@link #vfAddress} is only as current as the configuration it was parsed from: parse it
 * again after enabling VFs.
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

    /**
     * The address of VF {@code vfNumber} (1-based) of the PF at {@code pf}, from the routing fields:
     * routing ID = PF routing ID + First VF Offset + (vfNumber - 1) * VF Stride, where a routing ID is
     * {@code bus << 8 | device << 3 | function}. A VF may land on a higher bus than its PF.
     *
     * @throws IllegalArgumentException if {@code vfNumber} is outside 1..TotalVFs, or the VF's routing ID
     *                                  would pass bus 255 (a capability no real device can have)
     */
    public PciAddress vfAddress(PciAddress pf, int vfNumber) {
        Objects.requireNonNull(pf, "pf");
        if (vfNumber < 1 || vfNumber > totalVfs) {
            throw new IllegalArgumentException("VF number " + vfNumber + " outside 1.." + totalVfs + " (TotalVFs of "
                    + pf + ")");
        }
        long rid = routingId(pf) + (long) firstVfOffset + (long) (vfNumber - 1) * vfStride;
        if (rid > 0xffff) {
            throw new IllegalArgumentException("VF " + vfNumber + " of " + pf + " would have routing ID 0x"
                    + Long.toHexString(rid) + " (First VF Offset " + firstVfOffset + ", VF Stride " + vfStride
                    + "), beyond bus 255");
        }
        int r = (int) rid;
        return new PciAddress(pf.domain(), r >>> 8, r >>> 3 & 0x1f, r & 7);
    }

    /**
     * The inverse of {@link #vfAddress}: the 1-based VF number of {@code vf} under the PF at {@code pf}, or 0
     * when no VF number in 1..TotalVFs maps to that address (another domain, before the first VF, between
     * two strides, past the last).
     */
    public int vfNumber(PciAddress pf, PciAddress vf) {
        Objects.requireNonNull(pf, "pf");
        Objects.requireNonNull(vf, "vf");
        if (vf.domain() != pf.domain() || totalVfs == 0) {
            return 0;
        }
        long delta = routingId(vf) - routingId(pf) - (long) firstVfOffset;
        if (delta < 0) {
            return 0;
        }
        if (vfStride == 0) {
            return delta == 0 ? 1 : 0; // every VF shares one routing ID: only VF 1 is identifiable
        }
        if (delta % vfStride != 0 || delta / vfStride >= totalVfs) {
            return 0;
        }
        return (int) (delta / vfStride) + 1;
    }

    private static long routingId(PciAddress a) {
        return (long) a.bus() << 8 | a.device() << 3 | a.function();
    }

    /** VF Migration Interrupt Message Number (Capabilities bits 31:21). */
    public int vfMigrationInterruptMessageNumber() {
        return capabilities >>> 21;
    }
}
