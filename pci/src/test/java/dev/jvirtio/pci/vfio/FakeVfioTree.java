package dev.jvirtio.pci.vfio;

import dev.jvirtio.pci.PciAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A hand-made sysfs + /dev pair in a temporary directory, shaped like the kernel's: functions under
 * {@code sys/bus/pci/devices/<BDF>} with {@code driver} and {@code iommu_group} links, groups under
 * {@code sys/kernel/iommu_groups/<N>/devices}, and VFIO "nodes" (plain files) under {@code dev/}.
 */
final class FakeVfioTree {
    final Path sys;
    final Path dev;

    FakeVfioTree(Path root) {
        sys = root.resolve("sys");
        dev = root.resolve("dev");
        try {
            Files.createDirectories(sys.resolve("bus/pci/devices"));
            Files.createDirectories(sys.resolve("bus/pci/drivers"));
            Files.createDirectories(sys.resolve("kernel/iommu_groups"));
            Files.createDirectories(dev);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path function(String bdf) {
        return sys.resolve("bus/pci/devices").resolve(bdf);
    }

    /** A function with {@code driver} (null: unbound) in IOMMU group {@code group} (-1: none). */
    FakeVfioTree addFunction(String bdf, String driver, int group) {
        try {
            Path fn = Files.createDirectories(function(bdf));
            if (driver != null) {
                Files.createDirectories(sys.resolve("bus/pci/drivers").resolve(driver));
                Files.createSymbolicLink(fn.resolve("driver"), Path.of("../../../../bus/pci/drivers").resolve(driver));
            }
            if (group >= 0) {
                Path g = Files.createDirectories(sys.resolve("kernel/iommu_groups").resolve(Integer.toString(group))
                        .resolve("devices"));
                Files.createSymbolicLink(fn.resolve("iommu_group"),
                        Path.of("../../../../kernel/iommu_groups").resolve(Integer.toString(group)));
                Files.createSymbolicLink(g.resolve(bdf), Path.of("../../../../bus/pci/devices").resolve(bdf));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives function {@code bdf} a vfio cdev {@code vfio-dev/vfioN}. */
    FakeVfioTree addCdev(String bdf, int n) {
        try {
            Files.createDirectories(function(bdf).resolve("vfio-dev/vfio" + n));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code dev/<relative>} as an empty regular file. */
    FakeVfioTree node(String relative) {
        try {
            Path p = dev.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[0]);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    VfioOptions options(VfioBackend backend) {
        return VfioOptions.defaults().withSysfsRoot(sys).withDevRoot(dev).withBackend(backend);
    }

    static PciAddress bdf(String s) {
        return PciAddress.parse(s);
    }
}
