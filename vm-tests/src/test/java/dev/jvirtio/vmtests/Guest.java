package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
    /** Device mode of the rig, e.g. "viommu". */
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

    /** Whether the rig runs with an emulated IOMMU (devices then offer VIRTIO_F_ACCESS_PLATFORM). */
    public static boolean viommu() {
        return !"noiommu".equals(System.getenv(MODE_VAR));
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
