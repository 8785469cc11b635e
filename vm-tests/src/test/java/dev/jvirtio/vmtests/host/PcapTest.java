package dev.jvirtio.vmtests.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Host-side: the pcap reader against files built byte by byte. */
class PcapTest {

    /** A capture file builder in the given byte order. */
    static final class Builder {
        final ByteOrder order;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Builder(ByteOrder order, int magic, int snapLen, int linkType) {
            this.order = order;
            ByteBuffer h = ByteBuffer.allocate(24).order(order);
            h.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snapLen).putInt(linkType);
            out.writeBytes(h.array());
        }

        Builder record(long sec, long frac, int incl, int orig, byte[] data) {
            ByteBuffer h = ByteBuffer.allocate(16).order(order);
            h.putInt((int) sec).putInt((int) frac).putInt(incl).putInt(orig);
            out.writeBytes(h.array());
            out.writeBytes(data);
            return this;
        }

        Builder packet(byte[] data) {
            return record(1_700_000_000L, 123, data.length, data.length, data);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    @Test
    void qemuStyleLittleEndianMicroseconds() throws Exception {
        // What QEMU 7.2's filter-dump writes on x86: native order, snaplen 65536, Ethernet.
        byte[] file = new Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 65536, 1)
                .packet(bytes(60, 1)).record(5, 999_999, 10, 1514, bytes(10, 2)).bytes();
        assertArrayEquals(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1}, Arrays.copyOf(file, 4));
        Pcap p = Pcap.parse(file);
        assertEquals(1, p.linkType());
        assertEquals(65536, p.snapLen());
        assertFalse(p.nanos());
        assertEquals(2, p.records().size());
        assertArrayEquals(bytes(60, 1), p.records().get(0).data());
        assertTrue(p.records().get(0).complete());
        assertEquals(1_700_000_000L, p.records().get(0).seconds());
        assertEquals(999_999, p.records().get(1).fraction());
        assertEquals(1514, p.records().get(1).originalLength());
        assertFalse(p.records().get(1).complete(), "a snapped packet is not complete");
    }

    @Test
    void bigEndianAndNanosecondFiles() throws Exception {
        Pcap be = Pcap.parse(new Builder(ByteOrder.BIG_ENDIAN, 0xa1b2c3d4, 262144, 1).packet(bytes(70, 3)).bytes());
        assertEquals(262144, be.snapLen());
        assertArrayEquals(bytes(70, 3), be.records().get(0).data());
        Pcap ns = Pcap.parse(new Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b23c4d, 65535, 1).packet(bytes(64, 4)).bytes());
        assertTrue(ns.nanos());
        Pcap nsBe = Pcap.parse(new Builder(ByteOrder.BIG_ENDIAN, 0xa1b23c4d, 65535, 1).bytes());
        assertTrue(nsBe.nanos());
        assertEquals(0, nsBe.records().size(), "a header alone is an empty capture");
    }

    @Test
    void brokenFilesAreTypedErrors() {
        byte[] good = new Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 65536, 1).packet(bytes(60, 1)).bytes();
        assertThrows(Pcap.FormatException.class, () -> Pcap.parse(new byte[10]), "short");
        byte[] badMagic = good.clone();
        badMagic[0] = 0;
        assertThrows(Pcap.FormatException.class, () -> Pcap.parse(badMagic));
        byte[] badVersion = good.clone();
        badVersion[4] = 3;
        assertThrows(Pcap.FormatException.class, () -> Pcap.parse(badVersion));
        for (int cut = 25; cut < good.length; cut += 7) {
            int n = cut;
            Pcap.FormatException e = assertThrows(Pcap.FormatException.class,
                    () -> Pcap.parse(Arrays.copyOf(good, n)), "cut at " + n);
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
        assertThrows(Pcap.FormatException.class, () -> Pcap.parse(
                new Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 65536, 1).record(0, 0, 20, 10, bytes(20, 0)).bytes()),
                "captured more than the packet");
        assertThrows(Pcap.FormatException.class, () -> Pcap.parse(
                new Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 65536, 1).record(0, 0, -1, -1, new byte[0]).bytes()),
                "implausible length");
    }
}
