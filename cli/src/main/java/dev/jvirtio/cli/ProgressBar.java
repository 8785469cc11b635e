package dev.jvirtio.cli;

import dev.jvirtio.admin.migration.MigrationProgress;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr for migration transfers, redrawn in place with carriage returns. Shown for
 * transfers of at least {@link #AUTO_THRESHOLD} bytes, or always with {@code --progress}.
 */
final class ProgressBar implements MigrationProgress {
    /** Transfers this large get a bar without {@code --progress}. */
    static final long AUTO_THRESHOLD = 1 << 20;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean always;
    private Phase phase;
    private int percent = -1;

    ProgressBar(PrintWriter err, boolean always) {
        this.err = err;
        this.always = always;
    }

    @Override
    public void progress(Phase p, long done, long total) {
        if (!always && total < AUTO_THRESHOLD) {
            return;
        }
        int pct = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        if (p == phase && pct == percent && done < total) {
            return;   // nothing visible changed
        }
        phase = p;
        percent = pct;
        int filled = pct * WIDTH / 100;
        err.print("\r" + String.format("%-12s", label(p)) + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled)
                + "] " + String.format("%3d%%", pct) + " " + size(done) + " / " + size(total));
        if (done >= total) {
            err.println();
            phase = null;
            percent = -1;
        }
        err.flush();
    }

    static String label(Phase p) {
        return switch (p) {
            case DEVICE_READ -> "device read";
            case STREAM_WRITE -> "file write";
            case STREAM_READ -> "file read";
            case DEVICE_WRITE -> "device write";
        };
    }

    static String size(long n) {
        if (n < 10 * 1024) {
            return n + " B";
        }
        if (n < 10L * 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }
}
