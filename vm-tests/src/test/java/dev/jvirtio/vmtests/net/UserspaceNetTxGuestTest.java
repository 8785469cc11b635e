package dev.jvirtio.vmtests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvirtio.transport.VirtioFeature;
import dev.jvirtio.vmtests.Guest;
import dev.jvirtio.vmtests.VfioSession;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guest: {@link UserspaceNetTx} sends Ethernet frames with a payload unique to this run on QEMU's virtio-net
 * transmit queue. The device using the buffers is checked here; that the frames really left the device, byte
 * for byte, is checked by the host in the pcap QEMU's {@code filter-dump} wrote (vm-tests/run.sh).
 */
@Tag(Guest.TAG)
class UserspaceNetTxGuestTest {
    /** The shortest frame, a middling one, the longest untagged one. */
    static final int[] SIZES = {TxFrames.MIN_FRAME, 601, TxFrames.MAX_FRAME};

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    @Test
    void transmitsFramesThatLeaveTheDevice() throws Exception {
        try (VfioSession s = VfioSession.open(Guest.netBdf());
             UserspaceNetTx tx = UserspaceNetTx.open(s.function(), s.pool(), 64)) {
            byte[] mac = HexFormat.ofDelimiter(":").parseHex(Guest.NET_MAC);
            assertArrayEquals(mac, tx.mac(), "MAC from the device configuration");
            assertEquals(Guest.viommu(), tx.features().contains(VirtioFeature.ACCESS_PLATFORM), tx.features().toString());

            // 16 hex digits unique to this run: the host looks for exactly these frames in the capture.
            String run = String.format("%016x", new SplittableRandom().nextLong());
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < SIZES.length; i++) {
                byte[] f = TxFrames.frame(TxFrames.BROADCAST, mac, "JVIRTIO-TX " + run + " #" + i, SIZES[i]);
                TxFrames.record(Guest.ctlDir(), f); // tell the host what to look for before it is sent
                frames.add(f);
            }
            tx.send(frames, true);
            assertEquals(SIZES.length, tx.framesSent());
            assertEquals(0, tx.queue().inFlight());
            System.out.println("sent " + SIZES.length + " frames tagged " + run);
        }
    }
}
