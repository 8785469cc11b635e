package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * An {@link InterruptVector} backed by a non-blocking eventfd that VFIO signals
 * ({@code VFIO_DEVICE_SET_IRQS} with {@code DATA_EVENTFD | ACTION_TRIGGER}). The eventfd counts signals;
 * a read returns the count and resets it.
 *
 * <p>Waiting uses {@code ppoll(2)} in slices of at most 10 ms so that {@link Thread#interrupt()} is noticed.
 * Each wait makes a few small control-path allocations inside the syscall wrappers; the busy-polling mode
 * remains the allocation-free path.
 *
 * <pre>{@code
 * try (EventFdInterrupt irq = EventFdInterrupt.create(0)) {
 *     device.setIrqEventfds(KABI_VFIO_PCI_MSIX_IRQ_INDEX, 0, new int[] {irq.fd()});
 *     irq.await(1, TimeUnit.SECONDS);
 * }
 * }</pre>
 */
public final class EventFdInterrupt implements InterruptVector, AutoCloseable {
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final int vector;
    private final OwnedFd fd;

    private EventFdInterrupt(int vector, OwnedFd fd) {
        this.vector = vector;
        this.fd = fd;
    }

    /** A fresh eventfd (counter 0, non-blocking, close-on-exec) for vector {@code vector}. */
    public static EventFdInterrupt create(int vector) throws IOException {
        if (vector < 0) {
            throw new IllegalArgumentException("negative vector " + vector);
        }
        int fd = Syscalls.eventfd(0, Kabi.KABI_EFD_NONBLOCK() | Kabi.KABI_EFD_CLOEXEC());
        return new EventFdInterrupt(vector, new OwnedFd(fd, "eventfd of vector " + vector));
    }

    @Override
    public int vector() {
        return vector;
    }

    /** The eventfd, to hand to VFIO. */
    public int fd() {
        return fd.get();
    }

    @Override
    public long poll() throws IOException {
        int f = fd.get();
        if ((Syscalls.poll(f, Syscalls.POLLIN, 0) & Syscalls.POLLIN) == 0) {
            return 0;
        }
        return drain(f);
    }

    @Override
    public long await(long timeout, TimeUnit unit) throws IOException, InterruptedException {
        // Measured as elapsed time against the (saturated) timeout, so a huge timeout cannot overflow a deadline.
        long timeoutNanos = Math.max(0, unit.toNanos(timeout));
        long start = System.nanoTime();
        int f = fd.get();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for vector " + vector);
            }
            long remaining = timeoutNanos - (System.nanoTime() - start);
            int revents = Syscalls.poll(f, Syscalls.POLLIN, Math.max(0, Math.min(remaining, SLICE_NANOS)));
            if ((revents & Syscalls.POLLIN) != 0) {
                long n = drain(f);
                if (n > 0) {
                    return n;
                }
            } else if ((revents & (Syscalls.POLLERR | Syscalls.POLLNVAL)) != 0) {
                throw new IOException("eventfd of vector " + vector + " reports poll events 0x"
                        + Integer.toHexString(revents));
            }
            if (remaining <= 0) {
                return 0;
            }
        }
    }

    /** Adds {@code count} to the counter, as the kernel does on an interrupt (tests, or waking a waiter). */
    public void signal(long count) throws IOException {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        Syscalls.writeLong(fd.get(), count);
    }

    private long drain(int f) throws IOException {
        try {
            return Syscalls.readLong(f);      // allocation-free: completion waits sit on the hot path
        } catch (NativeIoException e) {
            if (e.errno() == Errno.EAGAIN) {
                return 0; // another reader took it between poll and read
            }
            throw e;
        }
    }

    /** Whether the eventfd is still open. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the eventfd; idempotent. Unwire it from the device first. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "EventFdInterrupt[vector " + vector + ", " + fd + "]";
    }
}
