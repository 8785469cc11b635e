package dev.jvirtio.vmtests;

import dev.jvirtio.pci.PciFunction;
import dev.jvirtio.pci.config.ConfigHeader;
import dev.jvirtio.transport.TransportException;
import java.io.IOException;

/**
 * Sets Bus Master Enable (command register bit 2) on a function before a driver starts it, as Linux's
 * virtio_pci probe does with {@code pci_set_master}. vfio-pci leaves the bit to user space (and clears it when
 * the device is released), and without it a device may not DMA at all: QEMU's virtio-pci then never touches
 * its rings, so every request times out. Neither {@code VfioPciFunction} nor {@code VirtioPciDevice} sets it
 * (yet), so the test drivers do.
 */
public final class BusMaster {
    /** Offset of the 16-bit command register in configuration space. */
    public static final int COMMAND = 0x04;

    private BusMaster() {}

    /**
     * Turns bus mastering on (a read-modify-write of the command register that keeps every other bit) and
     * checks that it stuck.
     *
     * @return whether the bit had to be set
     * @throws TransportException if the bit does not read back as set
     */
    public static boolean enable(PciFunction f) throws IOException {
        int cmd = f.configRead(COMMAND, 2);
        if ((cmd & ConfigHeader.COMMAND_MASTER) != 0) {
            return false;
        }
        f.configWrite(COMMAND, 2, cmd | ConfigHeader.COMMAND_MASTER);
        int back = f.configRead(COMMAND, 2);
        if ((back & ConfigHeader.COMMAND_MASTER) == 0) {
            throw new TransportException(f.address() + ": bus mastering does not stick (command register 0x"
                    + Integer.toHexString(back) + ")");
        }
        return true;
    }

    /** Whether bus mastering is on. */
    public static boolean enabled(PciFunction f) throws IOException {
        return (f.configRead(COMMAND, 2) & ConfigHeader.COMMAND_MASTER) != 0;
    }
}
