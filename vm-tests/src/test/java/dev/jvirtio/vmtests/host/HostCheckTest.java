package dev.jvirtio.vmtests.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.vmtests.DiskPattern;
import dev.jvirtio.vmtests.blk.BlkWritePlan;
import dev.jvirtio.vmtests.blk.BlkWritePlan.Region;
import dev.jvirtio.vmtests.blk.WritePattern;
import dev.jvirtio.vmtests.net.TxFrames;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host-side: the checks run.sh runs after the guest, on images and captures built here. */
class HostCheckTest {
    static final int SECTORS = 64;
    static final Region R = new Region("blk", "t", 10, 5);
    static final byte[] SRC = {0x52, 0x54, 0, 0x56, 0x52, 1};

    static byte[] image(int sectors) {
        return DiskPattern.sectors(0, sectors);
    }

    static void write(byte[] image, Region r) {
        System.arraycopy(WritePattern.sectors(r.tag(), r.first(), r.count()), 0, image,
                (int) r.first() * DiskPattern.SECTOR_SIZE, r.count() * DiskPattern.SECTOR_SIZE);
    }

    @Test
    void untouchedImagePasses() {
        assertEquals(List.of(), HostCheck.checkDisk(image(SECTORS), "blk", SECTORS, List.of(), false));
    }

    @Test
    void recordedAndWrittenRegionPasses() {
        byte[] img = image(SECTORS);
        write(img, R);
        assertEquals(List.of(), HostCheck.checkDisk(img, "blk", SECTORS, List.of(R), false));
        // The manifest line of another disk does not apply to this image.
        List<String> p = HostCheck.checkDisk(img, "blk-packed", SECTORS, List.of(R), false);
        assertEquals(5, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("sector 10 (must be unchanged) differs at byte 0"), p.get(0));
    }

    @Test
    void unrecordedWriteMissingWriteAndSingleByteFlipsFail() {
        byte[] img = image(SECTORS);
        write(img, R);
        assertEquals(5, HostCheck.checkDisk(img, "blk", SECTORS, List.of(), false).size(), "written but not recorded");
        assertEquals(5, HostCheck.checkDisk(image(SECTORS), "blk", SECTORS, List.of(R), false).size(),
                "recorded but not written");
        byte[] flipped = img.clone();
        flipped[40 * DiskPattern.SECTOR_SIZE + 100] ^= 1;
        List<String> p = HostCheck.checkDisk(flipped, "blk", SECTORS, List.of(R), false);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("sector 40 (must be unchanged) differs at byte 100: expected 'VMRIG-DISK-SECTOR-0000000040-LINE-1-"),
                p.get(0));
        byte[] wrongTag = image(SECTORS);
        write(wrongTag, new Region("blk", "other", 10, 5));
        p = HostCheck.checkDisk(wrongTag, "blk", SECTORS, List.of(R), false);
        assertEquals(5, p.size());
        assertTrue(p.get(0).contains("(written as t)"), p.get(0));
    }

    @Test
    void manyDifferencesAreSummarised() {
        byte[] img = new byte[SECTORS * DiskPattern.SECTOR_SIZE];
        List<String> p = HostCheck.checkDisk(img, "blk", SECTORS, List.of(), false);
        assertEquals(HostCheck.MAX_REPORTED + 1, p.size());
        assertEquals("... " + (SECTORS - HostCheck.MAX_REPORTED) + " more differing sector(s), " + SECTORS + " in all",
                p.get(p.size() - 1));
    }

    @Test
    void sizeAndRangeProblems() {
        List<String> p = HostCheck.checkDisk(image(SECTORS - 1), "blk", SECTORS, List.of(), false);
        assertEquals(List.of("image is " + (SECTORS - 1) * 512 + " bytes, expected " + SECTORS * 512), p);
        p = HostCheck.checkDisk(image(SECTORS), "blk", SECTORS, List.of(new Region("blk", "t", 60, 10)), false);
        assertTrue(p.get(0).contains("ends beyond the 64-sector disk"), p.toString());
    }

    @Test
    void aFullRunRequiresEveryPlannedRegion() {
        int sectors = 6000;
        byte[] img = image(sectors);
        List<Region> mine = BlkWritePlan.ALL.stream().filter(r -> r.disk().equals("blk")).toList();
        assertEquals(2, mine.size());
        write(img, mine.get(0));
        List<String> p = HostCheck.checkDisk(img, "blk", sectors, List.of(mine.get(0)), true);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("never recorded the planned write " + mine.get(1).toLine()), p.get(0));
        write(img, mine.get(1));
        assertEquals(List.of(), HostCheck.checkDisk(img, "blk", sectors, mine, true));
    }

    static Pcap capture(int linkType, byte[]... packets) throws IOException {
        PcapTest.Builder b = new PcapTest.Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 65536, linkType);
        for (byte[] p : packets) {
            b.packet(p);
        }
        return Pcap.parse(b.bytes());
    }

    @Test
    void framesMustAllBeCapturedWhole() throws IOException {
        byte[] a = TxFrames.frame(TxFrames.BROADCAST, SRC, "A", 60);
        byte[] b = TxFrames.frame(TxFrames.BROADCAST, SRC, "B", 600);
        byte[] other = TxFrames.frame(TxFrames.BROADCAST, SRC, "C", 60);
        assertEquals(List.of(), HostCheck.checkFrames(capture(1, other, a, b), List.of(a, b), true));
        List<String> p = HostCheck.checkFrames(capture(1, a, other), List.of(a, b), false);
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("frame 1 (600 bytes, "), p.get(0));
        Pcap cut = Pcap.parse(new PcapTest.Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 65536, 1)
                .record(0, 0, 60, 61, a).bytes());
        assertEquals(1, HostCheck.checkFrames(cut, List.of(a), false).size(), "a shorter packet on the wire differs");
        assertEquals(1, HostCheck.checkFrames(capture(1), new ArrayList<>(), true).size(), "nothing sent in a full run");
        assertEquals(List.of(), HostCheck.checkFrames(capture(1), List.of(), false));
        assertEquals(1, HostCheck.checkFrames(capture(113, a), List.of(a), false).size(), "not Ethernet");
    }

    @Test
    void commandLine(@TempDir Path dir) throws IOException {
        Path img = dir.resolve("disk.img");
        byte[] bytes = image(SECTORS);
        write(bytes, R);
        Files.write(img, bytes);
        Path manifest = dir.resolve(BlkWritePlan.MANIFEST);
        String none = dir.resolve("absent.txt").toString();
        assertEquals(1, HostCheck.run(new String[] {"disk", img.toString(), "blk", "64", none}), "not recorded");
        Files.writeString(manifest, R.toLine() + "\n");
        assertEquals(0, HostCheck.run(new String[] {"disk", img.toString(), "blk", "64", manifest.toString()}));
        assertEquals(1, HostCheck.run(new String[] {"disk", img.toString(), "blk", "64", manifest.toString(),
                "--require-plan"}), "the plan's regions are missing");
        Files.writeString(manifest, "garbage\n");
        assertEquals(2, HostCheck.run(new String[] {"disk", img.toString(), "blk", "64", manifest.toString()}));
        assertEquals(2, HostCheck.run(new String[] {"disk", dir.resolve("nope.img").toString(), "blk", "64", none}));
        assertEquals(2, HostCheck.run(new String[] {"disk", img.toString()}));
        assertEquals(2, HostCheck.run(new String[] {"frobnicate"}));

        byte[] a = TxFrames.frame(TxFrames.BROADCAST, SRC, "A", 60);
        Path pcap = dir.resolve("net.pcap");
        Files.write(pcap, new PcapTest.Builder(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4, 65536, 1).packet(a).bytes());
        Path frames = dir.resolve(TxFrames.MANIFEST);
        assertEquals(0, HostCheck.run(new String[] {"pcap", pcap.toString(), none}));
        assertEquals(1, HostCheck.run(new String[] {"pcap", pcap.toString(), none, "--require-frames"}));
        TxFrames.record(dir, a);
        assertEquals(0, HostCheck.run(new String[] {"pcap", pcap.toString(), frames.toString(), "--require-frames"}));
        TxFrames.record(dir, TxFrames.frame(TxFrames.BROADCAST, SRC, "B", 60));
        assertEquals(1, HostCheck.run(new String[] {"pcap", pcap.toString(), frames.toString()}));
        Files.write(pcap, new byte[] {1, 2, 3});
        assertEquals(2, HostCheck.run(new String[] {"pcap", pcap.toString(), frames.toString()}));
    }
}
