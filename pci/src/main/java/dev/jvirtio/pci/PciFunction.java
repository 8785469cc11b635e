package dev.jvirtio.pci;

import dev.jvirtio.dma.DmaMapper;
import java.io.IOException;

/**
 * One PCI function as a driver sees it: configuration space, BARs, DMA, and doorbells.
 *
 * <p>Two kinds exist: a VFIO-backed function (a real device taken over through vfio-pci; BARs are
 * mmapped, DMA goes through the IOMMU) and an emulated one (the software device model; BAR accesses
 * are trapped and handed to the model, DMA goes through an in-process software IOMMU). Drivers are
 * written once against this interface.
 *
 * <p>Closing the function releases everything it opened (mappings, fds) exactly once; any use
 * afterwards throws {@link IllegalStateException}.
 */
public interface PciFunction extends AutoCloseable {

    /** The function's address. */
    PciAddress address();

    /** Size of the configuration space (256, or 4096 with extended space). */
    int configSize();

    /** Reads {@code width} (1, 2 or 4) bytes of configuration space at an aligned {@code offset}. */
    int configRead(int offset, int width) throws IOException;

    /** Writes {@code width} (1, 2 or 4) bytes of configuration space at an aligned {@code offset}. */
    void configWrite(int offset, int width, int value) throws IOException;

    /** Reads the whole configuration space (as far as this process may see it). */
    byte[] configSnapshot() throws IOException;

    /**
     * Register access to BAR {@code index} (0..5).
     *
     * @throws IOException if the BAR does not exist, is not memory, or cannot be mapped
     */
    MmioRegion bar(int index) throws IOException;

    /** The mapper that makes host memory visible to this function's DMA. */
    DmaMapper dmaMapper();

    /** Releases everything; idempotent. */
    @Override
    void close();
}
