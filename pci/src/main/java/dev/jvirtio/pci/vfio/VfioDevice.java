package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.Ioctl;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_device_attach_iommufd_pt;
import dev.jvirtio.ffm.gen.kabi_vfio_device_bind_iommufd;
import dev.jvirtio.ffm.gen.kabi_vfio_device_info;
import dev.jvirtio.ffm.gen.kabi_vfio_irq_info;
import dev.jvirtio.ffm.gen.kabi_vfio_region_info;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.SegmentMmioRegion;
import dev.jvirtio.pci.TrappedMmioRegion;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An open VFIO device fd: region and interrupt information, region access (mmap and pread/pwrite), reset,
 * interrupt wiring, the VF token, and (cdev path) binding to an iommufd.
 *
 * <pre>{@code
 * VfioDevice d = group.openDevice(bdf, null);
 * RegionInfo bar4 = d.regionInfo(4);
 * MmioRegion regs = d.mapRegion(bar4);          // owned by the device: unmapped when it closes
 * int vendor = d.configRead(0, 2);
 * }</pre>
 *
 * <p>Owns every mapping it hands out (one shared arena): {@link #close()} unmaps them, so later accesses
 * through a returned {@link MmioRegion} throw {@link IllegalStateException}, then closes the fd.
 */
public final class VfioDevice implements AutoCloseable {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final OwnedFd fd;
    private final PciAddress address;
    private final Arena mappings = Arena.ofShared();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    VfioDevice(OwnedFd fd, PciAddress address) {
        this.fd = fd;
        this.address = address;
    }

    /** The function this device fd belongs to. */
    public PciAddress address() {
        return address;
    }

    int fd() {
        return fd.get();
    }

    /** {@code VFIO_DEVICE_GET_INFO}. */
    public DeviceInfo info() throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            return DeviceInfo.parse(Native.info(arena, fd.get(), Ioctl.VFIO_DEVICE_GET_INFO,
                    kabi_vfio_device_info.layout().byteSize(), b -> { }, "VFIO_DEVICE_GET_INFO", address.toString()));
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "VFIO_DEVICE_GET_INFO");
        }
    }

    /** {@code VFIO_DEVICE_GET_REGION_INFO} for {@code index}, capabilities included. */
    public RegionInfo regionInfo(int index) throws VfioException {
        if (index < 0) {
            throw new IllegalArgumentException("negative region index " + index);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = Native.info(arena, fd.get(), Ioctl.VFIO_DEVICE_GET_REGION_INFO,
                    kabi_vfio_region_info.layout().byteSize(),
                    b -> b.set(ValueLayout.JAVA_INT, kabi_vfio_region_info.index$offset(), index),
                    "VFIO_DEVICE_GET_REGION_INFO", address + " region " + index);
            return RegionInfo.parse(reply);
        } catch (NativeIoException e) {
            if (e.errno() == Errno.EINVAL) {
                throw new VfioException(VfioException.Kind.BAD_REGION, address, "region " + index
                        + " does not exist", e);
            }
            throw Native.failed(e, address, "VFIO_DEVICE_GET_REGION_INFO(" + index + ")");
        }
    }

    /** {@code VFIO_DEVICE_GET_IRQ_INFO} for {@code index}. */
    public IrqInfo irqInfo(int index) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(kabi_vfio_irq_info.layout());
            s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_info.argsz$offset(), (int) kabi_vfio_irq_info.layout().byteSize());
            s.set(ValueLayout.JAVA_INT, kabi_vfio_irq_info.index$offset(), index);
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_DEVICE_GET_IRQ_INFO, s, "VFIO_DEVICE_GET_IRQ_INFO",
                    address + " irq index " + index);
            return new IrqInfo(index, s.get(ValueLayout.JAVA_INT, kabi_vfio_irq_info.flags$offset()),
                    s.get(ValueLayout.JAVA_INT, kabi_vfio_irq_info.count$offset()));
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "VFIO_DEVICE_GET_IRQ_INFO(" + index + ")");
        }
    }

    /**
     * Register access to a region: one volatile-access mapping when the whole region may be mmapped, mapped
     * windows plus pread/pwrite for the rest when only sparse areas may, pread/pwrite only when nothing may.
     * Mappings belong to this device and end when it closes.
     *
     * @throws VfioException ({@link VfioException.Kind#BAD_REGION}) if the region does not exist
     */
    public MmioRegion mapRegion(RegionInfo region) throws VfioException {
        Objects.requireNonNull(region, "region");
        if (!region.exists()) {
            throw new VfioException(VfioException.Kind.BAD_REGION, address, "region " + region.index()
                    + " is not implemented by the device (size 0)");
        }
        if (region.fullyMappable()) {
            return new SegmentMmioRegion(mmap(region, new SparseArea(0, region.size())));
        }
        TrappedMmioRegion.Handler slow = regionIo(region);
        List<SparseArea> areas = region.mmapAreas();
        if (areas.isEmpty()) {
            return new TrappedMmioRegion(slow, region.size());
        }
        List<MemorySegment> memory = new ArrayList<>(areas.size());
        for (SparseArea a : areas) {
            memory.add(mmap(region, a));
        }
        return new SparseMmioRegion(areas, memory, slow, region.size());
    }

    /** mmaps one window of a region into this device's arena. */
    MemorySegment mmap(RegionInfo region, SparseArea area) throws VfioException {
        int prot = (region.readable() ? Kabi.KABI_PROT_READ() : 0) | (region.writable() ? Kabi.KABI_PROT_WRITE() : 0);
        try {
            return Syscalls.mmap(area.size(), prot, Kabi.KABI_MAP_SHARED(), fd.get(), region.offset() + area.offset(),
                    mappings, address + " region " + region.index() + " +0x" + Long.toHexString(area.offset()));
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "mmap of region " + region.index());
        } catch (IllegalStateException e) {
            throw new IllegalStateException("VFIO device " + address + " is closed", e);
        }
    }

    /** pread/pwrite access to a region; failures surface as {@link UncheckedIOException} (MMIO is unchecked). */
    TrappedMmioRegion.Handler regionIo(RegionInfo region) {
        long base = region.offset();
        String where = address + " region " + region.index();
        return new TrappedMmioRegion.Handler() {
            @Override
            public int read(long offset, int width) {
                try {
                    return readAt(base + offset, width);
                } catch (VfioException e) {
                    throw new UncheckedIOException(where + " read", e);
                }
            }

            @Override
            public void write(long offset, int width, int value) {
                try {
                    writeAt(base + offset, width, value);
                } catch (VfioException e) {
                    throw new UncheckedIOException(where + " write", e);
                }
            }
        };
    }

    /** Reads {@code width} (1, 2, 4) little-endian bytes at an absolute offset of the device fd. */
    int readAt(long fileOffset, int width) throws VfioException {
        checkWidth(width);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4, 4);
            long n = Syscalls.pread(fd.get(), buf.asSlice(0, width), fileOffset);
            if (n != width) {
                throw new VfioException(VfioException.Kind.BAD_REGION, address, "short read of " + n + "/" + width
                        + " bytes at device offset 0x" + Long.toHexString(fileOffset));
            }
            return switch (width) {
                case 1 -> Byte.toUnsignedInt(buf.get(ValueLayout.JAVA_BYTE, 0));
                case 2 -> Short.toUnsignedInt(buf.get(LE16, 0));
                default -> buf.get(LE32, 0);
            };
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "pread at device offset 0x" + Long.toHexString(fileOffset));
        }
    }

    /** Writes {@code width} (1, 2, 4) little-endian bytes at an absolute offset of the device fd. */
    void writeAt(long fileOffset, int width, int value) throws VfioException {
        checkWidth(width);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4, 4);
            switch (width) {
                case 1 -> buf.set(ValueLayout.JAVA_BYTE, 0, (byte) value);
                case 2 -> buf.set(LE16, 0, (short) value);
                default -> buf.set(LE32, 0, value);
            }
            long n = Syscalls.pwrite(fd.get(), buf.asSlice(0, width), fileOffset);
            if (n != width) {
                throw new VfioException(VfioException.Kind.BAD_REGION, address, "short write of " + n + "/" + width
                        + " bytes at device offset 0x" + Long.toHexString(fileOffset));
            }
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "pwrite at device offset 0x" + Long.toHexString(fileOffset));
        }
    }

    /** Reads {@code length} bytes at an absolute offset of the device fd (short at the end of a region). */
    byte[] readBytes(long fileOffset, int length) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(length);
            long n = Syscalls.pread(fd.get(), buf, fileOffset);
            return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "pread of " + length + " bytes at device offset 0x"
                    + Long.toHexString(fileOffset));
        }
    }

    private static void checkWidth(int width) {
        if (width != 1 && width != 2 && width != 4) {
            throw new IllegalArgumentException("access width must be 1, 2 or 4, got " + width);
        }
    }

    /** Resets the function ({@code VFIO_DEVICE_RESET}: FLR, PM or bus reset, whichever the kernel can do). */
    public void reset() throws VfioException {
        try {
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_DEVICE_RESET, 0L, "VFIO_DEVICE_RESET", address.toString());
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "VFIO_DEVICE_RESET" + (e.errno() == Errno.ENOTTY || e.errno() == Errno.EINVAL
                    ? " (the function offers no reset method)" : ""));
        }
    }

    /** Wires vectors {@code start ..} of interrupt index {@code index} to eventfds (-1 unwires a vector). */
    public void setIrqEventfds(int index, int start, int[] eventfds) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_DEVICE_SET_IRQS, Requests.irqSetEventfds(arena, index, start, eventfds),
                    "VFIO_DEVICE_SET_IRQS", address + " irq index " + index);
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "wiring " + eventfds.length + " vectors of irq index " + index);
        }
    }

    /** Switches interrupt index {@code index} off entirely. */
    public void disableIrqs(int index) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_DEVICE_SET_IRQS, Requests.irqDisable(arena, index),
                    "VFIO_DEVICE_SET_IRQS", address + " irq index " + index);
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "disabling irq index " + index);
        }
    }

    /**
     * Sets the SR-IOV VF token on a vfio-pci physical function, so that its VFs can be opened with
     * {@code vf_token=<uuid>} ({@code VFIO_DEVICE_FEATURE}, {@code PCI_VF_TOKEN}).
     */
    public void setVfToken(UUID token) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_DEVICE_FEATURE, Requests.setVfToken(arena, token),
                    "VFIO_DEVICE_FEATURE(PCI_VF_TOKEN)", address.toString());
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "setting the VF token" + (e.errno() == Errno.ENOTTY
                    || e.errno() == Errno.EINVAL ? " (not a vfio-pci PF with SR-IOV, or kernel before 5.7)" : ""));
        }
    }

    /**
     * Binds a cdev-opened device to an iommufd ({@code VFIO_DEVICE_BIND_IOMMUFD}), presenting {@code vfToken}
     * if not null; returns the device id inside that iommufd.
     */
    int bindIommufd(int iommufd, UUID vfToken) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(kabi_vfio_device_bind_iommufd.layout());
            kabi_vfio_device_bind_iommufd.argsz(s, (int) kabi_vfio_device_bind_iommufd.layout().byteSize());
            kabi_vfio_device_bind_iommufd.iommufd(s, iommufd);
            if (vfToken != null) {
                MemorySegment token = arena.allocate(VfToken.SIZE);
                MemorySegment.copy(VfToken.bytes(vfToken), 0, token, ValueLayout.JAVA_BYTE, 0, VfToken.SIZE);
                kabi_vfio_device_bind_iommufd.flags(s, Kabi.KABI_VFIO_DEVICE_BIND_FLAG_TOKEN());
                kabi_vfio_device_bind_iommufd.token_uuid_ptr(s, token.address());
            }
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_DEVICE_BIND_IOMMUFD, s, "VFIO_DEVICE_BIND_IOMMUFD", address.toString());
            return kabi_vfio_device_bind_iommufd.out_devid(s);
        } catch (NativeIoException e) {
            throw VfioGroup.openFailure(e, address, vfToken, "binding the device to iommufd");
        }
    }

    /** Attaches a bound cdev device to an IOAS or HW page table; returns the page table actually attached. */
    int attachIommufdPt(int ptId) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(kabi_vfio_device_attach_iommufd_pt.layout());
            kabi_vfio_device_attach_iommufd_pt.argsz(s, (int) kabi_vfio_device_attach_iommufd_pt.layout().byteSize());
            kabi_vfio_device_attach_iommufd_pt.pt_id(s, ptId);
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_DEVICE_ATTACH_IOMMUFD_PT, s, "VFIO_DEVICE_ATTACH_IOMMUFD_PT",
                    address + " pt " + ptId);
            return kabi_vfio_device_attach_iommufd_pt.pt_id(s);
        } catch (NativeIoException e) {
            throw Native.failed(e, address, "attaching the device to IOAS " + ptId);
        }
    }

    /** Whether the device fd is still open. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Unmaps every region mapping, then closes the fd; idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            mappings.close();
        } finally {
            fd.close();
        }
    }

    @Override
    public String toString() {
        return "VfioDevice[" + address + ", " + fd + "]";
    }
}
