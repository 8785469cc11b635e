package dev.jvirtio.admin;

import static dev.jvirtio.admin.LeBytes.hex;
import static dev.jvirtio.admin.LeBytes.le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class OpcodeSetTest {
    private static byte[] encode(OpcodeSet s) {
        byte[] b = new byte[s.encodedLength()];
        assertEquals(b.length, s.encode(MemorySegment.ofArray(b), 0));
        return b;
    }

    @Test
    void specExample() {
        // "values 0x3 in [0] and 0x1 in [1] indicates that only opcodes 0, 1 and 64 are supported"
        OpcodeSet s = OpcodeSet.decode(Wirebench.segment(le().u64(3).u64(1).bytes()), 0, 16);
        assertArrayEquals(new int[] {0, 1, 64}, s.codes());
        assertEquals(hex(le().u64(3).u64(1).bytes()), hex(encode(s)));
    }

    @Test
    void trailingZeroWordsAreAcceptedAndNormalised() {
        OpcodeSet a = OpcodeSet.decode(Wirebench.segment(le().u64(3).zeros(64).bytes()), 0, 72);
        assertEquals(OpcodeSet.ofCodes(0, 1), a);
        assertEquals(OpcodeSet.ofCodes(0, 1).hashCode(), a.hashCode());
        assertEquals(8, a.encodedLength());
        assertEquals(OpcodeSet.fromWords(3, 0, 0), OpcodeSet.fromWords(3));
        assertEquals(0, OpcodeSet.decode(Wirebench.segment(new byte[24]), 0, 24).encodedLength());
    }

    @Test
    void truncatedLastWordReadsMissingBytesAsZero() {
        byte[] b = le().u64(0xffff_ffff_ffff_ffffL).bytes();
        assertEquals(OpcodeSet.ofCodes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                22, 23), OpcodeSet.decode(Wirebench.segment(b), 0, 3));
    }

    @Test
    void highOpcodes() {
        OpcodeSet s = OpcodeSet.ofCodes(0, 1, 0x7fff, 0x8000, 0xffff);
        assertEquals(1024 * 8, s.encodedLength());
        byte[] b = encode(s);
        assertEquals(0x03, b[0]);
        assertEquals((byte) 0x80, b[0x7fff / 8]);  // bit 63 of word 511
        assertEquals(0x01, b[0x8000 / 8]);         // bit 0 of word 512
        assertEquals((byte) 0x80, b[b.length - 1]); // bit 63 of word 1023
        assertEquals(s, OpcodeSet.decode(Wirebench.segment(b), 0, b.length));
        assertTrue(s.contains(0xffff));
        assertFalse(s.contains(0x10000));
        assertFalse(s.contains(-1));
        assertThrows(IllegalArgumentException.class, () -> OpcodeSet.ofCodes(0x10000));
        assertThrows(IllegalArgumentException.class, () -> s.with(-1));
    }

    @Test
    void bitsBeyondTheOpcodeSpaceAreAProtocolError() {
        byte[] b = new byte[1025 * 8];
        b[1024 * 8] = 1;
        assertThrows(AdminProtocolException.class, () -> OpcodeSet.decode(Wirebench.segment(b), 0, b.length));
        byte[] zeros = new byte[2000 * 8];
        zeros[0] = 1;
        assertEquals(OpcodeSet.ofCodes(0), OpcodeSet.decode(Wirebench.segment(zeros), 0, zeros.length));
        assertEquals(OpcodeSet.empty(), OpcodeSet.fromWords(new long[1025]));
        assertThrows(IllegalArgumentException.class, () -> OpcodeSet.fromWords(withLast(1025)));
    }

    private static long[] withLast(int n) {
        long[] w = new long[n];
        w[n - 1] = 1;
        return w;
    }

    @Test
    void setAlgebra() {
        OpcodeSet supported = OpcodeSet.ofCodes(0, 1, 2, 3, 4, 5, 6, 0x11, 0x40);
        OpcodeSet wanted = OpcodeSet.of(AdminOpcode.LIST_QUERY, AdminOpcode.LIST_USE, AdminOpcode.DEV_MODE_SET,
                AdminOpcode.DEV_PARTS_GET);
        assertEquals(OpcodeSet.ofCodes(0, 1, 0x11), supported.mask(wanted));
        assertEquals(OpcodeSet.ofCodes(0, 1, 2, 3, 4, 5, 6, 0xf, 0x11, 0x40), supported.union(wanted));
        assertTrue(supported.containsAll(OpcodeSet.ofCodes(0, 0x40)));
        assertFalse(supported.containsAll(wanted));
        assertEquals(OpcodeSet.ofCodes(0, 1, 2, 3, 4, 5, 6, 0x11), supported.without(0x40));
        assertEquals(8, supported.without(0x40).encodedLength());
        assertSame(supported, supported.without(0x41));
        assertSame(supported, supported.with(0x40));
        assertEquals(9, supported.size());
        assertTrue(OpcodeSet.empty().isEmpty());
        assertNotEquals(supported, wanted);
    }

    @Test
    void numberingDecidesWhereQueryAndModifyLive() {
        OpcodeSet table = OpcodeSet.of(OpcodeNumbering.OPCODE_TABLE, AdminOpcode.RESOURCE_OBJ_QUERY);
        OpcodeSet text = OpcodeSet.of(OpcodeNumbering.COMMAND_TEXT, AdminOpcode.RESOURCE_OBJ_QUERY);
        assertArrayEquals(new int[] {0xb}, table.codes());
        assertArrayEquals(new int[] {0xc}, text.codes());
        assertTrue(text.contains(AdminOpcode.RESOURCE_OBJ_QUERY, OpcodeNumbering.COMMAND_TEXT));
        assertFalse(text.contains(AdminOpcode.RESOURCE_OBJ_QUERY));
        assertEquals("[RESOURCE_OBJ_QUERY]", text.describe(OpcodeNumbering.COMMAND_TEXT));
        assertEquals("[RESOURCE_OBJ_MODIFY]", text.toString());
    }

    @Test
    void toStringListsNames() {
        assertEquals("[LIST_QUERY, LIST_USE, DEV_MODE_SET, OPCODE_0x0012, OPCODE_0x8001]",
                OpcodeSet.ofCodes(0, 1, 0x11, 0x12, 0x8001).toString());
        assertEquals("[]", OpcodeSet.empty().toString());
    }

    @Test
    void opcodeConstantsMatchTheSpecTable() {
        String[] names = {"LIST_QUERY", "LIST_USE", "LEGACY_COMMON_CFG_WRITE", "LEGACY_COMMON_CFG_READ",
            "LEGACY_DEV_CFG_WRITE", "LEGACY_DEV_CFG_READ", "LEGACY_NOTIFY_INFO", "CAP_ID_LIST_QUERY", "DEVICE_CAP_GET",
            "DRIVER_CAP_SET", "RESOURCE_OBJ_CREATE", "RESOURCE_OBJ_QUERY", "RESOURCE_OBJ_MODIFY",
            "RESOURCE_OBJ_DESTROY", "DEV_PARTS_METADATA_GET", "DEV_PARTS_GET", "DEV_PARTS_SET", "DEV_MODE_SET"};
        for (int code = 0; code < names.length; code++) {
            AdminOpcode op = AdminOpcode.of(code);
            assertEquals(names[code], op.name());
            assertEquals(code, op.code());
            assertTrue(op.isStandard());
        }
        assertFalse(AdminOpcode.of(0x12).isStandard());
        assertThrows(IllegalArgumentException.class, () -> AdminOpcode.custom(0x3, "MINE"));
        assertThrows(IllegalArgumentException.class, () -> AdminOpcode.custom(0x10000, "MINE"));
        assertThrows(IllegalArgumentException.class, () -> AdminOpcode.custom(0x100, " "));
        assertEquals(0x100, AdminOpcode.custom(0x100, "MINE").code());
        assertEquals(AdminOpcode.RESOURCE_OBJ_MODIFY, OpcodeNumbering.COMMAND_TEXT.opcode(0xb));
        assertEquals(AdminOpcode.RESOURCE_OBJ_QUERY, OpcodeNumbering.OPCODE_TABLE.opcode(0xb));
        assertEquals(AdminOpcode.DEV_MODE_SET, OpcodeNumbering.COMMAND_TEXT.opcode(0x11));
    }
}
