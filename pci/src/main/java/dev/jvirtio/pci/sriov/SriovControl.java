package dev.jvirtio.pci.sriov;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.pci.sysfs.SysfsWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * SR-IOV on a physical function through sysfs: enabling and disabling VFs ({@code sriov_numvfs}) and
 * translating between VF numbers and addresses.
 *
 * <p>VF numbers are 1-based, as in the virtio spec's SR-IOV group member ids and in the PCIe spec; the
 * kernel's {@code virtfnN} links are 0-based: VF number {@code n} is {@code virtfn(n-1)}.
 *
 * <pre>{@code
 * SriovControl sriov = new SriovControl(Path.of("/sys"), SysfsWriter.direct());
 * sriov.enable(pf, 2);
 * PciAddress vf1 = sriov.vfAddress(pf, 1);        // from virtfn0
 * int n = sriov.vfNumber(vf1);                     // 1
 * }</pre>
 *
 * <p>For a PF bound to vfio-pci the kernel only allows VFs when vfio-pci's {@code enable_sriov} module
 * parameter is on; {@link #enable} checks that first and says so. Opening such VFs needs the VF token
 * (see {@code dev.jvirtio.pci.vfio.VfToken}).
 */
public final class SriovControl {
    private final Path sysfsRoot;
    private final SysfsWriter writer;

    /** SR-IOV control over the sysfs tree at {@code sysfsRoot}, writing through {@code writer}. */
    public SriovControl(Path sysfsRoot, SysfsWriter writer) {
        this.sysfsRoot = Objects.requireNonNull(sysfsRoot, "sysfsRoot");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    private Path function(PciAddress a) throws SysfsException {
        Path dir = sysfsRoot.resolve("bus/pci/devices").resolve(a.toString());
        if (!Files.isDirectory(dir)) {
            throw new SysfsException(dir, "no such PCI function");
        }
        return dir;
    }

    /** {@code sriov_totalvfs}: how many VFs the PF supports. */
    public int totalVfs(PciAddress pf) throws SysfsException {
        return readInt(sriovFile(pf, "sriov_totalvfs"));
    }

    /** {@code sriov_numvfs}: how many VFs are enabled. */
    public int numVfs(PciAddress pf) throws SysfsException {
        return readInt(sriovFile(pf, "sriov_numvfs"));
    }

    private Path sriovFile(PciAddress pf, String name) throws SysfsException {
        Path f = function(pf).resolve(name);
        if (!Files.exists(f)) {
            throw new SysfsException(f, "missing: " + pf + " is not an SR-IOV physical function");
        }
        return f;
    }

    /**
     * Enables exactly {@code count} VFs (1..totalVfs). When a different non-zero number is enabled, VFs are
     * disabled first: the kernel refuses to change a non-zero count directly.
     *
     * @throws SysfsException if the PF cannot do it (no SR-IOV, vfio-pci without enable_sriov, no driver,
     *                        or the kernel refused), with the reason
     */
    public void enable(PciAddress pf, int count) throws SysfsException {
        int total = totalVfs(pf);
        if (count < 1 || count > total) {
            throw new IllegalArgumentException(pf + " supports 1 to " + total + " VFs, " + count + " requested");
        }
        Path fn = function(pf);
        String driver = driver(fn);
        if (driver == null) {
            throw new SysfsException(fn, "no driver is bound to the PF; the kernel enables VFs through the PF's driver");
        }
        if (driver.equals("vfio-pci")) {
            Path param = sysfsRoot.resolve("module/vfio_pci/parameters/enable_sriov");
            String on = Files.exists(param) ? readText(param) : "N";
            if (!on.equals("Y") && !on.equals("1")) {
                throw new SysfsException(param, "vfio-pci will not enable VFs: load it with enable_sriov=1 "
                        + "(or write Y to this parameter)");
            }
        }
        int now = numVfs(pf);
        if (now == count) {
            return;
        }
        Path numvfs = fn.resolve("sriov_numvfs");
        if (now != 0) {
            write(numvfs, "0");
        }
        write(numvfs, Integer.toString(count));
    }

    /** Disables all VFs of {@code pf} (writes 0); nothing happens if none are enabled. */
    public void disable(PciAddress pf) throws SysfsException {
        if (numVfs(pf) != 0) {
            write(function(pf).resolve("sriov_numvfs"), "0");
        }
    }

    /** Addresses of the enabled VFs, in VF-number order (index 0 is VF 1). */
    public List<PciAddress> vfs(PciAddress pf) throws SysfsException {
        Path fn = function(pf);
        TreeMap<Integer, PciAddress> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fn, "virtfn*")) {
            for (Path p : ds) {
                String suffix = p.getFileName().toString().substring("virtfn".length());
                if (!suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit)) {
                    out.put(Integer.parseInt(suffix), linkTarget(p));
                }
            }
        } catch (IOException e) {
            throw e instanceof SysfsException s ? s : new SysfsException(fn, "cannot list virtfn links: " + e, e);
        }
        return new ArrayList<>(out.values());
    }

    /**
     * Address of VF number {@code vfNumber} (1-based) of {@code pf}, from the {@code virtfn<vfNumber-1>} link.
     *
     * @throws IllegalArgumentException if {@code vfNumber < 1}
     * @throws SysfsException           if that VF is not enabled
     */
    public PciAddress vfAddress(PciAddress pf, int vfNumber) throws SysfsException {
        if (vfNumber < 1) {
            throw new IllegalArgumentException("VF numbers start at 1, got " + vfNumber);
        }
        Path link = function(pf).resolve("virtfn" + (vfNumber - 1));
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            throw new SysfsException(link, "VF " + vfNumber + " of " + pf + " is not enabled ("
                    + numVfsOrUnknown(pf) + " VFs are)");
        }
        return linkTarget(link);
    }

    /** The PF of a VF, from its {@code physfn} link. */
    public PciAddress physicalFunction(PciAddress vf) throws SysfsException {
        Path link = function(vf).resolve("physfn");
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            throw new SysfsException(link, "missing: " + vf + " is not a virtual function");
        }
        return linkTarget(link);
    }

    /** The 1-based VF number of {@code vf}: the index of the PF's {@code virtfnN} link pointing at it, plus one. */
    public int vfNumber(PciAddress vf) throws SysfsException {
        PciAddress pf = physicalFunction(vf);
        List<PciAddress> all = vfs(pf);
        int i = all.indexOf(vf);
        if (i < 0) {
            throw new SysfsException(function(pf), "no virtfn link of " + pf + " points at " + vf);
        }
        return i + 1;
    }

    private String numVfsOrUnknown(PciAddress pf) {
        try {
            return Integer.toString(numVfs(pf));
        } catch (SysfsException e) {
            return "an unknown number of";
        }
    }

    private void write(Path file, String value) throws SysfsException {
        try {
            writer.write(file, value);
        } catch (IOException e) {
            throw new SysfsException(file, "writing '" + value + "' failed: " + e.getMessage()
                    + " (root needed; EBUSY/EINVAL mean the PF driver or the kernel refused)", e);
        }
    }

    private static String driver(Path fn) {
        Path link = fn.resolve("driver");
        try {
            if (Files.isSymbolicLink(link)) {
                Path t = Files.readSymbolicLink(link).getFileName();
                return t == null ? null : t.toString();
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static PciAddress linkTarget(Path link) throws SysfsException {
        try {
            Path t = Files.readSymbolicLink(link).getFileName();
            return PciAddress.parse(t == null ? "" : t.toString());
        } catch (IOException | IllegalArgumentException e) {
            throw new SysfsException(link, "not a link to a PCI function: " + e.getMessage(), e);
        }
    }

    private static String readText(Path f) throws SysfsException {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new SysfsException(f, "cannot read: " + e, e);
        }
    }

    private static int readInt(Path f) throws SysfsException {
        String s = readText(f);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new SysfsException(f, "malformed content '" + s + "' (expected a decimal number)", e);
        }
    }
}
