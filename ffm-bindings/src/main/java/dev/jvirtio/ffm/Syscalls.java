package dev.jvirtio.ffm;

import dev.jvirtio.ffm.gen.Kabi;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The handful of libc calls jvirtio needs, as plain static methods that throw
 * {@link NativeIoException} with the errno of the failing call.
 *
 * <p>Every downcall captures errno through {@link Linker.Option#captureCallState(String...)}, so the
 * value reported is the one the call set, not one left behind by the JVM's own native work.
 * {@code open}, {@code read}, {@code write}, {@code pread}, {@code pwrite} and {@code ftruncate} are
 * retried on {@code EINTR}; {@code close} and {@code ioctl} are not (a close must never be repeated
 * on Linux, and an interrupted ioctl is for the caller to judge).
 *
 * <p>This is control-path code: each call takes a small confined arena for its argument memory.
 * Buffers passed in must be native segments.
 *
 * <pre>{@code
 * int fd = Syscalls.memfdCreate("rings", Kabi.KABI_MFD_CLOEXEC());
 * Syscalls.ftruncate(fd, 1 << 21);
 * try (Arena arena = Arena.ofShared()) {
 *     MemorySegment mem = Syscalls.mmap(1 << 21, Kabi.KABI_PROT_READ() | Kabi.KABI_PROT_WRITE(),
 *             Kabi.KABI_MAP_SHARED(), fd, 0, arena, "rings");
 *     ...
 * }   // munmap happens here, exactly once
 * Syscalls.close(fd);
 * }</pre>
 */
@SuppressWarnings("restricted") // this class is the project's gate to native code
public final class Syscalls {
    private Syscalls() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    /** ioctl and open are variadic after their second parameter. */
    private static final Linker.Option VARIADIC_FROM_2 = Linker.Option.firstVariadicArg(2);
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CAPTURE_ERRNO, VARIADIC_FROM_2);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle IOCTL_PTR = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO, VARIADIC_FROM_2);
    private static final MethodHandle IOCTL_LONG = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO, VARIADIC_FROM_2);
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle MEMFD_CREATE = downcall("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle FTRUNCATE = downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle PREAD = downcall("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle PWRITE = downcall("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle MLOCK = downcall("mlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    /** ppoll(fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask). */
    private static final MethodHandle PPOLL = downcall("ppoll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), CAPTURE_ERRNO);

    /** poll(2) event bit: data to read. The poll bits are the same on every Linux architecture. */
    public static final int POLLIN = 0x001;
    /** poll(2) event bit: error condition (always reported). */
    public static final int POLLERR = 0x008;
    /** poll(2) event bit: hang up (always reported). */
    public static final int POLLHUP = 0x010;
    /** poll(2) event bit: the fd is not open (always reported). */
    public static final int POLLNVAL = 0x020;

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /**
     * Per-thread native scratch for the calls that sit on wait and completion paths (read, write, pread,
     * pwrite, poll, and the eventfd counter helpers): the errno capture area and the small argument structs
     * are made once per thread, so those calls allocate nothing. No call uses it while another runs on the
     * same thread. The memory is reclaimed with the thread's scratch object.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

        final MemorySegment state;
        final MemorySegment pollfd;
        final MemorySegment timespec;
        final MemorySegment word;

        private Scratch() {
            Arena arena = Arena.ofAuto();
            state = arena.allocate(CALL_STATE);
            pollfd = arena.allocate(8, 4);
            timespec = arena.allocate(16, 8);
            word = arena.allocate(8, 8);
        }

        static Scratch get() {
            return PER_THREAD.get();
        }
    }

    /**
     * Reads one 8-byte counter value (an eventfd's), without allocating.
     *
     * @throws NativeIoException with EAGAIN when a non-blocking fd has nothing to read
     */
    public static long readLong(int fd) throws NativeIoException {
        MemorySegment word = Scratch.get().word;
        long n = read(fd, word);
        if (n != 8) {
            throw new NativeIoException("read", Errno.EIO, fdContext(fd) + ": " + n + " of 8 bytes");
        }
        return word.get(JAVA_LONG, 0);
    }

    /** Writes one 8-byte counter value (adds to an eventfd's counter), without allocating. */
    public static void writeLong(int fd, long value) throws NativeIoException {
        MemorySegment word = Scratch.get().word;
        word.set(JAVA_LONG, 0, value);
        long n = write(fd, word);
        if (n != 8) {
            throw new NativeIoException("write", Errno.EIO, fdContext(fd) + ": " + n + " of 8 bytes");
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** Rethrows unchecked throwables from a downcall; anything else cannot happen and becomes an AssertionError. */
    static AssertionError unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new AssertionError("native call threw a checked exception", t);
    }

    private static String fdContext(int fd) {
        return "fd " + fd;
    }

    private static void requireNative(MemorySegment segment, String what) {
        Objects.requireNonNull(segment, what);
        if (!segment.isNative()) {
            throw new IllegalArgumentException(what + " must be a native memory segment, got " + segment);
        }
    }

    private static MemorySegment cString(Arena arena, String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: " + s.replace('\0', '?'));
        }
        return arena.allocateFrom(s);
    }

    /**
     * Opens a file or device node; {@code flags} are {@code KABI_O_*} values. Only the access mode
     * and flags are passed (no {@code O_CREAT}: the mode argument is always 0).
     *
     * @return the new file descriptor
     * @throws NativeIoException with the path as context
     */
    public static int open(String path, int flags) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpath = cString(arena, path, "path");
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd;
            do {
                try {
                    fd = (int) OPEN.invokeExact(state, cpath, flags, 0);
                } catch (Throwable t) {
                    throw unexpected(t);
                }
            } while (fd < 0 && errno(state) == Errno.EINTR);
            if (fd < 0) {
                throw new NativeIoException("open", errno(state), path);
            }
            return fd;
        }
    }

    /**
     * Closes a file descriptor. The descriptor is gone afterwards even if this throws, so callers
     * must not retry.
     */
    public static void close(int fd) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r;
            try {
                r = (int) CLOSE.invokeExact(state, fd);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (r < 0) {
                throw new NativeIoException("close", errno(state), fdContext(fd));
            }
        }
    }

    /**
     * ioctl with a pointer argument (an argument struct, usually).
     *
     * @param arg       native memory the kernel reads and/or writes; {@link MemorySegment#NULL} for none
     * @param ioctlName request name used in the error message, e.g. {@code "VFIO_DEVICE_GET_INFO"}
     * @param context   what fd refers to (path, BDF ...); null means "fd N"
     * @return the non-negative result of the call (some requests return a new fd)
     */
    public static int ioctl(int fd, long request, MemorySegment arg, String ioctlName, String context)
            throws NativeIoException {
        requireNative(arg, "ioctl argument");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r;
            try {
                r = (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (r < 0) {
                throw new NativeIoException("ioctl", ioctlName, errno(state), context != null ? context : fdContext(fd));
            }
            return r;
        }
    }

    /**
     * ioctl with an integer argument passed by value (e.g. VFIO_CHECK_EXTENSION, VFIO_SET_IOMMU).
     *
     * @return the non-negative result of the call
     */
    public static int ioctl(int fd, long request, long arg, String ioctlName, String context)
            throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r;
            try {
                r = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (r < 0) {
                throw new NativeIoException("ioctl", ioctlName, errno(state), context != null ? context : fdContext(fd));
            }
            return r;
        }
    }

    /**
     * Maps {@code length} bytes and returns them as a segment owned by {@code arena}: closing the arena
     * unmaps the memory exactly once, and any later access through the segment throws
     * {@link IllegalStateException}. With {@link Arena#global()} the mapping lives until the process ends.
     *
     * @param fd      file to map, or -1 with {@code KABI_MAP_ANONYMOUS}
     * @param context what is being mapped, for error messages; null means "fd N"
     * @throws IllegalArgumentException if length is not positive or offset is negative
     * @throws IllegalStateException    if the arena is already closed (nothing is mapped then)
     */
    public static MemorySegment mmap(long length, int prot, int flags, int fd, long offset, Arena arena,
                                     String context) throws NativeIoException {
        Objects.requireNonNull(arena, "arena");
        checkMapArguments(length, offset);
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("arena is already closed");
        }
        final long mapped = mmapRaw(MemorySegment.NULL, length, prot, flags, fd, offset, context);
        try {
            // The kernel just gave us [mapped, mapped + length); the arena's cleanup is the only munmap.
            return MemorySegment.ofAddress(mapped).reinterpret(length, arena, ignored -> unmapQuietly(mapped, length));
        } catch (RuntimeException e) {
            // The arena was closed concurrently: do not leak the mapping.
            unmapQuietly(mapped, length);
            throw e;
        }
    }

    /**
     * Maps {@code length} bytes wherever the kernel chooses and returns the raw address, owned by nobody:
     * the caller must {@link #munmap} it (or keep it for the life of the process). Meant for carving an
     * aligned reservation out of a larger one; everything else should use {@link #mmap}, whose arena owns
     * the mapping.
     *
     * @param fd      file to map, or -1 with {@code KABI_MAP_ANONYMOUS}
     * @param context what is being mapped, for error messages; null means "fd N"
     * @return the start of the new mapping (page-aligned, never 0)
     * @throws IllegalArgumentException if length is not positive or offset is negative
     */
    public static long mmapAddress(long length, int prot, int flags, int fd, long offset, String context)
            throws NativeIoException {
        checkMapArguments(length, offset);
        return mmapRaw(MemorySegment.NULL, length, prot, flags, fd, offset, context);
    }

    /**
     * Maps {@code length} bytes at exactly {@code address} ({@code MAP_FIXED} is added to {@code flags}),
     * replacing whatever was mapped there in one step: no other thread can ever observe a hole.
     *
     * <p>This silently discards any mapping in the range, so the caller must own the whole range (a
     * reservation of its own, such as the DMA address space). If the call fails, Linux may already have
     * removed part of the old mapping; the caller must then map the range again before anyone touches it.
     *
     * @param address page-aligned start, not 0
     * @param fd      file to map, or -1 with {@code KABI_MAP_ANONYMOUS}
     * @param context what is being mapped, for error messages; null means "fd N"
     * @throws IllegalArgumentException if address is 0 or not page-aligned, length is not positive or
     *                                  offset is negative
     */
    public static void mmapFixed(long address, long length, int prot, int flags, int fd, long offset,
                                 String context) throws NativeIoException {
        if (address == 0 || (address & 0xFFF) != 0) {
            throw new IllegalArgumentException("MAP_FIXED address must be non-zero and page-aligned: 0x"
                    + Long.toHexString(address));
        }
        checkMapArguments(length, offset);
        long got = mmapRaw(MemorySegment.ofAddress(address), length, prot, flags | Kabi.KABI_MAP_FIXED(), fd, offset, context);
        if (got != address) {
            // MAP_FIXED either maps exactly there or fails; anything else is a kernel contract breach.
            throw new AssertionError("mmap(MAP_FIXED, 0x" + Long.toHexString(address) + ") returned 0x"
                    + Long.toHexString(got));
        }
    }

    private static void checkMapArguments(long length, long offset) {
        if (length <= 0) {
            throw new IllegalArgumentException("mmap length must be positive, got " + length);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("mmap offset must not be negative, got " + offset);
        }
    }

    private static long mmapRaw(MemorySegment hint, long length, int prot, int flags, int fd, long offset,
                                String context) throws NativeIoException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            MemorySegment result;
            try {
                result = (MemorySegment) MMAP.invokeExact(state, hint, length, prot, flags, fd, offset);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            long address = result.address();
            if (address == MAP_FAILED) {
                String what = hint.address() == 0 ? "length " + length
                        : "0x" + Long.toHexString(hint.address()) + ", length " + length;
                throw new NativeIoException("mmap", what, errno(state), context != null ? context : fdContext(fd));
            }
            return address;
        }
    }

    /**
     * Unmaps {@code [address, address + length)}, for mappings made with {@link #mmapAddress} (never for
     * memory an arena owns: its close unmaps it).
     *
     * @throws IllegalArgumentException if address is 0 or not page-aligned, or length is not positive
     */
    public static void munmap(long address, long length) throws NativeIoException {
        if (address == 0 || (address & 0xFFF) != 0) {
            throw new IllegalArgumentException("munmap address must be non-zero and page-aligned: 0x"
                    + Long.toHexString(address));
        }
        if (length <= 0) {
            throw new IllegalArgumentException("munmap length must be positive, got " + length);
        }
        int err = munmapRaw(address, length);
        if (err != 0) {
            throw new NativeIoException("munmap", "length " + length, err, "address 0x" + Long.toHexString(address));
        }
    }

    private static void unmapQuietly(long address, long length) {
        int err = munmapRaw(address, length);
        if (err != 0) {
            // Arena cleanup cannot throw a checked exception; munmap only fails on a bad range,
            // which would be a bug here, so make it loud in the log rather than silent.
            System.getLogger(Syscalls.class.getName()).log(System.Logger.Level.ERROR,
                    "munmap(0x" + Long.toHexString(address) + ", " + length + ") failed: " + Errno.name(err));
        }
    }

    /** munmap(2); returns 0 on success, else the errno. */
    private static int munmapRaw(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r;
            try {
                r = (int) MUNMAP.invokeExact(state, MemorySegment.ofAddress(address), length);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            return r < 0 ? errno(state) : 0;
        }
    }

    /**
     * Creates an anonymous memory file ({@code KABI_MFD_*} flags).
     *
     * @param name a label shown in /proc/self/fd; need not be unique
     * @return the new file descriptor
     */
    public static int memfdCreate(String name, int flags) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = cString(arena, name, "name");
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd;
            try {
                fd = (int) MEMFD_CREATE.invokeExact(state, cname, flags);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (fd < 0) {
                throw new NativeIoException("memfd_create", errno(state), name);
            }
            return fd;
        }
    }

    /** Sets the size of a file. */
    public static void ftruncate(int fd, long length) throws NativeIoException {
        if (length < 0) {
            throw new IllegalArgumentException("ftruncate length must not be negative, got " + length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r;
            do {
                try {
                    r = (int) FTRUNCATE.invokeExact(state, fd, length);
                } catch (Throwable t) {
                    throw unexpected(t);
                }
            } while (r < 0 && errno(state) == Errno.EINTR);
            if (r < 0) {
                throw new NativeIoException("ftruncate", "length " + length, errno(state), fdContext(fd));
            }
        }
    }

    /**
     * Creates an eventfd with the given initial counter and {@code KABI_EFD_*} flags.
     *
     * @return the new file descriptor
     */
    public static int eventfd(int initval, int flags) throws NativeIoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd;
            try {
                fd = (int) EVENTFD.invokeExact(state, initval, flags);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (fd < 0) {
                throw new NativeIoException("eventfd", errno(state), "initval " + Integer.toUnsignedString(initval));
            }
            return fd;
        }
    }

    /** Reads up to {@code buf.byteSize()} bytes; returns the count read (0 at end of file). */
    public static long read(int fd, MemorySegment buf) throws NativeIoException {
        requireNative(buf, "read buffer");
        {
            MemorySegment state = Scratch.get().state;
            long n;
            do {
                try {
                    n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
                } catch (Throwable t) {
                    throw unexpected(t);
                }
            } while (n < 0 && errno(state) == Errno.EINTR);
            if (n < 0) {
                throw new NativeIoException("read", errno(state), fdContext(fd));
            }
            return n;
        }
    }

    /** Writes up to {@code buf.byteSize()} bytes; returns the count written. */
    public static long write(int fd, MemorySegment buf) throws NativeIoException {
        requireNative(buf, "write buffer");
        {
            MemorySegment state = Scratch.get().state;
            long n;
            do {
                try {
                    n = (long) WRITE.invokeExact(state, fd, buf, buf.byteSize());
                } catch (Throwable t) {
                    throw unexpected(t);
                }
            } while (n < 0 && errno(state) == Errno.EINTR);
            if (n < 0) {
                throw new NativeIoException("write", errno(state), fdContext(fd));
            }
            return n;
        }
    }

    /** Reads up to {@code buf.byteSize()} bytes at file offset {@code offset}; returns the count read. */
    public static long pread(int fd, MemorySegment buf, long offset) throws NativeIoException {
        requireNative(buf, "pread buffer");
        {
            MemorySegment state = Scratch.get().state;
            long n;
            do {
                try {
                    n = (long) PREAD.invokeExact(state, fd, buf, buf.byteSize(), offset);
                } catch (Throwable t) {
                    throw unexpected(t);
                }
            } while (n < 0 && errno(state) == Errno.EINTR);
            if (n < 0) {
                throw new NativeIoException("pread", "offset 0x" + Long.toHexString(offset), errno(state),
                        fdContext(fd));
            }
            return n;
        }
    }

    /** Writes up to {@code buf.byteSize()} bytes at file offset {@code offset}; returns the count written. */
    public static long pwrite(int fd, MemorySegment buf, long offset) throws NativeIoException {
        requireNative(buf, "pwrite buffer");
        {
            MemorySegment state = Scratch.get().state;
            long n;
            do {
                try {
                    n = (long) PWRITE.invokeExact(state, fd, buf, buf.byteSize(), offset);
                } catch (Throwable t) {
                    throw unexpected(t);
                }
            } while (n < 0 && errno(state) == Errno.EINTR);
            if (n < 0) {
                throw new NativeIoException("pwrite", "offset 0x" + Long.toHexString(offset), errno(state),
                        fdContext(fd));
            }
            return n;
        }
    }

    /** Locks the pages behind a native segment into RAM. */
    public static void mlock(MemorySegment seg) throws NativeIoException {
        requireNative(seg, "segment");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int r;
            try {
                r = (int) MLOCK.invokeExact(state, seg, seg.byteSize());
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (r < 0) {
                throw new NativeIoException("mlock", "length " + seg.byteSize(), errno(state),
                        "address 0x" + Long.toHexString(seg.address()));
            }
        }
    }

    /**
     * Waits until {@code fd} has one of {@code events} ({@link #POLLIN} ...) or the timeout passes
     * ({@code ppoll(2)} on a single fd, nanosecond timeout, no signal mask change).
     *
     * @param timeoutNanos how long to wait; 0 checks without waiting, negative waits without limit
     * @return the returned events ({@code revents}, which may include POLLERR/POLLHUP/POLLNVAL), or 0 when
     *         the timeout passed or a signal interrupted the wait (EINTR; the caller re-checks its deadline)
     */
    public static int poll(int fd, int events, long timeoutNanos) throws NativeIoException {
        {
            Scratch scratch = Scratch.get();
            // struct pollfd { int fd; short events; short revents; }
            MemorySegment pfd = scratch.pollfd;
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) events);
            pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, (short) 0);
            MemorySegment ts = MemorySegment.NULL;
            if (timeoutNanos >= 0) {
                // struct timespec { time_t tv_sec; long tv_nsec; }
                ts = scratch.timespec;
                ts.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                ts.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            }
            MemorySegment state = scratch.state;
            int r;
            try {
                r = (int) PPOLL.invokeExact(state, pfd, 1L, ts, MemorySegment.NULL);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (r < 0) {
                if (errno(state) == Errno.EINTR) {
                    return 0;
                }
                throw new NativeIoException("ppoll", errno(state), fdContext(fd));
            }
            return r == 0 ? 0 : Short.toUnsignedInt(pfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6));
        }
    }

    /**
     * Views {@code length} bytes at a raw address as a segment bound to {@code arena} (no cleanup
     * action). The caller vouches that the memory stays mapped for the arena's lifetime; this exists
     * for addresses the kernel or another native owner hands out.
     *
     * @throws IllegalArgumentException if address is 0 or length is negative
     */
    public static MemorySegment segmentAt(long address, long length, Arena arena) {
        Objects.requireNonNull(arena, "arena");
        if (address == 0) {
            throw new IllegalArgumentException("address must not be NULL");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        return MemorySegment.ofAddress(address).reinterpret(length, arena, null);
    }

    /**
     * As {@link #segmentAt(long, long, Arena)}, and runs {@code cleanup} exactly once when the arena closes
     * (on the closing thread, after the segment has become inaccessible). The cleanup must not throw.
     *
     * @throws IllegalArgumentException if address is 0 or length is negative
     * @throws IllegalStateException    if the arena is already closed (the cleanup does not run then)
     */
    public static MemorySegment segmentAt(long address, long length, Arena arena, Runnable cleanup) {
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(cleanup, "cleanup");
        if (address == 0) {
            throw new IllegalArgumentException("address must not be NULL");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
        return MemorySegment.ofAddress(address).reinterpret(length, arena, ignored -> cleanup.run());
    }
}
