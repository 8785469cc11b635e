package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaMapper;
import dev.jvirtio.dma.PagemapReader;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.PciFunction;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real PCI function driven from user space through VFIO: configuration space through the config region,
 * BARs mmapped, DMA through the IOMMU (type1 container, iommufd IOAS) or, on request, without one.
 *
 * <pre>{@code
 * try (VfioPciFunction f = VfioPciFunction.open(PciAddress.parse("0000:01:00.0"), VfioOptions.defaults())) {
 *     int vendor = f.configRead(0, 2);                    // 0x1af4
 *     MmioRegion bar4 = f.bar(4);
 *     DmaPool pool = new DmaPool(allocator, f.iommuInfo().newIovaAllocator(), f.dmaMapper());
 *     ...
 *     pool.close();                                        // DMA users close before the function
 * }
 * }</pre>
 *
 * <p><b>Ownership.</b> The function owns every fd and mapping it opens and releases each exactly once, in
 * the order the kernel needs: MSI-X eventfds, then the device (BAR mappings unmapped first; closing the
 * fd makes vfio-pci disable the device, so it stops DMA), then the group, then the container or iommufd
 * (which remove the DMA mappings). Anything used after {@link #close()} throws
 * {@link IllegalStateException}. Control path: the methods are thread-safe, BAR accesses are as safe as
 * the device allows.
 *
 * <p><b>Privileges.</b> Opening needs read-write access to the VFIO nodes (root, or a user the group node
 * was given to) and enough {@code RLIMIT_MEMLOCK} for the DMA memory; the no-IOMMU backend needs root.
 */
public final class VfioPciFunction implements PciFunction {
    private static final int BAR_COUNT = 6;

    private final PciAddress address;
    private final VfioBackend backend;
    private final VfioContainer container;
    private final VfioGroup group;
    private final Iommufd iommufd;
    private final VfioDevice device;
    private final DmaMapperBase mapper;
    private final IommuInfo iommuInfo;
    private final DeviceInfo deviceInfo;
    private final RegionInfo config;
    private final MmioRegion[] bars = new MmioRegion[BAR_COUNT];
    private final List<MsixInterrupts> interrupts = new ArrayList<>();
    private boolean closed;

    private VfioPciFunction(PciAddress address, VfioBackend backend, VfioContainer container, VfioGroup group,
                            Iommufd iommufd, VfioDevice device, DmaMapperBase mapper, IommuInfo iommuInfo,
                            DeviceInfo deviceInfo, RegionInfo config) {
        this.address = address;
        this.backend = backend;
        this.container = container;
        this.group = group;
        this.iommufd = iommufd;
        this.device = device;
        this.mapper = mapper;
        this.iommuInfo = iommuInfo;
        this.deviceInfo = deviceInfo;
        this.config = config;
    }

    /**
     * Opens a function bound to vfio-pci.
     *
     * @throws VfioException with a {@link VfioException.Kind} and a message saying what to fix: no such
     *                       function, not bound to vfio-pci, no IOMMU group, VFIO not loaded, permission
     *                       denied, group not viable, busy, backend unsupported ...
     */
    public static VfioPciFunction open(PciAddress address, VfioOptions options) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        VfioLocator.Plan plan = VfioLocator.plan(address, options);
        List<AutoCloseable> opened = new ArrayList<>(); // in opening order; closed in reverse on failure
        try {
            VfioContainer container = null;
            VfioGroup group = null;
            Iommufd iommufd = null;
            VfioDevice device;
            DmaMapperBase mapper;
            IommuInfo info;
            switch (plan.backend()) {
                case TYPE1, NOIOMMU -> {
                    boolean noiommu = plan.backend() == VfioBackend.NOIOMMU;
                    container = VfioContainer.open(plan.containerNode());
                    opened.add(container);
                    int type = noiommu ? Kabi.KABI_VFIO_NOIOMMU_IOMMU() : Kabi.KABI_VFIO_TYPE1v2_IOMMU();
                    if (!container.hasExtension(type)) {
                        throw new VfioException(VfioException.Kind.UNSUPPORTED, address, plan.containerNode()
                                + " lacks " + (noiommu ? "the no-IOMMU driver" : "the type1v2 IOMMU driver"
                                + " (modprobe vfio_iommu_type1)"));
                    }
                    group = VfioGroup.open(plan.groupNode(), plan.group());
                    opened.add(group);
                    group.requireViable(address, options.sysfsRoot());
                    group.setContainer(container);
                    container.setIommu(type);
                    device = group.openDevice(address, options.vfToken());
                    opened.add(device);
                    if (noiommu) {
                        mapper = new NoIommuDmaMapper(PagemapReader.open(options.pagemap(), NoIommuDmaMapper.BASE_PAGE));
                        opened.add(mapper);
                        info = null;
                    } else {
                        info = container.iommuInfo();
                        mapper = container.dmaMapper();
                    }
                }
                case IOMMUFD -> {
                    iommufd = Iommufd.open(plan.iommuNode());
                    opened.add(iommufd);
                    device = new VfioDevice(Native.openNode(plan.cdevNode(), "VFIO device cdev", address), address);
                    opened.add(device);
                    device.bindIommufd(iommufd.fd(), options.vfToken());
                    device.attachIommufdPt(iommufd.ioas());
                    info = iommufd.iommuInfo();
                    mapper = iommufd.dmaMapper();
                }
                default -> throw new AssertionError(plan.backend());
            }
            DeviceInfo dinfo = device.info();
            if (!dinfo.isPci() || dinfo.numRegions() <= Kabi.KABI_VFIO_PCI_CONFIG_REGION_INDEX()) {
                throw new VfioException(VfioException.Kind.BAD_KERNEL_REPLY, address, "VFIO does not describe a PCI "
                        + "device (flags 0x" + Integer.toHexString(dinfo.flags()) + ", " + dinfo.numRegions() + " regions)");
            }
            RegionInfo config = device.regionInfo(Kabi.KABI_VFIO_PCI_CONFIG_REGION_INDEX());
            if (!config.exists() || !config.readable()) {
                throw new VfioException(VfioException.Kind.BAD_REGION, address, "config space region is not readable");
            }
            if (options.resetOnOpen() && dinfo.resettable()) {
                device.reset();
            }
            return new VfioPciFunction(address, plan.backend(), container, group, iommufd, device, mapper, info,
                    dinfo, config);
        } catch (IOException | RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    @Override
    public PciAddress address() {
        return address;
    }

    /** The backend in use (never AUTO). */
    public VfioBackend backend() {
        return backend;
    }

    /** The VFIO device, for region/IRQ details this class does not wrap. Owned by this function. */
    public VfioDevice device() {
        checkOpen();
        return device;
    }

    /** What VFIO said about the device. */
    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    /**
     * The IOMMU's page sizes and usable IOVA windows; {@code newIovaAllocator()} on it gives an allocator for
     * a {@link dev.jvirtio.dma.DmaPool}.
     *
     * @throws IllegalStateException with the no-IOMMU backend, where IOVAs are physical addresses
     */
    public IommuInfo iommuInfo() {
        checkOpen();
        if (iommuInfo == null) {
            throw new IllegalStateException("no IOMMU: with VfioBackend.NOIOMMU the IOVA of a buffer is its physical "
                    + "address (NoIommuDmaMapper.iovaFor)");
        }
        return iommuInfo;
    }

    @Override
    public int configSize() {
        return (int) Math.min(config.size(), 4096);
    }

    @Override
    public int configRead(int offset, int width) throws IOException {
        checkConfigAccess(offset, width);
        return device.readAt(config.offset() + offset, width);
    }

    @Override
    public void configWrite(int offset, int width, int value) throws IOException {
        checkConfigAccess(offset, width);
        if (!config.writable()) {
            throw new VfioException(VfioException.Kind.BAD_REGION, address, "config space region is read-only");
        }
        device.writeAt(config.offset() + offset, width, value);
    }

    @Override
    public byte[] configSnapshot() throws IOException {
        checkOpen();
        return device.readBytes(config.offset(), configSize());
    }

    private void checkConfigAccess(int offset, int width) {
        checkOpen();
        if (width != 1 && width != 2 && width != 4) {
            throw new IllegalArgumentException("config access width must be 1, 2 or 4, got " + width);
        }
        MmioRegion.checkAccess(offset, width, configSize());
    }

    /**
     * BAR {@code index}, mapped on first use (the whole BAR when VFIO allows, the permitted windows plus
     * pread/pwrite otherwise) and kept until the function closes.
     */
    @Override
    public synchronized MmioRegion bar(int index) throws IOException {
        checkOpen();
        if (index < 0 || index >= BAR_COUNT) {
            throw new IllegalArgumentException("BAR index must be 0-5, got " + index);
        }
        MmioRegion r = bars[index];
        if (r == null) {
            RegionInfo info = device.regionInfo(index);
            if (!info.exists()) {
                throw new VfioException(VfioException.Kind.BAD_REGION, address, "BAR " + index + " does not exist");
            }
            r = device.mapRegion(info);
            bars[index] = r;
        }
        return r;
    }

    @Override
    public DmaMapper dmaMapper() {
        checkOpen();
        return mapper;
    }

    /** Wires MSI-X vectors {@code 0 .. count-1} to eventfds; closed with the function if not before. */
    public synchronized MsixInterrupts enableMsix(int count) throws IOException {
        checkOpen();
        for (MsixInterrupts m : interrupts) {
            m.close(); // VFIO MSI-X vectors cannot be resized: start over
        }
        interrupts.clear();
        MsixInterrupts m = MsixInterrupts.enable(device, count);
        interrupts.add(m);
        return m;
    }

    /** Resets the function through VFIO. */
    public void reset() throws IOException {
        checkOpen();
        device.reset();
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("VFIO function " + address + " is closed");
        }
    }

    /** Releases everything, children before parents; idempotent. */
    @Override
    public void close() {
        List<MsixInterrupts> irqs;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            irqs = List.copyOf(interrupts);
            interrupts.clear();
        }
        try {
            for (MsixInterrupts m : irqs) {
                m.close();
            }
        } finally {
            try {
                device.close();
            } finally {
                try {
                    if (group != null) {
                        group.close();
                    }
                } finally {
                    try {
                        if (mapper instanceof NoIommuDmaMapper) {
                            mapper.close();
                        }
                        if (container != null) {
                            container.close();
                        }
                    } finally {
                        if (iommufd != null) {
                            iommufd.close();
                        }
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "VfioPciFunction[" + address + ", " + backend + (closed ? ", closed" : "") + "]";
    }
}
