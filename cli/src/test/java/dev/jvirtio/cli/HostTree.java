package dev.jvirtio.cli;

import dev.jvirtio.pci.sysfs.SysfsWriter;
import dev.jvirtio.pci.testing.SysfsFixtureTree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This machine, rebuilt in a temporary directory for the takeover and {@code --device} tests: the six real
 * sysfs snapshots ({@link SysfsFixtureTree}) with their drivers as proper links, plus what the takeover checks
 * read, laid out as the kernel does:
 * <ul>
 *   <li>{@code sys/class/block/vda} -> the disk under 0000:00:02.0 (virtio-blk), 254:0, mounted on / as
 *       {@code /dev/root} in {@code proc/self/mountinfo};</li>
 *   <li>{@code sys/class/net/eth0} -> the interface under 0000:00:03.0 (virtio-net), carrying the IPv4 default
 *       route in {@code proc/net/route};</li>
 *   <li>{@code driver_override} files, {@code bus/pci/drivers/vfio-pci}, {@code bus/pci/drivers_probe}.</li>
 * </ul>
 * No IOMMU groups (this machine has no IOMMU) unless a test adds them. Nothing here touches the live /sys.
 */
final class HostTree {
    static final String HOST_BRIDGE = "0000:00:00.0";
    static final String BALLOON = "0000:00:01.0";
    static final String BLK = "0000:00:02.0";
    static final String NET = "0000:00:03.0";
    static final String VSOCK = "0000:00:04.0";
    static final String RNG = "0000:00:05.0";

    static final String MOUNTINFO = """
            21 26 0:20 / /proc rw,relatime - proc proc rw
            26 1 254:0 / / rw,relatime - ext4 /dev/root rw,discard
            30 26 0:26 / /dev/shm rw,relatime shared:3 - tmpfs tmpfs rw
            """;
    static final String ROUTE = """
            Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
            eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
            eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
            """;

    final Path root;
    final Path sys;
    final Path proc;
    final Path dev;

    HostTree(Path root) {
        this.root = root;
        this.sys = root.resolve("sys");
        this.proc = root.resolve("proc");
        this.dev = root.resolve("dev");
        try {
            SysfsFixtureTree.build(sys);
            for (String d : List.of("class/block", "class/net", "bus/pci/drivers/vfio-pci", "kernel/iommu_groups",
                    "devices/virtual/net/lo")) {
                Files.createDirectories(sys.resolve(d));
            }
            Files.writeString(sys.resolve("bus/pci/drivers_probe"), "");
            for (String bdf : SysfsFixtureTree.FUNCTIONS) {
                Path fn = function(bdf);
                Files.writeString(fn.resolve("driver_override"), "(null)\n");
                if (Files.isSymbolicLink(fn.resolve("driver"))) {
                    // The fixture's links only carry the driver's name; point them where the kernel does.
                    String name = Files.readSymbolicLink(fn.resolve("driver")).getFileName().toString();
                    Files.delete(fn.resolve("driver"));
                    bindLink(bdf, name);
                }
            }
            link(sys.resolve("class/net/lo"), sys.resolve("devices/virtual/net/lo"));
            disk(BLK, "virtio1", "vda", "254:0");
            nic(NET, "virtio2", "eth0");
            Files.createDirectories(dev);
            Files.createDirectories(proc.resolve("self"));
            Files.createDirectories(proc.resolve("net"));
            Files.writeString(proc.resolve("self/mountinfo"), MOUNTINFO);
            Files.writeString(proc.resolve("swaps"), "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
            Files.writeString(proc.resolve("net/route"), ROUTE);
            Files.writeString(proc.resolve("net/ipv6_route"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path function(String bdf) {
        return sys.resolve("bus/pci/devices").resolve(bdf);
    }

    /** The driver link of {@code bdf} now: its target's name, or null when unbound. */
    String driver(String bdf) {
        Path link = function(bdf).resolve("driver");
        try {
            return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds {@code bdf} to {@code driver} in the tree (creating the driver's directory and unbind file). */
    HostTree bindLink(String bdf, String driver) {
        try {
            Path d = Files.createDirectories(sys.resolve("bus/pci/drivers").resolve(driver));
            if (!Files.exists(d.resolve("unbind"))) {
                Files.writeString(d.resolve("unbind"), "");
            }
            Files.deleteIfExists(function(bdf).resolve("driver"));
            link(function(bdf).resolve("driver"), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HostTree unbound(String bdf) {
        try {
            Files.deleteIfExists(function(bdf).resolve("driver"));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A disk under {@code bdf}'s virtio device directory, linked from {@code class/block}. */
    HostTree disk(String bdf, String virtio, String name, String devNumber) {
        try {
            Path d = Files.createDirectories(function(bdf).resolve(virtio).resolve("block").resolve(name));
            Files.writeString(d.resolve("dev"), devNumber + "\n");
            Files.createDirectories(d.resolve("holders"));
            link(sys.resolve("class/block").resolve(name), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A network interface under {@code bdf}'s virtio device directory, linked from {@code class/net}. */
    HostTree nic(String bdf, String virtio, String name) {
        try {
            Path d = Files.createDirectories(function(bdf).resolve(virtio).resolve("net").resolve(name));
            link(sys.resolve("class/net").resolve(name), d);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts the functions into IOMMU group {@code group} ({@code iommu_group} links and the group's list). */
    HostTree iommuGroup(int group, String... bdfs) {
        try {
            Path g = Files.createDirectories(sys.resolve("kernel/iommu_groups/" + group + "/devices"));
            for (String bdf : bdfs) {
                link(function(bdf).resolve("iommu_group"), g.getParent());
                link(g.resolve(bdf), function(bdf));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HostTree write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path at, Path target) throws IOException {
        Files.createSymbolicLink(at, at.getParent().relativize(target));
    }

    /**
     * A {@link SysfsWriter} that plays the kernel on this tree and refuses any path outside it: writes the
     * value into the attribute file, and {@code unbind} removes the driver link, {@code drivers_probe} binds
     * the override (or {@code defaultDriver} when there is none). Every write is logged relative to
     * {@code sys}, as {@code path <- value}.
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
            if (!file.toAbsolutePath().normalize().startsWith(sys.toAbsolutePath())) {
                throw new AssertionError("write outside the test tree: " + file);
            }
            if (!Files.exists(file)) {
                throw new IOException("ENOENT: " + file);   // as the kernel: attributes are never created
            }
            log.add(sys.relativize(file) + " <- " + value.replace("\n", "\\n"));
            Files.writeString(file, value);
            String bdf = value.strip();
            switch (file.getFileName().toString()) {
                case "driver_override" -> { }
                case "unbind" -> {
                    if (!Files.isSymbolicLink(function(bdf).resolve("driver"))) {
                        throw new IOException("ENODEV: " + bdf + " is not bound");
                    }
                    Files.delete(function(bdf).resolve("driver"));
                }
                case "drivers_probe" -> {
                    String override = Files.readString(function(bdf).resolve("driver_override")).strip();
                    String driver = override.isEmpty() || override.equals("(null)") ? defaultDriver : override;
                    if (!probeBindsNothing && !Files.isSymbolicLink(function(bdf).resolve("driver"))) {
                        bindLink(bdf, driver);
                    }
                }
                default -> throw new IOException("EACCES: unexpected sysfs write to " + file);
            }
        }
    }
}
