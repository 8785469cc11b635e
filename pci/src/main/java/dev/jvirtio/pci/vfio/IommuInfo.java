package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.IovaAllocator;
import dev.jvirtio.dma.IovaRange;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_iommu_type1_info;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What the IOMMU behind a VFIO container (or an iommufd IOAS) accepts: the page sizes it can map and the
 * IOVA windows where mappings may go.
 *
 * <pre>{@code
 * IommuInfo info = container.iommuInfo();
 * IovaAllocator iovas = info.newIovaAllocator();      // never hands out reserved windows (MSI, RMRR ...)
 * long page = info.minPageSize();                      // 4 KiB on x86
 * }</pre>
 *
 * @param pageSizes  bitmap of mappable page sizes (bit n set: 2^n bytes), 0 if the kernel did not say
 * @param iovaRanges usable IOVA windows, inclusive ends; empty if the kernel did not report any (kernels
 *                   before 5.4 have no IOVA-range capability)
 * @param dmaAvail   how many more DMA mappings the container allows, if the kernel reports it
 */
public record IommuInfo(long pageSizes, List<IovaRange> iovaRanges, OptionalInt dmaAvail) {

    /** When the kernel reports no windows: 39 address bits, what every VT-d and AMD-Vi domain provides. */
    public static final int FALLBACK_ADDRESS_BITS = 39;

    private static final long FIXED_SIZE = kabi_vfio_iommu_type1_info.layout().byteSize();

    /** Copies the range list. */
    public IommuInfo {
        iovaRanges = List.copyOf(iovaRanges);
    }

    /** The smallest mappable page size, 4096 when the kernel reported none. */
    public long minPageSize() {
        return pageSizes == 0 ? 4096 : Long.lowestOneBit(pageSizes);
    }

    /**
     * A fresh IOVA allocator over the reported windows (above {@link IovaAllocator#DEFAULT_FLOOR}), or over
     * {@value #FALLBACK_ADDRESS_BITS} address bits if the kernel reported none.
     */
    public IovaAllocator newIovaAllocator() {
        if (iovaRanges.isEmpty()) {
            return IovaAllocator.forAddressBits(FALLBACK_ADDRESS_BITS);
        }
        return new IovaAllocator(iovaRanges, IovaAllocator.DEFAULT_FLOOR, Long.MAX_VALUE);
    }

    /**
     * Decodes a {@code VFIO_IOMMU_GET_INFO} reply. IOVA windows whose ends lie at or above 2^63 are clipped
     * to 2^63 - 1 (IOVAs are non-negative {@code long}s in jvirtio); windows entirely above are dropped.
     *
     * @throws VfioException ({@link VfioException.Kind#BAD_KERNEL_REPLY}) for an inconsistent reply
     */
    public static IommuInfo parse(MemorySegment reply) throws VfioException {
        String what = "type1 IOMMU info";
        if (reply.byteSize() < FIXED_SIZE) {
            throw CapabilityChain.bad(what, "reply of " + reply.byteSize() + " bytes is shorter than " + FIXED_SIZE);
        }
        int flags = reply.get(CapabilityChain.U32, kabi_vfio_iommu_type1_info.flags$offset());
        long pageSizes = (flags & Kabi.KABI_VFIO_IOMMU_INFO_PGSIZES()) != 0
                ? reply.get(CapabilityChain.U64, kabi_vfio_iommu_type1_info.iova_pgsizes$offset()) : 0;
        List<IovaRange> ranges = new ArrayList<>();
        OptionalInt avail = OptionalInt.empty();
        if ((flags & Kabi.KABI_VFIO_IOMMU_INFO_CAPS()) != 0) {
            long first = Integer.toUnsignedLong(
                    reply.get(CapabilityChain.U32, kabi_vfio_iommu_type1_info.cap_offset$offset()));
            for (CapabilityChain.Cap cap : CapabilityChain.walk(reply, FIXED_SIZE, first, what)) {
                if (cap.id() == Kabi.KABI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE()) {
                    // header (8), nr_iovas (4), reserved (4), then nr_iovas x {u64 start, u64 end}
                    CapabilityChain.requireBody(reply, cap, CapabilityChain.HEADER_SIZE + 8, what);
                    long n = Integer.toUnsignedLong(reply.get(CapabilityChain.U32, cap.offset() + 8));
                    CapabilityChain.requireBody(reply, cap, CapabilityChain.HEADER_SIZE + 8 + 16 * n, what);
                    for (long i = 0; i < n; i++) {
                        long at = cap.offset() + 16 + 16 * i;
                        addRange(ranges, reply.get(CapabilityChain.U64, at), reply.get(CapabilityChain.U64, at + 8),
                                what, i);
                    }
                } else if (cap.id() == Kabi.KABI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL()) {
                    CapabilityChain.requireBody(reply, cap, CapabilityChain.HEADER_SIZE + 4, what);
                    int a = reply.get(CapabilityChain.U32, cap.offset() + 8);
                    avail = OptionalInt.of(a < 0 ? Integer.MAX_VALUE : a);
                }
            }
        }
        return new IommuInfo(pageSizes, ranges, avail);
    }

    /** Adds the inclusive window {@code [start, end]} (unsigned 64-bit), clipped below 2^63. */
    static void addRange(List<IovaRange> out, long start, long end, String what, long index) throws VfioException {
        if (Long.compareUnsigned(start, end) > 0) {
            throw CapabilityChain.bad(what, "IOVA range " + index + " starts at 0x" + Long.toHexString(start)
                    + " after its end 0x" + Long.toHexString(end));
        }
        if (start < 0) {
            return; // entirely at or above 2^63
        }
        out.add(new IovaRange(start, end < 0 ? Long.MAX_VALUE : end));
    }
}
