package dev.jvirtio.admin;

import static dev.jvirtio.admin.LeBytes.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.LegacyCommonField;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Framing rules of the codec, independent of any particular command's payload. */
class AdminCodecTest {
    private final AdminCodec codec = new AdminCodec();

    @Test
    void encodeClearsReservedAndPaddingAndLeavesTheRestOfTheBufferAlone() {
        var cmd = AdminCommands.devModeSet(VfNumber.of(2), DevModeSet.Mode.STOPPED);
        byte[] buf = new byte[64];
        java.util.Arrays.fill(buf, (byte) 0x5a);
        int n = codec.encodeRequest(cmd, MemorySegment.ofArray(buf), 16);
        assertEquals(32, n);
        byte[] expected = LeBytes.header(0x11, 1, 2).u8(1).zeros(7).bytes();
        for (int i = 0; i < 16; i++) {
            assertEquals(0x5a, buf[i] & 0xff, "byte before the request touched at " + i);
        }
        for (int i = 0; i < 32; i++) {
            assertEquals(expected[i], buf[16 + i], "request byte " + i);
        }
        for (int i = 48; i < 64; i++) {
            assertEquals(0x5a, buf[i] & 0xff, "byte after the request touched at " + i);
        }
    }

    @Test
    void encodeWorksOnNativeMemoryAndLargeData() {
        // Large enough to take the bulk-zeroing path.
        byte[] big = new byte[5000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        var parts = java.util.List.<dev.jvirtio.admin.parts.DevicePart>of(new dev.jvirtio.admin.parts.DeviceTypePart(
                dev.jvirtio.admin.parts.PartType.NET_CVQ_CFG, 0, 0x0101, Bytes.of(big)));
        var cmd = AdminCommands.devPartsSet(VfNumber.of(1), 0, parts);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(8192);
            seg.fill((byte) 0x77);
            int n = codec.encodeRequest(cmd, seg, 0);
            assertEquals(24 + 8 + ((16 + 5000 + 7) & ~7), n);
            assertEquals(5000, seg.get(ValueLayout.JAVA_INT_UNALIGNED, 24 + 8 + 12));
            assertEquals(big[4999], seg.get(ValueLayout.JAVA_BYTE, 24 + 8 + 16 + 4999));
            for (int i = 24 + 8 + 16 + 5000; i < n; i++) {
                assertEquals(0, seg.get(ValueLayout.JAVA_BYTE, i), "padding byte " + i);
            }
            for (int i = 4; i < 16; i++) {
                assertEquals(0, seg.get(ValueLayout.JAVA_BYTE, i), "reserved1 byte " + i);
            }
        }
    }

    @Test
    void encodeRefusesATooSmallBuffer() {
        var cmd = AdminCommands.devModeSet(VfNumber.of(2), DevModeSet.Mode.STOPPED);
        var e = assertThrows(IllegalArgumentException.class,
                () -> codec.encodeRequest(cmd, MemorySegment.ofArray(new byte[40]), 16));
        assertTrue(e.getMessage().contains("needs 32 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> codec.encodeRequest(cmd, MemorySegment.ofArray(new byte[40]), -1));
    }

    @Test
    void paddingRules() {
        assertEquals(24 + 8, AdminCodec.requestLength(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING)));
        assertEquals(8, AdminCodec.responseLength(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING)));
        // Legacy access commands are deliberately exact (access width = data/result length).
        assertEquals(24 + 8 + 2, AdminCodec.requestLength(
                AdminCommands.legacyCommonCfgWrite(VfNumber.of(1), LegacyCommonField.QUEUE_SEL, 1)));
        assertEquals(8 + 2, AdminCodec.responseLength(
                AdminCommands.legacyCommonCfgRead(VfNumber.of(1), LegacyCommonField.QUEUE_SEL)));
    }

    @Test
    void failingStatusBecomesATypedException() {
        var cmd = AdminCommands.devModeSet(VfNumber.of(3), DevModeSet.Mode.STOPPED);
        byte[] w = le().u16(22).u16(3).zeros(4).bytes();
        var e = assertThrows(AdminCommandException.class, () -> Wirebench.complete(cmd, w, 8));
        assertEquals("DEV_MODE_SET on VF 3 failed: EINVAL / INVALID_FIELD", e.getMessage());
        assertEquals(AdminStatus.EINVAL, e.status());
        assertEquals(StatusQualifier.INVALID_FIELD, e.qualifier());
        assertEquals(AdminOpcode.DEV_MODE_SET, e.opcode());
        assertEquals(GroupType.SR_IOV, e.groupType());
        assertEquals(3, e.memberId());
        assertFalse(e.isRetryable());
        // Status and qualifier only (used length 4) are enough to report a failure.
        var e2 = assertThrows(AdminCommandException.class,
                () -> Wirebench.complete(cmd, le().u16(11).u16(0).bytes(), 4));
        assertTrue(e2.isRetryable());
    }

    @Test
    void statusWordIsReadWithoutAllocationHelpers() {
        MemorySegment s = MemorySegment.ofArray(le().u16(12).u16(6).zeros(4).bytes());
        int w = AdminCodec.statusWord(s, 0, 8);
        assertEquals(12, AdminCodec.status(w));
        assertEquals(6, AdminCodec.qualifier(w));
        assertFalse(AdminCodec.isOk(w));
        assertTrue(AdminCodec.isOk(AdminCodec.statusWord(MemorySegment.ofArray(new byte[8]), 0, 8)));
        MemorySegment high = MemorySegment.ofArray(le().u16(0xffff).u16(0xffff).bytes());
        int hw = AdminCodec.statusWord(high, 0, 4);
        assertEquals(0xffff, AdminCodec.status(hw));
        assertEquals(0xffff, AdminCodec.qualifier(hw));
    }

    @Test
    void impossibleUsedLengthsAreProtocolErrors() {
        var cmd = AdminCommands.devModeSet(VfNumber.of(3), DevModeSet.Mode.STOPPED);
        byte[] ok = new byte[8];
        var shortUsed = assertThrows(AdminProtocolException.class, () -> Wirebench.complete(cmd, ok, 3));
        assertTrue(shortUsed.getMessage().contains("used length 3"), shortUsed.getMessage());
        assertThrows(AdminProtocolException.class, () -> Wirebench.complete(cmd, ok, 0));
        var tooLong = assertThrows(AdminProtocolException.class, () -> Wirebench.complete(cmd, ok, 16));
        assertTrue(tooLong.getMessage().contains("8-byte"), tooLong.getMessage());
    }

    @Test
    void decodeClearsEverythingPastTheUsedLength() {
        var cmd = AdminCommands.deviceCapGet(dev.jvirtio.admin.cap.CapabilityKind.raw(0x10, 16));
        byte[] buf = new byte[8 + 16];
        java.util.Arrays.fill(buf, (byte) 0xee);
        buf[0] = buf[1] = buf[2] = buf[3] = 0;
        MemorySegment seg = MemorySegment.ofArray(buf);
        var cap = codec.decodeResponse(cmd, seg, 0, 10);
        assertEquals(Bytes.ofHex("eeee"), cap.data());
        for (int i = 10; i < buf.length; i++) {
            assertEquals(0, buf[i], "byte " + i + " past the used length not cleared");
        }
    }

    @Test
    void codecRequiresANumbering() {
        assertThrows(NullPointerException.class, () -> new AdminCodec(null));
        assertEquals(OpcodeNumbering.OPCODE_TABLE, new AdminCodec().numbering());
    }

    @Test
    void commandsWithBrokenLengthsAreRefused() {
        AdminCommand<Void> broken = new AdminCommand<>() {
            public AdminOpcode opcode() {
                return AdminOpcode.custom(0x20, "BROKEN");
            }

            public GroupType groupType() {
                return GroupType.SELF;
            }

            public long memberId() {
                return 0;
            }

            public int dataLength() {
                return -1;
            }

            public void encodeData(MemorySegment dst, long offset) {
            }

            public int resultCapacity() {
                return 0;
            }

            public Void decodeResult(MemorySegment result, int resultLength) {
                return null;
            }
        };
        assertThrows(IllegalStateException.class, () -> AdminCodec.requestLength(broken));
    }
}
