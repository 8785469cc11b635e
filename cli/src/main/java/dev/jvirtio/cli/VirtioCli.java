package dev.jvirtio.cli;

import dev.jvirtio.pci.config.ConfigSpaceException;
import dev.jvirtio.pci.sysfs.NoSuchPciFunctionException;
import dev.jvirtio.pci.sysfs.SysfsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Entry point of {@code virtio-cli}: lists virtio PCI functions and decodes their config space, read-only.
 *
 * <pre>{@code
 * virtio-cli list [--all] [--json] [--sysfs-root DIR]
 * virtio-cli show BDF [--json] [--sysfs-root DIR]
 * }</pre>
 * Errors are one line on stderr, {@code virtio-cli: <what went wrong>}, with the exit codes of
 * {@link ExitCodes}; no stack trace unless the environment sets {@code JVIRTIO_DEBUG=1}.
 * {@link #commandLine()} builds the configured picocli instance, which tests run in-process.
 */
@Command(name = "virtio-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VirtioCli.Version.class,
        scope = ScopeType.INHERIT,
        description = "Lists virtio PCI functions and decodes their configuration space (read-only).",
        subcommands = {ListCommand.class, ShowCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal error (a bug; set JVIRTIO_DEBUG=1 for a stack trace)",
            "2:usage error: unknown option, missing argument or malformed BDF",
            "3:no such PCI function",
            "4:sysfs or config-space data could not be read or decoded",
        })
public final class VirtioCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Runs the tool and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** A picocli command line with this tool's exit codes and one-line error handlers installed. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new VirtioCli());
        cmd.setExitCodeExceptionMapper(VirtioCli::exitCode);
        cmd.setParameterExceptionHandler(PARAMETER_ERRORS);
        cmd.setExecutionExceptionHandler(EXECUTION_ERRORS);
        return cmd;
    }

    /** Without a subcommand there is nothing to do: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: use 'list' or 'show BDF'");
    }

    static int exitCode(Throwable t) {
        if (t instanceof ParameterException) {
            return ExitCodes.USAGE;
        }
        if (t instanceof NoSuchPciFunctionException) {
            return ExitCodes.NO_SUCH_FUNCTION;
        }
        if (t instanceof SysfsException || t instanceof DataException || t instanceof ConfigSpaceException) {
            return ExitCodes.DATA_ERROR;
        }
        return ExitCodes.INTERNAL;
    }

    private static final IParameterExceptionHandler PARAMETER_ERRORS = (ex, args) -> {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("virtio-cli: " + ex.getMessage() + " (see 'virtio-cli --help')");
        err.flush();
        return ExitCodes.USAGE;
    };

    private static final IExecutionExceptionHandler EXECUTION_ERRORS = (ex, cmd, parseResult) -> {
        PrintWriter err = cmd.getErr();
        int code = exitCode(ex);
        String message;
        if (ex instanceof NoSuchPciFunctionException e) {
            message = "no PCI function " + e.address() + " (looked for " + e.file() + ")";
        } else if (code == ExitCodes.INTERNAL) {
            message = "internal error: " + ex;
        } else {
            message = ex.getMessage();
        }
        err.println("virtio-cli: " + message);
        if ("1".equals(System.getenv("JVIRTIO_DEBUG"))) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    };

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = VirtioCli.class.getPackage().getImplementationVersion();
            if (v == null && VirtioCli.class.getModule().isNamed()) {
                // Named modules do not get Package attributes from the manifest; read it directly.
                try (java.io.InputStream in = VirtioCli.class.getModule().getResourceAsStream("META-INF/MANIFEST.MF")) {
                    if (in != null) {
                        v = new java.util.jar.Manifest(in).getMainAttributes()
                                .getValue(java.util.jar.Attributes.Name.IMPLEMENTATION_VERSION);
                    }
                } catch (java.io.IOException e) {
                    v = null; // no readable manifest: a development build from target/classes
                }
            }
            return new String[] {"virtio-cli " + (v == null ? "(development build)" : v)};
        }
    }
}
