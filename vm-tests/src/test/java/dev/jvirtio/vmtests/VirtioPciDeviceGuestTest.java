package dev.jvirtio.vmtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.vfio.VfioPciFunction;
import dev.jvirtio.transport.AdminQueueUnavailableException;
import dev.jvirtio.transport.DeviceStatus;
import dev.jvirtio.transport.FeatureSet;
import dev.jvirtio.transport.TransportException;
import dev.jvirtio.transport.VirtioFeature;
import dev.jvirtio.transport.VirtioPciDevice;
import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Guest: the transport ({@link VirtioPciDevice}) negotiates with QEMU's virtio-blk through VFIO, and says
 * precisely why there is no admin queue (QEMU offers no VIRTIO_F_ADMIN_VQ, bit 41).
 */
@Tag(Guest.TAG)
class VirtioPciDeviceGuestTest {
    static final FeatureSet WANTED = FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ACCESS_PLATFORM,
            VirtioFeature.ADMIN_VQ, VirtioFeature.RING_RESET, VirtioFeature.EVENT_IDX);

    @BeforeEach
    void onlyInGuest() {
        Guest.assumeGuest();
    }

    static VfioPciFunction openBlk() throws IOException {
        return VfioPciFunction.open(PciAddress.parse(Guest.blkBdf()), Guest.vfioOptions());
    }

    @Test
    void negotiatesAccessPlatformAndReportsTheMissingAdminQueue() throws IOException {
        try (VfioPciFunction f = openBlk(); VirtioPciDevice dev = VirtioPciDevice.attach(f)) {
            assertEquals(4, dev.notifyOffMultiplier(), "QEMU's notify_off_multiplier");
            FeatureSet got = dev.initialize(WANTED, FeatureSet.of(VirtioFeature.VERSION_1));
            FeatureSet offered = dev.offeredFeatures();
            System.out.println("virtio-blk offers " + offered + ", negotiated " + got);

            assertTrue(offered.contains(VirtioFeature.VERSION_1), offered.toString());
            assertEquals(Guest.viommu(), offered.contains(VirtioFeature.ACCESS_PLATFORM),
                    "ACCESS_PLATFORM is offered exactly when the devices sit behind the vIOMMU: " + offered);
            assertFalse(offered.contains(VirtioFeature.ADMIN_VQ), "QEMU has no admin virtqueue: " + offered);
            assertEquals(WANTED.intersect(offered), got, "negotiated = wanted and offered");
            assertEquals(got, dev.commonCfg().driverFeatures(), "driver_feature reads back what was written");
            assertEquals(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.FEATURES_OK, dev.status(),
                    "FEATURES_OK stuck");

            AdminQueueUnavailableException e = assertThrows(AdminQueueUnavailableException.class, dev::adminQueues);
            assertTrue(e.getMessage().contains("does not offer VIRTIO_F_ADMIN_VQ (bit 41)"), e.getMessage());
            assertTrue(e.getMessage().contains(f.address().toString()), "names the function: " + e.getMessage());
        }
    }

    @Test
    void requiringTheAdminQueueFailsTheDeviceAndAResetRecoversIt() throws IOException {
        try (VfioPciFunction f = openBlk(); VirtioPciDevice dev = VirtioPciDevice.attach(f)) {
            AdminQueueUnavailableException e = assertThrows(AdminQueueUnavailableException.class,
                    () -> dev.initialize(WANTED, FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ADMIN_VQ)));
            assertTrue(e.getMessage().contains("does not offer VIRTIO_F_ADMIN_VQ (bit 41)"), e.getMessage());
            assertFalse(dev.offeredFeatures().contains(VirtioFeature.ADMIN_VQ));
            int status = dev.status();
            assertNotEquals(0, status & DeviceStatus.FAILED, "FAILED set: 0x" + Integer.toHexString(status));
            assertEquals(0, status & DeviceStatus.FEATURES_OK, "nothing was accepted");

            FeatureSet got = dev.initialize(WANTED, FeatureSet.of(VirtioFeature.VERSION_1));
            assertTrue(got.contains(VirtioFeature.VERSION_1));
            assertEquals(0, dev.status() & DeviceStatus.FAILED, "initialize resets FAILED away");
        }
    }

    @Test
    void adminClientRefusesQemusDeviceWithATypedErrorAndLeavesItReset() throws IOException {
        try (VfioPciFunction f = openBlk()) {
            // AdminClient requires ADMIN_VQ when negotiating: the refusal names the missing admin queue.
            AdminQueueUnavailableException e = assertThrows(AdminQueueUnavailableException.class,
                    () -> AdminClient.open(f, AdminClientOptions.defaults()));
            assertTrue(e.getMessage().contains("does not offer VIRTIO_F_ADMIN_VQ (bit 41)"), e.getMessage());
            try (VirtioPciDevice dev = VirtioPciDevice.attach(f)) {
                assertEquals(0, dev.status(), "the failed client reset the device on its way out");
            }
        }
    }
}
