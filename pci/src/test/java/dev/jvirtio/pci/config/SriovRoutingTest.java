package dev.jvirtio.pci.config;

import dev.jvirtio.pci.PciAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VF number <-> address from the SR-IOV routing fields (First VF Offset, VF Stride), checked against addresses
 * worked out by hand from routing IDs (bus << 8 | device << 3 | function).
 */
class SriovRoutingTest {

    /** A capability with only the fields the routing uses set. */
    static SriovCapability cap(int totalVfs, int offset, int stride) {
        return new SriovCapability(0x100, 1, 0, 0, 0, 0, totalVfs, totalVfs, 0, 0, offset, stride, 0x10, 0, 0,
                List.of(), 0);
    }

    @Test
    void qemuNvmeLayoutPutsVfsRightAfterThePf() {
        // QEMU's nvme: First VF Offset 1, VF Stride 1 -> VF n at function n of the PF's device.
        SriovCapability s = cap(2, 1, 1);
        PciAddress pf = PciAddress.parse("0000:04:00.0");
        assertEquals(PciAddress.parse("0000:04:00.1"), s.vfAddress(pf, 1));
        assertEquals(PciAddress.parse("0000:04:00.2"), s.vfAddress(pf, 2));
        assertEquals(1, s.vfNumber(pf, PciAddress.parse("0000:04:00.1")));
        assertEquals(2, s.vfNumber(pf, PciAddress.parse("0000:04:00.2")));
    }

    @Test
    void offsetAndStrideCarryIntoDeviceAndBus() {
        // PF 0x3a:02.0 = rid 0x3a10; offset 0x80, stride 2: VF1 rid 0x3a90 = 3a:12.0, VF2 0x3a92 = 3a:12.2,
        // VF 0x39 = 0x3a90 + 0x70 = 0x3b00 = 3b:00.0 (the next bus), VF 64 = 0x3a90 + 0x7e = 0x3b0e = 3b:01.6.
        SriovCapability s = cap(64, 0x80, 2);
        PciAddress pf = PciAddress.parse("0000:3a:02.0");
        assertEquals(PciAddress.parse("0000:3a:12.0"), s.vfAddress(pf, 1));
        assertEquals(PciAddress.parse("0000:3a:12.2"), s.vfAddress(pf, 2));
        assertEquals(PciAddress.parse("0000:3b:00.0"), s.vfAddress(pf, 0x39));
        assertEquals(PciAddress.parse("0000:3b:01.6"), s.vfAddress(pf, 64));
        assertEquals(PciAddress.parse("0007:3b:01.6"), s.vfAddress(PciAddress.parse("0007:3a:02.0"), 64),
                "the domain is the PF's");
        for (int n = 1; n <= 64; n++) {
            assertEquals(n, s.vfNumber(pf, s.vfAddress(pf, n)), "round trip of VF " + n);
        }
    }

    @Test
    void addressesThatAreNoVfGiveZero() {
        SriovCapability s = cap(4, 0x80, 2);
        PciAddress pf = PciAddress.parse("0000:3a:02.0");
        assertEquals(0, s.vfNumber(pf, pf), "the PF itself");
        assertEquals(0, s.vfNumber(pf, PciAddress.parse("0000:3a:12.1")), "between two strides");
        assertEquals(0, s.vfNumber(pf, PciAddress.parse("0000:3a:11.7")), "just before VF 1");
        assertEquals(0, s.vfNumber(pf, PciAddress.parse("0000:3a:13.0")), "VF 5 of 4");
        assertEquals(0, s.vfNumber(pf, PciAddress.parse("0001:3a:12.0")), "another domain");
        assertEquals(0, cap(0, 1, 1).vfNumber(pf, PciAddress.parse("0000:3a:02.1")), "no VFs at all");
    }

    @Test
    void vfNumbersOutsideTotalVfsAreRefused() {
        SriovCapability s = cap(2, 1, 1);
        PciAddress pf = PciAddress.parse("0000:04:00.0");
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> s.vfAddress(pf, 0));
        assertTrue(zero.getMessage().contains("outside 1..2"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.vfAddress(pf, 3));
        assertThrows(IllegalArgumentException.class, () -> cap(0, 1, 1).vfAddress(pf, 1));
    }

    @Test
    void routingPastBus255IsRefused() {
        SriovCapability s = cap(8, 0x100, 0x100);
        PciAddress pf = PciAddress.parse("0000:fc:00.0");
        assertEquals(PciAddress.parse("0000:ff:00.0"), s.vfAddress(pf, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.vfAddress(pf, 4));
        assertTrue(e.getMessage().contains("beyond bus 255"), e.getMessage());
    }

    @Test
    void theParsedCapabilityRoutesToo() throws Exception {
        // The same fields read from bytes (as QEMU's nvme declares them): parser offsets and routing agree.
        ConfigSpace cs = ConfigBuilder.virtio(4096)
                .ext(0x100, SriovCapability.ID, 1, 0)
                .u16(0x10c, 2).u16(0x10e, 2)          // InitialVFs, TotalVFs
                .u16(0x114, 1).u16(0x116, 1)          // First VF Offset, VF Stride
                .u16(0x11a, 0x0010)                   // VF Device ID
                .parse();
        SriovCapability s = cs.sriov().orElseThrow();
        PciAddress pf = PciAddress.parse("0000:04:00.0");
        assertEquals(List.of(PciAddress.parse("0000:04:00.1"), PciAddress.parse("0000:04:00.2")),
                List.of(s.vfAddress(pf, 1), s.vfAddress(pf, 2)));
    }
}
