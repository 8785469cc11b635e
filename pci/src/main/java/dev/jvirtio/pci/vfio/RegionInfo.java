package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_region_info;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A device region (BAR, ROM, config space, or a device-specific one) as {@code VFIO_DEVICE_GET_REGION_INFO}
 * describes it, capabilities included.
 *
 * <pre>{@code
 * RegionInfo bar4 = device.regionInfo(4);
 * if (bar4.mmappable()) { ... bar4.mmapAreas() lists what may be mapped ... }
 * }</pre>
 *
 * @param index        region index (0-5 BARs, 6 ROM, 7 config, 8 VGA, then device-specific)
 * @param flags        {@code KABI_VFIO_REGION_INFO_FLAG_*}
 * @param size         region size in bytes; 0 means the device does not implement this region
 * @param offset       where the region starts in the device fd's file space (for pread/pwrite/mmap)
 * @param sparseAreas  the sparse-mmap capability's windows, or null when the region carries none (then the
 *                     whole region may be mmapped if {@link #mmappable()})
 * @param regionType   the type capability's {@code (type << 32) | subtype}, empty if absent
 * @param msixMappable whether the MSI-X-mappable capability is present (the MSI-X table page may be mapped)
 */
public record RegionInfo(int index, int flags, long size, long offset, List<SparseArea> sparseAreas,
                         OptionalLong regionType, boolean msixMappable) {

    private static final long FIXED_SIZE = kabi_vfio_region_info.layout().byteSize();

    /** Copies the area list (keeps null, which means "no sparse capability"). */
    public RegionInfo {
        sparseAreas = sparseAreas == null ? null : List.copyOf(sparseAreas);
    }

    /** Whether the region exists. */
    public boolean exists() {
        return size != 0;
    }

    /** Whether pread on the region works. */
    public boolean readable() {
        return (flags & Kabi.KABI_VFIO_REGION_INFO_FLAG_READ()) != 0;
    }

    /** Whether pwrite on the region works. */
    public boolean writable() {
        return (flags & Kabi.KABI_VFIO_REGION_INFO_FLAG_WRITE()) != 0;
    }

    /** Whether (some of) the region may be mmapped. */
    public boolean mmappable() {
        return (flags & Kabi.KABI_VFIO_REGION_INFO_FLAG_MMAP()) != 0;
    }

    /**
     * The windows that may be mmapped: the sparse areas if the kernel listed some, the whole region if it
     * is mmappable without that capability, nothing otherwise. Empty areas are left out.
     */
    public List<SparseArea> mmapAreas() {
        if (!mmappable() || size == 0) {
            return List.of();
        }
        if (sparseAreas == null) {
            return List.of(new SparseArea(0, size));
        }
        List<SparseArea> out = new ArrayList<>();
        for (SparseArea a : sparseAreas) {
            if (a.size() > 0) {
                out.add(a);
            }
        }
        return List.copyOf(out);
    }

    /** Whether one mmap can cover the whole region. */
    public boolean fullyMappable() {
        List<SparseArea> areas = mmapAreas();
        return areas.size() == 1 && areas.getFirst().offset() == 0 && areas.getFirst().size() == size;
    }

    /**
     * Decodes a reply of {@code VFIO_DEVICE_GET_REGION_INFO} (the fixed struct plus its capability chain).
     * Unknown capabilities are skipped; known ones are checked against the buffer and the region size.
     *
     * @throws VfioException ({@link VfioException.Kind#BAD_KERNEL_REPLY}) for an inconsistent reply
     */
    public static RegionInfo parse(MemorySegment reply) throws VfioException {
        if (reply.byteSize() < FIXED_SIZE) {
            throw CapabilityChain.bad("region info", "reply of " + reply.byteSize() + " bytes is shorter than "
                    + FIXED_SIZE);
        }
        int flags = reply.get(CapabilityChain.U32, kabi_vfio_region_info.flags$offset());
        int index = reply.get(CapabilityChain.U32, kabi_vfio_region_info.index$offset());
        long size = reply.get(CapabilityChain.U64, kabi_vfio_region_info.size$offset());
        long offset = reply.get(CapabilityChain.U64, kabi_vfio_region_info.offset$offset());
        String what = "region " + index + " info";
        if (size < 0 || offset < 0) {
            throw CapabilityChain.bad(what, "size 0x" + Long.toHexString(size) + " or offset 0x"
                    + Long.toHexString(offset) + " exceeds 2^63");
        }
        List<SparseArea> sparse = null;
        OptionalLong type = OptionalLong.empty();
        boolean msix = false;
        if ((flags & Kabi.KABI_VFIO_REGION_INFO_FLAG_CAPS()) != 0) {
            long first = Integer.toUnsignedLong(reply.get(CapabilityChain.U32, kabi_vfio_region_info.cap_offset$offset()));
            for (CapabilityChain.Cap cap : CapabilityChain.walk(reply, FIXED_SIZE, first, what)) {
                if (cap.id() == Kabi.KABI_VFIO_REGION_INFO_CAP_SPARSE_MMAP()) {
                    sparse = parseSparse(reply, cap, size, what);
                } else if (cap.id() == Kabi.KABI_VFIO_REGION_INFO_CAP_TYPE()) {
                    CapabilityChain.requireBody(reply, cap, CapabilityChain.HEADER_SIZE + 8, what);
                    long t = Integer.toUnsignedLong(reply.get(CapabilityChain.U32, cap.offset() + 8));
                    long st = Integer.toUnsignedLong(reply.get(CapabilityChain.U32, cap.offset() + 12));
                    type = OptionalLong.of(t << 32 | st);
                } else if (cap.id() == Kabi.KABI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE()) {
                    msix = true;
                }
            }
        }
        return new RegionInfo(index, flags, size, offset, sparse, type, msix);
    }

    private static List<SparseArea> parseSparse(MemorySegment reply, CapabilityChain.Cap cap, long regionSize,
                                                String what) throws VfioException {
        // header (8), nr_areas (4), reserved (4), then nr_areas x {u64 offset, u64 size}
        CapabilityChain.requireBody(reply, cap, CapabilityChain.HEADER_SIZE + 8, what);
        long n = Integer.toUnsignedLong(reply.get(CapabilityChain.U32, cap.offset() + CapabilityChain.HEADER_SIZE));
        CapabilityChain.requireBody(reply, cap, CapabilityChain.HEADER_SIZE + 8 + 16 * n, what);
        List<SparseArea> areas = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            long at = cap.offset() + 16 + 16 * i;
            long aOff = reply.get(CapabilityChain.U64, at);
            long aSize = reply.get(CapabilityChain.U64, at + 8);
            if (aOff < 0 || aSize < 0 || aOff > regionSize || aSize > regionSize - aOff) {
                throw CapabilityChain.bad(what, "sparse mmap area " + i + " [0x" + Long.toHexString(aOff)
                        + ", +0x" + Long.toHexString(aSize) + ") lies outside the region of 0x"
                        + Long.toHexString(regionSize) + " bytes");
            }
            areas.add(new SparseArea(aOff, aSize));
        }
        return areas;
    }
}
