package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.gen.Kabi;

/**
 * One interrupt index as {@code VFIO_DEVICE_GET_IRQ_INFO} describes it (for vfio-pci: 0 INTx, 1 MSI,
 * 2 MSI-X, 3 error, 4 request).
 *
 * @param index the interrupt index
 * @param flags {@code KABI_VFIO_IRQ_INFO_*}
 * @param count number of vectors; 0 means the device does not have this kind of interrupt
 */
public record IrqInfo(int index, int flags, int count) {

    /** Whether vectors can signal an eventfd. */
    public boolean eventfdCapable() {
        return (flags & Kabi.KABI_VFIO_IRQ_INFO_EVENTFD()) != 0;
    }

    /** Whether the vector count is fixed once enabled (MSI, MSI-X): resizing needs disable + enable. */
    public boolean noResize() {
        return (flags & Kabi.KABI_VFIO_IRQ_INFO_NORESIZE()) != 0;
    }
}
