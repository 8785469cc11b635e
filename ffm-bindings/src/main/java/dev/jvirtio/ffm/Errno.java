package dev.jvirtio.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Linux errno values (x86-64, which shares the asm-generic numbering) with their symbolic names.
 *
 * <p>The values are checked against the C library's {@code <errno.h>} by the ABI test. Aliases
 * ({@code EWOULDBLOCK}, {@code EDEADLOCK}, {@code ENOTSUP}) are declared too, but {@link #name(int)}
 * always answers with the primary name.
 *
 * <pre>{@code
 * catch (NativeIoException e) {
 *     if (e.errno() == Errno.EBUSY) { ... }      // device already claimed
 * }
 * }</pre>
 */
public final class Errno {
    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int ENOTBLK = 15;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int ETXTBSY = 26;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int EPIPE = 32;
    public static final int EDOM = 33;
    public static final int ERANGE = 34;
    public static final int EDEADLK = 35;
    public static final int EDEADLOCK = EDEADLK;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOLCK = 37;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENOMSG = 42;
    public static final int EIDRM = 43;
    public static final int ENODATA = 61;
    public static final int ETIME = 62;
    public static final int ENOLINK = 67;
    public static final int EPROTO = 71;
    public static final int EBADMSG = 74;
    public static final int EOVERFLOW = 75;
    public static final int EBADFD = 77;
    public static final int EILSEQ = 84;
    public static final int EUSERS = 87;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int ENOPROTOOPT = 92;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTSUP = EOPNOTSUPP;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ESTALE = 116;
    public static final int EREMOTEIO = 121;
    public static final int EDQUOT = 122;
    public static final int ENOMEDIUM = 123;
    public static final int ECANCELED = 125;
    public static final int ENOKEY = 126;
    public static final int EOWNERDEAD = 130;
    public static final int ENOTRECOVERABLE = 131;
    public static final int EHWPOISON = 133;

    /**
     * Symbolic name of an errno value, e.g. {@code "EBUSY"} for 16. Values this class does not know
     * come back as {@code "errno 123"}, never as null.
     */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case E2BIG -> "E2BIG";
            case ENOEXEC -> "ENOEXEC";
            case EBADF -> "EBADF";
            case ECHILD -> "ECHILD";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case ENOTBLK -> "ENOTBLK";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EXDEV -> "EXDEV";
            case ENODEV -> "ENODEV";
            case ENOTDIR -> "ENOTDIR";
            case EISDIR -> "EISDIR";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOTTY -> "ENOTTY";
            case ETXTBSY -> "ETXTBSY";
            case EFBIG -> "EFBIG";
            case ENOSPC -> "ENOSPC";
            case ESPIPE -> "ESPIPE";
            case EROFS -> "EROFS";
            case EMLINK -> "EMLINK";
            case EPIPE -> "EPIPE";
            case EDOM -> "EDOM";
            case ERANGE -> "ERANGE";
            case EDEADLK -> "EDEADLK";
            case ENAMETOOLONG -> "ENAMETOOLONG";
            case ENOLCK -> "ENOLCK";
            case ENOSYS -> "ENOSYS";
            case ENOTEMPTY -> "ENOTEMPTY";
            case ELOOP -> "ELOOP";
            case ENOMSG -> "ENOMSG";
            case EIDRM -> "EIDRM";
            case ENODATA -> "ENODATA";
            case ETIME -> "ETIME";
            case ENOLINK -> "ENOLINK";
            case EPROTO -> "EPROTO";
            case EBADMSG -> "EBADMSG";
            case EOVERFLOW -> "EOVERFLOW";
            case EBADFD -> "EBADFD";
            case EILSEQ -> "EILSEQ";
            case EUSERS -> "EUSERS";
            case ENOTSOCK -> "ENOTSOCK";
            case EMSGSIZE -> "EMSGSIZE";
            case ENOPROTOOPT -> "ENOPROTOOPT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETDOWN -> "ENETDOWN";
            case ENOBUFS -> "ENOBUFS";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EALREADY -> "EALREADY";
            case EINPROGRESS -> "EINPROGRESS";
            case ESTALE -> "ESTALE";
            case EREMOTEIO -> "EREMOTEIO";
            case EDQUOT -> "EDQUOT";
            case ENOMEDIUM -> "ENOMEDIUM";
            case ECANCELED -> "ECANCELED";
            case ENOKEY -> "ENOKEY";
            case EOWNERDEAD -> "EOWNERDEAD";
            case ENOTRECOVERABLE -> "ENOTRECOVERABLE";
            case EHWPOISON -> "EHWPOISON";
            default -> "errno " + errno;
        };
    }

    /**
     * Human-readable description of an errno value, e.g. {@code "Device or resource busy"}.
     *
     * <p>The text comes from the C library ({@code strerrordesc_np}, glibc 2.32+: thread-safe and
     * independent of the locale). Where that function is missing the answer is {@code "errno N"};
     * values the C library does not know give {@code "Unknown error N"}.
     */
    public static String describe(int errno) {
        Optional<MethodHandle> h = Describer.HANDLE;
        if (h.isEmpty()) {
            return "errno " + errno;
        }
        MemorySegment text;
        try {
            text = (MemorySegment) h.get().invokeExact(errno);
        } catch (Throwable t) {
            throw Syscalls.unexpected(t);
        }
        if (text.address() == 0) {
            return "Unknown error " + errno;
        }
        // The C library returns a pointer to a static, NUL-terminated string; bound the view to a
        // generous length so getString can find the terminator without an unbounded segment.
        return reinterpretCString(text);
    }

    @SuppressWarnings("restricted")
    private static String reinterpretCString(MemorySegment zeroLength) {
        return zeroLength.reinterpret(4096).getString(0);
    }

    /** Lazily binds strerrordesc_np so that Errno's constants stay usable without native access. */
    private static final class Describer {
        static final Optional<MethodHandle> HANDLE = bind();

        @SuppressWarnings("restricted")
        private static Optional<MethodHandle> bind() {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("strerrordesc_np").map(addr -> linker.downcallHandle(addr,
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT)));
        }
    }
}
