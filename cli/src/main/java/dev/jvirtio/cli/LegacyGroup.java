package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.command.LegacyCommonField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code virtio-cli legacy ...}: the legacy-interface access commands (virtio 1.3). */
@Command(name = "legacy", description = "Legacy common/device configuration of a VF through the PF's admin queue:"
        + " read, write.", subcommands = {LegacyGroup.Read.class, LegacyGroup.Write.class})
final class LegacyGroup extends GroupCommand {

    static LegacyCommonField field(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace('-', '_');
        for (LegacyCommonField f : LegacyCommonField.values()) {
            if (f.name().equals(n)) {
                return f;
            }
        }
        throw new UsageException("unknown legacy field '" + name + "': one of " + fieldNames());
    }

    static String fieldNames() {
        return Arrays.stream(LegacyCommonField.values()).map(f -> f.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    static int devOffset(String text) {
        return (int) Hex.parse(text, "device-config offset", 0xff);
    }

    static String hexValue(long v, int width) {
        return String.format("0x%0" + (2 * width) + "x", v);
    }

    @Command(name = "read", description = "LEGACY_COMMON_CFG_READ of a field, or LEGACY_DEV_CFG_READ with --dev-cfg.")
    static final class Read extends VfGroup.VfCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "FIELD",
                description = "host_features, guest_features, queue_pfn, queue_num, queue_sel, queue_notify, status,"
                        + " isr, config_vector, queue_vector.")
        String fieldName;

        @Option(names = "--dev-cfg", arity = "2", paramLabel = "OFFSET LEN",
                description = "Read LEN (1..8) bytes at OFFSET of the device-specific configuration.")
        List<String> devCfg;

        private LegacyCommonField field;
        private int offset;
        private int length;

        @Override
        void validate() {
            if ((fieldName == null) == (devCfg == null)) {
                throw new UsageException("name a FIELD or give --dev-cfg OFFSET LEN (one of the two)");
            }
            if (fieldName != null) {
                field = field(fieldName);
            } else {
                offset = devOffset(devCfg.get(0));
                length = (int) Hex.parse(devCfg.get(1), "length", 8);
                if (length < 1) {
                    throw new UsageException("length must be 1..8 bytes");
                }
                if (offset + length > 0x100) {
                    throw new UsageException("offset " + offset + " + length " + length + " runs past the 256-byte"
                            + " legacy device-config window");
                }
            }
        }

        @Override
        int runVf(Target t, ObjectNode json) {
            if (field != null) {
                long v = t.admin().execute(AdminCommands.legacyCommonCfgRead(vf, field));
                json.put("field", field.name().toLowerCase(Locale.ROOT));
                json.put("offset", field.offset());
                json.put("width", field.width());
                json.put("value", v);
                text(vf + " " + field.name().toLowerCase(Locale.ROOT) + " = " + hexValue(v, field.width()));
            } else {
                Bytes b = t.admin().execute(AdminCommands.legacyDevCfgRead(vf, offset, length));
                json.put("devCfgOffset", offset);
                json.put("length", length);
                json.put("hex", b.toHex());
                text(vf + " dev-cfg[" + offset + ".." + (offset + length - 1) + "] = " + b.toHex());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "write", description = "LEGACY_COMMON_CFG_WRITE of a field, or LEGACY_DEV_CFG_WRITE with"
            + " --dev-cfg; reads the value back afterwards.")
    static final class Write extends VfGroup.VfCommand {
        @Parameters(index = "0", arity = "0..2", paramLabel = "FIELD VALUE",
                description = "A writable field (guest_features, queue_pfn, queue_sel, queue_notify, status,"
                        + " config_vector, queue_vector) and the value, decimal or 0x-hex.")
        List<String> args;

        @Option(names = "--dev-cfg", arity = "2", paramLabel = "OFFSET HEX",
                description = "Write the bytes HEX (1..8 bytes, e.g. 02aabbccddee) at OFFSET of the device-specific"
                        + " configuration.")
        List<String> devCfg;

        private LegacyCommonField field;
        private long value;
        private int offset;
        private Bytes data;

        @Override
        void validate() {
            if ((args == null || args.isEmpty()) == (devCfg == null)) {
                throw new UsageException("give FIELD VALUE or --dev-cfg OFFSET HEX (one of the two)");
            }
            if (devCfg == null) {
                if (args.size() != 2) {
                    throw new UsageException("write needs a FIELD and a VALUE");
                }
                field = field(args.get(0));
                if (!field.writable()) {
                    throw new UsageException("legacy field " + args.get(0) + " is read-only");
                }
                value = Hex.parse(args.get(1), field.name().toLowerCase(Locale.ROOT) + " value",
                        field.width() == 8 ? -1L >>> 1 : (1L << (8 * field.width())) - 1);
            } else {
                offset = devOffset(devCfg.get(0));
                try {
                    data = Bytes.ofHex(devCfg.get(1));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("'" + devCfg.get(1) + "' is not hex bytes (e.g. 02aabbccddee)");
                }
                if (data.length() < 1 || data.length() > 8 || offset + data.length() > 0x100) {
                    throw new UsageException("device-config writes are 1..8 bytes inside the 256-byte window, got "
                            + data.length() + " bytes at " + offset);
                }
            }
        }

        @Override
        int runVf(Target t, ObjectNode json) {
            if (field != null) {
                t.admin().execute(AdminCommands.legacyCommonCfgWrite(vf, field, value));
                long back = t.admin().execute(AdminCommands.legacyCommonCfgRead(vf, field));
                json.put("field", field.name().toLowerCase(Locale.ROOT));
                json.put("written", value);
                json.put("readBack", back);
                text(vf + " " + field.name().toLowerCase(Locale.ROOT) + " <- " + hexValue(value, field.width())
                        + ", reads back " + hexValue(back, field.width()));
            } else {
                t.admin().execute(AdminCommands.legacyDevCfgWrite(vf, offset, data));
                Bytes back = t.admin().execute(AdminCommands.legacyDevCfgRead(vf, offset, data.length()));
                json.put("devCfgOffset", offset);
                json.put("written", data.toHex());
                json.put("readBack", back.toHex());
                text(vf + " dev-cfg[" + offset + "] <- " + data.toHex() + ", reads back " + back.toHex());
            }
            return ExitCodes.OK;
        }
    }
}
