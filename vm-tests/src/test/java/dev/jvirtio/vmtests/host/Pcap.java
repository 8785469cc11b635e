package dev.jvirtio.vmtests.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic libpcap capture file, as QEMU's {@code filter-dump} writes it: a 24-byte global header
 * (magic, version 2.4, zone, sigfigs, snaplen, link type) and records of a 16-byte header
 * (seconds, micro- or nanoseconds, captured length, original length) followed by the captured bytes.
 * Both byte orders and both timestamp resolutions are accepted; anything else is a {@link FormatException}.
 *
 * @param linkType link-layer type (1 = Ethernet)
 * @param snapLen  the capture's snapshot length
 * @param nanos    whether timestamps have nanosecond resolution (magic 0xa1b23c4d)
 * @param records  the packets in file order
 */
public record Pcap(int linkType, int snapLen, boolean nanos, List<Record> records) {
    /** LINKTYPE_ETHERNET. */
    public static final int LINKTYPE_ETHERNET = 1;
    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    /** Larger than any snaplen a real writer uses (libpcap's maximum is 262144). */
    private static final int MAX_RECORD = 1 << 20;

    /**
     * One captured packet.
     *
     * @param seconds        timestamp, seconds
     * @param fraction       timestamp, micro- or nanoseconds (see {@link Pcap#nanos()})
     * @param originalLength length on the wire
     * @param data           the captured bytes (at most {@code originalLength})
     */
    public record Record(long seconds, long fraction, int originalLength, byte[] data) {
        /** Whether the whole packet was captured. */
        public boolean complete() {
            return data.length == originalLength;
        }
    }

    /** The bytes are no pcap file, or a truncated or inconsistent one. */
    public static final class FormatException extends IOException {
        private static final long serialVersionUID = 1L;

        /** With the reason. */
        public FormatException(String message) {
            super(message);
        }
    }

    /** Records stay as parsed. */
    public Pcap {
        records = List.copyOf(records);
    }

    /** Parses a whole capture file. */
    public static Pcap parse(byte[] file) throws FormatException {
        if (file.length < GLOBAL_HEADER) {
            throw new FormatException("too short for a pcap header: " + file.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        boolean nanos;
        if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            nanos = magic == MAGIC_NANOS;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            b.order(ByteOrder.BIG_ENDIAN);
            nanos = Integer.reverseBytes(magic) == MAGIC_NANOS;
        } else {
            throw new FormatException(String.format("not a pcap file (magic 0x%08x)", magic));
        }
        int major = Short.toUnsignedInt(b.getShort(4));
        int minor = Short.toUnsignedInt(b.getShort(6));
        if (major != 2) {
            throw new FormatException("unsupported pcap version " + major + "." + minor);
        }
        int snapLen = b.getInt(16);
        int linkType = b.getInt(20) & 0x0fff_ffff; // the top bits may carry FCS information
        List<Record> records = new ArrayList<>();
        int pos = GLOBAL_HEADER;
        while (pos < file.length) {
            if (file.length - pos < RECORD_HEADER) {
                throw new FormatException("record " + records.size() + " at offset " + pos + ": truncated header ("
                        + (file.length - pos) + " of " + RECORD_HEADER + " bytes)");
            }
            long sec = Integer.toUnsignedLong(b.getInt(pos));
            long frac = Integer.toUnsignedLong(b.getInt(pos + 4));
            long incl = Integer.toUnsignedLong(b.getInt(pos + 8));
            long orig = Integer.toUnsignedLong(b.getInt(pos + 12));
            if (incl > MAX_RECORD || orig > Integer.MAX_VALUE) {
                throw new FormatException("record " + records.size() + " at offset " + pos + ": implausible length "
                        + incl + "/" + orig);
            }
            if (incl > orig) {
                throw new FormatException("record " + records.size() + " at offset " + pos + ": captured " + incl
                        + " bytes of a " + orig + "-byte packet");
            }
            if (incl > file.length - pos - RECORD_HEADER) {
                throw new FormatException("record " + records.size() + " at offset " + pos + ": truncated data ("
                        + (file.length - pos - RECORD_HEADER) + " of " + incl + " bytes)");
            }
            byte[] data = new byte[(int) incl];
            System.arraycopy(file, pos + RECORD_HEADER, data, 0, data.length);
            records.add(new Record(sec, frac, (int) orig, data));
            pos += RECORD_HEADER + (int) incl;
        }
        return new Pcap(linkType, snapLen, nanos, records);
    }
}
