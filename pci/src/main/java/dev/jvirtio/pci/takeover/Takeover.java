package dev.jvirtio.pci.takeover;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.NoSuchPciFunctionException;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.pci.sysfs.SysfsWriter;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Moves a PCI function between its kernel driver and vfio-pci, refusing (unless forced) when the host
 * would lose something it is using.
 *
 * <p>{@link #bind} sets {@code driver_override} to vfio-pci, unbinds the current driver and asks the kernel
 * to probe again ({@code drivers_probe}); {@link #unbind} undoes that and lets the kernel driver take the
 * function back. Before binding, {@link #hazards} looks for:
 * <ul>
 *   <li>a block device of the function (a partition, or a device-mapper/md device stacked on it, included)
 *       that is mounted or used as swap: matched by device number in {@code mountinfo}, or by name;</li>
 *   <li>a network interface of the function (or a bridge/bond/VLAN stacked on it) carrying an IPv4 or IPv6
 *       default route;</li>
 *   <li>another function in the same IOMMU group bound to a kernel driver: VFIO needs the whole group, so
 *       its functions would have to be taken too. {@code pcieport} and {@code pci-stub} do not count: the
 *       kernel itself accepts them in a VFIO group.</li>
 * </ul>
 * The block and network devices of a function are found the way the kernel links them: every entry of
 * {@code class/block} and {@code class/net} whose real path lies under the function's device directory.
 *
 * <p>Every path is a parameter ({@link Paths}) and every write goes through a {@link SysfsWriter}, so the
 * checks and the write sequence are tested on snapshot trees; nothing here is ever run against the live
 * system by the tests.
 *
 * <pre>{@code
 * Takeover t = Takeover.system();
 * List<TakeoverHazard> h = t.hazards(bdf);      // what would be lost
 * Optional<String> was = t.bind(bdf, false);    // refuses with TakeoverRefusedException if h is not empty
 * ...
 * t.unbind(bdf);                                // the kernel driver gets it back
 * }</pre>
 */
public final class Takeover {

    /** The driver taken functions are bound to. */
    public static final String VFIO_PCI = "vfio-pci";

    /**
     * Where the checks read from.
     *
     * @param sysfsRoot  sysfs, normally {@code /sys}
     * @param mounts     {@code /proc/self/mountinfo} (preferred) or {@code /proc/self/mounts}; required
     * @param swaps      {@code /proc/swaps}; may be missing
     * @param ipv4Routes {@code /proc/net/route}; required
     * @param ipv6Routes {@code /proc/net/ipv6_route}; may be missing (no IPv6)
     */
    public record Paths(Path sysfsRoot, Path mounts, Path swaps, Path ipv4Routes, Path ipv6Routes) {
        /** Checks that no path is null. */
        public Paths {
            Objects.requireNonNull(sysfsRoot, "sysfsRoot");
            Objects.requireNonNull(mounts, "mounts");
            Objects.requireNonNull(swaps, "swaps");
            Objects.requireNonNull(ipv4Routes, "ipv4Routes");
            Objects.requireNonNull(ipv6Routes, "ipv6Routes");
        }

        /** The live system's paths. */
        public static Paths system() {
            return new Paths(Path.of("/sys"), Path.of("/proc/self/mountinfo"), Path.of("/proc/swaps"),
                    Path.of("/proc/net/route"), Path.of("/proc/net/ipv6_route"));
        }
    }

    private final Paths paths;
    private final SysfsWriter writer;

    /** A takeover helper reading {@code paths} and writing through {@code writer}. */
    public Takeover(Paths paths, SysfsWriter writer) {
        this.paths = Objects.requireNonNull(paths, "paths");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** The live system, writing sysfs directly. */
    public static Takeover system() {
        return new Takeover(Paths.system(), SysfsWriter.direct());
    }

    private Path function(PciAddress a) throws NoSuchPciFunctionException {
        Path dir = paths.sysfsRoot().resolve("bus/pci/devices").resolve(a.toString());
        if (!Files.isDirectory(dir)) {
            throw new NoSuchPciFunctionException(a, dir);
        }
        return dir;
    }

    /** The driver bound to {@code a}, if any. */
    public Optional<String> driver(PciAddress a) throws IOException {
        return linkName(function(a).resolve("driver"));
    }

    /**
     * Everything the host would lose if {@code a} left its driver; empty when taking it is safe by these
     * checks. A function already bound to vfio-pci has no block or network devices, so only the IOMMU group
     * can matter then.
     */
    public List<TakeoverHazard> hazards(PciAddress a) throws IOException {
        Path fn = function(a);
        Path real = fn.toRealPath();
        List<TakeoverHazard> out = new ArrayList<>();
        blockHazards(a, real, out);
        netHazards(a, real, out);
        groupHazards(a, fn, out);
        return out;
    }

    /** One block device found under the function (or stacked on one that is). */
    private record BlockDev(String name, String devNumber, String dmName) {
        boolean matches(String source, String device) {
            return (device != null && device.equals(devNumber)) || source.equals("/dev/" + name)
                    || (dmName != null && source.equals("/dev/mapper/" + dmName));
        }

        String label() {
            return dmName != null ? name + " (/dev/mapper/" + dmName + ")" : name;
        }
    }

    private void blockHazards(PciAddress a, Path fnReal, List<TakeoverHazard> out) throws IOException {
        Path classBlock = requireDir(paths.sysfsRoot().resolve("class/block"));
        List<BlockDev> devs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Path entry : list(classBlock)) {
            if (isUnder(entry, fnReal)) {
                collect(classBlock, entry.getFileName().toString(), devs, seen, 0);
            }
        }
        if (devs.isEmpty()) {
            return;
        }
        for (HostTables.Mount m : HostTables.mounts(paths.mounts())) {
            for (BlockDev d : devs) {
                if (d.matches(m.source(), m.device())) {
                    out.add(new TakeoverHazard(TakeoverHazard.Kind.MOUNTED_FILESYSTEM, "block device " + d.label()
                            + " of " + a + " is mounted on " + m.mountPoint() + " (from " + m.source() + ")"));
                    break;
                }
            }
        }
        for (String swap : HostTables.swaps(paths.swaps())) {
            for (BlockDev d : devs) {
                if (d.matches(swap, null)) {
                    out.add(new TakeoverHazard(TakeoverHazard.Kind.ACTIVE_SWAP, "block device " + d.label()
                            + " of " + a + " is in use as swap (" + swap + ")"));
                    break;
                }
            }
        }
    }

    /** Adds block device {@code name} and, recursively, the devices stacked on it ({@code holders}). */
    private void collect(Path classBlock, String name, List<BlockDev> devs, Set<String> seen, int depth) {
        if (depth > 8 || !seen.add(name)) {
            return;
        }
        Path dir = classBlock.resolve(name);
        String dev = readTrimmed(dir.resolve("dev")).orElse(null);
        String dm = readTrimmed(dir.resolve("dm/name")).orElse(null);
        devs.add(new BlockDev(name, dev, dm));
        for (Path holder : list(dir.resolve("holders"))) {
            collect(classBlock, holder.getFileName().toString(), devs, seen, depth + 1);
        }
    }

    private void netHazards(PciAddress a, Path fnReal, List<TakeoverHazard> out) throws IOException {
        Path classNet = requireDir(paths.sysfsRoot().resolve("class/net"));
        Set<String> ifaces = new LinkedHashSet<>();
        for (Path entry : list(classNet)) {
            if (isUnder(entry, fnReal)) {
                collectUppers(classNet, entry.getFileName().toString(), ifaces, 0);
            }
        }
        if (ifaces.isEmpty()) {
            return;
        }
        Set<String> routed = new LinkedHashSet<>(HostTables.ipv4DefaultRouteInterfaces(paths.ipv4Routes()));
        List<String> v6 = HostTables.ipv6DefaultRouteInterfaces(paths.ipv6Routes());
        for (String iface : ifaces) {
            boolean v4 = routed.contains(iface);
            boolean six = v6.contains(iface);
            if (v4 || six) {
                out.add(new TakeoverHazard(TakeoverHazard.Kind.DEFAULT_ROUTE, "network interface " + iface + " of "
                        + a + " carries the " + (v4 && six ? "IPv4 and IPv6" : v4 ? "IPv4" : "IPv6")
                        + " default route"));
            }
        }
    }

    /** Adds {@code iface} and the interfaces stacked on it ({@code upper_*} links: bridges, bonds, VLANs). */
    private void collectUppers(Path classNet, String iface, Set<String> out, int depth) {
        if (depth > 8 || !out.add(iface)) {
            return;
        }
        for (Path p : list(classNet.resolve(iface))) {
            String n = p.getFileName().toString();
            if (n.startsWith("upper_") && n.length() > 6) {
                collectUppers(classNet, n.substring(6), out, depth + 1);
            }
        }
    }

    private void groupHazards(PciAddress a, Path fn, List<TakeoverHazard> out) {
        Path devices = fn.resolve("iommu_group/devices");
        for (Path member : list(devices)) {
            String name = member.getFileName().toString();
            if (name.equals(a.toString())) {
                continue;
            }
            Optional<String> drv = linkName(member.resolve("driver"));
            if (drv.isPresent() && !isVfio(drv.get()) && !drv.get().equals("pcieport") && !drv.get().equals("pci-stub")) {
                out.add(new TakeoverHazard(TakeoverHazard.Kind.IOMMU_GROUP_SHARED, "IOMMU group of " + a
                        + " also holds " + name + ", bound to " + drv.get()
                        + "; VFIO can only use the group once every member is on vfio-pci"));
            }
        }
    }

    /**
     * Binds {@code a} to vfio-pci: sets {@code driver_override}, unbinds the current driver, probes. Refuses
     * with {@link TakeoverRefusedException} when {@link #hazards} finds something, unless {@code force}.
     * Does nothing if vfio-pci is already bound.
     *
     * @return the driver the function had before (empty if none), for the caller's records
     * @throws SysfsException if vfio-pci is not loaded, a write fails (not root?), or the kernel did not end
     *                        up binding vfio-pci
     */
    public Optional<String> bind(PciAddress a, boolean force) throws IOException {
        Path fn = function(a);
        Optional<String> before = linkName(fn.resolve("driver"));
        if (before.isPresent() && before.get().equals(VFIO_PCI)) {
            return before;
        }
        List<TakeoverHazard> found = hazards(a);
        if (!found.isEmpty() && !force) {
            throw new TakeoverRefusedException(a, found);
        }
        Path vfioDriver = paths.sysfsRoot().resolve("bus/pci/drivers").resolve(VFIO_PCI);
        if (!Files.isDirectory(vfioDriver)) {
            throw new SysfsException(vfioDriver, "missing: the vfio-pci driver is not loaded (modprobe vfio-pci)");
        }
        write(fn.resolve("driver_override"), VFIO_PCI);
        if (before.isPresent()) {
            write(fn.resolve("driver/unbind"), a.toString());
        }
        write(paths.sysfsRoot().resolve("bus/pci/drivers_probe"), a.toString());
        Optional<String> after = linkName(fn.resolve("driver"));
        if (after.isEmpty() || !after.get().equals(VFIO_PCI)) {
            throw new SysfsException(fn.resolve("driver"), "after probing, " + a + " is bound to "
                    + after.orElse("no driver") + ", not vfio-pci (driver_override stays set; see dmesg)");
        }
        return before;
    }

    /**
     * Releases {@code a} from whatever driver has it, clears {@code driver_override} and probes, so the
     * kernel's own driver binds again.
     */
    public void unbind(PciAddress a) throws IOException {
        Path fn = function(a);
        if (linkName(fn.resolve("driver")).isPresent()) {
            write(fn.resolve("driver/unbind"), a.toString());
        }
        // A lone newline clears the override (the kernel strips it and stores "no override").
        write(fn.resolve("driver_override"), "\n");
        write(paths.sysfsRoot().resolve("bus/pci/drivers_probe"), a.toString());
    }

    private void write(Path file, String value) throws SysfsException {
        try {
            writer.write(file, value);
        } catch (IOException e) {
            throw new SysfsException(file, "writing '" + value.strip() + "' failed: " + e.getMessage()
                    + " (this needs root)", e);
        }
    }

    private static boolean isVfio(String driver) {
        return driver.equals(VFIO_PCI) || driver.endsWith("vfio_pci") || driver.endsWith("vfio-pci");
    }

    /** A directory the checks cannot do without: missing, it would make every function look safe. */
    private static Path requireDir(Path dir) throws SysfsException {
        if (!Files.isDirectory(dir)) {
            throw new SysfsException(dir, "missing: cannot check which devices belong to the function");
        }
        return dir;
    }

    /** Whether {@code entry} (a link) resolves to a path under {@code dir}. */
    private static boolean isUnder(Path entry, Path dir) {
        try {
            return entry.toRealPath().startsWith(dir);
        } catch (IOException e) {
            return false; // dangling link: not ours
        }
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    private static Optional<String> linkName(Path link) {
        try {
            if (Files.isSymbolicLink(link)) {
                Path t = Files.readSymbolicLink(link).getFileName();
                return t == null ? Optional.empty() : Optional.of(t.toString());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<String> readTrimmed(Path file) {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)) {
                return Optional.empty();
            }
            String s = Files.readString(file).trim();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
