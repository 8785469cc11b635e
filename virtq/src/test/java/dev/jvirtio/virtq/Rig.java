package dev.jvirtio.virtq;

import dev.jvirtio.dma.DmaPool;
import dev.jvirtio.dma.DmaRegion;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.virtq.device.DeviceQueue;
import dev.jvirtio.virtq.device.PackedDeviceQueue;
import dev.jvirtio.virtq.device.SplitDeviceQueue;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import java.io.IOException;

/** Driver queue + device queue + software IOMMU + a data region, for tests. */
final class Rig implements AutoCloseable {
    enum Kind { SPLIT, PACKED }

    final Kind kind;
    final SoftwareIommu iommu = new SoftwareIommu();
    final DmaPool pool = DmaPool.softwareIommu(iommu);
    final Virtqueue q;
    final DeviceQueue dev;
    final DmaRegion data;
    int doorbellRings;
    int lastDoorbellValue = -1;

    Rig(Kind kind, VirtqueueConfig cfg) throws IOException {
        this.kind = kind;
        VirtqueueConfig c = cfg.withDoorbell(v -> {
            doorbellRings++;
            lastDoorbellValue = v;
        });
        if (kind == Kind.SPLIT) {
            q = SplitVirtqueue.allocate(c, pool);
            dev = new SplitDeviceQueue(iommu, c.size(), c.features(), q.descriptorAreaIova(), q.driverAreaIova(),
                    q.deviceAreaIova());
        } else {
            q = PackedVirtqueue.allocate(c, pool);
            dev = new PackedDeviceQueue(iommu, c.size(), c.features(), q.descriptorAreaIova(), q.driverAreaIova(),
                    q.deviceAreaIova());
        }
        data = pool.allocate(1 << 20, 4096);
    }

    static Rig of(Kind kind, int size, long features) throws IOException {
        return new Rig(kind, VirtqueueConfig.of(3, size).withFeatures(features));
    }

    @Override
    public void close() {
        q.close();
        pool.close();
        iommu.close();
    }
}
