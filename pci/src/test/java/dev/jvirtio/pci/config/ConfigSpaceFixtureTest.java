package dev.jvirtio.pci.config;

import dev.jvirtio.pci.VirtioDeviceType;
import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.testing.SysfsFixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decodes the real config-space snapshots. Expected values were read from the bytes with a hex dump
 * ({@code xxd pci/src/test/resources/sysfs-pci/0000:00:02.0/config}), not from this parser.
 */
class ConfigSpaceFixtureTest {

    private static ConfigSpace parse(String bdf) throws ConfigSpaceException {
        return ConfigSpace.parse(SysfsFixtureTree.resource(bdf, "config"));
    }

    @Test
    void blockDeviceHeader() throws Exception {
        ConfigSpace cs = parse("0000:00:02.0");
        ConfigHeader h = cs.header();
        assertEquals(256, cs.length());
        assertEquals(0x1af4, h.vendorId());
        assertEquals(0x1042, h.deviceId());
        assertEquals(0x0406, h.command());   // memory space, bus master, INTx disable
        assertEquals(0x0010, h.status());    // capability list
        assertTrue(h.hasCapabilityList());
        assertEquals(0x01, h.revision());
        assertEquals(0x018000, h.classCode());
        assertEquals(0x01, h.baseClass());
        assertEquals(0x80, h.subClass());
        assertEquals(0x00, h.progIf());
        assertEquals(0, h.headerType());
        assertFalse(h.multiFunction());
        assertEquals(0x1af4, h.subsystemVendorId());
        assertEquals(0x1042, h.subsystemId());
        assertEquals(0x40, h.capabilitiesPointer());
        assertEquals(0, h.interruptPin());
        // BAR0 = 0x00080004 (64-bit, non-prefetchable), BAR1 = 0x00000040: address 0x40_0008_0000.
        assertEquals(new BarRegister(0, BarRegister.Kind.MEM64, false, 0x40_0008_0000L, 0x00080004), h.bars().get(0));
        assertEquals(5, h.bars().size()); // BAR1 is BAR0's upper half
        assertEquals(List.of(2, 3, 4, 5), h.bars().subList(1, 5).stream().map(BarRegister::index).toList());
        assertEquals(new VirtioIdentity(2, VirtioDeviceType.BLOCK, false), cs.virtio().orElseThrow());
        assertEquals(List.of(), cs.problems());
        assertEquals(List.of(), cs.extendedCapabilities());
    }

    @Test
    void blockDeviceCapabilities() throws Exception {
        ConfigSpace cs = parse("0000:00:02.0");
        assertEquals(List.of(
                new VirtioCapability(0x40, 0x50, 16, 1, 0, 0, 0x0, 0x38, 0, 0),
                new VirtioCapability(0x50, 0x60, 16, 3, 0, 0, 0x2000, 0x1, 0, 0),
                new VirtioCapability(0x60, 0x70, 16, 4, 0, 0, 0x4000, 0x1000, 0, 0),
                new VirtioCapability(0x70, 0x84, 20, 2, 0, 0, 0x6000, 0x1000, 4, 0),
                new VirtioCapability(0x84, 0x98, 20, 5, 0, 0, 0x0, 0x0, 0, 0),
                new MsixCapability(0x98, 0x00, 2, true, false, 0, 0x8000, 0, 0x48000)),
                cs.capabilities());

        VirtioCapability common = cs.firstVirtio(VirtioCfgType.COMMON).orElseThrow();
        assertEquals(0x38, common.length());
        assertEquals(VirtioCapability.COMMON_CFG_1_0_LENGTH, common.length());
        assertFalse(common.hasAdminQueueFields(), "virtio 1.0 common cfg has no admin queue fields");
        assertEquals("virtio common cfg", common.name());
        assertEquals(4, cs.firstVirtio(VirtioCfgType.NOTIFY).orElseThrow().notifyOffMultiplier());
        assertEquals(VirtioCfgType.ISR, cs.firstVirtio(VirtioCfgType.ISR).orElseThrow().type());
        assertEquals(VirtioCfgType.DEVICE, cs.firstVirtio(VirtioCfgType.DEVICE).orElseThrow().type());
        assertEquals(VirtioCfgType.PCI_CFG, cs.firstVirtio(VirtioCfgType.PCI_CFG).orElseThrow().type());
        assertTrue(cs.firstVirtio(VirtioCfgType.SHARED_MEMORY).isEmpty());
        assertEquals(5, cs.virtioCapabilities().size());
        MsixCapability msix = cs.msix().orElseThrow();
        assertEquals("MSI-X", msix.name());
        assertTrue(msix.birsValid());
    }

    /** Message Control at 0x9a: table size field + 1, read byte by byte from each snapshot. */
    @ParameterizedTest
    @CsvSource({
        "0000:00:01.0, 1045, BALLOON, 5",
        "0000:00:02.0, 1042, BLOCK,   2",
        "0000:00:03.0, 1041, NET,     3",
        "0000:00:04.0, 1053, VSOCK,   4",
        "0000:00:05.0, 1044, ENTROPY, 2",
    })
    void everyVirtioFunction(String bdf, String deviceHex, VirtioDeviceType type, int msixTableSize) throws Exception {
        ConfigSpace cs = parse(bdf);
        assertEquals(Integer.parseInt(deviceHex, 16), cs.header().deviceId());
        assertEquals(type, cs.virtio().orElseThrow().type());
        assertFalse(cs.virtio().orElseThrow().transitional());
        assertEquals(msixTableSize, cs.msix().orElseThrow().tableSize());
        assertTrue(cs.msix().orElseThrow().enabled());
        assertEquals(List.of(1, 3, 4, 2, 5), cs.virtioCapabilities().stream().map(VirtioCapability::cfgType).toList());
        assertEquals(List.of(), cs.problems());
    }

    @Test
    void hostBridgeIsNotVirtioAndHasNoCapabilities() throws Exception {
        ConfigSpace cs = parse("0000:00:00.0");
        assertEquals(4096, cs.length());
        assertEquals(0x8086, cs.header().vendorId());
        assertEquals(0x0d57, cs.header().deviceId());
        assertEquals(0x060000, cs.header().classCode());
        assertFalse(cs.header().hasCapabilityList());
        assertTrue(cs.virtio().isEmpty());
        assertEquals(List.of(), cs.capabilities());
        assertEquals(List.of(), cs.extendedCapabilities()); // header at 0x100 reads 0
        assertEquals(List.of(), cs.problems());
        assertEquals(6, cs.header().bars().size()); // all six read 0: 32-bit memory BARs at 0
    }
}
