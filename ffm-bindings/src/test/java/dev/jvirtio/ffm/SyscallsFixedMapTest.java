package dev.jvirtio.ffm;

import dev.jvirtio.ffm.gen.Kabi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mmapAddress / mmapFixed / munmap and segmentAt with a cleanup, against the running kernel. */
class SyscallsFixedMapTest {
    private static final long PAGE = 4096;
    private static final int RW = Kabi.KABI_PROT_READ() | Kabi.KABI_PROT_WRITE();
    private static final int ANON = Kabi.KABI_MAP_PRIVATE() | Kabi.KABI_MAP_ANONYMOUS() | Kabi.KABI_MAP_NORESERVE();

    @Test
    void fixedMappingReplacesPagesInPlaceAndTheFileShowsThrough() throws Exception {
        long base = Syscalls.mmapAddress(4 * PAGE, RW, ANON, -1, 0, "test reservation");
        try {
            assertEquals(0, base % PAGE);
            MemorySegment view = Syscalls.segmentAt(base, 4 * PAGE, Arena.global());
            view.set(JAVA_LONG, PAGE, 0x1122334455667788L);
            view.set(JAVA_LONG, 2 * PAGE, 42L);

            // Fresh anonymous memory over page 1 only: it reads zero, its neighbours keep their data.
            Syscalls.mmapFixed(base + PAGE, PAGE, RW, ANON, -1, 0, "wipe");
            assertEquals(0L, view.get(JAVA_LONG, PAGE));
            assertEquals(42L, view.get(JAVA_LONG, 2 * PAGE));

            // A shared memfd mapped over page 3: writes through the view land in the file.
            int fd = Syscalls.memfdCreate("jvirtio-fixed", Kabi.KABI_MFD_CLOEXEC());
            try {
                Syscalls.ftruncate(fd, PAGE);
                Syscalls.mmapFixed(base + 3 * PAGE, PAGE, RW, Kabi.KABI_MAP_SHARED(), fd, 0, "memfd");
                view.set(JAVA_LONG, 3 * PAGE + 8, 0xCAFEL);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(16);
                    assertEquals(16, Syscalls.pread(fd, buf, 0));
                    assertEquals(0xCAFEL, buf.get(JAVA_LONG, 8));
                }
            } finally {
                Syscalls.close(fd);
            }
        } finally {
            Syscalls.munmap(base, 4 * PAGE);
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyCall() {
        assertThrows(IllegalArgumentException.class, () -> Syscalls.mmapFixed(0, PAGE, RW, ANON, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.mmapFixed(0x10001, PAGE, RW, ANON, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.mmapFixed(0x10000, 0, RW, ANON, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.mmapAddress(0, RW, ANON, -1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.mmapAddress(PAGE, RW, ANON, -1, -1, null));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.munmap(0, PAGE));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.munmap(0x10000, 0));
    }

    @Test
    void kernelRefusalsCarryTheirErrno() throws Exception {
        // An fd that is not open: EBADF, named.
        NativeIoException e = assertThrows(NativeIoException.class,
                () -> Syscalls.mmapAddress(PAGE, RW, Kabi.KABI_MAP_SHARED(), 1_000_000, 0, "no such fd"));
        assertEquals(Errno.EBADF, e.errno());
        assertTrue(e.getMessage().contains("no such fd"), e.getMessage());
        // Neither MAP_SHARED nor MAP_PRIVATE: EINVAL, and the fixed address is in the message. The address
        // is a page of our own, so even a kernel that got this wrong could only replace our own page.
        long own = Syscalls.mmapAddress(PAGE, RW, ANON, -1, 0, null);
        try {
            NativeIoException fixed = assertThrows(NativeIoException.class,
                    () -> Syscalls.mmapFixed(own, PAGE, RW, Kabi.KABI_MAP_ANONYMOUS(), -1, 0, "bad flags"));
            assertEquals(Errno.EINVAL, fixed.errno());
            assertTrue(fixed.getMessage().contains("0x" + Long.toHexString(own)), fixed.getMessage());
        } finally {
            Syscalls.munmap(own, PAGE);
        }
    }

    @Test
    void segmentCleanupRunsOnceWhenTheArenaClosesAndNotForAClosedArena() throws Exception {
        long base = Syscalls.mmapAddress(PAGE, RW, ANON, -1, 0, null);
        try {
            AtomicInteger runs = new AtomicInteger();
            Arena arena = Arena.ofShared();
            MemorySegment seg = Syscalls.segmentAt(base, PAGE, arena, runs::incrementAndGet);
            seg.set(JAVA_LONG, 0, 7L);
            assertEquals(0, runs.get());
            arena.close();
            assertEquals(1, runs.get());
            assertThrows(IllegalStateException.class, () -> seg.get(JAVA_LONG, 0));
            assertThrows(IllegalStateException.class, () -> Syscalls.segmentAt(base, PAGE, arena, runs::incrementAndGet));
            assertEquals(1, runs.get());
            assertThrows(IllegalArgumentException.class, () -> Syscalls.segmentAt(0, PAGE, Arena.global(), () -> { }));
        } finally {
            Syscalls.munmap(base, PAGE);
        }
    }
}
