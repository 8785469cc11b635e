package dev.jvirtio.pci.takeover;

import java.util.Objects;

/**
 * Something the host would lose if a function were taken away from its kernel driver.
 *
 * @param kind   what kind of loss
 * @param detail the specifics: which block device is mounted where, which interface carries the default
 *               route, which function shares the IOMMU group with which driver
 */
public record TakeoverHazard(Kind kind, String detail) {

    /** Kinds of hazard {@link Takeover} checks for. */
    public enum Kind {
        /** A block device of the function (or a partition or device-mapper/md device on it) is mounted. */
        MOUNTED_FILESYSTEM,
        /** A block device of the function (or a partition or holder) is active swap. */
        ACTIVE_SWAP,
        /** A network interface of the function carries a default route (IPv4 or IPv6). */
        DEFAULT_ROUTE,
        /** Another function of the IOMMU group is bound to a kernel driver other than vfio-pci. */
        IOMMU_GROUP_SHARED
    }

    /** Checks both fields. */
    public TakeoverHazard {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return kind + ": " + detail;
    }
}
