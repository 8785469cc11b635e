package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.Ioctl;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_vfio_iommu_type1_info;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A legacy VFIO container ({@code /dev/vfio/vfio}): one IOMMU address space that one or more groups join.
 *
 * <p>Order of use, as the kernel requires: {@link #open}, attach at least one group
 * ({@link VfioGroup#setContainer}), {@link #setIommu} (type1v2, or no-IOMMU), then {@link #iommuInfo()} and
 * the {@link #dmaMapper()}. Closing removes every DMA mapping made through the mapper, then closes the fd;
 * close the groups and devices first.
 *
 * <pre>{@code
 * try (VfioContainer c = VfioContainer.open(Path.of("/dev/vfio/vfio"));
 *      VfioGroup g = VfioGroup.open(Path.of("/dev/vfio/7"), 7)) {
 *     g.setContainer(c);
 *     c.setIommu(Kabi.KABI_VFIO_TYPE1v2_IOMMU());
 *     IommuInfo info = c.iommuInfo();
 * }
 * }</pre>
 */
public final class VfioContainer implements AutoCloseable {
    private final OwnedFd fd;
    private final Path path;
    private int iommuType;
    private volatile DmaMapperBase mapper;

    private VfioContainer(OwnedFd fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Opens a container and checks the API version.
     *
     * @throws VfioException if the node is missing or inaccessible, or speaks another VFIO API version
     */
    public static VfioContainer open(Path path) throws VfioException {
        OwnedFd fd = Native.openNode(path, "VFIO container", null);
        try {
            int version = Syscalls.ioctl(fd.get(), Ioctl.VFIO_GET_API_VERSION, 0L, "VFIO_GET_API_VERSION",
                    path.toString());
            if (version != Kabi.KABI_VFIO_API_VERSION()) {
                throw new VfioException(VfioException.Kind.UNSUPPORTED, null, path + " speaks VFIO API version "
                        + version + ", jvirtio speaks " + Kabi.KABI_VFIO_API_VERSION());
            }
            return new VfioContainer(fd, path);
        } catch (NativeIoException e) {
            fd.close();
            throw new VfioException(VfioException.Kind.UNSUPPORTED, null, path
                    + " is not a VFIO container (VFIO_GET_API_VERSION failed)", e);
        } catch (VfioException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** The node this container was opened from. */
    public Path path() {
        return path;
    }

    int fd() {
        return fd.get();
    }

    /** Whether the kernel supports an extension ({@code KABI_VFIO_TYPE1v2_IOMMU}, {@code KABI_VFIO_NOIOMMU_IOMMU} ...). */
    public boolean hasExtension(int extension) throws VfioException {
        try {
            return Syscalls.ioctl(fd.get(), Ioctl.VFIO_CHECK_EXTENSION, extension, "VFIO_CHECK_EXTENSION",
                    path.toString()) > 0;
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "VFIO_CHECK_EXTENSION(" + extension + ") on " + path);
        }
    }

    /**
     * Selects the IOMMU driver; needs at least one group attached. Checks the extension first so that a
     * missing one is reported as {@link VfioException.Kind#UNSUPPORTED} rather than a bare EINVAL.
     */
    public synchronized void setIommu(int type) throws VfioException {
        if (iommuType != 0) {
            throw new IllegalStateException("IOMMU type already set to " + iommuType);
        }
        if (!hasExtension(type)) {
            String hint = type == Kabi.KABI_VFIO_NOIOMMU_IOMMU()
                    ? "load vfio with enable_unsafe_noiommu_mode=1 (kernel built with CONFIG_VFIO_NOIOMMU)"
                    : "the kernel has no vfio_iommu_type1 driver with v2 semantics (modprobe vfio_iommu_type1)";
            throw new VfioException(VfioException.Kind.UNSUPPORTED, null, path + " does not support IOMMU type "
                    + type + ": " + hint);
        }
        try {
            Syscalls.ioctl(fd.get(), Ioctl.VFIO_SET_IOMMU, type, "VFIO_SET_IOMMU", path.toString());
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "VFIO_SET_IOMMU(" + type + ") on " + path
                    + " (is a group attached to the container?)");
        }
        iommuType = type;
    }

    /** The type passed to {@link #setIommu}, or 0 before that. */
    public synchronized int iommuType() {
        return iommuType;
    }

    /** IOMMU page sizes and usable IOVA windows ({@code VFIO_IOMMU_GET_INFO}); type1 only. */
    public IommuInfo iommuInfo() throws VfioException {
        requireType1("VFIO_IOMMU_GET_INFO");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reply = Native.info(arena, fd.get(), Ioctl.VFIO_IOMMU_GET_INFO,
                    kabi_vfio_iommu_type1_info.layout().byteSize(), b -> { }, "VFIO_IOMMU_GET_INFO", path.toString());
            return IommuInfo.parse(reply);
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "VFIO_IOMMU_GET_INFO on " + path);
        }
    }

    /**
     * The mapper for this container's IOMMU: {@link Type1DmaMapper} for type1v2 (created on first use with
     * the IOMMU's smallest page size). Owned by the container: closing the container closes it.
     */
    public Type1DmaMapper dmaMapper() throws VfioException {
        requireType1("DMA mapping");
        synchronized (this) {
            if (mapper == null) {
                mapper = new Type1DmaMapper(this, iommuInfo().minPageSize());
            }
            return (Type1DmaMapper) mapper;
        }
    }

    private void requireType1(String what) {
        int t;
        synchronized (this) {
            t = iommuType;
        }
        if (t != Kabi.KABI_VFIO_TYPE1v2_IOMMU() && t != Kabi.KABI_VFIO_TYPE1_IOMMU()) {
            throw new IllegalStateException(what + " needs a type1 IOMMU; this container has type " + t);
        }
    }

    /** Whether the container is still open. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Removes all DMA mappings made through the mapper, then closes the container; idempotent. */
    @Override
    public void close() {
        DmaMapperBase m;
        synchronized (this) {
            m = mapper;
        }
        try {
            if (m != null) {
                m.close();
            }
        } finally {
            fd.close();
        }
    }

    @Override
    public String toString() {
        return "VfioContainer[" + fd + "]";
    }
}
