package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.gen.Kabi;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * MSI-X vectors {@code 0 .. count-1} of a device wired to eventfds. Closing switches MSI-X off at the
 * device (VFIO then releases its eventfd references) and closes the eventfds, in that order.
 *
 * <pre>{@code
 * try (MsixInterrupts msix = function.enableMsix(2)) {
 *     // program the virtio queue's msix_vector = 1, then
 *     msix.vector(1).await(1, TimeUnit.SECONDS);
 * }
 * }</pre>
 */
public final class MsixInterrupts implements AutoCloseable {
    private final VfioDevice device;
    private final List<EventFdInterrupt> vectors;
    private boolean closed;

    private MsixInterrupts(VfioDevice device, List<EventFdInterrupt> vectors) {
        this.device = device;
        this.vectors = List.copyOf(vectors);
    }

    /**
     * Enables {@code count} MSI-X vectors of {@code device}, each signalling its own eventfd.
     *
     * @throws VfioException ({@link VfioException.Kind#UNSUPPORTED}) if the device has fewer vectors or
     *                       cannot signal eventfds
     */
    public static MsixInterrupts enable(VfioDevice device, int count) throws IOException {
        if (count <= 0) {
            throw new IllegalArgumentException("vector count must be positive: " + count);
        }
        int index = Kabi.KABI_VFIO_PCI_MSIX_IRQ_INDEX();
        IrqInfo info = device.irqInfo(index);
        if (info.count() < count || !info.eventfdCapable()) {
            throw new VfioException(VfioException.Kind.UNSUPPORTED, device.address(), "MSI-X offers "
                    + info.count() + " vectors" + (info.eventfdCapable() ? "" : " without eventfd signalling")
                    + ", " + count + " requested");
        }
        List<EventFdInterrupt> created = new ArrayList<>(count);
        try {
            int[] fds = new int[count];
            for (int i = 0; i < count; i++) {
                EventFdInterrupt e = EventFdInterrupt.create(i);
                created.add(e);
                fds[i] = e.fd();
            }
            device.setIrqEventfds(index, 0, fds);
            return new MsixInterrupts(device, created);
        } catch (IOException | RuntimeException e) {
            for (EventFdInterrupt c : created) {
                c.close();
            }
            throw e;
        }
    }

    /** Number of vectors. */
    public int count() {
        return vectors.size();
    }

    /** Vector {@code i}. */
    public EventFdInterrupt vector(int i) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("MSI-X interrupts are closed");
            }
        }
        return vectors.get(i);
    }

    /** Disables MSI-X at the device, then closes every eventfd; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (device.isOpen()) {
                device.disableIrqs(Kabi.KABI_VFIO_PCI_MSIX_IRQ_INDEX());
            }
        } catch (VfioException e) {
            System.getLogger(MsixInterrupts.class.getName()).log(System.Logger.Level.WARNING,
                    "disabling MSI-X on " + device.address() + ": " + e.getMessage());
        } finally {
            for (EventFdInterrupt v : vectors) {
                v.close();
            }
        }
    }
}
