package dev.jvirtio.cli;

/** A file named on the command line could not be read or written: {@link ExitCodes#FILE_ERROR}. */
final class FileError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FileError(String message, Throwable cause) {
        super(message, cause);
    }

    /** "cannot read FILE: reason", from an I/O failure. */
    static FileError of(String verb, java.nio.file.Path file, java.io.IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new FileError("cannot " + verb + " " + file + ": " + why, e);
    }
}
