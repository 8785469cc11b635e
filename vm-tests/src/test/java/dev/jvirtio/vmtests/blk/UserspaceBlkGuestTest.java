package dev.jvirtio.vmtests.blk;

import static dev.jvirtio.vmtests.blk.BlkCase.MARGIN;
import static dev.jvirtio.vmtests.blk.BlkCase.assertSectors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.transport.VirtioFeature;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import dev.jvirtio.vmtests.DiskPattern;
import dev.jvirtio.vmtests.Guest;
import dev.jvirtio.vmtests.VfioSession;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guest: {@link UserspaceBlk} with busy-polled completions, on the split-ring disk and on the packed-ring disk
 * ({@code packed=on}). Each case reads its region as the rig wrote it, overwrites it with pipelined
 * VIRTIO_BLK_T_OUT requests, flushes, and reads it back in pieces of odd sizes, checking every byte and the
 * untouched sectors around it, then resets the queue alone (RING_RESET) and reads again. The host then checks
 * the whole image file (vm-tests/run.sh).
 */
@Tag(Guest.TAG)
class UserspaceBlkGuestTest {
    /** Read-back request sizes in sectors: single sectors, odd sizes, exactly one request, several requests. */
    static final int[] PIECES = {1, 3, 16, 64, 5, 2, 33, 200, 7};

    static Stream<BlkCase> cases() {
        return Stream.of(BlkCase.split(false, BlkWritePlan.SPLIT_POLLED),
                BlkCase.packed(true, BlkWritePlan.PACKED_POLLED));
    }

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writesAPatternAndReadsEveryByteBack(BlkCase c) throws IOException {
        UserspaceBlk.Options options = UserspaceBlk.Options.defaults().withEventIdx(c.eventIdx());
        try (VfioSession s = VfioSession.open(Guest.require(c.bdfVar()));
             UserspaceBlk blk = UserspaceBlk.open(s.function(), s.pool(), options)) {
            assertEquals(c.serial(), blk.id(), "GET_ID: the serial tells the rig's two disks apart");
            assertEquals(c.packed(), blk.packedRing(), "ring format; negotiated " + blk.features());
            assertTrue(blk.queue() instanceof PackedVirtqueue == c.packed()
                    && blk.queue() instanceof SplitVirtqueue != c.packed(), blk.queue().getClass().getName());
            assertEquals(c.eventIdx(), blk.features().contains(VirtioFeature.EVENT_IDX), blk.features().toString());
            assertEquals(Guest.viommu(), blk.features().contains(VirtioFeature.ACCESS_PLATFORM),
                    blk.features().toString());
            assertEquals(Guest.diskSectors(), blk.capacity(), "capacity in 512-byte sectors");
            assertFalse(blk.readOnly());

            BlkWritePlan.Region r = c.region();
            long first = r.first() - MARGIN;
            int span = r.count() + 2 * MARGIN;
            assertSectors(DiskPattern.sectors(first, span), blk.read(first, span), first, "before writing");

            BlkWritePlan.record(Guest.ctlDir(), r); // tell the host before the disk changes
            blk.write(r.first(), WritePattern.sectors(r.tag(), r.first(), r.count()));
            blk.flush();
            assertTrue(blk.maxInFlight() > 1, "requests were pipelined: at most " + blk.maxInFlight() + " in flight");

            byte[] back = new byte[span * DiskPattern.SECTOR_SIZE];
            long sector = first;
            for (int i = 0; sector < first + span; i++) {
                int n = (int) Math.min(PIECES[i % PIECES.length], first + span - sector);
                byte[] piece = blk.read(sector, n);
                System.arraycopy(piece, 0, back, (int) (sector - first) * DiskPattern.SECTOR_SIZE, piece.length);
                sector += n;
            }
            assertSectors(c.expectedAfterWrite(), back, first, "after writing");

            // VIRTIO_F_RING_RESET: after resetting the queue alone, device and driver start the ring afresh.
            assertTrue(blk.features().contains(VirtioFeature.RING_RESET), blk.features().toString());
            blk.resetQueue();
            assertSectors(WritePattern.sectors(r.tag(), r.first(), 40), blk.read(r.first(), 40), r.first(),
                    "after a queue reset");
            assertEquals(c.serial(), blk.id());
            System.out.printf("%s: %d requests, at most %d in flight (%d slots)%n", c, blk.requestsCompleted(),
                    blk.maxInFlight(), blk.slots());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theDeviceAnswersBadRequestsWithTypedErrorsAndKeepsWorking(BlkCase c) throws IOException {
        UserspaceBlk.Options options = UserspaceBlk.Options.defaults().withEventIdx(c.eventIdx());
        try (VfioSession s = VfioSession.open(Guest.require(c.bdfVar()));
             UserspaceBlk blk = UserspaceBlk.open(s.function(), s.pool(), options)) {
            long end = blk.capacity();
            BlkException refused = assertThrows(BlkException.class, () -> blk.read(end, 1));
            assertEquals(BlkException.Kind.REFUSED, refused.kind(), refused.getMessage());
            assertEquals(0, blk.requestsCompleted(), "refused locally: nothing reached the device");
        }
        // Without the local check the device itself must refuse: IOERR past the end and across it,
        // UNSUPP for a type it does not know. None of that may break the queue.
        try (VfioSession s = VfioSession.open(Guest.require(c.bdfVar()));
             UserspaceBlk blk = UserspaceBlk.open(s.function(), s.pool(), options.withLocalRangeCheck(false))) {
            long end = blk.capacity();
            for (long[] bad : new long[][] {{end, 1}, {end - 1, 2}, {end + 1000, 16}}) {
                BlkException e = assertThrows(BlkException.class, () -> blk.read(bad[0], (int) bad[1]));
                assertEquals(BlkException.Kind.IOERR, e.kind(), e.getMessage());
                assertEquals(UserspaceBlk.S_IOERR, e.status());
                assertEquals(bad[0], e.sector());
            }
            BlkException unsupp = assertThrows(BlkException.class, () -> blk.requestWithoutData(0x7f));
            assertEquals(BlkException.Kind.UNSUPP, unsupp.kind(), unsupp.getMessage());
            assertArrayEquals(DiskPattern.sector(end - 1), blk.read(end - 1, 1), "the last sector still reads");
            assertEquals(c.serial(), blk.id());
        }
    }
}
