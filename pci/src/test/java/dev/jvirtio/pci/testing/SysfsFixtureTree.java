package dev.jvirtio.pci.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a sysfs-like tree ({@code <root>/bus/pci/devices/<BDF>/...}) from the real snapshots kept under the
 * test resource folder {@code sysfs-pci/}, which were taken on the build machine (a VM with five virtio-pci
 * functions and a host bridge).
 *
 * <p>The snapshots store the bound driver as a plain {@code driver_name} file; the tree rebuilds the
 * {@code driver} symlink from it, pointing at {@code bus/pci/drivers/<name>} as the kernel does. The snapshot of
 * the unbound host bridge says {@code driver}: the snapshot tool printed the basename of the missing link
 * itself (the live /sys has no driver link for 0000:00:00.0), so no link is made for it.
 *
 * <p>Resources are read from the class path, so the builder also works from this module's test-jar.
 */
public final class SysfsFixtureTree {
    private SysfsFixtureTree() {
    }

    /** The functions in the snapshot, sorted. */
    public static final List<String> FUNCTIONS = List.of(
            "0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0");

    /** The files each snapshot holds. */
    public static final List<String> FILES = List.of(
            "class", "config", "device", "driver_name", "irq", "resource", "revision",
            "subsystem_device", "subsystem_vendor", "vendor");

    /** The snapshot's name for "no driver bound" (see the class comment). */
    public static final String UNBOUND_ARTEFACT = "driver";

    /**
     * Builds the tree under {@code root} with {@code driver} symlinks and without {@code driver_name} files.
     *
     * @return {@code root}
     */
    public static Path build(Path root) {
        return build(root, false);
    }

    /**
     * Builds the tree under {@code root}. With {@code keepDriverNameFiles} the snapshots' {@code driver_name}
     * files are copied as they are and no {@code driver} symlinks are made.
     *
     * @return {@code root}
     */
    public static Path build(Path root, boolean keepDriverNameFiles) {
        try {
            Path devices = Files.createDirectories(root.resolve("bus/pci/devices"));
            Path drivers = Files.createDirectories(root.resolve("bus/pci/drivers"));
            for (String bdf : FUNCTIONS) {
                Path dir = Files.createDirectories(devices.resolve(bdf));
                for (String file : FILES) {
                    byte[] content = resource(bdf, file);
                    if (file.equals("driver_name") && !keepDriverNameFiles) {
                        String name = new String(content, StandardCharsets.US_ASCII).trim();
                        if (!name.equals(UNBOUND_ARTEFACT)) {
                            Files.createDirectories(drivers.resolve(name));
                            Files.createSymbolicLink(dir.resolve("driver"),
                                    Path.of("../../../bus/pci/drivers").resolve(name));
                        }
                        continue;
                    }
                    Files.write(dir.resolve(file), content);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of one snapshot file. */
    public static byte[] resource(String bdf, String file) {
        String name = "/sysfs-pci/" + bdf + "/" + file;
        try (InputStream in = SysfsFixtureTree.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
