package dev.jvirtio.pci.vfio;

import dev.jvirtio.dma.DmaAccess;
import dev.jvirtio.dma.IovaRange;
import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.Ioctl;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.ffm.gen.kabi_iommu_destroy;
import dev.jvirtio.ffm.gen.kabi_iommu_ioas_alloc;
import dev.jvirtio.ffm.gen.kabi_iommu_ioas_iova_ranges;
import dev.jvirtio.ffm.gen.kabi_iommu_ioas_map;
import dev.jvirtio.ffm.gen.kabi_iommu_ioas_unmap;
import dev.jvirtio.ffm.gen.kabi_iommu_iova_range;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * An iommufd ({@code /dev/iommu}) with one IO address space (IOAS): the modern replacement of the VFIO
 * container. Devices opened through their vfio cdev bind to it and attach to the IOAS
 * ({@link VfioPciFunction} does that); DMA mappings go through {@link #dmaMapper()}.
 *
 * <pre>{@code
 * try (Iommufd iommu = Iommufd.open(Path.of("/dev/iommu"))) {
 *     int ioas = iommu.ioas();
 *     ... bind and attach a device ...
 *     IommuInfo info = iommu.iommuInfo();   // windows are final only once a device is attached
 * }
 * }</pre>
 *
 * <p>Close devices first: closing removes the mappings, destroys the IOAS and closes the fd.
 */
public final class Iommufd implements AutoCloseable {
    private final OwnedFd fd;
    private final Path path;
    private int ioas = -1;
    private IommufdDmaMapper mapper;

    private Iommufd(OwnedFd fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Opens {@code /dev/iommu} (or the node given). */
    public static Iommufd open(Path path) throws VfioException {
        return new Iommufd(Native.openNode(path, "iommufd", null), path);
    }

    int fd() {
        return fd.get();
    }

    /** The IOAS id, allocated on first call ({@code IOMMU_IOAS_ALLOC}). */
    public synchronized int ioas() throws VfioException {
        if (ioas < 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment s = arena.allocate(kabi_iommu_ioas_alloc.layout());
                kabi_iommu_ioas_alloc.size(s, (int) kabi_iommu_ioas_alloc.layout().byteSize());
                Syscalls.ioctl(fd.get(), Ioctl.IOMMU_IOAS_ALLOC, s, "IOMMU_IOAS_ALLOC", path.toString());
                ioas = kabi_iommu_ioas_alloc.out_ioas_id(s);
            } catch (NativeIoException e) {
                throw Native.failed(e, null, "IOMMU_IOAS_ALLOC on " + path);
            }
        }
        return ioas;
    }

    /**
     * The IOAS's usable IOVA windows and its required alignment ({@code IOMMU_IOAS_IOVA_RANGES}), as an
     * {@link IommuInfo} whose page-size bitmap holds just the alignment.
     */
    public IommuInfo iommuInfo() throws VfioException {
        int id = ioas();
        int capacity = 8;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ranges = arena.allocate(kabi_iommu_iova_range.layout(), capacity);
                MemorySegment s = arena.allocate(kabi_iommu_ioas_iova_ranges.layout());
                kabi_iommu_ioas_iova_ranges.size(s, (int) kabi_iommu_ioas_iova_ranges.layout().byteSize());
                kabi_iommu_ioas_iova_ranges.ioas_id(s, id);
                kabi_iommu_ioas_iova_ranges.num_iovas(s, capacity);
                kabi_iommu_ioas_iova_ranges.allowed_iovas(s, ranges.address());
                try {
                    Syscalls.ioctl(fd.get(), Ioctl.IOMMU_IOAS_IOVA_RANGES, s, "IOMMU_IOAS_IOVA_RANGES", path.toString());
                } catch (NativeIoException e) {
                    if (e.errno() == Errno.EMSGSIZE) {
                        int need = kabi_iommu_ioas_iova_ranges.num_iovas(s);
                        if (need <= capacity || need > 4096) {
                            throw CapabilityChain.bad("IOMMU_IOAS_IOVA_RANGES", "asks for " + need + " entries");
                        }
                        capacity = need;
                        continue;
                    }
                    throw Native.failed(e, null, "IOMMU_IOAS_IOVA_RANGES on " + path);
                }
                int n = kabi_iommu_ioas_iova_ranges.num_iovas(s);
                if (n < 0 || n > capacity) {
                    throw CapabilityChain.bad("IOMMU_IOAS_IOVA_RANGES", "reports " + n + " entries for " + capacity);
                }
                return parseRanges(ranges, n, kabi_iommu_ioas_iova_ranges.out_iova_alignment(s));
            }
        }
        throw CapabilityChain.bad("IOMMU_IOAS_IOVA_RANGES", "the number of windows kept growing");
    }

    /** Decodes {@code n} {@code {start, last}} entries and the alignment into an {@link IommuInfo}. */
    static IommuInfo parseRanges(MemorySegment ranges, int n, long alignment) throws VfioException {
        if (alignment != 0 && Long.bitCount(alignment) != 1) {
            throw CapabilityChain.bad("IOMMU_IOAS_IOVA_RANGES", "alignment 0x" + Long.toHexString(alignment)
                    + " is not a power of two");
        }
        List<IovaRange> out = new ArrayList<>();
        long entry = kabi_iommu_iova_range.layout().byteSize();
        for (int i = 0; i < n; i++) {
            IommuInfo.addRange(out, ranges.get(CapabilityChain.U64, i * entry + kabi_iommu_iova_range.start$offset()),
                    ranges.get(CapabilityChain.U64, i * entry + kabi_iommu_iova_range.last$offset()),
                    "IOMMU_IOAS_IOVA_RANGES", i);
        }
        return new IommuInfo(alignment, out, OptionalInt.empty());
    }

    /** iommufd's flags for a device access mode. */
    static int mapFlags(DmaAccess access) {
        return switch (access) {
            case READ -> Kabi.KABI_IOMMU_IOAS_MAP_READABLE();
            case WRITE -> Kabi.KABI_IOMMU_IOAS_MAP_WRITEABLE();
            case READ_WRITE -> Kabi.KABI_IOMMU_IOAS_MAP_READABLE() | Kabi.KABI_IOMMU_IOAS_MAP_WRITEABLE();
        };
    }

    void map(MemorySegment memory, long iova, DmaAccess access) throws VfioException {
        int id = ioas();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(kabi_iommu_ioas_map.layout());
            kabi_iommu_ioas_map.size(s, (int) kabi_iommu_ioas_map.layout().byteSize());
            kabi_iommu_ioas_map.flags(s, Kabi.KABI_IOMMU_IOAS_MAP_FIXED_IOVA() | mapFlags(access));
            kabi_iommu_ioas_map.ioas_id(s, id);
            kabi_iommu_ioas_map.user_va(s, memory.address());
            kabi_iommu_ioas_map.length(s, memory.byteSize());
            kabi_iommu_ioas_map.iova(s, iova);
            Syscalls.ioctl(fd.get(), Ioctl.IOMMU_IOAS_MAP, s, "IOMMU_IOAS_MAP",
                    path + " ioas " + id + " iova 0x" + Long.toHexString(iova));
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "DMA map (ENOMEM usually means RLIMIT_MEMLOCK is too low)");
        }
    }

    void unmap(long iova, long length) throws VfioException {
        int id = ioas();
        long removed;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(kabi_iommu_ioas_unmap.layout());
            kabi_iommu_ioas_unmap.size(s, (int) kabi_iommu_ioas_unmap.layout().byteSize());
            kabi_iommu_ioas_unmap.ioas_id(s, id);
            kabi_iommu_ioas_unmap.iova(s, iova);
            kabi_iommu_ioas_unmap.length(s, length);
            Syscalls.ioctl(fd.get(), Ioctl.IOMMU_IOAS_UNMAP, s, "IOMMU_IOAS_UNMAP",
                    path + " ioas " + id + " iova 0x" + Long.toHexString(iova));
            removed = kabi_iommu_ioas_unmap.length(s);
        } catch (NativeIoException e) {
            throw Native.failed(e, null, "DMA unmap");
        }
        if (removed != length) {
            throw new VfioException(VfioException.Kind.BAD_KERNEL_REPLY, null, "IOMMU_IOAS_UNMAP at IOVA 0x"
                    + Long.toHexString(iova) + " removed 0x" + Long.toHexString(removed) + " bytes, expected 0x"
                    + Long.toHexString(length));
        }
    }

    /** The mapper for this IOAS, created on first use with the IOAS's alignment as page size. */
    public synchronized IommufdDmaMapper dmaMapper() throws VfioException {
        if (mapper == null) {
            long page = Math.max(4096, iommuInfo().minPageSize());
            mapper = new IommufdDmaMapper(this, page, path.toString());
        }
        return mapper;
    }

    /** Whether the fd is still open. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Removes all mappings, destroys the IOAS and closes the fd; idempotent. Close bound devices first. */
    @Override
    public void close() {
        IommufdDmaMapper m;
        int id;
        synchronized (this) {
            m = mapper;
            id = ioas;
        }
        try {
            if (m != null) {
                m.close();
            }
            if (id >= 0 && fd.isOpen()) {
                destroy(id);
            }
        } finally {
            fd.close();
        }
    }

    private void destroy(int id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(kabi_iommu_destroy.layout());
            kabi_iommu_destroy.size(s, (int) kabi_iommu_destroy.layout().byteSize());
            kabi_iommu_destroy.id(s, id);
            Syscalls.ioctl(fd.get(), Ioctl.IOMMU_DESTROY, s, "IOMMU_DESTROY", path + " ioas " + id);
        } catch (NativeIoException | IllegalStateException e) {
            // Closing the fd right after frees the IOAS anyway; this only means a device was still attached.
            System.getLogger(Iommufd.class.getName()).log(System.Logger.Level.DEBUG,
                    "IOMMU_DESTROY of IOAS " + id + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Iommufd[" + fd + ", ioas " + ioas + "]";
    }
}
