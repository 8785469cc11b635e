package dev.jvirtio.dma;

import java.io.IOException;

/**
 * Checked failure of a DMA control-path operation (allocating memory, IOVA space or a mapping).
 * These are resource outcomes a caller can react to (free something, reserve hugepages), not bugs.
 */
public class DmaException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and, where possible, what to do. */
    public DmaException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause (often a native I/O error). */
    public DmaException(String message, Throwable cause) {
        super(message, cause);
    }
}
