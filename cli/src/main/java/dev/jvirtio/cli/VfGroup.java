package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.VfNumber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code virtio-cli vf ...}: the VFs of the PF. */
@Command(name = "vf", description = "The PF's VFs: list, stop, resume.",
        subcommands = {VfGroup.ListVfs.class, VfGroup.Stop.class, VfGroup.Resume.class})
final class VfGroup extends GroupCommand {

    @Command(name = "list", description = "One row per VF: number, BDF, offered and accepted features (bits 0-31,"
            + " through the legacy interface), device status and, for virtio-net, the MAC.")
    static final class ListVfs extends TargetCommand {
        @Override
        int run(Target t, ObjectNode json) {
            new VfTable(t).print(json, this::text);
            return ExitCodes.OK;
        }
    }

    static String mac(Bytes b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length(); i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", b.get(i)));
        }
        return sb.toString();
    }

    /** Shared {@code --vf N} option. */
    abstract static class VfCommand extends TargetCommand {
        @Option(names = "--vf", required = true, paramLabel = "N", converter = VfConverter.class,
                description = "VF number, 1..NumVFs (sysfs virtfn0 is VF 1).")
        VfNumber vf;

        @Override
        final int run(Target t, ObjectNode json) throws Exception {
            t.checkVf(vf);
            json.put("vf", vf.value());
            json.put("vfBdf", t.vfAddress(vf).toString());
            return runVf(t, json);
        }

        abstract int runVf(Target t, ObjectNode json) throws Exception;
    }

    @Command(name = "stop", description = "DEV_MODE_SET STOPPED: the VF stops DMA and interrupts (device parts can"
            + " then be read consistently or restored).")
    static final class Stop extends VfCommand {
        @Override
        int runVf(Target t, ObjectNode json) {
            t.migrator().stop(vf);
            json.put("mode", "stopped");
            text(vf + " (" + t.vfAddress(vf) + ") stopped");
            return ExitCodes.OK;
        }
    }

    @Command(name = "resume", description = "DEV_MODE_SET RUNNING: the VF runs again, with any restored parts.")
    static final class Resume extends VfCommand {
        @Override
        int runVf(Target t, ObjectNode json) {
            t.migrator().resume(vf);
            json.put("mode", "running");
            text(vf + " (" + t.vfAddress(vf) + ") running");
            return ExitCodes.OK;
        }
    }
}
