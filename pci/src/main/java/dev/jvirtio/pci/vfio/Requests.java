package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_device_feature;
import dev.jvirtio.ffm.gen.kabi_vfio_irq_set;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.UUID;

/**
 * Builders for the variable-size VFIO request structs, kept apart from the ioctl calls so that tests can
 * check every byte without a device.
 */
final class Requests {
    private Requests() {
    }

    static final long IRQ_SET_HEADER = kabi_vfio_irq_set.layout().byteSize();
    static final long FEATURE_HEADER = kabi_vfio_device_feature.layout().byteSize();

    /**
     * {@code VFIO_DEVICE_SET_IRQS} wiring vectors {@code start .. start + fds.length - 1} of {@code index}
     * to the eventfds (DATA_EVENTFD | ACTION_TRIGGER); an fd of -1 unwires that vector.
     */
    static MemorySegment irqSetEventfds(SegmentAllocator alloc, int index, int start, int[] fds) {
        if (fds.length == 0) {
            throw new IllegalArgumentException("no eventfds given; use irqDisable to switch an index off");
        }
        if (index < 0 || start < 0) {
            throw new IllegalArgumentException("negative irq index " + index + " or start " + start);
        }
        long size = IRQ_SET_HEADER + 4L * fds.length;
        MemorySegment s = alloc.allocate(size, 4);
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.argsz$offset(), (int) size);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.flags$offset(),
                Kabi.KABI_VFIO_IRQ_SET_DATA_EVENTFD() | Kabi.KABI_VFIO_IRQ_SET_ACTION_TRIGGER());
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.index$offset(), index);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.start$offset(), start);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.count$offset(), fds.length);
        for (int i = 0; i < fds.length; i++) {
            s.set(ValueLayout.JAVA_INT, IRQ_SET_HEADER + 4L * i, fds[i]);
        }
        return s;
    }

    /** {@code VFIO_DEVICE_SET_IRQS} switching the whole index off (DATA_NONE | ACTION_TRIGGER, count 0). */
    static MemorySegment irqDisable(SegmentAllocator alloc, int index) {
        MemorySegment s = alloc.allocate(IRQ_SET_HEADER, 4);
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.argsz$offset(), (int) IRQ_SET_HEADER);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.flags$offset(),
                Kabi.KABI_VFIO_IRQ_SET_DATA_NONE() | Kabi.KABI_VFIO_IRQ_SET_ACTION_TRIGGER());
        s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_set.index$offset(), index);
        return s;
    }

    /** {@code VFIO_DEVICE_FEATURE} SET of {@code PCI_VF_TOKEN} with the token's 16 bytes as payload. */
    static MemorySegment setVfToken(SegmentAllocator alloc, UUID token) {
        byte[] raw = VfToken.bytes(token);
        long size = FEATURE_HEADER + raw.length;
        MemorySegment s = alloc.allocate(size, 4);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_device_feature.argsz$offset(), (int) size);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_device_feature.flags$offset(),
                Kabi.KABI_VFIO_DEVICE_FEATURE_SET() | Kabi.KABI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN());
        MemorySegment.copy(raw, 0, s, ValueLayout.JAVA_BYTE, FEATURE_HEADER, raw.length);
        return s;
    }

    /** {@code VFIO_DEVICE_FEATURE} PROBE | SET of {@code PCI_VF_TOKEN}: asks whether setting is supported. */
    static MemorySegment probeVfToken(SegmentAllocator alloc) {
        MemorySegment s = alloc.allocate(FEATURE_HEADER, 4);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_device_feature.argsz$offset(), (int) FEATURE_HEADER);
        s.set(ValueLayout.JAVA_INT, kabi_vfio_device_feature.flags$offset(), Kabi.KABI_VFIO_DEVICE_FEATURE_PROBE()
                | Kabi.KABI_VFIO_DEVICE_FEATURE_SET() | Kabi.KABI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN());
        return s;
    }
}
