package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** CAP_ID_LIST_QUERY (7), DEVICE_CAP_GET (8), DRIVER_CAP_SET (9). */
class CapabilityTest {
    private final AdminCommandEngine e = useAll(net(4));

    private R capGet(AdminCommandEngine x, int id, int outSize) {
        return run(x, cmd(0x8, SELF, 0, w().u16(id).zeros(6).done()), outSize);
    }

    private R capSet(int id, byte[] capData) {
        return run(e, cmd(0x9, SELF, 0, w().u16(id).zeros(6).bytes(capData).done()), 8);
    }

    /** FF resource cap data: limits groups, classifiers, rules, rules/group (le32), last prio, selectors (u8). */
    static byte[] ffResource(long g, long c, long r, long rpg, int prio, int sel) {
        return w().u32(g).u32(c).u32(r).u32(rpg).u8(prio).u8(sel).zeros(2).done();
    }

    @Test
    void capIdListHasDevicePartsAndFlowFilterCaps() {
        R r = run(e, cmd(0x7, SELF, 0), 512).ok();
        assertEquals(8 + 33 * 8, r.used(), "0x802 lives in word 32");
        assertEquals(1L, r.u64(8), "VIRTIO_DEV_PARTS_CAP");
        for (int word = 1; word < 32; word++) {
            assertEquals(0L, r.u64(8 + 8 * word));
        }
        assertEquals(0x7L, r.u64(8 + 32 * 8), "0x800, 0x801, 0x802");
        AdminCommandEngine blk = useAll(new AdminCommandEngine(
                AdminEngineConfig.builder(DeviceType.BLOCK).totalVfs(1).build(), sriov(1)));
        R b = run(blk, cmd(0x7, SELF, 0), 512).ok();
        assertEquals(16, b.used());
        assertEquals(1L, b.u64(8));
    }

    @Test
    void deviceCapGetReturnsTheCapabilityBytes() {
        assertArrayEquals(new byte[] {4, 4, 0, 0, 0, 0, 0, 0}, capGet(e, 0x0000, 64).ok().result());
        R res = capGet(e, 0x0800, 64).ok();
        assertEquals(8 + 24, res.used());
        assertEquals(8, res.u32(8));
        assertEquals(8, res.u32(12));
        assertEquals(64, res.u32(16));
        assertEquals(16, res.u32(20));
        assertEquals(15, res.u8(24));
        assertEquals(3, res.u8(25));
        R sel = capGet(e, 0x0801, 512).ok();
        assertEquals(5, sel.u8(8), "ETH, IPv4, IPv6, TCP, UDP");
        assertEquals(1, sel.u8(16), "first selector: ETH");
        assertEquals(1, sel.u8(17), "partial mask");
        assertEquals(14, sel.u8(20));
        for (int i = 0; i < 14; i++) {
            assertEquals(0xff, sel.u8(24 + i));
        }
        assertEquals(2, sel.u8(38), "second selector: IPv4");
        assertEquals(20, sel.u8(42));
        assertEquals(8 + 8 + 5 * 8 + 14 + 20 + 40 + 20 + 8, sel.used() - 2, "padded to 8");
        R act = capGet(e, 0x0802, 64).ok();
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0}, act.result());
    }

    @Test
    void unknownCapabilityIdsAreEnxio() {
        capGet(e, 0x0001, 64).fails(ENXIO, Q_INVALID_FIELD);
        capGet(e, 0x0803, 64).fails(ENXIO, Q_INVALID_FIELD);
        capSet(0x0001, new byte[8]).fails(ENXIO, Q_INVALID_FIELD);
        AdminCommandEngine blk = useAll(new AdminCommandEngine(
                AdminEngineConfig.builder(DeviceType.BLOCK).totalVfs(1).build(), sriov(1)));
        capGet(blk, 0x0800, 64).fails(ENXIO, Q_INVALID_FIELD);
    }

    @Test
    void driverLimitsDefaultToZeroAndMayOnlyBeLowered() {
        createPartsObject(e, 1, 0, 0).fails(ENOSPC, Q_NORESOURCE); // limit 0 until set
        capSet(0x0000, w().u8(2).u8(1).zeros(6).done()).ok();
        createPartsObject(e, 1, 1, 0).ok();
        createPartsObject(e, 1, 2, 0).fails(ENOSPC, Q_NORESOURCE);
        createPartsObject(e, 1, 3, 1).fails(ENOSPC, Q_NORESOURCE);
        createPartsObject(e, 1, 0, 1).ok();
    }

    @Test
    void raisingALimitIsRejectedWithoutSideEffects() {
        capSet(0x0000, w().u8(1).u8(1).zeros(6).done()).ok();
        capSet(0x0000, w().u8(5).u8(1).zeros(6).done()).fails(EINVAL, Q_INVALID_FIELD);
        createPartsObject(e, 1, 1, 0).fails(ENOSPC, Q_NORESOURCE); // still limit 1
        capSet(0x0800, ffResource(9, 1, 1, 1, 1, 1)).fails(EINVAL, Q_INVALID_FIELD);
        capSet(0x0800, ffResource(1, 1, 1, 1, 16, 1)).fails(EINVAL, Q_INVALID_FIELD);
        capSet(0x0800, ffResource(8, 8, 64, 16, 15, 3)).ok();
    }

    @Test
    void changingACapabilityWithLiveObjectsIsBusy() {
        capSet(0x0000, w().u8(2).u8(2).zeros(6).done()).ok();
        createPartsObject(e, 2, 0, 0).ok();
        capSet(0x0000, w().u8(0).u8(0).zeros(6).done()).fails(EBUSY, Q_INVALID_COMMAND);
        createPartsObject(e, 2, 1, 0).ok(); // limit unchanged
        run(e, cmd(0xd, SRIOV, 2, w().u16(0).zeros(2).u32(0).done()), 8).ok();
        run(e, cmd(0xd, SRIOV, 2, w().u16(0).zeros(2).u32(1).done()), 8).ok();
        capSet(0x0000, w().u8(0).u8(0).zeros(6).done()).ok();
    }

    @Test
    void selectorAndActionCapsAcceptOnlySubsets() {
        byte[] eth = w().u8(1).u8(0).zeros(2).u8(14).zeros(3).fill(12, 0xff).zeros(2).done(); // no ethertype
        capSet(0x0801, w().u8(1).zeros(7).bytes(eth).done()).ok();
        byte[] ipv4Bad = w().u8(2).u8(0).zeros(2).u8(20).zeros(3).fill(20, 0xff).done(); // TTL etc. not offered
        capSet(0x0801, w().u8(1).zeros(7).bytes(ipv4Bad).done()).fails(EINVAL, Q_INVALID_FIELD);
        byte[] udp = w().u8(5).u8(0).zeros(2).u8(8).zeros(3).fill(4, 0xff).zeros(4).done();
        capSet(0x0801, w().u8(2).zeros(7).bytes(udp).bytes(eth).done()).fails(EINVAL, Q_INVALID_FIELD); // order
        byte[] shortEth = w().u8(1).u8(0).zeros(2).u8(6).zeros(3).fill(6, 0xff).done();
        capSet(0x0801, w().u8(1).zeros(7).bytes(shortEth).done()).fails(EINVAL, Q_INVALID_FIELD); // length
        capSet(0x0801, w().u8(2).zeros(7).bytes(eth).done()).fails(EINVAL, Q_INVALID_FIELD); // count > data
        capSet(0x0802, w().u8(1).zeros(7).u8(2).done()).ok();
        capSet(0x0802, w().u8(1).zeros(7).u8(3).done()).fails(EINVAL, Q_INVALID_FIELD); // IPSEC not offered
        capSet(0x0802, w().u8(2).zeros(7).u8(2).u8(1).done()).fails(EINVAL, Q_INVALID_FIELD); // not ascending
    }

    @Test
    void deviceResetClearsDriverCapabilities() {
        capSet(0x0000, w().u8(2).u8(2).zeros(6).done()).ok();
        createPartsObject(e, 1, 0, 0).ok();
        e.reset();
        assertEquals(0, e.resourceObjectCount(), "objects destroyed");
        useAll(e);
        createPartsObject(e, 1, 0, 0).fails(ENOSPC, Q_NORESOURCE);
    }
}
