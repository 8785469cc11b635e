/**
 * DMA memory and virtqueues (split and packed, driver and device side). Depends on no PCI code.
 *
 * <ul>
 *   <li>{@code dev.jvirtio.dma}: DMA regions, allocators, IOVA allocation, mappers, the software IOMMU.</li>
 *   <li>{@code dev.jvirtio.virtq}: the ring-agnostic driver API ({@code Virtqueue}, chain builder, doorbell,
 *       polling policy, protocol errors).</li>
 *   <li>{@code dev.jvirtio.virtq.split}, {@code dev.jvirtio.virtq.packed}: the two ring formats.</li>
 *   <li>{@code dev.jvirtio.virtq.device}: the device side of both rings, for device models and tests.</li>
 *   <li>{@code dev.jvirtio.dma.internal} (not exported): the DMA address space that every allocation lives in
 *       and the ring engines address their areas through.</li>
 * </ul>
 */
module dev.jvirtio.virtq {
    requires transitive dev.jvirtio.ffm;

    exports dev.jvirtio.dma;
    exports dev.jvirtio.virtq;
    exports dev.jvirtio.virtq.split;
    exports dev.jvirtio.virtq.packed;
    exports dev.jvirtio.virtq.device;
}
