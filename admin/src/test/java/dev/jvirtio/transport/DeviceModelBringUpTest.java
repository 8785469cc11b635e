package dev.jvirtio.transport;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.admin.AdminCodec;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.virtq.PollPolicy;
import dev.jvirtio.virtq.Virtqueue;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Brings the software device up through the real driver-side transport, as a driver would a real device. */
class DeviceModelBringUpTest {

    static final FeatureSet WANTED = FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ACCESS_PLATFORM,
            VirtioFeature.ADMIN_VQ, VirtioFeature.SR_IOV, VirtioFeature.EVENT_IDX, VirtioFeature.RING_RESET);

    @ParameterizedTest
    @EnumSource(DeviceModelConfig.ProcessingMode.class)
    void featuresAdminQueueAndAListQueryRoundTrip(DeviceModelConfig.ProcessingMode mode) throws Exception {
        try (DeviceModel model = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 4).withMode(mode));
             VirtioPciDevice dev = VirtioPciDevice.attach(model.pf());
             DmaPool pool = DmaPool.softwareIommu((SoftwareIommu) model.pf().dmaMapper())) {
            assertEquals(0, model.pf().configRead(0x04, 2) & 0x6, "bus mastering starts off, as under vfio-pci");
            FeatureSet got = dev.initialize(WANTED, FeatureSet.of(VirtioFeature.ADMIN_VQ));
            assertEquals(WANTED, got, "the model offers all of these");
            assertEquals(0x6, model.pf().configRead(0x04, 2) & 0x6, "initialize sets memory space and bus master");
            assertTrue(dev.offeredFeatures().contains(VirtioFeature.RING_PACKED));
            VirtioPciDevice.AdminQueueRange aq = dev.adminQueues();
            assertEquals(3, aq.first(), "net has 3 queues, so the admin queue comes at index 3");
            assertEquals(1, aq.count());
            Virtqueue q = dev.setupQueue(aq.first(), 64, pool);
            dev.driverOk();
            assertEquals(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK
                    | DeviceStatus.DRIVER_OK, dev.status());
            dev.commonCfg().queueSelect(aq.first());
            assertEquals(1, dev.commonCfg().queueEnable());

            // One LIST_QUERY for the self group, framed by the codec, carried by the ring.
            AdminCodec codec = new AdminCodec();
            var cmd = AdminCommands.listQuery(GroupType.SELF);
            try (DmaRegion req = pool.allocate(4096, 4096); DmaRegion resp = pool.allocate(4096, 4096)) {
                int reqLen = codec.encodeRequest(cmd, req.segment(), 0);
                int respLen = AdminCodec.responseLength(cmd);
                assertTrue(q.begin().readable(req, 0, reqLen).writable(resp, 0, respLen).commit(7) >= 0);
                q.kick();
                assertEquals(7, q.awaitUsed(PollPolicy.spin(), 5_000_000_000L));
                OpcodeSet set = codec.decodeResponse(cmd, resp.segment(), 0, q.lastUsedLength());
                assertTrue(set.contains(0) && set.contains(1), "LIST_QUERY always reports itself and LIST_USE");
                assertTrue(set.contains(0x7), "the self group offers CAP_ID_LIST_QUERY");
            }
            // A queue reset clears the queue's MSI-X vector on the device; resetQueue puts it back.
            dev.commonCfg().queueSelect(aq.first());
            dev.commonCfg().queueMsixVector(1);
            assertEquals(0, dev.resetQueue(q, null));
            dev.commonCfg().queueSelect(aq.first());
            assertEquals(1, dev.commonCfg().queueMsixVector());
            assertEquals(1, dev.commonCfg().queueEnable());
            assertTrue(model.driverViolations().isEmpty(), model.driverViolations().toString());
        }
    }

    @Test
    void sriovCreatesVirtioFunctionsAtTheRoutedAddresses() throws Exception {
        try (DeviceModel model = DeviceModel.start(DeviceModelConfig.of(DeviceType.BLOCK, 4))) {
            PciFunction pf = model.pf();
            assertTrue(model.vfs().isEmpty());
            pf.configWrite(0x110, 2, 3);          // NumVFs
            pf.configWrite(0x108, 2, 0x9);        // VF Enable | VF MSE
            List<PciFunction> vfs = model.vfs();
            assertEquals(3, vfs.size());
            assertEquals(PciAddress.parse("f000:00:00.1"), vfs.get(0).address());
            assertEquals(PciAddress.parse("f000:00:00.3"), vfs.get(2).address());
            pf.configWrite(0x110, 2, 4);          // frozen while VF Enable is set
            assertEquals(3, pf.configRead(0x110, 2));

            // Each VF is a virtio-PCI function a driver can bring up on its own.
            try (VirtioPciDevice vf = VirtioPciDevice.attach(vfs.get(1))) {
                FeatureSet got = vf.initialize(FeatureSet.of(VirtioFeature.VERSION_1), FeatureSet.EMPTY);
                assertEquals(FeatureSet.of(VirtioFeature.VERSION_1), got);
                assertEquals(1, vf.numQueues());
                assertThrows(AdminQueueUnavailableException.class, vf::adminQueues);
                vf.driverOk();
                // The VF's status is the member state the admin commands see.
                assertEquals(15, model.engine().member(2).deviceStatus());
            }
            pf.configWrite(0x108, 2, 0);          // VF Enable off: the VFs disappear
            assertTrue(model.vfs().isEmpty());
            assertThrows(IllegalStateException.class, () -> vfs.get(0).configRead(0, 2));
        }
    }

    @Test
    void aOneDotZeroCommonCfgReportsNoAdminQueueClearly() throws Exception {
        try (DeviceModel model = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 2).withCommonCfgLength(0x38));
             VirtioPciDevice dev = VirtioPciDevice.attach(model.pf())) {
            FeatureSet got = dev.initialize(WANTED, FeatureSet.EMPTY);
            assertFalse(got.contains(VirtioFeature.ADMIN_VQ), "useless without the admin fields");
            AdminQueueUnavailableException e = assertThrows(AdminQueueUnavailableException.class, dev::adminQueues);
            assertTrue(e.getMessage().contains("0x38"), e.getMessage());
            dev.reset();
            AdminQueueUnavailableException e2 = assertThrows(AdminQueueUnavailableException.class,
                    () -> dev.initialize(WANTED, FeatureSet.of(VirtioFeature.ADMIN_VQ)));
            assertTrue(e2.getMessage().contains("admin queue not available"), e2.getMessage());
            assertEquals(DeviceStatus.FAILED, dev.status() & DeviceStatus.FAILED);
        }
    }

    @Test
    void aDeviceThatRefusesTheFeatureSetFailsNegotiationWithATypedError() throws Exception {
        try (DeviceModel model = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 0));
             VirtioPciDevice dev = VirtioPciDevice.attach(model.pf())) {
            FeatureNegotiationException e = assertThrows(FeatureNegotiationException.class,
                    () -> dev.initialize(WANTED, FeatureSet.of(VirtioFeature.SR_IOV)));
            assertTrue(e.getMessage().contains("SR_IOV"), e.getMessage());
            assertFalse(e.offered().contains(VirtioFeature.SR_IOV));
        }
    }

    @Test
    void aVanishedDeviceIsReportedAsGone() throws Exception {
        try (DeviceModel model = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 0))) {
            VirtioPciDevice dev = VirtioPciDevice.attach(model.pf());
            dev.initialize(WANTED.without(VirtioFeature.SR_IOV.bit()), FeatureSet.EMPTY);
            model.ringFaults().vanish();
            TransportException e = assertThrows(TransportException.class, dev::status);
            assertTrue(e.getMessage().contains("all-ones"), e.getMessage());
        }
    }
}
