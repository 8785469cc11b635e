package dev.jvirtio.pci.sysfs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A sysfs file that a PCI function must have could not be read, or held something that is not what the
 * kernel writes there. The message names the file.
 */
public class SysfsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** Creates the exception for {@code file}; {@code message} says what went wrong with it. */
    public SysfsException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** Creates the exception for {@code file}; {@code message} says what went wrong with it. */
    public SysfsException(Path file, String message) {
        this(file, message, null);
    }

    /** The sysfs file (or directory) concerned. */
    public Path file() {
        return file;
    }
}
