package dev.jvirtio.ffm;

import dev.jvirtio.ffm.gen.Kabi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Exercises every Syscalls method against the running kernel, without privileges and without devices. */
class SyscallsTest {
    private static final int PAGE = 4096;
    private static final int RW = Kabi.KABI_PROT_READ() | Kabi.KABI_PROT_WRITE();

    /** Linux FIONREAD ('T' 0x1B, asm-generic ioctls): bytes between file position and end, for regular files. */
    private static final long FIONREAD = 0x541B;
    /** Linux FIOCLEX: set close-on-exec on the fd; takes no argument. */
    private static final long FIOCLEX = 0x5451;

    @Test
    void memfdMmapWriteAndReadBack() throws IOException {
        int fd = Syscalls.memfdCreate("jvirtio-test", Kabi.KABI_MFD_CLOEXEC());
        try (Arena arena = Arena.ofConfined()) {
            Syscalls.ftruncate(fd, 2 * PAGE);
            MemorySegment map = Syscalls.mmap(2 * PAGE, RW, Kabi.KABI_MAP_SHARED(), fd, 0, arena, "memfd");
            assertEquals(2 * PAGE, map.byteSize());
            for (int i = 0; i < 2 * PAGE; i++) {
                map.set(JAVA_BYTE, i, (byte) (i * 31 + 7));
            }

            // The mapping is shared, so the file sees what the segment wrote ...
            MemorySegment buf = arena.allocate(2 * PAGE);
            assertEquals(2 * PAGE, Syscalls.pread(fd, buf, 0));
            assertEquals(-1L, buf.mismatch(map));

            // ... and the segment sees what is written to the file.
            MemorySegment patch = arena.allocate(16);
            patch.fill((byte) 0x5A);
            assertEquals(16, Syscalls.pwrite(fd, patch, PAGE + 100));
            assertEquals((byte) 0x5A, map.get(JAVA_BYTE, PAGE + 100));
            assertEquals((byte) 0x5A, map.get(JAVA_BYTE, PAGE + 115));
            assertEquals((byte) ((PAGE + 116) * 31 + 7), map.get(JAVA_BYTE, PAGE + 116));

            // A second mapping at a page offset views the same bytes.
            MemorySegment second = Syscalls.mmap(PAGE, Kabi.KABI_PROT_READ(), Kabi.KABI_MAP_SHARED(), fd, PAGE,
                    arena, "memfd page 1");
            assertEquals(-1L, second.mismatch(map.asSlice(PAGE, PAGE)));

            // write/read move the file position.
            MemorySegment word = arena.allocate(JAVA_LONG);
            word.set(JAVA_LONG, 0, 0x1122334455667788L);
            assertEquals(8, Syscalls.write(fd, word));
            MemorySegment back = arena.allocate(8);
            assertEquals(8, Syscalls.pread(fd, back, 0));
            assertEquals(0x1122334455667788L, back.get(JAVA_LONG, 0));
            assertEquals(0x1122334455667788L, map.get(JAVA_LONG, 0));
            MemorySegment next = arena.allocate(4);
            assertEquals(4, Syscalls.read(fd, next));
            assertEquals(-1L, next.mismatch(map.asSlice(8, 4)));
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void readOfOpenedFileMatchesJavaIo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("data.bin");
        byte[] content = "jvirtio reads this through libc\n".getBytes();
        Files.write(file, content);
        int fd = Syscalls.open(file.toString(), Kabi.KABI_O_RDONLY() | Kabi.KABI_O_CLOEXEC());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            long n = Syscalls.read(fd, buf);
            assertEquals(content.length, n);
            assertArrayEquals(content, buf.asSlice(0, n).toArray(JAVA_BYTE));
            assertEquals(0, Syscalls.read(fd, buf), "second read is at end of file");
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void eventfdWriteThenReadReturnsTheValue() throws IOException {
        int fd = Syscalls.eventfd(0, Kabi.KABI_EFD_CLOEXEC() | Kabi.KABI_EFD_NONBLOCK());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            value.set(JAVA_LONG, 0, 40);
            assertEquals(8, Syscalls.write(fd, value));
            value.set(JAVA_LONG, 0, 2);
            assertEquals(8, Syscalls.write(fd, value));

            MemorySegment out = arena.allocate(JAVA_LONG);
            assertEquals(8, Syscalls.read(fd, out));
            assertEquals(42, out.get(JAVA_LONG, 0), "eventfd sums writes and read resets the counter");

            NativeIoException empty = assertThrows(NativeIoException.class, () -> Syscalls.read(fd, out));
            assertEquals(Errno.EAGAIN, empty.errno());
            assertEquals("read", empty.operation());
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void eventfdSemaphoreModeCountsDown() throws IOException {
        int fd = Syscalls.eventfd(2, Kabi.KABI_EFD_SEMAPHORE() | Kabi.KABI_EFD_NONBLOCK() | Kabi.KABI_EFD_CLOEXEC());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            assertEquals(8, Syscalls.read(fd, out));
            assertEquals(1, out.get(JAVA_LONG, 0));
            assertEquals(8, Syscalls.read(fd, out));
            assertEquals(1, out.get(JAVA_LONG, 0));
            assertEquals(Errno.EAGAIN, assertThrows(NativeIoException.class, () -> Syscalls.read(fd, out)).errno());
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void openOfMissingPathThrowsEnoentWithThePath(@TempDir Path dir) {
        String path = dir.resolve("no-such-vfio-group").toString();
        NativeIoException e = assertThrows(NativeIoException.class,
                () -> Syscalls.open(path, Kabi.KABI_O_RDWR() | Kabi.KABI_O_CLOEXEC()));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open", e.operation());
        assertEquals(path, e.context());
        assertTrue(e.getMessage().contains(path), e.getMessage());
        assertEquals("open on " + path + " failed: ENOENT (" + Errno.describe(Errno.ENOENT) + ")", e.getMessage());
    }

    @Test
    void ioctlOnANonIoctlFdGivesEnotty() throws IOException {
        int fd = Syscalls.eventfd(0, Kabi.KABI_EFD_CLOEXEC());
        try (Arena arena = Arena.ofConfined()) {
            NativeIoException byValue = assertThrows(NativeIoException.class,
                    () -> Syscalls.ioctl(fd, Ioctl.VFIO_GET_API_VERSION, 0L, "VFIO_GET_API_VERSION", "eventfd"));
            assertEquals(Errno.ENOTTY, byValue.errno());
            assertEquals("ENOTTY", byValue.errnoName());
            assertEquals("ioctl", byValue.operation());
            assertEquals("VFIO_GET_API_VERSION", byValue.detail());
            assertTrue(byValue.getMessage().startsWith("ioctl(VFIO_GET_API_VERSION) on eventfd failed: ENOTTY ("),
                    byValue.getMessage());

            MemorySegment status = arena.allocate(dev.jvirtio.ffm.gen.kabi_vfio_group_status.layout());
            NativeIoException byPointer = assertThrows(NativeIoException.class,
                    () -> Syscalls.ioctl(fd, Ioctl.VFIO_GROUP_GET_STATUS, status, "VFIO_GROUP_GET_STATUS", null));
            assertEquals(Errno.ENOTTY, byPointer.errno());
            assertEquals("fd " + fd, byPointer.context(), "null context falls back to the fd number");
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void ioctlPassesPointerAndValueArgumentsThrough() throws IOException {
        int fd = Syscalls.memfdCreate("ioctl-test", 0);
        try (Arena arena = Arena.ofConfined()) {
            Syscalls.ftruncate(fd, 12345);
            MemorySegment available = arena.allocate(JAVA_INT);
            available.set(JAVA_INT, 0, -1);
            assertEquals(0, Syscalls.ioctl(fd, FIONREAD, available, "FIONREAD", "memfd"));
            assertEquals(12345, available.get(JAVA_INT, 0), "kernel wrote through the pointer argument");

            assertFalse(closeOnExec(fd));
            assertEquals(0, Syscalls.ioctl(fd, FIOCLEX, 0L, "FIOCLEX", "memfd"));
            assertTrue(closeOnExec(fd), "FIOCLEX reached the kernel");
        } finally {
            Syscalls.close(fd);
        }
    }

    /** Reads the O_CLOEXEC bit of an fd from /proc/self/fdinfo ("flags:" is octal). */
    private static boolean closeOnExec(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                long flags = Long.parseLong(line.substring("flags:".length()).trim(), 8);
                return (flags & Kabi.KABI_O_CLOEXEC()) != 0;
            }
        }
        throw new AssertionError("no flags line in fdinfo of fd " + fd);
    }

    @Test
    void mmapSegmentIsUnusableAndUnmappedAfterArenaClose() throws IOException {
        // A memfd with a unique name makes the mapping recognisable in /proc/self/maps (anonymous
        // mappings may be merged with neighbours and lose their identity).
        String name = "jvirtio-munmap-" + System.nanoTime();
        int fd = Syscalls.memfdCreate(name, Kabi.KABI_MFD_CLOEXEC());
        try {
            Syscalls.ftruncate(fd, 3 * PAGE);
            Arena arena = Arena.ofConfined();
            MemorySegment seg = Syscalls.mmap(3 * PAGE, RW, Kabi.KABI_MAP_SHARED(), fd, 0, arena, name);
            seg.set(JAVA_LONG, 3 * PAGE - 8, 0xCAFEL);
            assertEquals(0xCAFEL, seg.get(JAVA_LONG, 3 * PAGE - 8));
            assertEquals(1, mappingsOf(name), "mapping is listed in /proc/self/maps");

            arena.close();

            assertThrows(IllegalStateException.class, () -> seg.get(JAVA_LONG, 0));
            assertThrows(IllegalStateException.class, () -> seg.set(JAVA_BYTE, 0, (byte) 1));
            assertEquals(0, mappingsOf(name), "closing the arena ran munmap");
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void mmapFailureCarriesErrnoAndArgumentsAreValidated() {
        try (Arena arena = Arena.ofConfined()) {
            // A shared file mapping without a file: the kernel says EBADF.
            NativeIoException e = assertThrows(NativeIoException.class,
                    () -> Syscalls.mmap(PAGE, RW, Kabi.KABI_MAP_SHARED(), -1, 0, arena, "no file"));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals("mmap", e.operation());
            assertEquals("no file", e.context());

            assertThrows(IllegalArgumentException.class,
                    () -> Syscalls.mmap(0, RW, Kabi.KABI_MAP_PRIVATE() | Kabi.KABI_MAP_ANONYMOUS(), -1, 0, arena, null));
            assertThrows(IllegalArgumentException.class,
                    () -> Syscalls.mmap(PAGE, RW, Kabi.KABI_MAP_PRIVATE() | Kabi.KABI_MAP_ANONYMOUS(), -1, -PAGE, arena, null));
        }
        Arena closed = Arena.ofConfined();
        closed.close();
        assertThrows(IllegalStateException.class,
                () -> Syscalls.mmap(PAGE, RW, Kabi.KABI_MAP_PRIVATE() | Kabi.KABI_MAP_ANONYMOUS(), -1, 0, closed, null));
    }

    @Test
    void closeOfAClosedFdGivesEbadf() {
        // Closing an fd twice would race with JVM threads that might reuse the number in between,
        // so use a descriptor number above the kernel's nr_open ceiling: it can never be open.
        int neverOpen = Integer.MAX_VALUE;
        NativeIoException e = assertThrows(NativeIoException.class, () -> Syscalls.close(neverOpen));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("EBADF", e.errnoName());
        assertEquals("close", e.operation());
        assertEquals("fd " + neverOpen, e.context());
        assertNull(e.detail());
    }

    @Test
    void mlockLocksTheSegment() throws IOException {
        long length = 3L * PAGE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = Syscalls.mmap(length, RW, Kabi.KABI_MAP_PRIVATE() | Kabi.KABI_MAP_ANONYMOUS(), -1, 0,
                    arena, "anonymous");
            long before = vmLockedKb();
            try {
                Syscalls.mlock(seg);
            } catch (NativeIoException e) {
                // Unprivileged users with a tiny RLIMIT_MEMLOCK get these; nothing to verify then.
                assumeFalse(e.errno() == Errno.EPERM || e.errno() == Errno.ENOMEM, e.getMessage());
                throw e;
            }
            assertTrue(vmLockedKb() >= before + length / 1024, "VmLck grew by the locked size");
        }
    }

    private static long vmLockedKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.substring("VmLck:".length()).replace("kB", "").trim());
            }
        }
        throw new AssertionError("no VmLck in /proc/self/status");
    }

    @Test
    void segmentAtViewsExistingMemoryWithinItsArena() throws IOException {
        try (Arena owner = Arena.ofConfined()) {
            MemorySegment map = Syscalls.mmap(PAGE, RW, Kabi.KABI_MAP_PRIVATE() | Kabi.KABI_MAP_ANONYMOUS(), -1, 0,
                    owner, "anonymous");
            map.set(JAVA_LONG, 64, 0x0123456789ABCDEFL);
            MemorySegment view;
            try (Arena viewArena = Arena.ofConfined()) {
                view = Syscalls.segmentAt(map.address() + 64, 8, viewArena);
                assertEquals(8, view.byteSize());
                assertEquals(0x0123456789ABCDEFL, view.get(JAVA_LONG, 0));
                assertThrows(IndexOutOfBoundsException.class, () -> view.get(JAVA_LONG, 8));
            }
            assertThrows(IllegalStateException.class, () -> view.get(JAVA_LONG, 0));
            assertEquals(0x0123456789ABCDEFL, map.get(JAVA_LONG, 64), "the view's arena did not unmap anything");
        }
        assertThrows(IllegalArgumentException.class, () -> Syscalls.segmentAt(0, 8, Arena.global()));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.segmentAt(PAGE, -1, Arena.global()));
    }

    @Test
    void badArgumentsAreRejectedBeforeTheKernelSeesThem() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> Syscalls.open("/dev/null\0/etc/passwd", Kabi.KABI_O_RDONLY()));
        assertThrows(NullPointerException.class, () -> Syscalls.open(null, Kabi.KABI_O_RDONLY()));
        assertThrows(IllegalArgumentException.class, () -> Syscalls.memfdCreate("a\0b", 0));
        int fd = Syscalls.eventfd(0, Kabi.KABI_EFD_CLOEXEC());
        try {
            MemorySegment heap = MemorySegment.ofArray(new byte[8]);
            assertThrows(IllegalArgumentException.class, () -> Syscalls.read(fd, heap));
            assertThrows(IllegalArgumentException.class, () -> Syscalls.write(fd, heap));
            assertThrows(IllegalArgumentException.class, () -> Syscalls.pread(fd, heap, 0));
            assertThrows(IllegalArgumentException.class, () -> Syscalls.pwrite(fd, heap, 0));
            assertThrows(IllegalArgumentException.class, () -> Syscalls.ioctl(fd, FIONREAD, heap, "FIONREAD", null));
            assertThrows(IllegalArgumentException.class, () -> Syscalls.mlock(heap));
            assertThrows(IllegalArgumentException.class, () -> Syscalls.ftruncate(fd, -1));
        } finally {
            Syscalls.close(fd);
        }
    }

    /** Number of /proc/self/maps lines that map the memfd with this name. */
    private static long mappingsOf(String memfdName) throws IOException {
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        return maps.stream().filter(l -> l.contains("/memfd:" + memfdName + " ")
                || l.endsWith("/memfd:" + memfdName + " (deleted)")).count();
    }
}
