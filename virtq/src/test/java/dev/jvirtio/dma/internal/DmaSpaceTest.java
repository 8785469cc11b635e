package dev.jvirtio.dma.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;

import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.NativeIoException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The process's real DMA space, and the reservation logic against a stand-in address space. */
class DmaSpaceTest {
    private static final long GIB = 1L << 30;

    @Test
    void theSpaceIsReservedOneGibibyteAlignedAtTheConfiguredSize() {
        assertTrue(DmaSpace.available(), DmaSpace.unavailableReason());
        assertNull(DmaSpace.unavailableReason());
        String prop = System.getProperty(DmaSpace.PROPERTY);
        long expected = prop == null ? DmaSpace.DEFAULT_SIZE : DmaSpace.parseSize(prop);
        // The configured size, or (where address space or overcommit rules refuse it) a halving of it down
        // to 1 GiB: the reservation falls back rather than leaving the process without DMA memory.
        long size = DmaSpace.size();
        assertTrue(size >= GIB && size <= expected && Long.bitCount(expected / size) == 1 && expected % size == 0,
                "space of " + size + " bytes for a configured " + expected);
        assertEquals(DmaSpace.size(), DmaSpace.SPACE.byteSize());
        assertEquals(0, DmaSpace.SPACE.address() % GIB);
        assertEquals(DmaSpace.SPACE.address(), DmaSpace.address(0));
        assertTrue(DmaSpace.SPACE.scope().isAlive());
        // Unplaced memory anywhere in the space reads zero and takes a write without faulting.
        long far = DmaSpace.size() - 8;
        DmaSpace.SPACE.set(JAVA_LONG, far, 0);
        assertEquals(0L, DmaSpace.SPACE.get(JAVA_LONG, far));
    }

    @Test
    void offsetOfAcceptsOnlySegmentsEntirelyInside() {
        MemorySegment s = DmaSpace.SPACE;
        long size = s.byteSize();
        assertEquals(0, DmaSpace.offsetOf(s));
        assertEquals(4096, DmaSpace.offsetOf(s.asSlice(4096, 8192)));
        assertEquals(size - 16, DmaSpace.offsetOf(s.asSlice(size - 16)));
        assertEquals(size, DmaSpace.offsetOf(s.asSlice(size)), "an empty slice at the very end is inside");
        // Straddling the end, or starting before the base (views over raw addresses).
        assertEquals(-1, DmaSpace.offsetOf(MemorySegment.ofAddress(s.address() + size - 8).reinterpret(16)));
        assertEquals(-1, DmaSpace.offsetOf(MemorySegment.ofAddress(s.address() - 8).reinterpret(16)));
        assertEquals(-1, DmaSpace.offsetOf(MemorySegment.ofAddress(s.address() + size).reinterpret(8)));
        // Outside: other native memory, heap memory, NULL.
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-1, DmaSpace.offsetOf(arena.allocate(64)));
        }
        assertEquals(-1, DmaSpace.offsetOf(MemorySegment.ofArray(new byte[16])));
        assertEquals(-1, DmaSpace.offsetOf(MemorySegment.NULL));
    }

    @Test
    void retireZeroesTheRangeAndLaterAccessThroughSpaceDoesNotFault() throws Exception {
        long off = DmaSpace.place(3 * 4096, 4096);
        MemorySegment range = DmaSpace.SPACE.asSlice(off, 3 * 4096);
        assertEquals(-1, range.mismatch(MemorySegment.ofArray(new byte[3 * 4096])), "placed memory is zero");
        range.fill((byte) 0x6B);
        DmaSpace.retire(off, 3 * 4096);
        assertEquals(-1, range.mismatch(MemorySegment.ofArray(new byte[3 * 4096])), "retired memory reads zero");
        range.set(JAVA_LONG, 4096, 0xBADL); // a stale write: harmless
        assertEquals(0xBADL, range.get(JAVA_LONG, 4096));
        assertThrows(IllegalArgumentException.class, () -> DmaSpace.retire(off, 3 * 4096), "retired twice");
    }

    @Test
    void sizesParseInBinaryUnitsAndBadValuesAreNamed() {
        assertEquals(64L << 30, DmaSpace.parseSize("64g"));
        assertEquals(1L << 40, DmaSpace.parseSize("1T"));
        assertEquals(512L << 20, DmaSpace.parseSize(" 512m "));
        assertEquals(8192, DmaSpace.parseSize("5k"), "rounded up to whole pages");
        assertEquals(4096, DmaSpace.parseSize("1"));
        for (String bad : new String[] {"", "g", "-1g", "0", "1.5g", "12x", "65t", "99999999999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DmaSpace.parseSize(bad), bad);
            assertTrue(e.getMessage().contains(DmaSpace.PROPERTY), e.getMessage());
        }
        assertEquals("64 GiB", DmaSpace.describeSize(64L << 30));
        assertEquals("1536 MiB", DmaSpace.describeSize(3L << 29));
    }

    /** A stand-in address space: refuses maps above {@code limit}, records maps and unmaps. */
    private static final class FakeAddressSpace implements DmaSpace.AddressSpace {
        final long limit;
        final long address;
        final List<Long> maps = new ArrayList<>();
        final List<long[]> unmaps = new ArrayList<>();

        FakeAddressSpace(long limit, long address) {
            this.limit = limit;
            this.address = address;
        }

        @Override
        public long map(long length) throws NativeIoException {
            maps.add(length);
            if (length > limit) {
                throw new NativeIoException("mmap", Errno.ENOMEM, "fake");
            }
            return address;
        }

        @Override
        public void unmap(long address, long length) {
            unmaps.add(new long[] {address, length});
        }
    }

    @Test
    void theReservationIsTrimmedToAnAlignedBase() {
        long raw = 0x7f12_3456_7000L;
        FakeAddressSpace as = new FakeAddressSpace(Long.MAX_VALUE, raw);
        DmaSpace.Reservation r = DmaSpace.reserve("4g", as);
        assertNull(r.failure());
        assertEquals(4 * GIB, r.size());
        assertEquals(0, r.base() % GIB);
        assertTrue(r.base() >= raw && r.base() < raw + GIB);
        assertEquals(List.of(5 * GIB), as.maps, "size plus 1 GiB of slack for the alignment");
        // Head and tail slack go back, and together they are exactly the 1 GiB extra.
        assertEquals(2, as.unmaps.size());
        assertArrayEquals(new long[] {raw, r.base() - raw}, as.unmaps.get(0));
        assertEquals(r.base() + r.size(), as.unmaps.get(1)[0]);
        assertEquals(GIB, as.unmaps.get(0)[1] + as.unmaps.get(1)[1]);
    }

    @Test
    void aRefusedReservationIsHalvedDownToOneGibibyteThenReportedWithAdvice() {
        FakeAddressSpace as = new FakeAddressSpace(9 * GIB, 0x40000000L * 7);
        DmaSpace.Reservation r = DmaSpace.reserve("64g", as);
        assertEquals(8 * GIB, r.size(), "64, 32, 16 are refused; 8 (+1 slack) fits");
        assertEquals(List.of(65 * GIB, 33 * GIB, 17 * GIB, 9 * GIB), as.maps);
        assertTrue(as.unmaps.stream().allMatch(u -> u[1] > 0) && as.unmaps.size() == 1, "aligned: only the tail");

        FakeAddressSpace none = new FakeAddressSpace(0, 0);
        DmaSpace.Reservation failed = DmaSpace.reserve("4g", none);
        assertEquals(0, failed.size());
        assertEquals(List.of(5 * GIB, 3 * GIB, 2 * GIB), none.maps, "4, 2, 1 GiB and no further");
        String why = failed.failure();
        assertTrue(why.contains("4 GiB") && why.contains("1 GiB"), why);
        assertTrue(why.contains("ENOMEM"), why);
        assertTrue(why.contains("vm.overcommit_memory") && why.contains("ulimit -v")
                && why.contains("-D" + DmaSpace.PROPERTY), why);

        DmaSpace.Reservation bad = DmaSpace.reserve("lots", as);
        assertEquals(0, bad.size());
        assertTrue(bad.failure().contains("lots"), bad.failure());

        FakeAddressSpace small = new FakeAddressSpace(0, 0);
        DmaSpace.reserve("16k", small);
        assertEquals(List.of(GIB + 16384), small.maps, "a space below 1 GiB is tried once, not halved");
    }
}
