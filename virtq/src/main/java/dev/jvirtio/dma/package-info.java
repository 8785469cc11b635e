/**
 * DMA memory: host memory a device can reach, and the device's view of it.
 *
 * <ul>
 *   <li>{@link dev.jvirtio.dma.DmaRegion}: a segment (CPU view) plus its IOVA (device view), with
 *       bounds-checked slices; raw CPU addresses never appear in the API.</li>
 *   <li>{@link dev.jvirtio.dma.DmaAllocator}: {@link dev.jvirtio.dma.HugepageDmaAllocator} (2 MiB / 1 GiB,
 *       memfd + MAP_POPULATE + mlock) and {@link dev.jvirtio.dma.AnonymousDmaAllocator} (4 KiB pages).</li>
 *   <li>{@link dev.jvirtio.dma.IovaAllocator}: IOVA space within the IOMMU's ranges, floor and ceiling.</li>
 *   <li>{@link dev.jvirtio.dma.DmaMapper}: map/unmap at an IOVA; {@link dev.jvirtio.dma.SoftwareIommu} is the
 *       in-process implementation whose {@link dev.jvirtio.dma.DeviceMemory} side the device model uses.</li>
 *   <li>{@link dev.jvirtio.dma.DmaPool}: allocator + IOVA allocator + mapper, one call per mapped region.</li>
 *   <li>{@link dev.jvirtio.dma.PagemapReader}: physical addresses for noiommu mode.</li>
 * </ul>
 *
 * <p>Every native resource has one owner and is released exactly once; use after release throws
 * {@link java.lang.IllegalStateException} (the FFM arena guarantees this for memory), never a crash.
 */
package dev.jvirtio.dma;
