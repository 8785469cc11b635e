package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.Ioctl;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_group_status;
import dev.jvirtio.pci.PciAddress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A VFIO group ({@code /dev/vfio/<N>} or {@code /dev/vfio/noiommu-<N>}): the unit of isolation the IOMMU
 * provides. A group joins a {@link VfioContainer} and then hands out device fds.
 *
 * <pre>{@code
 * VfioGroup g = VfioGroup.open(Path.of("/dev/vfio/7"), 7);
 * g.requireViable(PciAddress.parse("0000:01:00.0"), Path.of("/sys"));
 * g.setContainer(container);
 * VfioDevice d = g.openDevice(PciAddress.parse("0000:01:00.0"), null);
 * }</pre>
 *
 * <p>Close devices before their group; closing the group detaches it from its container.
 */
public final class VfioGroup implements AutoCloseable {
    private final OwnedFd fd;
    private final Path path;
    private final int number;

    private VfioGroup(OwnedFd fd, Path path, int number) {
        this.fd = fd;
        this.path = path;
        this.number = number;
    }

    /** Opens the group node {@code path} of IOMMU group {@code number}. */
    public static VfioGroup open(Path path, int number) throws VfioException {
        return new VfioGroup(Native.openNode(path, "VFIO group", null), path, number);
    }

    /** The group number. */
    public int number() {
        return number;
    }

    /** The node this group was opened from. */
    public Path path() {
        return path;
    }

    /** {@code VFIO_GROUP_GET_STATUS} flags ({@code KABI_VFIO_GROUP_FLAGS_*}). */
    public int status() throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(kabi_vfio_group_status.layout());
            s.set(ValueLayout.JAVA_INT, kabi_vfio_group_status.argsz$offset(),
                    (int) kabi_vfio_group_status.layout().byteSize());
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_GROUP_GET_STATUS, s, "VFIO_GROUP_GET_STATUS", path.toString());
            return s.get(ValueLayout.JAVA_INT, kabi_vfio_group_status.flags$offset());
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "VFIO_GROUP_GET_STATUS on " + path);
        }
    }

    /** Whether every function of the group is bound to vfio-pci or to no driver. */
    public boolean viable() throws VfioException {
        return (status() & Kabi.KABI_VFIO_GROUP_FLAGS_VIABLE()) != 0;
    }

    /**
     * Throws {@link VfioException.Kind#GROUP_NOT_VIABLE}, naming the group's other functions and their
     * drivers (read from {@code sysfsRoot}), unless the group is viable.
     */
    public void requireViable(PciAddress self, Path sysfsRoot) throws VfioException {
        if (!viable()) {
            throw new VfioException(VfioException.Kind.GROUP_NOT_VIABLE, self,
                    IommuGroupMembers.notViableMessage(sysfsRoot, number, self));
        }
    }

    /** Attaches the group to {@code container} ({@code VFIO_GROUP_SET_CONTAINER}). */
    public void setContainer(VfioContainer container) throws VfioException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(ValueLayout.JAVA_INT, container.fd());
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_GROUP_SET_CONTAINER, p, "VFIO_GROUP_SET_CONTAINER", path.toString());
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "attaching " + path + " to " + container.path()
                    + (e.errno() == Errno.EINVAL ? " (already attached, or the IOMMU types differ)" : ""));
        }
    }

    /**
     * Opens one device of the group ({@code VFIO_GROUP_GET_DEVICE_FD}); {@code vfToken} is needed for a VF
     * of a vfio-pci PF (and for such a PF once its VFs are in use), null otherwise.
     */
    public VfioDevice openDevice(PciAddress address, UUID vfToken) throws VfioException {
        String name = VfToken.deviceName(address, vfToken);
        int dfd;
        try (Arena arena = Arena.ofConfined()) {
            dfd = Syscalls.ioctl(fd.get(), Ioctl.VFIO_GROUP_GET_DEVICE_FD, arena.allocateFrom(name),
                    "VFIO_GROUP_GET_DEVICE_FD", path + " device " + address);
        } catch (NativeIoException e) {
            throw openFailure(e, address, vfToken, "opening the device through " + path);
        }
        return new VfioDevice(new OwnedFd(dfd, "VFIO device " + address), address);
    }

    /**
     * The typed error for a failed {@code VFIO_GROUP_GET_DEVICE_FD} or {@code VFIO_DEVICE_BIND_IOMMUFD}.
     * vfio-pci answers EACCES only for the VF token (its {@code match} and {@code bind} hooks check nothing
     * else that way), so EACCES becomes {@link VfioException.Kind#VF_TOKEN_REJECTED} with advice that depends
     * on whether a token was given.
     */
    static VfioException openFailure(NativeIoException e, PciAddress address, UUID vfToken, String doing) {
        if (e.errno() == Errno.EACCES) {
            String why = vfToken == null
                    ? "no VF token was given, but a VF of a vfio-pci PF (or a PF whose VFs are in use) needs the token "
                    + "the PF's owner set (VfioOptions.withVfToken)"
                    : "the VF token " + VfToken.format(vfToken) + " is not the one the PF's owner set "
                    + "(VfioDevice.setVfToken on the PF)";
            return new VfioException(VfioException.Kind.VF_TOKEN_REJECTED, address, doing + " was refused ("
                    + e.errnoName() + "): " + why, e);
        }
        return Native.failed(e, address, doing + (e.errno() == Errno.EINVAL
                ? " (the group has no container with an IOMMU set yet, or the device is not in this group)" : ""));
    }

    /** Whether the group is still open. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the group fd (which detaches it from its container); idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "VfioGroup[" + number + ", " + fd + "]";
    }
}
