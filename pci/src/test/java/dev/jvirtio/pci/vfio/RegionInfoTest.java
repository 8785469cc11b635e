package dev.jvirtio.pci.vfio;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Region info replies built byte by byte after struct vfio_region_info (argsz, flags, index, cap_offset,
 * u64 size, u64 offset = 32 bytes) and its capabilities (uapi/linux/vfio.h).
 */
class RegionInfoTest {
    // uapi values, spelled out here rather than taken from the code under test
    static final int READ = 1, WRITE = 2, MMAP = 4, CAPS = 8;
    static final int CAP_SPARSE = 1, CAP_TYPE = 2, CAP_MSIX_MAPPABLE = 3;

    /** The fixed part: as the kernel leaves it for region {@code index}. */
    static Buf region(int size, int flags, int index, int capOffset, long regionSize, long offset) {
        return new Buf(size).u32(0, size).u32(4, flags).u32(8, index).u32(12, capOffset)
                .u64(16, regionSize).u64(24, offset);
    }

    @Test
    void plainMappableBarIsOneWholeWindow() throws VfioException {
        // What QEMU's virtio-blk BAR4 looks like in the guest: 16 KiB, R/W/MMAP, no capabilities.
        RegionInfo r = RegionInfo.parse(region(32, READ | WRITE | MMAP, 4, 0, 0x4000, 4L << 40).segment());
        assertEquals(4, r.index());
        assertEquals(0x4000, r.size());
        assertEquals(4L << 40, r.offset());
        assertTrue(r.exists() && r.readable() && r.writable() && r.mmappable());
        assertNull(r.sparseAreas());
        assertEquals(List.of(new SparseArea(0, 0x4000)), r.mmapAreas());
        assertTrue(r.fullyMappable());
        assertFalse(r.msixMappable());
    }

    @Test
    void configRegionIsReadWriteButNotMappable() throws VfioException {
        RegionInfo r = RegionInfo.parse(region(32, READ | WRITE, 7, 0, 0x1000, 7L << 40).segment());
        assertFalse(r.mmappable());
        assertEquals(List.of(), r.mmapAreas());
        assertFalse(r.fullyMappable());
    }

    @Test
    void absentRegionHasSizeZero() throws VfioException {
        RegionInfo r = RegionInfo.parse(region(32, 0, 0, 0, 0, 0).segment());
        assertFalse(r.exists());
        assertEquals(List.of(), r.mmapAreas());
    }

    @Test
    void sparseMmapCapabilityListsTheWindowsAroundTheMsixTable() throws VfioException {
        // 64 KiB BAR, MSI-X table at 0x2000..0x2fff: two windows [0, 0x2000) and [0x3000, 0x10000).
        int capAt = 32;
        Buf b = region(32 + 16 + 32, READ | WRITE | MMAP | CAPS, 0, capAt, 0x10000, 0)
                .cap(capAt, CAP_SPARSE, 1, 0).u32(capAt + 8, 2).u32(capAt + 12, 0)
                .u64(capAt + 16, 0).u64(capAt + 24, 0x2000)
                .u64(capAt + 32, 0x3000).u64(capAt + 40, 0xd000);
        RegionInfo r = RegionInfo.parse(b.segment());
        assertEquals(List.of(new SparseArea(0, 0x2000), new SparseArea(0x3000, 0xd000)), r.sparseAreas());
        assertEquals(r.sparseAreas(), r.mmapAreas());
        assertFalse(r.fullyMappable());
    }

    @Test
    void emptySparseAreasAreNotOfferedForMapping() throws VfioException {
        int capAt = 32;
        Buf b = region(32 + 16 + 16, READ | MMAP | CAPS, 0, capAt, 0x1000, 0)
                .cap(capAt, CAP_SPARSE, 1, 0).u32(capAt + 8, 1).u64(capAt + 16, 0x800).u64(capAt + 24, 0);
        RegionInfo r = RegionInfo.parse(b.segment());
        assertEquals(1, r.sparseAreas().size());
        assertEquals(List.of(), r.mmapAreas(), "a zero-length window is nothing to map");
    }

    @Test
    void chainOfTypeMsixAndUnknownCapabilitiesIsFollowed() throws VfioException {
        // type cap at 32 -> unknown id 77 at 48 -> msix-mappable at 56 -> end
        Buf b = region(64, READ | CAPS, 9, 32, 0x100, 9L << 40)
                .cap(32, CAP_TYPE, 1, 48).u32(40, 0x8086).u32(44, 3)
                .cap(48, 77, 1, 56)
                .cap(56, CAP_MSIX_MAPPABLE, 1, 0);
        RegionInfo r = RegionInfo.parse(b.segment());
        assertEquals((0x8086L << 32) | 3, r.regionType().orElseThrow());
        assertTrue(r.msixMappable());
        assertNull(r.sparseAreas());
    }

    @Test
    void capabilitiesAreIgnoredWithoutTheCapsFlag() throws VfioException {
        // Old kernels leave cap_offset garbage when they do not set FLAG_CAPS; it must not be followed.
        RegionInfo r = RegionInfo.parse(region(32, READ, 0, 0xdead, 0x100, 0).segment());
        assertNull(r.sparseAreas());
    }

    @Test
    void capabilityChainThatLoopsIsRejected() {
        Buf b = region(64, READ | CAPS, 0, 32, 0x100, 0).cap(32, 42, 1, 48).cap(48, 42, 1, 32);
        VfioException e = assertThrows(VfioException.class, () -> RegionInfo.parse(b.segment()));
        assertEquals(VfioException.Kind.BAD_KERNEL_REPLY, e.kind());
        assertTrue(e.getMessage().contains("offset 32"), e.getMessage());
    }

    @Test
    void capabilityChainThatPointsToItselfIsRejected() {
        Buf b = region(48, READ | CAPS, 0, 32, 0x100, 0).cap(32, 42, 1, 32);
        assertEquals(VfioException.Kind.BAD_KERNEL_REPLY,
                assertThrows(VfioException.class, () -> RegionInfo.parse(b.segment())).kind());
    }

    @Test
    void capabilityInsideTheFixedStructOrPastTheBufferIsRejected() {
        assertThrows(VfioException.class, () -> RegionInfo.parse(region(48, READ | CAPS, 0, 8, 0x100, 0).segment()));
        assertThrows(VfioException.class, () -> RegionInfo.parse(region(48, READ | CAPS, 0, 44, 0x100, 0).segment()));
        assertThrows(VfioException.class, () -> RegionInfo.parse(region(48, READ | CAPS, 0, -4, 0x100, 0).segment()));
    }

    @Test
    void sparseCapabilityWhoseAreasRunOffTheBufferIsRejected() {
        // nr_areas says 3 but only one area fits in the reply.
        Buf b = region(64, READ | MMAP | CAPS, 0, 32, 0x10000, 0).cap(32, CAP_SPARSE, 1, 0).u32(40, 3)
                .u64(48, 0).u64(56, 0x1000);
        VfioException e = assertThrows(VfioException.class, () -> RegionInfo.parse(b.segment()));
        assertTrue(e.getMessage().contains("needs"), e.getMessage());
    }

    @Test
    void sparseAreaOutsideTheRegionIsRejected() {
        Buf b = region(64, READ | MMAP | CAPS, 0, 32, 0x2000, 0).cap(32, CAP_SPARSE, 1, 0).u32(40, 1)
                .u64(48, 0x1000).u64(56, 0x2000);
        VfioException e = assertThrows(VfioException.class, () -> RegionInfo.parse(b.segment()));
        assertTrue(e.getMessage().contains("outside the region"), e.getMessage());
    }

    @Test
    void hugeAreaCountDoesNotOverflowTheBoundsCheck() {
        Buf b = region(64, READ | MMAP | CAPS, 0, 32, 0x2000, 0).cap(32, CAP_SPARSE, 1, 0).u32(40, 0xffffffffL);
        assertThrows(VfioException.class, () -> RegionInfo.parse(b.segment()));
    }

    @Test
    void shortReplyIsRejected() {
        assertThrows(VfioException.class, () -> RegionInfo.parse(new Buf(24).segment()));
    }

    @Test
    void sparseAreaContainment() {
        SparseArea a = new SparseArea(0x1000, 0x1000);
        assertTrue(a.contains(0x1000, 4));
        assertTrue(a.contains(0x1ffc, 4));
        assertFalse(a.contains(0x1ffe, 4), "straddles the end");
        assertFalse(a.contains(0xffe, 4), "starts before");
        assertThrows(IllegalArgumentException.class, () -> new SparseArea(-1, 1));
    }
}
