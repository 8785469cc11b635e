package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guest: QEMU's modern virtio-pci functions expose the vendor capabilities the driver will need, with
 * common, notify, isr and device config all in BAR 4 (QEMU's layout; this host's own virtio functions
 * use another BAR, which is why the driver must follow the capabilities and never assume a BAR).
 */
@Tag(Guest.TAG)
class VirtioCapabilityLayoutTest {
    /** sizeof(struct virtio_pci_common_cfg) in virtio 1.0; later fields only make it longer. */
    private static final long COMMON_CFG_MIN = 56;
    private static final long IORESOURCE_MEM = 0x200;
    private static final int QEMU_MODERN_BAR = 4;

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Guest.BLK_BDF_VAR, Guest.BLK_PACKED_BDF_VAR, Guest.NET_BDF_VAR})
    void commonNotifyIsrDeviceAreInBar4(String var) {
        PciFunction f = PciFunction.of(Guest.require(var));
        byte[] cfg = f.config();
        assertTrue(cfg.length >= 256, "read only " + cfg.length + " config bytes (need root)");
        assertEquals(f.vendorId(), (cfg[0] & 0xff) | (cfg[1] & 0xff) << 8, "config space vendor vs sysfs");
        assertEquals(f.deviceId(), (cfg[2] & 0xff) | (cfg[3] & 0xff) << 8, "config space device vs sysfs");

        List<VirtioPciCaps.Cap> caps = VirtioPciCaps.parse(cfg);
        System.out.println(f.bdf() + " virtio caps: " + caps);
        long barSize = f.barSize(QEMU_MODERN_BAR);
        assertTrue(barSize > 0, "BAR4 unused on " + f.bdf());
        assertTrue((f.barFlags(QEMU_MODERN_BAR) & IORESOURCE_MEM) != 0, "BAR4 is not a memory BAR");

        VirtioPciCaps.Cap common = only(caps, VirtioPciCaps.COMMON_CFG, f);
        VirtioPciCaps.Cap notify = only(caps, VirtioPciCaps.NOTIFY_CFG, f);
        VirtioPciCaps.Cap isr = only(caps, VirtioPciCaps.ISR_CFG, f);
        VirtioPciCaps.Cap device = only(caps, VirtioPciCaps.DEVICE_CFG, f);
        List<VirtioPciCaps.Cap> four = List.of(common, notify, isr, device);
        for (VirtioPciCaps.Cap c : four) {
            assertEquals(QEMU_MODERN_BAR, c.bar(), "BAR of cfg_type " + c.cfgType());
            assertTrue(c.length() > 0, "empty structure, cfg_type " + c.cfgType());
            assertTrue(c.offset() + c.length() <= barSize,
                    "cfg_type " + c.cfgType() + " [" + c.offset() + "+" + c.length() + ") beyond BAR4 size " + barSize);
        }
        assertTrue(common.length() >= COMMON_CFG_MIN, "common cfg too short: " + common.length());
        assertTrue(notify.notifyOffMultiplier() >= 0, "notify_off_multiplier missing");
        assertEquals(0, notify.notifyOffMultiplier() % 2, "notify_off_multiplier must be even (spec)");
        for (int i = 0; i < four.size(); i++) {
            for (int j = i + 1; j < four.size(); j++) {
                VirtioPciCaps.Cap a = four.get(i);
                VirtioPciCaps.Cap b = four.get(j);
                assertTrue(a.offset() + a.length() <= b.offset() || b.offset() + b.length() <= a.offset(),
                        "cfg_type " + a.cfgType() + " overlaps cfg_type " + b.cfgType());
            }
        }
        // The spec requires a VIRTIO_PCI_CAP_PCI_CFG window for drivers that cannot map BARs.
        assertFalse(caps.stream().noneMatch(c -> c.cfgType() == VirtioPciCaps.PCI_CFG), "no VIRTIO_PCI_CAP_PCI_CFG");
    }

    private static VirtioPciCaps.Cap only(List<VirtioPciCaps.Cap> caps, int type, PciFunction f) {
        List<VirtioPciCaps.Cap> of = caps.stream().filter(c -> c.cfgType() == type).toList();
        assertFalse(of.isEmpty(), f.bdf() + " has no virtio capability with cfg_type " + type);
        // QEMU offers one of each; the driver would take the first usable one (spec), so should the test.
        return of.get(0);
    }
}
