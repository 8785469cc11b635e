package dev.jvirtio.vmtests.blk;

import static dev.jvirtio.vmtests.blk.BlkCase.MARGIN;
import static dev.jvirtio.vmtests.blk.BlkCase.assertSectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.vfio.EventFdInterrupt;
import dev.jvirtio.pci.vfio.MsixInterrupts;
import dev.jvirtio.transport.CommonCfg;
import dev.jvirtio.vmtests.DiskPattern;
import dev.jvirtio.vmtests.Guest;
import dev.jvirtio.vmtests.VfioSession;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guest: {@link UserspaceBlk} completing requests by MSI-X instead of polling. MSI-X vector 1 is wired to an
 * eventfd through VFIO and set as queue 0's queue_msix_vector (read back); the driver sleeps on the eventfd
 * with a deadline and looks at the used ring only after it fired. The same write/read-back check as the
 * polled test runs on its own region, then a control: with used-buffer notifications suppressed in the ring,
 * the device must not raise the vector at all, and once re-enabled it must again.
 */
@Tag(Guest.TAG)
class UserspaceBlkMsixGuestTest {
    static final int QUEUE_VECTOR = 1;

    static Stream<BlkCase> cases() {
        return Stream.of(BlkCase.split(true, BlkWritePlan.SPLIT_MSIX), BlkCase.packed(false, BlkWritePlan.PACKED_MSIX));
    }

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void completionsArriveByMsixInterrupt(BlkCase c) throws Exception {
        try (VfioSession s = VfioSession.open(Guest.require(c.bdfVar()))) {
            int tableSize = ConfigSpace.parse(s.function().configSnapshot()).msix().orElseThrow().tableSize();
            assertTrue(tableSize > QUEUE_VECTOR, "MSI-X table of " + tableSize);
            MsixInterrupts msix = s.function().enableMsix(QUEUE_VECTOR + 1);
            EventFdInterrupt irq = msix.vector(QUEUE_VECTOR);
            UserspaceBlk.Options options = UserspaceBlk.Options.defaults().withEventIdx(c.eventIdx())
                    .withInterrupt(irq, QUEUE_VECTOR);
            try (UserspaceBlk blk = UserspaceBlk.open(s.function(), s.pool(), options)) {
                assertEquals(c.packed(), blk.packedRing(), blk.features().toString());
                CommonCfg cc = blk.device().commonCfg();
                cc.queueSelect(UserspaceBlk.QUEUE);
                assertEquals(QUEUE_VECTOR, cc.queueMsixVector(), "queue_msix_vector reads back the vector");
                // A vector beyond the table is refused: it reads back NO_VECTOR (MSI-X vector configuration, 4.1.5.1.2).
                assertEquals(UserspaceBlk.NO_VECTOR, cc.configMsixVector(), "no config vector after reset");
                cc.configMsixVector(tableSize);
                assertEquals(UserspaceBlk.NO_VECTOR, cc.configMsixVector(), "vector " + tableSize + " is past the table");
                assertEquals(0, irq.poll(), "nothing completed yet, so nothing fired");

                BlkWritePlan.Region r = c.region();
                long first = r.first() - MARGIN;
                int span = r.count() + 2 * MARGIN;
                assertSectors(DiskPattern.sectors(first, span), blk.read(first, span), first, "before writing");
                assertTrue(blk.interruptWakeups() >= 1, "the read completed through the interrupt");

                BlkWritePlan.record(Guest.ctlDir(), r);
                long before = blk.interruptWakeups();
                blk.write(r.first(), WritePattern.sectors(r.tag(), r.first(), r.count()));
                blk.flush();
                assertTrue(blk.interruptWakeups() > before, "writes completed through the interrupt");
                assertSectors(c.expectedAfterWrite(), blk.read(first, span), first, "after writing");
                System.out.printf("%s: %d requests, %d interrupt wake-ups (%d found nothing new), at most %d in flight%n",
                        c, blk.requestsCompleted(), blk.interruptWakeups(), blk.emptyWakeups(), blk.maxInFlight());
                assertTrue(blk.interruptWakeups() - blk.emptyWakeups() <= blk.requestsCompleted(),
                        "every useful wake-up reaped at least one request");

                // Control: suppressed notifications mean no interrupt. Late interrupts of the last batch are
                // drained first, then a polled read must leave the eventfd untouched.
                blk.interruptsWanted(false);
                irq.await(100, TimeUnit.MILLISECONDS);
                irq.poll();
                assertSectors(WritePattern.sectors(r.tag(), r.first(), 16), blk.read(r.first(), 16), r.first(), "polled");
                assertEquals(0, irq.await(300, TimeUnit.MILLISECONDS), "the device raised the vector although "
                        + "used-buffer notifications were suppressed");

                blk.interruptsWanted(true);
                long quiet = blk.interruptWakeups();
                blk.read(r.first(), 1);
                assertTrue(blk.interruptWakeups() > quiet, "interrupts are back after re-enabling");
            }
        }
    }
}
