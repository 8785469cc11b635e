package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jvirtio.pci.vfio.VfioBackend;
import dev.jvirtio.pci.vfio.VfioOptions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs to know about the vm-tests guest: whether it runs in one, and which PCI functions
 * the rig handed over to vfio-pci. The values come from the environment that the guest's /init sets
 * (see vm-tests/rig/init.sh); on the host none of them exist and guest tests skip themselves.
 *
 * <pre>{@code
 * @BeforeEach void onlyInGuest() { Guest.assumeGuest(); }  // host: reported as skipped
 * PciFunction blk = PciFunction.of(Guest.blkBdf());
 * }</pre>
 */
public final class Guest {
    /** JUnit tag of tests that need the guest; guest-suite.sh runs only these inside the VM. */
    public static final String TAG = "guest";
    /** Set to "1" by the guest's /init, never on the host. */
    public static final String GUEST_VAR = "VMRIG_GUEST";
    /** BDF of QEMU's virtio-blk-pci function (1af4:1042), bound to vfio-pci. */
    public static final String BLK_BDF_VAR = "VMRIG_BLK_BDF";
    /** BDF of the second virtio-blk-pci function, started with {@code packed=on} (1af4:1042), bound to vfio-pci. */
    public static final String BLK_PACKED_BDF_VAR = "VMRIG_BLK_PACKED_BDF";
    /** BDF of QEMU's virtio-net-pci function (1af4:1041), bound to vfio-pci. */
    public static final String NET_BDF_VAR = "VMRIG_NET_BDF";
    /** Space-separated BDFs of every virtio function the rig steered to vfio-pci. */
    public static final String TARGETS_VAR = "VMRIG_TARGETS";
    /** Number of 2 MiB hugepages the guest kernel reserved (kernel command line). */
    public static final String HUGEPAGES_VAR = "VMRIG_HUGEPAGES";
    /** Device mode of the rig: "viommu", "noiommu" or "iommufd" (see {@link Mode}). */
    public static final String MODE_VAR = "VMRIG_MODE";
    /** Size of each virtio-blk disk image in 512-byte sectors (run.sh's VMRIG_DISK_SECTORS). */
    public static final String DISK_SECTORS_VAR = "VMRIG_DISK_SECTORS";
    /** The per-run control dir, shared with the host (manifests for the host-side checks, the pcap). */
    public static final String CTL_VAR = "VMRIG_CTL";
    /** QEMU serial of the split-ring disk (answered to VIRTIO_BLK_T_GET_ID). */
    public static final String BLK_SERIAL = "vmrig-disk";
    /** QEMU serial of the packed-ring disk. */
    public static final String BLK_PACKED_SERIAL = "vmrig-disk-packed";
    /** MAC address run.sh gives the virtio-net function. */
    public static final String NET_MAC = "52:54:00:56:52:01";

    private Guest() {}

    /** True inside the vm-tests guest. */
    public static boolean inGuest() {
        return "1".equals(System.getenv(GUEST_VAR));
    }

    /** Skips the calling test (call it from {@code @BeforeEach}) unless it runs inside the guest. */
    public static void assumeGuest() {
        Assumptions.assumeTrue(inGuest(), "not in the vm-tests guest (" + GUEST_VAR + " unset): run vm-tests/run.sh");
    }

    /** The value of a rig variable that must be set in the guest; fails the test when it is missing. */
    public static String require(String var) {
        String v = System.getenv(var);
        assertNotNull(v, var + " is not set: the rig did not find that function");
        assertFalse(v.isBlank(), var + " is empty: the rig did not find that function");
        return v.strip();
    }

    /** BDF of the virtio-blk function. */
    public static String blkBdf() {
        return require(BLK_BDF_VAR);
    }

    /** BDF of the virtio-net function. */
    public static String netBdf() {
        return require(NET_BDF_VAR);
    }

    /** BDF of the packed-ring virtio-blk function. */
    public static String blkPackedBdf() {
        return require(BLK_PACKED_BDF_VAR);
    }

    /**
     * The rig's modes (one file each in vm-tests/rig/modes/) and what each promises the tests: the VFIO backend
     * {@link VfioBackend#AUTO} must choose (none for noiommu, which AUTO refuses on purpose), the backend the
     * tests open the functions with, and whether the devices sit behind an IOMMU (they then offer
     * VIRTIO_F_ACCESS_PLATFORM, QEMU's {@code iommu_platform=on}).
     */
    public enum Mode {
        /** q35 + intel-iommu, Debian's stable kernel: VFIO type1 only. */
        VIOMMU(VfioBackend.TYPE1, VfioBackend.TYPE1, true),
        /** q35 without an IOMMU, vfio rebuilt with CONFIG_VFIO_NOIOMMU: no-IOMMU groups, IOVA = physical address. */
        NOIOMMU(null, VfioBackend.NOIOMMU, false),
        /** q35 + intel-iommu, backports kernel with iommufd and the vfio cdev (type1 is still there too). */
        IOMMUFD(VfioBackend.IOMMUFD, VfioBackend.IOMMUFD, true);

        private final VfioBackend auto;
        private final VfioBackend backend;
        private final boolean iommu;

        Mode(VfioBackend auto, VfioBackend backend, boolean iommu) {
            this.auto = auto;
            this.backend = backend;
            this.iommu = iommu;
        }

        /** What {@link VfioBackend#AUTO} must pick here; empty where it must refuse (no IOMMU). */
        public java.util.Optional<VfioBackend> autoBackend() {
            return java.util.Optional.ofNullable(auto);
        }

        /** The backend the tests use in this mode. */
        public VfioBackend backend() {
            return backend;
        }

        /** Whether DMA goes through an IOMMU (and the devices offer VIRTIO_F_ACCESS_PLATFORM). */
        public boolean iommu() {
            return iommu;
        }

        /** The mode's name as the rig spells it ({@code --mode} and {@code VMRIG_MODE}). */
        public String rigName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The mode named {@code name}; an assertion failure for a name this class does not know. */
        public static Mode of(String name) {
            for (Mode m : values()) {
                if (m.rigName().equals(name)) {
                    return m;
                }
            }
            throw new AssertionError(MODE_VAR + "=" + name + " is not a mode the guest tests know: add it to Guest.Mode");
        }
    }

    /** The mode the rig booted (from {@code VMRIG_MODE}). */
    public static Mode mode() {
        return Mode.of(require(MODE_VAR));
    }

    /**
     * VFIO options for opening a function in this mode: {@link VfioBackend#AUTO} where the mode has an IOMMU (the
     * path users take; {@link VfioSession} checks it chose {@link Mode#backend()}), {@link VfioBackend#NOIOMMU}
     * in the noiommu mode, where naming it is the explicit consent AUTO insists on.
     */
    public static VfioOptions vfioOptions() {
        Mode m = mode();
        return m.autoBackend().isPresent() ? VfioOptions.defaults() : VfioOptions.defaults().withBackend(m.backend());
    }

    /** Whether the rig runs with an emulated IOMMU (devices then offer VIRTIO_F_ACCESS_PLATFORM). */
    public static boolean viommu() {
        return mode().iommu();
    }

    /** Sectors per disk image. */
    public static long diskSectors() {
        return Long.parseLong(require(DISK_SECTORS_VAR));
    }

    /** The control dir shared with the host. */
    public static java.nio.file.Path ctlDir() {
        return java.nio.file.Path.of(require(CTL_VAR));
    }
}
