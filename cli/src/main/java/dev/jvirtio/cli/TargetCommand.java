package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A command that opens a {@link Target}, runs, and prints either text (as it goes) or one JSON object with a
 * {@code target} field at the end.
 */
abstract class TargetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions options;

    /** Where text goes; nothing is printed there in JSON mode. */
    PrintWriter out;
    /** Diagnostics, the target line, the trace and progress bars. */
    PrintWriter err;

    @Override
    public final Integer call() throws Exception {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        validate();
        try (Target t = Target.open(options, err)) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.set("target", t.json());
            int code = run(t, json);
            if (options.json) {
                out.println(Json.write(json));
            }
            out.flush();
            return code;
        } finally {
            err.flush();
        }
    }

    /** Checks the arguments before any device is touched; throws {@link UsageException}. */
    void validate() {
    }

    /** Prints a line of text output (not in JSON mode). */
    void text(String line) {
        if (!options.json) {
            out.println(line);
        }
    }

    /**
     * Does the work against {@code t}; puts its JSON result into {@code json} and prints text with
     * {@link #text}.
     *
     * @return the exit code
     */
    abstract int run(Target t, ObjectNode json) throws Exception;
}
