package dev.jvirtio.ffm;

import dev.jvirtio.ffm.gen.Kabi;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Syscalls#poll} on eventfds: timeout, readiness, and a closed fd. */
class SyscallsPollTest {

    @Test
    void pollTimesOutOnAnEmptyEventfdAndReportsPollinOnceWritten() throws IOException {
        int fd = Syscalls.eventfd(0, Kabi.KABI_EFD_CLOEXEC() | Kabi.KABI_EFD_NONBLOCK());
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(0, Syscalls.poll(fd, Syscalls.POLLIN, 0), "nothing to read yet");
            assertEquals(0, Syscalls.poll(fd, Syscalls.POLLIN, 2_000_000), "still nothing after 2 ms");
            MemorySegment one = arena.allocateFrom(JAVA_LONG, 1);
            Syscalls.write(fd, one);
            int revents = Syscalls.poll(fd, Syscalls.POLLIN, -1);
            assertEquals(Syscalls.POLLIN, revents & Syscalls.POLLIN);
            MemorySegment out = arena.allocate(JAVA_LONG);
            Syscalls.read(fd, out);
            assertEquals(1, out.get(JAVA_LONG, 0));
            assertEquals(0, Syscalls.poll(fd, Syscalls.POLLIN, 0), "read reset the counter");
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    void pollFlagsAnFdThatIsNotOpenWithPollnval() throws IOException {
        // No JVM in a test holds a million descriptors, so this number is not open.
        int revents = Syscalls.poll(1_000_000, Syscalls.POLLIN, 0);
        assertEquals(Syscalls.POLLNVAL, revents);
    }

    @Test
    void pollIgnoresANegativeFdAndTimesOut() throws IOException {
        // poll(2): a negative fd is skipped (revents 0), so the call simply times out.
        assertEquals(0, Syscalls.poll(-1, Syscalls.POLLIN, 1_000_000));
    }
}
