package dev.jvirtio.pci.vfio;

import dev.jvirtio.ffm.Errno;
import dev.jvirtio.ffm.NativeIoException;
import dev.jvirtio.ffm.Syscalls;
import dev.jvirtio.ffm.gen.Kabi;
import dev.jvirtio.pci.PciAddress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Shared plumbing for the VFIO classes: opening nodes with good errors and the argsz-growing INFO calls. */
final class Native {
    private Native() {
    }

    /** Largest INFO reply accepted; real ones are a few hundred bytes. */
    static final long MAX_INFO_SIZE = 1 << 16;

    /**
     * Opens a VFIO or iommufd node read-write, close-on-exec, turning the usual failures into
     * {@link VfioException}s that say what to do.
     */
    static OwnedFd openNode(Path node, String what, PciAddress address) throws VfioException {
        try {
            int fd = Syscalls.open(node.toString(), Kabi.KABI_O_RDWR() | Kabi.KABI_O_CLOEXEC());
            return new OwnedFd(fd, what + " " + node);
        } catch (NativeIoException e) {
            throw translateOpen(e, node, what, address);
        }
    }

    /** Maps an open(2) failure on a VFIO node to a typed error with advice. */
    static VfioException translateOpen(NativeIoException e, Path node, String what, PciAddress address) {
        int errno = e.errno();
        if (errno == Errno.EACCES || errno == Errno.EPERM) {
            return new VfioException(VfioException.Kind.PERMISSION_DENIED, address, "cannot open " + what + " "
                    + node + " (" + e.errnoName() + "): run as root, or give this user read-write access to the "
                    + "node (for example: chown the group node to the user, or add the user to a group that "
                    + "owns it with a udev rule), and raise RLIMIT_MEMLOCK (ulimit -l) for DMA pinning", e);
        }
        if (errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ENXIO) {
            return new VfioException(VfioException.Kind.VFIO_UNAVAILABLE, address, what + " " + node
                    + " does not exist (" + e.errnoName() + "): load the driver (modprobe vfio-pci) and bind the "
                    + "function to vfio-pci", e);
        }
        if (errno == Errno.EBUSY) {
            return new VfioException(VfioException.Kind.BUSY, address, what + " " + node
                    + " is busy: another process (QEMU, DPDK, another jvirtio) holds it", e);
        }
        return new VfioException(VfioException.Kind.FAILED, address, "cannot open " + what + " " + node, e);
    }

    /** Wraps a failed VFIO call; EBUSY becomes {@link VfioException.Kind#BUSY}. */
    static VfioException failed(NativeIoException e, PciAddress address, String doing) {
        VfioException.Kind kind = e.errno() == Errno.EBUSY ? VfioException.Kind.BUSY : VfioException.Kind.FAILED;
        return new VfioException(kind, address, doing + " failed: " + e.getMessage(), e);
    }

    /**
     * Issues an INFO request whose struct starts with {@code argsz} and may be followed by a capability chain:
     * asks with the fixed size first, and if the kernel raises {@code argsz}, again with that size.
     *
     * @param init fills the request fields after argsz (index etc.); the buffer is zeroed
     * @return the reply buffer, at least {@code fixedSize} bytes and as large as the kernel asked for
     */
    static MemorySegment info(Arena arena, int fd, long request, long fixedSize, Consumer<MemorySegment> init,
                              String name, String context) throws NativeIoException, VfioException {
        long size = fixedSize;
        for (int attempt = 0; attempt < 3; attempt++) {
            MemorySegment buf = arena.allocate(size, 8); // zero-filled: fields we leave alone are 0
            buf.set(ValueLayout.JAVA_INT, 0, (int) size);
            init.accept(buf);
            Syscalls.ioctl(fd, request, buf, name, context);
            long wanted = Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT, 0));
            if (wanted <= size) {
                return buf;
            }
            if (wanted > MAX_INFO_SIZE) {
                throw CapabilityChain.bad(name + " on " + context, "kernel asks for an argsz of " + wanted + " bytes");
            }
            size = wanted;
        }
        throw CapabilityChain.bad(name + " on " + context, "argsz kept growing");
    }
}
