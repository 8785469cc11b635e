package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.migration.DevicePartsSnapshot;
import dev.jvirtio.admin.migration.MigrationFile;
import dev.jvirtio.admin.migration.MigrationFileException;
import dev.jvirtio.transport.DeviceStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code virtio-cli migrate ...}: a VF's device state to and from a file. */
@Command(name = "migrate", description = "A VF's device state to a file (save) and from a file (restore).",
        subcommands = {MigrateGroup.Save.class, MigrateGroup.Restore.class})
final class MigrateGroup extends GroupCommand {

    /** Reads a VF's status, accepted features and (net) MAC through legacy commands, into JSON and one line. */
    static String state(Target t, VfNumber vf, ObjectNode json) {
        int status = (int) (long) t.admin().execute(AdminCommands.legacyCommonCfgRead(vf, LegacyCommonField.STATUS));
        long guest = t.admin().execute(AdminCommands.legacyCommonCfgRead(vf, LegacyCommonField.GUEST_FEATURES));
        json.put("status", status);
        json.put("guestFeatures", guest);
        String line = vf + ": status " + String.format("0x%02x %s", status, DeviceStatus.describe(status))
                + String.format(", guest features 0x%08x", guest);
        if (t.migrator().deviceType() == 1) {
            Bytes mac = t.admin().execute(AdminCommands.legacyDevCfgRead(vf, 0, 6));
            json.put("mac", VfGroup.mac(mac));
            line += ", mac " + VfGroup.mac(mac);
        }
        return line;
    }

    @Command(name = "save", description = "Stop the VF, read its device parts (GET object, METADATA_GET SIZE,"
            + " PARTS_GET ALL, destroy) and write them to FILE with a CRC32. The VF stays stopped unless --resume.")
    static final class Save extends VfGroup.VfCommand {
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the state.")
        Path file;

        @Option(names = "--resume", description = "Resume the VF after saving (copy instead of move).")
        boolean resume;

        @Option(names = "--progress", description = "Always show the progress bar (default: transfers >= 1 MiB).")
        boolean progress;

        @Override
        int runVf(Target t, ObjectNode json) {
            ProgressBar bar = new ProgressBar(err, progress);
            DevicePartsSnapshot s = t.migrator().save(vf, bar);
            long n;
            try {
                n = MigrationFile.write(s, file, bar);
            } catch (IOException e) {
                throw FileError.of("write", file, e);
            }
            if (resume) {
                t.migrator().resume(vf);
            }
            json.put("file", file.toString());
            json.put("bytes", n);
            json.put("parts", s.parts().size());
            json.put("deviceType", s.deviceTypeName());
            json.put("resumed", resume);
            text("saved " + vf + " (" + s.deviceTypeName() + "): " + s.parts().size() + " parts, " + n
                    + " bytes -> " + file + (resume ? "; resumed" : "; the VF stays stopped"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "restore", description = "Check FILE completely (magic, version, length, CRC, parts, device"
            + " type), stop the VF, set the parts (SET object, PARTS_SET, destroy), then resume it unless"
            + " --no-resume.")
    static final class Restore extends VfGroup.VfCommand {
        @Option(names = "--in", required = true, paramLabel = "FILE", description = "A file from 'migrate save'.")
        Path file;

        @Option(names = "--no-resume", description = "Leave the VF stopped (the parts take effect on resume).")
        boolean noResume;

        @Option(names = "--progress", description = "Always show the progress bar (default: transfers >= 1 MiB).")
        boolean progress;

        @Override
        int runVf(Target t, ObjectNode json) {
            ProgressBar bar = new ProgressBar(err, progress);
            DevicePartsSnapshot s;
            try {
                s = t.migrator().restoreFrom(vf, file, bar);
            } catch (MigrationFileException e) {
                throw new FileError(file + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw FileError.of("read", file, e);
            }
            if (!noResume) {
                t.migrator().resume(vf);
            }
            json.put("file", file.toString());
            json.put("parts", s.parts().size());
            json.put("savedFrom", s.vf().value());
            json.put("resumed", !noResume);
            text("restored " + s.parts().size() + " parts (saved from " + s.vf() + ") into " + vf
                    + (noResume ? "; stopped, they take effect on resume" : "; resumed"));
            if (!noResume) {
                text(state(t, vf, json.putObject("state")));
            }
            return ExitCodes.OK;
        }
    }
}
