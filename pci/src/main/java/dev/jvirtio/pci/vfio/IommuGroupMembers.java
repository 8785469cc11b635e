package dev.jvirtio.pci.vfio;

import dev.jvirtio.pci.PciAddress;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The functions of an IOMMU group and their drivers, read from
 * {@code <sysfs>/kernel/iommu_groups/<N>/devices/}: what a "group not viable" message must name.
 */
final class IommuGroupMembers {
    private IommuGroupMembers() {
    }

    /** Drivers that do not make a group unviable (vfio-pci itself, pci-stub, and bridges' pcieport). */
    static final List<String> HARMLESS_DRIVERS = List.of("vfio-pci", "pci-stub", "pcieport");

    /**
     * One member.
     *
     * @param name   the entry name (a BDF for PCI; other buses may appear too)
     * @param driver its driver, empty when unbound
     */
    record Member(String name, Optional<String> driver) {
        boolean harmless() {
            return driver.isEmpty() || HARMLESS_DRIVERS.contains(driver.get());
        }

        @Override
        public String toString() {
            return name + " (" + driver.map(d -> "driver " + d).orElse("no driver") + ")";
        }
    }

    /** Members of group {@code group}, sorted by name; empty if the directory cannot be read. */
    static List<Member> list(Path sysfsRoot, int group) {
        Path dir = sysfsRoot.resolve("kernel/iommu_groups").resolve(Integer.toString(group)).resolve("devices");
        List<Member> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(new Member(p.getFileName().toString(), driverOf(p)));
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /** Basename of {@code dir/driver}, or empty. */
    static Optional<String> driverOf(Path dir) {
        Path link = dir.resolve("driver");
        try {
            if (Files.isSymbolicLink(link)) {
                Path t = Files.readSymbolicLink(link).getFileName();
                return t == null ? Optional.empty() : Optional.of(t.toString());
            }
            Path name = dir.resolve("driver_name");
            if (Files.exists(name, LinkOption.NOFOLLOW_LINKS)) {
                String s = Files.readString(name).trim();
                return s.isEmpty() ? Optional.empty() : Optional.of(s);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The "not viable" explanation: which other members keep the group from being usable, and the fix. */
    static String notViableMessage(Path sysfsRoot, int group, PciAddress self) {
        List<Member> members = list(sysfsRoot, group);
        List<String> blockers = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Member m : members) {
            if (m.name().equals(self.toString())) {
                continue;
            }
            (m.harmless() ? others : blockers).add(m.toString());
        }
        StringBuilder sb = new StringBuilder("IOMMU group ").append(group)
                .append(" is not viable: every function in a group must be bound to vfio-pci (or to no driver) "
                        + "before any of them can be used through VFIO");
        if (!blockers.isEmpty()) {
            sb.append("; bound elsewhere: ").append(String.join(", ", blockers))
                    .append(". Bind those to vfio-pci too (only if nothing on this host needs them), or move the "
                            + "device to a slot with its own group");
        } else if (members.isEmpty()) {
            sb.append("; the members could not be listed from ").append(sysfsRoot.resolve("kernel/iommu_groups"));
        }
        if (!others.isEmpty()) {
            sb.append(" (other members: ").append(String.join(", ", others)).append(')');
        }
        return sb.toString();
    }
}
