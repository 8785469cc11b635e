package dev.jvirtio.pci.takeover;

import dev.jvirtio.pci.sysfs.SysfsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot-shaped host in a temporary directory: {@code sys/devices/...} real directories, with
 * {@code sys/bus/pci/devices}, {@code sys/class/block} and {@code sys/class/net} as symlinks into them the way
 * the kernel lays them out, plus {@code proc/} tables. Modelled on this build machine: virtio-blk at
 * 0000:00:02.0 carrying {@code vda} (254:0) and virtio-net at 0000:00:03.0 carrying {@code eth0}.
 */
final class HostSnapshot {
    final Path root;
    final Path sys;
    final Path proc;
    final Path pciRoot;

    HostSnapshot(Path root) {
        this.root = root;
        this.sys = root.resolve("sys");
        this.proc = root.resolve("proc");
        this.pciRoot = sys.resolve("devices/pci0000:00");
        try {
            for (String d : List.of("bus/pci/devices", "bus/pci/drivers/vfio-pci", "class/block", "class/net",
                    "kernel/iommu_groups", "devices/virtual/net/lo")) {
                Files.createDirectories(sys.resolve(d));
            }
            Files.createDirectories(proc);
            link(sys.resolve("class/net/lo"), sys.resolve("devices/virtual/net/lo"));
            Files.writeString(proc.resolve("mountinfo"), "");
            Files.writeString(proc.resolve("swaps"), "Filename\tType\tSize\tUsed\tPriority\n");
            Files.writeString(proc.resolve("route"), "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\t"
                    + "Mask\t\tMTU\tWindow\tIRTT\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Takeover.Paths paths() {
        return new Takeover.Paths(sys, proc.resolve("mountinfo"), proc.resolve("swaps"), proc.resolve("route"),
                proc.resolve("ipv6_route"));
    }

    Path fnReal(String bdf) {
        return pciRoot.resolve(bdf);
    }

    /** A function with {@code driver} (null: none) in IOMMU group {@code group}. */
    HostSnapshot function(String bdf, String driver, int group) {
        try {
            Path fn = Files.createDirectories(fnReal(bdf));
            link(sys.resolve("bus/pci/devices").resolve(bdf), fn);
            if (driver != null) {
                Path d = Files.createDirectories(sys.resolve("bus/pci/drivers").resolve(driver));
                link(fn.resolve("driver"), d);
            }
            Files.writeString(fn.resolve("driver_override"), "(null)\n");
            Path g = Files.createDirectories(sys.resolve("kernel/iommu_groups/" + group + "/devices"));
            link(fn.resolve("iommu_group"), g.getParent());
            link(g.resolve(bdf), fn);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A disk {@code name} (major:minor {@code dev}) under the function's {@code virtioN/block/}. */
    HostSnapshot disk(String bdf, String name, String dev) {
        try {
            Path d = Files.createDirectories(fnReal(bdf).resolve("virtio9/block").resolve(name));
            Files.writeString(d.resolve("dev"), dev + "\n");
            Files.createDirectories(d.resolve("holders"));
            link(sys.resolve("class/block").resolve(name), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A partition {@code name} of disk {@code disk}. */
    HostSnapshot partition(String bdf, String disk, String name, String dev) {
        try {
            Path d = Files.createDirectories(fnReal(bdf).resolve("virtio9/block").resolve(disk).resolve(name));
            Files.writeString(d.resolve("dev"), dev + "\n");
            Files.writeString(d.resolve("partition"), "1\n");
            Files.createDirectories(d.resolve("holders"));
            link(sys.resolve("class/block").resolve(name), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A device-mapper device {@code dm} named {@code dmName}, stacked on block device {@code lower}. */
    HostSnapshot dm(String dm, String dmName, String dev, String lower) {
        try {
            Path d = Files.createDirectories(sys.resolve("devices/virtual/block").resolve(dm));
            Files.writeString(d.resolve("dev"), dev + "\n");
            Files.createDirectories(d.resolve("dm"));
            Files.writeString(d.resolve("dm/name"), dmName + "\n");
            Files.createDirectories(d.resolve("holders"));
            link(sys.resolve("class/block").resolve(dm), d);
            link(sys.resolve("class/block").resolve(lower).toRealPath().resolve("holders").resolve(dm), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A network interface {@code name} under the function's {@code virtioN/net/}. */
    HostSnapshot nic(String bdf, String name) {
        try {
            Path d = Files.createDirectories(fnReal(bdf).resolve("virtio8/net").resolve(name));
            link(sys.resolve("class/net").resolve(name), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A virtual interface {@code upper} (bridge, bond ...) with {@code lower} as a port. */
    HostSnapshot upper(String lower, String upper) {
        try {
            Path d = Files.createDirectories(sys.resolve("devices/virtual/net").resolve(upper));
            link(sys.resolve("class/net").resolve(upper), d);
            link(sys.resolve("class/net").resolve(lower).toRealPath().resolve("upper_" + upper), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HostSnapshot proc(String file, String content) {
        try {
            Files.writeString(proc.resolve(file), content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path at, Path target) throws IOException {
        Files.createSymbolicLink(at, at.getParent().relativize(target));
    }

    /**
     * A {@link SysfsWriter} that behaves like the kernel on this tree: {@code driver_override} is stored,
     * {@code <driver>/unbind} removes the function's driver link, {@code drivers_probe} binds the override
     * (or {@code defaultDriver} when there is none). Every write is logged relative to {@code sys}.
     */
    final class FakeKernel implements SysfsWriter {
        final List<String> log = new ArrayList<>();
        final String defaultDriver;
        boolean probeBindsNothing;

        FakeKernel(String defaultDriver) {
            this.defaultDriver = defaultDriver;
        }

        @Override
        public void write(Path file, String value) throws IOException {
            log.add(sys.relativize(file) + " <- " + value.strip());
            String name = file.getFileName().toString();
            switch (name) {
                case "driver_override" -> Files.writeString(file, value.strip().isEmpty() ? "(null)\n" : value.strip() + "\n");
                case "unbind" -> {
                    Path fn = sys.resolve("bus/pci/devices").resolve(value.strip());
                    if (!Files.isSymbolicLink(fn.resolve("driver"))) {
                        throw new IOException("ENODEV: not bound");
                    }
                    Files.delete(fn.resolve("driver"));
                }
                case "drivers_probe" -> {
                    if (probeBindsNothing) {
                        return;
                    }
                    Path fn = sys.resolve("bus/pci/devices").resolve(value.strip()).toRealPath();
                    String override = Files.readString(fn.resolve("driver_override")).strip();
                    String driver = override.equals("(null)") ? defaultDriver : override;
                    if (!Files.isSymbolicLink(fn.resolve("driver"))) {
                        Path d = Files.createDirectories(sys.resolve("bus/pci/drivers").resolve(driver));
                        link(fn.resolve("driver"), d);
                    }
                }
                default -> throw new IOException("unexpected sysfs write to " + file);
            }
        }
    }
}
