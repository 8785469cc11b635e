package dev.jvirtio.pci.sysfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one way jvirtio writes to sysfs ({@code sriov_numvfs}, {@code driver_override}, {@code unbind},
 * {@code drivers_probe}). Code that changes the system takes a writer as a parameter, so tests hand it a
 * writer that works on a temporary tree, or simulates the kernel, and never touch the live {@code /sys}.
 *
 * <pre>{@code
 * SysfsWriter w = SysfsWriter.direct();
 * w.write(Path.of("/sys/bus/pci/devices/0000:03:00.0/sriov_numvfs"), "2");
 * }</pre>
 */
@FunctionalInterface
public interface SysfsWriter {

    /** Writes {@code value} to the attribute {@code file} in one write, as {@code echo value > file} does. */
    void write(Path file, String value) throws IOException;

    /**
     * Writes with plain file I/O. The attribute must exist (nothing is created), so a mistyped path fails
     * instead of leaving a stray file behind; the kernel's answer (EINVAL, EBUSY ...) surfaces as the
     * {@link IOException} of the write.
     */
    static SysfsWriter direct() {
        return (file, value) -> Files.write(file, value.getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
