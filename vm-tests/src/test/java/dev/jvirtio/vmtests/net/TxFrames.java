package dev.jvirtio.vmtests.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Ethernet frames the guest's virtio-net test transmits, and the manifest through which the host learns
 * what to look for in QEMU's {@code filter-dump} capture. The guest appends each frame as one hex line to
 * {@code $VMRIG_CTL/net-tx.txt} before sending it; after the guest is gone the host requires every listed
 * frame, byte for byte, in {@code net.pcap}. No jvirtio classes here: the host check runs without them.
 */
public final class TxFrames {
    /** File name of the manifest in the control dir. */
    public static final String MANIFEST = "net-tx.txt";
    /** IEEE 802 "local experimental" EtherType 1: nothing on the path interprets it. */
    public static final int ETHERTYPE = 0x88b5;
    /** Shortest Ethernet frame without the FCS. */
    public static final int MIN_FRAME = 60;
    /** Longest untagged Ethernet frame without the FCS (1500-byte payload). */
    public static final int MAX_FRAME = 1514;
    /** Broadcast destination. */
    public static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    private static final HexFormat HEX = HexFormat.of();

    private TxFrames() {}

    /**
     * A frame of exactly {@code length} bytes: {@code dst}, {@code src}, {@link #ETHERTYPE}, then {@code text}
     * in ASCII, then the payload filled with the bytes {@code 0, 1, 2, ...} (mod 256) so every offset is known.
     */
    public static byte[] frame(byte[] dst, byte[] src, String text, int length) {
        if (dst.length != 6 || src.length != 6) {
            throw new IllegalArgumentException("MAC addresses have 6 bytes");
        }
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        if (length < MIN_FRAME || length > MAX_FRAME || 14 + t.length > length) {
            throw new IllegalArgumentException("frame length " + length + " outside " + MIN_FRAME + ".." + MAX_FRAME
                    + " or too short for the text");
        }
        byte[] f = new byte[length];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (ETHERTYPE >>> 8);
        f[13] = (byte) ETHERTYPE;
        System.arraycopy(t, 0, f, 14, t.length);
        for (int i = 14 + t.length; i < length; i++) {
            f[i] = (byte) (i - 14 - t.length);
        }
        return f;
    }

    /** Appends {@code frame} to the manifest in {@code ctlDir} (call it before transmitting). */
    public static void record(Path ctlDir, byte[] frame) throws IOException {
        Files.writeString(ctlDir.resolve(MANIFEST), HEX.formatHex(frame) + "\n", StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /**
     * Parses manifest text: one frame per line in hex, blank lines ignored.
     *
     * @throws IllegalArgumentException naming the line, for bad hex or an impossible frame length
     */
    public static List<byte[]> parse(String text) {
        List<byte[]> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            byte[] f;
            try {
                f = HEX.parseHex(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("frame manifest line " + (i + 1) + ": " + e.getMessage(), e);
            }
            if (f.length < MIN_FRAME || f.length > MAX_FRAME) {
                throw new IllegalArgumentException("frame manifest line " + (i + 1) + ": " + f.length
                        + "-byte frame outside " + MIN_FRAME + ".." + MAX_FRAME);
            }
            out.add(f);
        }
        return out;
    }

    /** Hex of {@code b}. */
    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }
}
