package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DEV_PARTS_METADATA_GET (0xe), DEV_PARTS_GET (0xf), DEV_PARTS_SET (0x10), DEV_MODE_SET (0x11). */
class DevicePartsTest {
    /** Net, 3 queues: 2 features + 5 common-cfg fields + status + 3 VQ_CFG + 3 VQ_NOTIFY + MAC. */
    static final int COUNT = 15;
    /** (16+16)*2 + (16+4)*2 + (16+2)*3 + (16+1) + (16+32)*3 + (16+8)*3 + (16+6). */
    static final int SIZE = 413;

    private final AdminCommandEngine e = prepared(net(4));

    private static AdminCommandEngine prepared(AdminCommandEngine x) {
        useAll(x);
        setPartsCap(x, 2, 2).ok();
        return x;
    }

    /** A decoded part: type, flags, 8 selector bytes, value. */
    record Part(int type, int flags, long selector, byte[] value) {}

    static List<Part> decode(byte[] b) {
        List<Part> parts = new ArrayList<>();
        int p = 0;
        while (p + 16 <= b.length) {
            R r = new R(b.length, b);
            int len = (int) r.u32(p + 12);
            parts.add(new Part(r.u16(p), r.u8(p + 2), r.u64(p + 4), Arrays.copyOfRange(b, p + 16, p + 16 + len)));
            p += 16 + len;
        }
        assertEquals(b.length, p, "parts fill the result exactly");
        return parts;
    }

    static byte[] encode(List<Part> parts) {
        W w = w();
        for (Part p : parts) {
            w.u16(p.type()).u8(p.flags()).u8(0).u64(p.selector()).u32(p.value().length).bytes(p.value());
        }
        return w.done();
    }

    private R metadata(long vf, long id, int type, int outSize) {
        return run(e, cmd(0xe, SRIOV, vf, w().u16(0).zeros(2).u32(id).u8(type).zeros(7).done()), outSize);
    }

    private R getAll(AdminCommandEngine x, long vf, long id) {
        return run(x, cmd(0xf, SRIOV, vf, w().u16(0).zeros(2).u32(id).u8(1).zeros(7).done()), 1024);
    }

    private static R set(AdminCommandEngine x, long vf, long id, byte[] parts) {
        return run(x, cmd(0x10, SRIOV, vf, w().u16(0).zeros(2).u32(id).bytes(parts).done()), 8);
    }

    private static R mode(AdminCommandEngine x, long vf, int flags) {
        return run(x, cmd(0x11, SRIOV, vf, w().u8(flags).zeros(7).done()), 8);
    }

    /** Drives VF {@code vf} through the legacy interface into a non-default state. */
    private static void dirty(AdminCommandEngine x, int vf) {
        run(x, cmd(0x2, SRIOV, vf, w().u8(4).zeros(7).u32(1L << 5 | 1L << 16).done()), 8).ok();
        run(x, cmd(0x2, SRIOV, vf, w().u8(14).zeros(7).u16(2).done()), 8).ok();
        run(x, cmd(0x2, SRIOV, vf, w().u8(8).zeros(7).u32(0xabcde).done()), 8).ok();
        run(x, cmd(0x2, SRIOV, vf, w().u8(22).zeros(7).u16(1).done()), 8).ok();
        run(x, cmd(0x2, SRIOV, vf, w().u8(18).zeros(7).u8(7).done()), 8).ok();
        run(x, cmd(0x4, SRIOV, vf, w().u8(0).zeros(7).bytes(new byte[] {0x0a, 1, 2, 3, 4, 5}).done()), 8).ok();
    }

    @Test
    void metadataSizeCountAndList() {
        createPartsObject(e, 1, 0, 0).ok();
        R size = metadata(1, 0, 0, 16).ok();
        assertEquals(16, size.used());
        assertEquals(SIZE, size.u32(8));
        assertEquals(0, size.u32(12));
        assertEquals(COUNT, metadata(1, 0, 1, 16).ok().u32(8));
        R list = metadata(1, 0, 2, 8 + 8 + 16 * COUNT).ok();
        assertEquals(8 + 8 + 16 * COUNT, list.used());
        assertEquals(COUNT, list.u32(8));
        int[] types = new int[COUNT];
        for (int i = 0; i < COUNT; i++) {
            types[i] = list.u16(16 + 16 * i);
        }
        assertArrayEquals(new int[] {0x100, 0x101, 0x102, 0x102, 0x102, 0x102, 0x102, 0x103,
            0x104, 0x104, 0x104, 0x105, 0x105, 0x105, 0x200}, types, "mandatory order");
        assertEquals(1, list.u8(16 + 2), "DEV_FEATURES is optional");
        assertEquals(18, list.u32(16 + 16 * 5 + 4), "num_queues selector offset");
        assertEquals(2, list.u16(16 + 16 * 10 + 4), "VQ_CFG of queue 2");
        assertEquals(32, list.u32(16 + 16 * 10 + 12), "VQ_CFG length");
        metadata(1, 0, 2, 8 + 8 + 16 * COUNT - 1).fails(ENOMEM, Q_NORESOURCE);
        metadata(1, 0, 3, 64).fails(EINVAL, Q_INVALID_FIELD);
    }

    @Test
    void metadataNeedsAGetObjectOfThisMember() {
        metadata(1, 0, 0, 16).fails(ENXIO, Q_INVALID_FIELD);
        createPartsObject(e, 1, 0, 1).ok(); // a SET object
        metadata(1, 0, 0, 16).fails(EINVAL, Q_INVALID_FIELD);
        metadata(2, 0, 0, 16).fails(ENXIO, Q_INVALID_FIELD);
        run(e, cmd(0xe, SRIOV, 1, w().u16(0x200).zeros(2).u32(0).u8(0).zeros(7).done()), 16)
                .fails(EINVAL, Q_INVALID_FIELD); // wrong object type in the header
    }

    @Test
    void getAllReturnsEveryPartInOrderWithTheLiveValues() {
        dirty(e, 1);
        createPartsObject(e, 1, 0, 0).ok();
        R r = getAll(e, 1, 0).ok();
        assertEquals(8 + 416, r.used(), "413 bytes padded to 416");
        List<Part> parts = decode(Arrays.copyOfRange(r.out(), 8, 8 + SIZE));
        assertEquals(COUNT, parts.size());
        R feat = new R(16, parts.get(0).value());
        assertEquals(LegacyAccessTest.NET_FEATURES_LO | 1L << 32 | 1L << 33, feat.u64(0));
        assertEquals(0L, feat.u64(8));
        assertEquals(1L << 5 | 1L << 16, new R(16, parts.get(1).value()).u64(0));
        assertEquals(18L, parts.get(5).selector());
        assertArrayEquals(new byte[] {3, 0}, parts.get(5).value(), "num_queues");
        assertArrayEquals(new byte[] {2, 0}, parts.get(6).value(), "queue_select");
        assertArrayEquals(new byte[] {7}, parts.get(7).value(), "status");
        R vq2 = new R(32, parts.get(10).value());
        assertEquals(256, vq2.u16(0));
        assertEquals(1, vq2.u16(2), "vector");
        assertEquals(1, vq2.u16(4), "enabled");
        assertEquals(0xabcde000L, vq2.u64(8));
        assertEquals(2L, parts.get(13).selector());
        assertArrayEquals(new byte[] {2, 0, 2, 0, 0, 0, 0, 0}, parts.get(13).value(), "notify off / data");
        assertEquals(0x0101L, parts.get(14).selector(), "class MAC, command MAC_ADDR_SET");
        assertArrayEquals(new byte[] {0x0a, 1, 2, 3, 4, 5}, parts.get(14).value());
        // repeatable
        assertArrayEquals(r.out(), getAll(e, 1, 0).ok().out());
        // too small: ENOMEM, no partial list
        run(e, cmd(0xf, SRIOV, 1, w().u16(0).zeros(2).u32(0).u8(1).zeros(7).done()), 8 + SIZE - 1)
                .fails(ENOMEM, Q_NORESOURCE);
    }

    @Test
    void getSelectedUsesTheMandatoryOrderAndSkipsMissingParts() {
        createPartsObject(e, 2, 1, 0).ok();
        byte[] req = w()
                .u16(0x104).zeros(2).u16(1).zeros(6).u32(0)   // VQ_CFG queue 1
                .u16(0x104).zeros(2).u16(9).zeros(6).u32(0)   // no queue 9: skipped
                .u16(0x102).zeros(2).u32(16).u32(0).u32(0)    // config_msix_vector
                .u16(0x100).zeros(2).zeros(8).u32(0)          // DEV_FEATURES
                .u16(0x1ff).zeros(2).zeros(8).u32(0)          // unknown: skipped
                .done();
        R r = run(e, cmd(0xf, SRIOV, 2, w().u16(0).zeros(2).u32(1).u8(0).zeros(7).bytes(req).done()), 512).ok();
        List<Part> parts = decode(Arrays.copyOfRange(r.out(), 8, 8 + 32 + 18 + 48));
        assertEquals(List.of(0x100, 0x102, 0x104), parts.stream().map(Part::type).toList());
        assertEquals(16L, parts.get(1).selector());
        assertEquals(1L, parts.get(2).selector());
        R none = run(e, cmd(0xf, SRIOV, 2, w().u16(0).zeros(2).u32(1).u8(0).zeros(7).done()), 64).ok();
        assertEquals(8, none.used());
    }

    @Test
    void migrationRoundTripAppliesPartsOnResume() {
        dirty(e, 1);
        createPartsObject(e, 1, 0, 0).ok();
        mode(e, 1, 1).ok();
        byte[] image = Arrays.copyOfRange(getAll(e, 1, 0).ok().out(), 8, 8 + SIZE);

        AdminCommandEngine dst = prepared(net(4));
        createPartsObject(dst, 3, 1, 1).ok();
        set(dst, 3, 1, image).fails(EBUSY, Q_INVALID_COMMAND); // running
        assertFalse(dst.member(3).hasStagedParts());
        mode(dst, 3, 1).ok();
        set(dst, 3, 1, image).ok();
        assertTrue(dst.member(3).hasStagedParts());
        assertEquals(0, dst.member(3).deviceStatus(), "not applied before resume");
        mode(dst, 3, 0).ok();
        mode(e, 1, 0).ok();
        assertTrue(dst.member(3).sameStateAs(e.member(1)), "destination equals source after resume");
        assertEquals(7, dst.member(3).deviceStatus());
        assertEquals(0xabcde000L, dst.member(3).queue(2).desc());
    }

    @Test
    void invalidSetsHaveNoSideEffects() {
        createPartsObject(e, 1, 0, 1).ok();
        mode(e, 1, 1).ok();
        byte[] feats = w().u64(LegacyAccessTest.NET_FEATURES_LO | 1L << 32 | 1L << 33).u64(0).done();
        Part devF = new Part(0x100, 1, 0, feats);
        Part status = new Part(0x103, 0, 0, new byte[] {0x0f});
        Part drvF = new Part(0x101, 0, 0, w().u64(1L << 5).u64(0).done());
        List<List<Part>> bad = List.of(
                List.of(new Part(0x100, 1, 0, w().u64(1).u64(0).done()), status),      // DEV_FEATURES mismatch
                List.of(devF, new Part(0x103, 0, 0, new byte[] {1, 0})),                // length mismatch
                List.of(devF, status, drvF),                                            // out of order
                List.of(devF, status, status),                                          // duplicate
                List.of(new Part(0x101, 0, 0, w().u64(1L << 40).u64(0).done())),        // not offered
                List.of(new Part(0x102, 0, 18, new byte[] {4, 0})),                     // num_queues differs
                List.of(new Part(0x102, 0, 20, new byte[] {1})),                        // unsupported field
                List.of(new Part(0x104, 0, 5, new byte[32])),                           // no queue 5
                List.of(new Part(0x104, 0, 0, w().u16(512).u16(0).u16(1).zeros(26).done())), // size > max
                List.of(new Part(0x1f0, 0, 0, new byte[4])),                            // unknown, mandatory
                List.of(new Part(0x200, 0, 0x0201, new byte[1])));                      // unsupported CVQ part
        for (List<Part> parts : bad) {
            set(e, 1, 0, encode(parts)).fails(EINVAL, Q_INVALID_FIELD);
            assertFalse(e.member(1).hasStagedParts(), () -> "side effect from " + parts);
        }
        byte[] headerOnly = Arrays.copyOf(encode(List.of(status)), 16); // header promises 1 value byte
        set(e, 1, 0, headerOnly).fails(EINVAL, Q_INVALID_FIELD);
        byte[] cut = w().u16(0x103).u8(0).u8(0).u64(0).u32(40).zeros(8).done(); // value runs past the data
        set(e, 1, 0, cut).fails(EINVAL, Q_INVALID_FIELD);
        assertFalse(e.member(1).hasStagedParts());
        set(e, 1, 0, w().fill(15, 0x33).done()).ok(); // fewer than 16 trailing bytes: no part to parse
        mode(e, 1, 0).ok();
        assertEquals(0, e.member(1).deviceStatus());
        // optional unknown parts are ignored, trailing zero padding is fine
        mode(e, 1, 1).ok();
        set(e, 1, 0, w().bytes(encode(List.of(devF, drvF, new Part(0x1f0, 1, 0, new byte[3]), status))).zeros(5)
                .done()).ok();
        mode(e, 1, 0).ok();
        assertEquals(0x0f, e.member(1).deviceStatus());
        assertEquals(1L << 5, e.member(1).driverFeatures(0));
    }

    @Test
    void devModeSetIsIdempotentAndMemberResetResumes() {
        MemberState m = e.member(2);
        mode(e, 2, 0).ok();
        assertFalse(m.stopped());
        mode(e, 2, 1).ok();
        mode(e, 2, 1).ok();
        assertTrue(m.stopped());
        mode(e, 2, 0xfe).ok(); // reserved flag bits ignored: bit 0 clear = resume
        assertFalse(m.stopped());
        mode(e, 2, 1).ok();
        createPartsObject(e, 2, 0, 1).ok();
        set(e, 2, 0, encode(List.of(new Part(0x103, 0, 0, new byte[] {3})))).ok();
        e.resetMember(2);
        assertFalse(m.stopped());
        assertFalse(m.hasStagedParts());
        assertEquals(0, m.deviceStatus());
    }
}
