package dev.jvirtio.admin.migration;

/**
 * Progress of a save or restore, reported as it goes. Implementations should be quick: they run on the
 * migrating thread between transfers.
 *
 * <pre>{@code
 * MigrationProgress p = (phase, done, total) -> System.err.printf("%s %d/%d%n", phase, done, total);
 * }</pre>
 */
@FunctionalInterface
public interface MigrationProgress {
    /** Reports nothing. */
    MigrationProgress NONE = (phase, done, total) -> { };

    /** What is being transferred. */
    enum Phase {
        /** DEV_PARTS_GET: reading the parts from the source device. */
        DEVICE_READ,
        /** Writing the stream (file or channel). */
        STREAM_WRITE,
        /** Reading the stream (file or channel). */
        STREAM_READ,
        /** DEV_PARTS_SET: writing the parts into the destination device. */
        DEVICE_WRITE
    }

    /**
     * Called at the start (done 0) and end (done == total) of each phase and after every chunk in between.
     *
     * @param phase the phase
     * @param done  bytes transferred so far in this phase
     * @param total bytes the phase transfers in all
     */
    void progress(Phase phase, long done, long total);
}
