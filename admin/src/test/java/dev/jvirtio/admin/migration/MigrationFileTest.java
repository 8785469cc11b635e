package dev.jvirtio.admin.migration;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.parts.DevFeaturesPart;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.DeviceTypePart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.parts.PciCommonCfgField;
import dev.jvirtio.admin.parts.PciCommonCfgPart;
import dev.jvirtio.admin.parts.UnknownPart;
import dev.jvirtio.admin.parts.VqCfgPart;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream format, byte for byte, and every way a stream can be wrong. The random corruption test prints its
 * seed; replay with {@code -Djvirtio.test.seed=<seed>}.
 */
class MigrationFileTest {

    private static long seed;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pickSeed() {
        Long fixed = Long.getLong("jvirtio.test.seed");
        seed = fixed != null ? fixed : new SplittableRandom().nextLong();
        System.out.println("MigrationFileTest seed=" + seed + " (replay with -Djvirtio.test.seed=" + seed + ")");
    }

    static DevicePartsSnapshot sample(int extraBytes) {
        List<DevicePart> parts = new ArrayList<>(List.of(
                DevFeaturesPart.of(FeatureBits.of(0x3_0000_0028L, 0)),
                DrvFeaturesPart.of(FeatureBits.of(0x1_0000_0020L, 0)),
                PciCommonCfgPart.of(PciCommonCfgField.at(18), 3),
                DeviceStatusPart.of(0x0f),
                new VqCfgPart(0, 256, 1, 1, 0x1000, 0x2000, 0x3000, false),
                new UnknownPart(PartType.of(0x1a0), 1, 0x55, Bytes.ofHex("0102")),
                DeviceTypePart.netCvq(4, 1, Bytes.ofHex("02aabbccddee"))));
        if (extraBytes > 0) {
            byte[] big = new byte[extraBytes];
            new SplittableRandom(7).nextBytes(big);
            parts.add(new DeviceTypePart(PartType.of(0x300), 0, 0, Bytes.of(big)));
        }
        return new DevicePartsSnapshot(VfNumber.of(3), 1, parts);
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void fixCrc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b, 0, b.length - 4);
        le(b).putInt(b.length - 4, (int) c.getValue());
    }

    static MigrationFileException.Problem problemOf(byte[] b) {
        return assertThrows(MigrationFileException.class, () -> MigrationFile.fromBytes(b)).problem();
    }

    @Test
    void theLayoutIsTheDocumentedOne() {
        DevicePartsSnapshot s = sample(0);
        byte[] b = MigrationFile.toBytes(s);
        long partsLen = s.encodedLength();
        assertEquals(32 + partsLen + 4, b.length);
        assertArrayEquals("JVDPARTS".getBytes(), Arrays.copyOf(b, 8));
        ByteBuffer h = le(b);
        assertEquals(1, h.getShort(8));
        assertEquals(32, h.getShort(10));
        assertEquals(3, h.getInt(12));
        assertEquals(1, h.getInt(16));
        assertEquals(7, h.getInt(20));
        assertEquals(partsLen, h.getLong(24));
        // The parts start with DEV_FEATURES: type 0x100, OPTIONAL flag, no selector, 16 value bytes.
        assertEquals(0x100, h.getShort(32));
        assertEquals(1, b[34]);
        assertEquals(16, h.getInt(32 + 12));
        assertEquals(0x3_0000_0028L, h.getLong(48));
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        assertEquals(crc.getValue(), h.getInt(b.length - 4) & 0xffff_ffffL);
    }

    @Test
    void aStreamReadsBackToTheSameSnapshotAndBytes() throws Exception {
        DevicePartsSnapshot s = sample(0);
        byte[] b = MigrationFile.toBytes(s);
        DevicePartsSnapshot back = MigrationFile.fromBytes(b);
        assertEquals(s, back);
        assertArrayEquals(b, MigrationFile.toBytes(back));
    }

    @Test
    void aLargeStreamIsWrittenAndReadInChunksWithProgress() throws Exception {
        DevicePartsSnapshot s = sample(300_000);
        Path f = tmp.resolve("big.parts");
        List<long[]> writes = new ArrayList<>();
        long n = MigrationFile.write(s, f, (p, done, total) -> writes.add(new long[] {done, total}));
        assertEquals(Files.size(f), n);
        assertFalse(Files.exists(tmp.resolve("big.parts.tmp")), "the temporary file was moved into place");
        assertTrue(writes.size() >= 6, "chunked: " + writes.size());
        assertEquals(0, writes.get(0)[0]);
        assertEquals(n, writes.get(writes.size() - 1)[0]);
        for (int i = 1; i < writes.size(); i++) {
            assertTrue(writes.get(i)[0] > writes.get(i - 1)[0], "progress only moves forward");
            assertEquals(n, writes.get(i)[1]);
        }
        List<long[]> reads = new ArrayList<>();
        assertEquals(s, MigrationFile.read(f, (p, done, total) -> reads.add(new long[] {done, total})));
        assertEquals(n, reads.get(reads.size() - 1)[0]);
        assertTrue(reads.size() >= 6);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MigrationFile.write(s, Channels.newChannel(out), MigrationProgress.NONE);
        assertArrayEquals(Files.readAllBytes(f), out.toByteArray());
    }

    @Test
    void aStreamIsReadFromAChannelThatCarriesMoreAfterIt() throws Exception {
        byte[] one = MigrationFile.toBytes(sample(0));
        byte[] two = Arrays.copyOf(one, one.length + 5);
        var ch = Channels.newChannel(new java.io.ByteArrayInputStream(two));
        assertEquals(sample(0), MigrationFile.read(ch, MigrationProgress.NONE));
        assertEquals(MigrationFileException.Problem.BAD_LENGTH, problemOf(two), "a whole file must end at the CRC");
    }

    @Test
    void badMagicAndOtherVersionsAreRecognised() {
        byte[] b = MigrationFile.toBytes(sample(0));
        byte[] m = b.clone();
        m[0] = 'X';
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationFile.fromBytes(m));
        assertEquals(MigrationFileException.Problem.BAD_MAGIC, e.problem());
        assertTrue(e.getMessage().contains("XVDPARTS"), e.getMessage());
        assertEquals(MigrationFileException.Problem.BAD_MAGIC, problemOf("hello".getBytes()));
        byte[] v = b.clone();
        le(v).putShort(8, (short) 2);
        e = assertThrows(MigrationFileException.class, () -> MigrationFile.fromBytes(v));
        assertEquals(MigrationFileException.Problem.UNSUPPORTED_VERSION, e.problem());
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void everyTruncationIsReportedAsTruncated() {
        byte[] b = MigrationFile.toBytes(sample(0));
        for (int cut = 0; cut < b.length; cut++) {
            assertEquals(MigrationFileException.Problem.TRUNCATED, problemOf(Arrays.copyOf(b, cut)), "cut at " + cut);
        }
    }

    @Test
    void impossibleLengthsAreRejectedBeforeAnythingIsAllocated() {
        byte[] b = MigrationFile.toBytes(sample(0));
        for (long bad : new long[] {-1, MigrationFile.MAX_PARTS_LENGTH + 1, Long.MAX_VALUE}) {
            byte[] c = b.clone();
            le(c).putLong(24, bad);
            assertEquals(MigrationFileException.Problem.BAD_LENGTH, problemOf(c), "length " + bad);
        }
        // Plausible but larger than the stream: it ends early (the buffer only grew with what arrived).
        byte[] c = b.clone();
        le(c).putLong(24, MigrationFile.MAX_PARTS_LENGTH);
        assertEquals(MigrationFileException.Problem.TRUNCATED, problemOf(c));
        byte[] hs = b.clone();
        le(hs).putShort(10, (short) 40);
        assertEquals(MigrationFileException.Problem.BAD_LENGTH, problemOf(hs));
    }

    @Test
    void alteredBytesFailTheCrc() {
        byte[] b = MigrationFile.toBytes(sample(0));
        byte[] c = b.clone();
        c[40] ^= 1;
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationFile.fromBytes(c));
        assertEquals(MigrationFileException.Problem.CRC_MISMATCH, e.problem());
        byte[] d = b.clone();
        d[d.length - 1] ^= (byte) 0x80;
        assertEquals(MigrationFileException.Problem.CRC_MISMATCH, problemOf(d));
    }

    @Test
    void consistentButWrongContentsAreTypedToo() {
        byte[] b = MigrationFile.toBytes(sample(0));
        byte[] count = b.clone();
        le(count).putInt(20, 8);
        fixCrc(count);
        MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationFile.fromBytes(count));
        assertEquals(MigrationFileException.Problem.BAD_PARTS, e.problem());
        assertTrue(e.getMessage().contains("8 parts") && e.getMessage().contains("holds 7"), e.getMessage());

        byte[] vf = b.clone();
        le(vf).putInt(12, 0);
        fixCrc(vf);
        assertEquals(MigrationFileException.Problem.BAD_HEADER, problemOf(vf));

        byte[] order = b.clone();
        le(order).putShort(32, (short) 0x103);   // the first part claims DEVICE_STATUS with 16 bytes
        fixCrc(order);
        assertEquals(MigrationFileException.Problem.BAD_PARTS, problemOf(order));
    }

    @Test
    void anySingleByteCorruptionIsATypedError() {
        byte[] b = MigrationFile.toBytes(sample(0));
        SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < 2000; round++) {
            byte[] c = b.clone();
            int at = r.nextInt(c.length);
            c[at] ^= (byte) (1 + r.nextInt(255));
            int pos = at;
            MigrationFileException e = assertThrows(MigrationFileException.class, () -> MigrationFile.fromBytes(c),
                    "seed=" + seed + " round=" + round + " byte " + pos);
            assertNotNull(e.problem());
        }
    }
}
