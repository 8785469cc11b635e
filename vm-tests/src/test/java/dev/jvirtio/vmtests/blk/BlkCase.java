package dev.jvirtio.vmtests.blk;

import dev.jvirtio.vmtests.DiskPattern;
import dev.jvirtio.vmtests.Guest;
import java.util.Arrays;

/**
 * One virtio-blk configuration the guest tests run: which of the rig's two disks, the ring format it must
 * end up with, whether VIRTIO_F_EVENT_IDX is offered, and the region it overwrites.
 *
 * @param name     shown in the test report
 * @param bdfVar   rig variable holding the function's BDF
 * @param serial   QEMU serial the device must answer to GET_ID
 * @param packed   whether the packed ring must be negotiated (only the {@code packed=on} disk offers it)
 * @param eventIdx whether the driver offers EVENT_IDX
 * @param region   the sectors this case overwrites
 */
record BlkCase(String name, String bdfVar, String serial, boolean packed, boolean eventIdx,
               BlkWritePlan.Region region) {
    /** Sectors read on either side of a region to show that nothing spilled over. */
    static final int MARGIN = 8;

    @Override
    public String toString() {
        return name;
    }

    static BlkCase split(boolean eventIdx, BlkWritePlan.Region region) {
        return new BlkCase("split ring" + (eventIdx ? ", EVENT_IDX" : ""), Guest.BLK_BDF_VAR, Guest.BLK_SERIAL,
                false, eventIdx, region);
    }

    static BlkCase packed(boolean eventIdx, BlkWritePlan.Region region) {
        return new BlkCase("packed ring" + (eventIdx ? ", EVENT_IDX" : ""), Guest.BLK_PACKED_BDF_VAR,
                Guest.BLK_PACKED_SERIAL, true, eventIdx, region);
    }

    /** What sectors {@code region.first - MARGIN .. region.end + MARGIN - 1} hold once the region is written. */
    byte[] expectedAfterWrite() {
        BlkWritePlan.Region r = region;
        byte[] out = new byte[(r.count() + 2 * MARGIN) * DiskPattern.SECTOR_SIZE];
        System.arraycopy(DiskPattern.sectors(r.first() - MARGIN, MARGIN), 0, out, 0, MARGIN * DiskPattern.SECTOR_SIZE);
        System.arraycopy(WritePattern.sectors(r.tag(), r.first(), r.count()), 0, out,
                MARGIN * DiskPattern.SECTOR_SIZE, r.count() * DiskPattern.SECTOR_SIZE);
        System.arraycopy(DiskPattern.sectors(r.end(), MARGIN), 0, out, (MARGIN + r.count()) * DiskPattern.SECTOR_SIZE,
                MARGIN * DiskPattern.SECTOR_SIZE);
        return out;
    }

    /**
     * Fails with the first differing sector and line (not a 300 KiB array dump) unless {@code got} equals
     * {@code want}; both start at sector {@code first}.
     */
    static void assertSectors(byte[] want, byte[] got, long first, String when) {
        if (want.length != got.length) {
            throw new AssertionError(when + ": " + got.length + " bytes, expected " + want.length);
        }
        int at = Arrays.mismatch(want, got);
        if (at >= 0) {
            int line = at / DiskPattern.LINE_SIZE * DiskPattern.LINE_SIZE;
            throw new AssertionError(when + ": sector " + (first + at / DiskPattern.SECTOR_SIZE) + " differs at byte "
                    + at % DiskPattern.SECTOR_SIZE + ": expected '" + text(want, line) + "', found '"
                    + text(got, line) + "'");
        }
    }

    private static String text(byte[] b, int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < Math.min(b.length, from + DiskPattern.LINE_SIZE - 1); i++) {
            int c = b[i] & 0xff;
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return sb.toString();
    }
}
