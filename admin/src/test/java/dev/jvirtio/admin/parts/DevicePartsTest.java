package dev.jvirtio.admin.parts;

import static dev.jvirtio.admin.LeBytes.hex;
import static dev.jvirtio.admin.LeBytes.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.Wirebench;
import dev.jvirtio.admin.command.DevPartsSet;
import dev.jvirtio.admin.parts.DevicePartsFormatException.Problem;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** Device-parts sequences: exact layout, round trips, hostile input, order checking. */
class DevicePartsTest {
    /** Part header as the spec tabulates it: part_type le16, flags u8, reserved u8, selector[8], length le32. */
    private static LeBytes hdr(LeBytes b, int type, int flags, long selector, long length) {
        return b.u16(type).u8(flags).u8(0).u64(selector).u32(length);
    }

    private static byte[] write(List<DevicePart> parts) {
        byte[] b = new byte[(int) DevicePartsWriter.encodedLength(parts)];
        assertEquals(b.length, DevicePartsWriter.writeAll(parts, MemorySegment.ofArray(b), 0, false));
        return b;
    }

    private static List<DevicePart> read(byte[] b, boolean checkOrder) {
        return DevicePartsReader.readAll(Wirebench.segment(b), 0, b.length, checkOrder);
    }

    private static DevicePartsFormatException readFails(byte[] b, boolean checkOrder) {
        return assertThrows(DevicePartsFormatException.class, () -> read(b, checkOrder));
    }

    private static final List<DevicePart> FULL = List.of(
            DevFeaturesPart.of(FeatureBits.of(0x1_0000_0001L, 0x2)),
            DrvFeaturesPart.of(FeatureBits.of(0x1_0000_0000L)),
            PciCommonCfgPart.of(PciCommonCfgField.NUM_QUEUES, 3),
            PciCommonCfgPart.of(PciCommonCfgField.QUEUE_DESC, 0x1234_5678_9abcL),
            DeviceStatusPart.of(0x0f),
            new VqCfgPart(0, 256, 1, 1, 0x1000, 0x2000, 0x3000, false),
            new VqCfgPart(1, 128, 0xffff, 0, 0x4000, 0x5000, 0x6000, false),
            new VqNotifyCfgPart(0, 0, 0x10, false),
            new VqNotifyCfgPart(1, 1, 0x11, true),
            DeviceTypePart.netCvq(0, 1, Bytes.of((byte) 1)),
            new UnknownPart(new PartType(0x600), 0x80, -1L, Bytes.ofHex("cafe")));

    @Test
    void exactLayoutOfEveryTypedPart() {
        LeBytes e = le();
        hdr(e, 0x100, 1, 0, 16).u64(0x1_0000_0001L).u64(2);
        hdr(e, 0x101, 0, 0, 8).u64(0x1_0000_0000L);
        hdr(e, 0x102, 0, 18, 2).u16(3);
        hdr(e, 0x102, 0, 32, 8).u64(0x1234_5678_9abcL);
        hdr(e, 0x103, 0, 0, 1).u8(0x0f);
        hdr(e, 0x104, 0, 0, 32).u16(256).u16(1).u16(1).u16(0).u64(0x1000).u64(0x2000).u64(0x3000);
        hdr(e, 0x104, 0, 1, 32).u16(128).u16(0xffff).u16(0).u16(0).u64(0x4000).u64(0x5000).u64(0x6000);
        hdr(e, 0x105, 0, 0, 8).u16(0).u16(0x10).zeros(4);
        hdr(e, 0x105, 1, 1, 8).u16(1).u16(0x11).zeros(4);
        hdr(e, 0x200, 0, 0x0100, 1).u8(1); // net CVQ selector: class 0, command 1
        hdr(e, 0x600, 0x80, -1L, 2).hex("cafe");
        byte[] bytes = write(FULL);
        assertEquals(hex(e.bytes()), hex(bytes));
        assertEquals(FULL, read(bytes, true));
    }

    @Test
    void zeroLengthPartsAreFineWhereTheTypeAllowsThem() {
        byte[] b = hdr(hdr(le(), 0x200, 0, 7, 0), 0x0, 0, 0, 0).bytes();
        List<DevicePart> parts = read(b, true);
        assertEquals(List.of(new DeviceTypePart(PartType.NET_CVQ_CFG, 0, 7, Bytes.empty()),
                new UnknownPart(new PartType(0), 0, 0, Bytes.empty())), parts);
        // Empty feature arrays are a multiple of 8.
        assertEquals(List.of(new DrvFeaturesPart(FeatureBits.of(), false)), read(hdr(le(), 0x101, 0, 0, 0).bytes(), true));
        // Zero-length status is not.
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x103, 0, 0, 0).bytes(), false).problem());
    }

    @Test
    void manyTinyPartsTerminate() {
        LeBytes b = le();
        for (int i = 0; i < 20_000; i++) {
            hdr(b, 0x300, 0, i, 0);
        }
        assertEquals(20_000, read(b.bytes(), false).size());
    }

    @Test
    void lengthPastTheEnd() {
        var e = readFails(hdr(le(), 0x200, 0, 0, 5).hex("01020304").bytes(), false);
        assertEquals(Problem.VALUE_PAST_END, e.problem());
        assertEquals(0, e.partIndex());
        assertTrue(e.getMessage().contains("claims 5 value bytes but only 4 remain"), e.getMessage());
    }

    @Test
    void hugeLengthsAreRejectedBeforeAnyAllocation() {
        byte[] b = hdr(hdr(le(), 0x101, 0, 0, 8).u64(1), 0x200, 0, 0, 0xffff_ffffL).bytes();
        var e = readFails(b, false);
        assertEquals(Problem.VALUE_PAST_END, e.problem());
        assertEquals(1, e.partIndex());
        assertEquals(24, e.offset());
        // Same for typed parts whose length field lies.
        assertEquals(Problem.VALUE_PAST_END, readFails(hdr(le(), 0x100, 1, 0, 0xffff_fff8L).bytes(), false).problem());
    }

    @Test
    void truncatedHeaders() {
        byte[] full = hdr(le(), 0x103, 0, 0, 1).u8(4).bytes();
        for (int cut = 1; cut < 16; cut++) {
            byte[] b = java.util.Arrays.copyOf(full, cut);
            if (cut < 8 && allZero(b)) {
                continue;
            }
            assertEquals(Problem.TRUNCATED_HEADER, readFails(b, false).problem(), "cut at " + cut);
        }
        // Header complete, value missing.
        assertEquals(Problem.VALUE_PAST_END, readFails(java.util.Arrays.copyOf(full, 16), false).problem());
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void shortZeroPaddingEndsTheSequenceButLongerOrNonZeroTailsDoNot() {
        byte[] part = hdr(le(), 0x103, 0, 0, 1).u8(4).bytes();
        for (int pad = 1; pad < 8; pad++) {
            byte[] b = java.util.Arrays.copyOf(part, part.length + pad);
            assertEquals(List.of(DeviceStatusPart.of(4)), read(b, true), "pad " + pad);
        }
        byte[] eight = java.util.Arrays.copyOf(part, part.length + 8);
        assertEquals(Problem.TRUNCATED_HEADER, readFails(eight, false).problem());
        byte[] junk = java.util.Arrays.copyOf(part, part.length + 3);
        junk[part.length + 1] = 1;
        var e = readFails(junk, false);
        assertEquals(Problem.TRUNCATED_HEADER, e.problem());
        assertEquals(17, e.offset());
    }

    @Test
    void typedLengthsAreChecked() {
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x100, 0, 0, 12).zeros(12).bytes(), false).problem());
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x103, 0, 0, 2).zeros(2).bytes(), false).problem());
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x104, 0, 0, 24).zeros(24).bytes(), false).problem());
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x104, 0, 0, 40).zeros(40).bytes(), false).problem());
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x105, 0, 0, 4).zeros(4).bytes(), false).problem());
        // PCI_COMMON_CFG: offset 18 (num_queues) is 2 bytes wide.
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x102, 0, 18, 4).zeros(4).bytes(), false).problem());
        // Offset 19 is inside num_queues.
        assertEquals(Problem.BAD_SELECTOR, readFails(hdr(le(), 0x102, 0, 19, 1).zeros(1).bytes(), false).problem());
        // Offsets past the known fields: any of 1, 2, 4, 8 bytes, nothing else.
        assertEquals(List.of(new PciCommonCfgPart(100, 2, 0xbeef, false)),
                read(hdr(le(), 0x102, 0, 100, 2).u16(0xbeef).bytes(), true));
        assertEquals(Problem.BAD_LENGTH, readFails(hdr(le(), 0x102, 0, 100, 3).zeros(3).bytes(), false).problem());
        assertEquals(Problem.BAD_SELECTOR,
                readFails(hdr(le(), 0x102, 0, 0xffff_fff0L, 1).zeros(1).bytes(), false).problem());
    }

    @Test
    void reservedSelectorBitsOfTypedPartsAreIgnored() {
        // vq_index selector: index le16 + reserved[6]; junk in the reserved bytes must not leak into the index.
        byte[] b = hdr(le(), 0x105, 0, 0xffff_0000_0000_0003L, 8).u16(1).u16(2).zeros(4).bytes();
        assertEquals(List.of(new VqNotifyCfgPart(3, 1, 2, false)), read(b, true));
    }

    @Test
    void orderIsCheckedOnlyWhenAsked() {
        byte[] b = write(List.of(DeviceStatusPart.of(1), DrvFeaturesPart.of(FeatureBits.of(1))));
        assertEquals(2, read(b, false).size());
        var e = readFails(b, true);
        assertEquals(Problem.OUT_OF_ORDER, e.problem());
        assertEquals(1, e.partIndex());
        assertEquals(17, e.offset());
        assertTrue(e.getMessage().contains("DRV_FEATURES after DEVICE_STATUS"), e.getMessage());
    }

    @Test
    void duplicatesAreRejectedWhenChecking() {
        List<List<DevicePart>> dups = List.of(
                List.of(DevFeaturesPart.of(FeatureBits.of(1)), DevFeaturesPart.of(FeatureBits.of(1))),
                List.of(DeviceStatusPart.of(1), DeviceStatusPart.of(1)),
                List.of(PciCommonCfgPart.of(PciCommonCfgField.NUM_QUEUES, 1),
                        PciCommonCfgPart.of(PciCommonCfgField.NUM_QUEUES, 2)),
                List.of(new VqCfgPart(4, 1, 1, 1, 1, 1, 1, false), new VqCfgPart(4, 1, 1, 1, 1, 1, 1, false)),
                List.of(new VqNotifyCfgPart(2, 0, 0, false), new VqNotifyCfgPart(2, 0, 0, false)));
        for (List<DevicePart> d : dups) {
            assertEquals(Problem.DUPLICATE, readFails(write(d), true).problem(), d.toString());
            assertEquals(2, read(write(d), false).size());
        }
        // Distinct selectors are fine, and device-type parts may appear anywhere.
        List<DevicePart> fine = List.of(DeviceTypePart.netCvq(1, 1, Bytes.empty()),
                PciCommonCfgPart.of(PciCommonCfgField.NUM_QUEUES, 1),
                PciCommonCfgPart.of(PciCommonCfgField.QUEUE_SIZE, 2), new VqCfgPart(1, 1, 1, 1, 1, 1, 1, false),
                new VqCfgPart(2, 1, 1, 1, 1, 1, 1, false), DeviceTypePart.netCvq(1, 2, Bytes.empty()));
        assertEquals(fine, read(write(fine), true));
    }

    @Test
    void writerChecksRoomAndOrder() {
        byte[] small = new byte[20];
        var w = new DevicePartsWriter(MemorySegment.ofArray(small), 0, 20, false);
        w.write(DeviceStatusPart.of(1));
        var e = assertThrows(DevicePartsFormatException.class, () -> w.write(DeviceStatusPart.of(2)));
        assertEquals(Problem.NO_ROOM, e.problem());
        assertEquals(17, w.position());
        var ordered = new DevicePartsWriter(MemorySegment.ofArray(new byte[100]), 0, 100, true);
        ordered.write(DeviceStatusPart.of(1));
        assertEquals(Problem.OUT_OF_ORDER,
                assertThrows(DevicePartsFormatException.class, () -> ordered.write(DrvFeaturesPart.of(FeatureBits.of())))
                        .problem());
        assertThrows(IllegalArgumentException.class, () -> DevPartsSet.of(VfNumber.of(1), 0,
                List.of(DeviceStatusPart.of(1), DrvFeaturesPart.of(FeatureBits.of()))));
        // The unchecked variant lets a caller forward whatever a device produced.
        new DevPartsSet(VfNumber.of(1), 0, List.of(DeviceStatusPart.of(1), DrvFeaturesPart.of(FeatureBits.of())), false);
    }

    @Test
    void readerCursor() {
        byte[] b = write(List.of(DeviceStatusPart.of(1)));
        DevicePartsReader r = DevicePartsReader.of(Wirebench.segment(b), 0, b.length);
        assertTrue(r.hasNext());
        assertEquals(DeviceStatusPart.of(1), r.next());
        assertEquals(17, r.position());
        assertEquals(1, r.partsRead());
        assertFalse(r.hasNext());
        assertThrows(NoSuchElementException.class, r::next);
        assertThrows(IllegalStateException.class, r::checkingOrder);
        assertThrows(IllegalArgumentException.class, () -> DevicePartsReader.of(Wirebench.segment(b), 4, b.length));
        assertFalse(DevicePartsReader.of(Wirebench.segment(b), 0, 0).hasNext());
    }

    @Test
    void partConstructorsValidate() {
        assertThrows(IllegalArgumentException.class, () -> new PciCommonCfgPart(18, 4, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new PciCommonCfgPart(19, 1, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new PciCommonCfgPart(18, 2, 0x10000, false));
        assertThrows(IllegalArgumentException.class, () -> new PciCommonCfgPart(100, 3, 0, false));
        assertThrows(IllegalArgumentException.class, () -> DeviceStatusPart.of(256));
        assertThrows(IllegalArgumentException.class, () -> new VqCfgPart(65536, 0, 0, 0, 0, 0, 0, false));
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceTypePart(PartType.DEV_FEATURES, 0, 0, Bytes.empty()));
        assertThrows(IllegalArgumentException.class, () -> new UnknownPart(PartType.VQ_CFG, 0, 0, Bytes.empty()));
        assertThrows(IllegalArgumentException.class, () -> new UnknownPart(new PartType(0x250), 0, 0, Bytes.empty()));
        assertThrows(IllegalArgumentException.class, () -> new PartType(0x10000));
        assertThrows(IllegalArgumentException.class, () -> new DevicePartHeader(PartType.VQ_CFG, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new DevicePartHeader(PartType.VQ_CFG, 0, 0, 1L << 32));
        assertTrue(DevFeaturesPart.of(FeatureBits.of()).optional());
        assertFalse(DrvFeaturesPart.of(FeatureBits.of()).optional());
        assertTrue(FeatureBits.of(0, 1L << 9).has(73));
        assertFalse(FeatureBits.of(0, 1L << 9).has(200));
        assertEquals("VQ_CFG", PartType.VQ_CFG.toString());
        assertEquals("0x0601", new PartType(0x601).toString());
    }
}
