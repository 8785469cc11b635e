package dev.jvirtio.vmtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Read-only sysfs view of one PCI function ({@code /sys/bus/pci/devices/<bdf>}), just enough for the
 * first guest tests. It only reads; binding and config writes are the rig's job, inside the guest.
 *
 * <pre>{@code
 * PciFunction f = PciFunction.of("0000:01:00.0");
 * int device = f.deviceId(); String drv = f.driverName(); byte[] cfg = f.config();
 * }</pre>
 */
public record PciFunction(String bdf, Path dir) {
    private static final Pattern BDF = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]");
    /** sysfs root of all PCI functions. */
    public static final Path DEVICES = Path.of("/sys/bus/pci/devices");

    /** Validates the BDF and points at its sysfs directory. */
    public PciFunction {
        if (!BDF.matcher(bdf).matches()) {
            throw new IllegalArgumentException("not a PCI address (dddd:bb:dd.f, lower-case hex): '" + bdf + "'");
        }
    }

    /** The function with that BDF under {@link #DEVICES}. */
    public static PciFunction of(String bdf) {
        return new PciFunction(bdf, DEVICES.resolve(bdf));
    }

    /** PCI vendor ID from sysfs. */
    public int vendorId() {
        return hexFile("vendor");
    }

    /** PCI device ID from sysfs. */
    public int deviceId() {
        return hexFile("device");
    }

    /** Name of the bound driver, or null when no driver is bound. */
    public String driverName() {
        return linkName("driver");
    }

    /** IOMMU group number, or -1 when the function has no group. */
    public int iommuGroup() {
        String g = linkName("iommu_group");
        return g == null ? -1 : Integer.parseInt(g);
    }

    /** Config space as sysfs returns it (4096 bytes for root on PCIe, 64 bytes for others). */
    public byte[] config() {
        try {
            return Files.readAllBytes(dir.resolve("config"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Size in bytes of BAR {@code bar} (0..5), 0 when the BAR is unused. From the "resource" file. */
    public long barSize(int bar) {
        long[] r = resourceLine(bar);
        return r[0] == 0 && r[1] == 0 ? 0 : r[1] - r[0] + 1; // sysfs prints an inclusive end address
    }

    /** Resource flags of BAR {@code bar}; bit 0x200 (IORESOURCE_MEM) marks a memory BAR. */
    public long barFlags(int bar) {
        return resourceLine(bar)[2];
    }

    private long[] resourceLine(int bar) {
        if (bar < 0 || bar > 5) {
            throw new IllegalArgumentException("BAR index out of range 0..5: " + bar);
        }
        List<String> lines = lines("resource");
        String[] f = lines.get(bar).trim().split("\\s+");
        return new long[] {Long.decode(f[0]), Long.decode(f[1]), Long.decode(f[2])};
    }

    private int hexFile(String name) {
        return Integer.decode(lines(name).get(0).trim());
    }

    private List<String> lines(String name) {
        try {
            return Files.readAllLines(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String linkName(String name) {
        Path link = dir.resolve(name);
        if (!Files.isSymbolicLink(link)) {
            return null;
        }
        try {
            return Files.readSymbolicLink(link).getFileName().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
