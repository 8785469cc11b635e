package dev.jvirtio.cli;

/** Device data (config space) that could not be decoded, with the function it came from; exit code 4. */
final class DataException extends Exception {
    private static final long serialVersionUID = 1L;

    DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
