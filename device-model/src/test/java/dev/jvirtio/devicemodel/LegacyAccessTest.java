package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Legacy common/device cfg access (opcodes 2-5) and LEGACY_NOTIFY_INFO (6). */
class LegacyAccessTest {
    /** Net member features 0-31 offered: MTU(3), MAC(5), STATUS(16), CTRL_VQ(17), MQ(22), CTRL_MAC_ADDR(23). */
    static final long NET_FEATURES_LO = 1L << 3 | 1L << 5 | 1L << 16 | 1L << 17 | 1L << 22 | 1L << 23;

    private final AdminCommandEngine e = useAll(net(4));

    /** COMMON_CFG_READ: data = {offset}; the access length is the result length. */
    private R readCommon(int vf, int offset, int len) {
        return run(e, cmd(0x3, SRIOV, vf, w().u8(offset).done()), 8 + len);
    }

    /** COMMON_CFG_WRITE: data = {offset, reserved[7], data[]}; the access length is the data length. */
    private R writeCommon(int vf, int offset, int len, long value) {
        W d = w().u8(offset).zeros(7);
        for (int i = 0; i < len; i++) {
            d.u8((int) (value >>> (8 * i)));
        }
        return run(e, cmd(0x2, SRIOV, vf, d.done()), 8);
    }

    private long value(R r, int len) {
        long v = 0;
        for (int i = 0; i < len; i++) {
            v |= (long) r.u8(8 + i) << (8 * i);
        }
        return v;
    }

    @Test
    void hostFeaturesAreTheLow32DeviceFeatureBits() {
        R r = readCommon(1, 0, 4).ok();
        assertEquals(12, r.used(), "exact access length");
        assertEquals(NET_FEATURES_LO, r.u32(8));
    }

    @Test
    void guestFeaturesAreMaskedByOfferedFeatures() {
        writeCommon(2, 4, 4, 0xFFFF_FFFFL).ok();
        assertEquals(NET_FEATURES_LO, e.member(2).driverFeatures(0));
        assertEquals(NET_FEATURES_LO, readCommon(2, 4, 4).ok().u32(8));
        assertEquals(0, e.member(1).driverFeatures(0), "other members untouched");
    }

    @Test
    void queuePfnProgramsTheLegacyRingLayout() {
        writeCommon(1, 14, 2, 1).ok(); // queue select = 1
        assertEquals(256, readCommon(1, 12, 2).ok().u16(8), "queue size");
        writeCommon(1, 8, 4, 0x12345).ok();
        QueueState q = e.member(1).queue(1);
        assertEquals(0x12345000L, q.desc());
        assertEquals(0x12345000L + 16 * 256, q.driver());
        // avail: 2 * (3 + 256) = 518 bytes, then the used ring at the next 4096 boundary
        assertEquals(0x12345000L + 8192, q.device());
        assertTrue(q.enabled());
        assertEquals(0x12345L, readCommon(1, 8, 4).ok().u32(8));
        writeCommon(1, 8, 4, 0).ok();
        assertFalse(q.enabled());
        assertEquals(0, q.desc());
        // a queue that does not exist: size and PFN read 0, writes have no effect
        writeCommon(1, 14, 2, 9).ok();
        assertEquals(0, readCommon(1, 12, 2).ok().u16(8));
        writeCommon(1, 8, 4, 0x55).ok();
        assertEquals(0, readCommon(1, 8, 4).ok().u32(8));
    }

    @Test
    void statusWriteZeroResetsTheMember() {
        writeCommon(3, 4, 4, 1L << 5).ok();
        writeCommon(3, 18, 1, 0x0B).ok();
        assertEquals(0x0B, readCommon(3, 18, 1).ok().u8(8));
        assertEquals(9, readCommon(3, 18, 1).used());
        writeCommon(3, 18, 1, 0).ok();
        assertEquals(0, e.member(3).deviceStatus());
        assertEquals(0, e.member(3).driverFeatures(0));
    }

    @Test
    void isrIsReadToClear() {
        e.member(1).raiseIsr(3);
        assertEquals(3, readCommon(1, 19, 1).ok().u8(8));
        assertEquals(0, readCommon(1, 19, 1).ok().u8(8));
    }

    @Test
    void queueNotifyReachesTheMember() {
        List<int[]> seen = new ArrayList<>();
        e.member(2).notifyListener((m, q) -> seen.add(new int[] {m, q}));
        writeCommon(2, 16, 2, 2).ok();
        writeCommon(2, 16, 2, 2).ok();
        writeCommon(2, 16, 2, 7).ok(); // no queue 7: ignored
        assertEquals(2, e.member(2).notifications(2));
        assertEquals(2, seen.size());
        assertArrayEquals(new int[] {2, 2}, seen.get(0));
    }

    @Test
    void msixVectorsWithAndWithoutMsix() {
        writeCommon(1, 20, 2, 1).ok();
        assertEquals(1, readCommon(1, 20, 2).ok().u16(8));
        writeCommon(1, 20, 2, 77).ok(); // only 4 vectors: not mappable, reads back NO_VECTOR
        assertEquals(0xffff, readCommon(1, 20, 2).ok().u16(8));
        writeCommon(1, 14, 2, 0).ok();
        writeCommon(1, 22, 2, 3).ok();
        assertEquals(3, e.member(1).queue(0).msixVector());
        e.member(1).msixEnabled(false);
        // without MSI-X the common area ends at 20 and device config starts there
        readCommon(1, 20, 2).fails(EINVAL, Q_INVALID_FIELD);
        writeCommon(1, 22, 2, 1).fails(EINVAL, Q_INVALID_FIELD);
        assertEquals(3, e.member(1).queue(0).msixVector());
    }

    @Test
    void accessMustBeExactlyOneFieldInsideTheArea() {
        readCommon(1, 1, 2).fails(EINVAL, Q_INVALID_FIELD);   // straddles host features
        readCommon(1, 0, 2).fails(EINVAL, Q_INVALID_FIELD);   // half a field
        readCommon(1, 0, 8).fails(EINVAL, Q_INVALID_FIELD);   // two fields
        readCommon(1, 12, 3).fails(EINVAL, Q_INVALID_FIELD);
        readCommon(1, 24, 1).fails(EINVAL, Q_INVALID_FIELD);  // device config is not in the common area
        readCommon(1, 200, 1).fails(EINVAL, Q_INVALID_FIELD);
        readCommon(1, 0, 0).fails(EINVAL, Q_INVALID_FIELD);   // zero-length access
        run(e, cmd(0x2, SRIOV, 1, w().u8(18).zeros(7).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        run(e, cmd(0x2, SRIOV, 1, w().u8(18).done()), 8).fails(EINVAL, Q_INVALID_FIELD); // no data at all
    }

    @Test
    void readOnlyFieldsRejectWritesWithoutSideEffects() {
        writeCommon(1, 0, 4, 0xFFFF_FFFFL).fails(EINVAL, Q_INVALID_FIELD);   // host features
        writeCommon(1, 12, 2, 8).fails(EINVAL, Q_INVALID_FIELD);             // queue size
        e.member(1).raiseIsr(1);
        writeCommon(1, 19, 1, 0).fails(EINVAL, Q_INVALID_FIELD);             // ISR
        assertEquals(1, e.member(1).isr());
        assertEquals(256, e.member(1).queue(0).size());
    }

    @Test
    void deviceConfigReadsAndWritesTheNetConfig() {
        R mac = run(e, cmd(0x5, SRIOV, 3, w().u8(0).done()), 14).ok();
        assertEquals(14, mac.used());
        assertArrayEquals(new byte[] {0x02, 0x6a, 0x76, 0x00, 0x00, 0x03}, mac.result());
        assertEquals(0x76, run(e, cmd(0x5, SRIOV, 3, w().u8(2).done()), 9).ok().u8(8), "one MAC byte");
        assertEquals(1500, run(e, cmd(0x5, SRIOV, 3, w().u8(10).done()), 10).ok().u16(8), "mtu");
        assertEquals(1, run(e, cmd(0x5, SRIOV, 3, w().u8(6).done()), 10).ok().u16(8), "status: link up");
        byte[] newMac = {0x0e, 0x11, 0x22, 0x33, 0x44, 0x55};
        run(e, cmd(0x4, SRIOV, 3, w().u8(0).zeros(7).bytes(newMac).done()), 8).ok();
        assertArrayEquals(newMac, run(e, cmd(0x5, SRIOV, 3, w().u8(0).done()), 14).ok().result());
        // errors: spans two fields, read-only field, past the end
        run(e, cmd(0x5, SRIOV, 3, w().u8(8).done()), 12).fails(EINVAL, Q_INVALID_FIELD);
        run(e, cmd(0x5, SRIOV, 3, w().u8(4).done()), 12).fails(EINVAL, Q_INVALID_FIELD);
        run(e, cmd(0x4, SRIOV, 3, w().u8(10).zeros(7).u16(9000).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        run(e, cmd(0x5, SRIOV, 3, w().u8(12).done()), 10).fails(EINVAL, Q_INVALID_FIELD);
        assertEquals(1500, e.member(3).configByte(10) | e.member(3).configByte(11) << 8);
    }

    @Test
    void relaxedDeviceConfigAccessAllowsSpanningReads() {
        AdminCommandEngine r = useAll(new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET)
                .totalVfs(1).relaxedLegacyDeviceCfgAccess(true).build(), sriov(1)));
        R span = run(r, cmd(0x5, SRIOV, 1, w().u8(4).done()), 12).ok();
        assertArrayEquals(new byte[] {0x00, 0x01, 0x01, 0x00}, span.result());
        run(r, cmd(0x4, SRIOV, 1, w().u8(5).zeros(7).u16(0).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
        run(r, cmd(0x5, SRIOV, 1, w().u8(10).done()), 12).fails(EINVAL, Q_INVALID_FIELD); // past the end
    }

    @Test
    void blockDeviceConfig() {
        AdminCommandEngine b = useAll(new AdminCommandEngine(
                AdminEngineConfig.builder(DeviceType.BLOCK).totalVfs(1).build(), sriov(1)));
        assertEquals((1L << 30) / 512, run(b, cmd(0x5, SRIOV, 1, w().u8(0).done()), 16).ok().u64(8));
        assertEquals(4096, run(b, cmd(0x5, SRIOV, 1, w().u8(20).done()), 12).ok().u32(8));
        run(b, cmd(0x5, SRIOV, 1, w().u8(0).done()), 12).fails(EINVAL, Q_INVALID_FIELD); // half of capacity
        run(b, cmd(0x4, SRIOV, 1, w().u8(18).zeros(7).u8(1).done()), 8).fails(EINVAL, Q_INVALID_FIELD);
    }

    @Test
    void notifyInfoReturnsFourEntriesEndingWithFlagsZero() {
        R r = run(e, cmd(0x6, SRIOV, 2), 80).ok();
        assertEquals(72, r.used());
        assertEquals(2, r.u8(8), "flags: member device");
        assertEquals(2, r.u8(9), "bar");
        assertEquals(0, r.u32(10) | r.u16(14), "padding");
        assertEquals(0x3000L, r.u64(16));
        for (int off = 24; off < 72; off++) {
            assertEquals(0, r.u8(off), "entries 1-3 are end markers, byte " + off);
        }
    }

    @Test
    void notifyInfoOwnerEntriesUsePerMemberOffsets() {
        AdminCommandEngine o = useAll(new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET).totalVfs(4)
                .notifyInfo(List.of(new AdminEngineConfig.NotifyInfoEntry(1, 4, 0x1000, 0x10),
                        new AdminEngineConfig.NotifyInfoEntry(2, 2, 0x40, 0)))
                .build(), sriov(4)));
        R r = run(o, cmd(0x6, SRIOV, 3), 72).ok();
        assertEquals(1, r.u8(8));
        assertEquals(4, r.u8(9));
        assertEquals(0x1020L, r.u64(16));
        assertEquals(2, r.u8(24));
        assertEquals(0x40L, r.u64(32));
        assertEquals(0, r.u8(40));
        assertEquals(0, r.u8(56));
    }
}
