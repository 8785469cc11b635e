package dev.jvirtio.cli;

import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.engine.AdminQueueException;
import dev.jvirtio.admin.engine.UnsupportedAdminCommandException;
import dev.jvirtio.admin.migration.MigrationException;
import dev.jvirtio.admin.migration.MigrationFileException;
import dev.jvirtio.pci.config.ConfigSpaceException;
import dev.jvirtio.pci.sysfs.NoSuchPciFunctionException;
import dev.jvirtio.pci.sysfs.SysfsException;
import dev.jvirtio.transport.TransportException;
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
 * Entry point of {@code virtio-cli}: lists virtio PCI functions and decodes their config space (read-only), and
 * drives a PF's admin virtqueue: the embedded device model by default, a real PF with {@code --device BDF}.
 *
 * <pre>{@code
 * virtio-cli list [--all] [--json] [--sysfs-root DIR]
 * virtio-cli show BDF [--json] [--sysfs-root DIR]
 * virtio-cli demo
 * virtio-cli admin list-query|caps|cap-get ID      virtio-cli vf list|stop|resume
 * virtio-cli legacy read|write                     virtio-cli obj create|query|modify|destroy
 * virtio-cli parts metadata|get|set                virtio-cli migrate save|restore
 * }</pre>
 * Errors are one line on stderr, {@code virtio-cli: <what went wrong>}, with the exit codes of
 * {@link ExitCodes}; no stack trace unless the environment sets {@code JVIRTIO_DEBUG=1}.
 * {@link #commandLine()} builds the configured picocli instance, which tests run in-process.
 */
@Command(name = "virtio-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VirtioCli.Version.class,
        scope = ScopeType.INHERIT,
        description = {"Lists virtio PCI functions and decodes their configuration space (read-only), and drives a"
                + " PF's virtio admin virtqueue.",
            "",
            "Admin commands (admin, vf, legacy, obj, parts, migrate, demo) talk to the PF named by --device BDF"
                + " (through VFIO) or, without it, to an embedded device model: a virtio-net PF with 4 VFs that"
                + " every invocation starts fresh. Nothing persists from one invocation to the next, so commands"
                + " that need earlier state (obj query/modify/destroy) create it first on the embedded model, and"
                + " 'demo' shows a whole migration in one run. --trace prints every admin command in hex on"
                + " stderr; the first stderr line names the target.",
            "",
            "Try: virtio-cli demo"},
        subcommands = {ListCommand.class, ShowCommand.class, DemoCommand.class, AdminGroup.class, VfGroup.class,
            LegacyGroup.class, ObjGroup.class, PartsGroup.class, MigrateGroup.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:internal error (a bug; set JVIRTIO_DEBUG=1 for a stack trace)",
            "2:usage error: unknown option, missing argument, malformed BDF, VF number, field name, offset or value",
            "3:no such PCI function",
            "4:sysfs or config-space data could not be read or decoded",
            "5:the device refused an admin command (status / qualifier in the message)",
            "6:device unusable: no VFIO backend in this build, no admin queue, timeout or broken queue",
            "7:migration file unreadable, unwritable, corrupt, truncated or of another version or device type",
            "8:demo: the migrated state did not verify",
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
        throw new ParameterException(spec.commandLine(), "missing command: try 'demo', 'list' or 'show BDF'");
    }

    static int exitCode(Throwable t) {
        if (t instanceof ParameterException || t instanceof UsageException) {
            return ExitCodes.USAGE;
        }
        if (t instanceof FileError || t instanceof MigrationFileException) {
            return ExitCodes.FILE_ERROR;
        }
        if (t instanceof MigrationException m) {
            return m.getCause() instanceof AdminQueueException ? ExitCodes.DEVICE_UNAVAILABLE : ExitCodes.DEVICE_REFUSED;
        }
        if (t instanceof AdminCommandException || t instanceof UnsupportedAdminCommandException) {
            return ExitCodes.DEVICE_REFUSED;
        }
        if (t instanceof BackendUnavailableException || t instanceof AdminQueueException
                || t instanceof TransportException) {
            return ExitCodes.DEVICE_UNAVAILABLE;
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
