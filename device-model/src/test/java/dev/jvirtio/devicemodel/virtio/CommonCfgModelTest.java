package dev.jvirtio.devicemodel.virtio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offsets below are the spec's numbers (virtio 1.4 4.1.4.3), written out independently. */
class CommonCfgModelTest {

    static final long VERSION_1 = 1L << 32;
    static final long RING_RESET = 1L << 40;
    static final long ADMIN_VQ = 1L << 41;

    static final class Events implements CommonCfgModel.Listener {
        final List<String> log = new ArrayList<>();
        boolean accept = true;

        @Override public void deviceReset() { log.add("reset"); }
        @Override public boolean acceptFeatures(long lo, long hi) { log.add("features " + Long.toHexString(lo)); return accept; }
        @Override public void driverOk() { log.add("driver_ok"); }
        @Override public void queueEnabled(int i, QueueRegisters q) {
            log.add("enable " + i + " size " + q.size() + " desc " + Long.toHexString(q.desc()) + " driver "
                    + Long.toHexString(q.driver()) + " device " + Long.toHexString(q.device()));
        }
        @Override public void queueReset(int i) { log.add("qreset " + i); }
    }

    private static CommonCfgModel model(Events ev, long features) {
        return new CommonCfgModel(features, 0x1L, 2, 1, 64, new PlainRegisters(3, 256), ev);
    }

    private static void negotiate(CommonCfgModel m, long features) {
        m.write(20, 1, 1);
        m.write(20, 1, 3);
        m.write(8, 4, 0);
        m.write(12, 4, (int) features);
        m.write(8, 4, 1);
        m.write(12, 4, (int) (features >>> 32));
        m.write(20, 1, 11);
    }

    @Test
    void featureWindowsShowTheOfferedBitsAndZeroBeyond() {
        CommonCfgModel m = model(new Events(), VERSION_1 | ADMIN_VQ | 0x20);
        m.write(0, 4, 0);
        assertEquals(0x20, m.read(4, 4));
        m.write(0, 4, 1);
        assertEquals(0x201, m.read(4, 4));
        m.write(0, 4, 2);
        assertEquals(1, m.read(4, 4));   // bit 64 of the high word
        m.write(0, 4, 7);
        assertEquals(0, m.read(4, 4));
    }

    @Test
    void featuresOkIsRefusedForBitsNotOfferedOrWithoutVersion1() {
        Events ev = new Events();
        CommonCfgModel m = model(ev, VERSION_1 | ADMIN_VQ);
        negotiate(m, VERSION_1 | RING_RESET);       // RING_RESET is not offered
        assertEquals(3, m.read(20, 1), "FEATURES_OK must stay clear");
        m.write(20, 1, 0);
        negotiate(m, ADMIN_VQ);                     // no VERSION_1
        assertEquals(3, m.read(20, 1));
        m.write(20, 1, 0);
        negotiate(m, VERSION_1 | ADMIN_VQ);
        assertEquals(11, m.read(20, 1));
        assertTrue(m.negotiated(41));
        ev.accept = false;
        m.write(20, 1, 0);
        negotiate(m, VERSION_1);
        assertEquals(3, m.read(20, 1), "the device's own refusal also leaves FEATURES_OK clear");
    }

    @Test
    void driverFeaturesAreFrozenAfterFeaturesOk() {
        CommonCfgModel m = model(new Events(), VERSION_1 | ADMIN_VQ);
        negotiate(m, VERSION_1);
        m.write(8, 4, 1);
        m.write(12, 4, 0x201);
        assertEquals(1, m.read(12, 4));
        assertFalse(m.negotiated(41));
        assertEquals(1, m.violations().size());
    }

    @Test
    void resetClearsStatusQueuesAndVectors() {
        Events ev = new Events();
        CommonCfgModel m = model(ev, VERSION_1);
        negotiate(m, VERSION_1);
        m.write(22, 2, 1);
        m.write(26, 2, 3);
        m.write(28, 2, 1);
        m.write(16, 2, 5);
        m.write(20, 1, 15);
        m.write(20, 1, 0);
        assertEquals(0, m.read(20, 1));
        assertEquals(0xFFFF, m.read(16, 2));
        m.write(22, 2, 1);
        assertEquals(0, m.read(28, 2));
        assertEquals(0xFFFF, m.read(26, 2));
        assertEquals(256, m.read(24, 2));
        assertTrue(ev.log.contains("reset"));
        assertTrue(ev.log.contains("driver_ok"));
    }

    @Test
    void queueConfigurationReachesTheDeviceOnEnable() {
        Events ev = new Events();
        CommonCfgModel m = model(ev, VERSION_1);
        negotiate(m, VERSION_1);
        m.write(22, 2, 2);            // the admin queue: index = num_queues = 2
        m.write(24, 2, 64);
        m.write(32, 4, 0x1000);
        m.write(36, 4, 0x1);
        m.write(40, 4, 0x2000);
        m.write(44, 4, 0);
        m.write(48, 4, 0x3000);
        m.write(52, 4, 0x2);
        m.write(28, 2, 1);
        assertEquals("enable 2 size 64 desc 100001000 driver 2000 device 200003000", ev.log.get(ev.log.size() - 1));
        m.write(24, 2, 128);          // size of an enabled queue may not change
        assertEquals(64, m.read(24, 2));
        assertEquals(2, m.read(30, 2), "queue_notify_off");
        assertEquals(2, m.read(60, 2), "admin_queue_index = num_queues");
        assertEquals(1, m.read(62, 2));
        assertEquals(2, m.read(18, 2));
    }

    @Test
    void badQueueSizesAreIgnoredAndRecorded() {
        CommonCfgModel m = model(new Events(), VERSION_1);
        negotiate(m, VERSION_1);
        m.write(22, 2, 0);
        m.write(24, 2, 100);
        assertEquals(256, m.read(24, 2));
        m.write(24, 2, 512);
        assertEquals(256, m.read(24, 2));
        assertEquals(2, m.violations().size());
        m.write(22, 2, 3);            // no queue 3: size reads 0
        assertEquals(0, m.read(24, 2));
    }

    @Test
    void queueResetNeedsRingResetAndEndsWithResetAndEnableZero() {
        Events ev = new Events();
        CommonCfgModel m = model(ev, VERSION_1 | RING_RESET);
        negotiate(m, VERSION_1);
        m.write(22, 2, 0);
        m.write(58, 2, 1);
        assertEquals(1, m.violations().size(), "queue_reset without RING_RESET");
        m.write(20, 1, 0);
        negotiate(m, VERSION_1 | RING_RESET);
        m.write(22, 2, 0);
        m.write(28, 2, 1);
        m.write(58, 2, 1);
        assertEquals("qreset 0", ev.log.get(ev.log.size() - 1));
        assertEquals(0, m.read(58, 2));
        assertEquals(0, m.read(28, 2));
    }

    @Test
    void wrongWidthsAndReadOnlyWritesAreViolationsAndThrowInStrictMode() {
        CommonCfgModel m = model(new Events(), VERSION_1);
        m.write(18, 2, 5);            // num_queues is read-only
        assertEquals(2, m.read(18, 2));
        assertEquals(0, m.read(32, 2), "a 16-bit read of a 32-bit half");
        assertEquals(2, m.violations().size());
        m.strict(true);
        assertThrows(IllegalStateException.class, () -> m.read(20, 2));
        assertThrows(IllegalStateException.class, () -> m.write(28, 2, 0));
    }

    @Test
    void aOneDotZeroLengthStructureHasNoAdminFields() {
        CommonCfgModel m = new CommonCfgModel(VERSION_1, 0, 1, 0, 0x38, new PlainRegisters(1, 64), new Events());
        assertEquals(0, m.read(60, 2));
        assertEquals(1, m.violations().size());
    }

    @Test
    void clearingAStatusBitIsAViolation() {
        CommonCfgModel m = model(new Events(), VERSION_1);
        negotiate(m, VERSION_1);
        m.write(20, 1, 1);
        assertEquals(1, m.violations().size());
        assertEquals(11, m.read(20, 1) & 11);
    }
}
