package dev.jvirtio.admin.migration;

import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartsFormatException;
import dev.jvirtio.admin.parts.DevicePartsReader;
import dev.jvirtio.admin.parts.DevicePartsWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * jvirtio's device-parts stream format (version 1): a small self-describing header, the parts exactly as the
 * spec puts them on the wire, and a CRC32. All integers are little-endian.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "JVDPARTS"
 *      8     2  version (1)
 *     10     2  header size (32)
 *     12     4  VF number the parts were read from (1..65535)
 *     16     4  Virtio Device ID of the source (0 = not known)
 *     20     4  number of parts
 *     24     8  byte length L of the parts
 *     32     L  the parts: struct virtio_dev_part back to back (16-byte header + value), no padding
 *   32+L     4  CRC32 (zlib polynomial) of bytes [0, 32+L)
 * </pre>
 *
 * <p>Reading checks, in this order: magic, version, header size and length bounds (before anything is
 * allocated for the length; the buffer grows with the bytes that actually arrive, so a lying length cannot
 * make it allocate), completeness, CRC, the remaining header fields, then the parts themselves (spec order, exact
 * lengths) and their count. Each failure is a {@link MigrationFileException} naming its
 * {@link MigrationFileException.Problem}.
 *
 * <pre>{@code
 * MigrationFile.write(snapshot, Path.of("vf1.parts"), MigrationProgress.NONE);
 * DevicePartsSnapshot back = MigrationFile.read(Path.of("vf1.parts"), MigrationProgress.NONE);
 * }</pre>
 */
public final class MigrationFile {
    /** The magic bytes at offset 0. */
    public static final byte[] MAGIC = "JVDPARTS".getBytes(StandardCharsets.US_ASCII);
    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    /** Header size of version 1. */
    public static final int HEADER_SIZE = 32;
    /** Size of the trailing CRC32. */
    public static final int CRC_SIZE = 4;
    /**
     * Largest parts length accepted: what one DEV_PARTS_SET command can carry (its data, like every admin
     * buffer here, is addressed with an {@code int}), with room for the object header and padding.
     */
    public static final long MAX_PARTS_LENGTH = Integer.MAX_VALUE - 4096;

    /** Transfer granule: progress is reported after each chunk. */
    static final int CHUNK = 64 * 1024;

    private static final int OFF_VERSION = 8;
    private static final int OFF_HEADER_SIZE = 10;
    private static final int OFF_VF = 12;
    private static final int OFF_TYPE = 16;
    private static final int OFF_COUNT = 20;
    private static final int OFF_LENGTH = 24;

    private MigrationFile() {
    }

    /** Total stream size of {@code snapshot}. */
    public static long streamLength(DevicePartsSnapshot snapshot) {
        return HEADER_SIZE + snapshot.encodedLength() + CRC_SIZE;
    }

    /**
     * The whole stream as bytes.
     *
     * @throws IllegalArgumentException if the parts are longer than {@link #MAX_PARTS_LENGTH}
     */
    public static byte[] toBytes(DevicePartsSnapshot snapshot) {
        long len = snapshot.encodedLength();
        if (len > MAX_PARTS_LENGTH) {
            throw new IllegalArgumentException("device parts of " + len + " bytes exceed the format's limit of "
                    + MAX_PARTS_LENGTH);
        }
        byte[] b = new byte[(int) (HEADER_SIZE + len + CRC_SIZE)];
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC);
        h.putShort(OFF_VERSION, (short) VERSION);
        h.putShort(OFF_HEADER_SIZE, (short) HEADER_SIZE);
        h.putInt(OFF_VF, snapshot.vf().value());
        h.putInt(OFF_TYPE, snapshot.deviceType());
        h.putInt(OFF_COUNT, snapshot.parts().size());
        h.putLong(OFF_LENGTH, len);
        DevicePartsWriter.writeAll(snapshot.parts(), MemorySegment.ofArray(b).asSlice(HEADER_SIZE, len), 0, false);
        CRC32 crc = new CRC32();
        crc.update(b, 0, (int) (HEADER_SIZE + len));
        h.putInt((int) (HEADER_SIZE + len), (int) crc.getValue());
        return b;
    }

    /**
     * Writes the stream to {@code out} in chunks, reporting {@link MigrationProgress.Phase#STREAM_WRITE}.
     *
     * @return the bytes written
     */
    public static long write(DevicePartsSnapshot snapshot, WritableByteChannel out, MigrationProgress progress)
            throws IOException {
        byte[] b = toBytes(snapshot);
        progress.progress(MigrationProgress.Phase.STREAM_WRITE, 0, b.length);
        int done = 0;
        while (done < b.length) {
            ByteBuffer chunk = ByteBuffer.wrap(b, done, Math.min(CHUNK, b.length - done));
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            done = chunk.position();
            progress.progress(MigrationProgress.Phase.STREAM_WRITE, done, b.length);
        }
        return b.length;
    }

    /**
     * Writes the stream to {@code file}: to a temporary file beside it, forced to disk, then moved into
     * place, so a crash never leaves a half-written file under the final name.
     *
     * @return the bytes written
     */
    public static long write(DevicePartsSnapshot snapshot, Path file, MigrationProgress progress)
            throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        long n;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            n = write(snapshot, ch, progress);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return n;
    }

    /** Reads a stream held in memory; the array must hold exactly one stream. */
    public static DevicePartsSnapshot fromBytes(byte[] stream) throws MigrationFileException {
        try {
            return read(new ArrayChannel(stream), MigrationProgress.NONE, true);
        } catch (MigrationFileException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("an in-memory channel does not fail", e);
        }
    }

    /**
     * Reads one stream from {@code in}, reporting {@link MigrationProgress.Phase#STREAM_READ}. Stops right after
     * the CRC, so a channel may carry more data after it.
     *
     * @throws MigrationFileException if the stream is not a valid version-1 stream
     * @throws IOException            if reading fails
     */
    public static DevicePartsSnapshot read(ReadableByteChannel in, MigrationProgress progress) throws IOException {
        return read(in, progress, false);
    }

    /**
     * Reads {@code file}, which must hold exactly one stream (bytes after the CRC are a
     * {@link MigrationFileException.Problem#BAD_LENGTH} error).
     */
    public static DevicePartsSnapshot read(Path file, MigrationProgress progress) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, progress, true);
        }
    }

    private static DevicePartsSnapshot read(ReadableByteChannel in, MigrationProgress progress, boolean whole)
            throws IOException {
        byte[] head = new byte[HEADER_SIZE];
        int got = fill(in, head, 0, HEADER_SIZE);
        int magicSeen = Math.min(got, MAGIC.length);
        if (!Arrays.equals(head, 0, magicSeen, MAGIC, 0, magicSeen)) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_MAGIC,
                    "not a jvirtio device-parts stream (magic " + printable(head, magicSeen) + ", expected \"JVDPARTS\")");
        }
        if (got < HEADER_SIZE) {
            throw new MigrationFileException(MigrationFileException.Problem.TRUNCATED,
                    "stream ends after " + got + " bytes, inside its " + HEADER_SIZE + "-byte header");
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(h.getShort(OFF_VERSION));
        if (version != VERSION) {
            throw new MigrationFileException(MigrationFileException.Problem.UNSUPPORTED_VERSION,
                    "stream format version " + version + "; this build reads version " + VERSION);
        }
        int headerSize = Short.toUnsignedInt(h.getShort(OFF_HEADER_SIZE));
        long length = h.getLong(OFF_LENGTH);
        if (headerSize != HEADER_SIZE) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_LENGTH,
                    "header size field says " + headerSize + ", version " + VERSION + " headers are " + HEADER_SIZE);
        }
        if (length < 0 || length > MAX_PARTS_LENGTH) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_LENGTH,
                    "parts length field says " + Long.toUnsignedString(length) + " bytes, more than the limit of "
                            + MAX_PARTS_LENGTH);
        }
        long total = HEADER_SIZE + length + CRC_SIZE;
        progress.progress(MigrationProgress.Phase.STREAM_READ, HEADER_SIZE, total);

        // The buffer grows with what arrives, never ahead of it: a corrupt length costs nothing.
        byte[] body = new byte[(int) Math.min(length + CRC_SIZE, CHUNK)];
        long need = length + CRC_SIZE;
        int have = 0;
        while (have < need) {
            if (have == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(need, (long) body.length * 2));
            }
            int want = (int) Math.min(Math.min(CHUNK, need - have), body.length - have);
            int n = fill(in, body, have, want);
            have += n;
            progress.progress(MigrationProgress.Phase.STREAM_READ, HEADER_SIZE + have, total);
            if (n < want) {
                throw new MigrationFileException(MigrationFileException.Problem.TRUNCATED,
                        "stream ends after " + (HEADER_SIZE + have) + " bytes; its header announces " + total);
            }
        }
        if (whole && fill(in, new byte[1], 0, 1) > 0) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_LENGTH,
                    "data continues past the CRC at byte " + total + " (the header announces " + length
                            + " bytes of parts)");
        }
        CRC32 crc = new CRC32();
        crc.update(head, 0, HEADER_SIZE);
        crc.update(body, 0, (int) length);
        long stored = ByteBuffer.wrap(body, (int) length, CRC_SIZE).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffff_ffffL;
        if (stored != crc.getValue()) {
            throw new MigrationFileException(MigrationFileException.Problem.CRC_MISMATCH, String.format(
                    "CRC32 mismatch: stored %08x, computed %08x over %d bytes (the stream was altered)",
                    stored, crc.getValue(), HEADER_SIZE + length));
        }

        long vf = h.getInt(OFF_VF) & 0xffff_ffffL;
        long type = h.getInt(OFF_TYPE) & 0xffff_ffffL;
        long count = h.getInt(OFF_COUNT) & 0xffff_ffffL;
        if (vf < 1 || vf > VfNumber.MAX) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_HEADER,
                    "VF number field " + vf + " is outside 1.." + VfNumber.MAX);
        }
        if (type > 0xffff) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_HEADER,
                    "device type field " + type + " is not a Virtio Device ID");
        }
        List<DevicePart> parts;
        try {
            parts = DevicePartsReader.readAll(MemorySegment.ofArray(body), 0, length, true);
        } catch (DevicePartsFormatException e) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_PARTS,
                    "device parts do not parse: " + e.getMessage(), e);
        }
        if (parts.size() != count) {
            throw new MigrationFileException(MigrationFileException.Problem.BAD_PARTS,
                    "header announces " + count + " parts, the stream holds " + parts.size());
        }
        return new DevicePartsSnapshot(VfNumber.of((int) vf), (int) type, parts);
    }

    /** Reads until {@code len} bytes arrived or the channel ends; returns how many arrived. */
    private static int fill(ReadableByteChannel in, byte[] dst, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, off, len);
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                break;
            }
        }
        return b.position() - off;
    }

    private static String printable(byte[] b, int n) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\x%02x", c));
        }
        return sb.append('"').toString();
    }

    /** A readable channel over an array (no copying, no I/O). */
    private static final class ArrayChannel implements ReadableByteChannel {
        private final byte[] data;
        private int pos;

        ArrayChannel(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(dst.remaining(), data.length - pos);
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
