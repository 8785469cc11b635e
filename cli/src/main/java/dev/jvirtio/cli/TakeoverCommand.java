package dev.jvirtio.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.pci.sysfs.SysfsWriter;
import dev.jvirtio.pci.takeover.Takeover;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * What {@code bind} and {@code unbind} share: the function argument, where sysfs and /proc are, {@code --json},
 * {@code --dry-run}, and a writer that records every sysfs write (and, in a dry run, does not pass it on).
 */
abstract class TakeoverCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BDF", converter = PciAddressConverter.class,
            description = "PCI address, e.g. 0000:01:00.0 or 01:00.0.")
    PciAddress bdf;

    @Option(names = "--json", description = "Print the result as JSON on stdout (refusals included).")
    boolean json;

    @Option(names = "--dry-run", description = "Run every check, then print the sysfs writes instead of doing them.")
    boolean dryRun;

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys",
            description = "Root of the sysfs tree to read and write (default: ${DEFAULT-VALUE}).")
    Path sysfsRoot;

    /**
     * Where sysfs writes really go. Tests replace it with a fake kernel working on a temporary tree; nothing
     * else changes it.
     */
    SysfsWriter writer = SysfsWriter.direct();

    PrintWriter out;
    PrintWriter err;

    /** One sysfs write, in the order it was made. */
    record Write(Path file, String value) {
    }

    /** Records the writes; passes them on to {@code next} unless it is null (a dry run). */
    static final class RecordingWriter implements SysfsWriter {
        final List<Write> writes = new ArrayList<>();
        private final SysfsWriter next;

        RecordingWriter(SysfsWriter next) {
            this.next = next;
        }

        @Override
        public void write(Path file, String value) throws IOException {
            if (next != null) {
                next.write(file, value);
            }
            writes.add(new Write(file, value));   // only writes that succeeded (or would be made) are listed
        }

        /** Whether the last write asked the kernel to probe drivers (the end of every bind and unbind). */
        boolean probed() {
            return !writes.isEmpty() && writes.get(writes.size() - 1).file().getFileName().toString()
                    .equals("drivers_probe");
        }
    }

    /** The /proc tables {@link Takeover} reads; {@code unbind} never reads them. */
    Path procRoot() {
        return Path.of("/proc");
    }

    Takeover.Paths paths() {
        Path proc = procRoot();
        return new Takeover.Paths(sysfsRoot, proc.resolve("self/mountinfo"), proc.resolve("swaps"),
                proc.resolve("net/route"), proc.resolve("net/ipv6_route"));
    }

    @Override
    public final Integer call() throws Exception {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        try {
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.put("bdf", bdf.toString());
            result.put("action", spec.name());
            result.put("dryRun", dryRun);
            int code = run(result);
            if (json) {
                out.println(Json.write(result));
            }
            return code;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Does the work; fills {@code result} (the JSON output) and prints text with {@link #text}. */
    abstract int run(ObjectNode result) throws Exception;

    void text(String line) {
        if (!json) {
            out.println(line);
        }
    }

    /** Prints the writes made (or, in a dry run, the ones that would be) and lists them in {@code result}. */
    void reportWrites(RecordingWriter rec, ObjectNode result) {
        ArrayNode arr = result.putArray("writes");
        text(dryRun ? "dry run: " + spec.name() + " " + bdf + " would write " + rec.writes.size() + " sysfs files:"
                : "wrote:");
        for (Write w : rec.writes) {
            ObjectNode n = arr.addObject();
            n.put("file", w.file().toString());
            n.put("value", w.value());
            text("  " + quoted(w.value()) + " > " + w.file());
        }
    }

    /** The value as a JSON string literal, so a lone newline (which clears driver_override) shows as "\n". */
    static String quoted(String value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot quote a string", e);
        }
    }

    /** Whether {@code driver} is vfio-pci or a vendor variant of it (mlx5_vfio_pci, ...). */
    static boolean isVfio(String driver) {
        return driver.equals(Takeover.VFIO_PCI) || driver.endsWith("vfio_pci") || driver.endsWith("vfio-pci");
    }

    /**
     * The CLI error for a sysfs write (or the probe after it) that failed: EACCES/EPERM is a permission
     * problem (exit 10), anything else means the function could not be moved (exit 6).
     */
    static RuntimeException writeFailure(SysfsException e) {
        Throwable c = e.getCause();
        boolean denied = c instanceof AccessDeniedException
                || c instanceof FileSystemException f && Objects.toString(f.getReason(), "").contains("not permitted");
        return denied ? new PermissionDeniedException(e.getMessage(), e) : new DeviceUnusableException(e.getMessage(), e);
    }
}
