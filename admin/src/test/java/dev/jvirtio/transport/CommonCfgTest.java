package dev.jvirtio.transport;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.pci.TrappedMmioRegion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommonCfgTest {

    /** One trapped access: 'R' or 'W', offset, width, value. */
    record Access(char kind, long offset, int width, int value) {
    }

    /** A register file that records every access and answers reads from what was written. */
    static final class Recorder implements TrappedMmioRegion.Handler {
        final List<Access> log = new ArrayList<>();
        final Map<Long, Integer> regs = new HashMap<>();
        int[] featureWindows = {0, 0, 0, 0};

        @Override
        public int read(long offset, int width) {
            int v;
            if (offset == 4) { // device_feature: the window selected at offset 0
                int sel = regs.getOrDefault(0L, 0);
                v = sel < 4 ? featureWindows[sel] : 0;
            } else {
                v = regs.getOrDefault(offset, 0);
            }
            log.add(new Access('R', offset, width, v));
            return v;
        }

        @Override
        public void write(long offset, int width, int value) {
            log.add(new Access('W', offset, width, value));
            regs.put(offset, value);
        }
    }

    @Test
    void sixtyFourBitAddressesAreTwoThirtyTwoBitWritesLowHalfFirst() {
        Recorder r = new Recorder();
        CommonCfg cfg = new CommonCfg(new TrappedMmioRegion(r, 64));
        cfg.queueDesc(0x1122_3344_5566_7788L);
        cfg.queueDriver(0x0000_0001_0000_2000L);
        cfg.queueDevice(0xFFFF_FFFF_0000_0004L);
        assertEquals(List.of(
                new Access('W', 32, 4, 0x5566_7788), new Access('W', 36, 4, 0x1122_3344),
                new Access('W', 40, 4, 0x2000), new Access('W', 44, 4, 1),
                new Access('W', 48, 4, 4), new Access('W', 52, 4, 0xFFFF_FFFF)), r.log);
        assertEquals(0x1122_3344_5566_7788L, cfg.queueDesc());
        assertEquals(0xFFFF_FFFF_0000_0004L, cfg.queueDevice());
    }

    @Test
    void everyRegisterUsesItsOwnWidth() {
        Recorder r = new Recorder();
        CommonCfg cfg = new CommonCfg(new TrappedMmioRegion(r, 64));
        cfg.deviceStatus(0);
        cfg.deviceStatus();
        cfg.configGeneration();
        cfg.numQueues();
        cfg.queueSelect(3);
        cfg.queueSize(256);
        cfg.queueMsixVector(0xFFFF);
        cfg.enableQueue();
        cfg.queueNotifyOff();
        cfg.requestQueueReset();
        cfg.adminQueueIndex();
        cfg.adminQueueNum();
        cfg.configMsixVector(1);
        assertEquals(List.of(
                new Access('W', 20, 1, 0), new Access('R', 20, 1, 0), new Access('R', 21, 1, 0),
                new Access('R', 18, 2, 0), new Access('W', 22, 2, 3), new Access('W', 24, 2, 256),
                new Access('W', 26, 2, 0xFFFF), new Access('W', 28, 2, 1), new Access('R', 30, 2, 0),
                new Access('W', 58, 2, 1), new Access('R', 60, 2, 0), new Access('R', 62, 2, 0),
                new Access('W', 16, 2, 1)), r.log);
    }

    @Test
    void featuresAreReadAndWrittenThroughAllFourSelectWindows() {
        Recorder r = new Recorder();
        r.featureWindows = new int[] {0x0000_0030, 0x0000_0203, 0, 0x8000_0000};
        CommonCfg cfg = new CommonCfg(new TrappedMmioRegion(r, 64));
        FeatureSet f = cfg.deviceFeatures();
        assertTrue(f.contains(4));
        assertTrue(f.contains(5));
        assertTrue(f.contains(VirtioFeature.VERSION_1));       // 32 = window 1 bit 0
        assertTrue(f.contains(VirtioFeature.ACCESS_PLATFORM)); // 33
        assertTrue(f.contains(VirtioFeature.ADMIN_VQ));        // 41 = window 1 bit 9
        assertTrue(f.contains(127));
        assertFalse(f.contains(VirtioFeature.RING_PACKED));

        r.log.clear();
        cfg.driverFeatures(FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ADMIN_VQ));
        assertEquals(List.of(
                new Access('W', 8, 4, 0), new Access('W', 12, 4, 0),
                new Access('W', 8, 4, 1), new Access('W', 12, 4, 0x201),
                new Access('W', 8, 4, 2), new Access('W', 12, 4, 0),
                new Access('W', 8, 4, 3), new Access('W', 12, 4, 0)), r.log);
    }

    @Test
    void aOneDotZeroLayoutHasNoAdminOrResetFieldsAndSaysSo() {
        Recorder r = new Recorder();
        CommonCfg cfg = new CommonCfg(new TrappedMmioRegion(r, 0x38));
        assertFalse(cfg.hasAdminQueueFields());
        assertFalse(cfg.hasQueueReset());
        assertFalse(cfg.hasNotifConfigData());
        TransportException e = assertThrows(TransportException.class, cfg::adminQueueIndex);
        assertTrue(e.getMessage().contains("admin_queue_index"), e.getMessage());
        assertTrue(e.getMessage().contains("0x38"), e.getMessage());
        assertThrows(TransportException.class, cfg::requestQueueReset);
        assertTrue(r.log.isEmpty(), "nothing may be accessed beyond the structure");
    }

    @Test
    void aStructureShorterThanTheOneDotZeroLayoutIsRefused() {
        Recorder r = new Recorder();
        assertThrows(TransportException.class, () -> new CommonCfg(new TrappedMmioRegion(r, 0x30)));
    }

    @Test
    void featureSetWindowsAndNames() {
        FeatureSet s = FeatureSet.EMPTY.with(VirtioFeature.ADMIN_VQ).with(3).with(100);
        assertEquals(0x200, s.window(1));
        assertEquals(1 << 4, s.window(3));
        assertEquals("[3, ADMIN_VQ, 100]", s.toString());
        assertEquals(s, FeatureSet.EMPTY.withWindow(0, 8).withWindow(1, 0x200).withWindow(3, 16));
        assertThrows(IllegalArgumentException.class, () -> s.contains(128));
        assertEquals(FeatureSet.of(VirtioFeature.ADMIN_VQ), s.intersect(FeatureSet.of(VirtioFeature.ADMIN_VQ)));
        assertEquals("ACKNOWLEDGE|DRIVER|FEATURES_OK", DeviceStatus.describe(11));
        assertEquals("RESET", DeviceStatus.describe(0));
    }
}
