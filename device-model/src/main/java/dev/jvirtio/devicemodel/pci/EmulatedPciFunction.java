package dev.jvirtio.devicemodel.pci;

import dev.jvirtio.dma.DmaMapper;
import dev.jvirtio.dma.SoftwareIommu;
import dev.jvirtio.pci.MmioRegion;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.pci.TrappedMmioRegion;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link PciFunction} whose hardware is software: configuration space is a {@link ConfigSpace},
 * each BAR access is trapped and handed to the device model, and DMA goes through an in-process
 * {@link SoftwareIommu} that the device side also reads through.
 *
 * <p>Closing the function makes every further access throw {@link IllegalStateException} and drops
 * all DMA mappings; it is what a hot-unplug looks like to a driver that keeps going.
 */
public final class EmulatedPciFunction implements PciFunction {

    private final PciAddress address;
    private final ConfigSpace config;
    private final MmioRegion[] bars = new MmioRegion[6];
    private final SoftwareIommu iommu;
    private volatile boolean closed;

    /**
     * @param address the function's address on the emulated bus
     * @param config  its configuration space
     * @param iommu   its DMA domain
     */
    public EmulatedPciFunction(PciAddress address, ConfigSpace config, SoftwareIommu iommu) {
        this.address = Objects.requireNonNull(address, "address");
        this.config = Objects.requireNonNull(config, "config");
        this.iommu = Objects.requireNonNull(iommu, "iommu");
    }

    /** Installs the trap handler of BAR {@code index} with {@code size} bytes. */
    public void bar(int index, long size, TrappedMmioRegion.Handler handler) {
        Objects.checkIndex(index, 6);
        TrappedMmioRegion.Handler guarded = new TrappedMmioRegion.Handler() {
            @Override
            public int read(long offset, int width) {
                checkOpen();
                return handler.read(offset, width);
            }

            @Override
            public void write(long offset, int width, int value) {
                checkOpen();
                handler.write(offset, width, value);
            }
        };
        bars[index] = new TrappedMmioRegion(guarded, size);
    }

    /** The configuration space (device side). */
    public ConfigSpace configSpace() {
        return config;
    }

    /** The DMA domain, as the device side sees it. */
    public SoftwareIommu iommu() {
        return iommu;
    }

    @Override
    public PciAddress address() {
        return address;
    }

    @Override
    public int configSize() {
        return config.size();
    }

    @Override
    public int configRead(int offset, int width) {
        checkOpen();
        return config.read(offset, width);
    }

    @Override
    public void configWrite(int offset, int width, int value) {
        checkOpen();
        config.write(offset, width, value);
    }

    @Override
    public byte[] configSnapshot() {
        checkOpen();
        return config.snapshot();
    }

    @Override
    public MmioRegion bar(int index) throws IOException {
        checkOpen();
        if (index < 0 || index > 5 || bars[index] == null) {
            throw new IOException(address + ": BAR " + index + " is not implemented");
        }
        return bars[index];
    }

    @Override
    public DmaMapper dmaMapper() {
        checkOpen();
        return iommu;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("emulated PCI function " + address + " is gone (closed)");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            iommu.close();
        }
    }

    @Override
    public String toString() {
        return "emulated " + address;
    }
}
