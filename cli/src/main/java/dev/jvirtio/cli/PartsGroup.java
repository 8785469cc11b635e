package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.command.DevPartsMetadata;
import dev.jvirtio.admin.migration.DevicePartsSnapshot;
import dev.jvirtio.admin.migration.MigrationFile;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.parts.DevicePartsFormatException;
import dev.jvirtio.admin.parts.DevicePartsReader;
import dev.jvirtio.admin.resource.DevicePartsObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/** {@code virtio-cli parts ...}: device parts of a VF. */
@Command(name = "parts", description = "Device parts of a VF: metadata, get, set.",
        subcommands = {PartsGroup.Metadata.class, PartsGroup.Get.class, PartsGroup.Set.class})
final class PartsGroup extends GroupCommand {

    @Command(name = "metadata", description = "DEV_PARTS_METADATA_GET SIZE, COUNT and LIST through a short-lived"
            + " GET object (created and destroyed by this command).")
    static final class Metadata extends VfGroup.VfCommand {
        @Override
        int runVf(Target t, ObjectNode json) {
            DevicePartsCap cap = t.migrator().driverCapability();
            long id = 0;
            t.admin().execute(AdminCommands.devPartsObjectCreate(vf, id, DevicePartsObject.Mode.GET));
            try {
                long size = ((DevPartsMetadata.PartsSize) t.admin().execute(AdminCommands.devPartsSize(vf, id))).size();
                long count = ((DevPartsMetadata.PartsCount) t.admin().execute(AdminCommands.devPartsCount(vf, id))).count();
                List<DevicePartHeader> headers = ((DevPartsMetadata.PartHeaders) t.admin().execute(
                        AdminCommands.devPartsList(vf, id, count))).headers();
                json.put("size", size);
                json.put("count", count);
                ArrayNode arr = json.putArray("headers");
                Text.Table table = new Text.Table("#", "PART", "FLAGS", "SELECTOR", "LENGTH");
                for (int i = 0; i < headers.size(); i++) {
                    DevicePartHeader h = headers.get(i);
                    ObjectNode o = arr.addObject();
                    o.put("type", h.type().name());
                    o.put("typeCode", h.type().code());
                    o.put("flags", h.flags());
                    o.put("selector", h.selector());
                    o.put("length", h.length());
                    table.row(Integer.toString(i), h.type().name(), h.optional() ? "optional" : "-",
                            String.format("0x%016x", h.selector()), Long.toString(h.length()));
                }
                text(vf + ": " + count + " parts, " + size + " bytes (device-parts object limits: get "
                        + cap.getPartsObjectsLimit() + ", set " + cap.setPartsObjectsLimit() + ")");
                text(table.render().stripTrailing());
            } finally {
                t.admin().execute(AdminCommands.devPartsObjectDestroy(vf, id));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "DEV_PARTS_GET ALL (sized by METADATA_GET SIZE) through a short-lived GET"
            + " object; prints the parts, or saves them with --out.")
    static final class Get extends VfGroup.VfCommand {
        @Option(names = "--stop", description = "Stop the VF first (DEV_MODE_SET), for a consistent state.")
        boolean stop;

        @Option(names = "--out", paramLabel = "FILE", description = "Also write the parts to FILE in jvirtio's"
                + " migration format (what 'migrate restore' and 'parts set --in' read).")
        Path file;

        @Override
        int runVf(Target t, ObjectNode json) {
            DevicePartsSnapshot s = stop ? t.migrator().save(vf, new ProgressBar(err, false))
                    : t.migrator().readParts(vf, new ProgressBar(err, false));
            json.put("stopped", stop);
            json.put("count", s.parts().size());
            json.put("bytes", s.encodedLength());
            PartsText.json(json.putArray("parts"), s.parts());
            text(vf + ": " + s.parts().size() + " parts, " + s.encodedLength() + " bytes"
                    + (stop ? " (VF stopped)" : ""));
            text(PartsText.table(s.parts()));
            if (file != null) {
                try {
                    long n = MigrationFile.write(s, file, new ProgressBar(err, false));
                    json.put("file", file.toString());
                    json.put("fileBytes", n);
                    text("wrote " + n + " bytes to " + file);
                } catch (IOException e) {
                    throw FileError.of("write", file, e);
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "set", description = "DEV_PARTS_SET through a short-lived SET object. The spec wants the VF"
            + " stopped, so it is stopped first; the parts take effect on resume (--resume).")
    static final class Set extends VfGroup.VfCommand {
        @Option(names = "--in", paramLabel = "FILE", description = "Parts from a jvirtio migration file.")
        Path file;

        @Option(names = "--hex", paramLabel = "HEX", description = "Parts as raw spec wire bytes in hex"
                + " (struct virtio_dev_part back to back).")
        String hex;

        @Option(names = "--resume", description = "Resume the VF afterwards, so the parts take effect.")
        boolean resume;

        private List<DevicePart> parts;

        @Override
        void validate() {
            if ((file == null) == (hex == null)) {
                throw new UsageException("give --in FILE or --hex HEX (one of the two)");
            }
            if (hex != null) {
                Bytes b;
                try {
                    b = Bytes.ofHex(hex);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--hex: '" + hex + "' is not hex bytes");
                }
                try {
                    parts = DevicePartsReader.readAll(MemorySegment.ofArray(b.toArray()), 0, b.length(), true);
                } catch (DevicePartsFormatException e) {
                    throw new UsageException("--hex: not a valid device-parts sequence: " + e.getMessage());
                }
            } else {
                try {
                    parts = MigrationFile.read(file, new ProgressBar(err(), false)).parts();
                } catch (dev.jvirtio.admin.migration.MigrationFileException e) {
                    throw new FileError(file + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    throw FileError.of("read", file, e);
                }
            }
        }

        private java.io.PrintWriter err() {
            return spec.commandLine().getErr();
        }

        @Override
        int runVf(Target t, ObjectNode json) {
            t.migrator().stop(vf);
            t.migrator().writeParts(vf, parts, new ProgressBar(err, false));
            if (resume) {
                t.migrator().resume(vf);
            }
            json.put("count", parts.size());
            json.put("resumed", resume);
            text("restored " + parts.size() + " parts into " + vf + (resume ? "; resumed, they are in effect"
                    : "; stopped, they take effect on resume"));
            return ExitCodes.OK;
        }
    }
}
