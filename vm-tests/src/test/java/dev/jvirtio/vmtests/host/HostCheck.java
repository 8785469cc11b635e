package dev.jvirtio.vmtests.host;

import dev.jvirtio.vmtests.DiskPattern;
import dev.jvirtio.vmtests.blk.BlkWritePlan;
import dev.jvirtio.vmtests.blk.BlkWritePlan.Region;
import dev.jvirtio.vmtests.blk.WritePattern;
import dev.jvirtio.vmtests.net.TxFrames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The host-side checks vm-tests/run.sh runs after the guest is gone (plain {@code java -cp target/test-classes},
 * no jvirtio modules, no native access):
 *
 * <pre>
 * HostCheck disk IMAGE DISK SECTORS MANIFEST [--require-plan]   # the image holds exactly what the guest wrote
 * HostCheck pcap PCAP FRAMES [--require-frames]                 # every frame the guest sent is in the capture
 * </pre>
 *
 * A manifest that does not exist counts as empty. Exit status 0 when the check passes, 1 when it fails
 * (each problem on stderr), 2 for bad usage or unreadable input.
 */
public final class HostCheck {
    /** At most this many differing sectors are described one by one. */
    static final int MAX_REPORTED = 8;

    private HostCheck() {}

    /**
     * Compares a disk image with what it must hold: the {@link DiskPattern} everywhere, except the regions of
     * {@code disk} in {@code written}, which hold {@link WritePattern} under their tag.
     *
     * @param requirePlan also require every region of {@code disk} in {@link BlkWritePlan#ALL} to be in
     *                    {@code written} (a full suite run)
     * @return the problems found; empty when the image is right
     */
    public static List<String> checkDisk(byte[] image, String disk, long sectors, List<Region> written,
                                         boolean requirePlan) {
        List<String> problems = new ArrayList<>();
        List<Region> mine = written.stream().filter(r -> r.disk().equals(disk)).toList();
        if (requirePlan) {
            for (Region r : BlkWritePlan.ALL) {
                if (r.disk().equals(disk) && !mine.contains(r)) {
                    problems.add("the guest never recorded the planned write " + r.toLine()
                            + " (did its test run?)");
                }
            }
        }
        for (Region r : mine) {
            if (r.end() > sectors) {
                problems.add("recorded region " + r.toLine() + " ends beyond the " + sectors + "-sector disk");
            }
        }
        long expectedBytes = sectors * DiskPattern.SECTOR_SIZE;
        if (image.length != expectedBytes) {
            problems.add("image is " + image.length + " bytes, expected " + expectedBytes);
        }
        long limit = Math.min(sectors, image.length / DiskPattern.SECTOR_SIZE);
        long differing = 0;
        long writtenOk = 0;
        for (long k = 0; k < limit; k++) {
            Region r = regionOf(mine, k);
            byte[] want = r == null ? DiskPattern.sector(k) : WritePattern.sector(r.tag(), k);
            int off = (int) (k * DiskPattern.SECTOR_SIZE);
            int mismatch = Arrays.mismatch(image, off, off + DiskPattern.SECTOR_SIZE, want, 0, want.length);
            if (mismatch < 0) {
                if (r != null) {
                    writtenOk++;
                }
                continue;
            }
            if (++differing <= MAX_REPORTED) {
                problems.add("sector " + k + (r == null ? " (must be unchanged)" : " (written as " + r.tag() + ")")
                        + " differs at byte " + mismatch + ": expected '" + lineAt(want, 0, mismatch) + "', found '"
                        + lineAt(image, off, mismatch) + "'");
            }
        }
        if (differing > MAX_REPORTED) {
            problems.add("... " + (differing - MAX_REPORTED) + " more differing sector(s), " + differing + " in all");
        }
        if (problems.isEmpty()) {
            System.err.println("  " + disk + ": " + limit + " sectors as expected (" + writtenOk
                    + " rewritten by the guest in " + mine.size() + " region(s), the rest untouched)");
        }
        return problems;
    }

    private static Region regionOf(List<Region> regions, long sector) {
        for (Region r : regions) {
            if (r.contains(sector)) {
                return r;
            }
        }
        return null;
    }

    /** The 64-byte line of a sector that contains byte {@code at}, printable. */
    private static String lineAt(byte[] b, int sectorOffset, int at) {
        int start = sectorOffset + at / DiskPattern.LINE_SIZE * DiskPattern.LINE_SIZE;
        StringBuilder sb = new StringBuilder();
        for (int i = start; i < Math.min(b.length, start + DiskPattern.LINE_SIZE - 1); i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }

    /**
     * Looks for every frame of {@code sent} in the capture, as a complete record with exactly those bytes.
     *
     * @param requireFrames fail when {@code sent} is empty (a full suite run must have transmitted something)
     * @return the problems found; empty when every frame is there
     */
    public static List<String> checkFrames(Pcap pcap, List<byte[]> sent, boolean requireFrames) {
        List<String> problems = new ArrayList<>();
        if (pcap.linkType() != Pcap.LINKTYPE_ETHERNET) {
            problems.add("capture link type is " + pcap.linkType() + ", expected 1 (Ethernet)");
        }
        if (requireFrames && sent.isEmpty()) {
            problems.add("the guest recorded no transmitted frame (did the virtio-net test run?)");
        }
        for (int i = 0; i < sent.size(); i++) {
            byte[] f = sent.get(i);
            boolean found = pcap.records().stream().anyMatch(r -> r.complete() && Arrays.equals(r.data(), f));
            if (!found) {
                problems.add("frame " + i + " (" + f.length + " bytes, " + TxFrames.hex(Arrays.copyOf(f, 24))
                        + "...) is not in the capture of " + pcap.records().size() + " packet(s)");
            }
        }
        if (problems.isEmpty()) {
            System.err.println("  pcap: all " + sent.size() + " transmitted frame(s) found among "
                    + pcap.records().size() + " captured packet(s)");
        }
        return problems;
    }

    private static String readOptional(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.US_ASCII) : "";
    }

    /** Entry point; see the class documentation. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        try {
            List<String> problems;
            if (args.length >= 5 && args.length <= 6 && args[0].equals("disk")
                    && (args.length == 5 || args[5].equals("--require-plan"))) {
                byte[] image = Files.readAllBytes(Path.of(args[1]));
                List<Region> written = BlkWritePlan.parse(readOptional(Path.of(args[4])));
                problems = checkDisk(image, args[2], Long.parseLong(args[3]), written, args.length == 6);
            } else if (args.length >= 3 && args.length <= 4 && args[0].equals("pcap")
                    && (args.length == 3 || args[3].equals("--require-frames"))) {
                Pcap pcap = Pcap.parse(Files.readAllBytes(Path.of(args[1])));
                problems = checkFrames(pcap, TxFrames.parse(readOptional(Path.of(args[2]))), args.length == 4);
            } else {
                System.err.println("usage: HostCheck disk IMAGE DISK SECTORS MANIFEST [--require-plan]\n"
                        + "       HostCheck pcap PCAP FRAMES [--require-frames]");
                return 2;
            }
            for (String p : problems) {
                System.err.println("  " + p);
            }
            return problems.isEmpty() ? 0 : 1;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("  " + args[0] + " check: " + e);
            return 2;
        }
    }
}
