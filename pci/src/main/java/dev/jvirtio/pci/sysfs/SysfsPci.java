package dev.jvirtio.pci.sysfs;

import dev.jvirtio.pci.PciAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Read-only PCI discovery through sysfs: lists the functions under {@code <root>/bus/pci/devices/} and reads
 * each one's IDs, driver, IOMMU group, NUMA node, resources, SR-IOV links and config bytes.
 *
 * <pre>{@code
 * SysfsPci sysfs = new SysfsPci();                        // /sys
 * for (PciFunctionInfo f : sysfs.scan()) {
 *     f.virtio().ifPresent(v -> System.out.println(f.address() + " " + v.typeName()));
 * }
 * SysfsPci fixture = new SysfsPci(Path.of("/tmp/fake-sys")); // a copied tree, for tests
 * }</pre>
 *
 * <p>It only reads files; it never writes to sysfs. Optional files that are missing (iommu_group without an
 * IOMMU, sriov_* without SR-IOV, driver when unbound) become empty values; a missing or unreadable mandatory
 * file, or content the kernel would never write, is a {@link SysfsException} naming the file.
 *
 * <p>The bound driver is the basename of the {@code driver} link; snapshot trees without symlinks may record
 * it instead in a plain {@code driver_name} file, which is read when there is no link.
 */
public final class SysfsPci {

    /** The usual sysfs mount point. */
    public static final Path DEFAULT_ROOT = Path.of("/sys");

    private final Path root;
    private final Path devices;

    /** Reads the live sysfs at {@code /sys}. */
    public SysfsPci() {
        this(DEFAULT_ROOT);
    }

    /** Reads a sysfs tree rooted at {@code root} (devices are expected under {@code root/bus/pci/devices}). */
    public SysfsPci(Path root) {
        this.root = Objects.requireNonNull(root, "root");
        this.devices = root.resolve("bus").resolve("pci").resolve("devices");
    }

    /** The sysfs root. */
    public Path root() {
        return root;
    }

    /** The directory holding one entry per PCI function. */
    public Path devicesDirectory() {
        return devices;
    }

    /** The directory of one function (which may not exist). */
    public Path functionDirectory(PciAddress address) {
        return devices.resolve(address.toString());
    }

    /**
     * Addresses of all PCI functions, sorted. Entries whose names are not PCI addresses are skipped: the
     * kernel puts only functions in this directory.
     *
     * @throws SysfsException if the devices directory is missing or cannot be listed
     */
    public List<PciAddress> addresses() throws SysfsException {
        if (!Files.isDirectory(devices)) {
            throw new SysfsException(devices, "not a directory: no PCI bus in this sysfs tree");
        }
        List<PciAddress> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(devices)) {
            for (Path p : ds) {
                try {
                    out.add(PciAddress.parse(p.getFileName().toString()));
                } catch (IllegalArgumentException notAFunction) {
                    // not a BDF-named entry; nothing to report
                }
            }
        } catch (IOException e) {
            throw wrap(devices, e);
        }
        out.sort(null);
        return out;
    }

    /** Reads every PCI function, sorted by address. */
    public List<PciFunctionInfo> scan() throws SysfsException {
        List<PciFunctionInfo> out = new ArrayList<>();
        for (PciAddress a : addresses()) {
            out.add(read(a));
        }
        return out;
    }

    /** True when a function with this address exists. */
    public boolean exists(PciAddress address) {
        return Files.isDirectory(functionDirectory(address));
    }

    /**
     * Reads one function.
     *
     * @throws NoSuchPciFunctionException when there is no such function
     * @throws SysfsException             when a mandatory file is missing, unreadable or malformed
     */
    public PciFunctionInfo read(PciAddress address) throws SysfsException {
        Path dir = functionDirectory(address);
        if (!Files.isDirectory(dir)) {
            throw new NoSuchPciFunctionException(address, dir);
        }
        int vendor = (int) hex(dir, "vendor", 0xffff);
        int device = (int) hex(dir, "device", 0xffff);
        int cls = (int) hex(dir, "class", 0xffffff);
        int ssVendor = (int) hex(dir, "subsystem_vendor", 0xffff);
        int ssDevice = (int) hex(dir, "subsystem_device", 0xffff);
        int revision = (int) hex(dir, "revision", 0xff);
        Optional<String> driver = driver(dir);
        Optional<String> group = linkName(dir, "iommu_group");
        OptionalInt iommuGroup = group.isPresent()
                ? OptionalInt.of(parseDecimal(dir.resolve("iommu_group"), group.get(), 0))
                : OptionalInt.empty();
        OptionalInt numa = optionalDecimal(dir, "numa_node", -1);
        if (numa.isPresent() && numa.getAsInt() < 0) {
            numa = OptionalInt.empty(); // -1: the kernel knows no NUMA affinity for this function
        }
        List<PciResource> resources = resources(dir);
        Optional<SriovState> sriov = sriov(dir);
        Optional<String> pf = linkName(dir, "physfn");
        Optional<PciAddress> physfn = pf.isPresent()
                ? Optional.of(linkAddress(dir.resolve("physfn"), pf.get()))
                : Optional.empty();
        byte[] config = bytes(dir.resolve("config"));
        return new PciFunctionInfo(address, vendor, device, cls, ssVendor, ssDevice, revision, driver,
                iommuGroup, numa, resources, sriov, physfn, config);
    }

    private Optional<String> driver(Path dir) throws SysfsException {
        Optional<String> link = linkName(dir, "driver");
        if (link.isPresent()) {
            return link;
        }
        Path file = dir.resolve("driver_name");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String name = text(file);
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    private Optional<SriovState> sriov(Path dir) throws SysfsException {
        OptionalInt total = optionalDecimal(dir, "sriov_totalvfs", 0);
        if (total.isEmpty()) {
            return Optional.empty();
        }
        OptionalInt num = optionalDecimal(dir, "sriov_numvfs", 0);
        TreeMap<Integer, PciAddress> vfs = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "virtfn*")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                String digits = name.substring("virtfn".length());
                if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
                    continue; // not a virtfnN link
                }
                String target = Files.readSymbolicLink(p).getFileName().toString();
                vfs.put(Integer.parseInt(digits), linkAddress(p, target));
            }
        } catch (IOException e) {
            throw wrap(dir, e);
        }
        return Optional.of(new SriovState(total.getAsInt(), num.orElse(0), new ArrayList<>(vfs.values())));
    }

    private List<PciResource> resources(Path dir) throws SysfsException {
        Path file = dir.resolve("resource");
        List<PciResource> out = new ArrayList<>();
        String[] lines = text(file).split("\n");
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) {
                throw new SysfsException(file, "line " + (out.size() + 1) + " '" + line
                        + "' does not have the 3 fields start, end, flags");
            }
            out.add(new PciResource(out.size(), hexValue(file, f[0], -1), hexValue(file, f[1], -1),
                    hexValue(file, f[2], -1)));
        }
        return out;
    }

    /** Basename of the link {@code dir/name}, or empty when there is no such link. */
    private static Optional<String> linkName(Path dir, String name) throws SysfsException {
        Path link = dir.resolve(name);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            Path target = Files.readSymbolicLink(link).getFileName();
            if (target == null) {
                throw new SysfsException(link, "link has an empty target");
            }
            return Optional.of(target.toString());
        } catch (IOException e) {
            throw wrap(link, e);
        }
    }

    private static PciAddress linkAddress(Path link, String basename) throws SysfsException {
        try {
            return PciAddress.parse(basename);
        } catch (IllegalArgumentException e) {
            throw new SysfsException(link, "link target '" + basename + "' is not a PCI address", e);
        }
    }

    private static long hex(Path dir, String name, long max) throws SysfsException {
        Path file = dir.resolve(name);
        return hexValue(file, text(file), max);
    }

    /** Parses "0x..." as the kernel prints it; {@code max} < 0 means any unsigned 64-bit value. */
    private static long hexValue(Path file, String s, long max) throws SysfsException {
        if (!(s.startsWith("0x") || s.startsWith("0X")) || s.length() < 3 || s.length() > 18) {
            throw new SysfsException(file, "malformed content '" + s + "' (expected a 0x-prefixed hex number)");
        }
        long v;
        try {
            v = Long.parseUnsignedLong(s.substring(2), 16);
        } catch (NumberFormatException e) {
            throw new SysfsException(file, "malformed content '" + s + "' (expected a 0x-prefixed hex number)", e);
        }
        if (max >= 0 && Long.compareUnsigned(v, max) > 0) {
            throw new SysfsException(file, "value " + s + " exceeds 0x" + Long.toHexString(max));
        }
        return v;
    }

    private static OptionalInt optionalDecimal(Path dir, String name, int min) throws SysfsException {
        Path file = dir.resolve(name);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(parseDecimal(file, text(file), min));
    }

    private static int parseDecimal(Path file, String s, int min) throws SysfsException {
        try {
            int v = Integer.parseInt(s);
            if (v < min) {
                throw new SysfsException(file, "value " + v + " is below " + min);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SysfsException(file, "malformed content '" + s + "' (expected a decimal number)", e);
        }
    }

    private static String text(Path file) throws SysfsException {
        return new String(bytes(file), StandardCharsets.US_ASCII).trim();
    }

    private static byte[] bytes(Path file) throws SysfsException {
        try {
            // readAllBytes reads to EOF, so sysfs' fixed 4096-byte st_size for attribute files does not matter.
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw wrap(file, e);
        }
    }

    private static SysfsException wrap(Path file, IOException e) {
        if (e instanceof SysfsException s) {
            return s;
        }
        if (e instanceof NoSuchFileException) {
            return new SysfsException(file, "missing", e);
        }
        if (e instanceof AccessDeniedException) {
            return new SysfsException(file, "permission denied", e);
        }
        return new SysfsException(file, "cannot read: " + e, e);
    }
}
