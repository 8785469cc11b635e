package dev.jvirtio.cli;

import dev.jvirtio.pci.sysfs.SysfsPci;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every subcommand takes. */
final class CommonOptions {

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--sysfs-root", paramLabel = "DIR", defaultValue = "/sys",
            description = "Root of the sysfs tree to read (default: ${DEFAULT-VALUE}); "
                    + "functions are expected under DIR/bus/pci/devices.")
    Path sysfsRoot;

    SysfsPci sysfs() {
        return new SysfsPci(sysfsRoot);
    }
}
