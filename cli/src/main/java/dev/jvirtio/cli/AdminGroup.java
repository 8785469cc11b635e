package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeNumbering;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.cap.RawCapability;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.net.NetFfActionCap;
import dev.jvirtio.admin.net.NetFfResourceCap;
import dev.jvirtio.admin.net.NetFfSelectorCap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code virtio-cli admin ...}: command discovery and capabilities. */
@Command(name = "admin", description = "Admin-queue discovery and capabilities: list-query, caps, cap-get.",
        subcommands = {AdminGroup.ListQuery.class, AdminGroup.Caps.class, AdminGroup.CapGet.class})
final class AdminGroup extends GroupCommand {

    /** Parses {@code self} / {@code sriov}. */
    static GroupType group(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "self" -> GroupType.SELF;
            case "sriov", "sr-iov" -> GroupType.SR_IOV;
            default -> throw new UsageException("unknown group '" + name + "': use self or sriov");
        };
    }

    static String groupName(GroupType g) {
        return g == GroupType.SELF ? "self" : "sriov";
    }

    @Command(name = "list-query", description = "LIST_QUERY and LIST_USE: the opcodes the device offers per group"
            + " type and the ones jvirtio put in use.")
    static final class ListQuery extends TargetCommand {
        @Option(names = "--group", paramLabel = "self|sriov", description = "Only this group type (default: both).")
        String group;

        @Override
        int run(Target t, ObjectNode json) {
            List<GroupType> groups = group == null ? List.of(GroupType.SELF, GroupType.SR_IOV) : List.of(group(group));
            AdminClient a = t.admin();
            OpcodeNumbering numbering = a.codec().numbering();
            ArrayNode arr = json.putArray("groups");
            for (GroupType g : groups) {
                OpcodeSet inUse = a.enabledOpcodes(g);
                OpcodeSet offered = a.supportedOpcodes(g);
                ObjectNode n = arr.addObject();
                n.put("group", groupName(g));
                n.put("groupType", g.id());
                ArrayNode rows = n.putArray("opcodes");
                Text.Table table = new Text.Table("OPCODE", "NAME", "OFFERED", "IN USE");
                for (int code : offered.union(inUse).codes()) {
                    ObjectNode r = rows.addObject();
                    r.put("opcode", code);
                    r.put("name", numbering.opcode(code).name());
                    r.put("offered", offered.contains(code));
                    r.put("inUse", inUse.contains(code));
                    table.row(String.format("0x%04x", code), numbering.opcode(code).name(),
                            offered.contains(code) ? "yes" : "no", inUse.contains(code) ? "yes" : "no");
                }
                text(g.label() + " group: the device offers " + offered.size() + " opcodes, " + inUse.size()
                        + " in use after LIST_USE");
                text(table.render().stripTrailing());
            }
            return ExitCodes.OK;
        }
    }

    /** The kind that decodes capability {@code id} on a virtio-net device, raw for anything else. */
    static CapabilityKind<? extends Capability> kind(int id, int deviceType) {
        if (id == DevicePartsCap.ID) {
            return DevicePartsCap.KIND;
        }
        if (deviceType == 1) {
            switch (id) {
                case NetFfResourceCap.ID: return NetFfResourceCap.KIND;
                case NetFfSelectorCap.ID: return NetFfSelectorCap.KIND;
                case NetFfActionCap.ID: return NetFfActionCap.KIND;
                default: break;
            }
        }
        return CapabilityKind.raw(id);
    }

    /** Gets capability {@code id} and describes it into {@code n}; returns a one-line text form. */
    static String describeCap(Target t, int id, ObjectNode n) {
        CapabilityKind<? extends Capability> k = kind(id, t.migrator().deviceType());
        Capability c = t.admin().execute(AdminCommands.deviceCapGet(k));
        n.put("id", id);
        n.put("name", k.name());
        n.put("value", String.valueOf(c));
        String text;
        if (c instanceof DevicePartsCap d) {
            n.put("getPartsObjectsLimit", d.getPartsObjectsLimit());
            n.put("setPartsObjectsLimit", d.setPartsObjectsLimit());
            text = "get objects limit " + d.getPartsObjectsLimit() + ", set objects limit " + d.setPartsObjectsLimit();
        } else if (c instanceof RawCapability r) {
            n.put("hex", r.data().toHex());
            text = r.data().length() + " bytes: " + r.data().toHex();
        } else {
            text = String.valueOf(c);
        }
        return String.format("0x%04x  %-28s %s", id, k.name(), text);
    }

    @Command(name = "caps", description = "CAP_ID_LIST_QUERY, then DEVICE_CAP_GET of every capability offered.")
    static final class Caps extends TargetCommand {
        @Override
        int run(Target t, ObjectNode json) {
            CapabilityIdSet ids = t.admin().execute(AdminCommands.capIdListQuery());
            ArrayNode arr = json.putArray("capabilities");
            text("the device offers " + ids.size() + " capabilities:");
            for (int id : ids.ids()) {
                text(describeCap(t, id, arr.addObject()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "cap-get", description = "DEVICE_CAP_GET of one capability id, decoded when jvirtio knows it.")
    static final class CapGet extends TargetCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Capability id, decimal or 0x-hex (0x0000 is"
                + " VIRTIO_DEV_PARTS_CAP).")
        String id;

        int cap;

        @Override
        void validate() {
            cap = (int) Hex.parse(id, "capability id", 0xffff);
        }

        @Override
        int run(Target t, ObjectNode json) {
            text(describeCap(t, cap, json.putObject("capability")));
            return ExitCodes.OK;
        }
    }

    static List<String> names(OpcodeSet s, OpcodeNumbering n) {
        List<String> l = new ArrayList<>();
        for (int c : s.codes()) {
            l.add(n.opcode(c).name());
        }
        return l;
    }
}
