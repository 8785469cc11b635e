package dev.jvirtio.cli;

/**
 * A command line that parses but asks for something impossible (a VF beyond NumVFs, an unknown field name, an
 * offset outside the area): one line on stderr and {@link ExitCodes#USAGE}.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
