package dev.jvirtio.pci.vfio;

import dev.jvirtio.pci.PciAddress;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Decides, from sysfs and {@code /dev} alone, whether and how a function can be opened: the checks that
 * come before any VFIO call, each failing with a {@link VfioException} that says what is missing and what
 * to do. Pure file-system inspection, so tests run it on temporary trees.
 */
final class VfioLocator {
    private VfioLocator() {
    }

    /**
     * The nodes to open for one function.
     *
     * @param backend       the backend chosen (never AUTO)
     * @param group         IOMMU group number
     * @param groupNode     {@code /dev/vfio/N} or {@code /dev/vfio/noiommu-N} (type1 and noiommu)
     * @param containerNode {@code /dev/vfio/vfio} (type1 and noiommu)
     * @param cdevNode      {@code /dev/vfio/devices/vfioX} (iommufd)
     * @param iommuNode     {@code /dev/iommu} (iommufd)
     */
    record Plan(VfioBackend backend, int group, Path groupNode, Path containerNode, Path cdevNode, Path iommuNode) {
    }

    /** Whether a driver name is vfio-pci or one of its vendor variants (mlx5_vfio_pci, ...). */
    static boolean isVfioDriver(String driver) {
        return driver.equals("vfio-pci") || driver.endsWith("vfio_pci") || driver.endsWith("vfio-pci");
    }

    static Plan plan(PciAddress address, VfioOptions options) throws VfioException {
        Path fn = options.sysfsRoot().resolve("bus/pci/devices").resolve(address.toString());
        if (!Files.isDirectory(fn)) {
            throw new VfioException(VfioException.Kind.NO_SUCH_FUNCTION, address, "no such PCI function (" + fn
                    + " does not exist)");
        }
        Optional<String> driver = IommuGroupMembers.driverOf(fn);
        if (driver.isEmpty() || !isVfioDriver(driver.get())) {
            throw new VfioException(VfioException.Kind.NOT_BOUND_TO_VFIO, address, "bound to "
                    + driver.map(d -> "driver " + d).orElse("no driver") + ", not vfio-pci. Bind it first "
                    + "(jvirtio Takeover.bind, or: echo vfio-pci > " + fn.resolve("driver_override")
                    + "; echo " + address + " > .../driver/unbind; echo " + address + " > "
                    + options.sysfsRoot().resolve("bus/pci/drivers_probe") + ")");
        }
        int group = groupNumber(address, fn);
        Path vfio = options.devRoot().resolve("vfio");
        if (!Files.isDirectory(vfio)) {
            throw new VfioException(VfioException.Kind.VFIO_UNAVAILABLE, address, vfio
                    + " does not exist: the vfio modules are not loaded (modprobe vfio-pci) or /dev is not devtmpfs");
        }
        Path container = vfio.resolve("vfio");
        Path groupNode = vfio.resolve(Integer.toString(group));
        Path noiommuNode = vfio.resolve("noiommu-" + group);
        Path iommu = options.devRoot().resolve("iommu");
        Optional<String> cdevName = cdevName(fn);
        Path cdev = cdevName.map(n -> vfio.resolve("devices").resolve(n)).orElse(null);
        boolean hasType1 = exists(groupNode) && exists(container);
        boolean hasNoiommu = exists(noiommuNode) && exists(container);
        boolean hasIommufd = cdev != null && exists(cdev) && exists(iommu);

        VfioBackend wanted = options.backend();
        switch (wanted) {
            case AUTO -> {
                if (hasIommufd) {
                    return new Plan(VfioBackend.IOMMUFD, group, null, null, cdev, iommu);
                }
                if (hasType1) {
                    return new Plan(VfioBackend.TYPE1, group, groupNode, container, null, null);
                }
                if (exists(noiommuNode)) {
                    throw noiommuOnly(address, noiommuNode);
                }
                throw missing(address, groupNode, container, hasIommufd);
            }
            case TYPE1 -> {
                if (hasType1) {
                    return new Plan(VfioBackend.TYPE1, group, groupNode, container, null, null);
                }
                if (exists(noiommuNode)) {
                    throw noiommuOnly(address, noiommuNode);
                }
                throw missing(address, groupNode, container, hasIommufd);
            }
            case IOMMUFD -> {
                if (hasIommufd) {
                    return new Plan(VfioBackend.IOMMUFD, group, null, null, cdev, iommu);
                }
                String why = cdevName.isEmpty()
                        ? fn.resolve("vfio-dev") + " lists no vfioN device (the kernel has no vfio cdev support)"
                        : !exists(iommu) ? iommu + " does not exist (no iommufd: modprobe iommufd)"
                        : cdev + " does not exist";
                throw new VfioException(VfioException.Kind.UNSUPPORTED, address, "iommufd backend unavailable: " + why
                        + "; it needs Linux 6.6+ built with CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV, "
                        + "or use VfioBackend.TYPE1");
            }
            case NOIOMMU -> {
                if (hasNoiommu) {
                    return new Plan(VfioBackend.NOIOMMU, group, noiommuNode, container, null, null);
                }
                throw new VfioException(VfioException.Kind.UNSUPPORTED, address, "no-IOMMU backend unavailable: "
                        + (exists(groupNode) ? "group " + group + " is a normal IOMMU group (" + groupNode
                        + "); use TYPE1 or AUTO" : noiommuNode + " does not exist (load vfio with "
                        + "enable_unsafe_noiommu_mode=1 on a kernel built with CONFIG_VFIO_NOIOMMU, then rebind)"));
            }
            default -> throw new AssertionError(wanted);
        }
    }

    private static int groupNumber(PciAddress address, Path fn) throws VfioException {
        Path link = fn.resolve("iommu_group");
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            throw new VfioException(VfioException.Kind.NO_IOMMU_GROUP, address, "has no IOMMU group (" + link
                    + " is missing): the kernel runs without an IOMMU. Enable one (VT-d/AMD-Vi in firmware, "
                    + "intel_iommu=on or amd_iommu=on on the kernel command line), or, on a disposable test "
                    + "system only, load vfio with enable_unsafe_noiommu_mode=1 and use VfioBackend.NOIOMMU");
        }
        try {
            Path target = Files.readSymbolicLink(link).getFileName();
            return Integer.parseInt(target == null ? "" : target.toString());
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            throw new VfioException(VfioException.Kind.NO_IOMMU_GROUP, address, link
                    + " is not a link to a numbered IOMMU group", e);
        }
    }

    /** The function's vfio cdev name ({@code vfio-dev/vfioN} in sysfs), if the kernel created one. */
    static Optional<String> cdevName(Path fn) {
        Path dir = fn.resolve("vfio-dev");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "vfio*")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.length() > 4 && name.substring(4).chars().allMatch(Character::isDigit)) {
                    return Optional.of(name);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean exists(Path p) {
        return Files.exists(p);
    }

    private static VfioException noiommuOnly(PciAddress address, Path node) {
        return new VfioException(VfioException.Kind.NOIOMMU_NOT_REQUESTED, address, "only a no-IOMMU group exists ("
                + node + "): the device would reach all memory unchecked. Pass VfioBackend.NOIOMMU to accept "
                + "that, or enable an IOMMU (intel_iommu=on / amd_iommu=on)");
    }

    private static VfioException missing(PciAddress address, Path groupNode, Path container, boolean iommufd) {
        String what = !exists(container) ? container + " is missing (modprobe vfio; kernels without "
                + "CONFIG_VFIO_CONTAINER have only the iommufd path)" : groupNode + " is missing";
        return new VfioException(VfioException.Kind.VFIO_UNAVAILABLE, address, "VFIO type1 unavailable: " + what
                + (iommufd ? "" : "; no iommufd cdev either"));
    }
}
