package dev.jvirtio.pci.vfio;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * One interrupt vector delivered to user space: the alternative to busy polling a used ring. A driver can
 * sleep in {@link #await} until the device signals, then poll its queue.
 *
 * <pre>{@code
 * InterruptVector v = msix.vector(1);
 * if (v.await(100, TimeUnit.MILLISECONDS) > 0) { ... drain the used ring ... }
 * }</pre>
 *
 * <p>Each call consumes the interrupts counted so far. Meant for one waiting thread per vector.
 */
public interface InterruptVector {
    /** The vector number (MSI-X table entry). */
    int vector();

    /** Without waiting: how many interrupts arrived since the last call, 0 if none. */
    long poll() throws IOException;

    /**
     * Waits until at least one interrupt arrived or the timeout passed.
     *
     * @return the number of interrupts consumed, 0 on timeout
     * @throws InterruptedException if the waiting thread is interrupted (checked at least every 10 ms)
     */
    long await(long timeout, TimeUnit unit) throws IOException, InterruptedException;
}
