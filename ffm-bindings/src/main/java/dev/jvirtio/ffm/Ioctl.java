package dev.jvirtio.ffm;

import dev.jvirtio.ffm.gen.Kabi;

/**
 * ioctl request numbers: the asm-generic encoder used on x86-64 and every VFIO and iommufd request
 * jvirtio issues.
 *
 * <p>The kernel spells requests with function-like macros ({@code _IO}, {@code _IOWR} ...) that jextract
 * cannot translate, so jvirtio_kabi.h exports the encoding parameters, type characters and command
 * numbers, and this class combines them. The ABI test compares every constant here with the value the
 * C compiler computes from the system headers.
 *
 * <pre>{@code
 * Syscalls.ioctl(groupFd, Ioctl.VFIO_GROUP_GET_STATUS, status, "VFIO_GROUP_GET_STATUS", "/dev/vfio/7");
 * }</pre>
 *
 * <p>VFIO and iommufd requests are all of the "no direction, no size" kind: the argument struct
 * carries its own length in its first field.
 */
public final class Ioctl {
    private Ioctl() {
    }

    private static final int NRBITS = Kabi.KABI_IOC_NRBITS();
    private static final int TYPEBITS = Kabi.KABI_IOC_TYPEBITS();
    private static final int SIZEBITS = Kabi.KABI_IOC_SIZEBITS();
    private static final int DIRBITS = Kabi.KABI_IOC_DIRBITS();
    private static final int NRSHIFT = Kabi.KABI_IOC_NRSHIFT();
    private static final int TYPESHIFT = Kabi.KABI_IOC_TYPESHIFT();
    private static final int SIZESHIFT = Kabi.KABI_IOC_SIZESHIFT();
    private static final int DIRSHIFT = Kabi.KABI_IOC_DIRSHIFT();

    /** Direction field: no data transfer. */
    public static final int DIR_NONE = Kabi.KABI_IOC_NONE();
    /** Direction field: user space writes (kernel reads the argument). */
    public static final int DIR_WRITE = Kabi.KABI_IOC_WRITE();
    /** Direction field: user space reads (kernel writes the argument). */
    public static final int DIR_READ = Kabi.KABI_IOC_READ();

    /**
     * Encodes a request; the result is the unsigned 32-bit request number, widened to long.
     *
     * @throws IllegalArgumentException if a field does not fit its bit width
     */
    public static long ioc(int dir, int type, int nr, long size) {
        check("dir", dir, DIRBITS);
        check("type", type, TYPEBITS);
        check("nr", nr, NRBITS);
        check("size", size, SIZEBITS);
        return ((long) dir << DIRSHIFT) | ((long) type << TYPESHIFT) | ((long) nr << NRSHIFT)
                | (size << SIZESHIFT);
    }

    /** {@code _IO(type, nr)}: a request without argument struct. */
    public static long io(int type, int nr) {
        return ioc(DIR_NONE, type, nr, 0);
    }

    /** {@code _IOR(type, nr, size)}: the kernel fills a struct of {@code size} bytes. */
    public static long ior(int type, int nr, long size) {
        return ioc(DIR_READ, type, nr, size);
    }

    /** {@code _IOW(type, nr, size)}: the kernel reads a struct of {@code size} bytes. */
    public static long iow(int type, int nr, long size) {
        return ioc(DIR_WRITE, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}: the struct goes both ways. */
    public static long iowr(int type, int nr, long size) {
        return ioc(DIR_READ | DIR_WRITE, type, nr, size);
    }

    /** Direction field of an encoded request. */
    public static int dir(long request) {
        return (int) (request >>> DIRSHIFT) & ((1 << DIRBITS) - 1);
    }

    /** Type field of an encoded request. */
    public static int type(long request) {
        return (int) (request >>> TYPESHIFT) & ((1 << TYPEBITS) - 1);
    }

    /** Command number field of an encoded request. */
    public static int nr(long request) {
        return (int) (request >>> NRSHIFT) & ((1 << NRBITS) - 1);
    }

    /** Size field of an encoded request. */
    public static int size(long request) {
        return (int) (request >>> SIZESHIFT) & ((1 << SIZEBITS) - 1);
    }

    private static void check(String field, long value, int bits) {
        if (value < 0 || value >= (1L << bits)) {
            throw new IllegalArgumentException("ioctl " + field + " " + value + " does not fit in " + bits + " bits");
        }
    }

    private static long vfio(int cmd) {
        return io(Kabi.KABI_VFIO_TYPE(), Kabi.KABI_VFIO_BASE() + cmd);
    }

    private static long iommufd(int cmd) {
        return io(Kabi.KABI_IOMMUFD_TYPE(), cmd);
    }

    // ---- VFIO container (/dev/vfio/vfio) ----
    /** Container: returns {@code KABI_VFIO_API_VERSION}. */
    public static final long VFIO_GET_API_VERSION = vfio(Kabi.KABI_VFIO_CMD_GET_API_VERSION());
    /** Container: argument is an extension id by value; returns &gt; 0 if supported. */
    public static final long VFIO_CHECK_EXTENSION = vfio(Kabi.KABI_VFIO_CMD_CHECK_EXTENSION());
    /** Container: argument is the IOMMU type by value. */
    public static final long VFIO_SET_IOMMU = vfio(Kabi.KABI_VFIO_CMD_SET_IOMMU());
    /** Container: {@code kabi_vfio_iommu_type1_info}. */
    public static final long VFIO_IOMMU_GET_INFO = vfio(Kabi.KABI_VFIO_CMD_IOMMU_GET_INFO());
    /** Container: {@code kabi_vfio_iommu_type1_dma_map}. */
    public static final long VFIO_IOMMU_MAP_DMA = vfio(Kabi.KABI_VFIO_CMD_IOMMU_MAP_DMA());
    /** Container: {@code kabi_vfio_iommu_type1_dma_unmap}. */
    public static final long VFIO_IOMMU_UNMAP_DMA = vfio(Kabi.KABI_VFIO_CMD_IOMMU_UNMAP_DMA());

    // ---- VFIO group (/dev/vfio/N) ----
    /** Group: {@code kabi_vfio_group_status}. */
    public static final long VFIO_GROUP_GET_STATUS = vfio(Kabi.KABI_VFIO_CMD_GROUP_GET_STATUS());
    /** Group: argument points to the container fd (int32). */
    public static final long VFIO_GROUP_SET_CONTAINER = vfio(Kabi.KABI_VFIO_CMD_GROUP_SET_CONTAINER());
    /** Group: no argument. */
    public static final long VFIO_GROUP_UNSET_CONTAINER = vfio(Kabi.KABI_VFIO_CMD_GROUP_UNSET_CONTAINER());
    /** Group: argument is a NUL-terminated device name; returns a device fd. */
    public static final long VFIO_GROUP_GET_DEVICE_FD = vfio(Kabi.KABI_VFIO_CMD_GROUP_GET_DEVICE_FD());

    // ---- VFIO device ----
    /** Device: {@code kabi_vfio_device_info}. */
    public static final long VFIO_DEVICE_GET_INFO = vfio(Kabi.KABI_VFIO_CMD_DEVICE_GET_INFO());
    /** Device: {@code kabi_vfio_region_info}. */
    public static final long VFIO_DEVICE_GET_REGION_INFO = vfio(Kabi.KABI_VFIO_CMD_DEVICE_GET_REGION_INFO());
    /** Device: {@code kabi_vfio_irq_info}. */
    public static final long VFIO_DEVICE_GET_IRQ_INFO = vfio(Kabi.KABI_VFIO_CMD_DEVICE_GET_IRQ_INFO());
    /** Device: {@code kabi_vfio_irq_set} followed by its data. */
    public static final long VFIO_DEVICE_SET_IRQS = vfio(Kabi.KABI_VFIO_CMD_DEVICE_SET_IRQS());
    /** Device: no argument. */
    public static final long VFIO_DEVICE_RESET = vfio(Kabi.KABI_VFIO_CMD_DEVICE_RESET());
    /** Device: {@code kabi_vfio_device_feature} followed by the feature payload. */
    public static final long VFIO_DEVICE_FEATURE = vfio(Kabi.KABI_VFIO_CMD_DEVICE_FEATURE());
    /** Device cdev: {@code kabi_vfio_device_bind_iommufd}. */
    public static final long VFIO_DEVICE_BIND_IOMMUFD = vfio(Kabi.KABI_VFIO_CMD_DEVICE_BIND_IOMMUFD());
    /** Device cdev: {@code kabi_vfio_device_attach_iommufd_pt}. */
    public static final long VFIO_DEVICE_ATTACH_IOMMUFD_PT = vfio(Kabi.KABI_VFIO_CMD_DEVICE_ATTACH_IOMMUFD_PT());
    /** Device cdev: {@code kabi_vfio_device_detach_iommufd_pt}. */
    public static final long VFIO_DEVICE_DETACH_IOMMUFD_PT = vfio(Kabi.KABI_VFIO_CMD_DEVICE_DETACH_IOMMUFD_PT());

    // ---- iommufd (/dev/iommu) ----
    /** iommufd: {@code kabi_iommu_destroy}. */
    public static final long IOMMU_DESTROY = iommufd(Kabi.KABI_IOMMUFD_CMD_DESTROY());
    /** iommufd: {@code kabi_iommu_ioas_alloc}. */
    public static final long IOMMU_IOAS_ALLOC = iommufd(Kabi.KABI_IOMMUFD_CMD_IOAS_ALLOC());
    /** iommufd: {@code kabi_iommu_ioas_iova_ranges}. */
    public static final long IOMMU_IOAS_IOVA_RANGES = iommufd(Kabi.KABI_IOMMUFD_CMD_IOAS_IOVA_RANGES());
    /** iommufd: {@code kabi_iommu_ioas_map}. */
    public static final long IOMMU_IOAS_MAP = iommufd(Kabi.KABI_IOMMUFD_CMD_IOAS_MAP());
    /** iommufd: {@code kabi_iommu_ioas_map_file} (recent kernels only). */
    public static final long IOMMU_IOAS_MAP_FILE = iommufd(Kabi.KABI_IOMMUFD_CMD_IOAS_MAP_FILE());
    /** iommufd: {@code kabi_iommu_ioas_unmap}. */
    public static final long IOMMU_IOAS_UNMAP = iommufd(Kabi.KABI_IOMMUFD_CMD_IOAS_UNMAP());
}
