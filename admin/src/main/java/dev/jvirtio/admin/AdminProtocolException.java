package dev.jvirtio.admin;

/**
 * Bytes that should follow a spec layout do not: the device broke the protocol (a used length that does not
 * cover the status, a result whose counts point past its end) or a stored stream is corrupt.
 *
 * <p>Unchecked, like other device-misbehaviour errors in jvirtio: the caller cannot fix the bytes, only give up
 * on the command or the device. Never thrown for a well-formed failure status; that is
 * {@link AdminCommandException}.
 */
public class AdminProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message saying what was wrong and where. */
    public AdminProtocolException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public AdminProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
