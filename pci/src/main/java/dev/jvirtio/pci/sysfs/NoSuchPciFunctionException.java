package dev.jvirtio.pci.sysfs;

import dev.jvirtio.pci.PciAddress;

import java.nio.file.Path;

/** No PCI function with the requested address exists under the sysfs root. */
public final class NoSuchPciFunctionException extends SysfsException {
    private static final long serialVersionUID = 1L;

    private final transient PciAddress address;

    /** Creates the exception; {@code dir} is where the function's directory was expected. */
    public NoSuchPciFunctionException(PciAddress address, Path dir) {
        super(dir, "no PCI function " + address);
        this.address = address;
    }

    /** The address that was asked for. */
    public PciAddress address() {
        return address;
    }
}
