package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file descriptor with exactly one owner: {@link #get()} refuses after {@link #close()}, and the
 * descriptor is closed exactly once (a second close on Linux could close an unrelated, reused number).
 */
final class OwnedFd implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OwnedFd.class.getName());

    private final int fd;
    private final String what;
    private final AtomicBoolean closed = new AtomicBoolean();

    OwnedFd(int fd, String what) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid fd " + fd + " for " + what);
        }
        this.fd = fd;
        this.what = what;
    }

    /** The descriptor; throws {@link IllegalStateException} once closed. */
    int get() {
        if (closed.get()) {
            throw new IllegalStateException(what + " is closed");
        }
        return fd;
    }

    boolean isOpen() {
        return !closed.get();
    }

    String what() {
        return what;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                Syscalls.close(fd);
            } catch (NativeIoException e) {
                // The descriptor is gone whatever close reported (Linux never keeps it); retrying is wrong.
                LOG.log(System.Logger.Level.WARNING, "closing " + what + ": " + e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return what + " (fd " + fd + (closed.get() ? ", closed" : "") + ")";
    }
}
