package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.resource.DevicePartsObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code virtio-cli obj ...}: device-parts resource objects of a VF. The embedded model starts fresh for every
 * invocation, so {@code query}, {@code modify} and {@code destroy} first create the object they act on there
 * (and say so on stderr); on a real device they act on what exists.
 */
@Command(name = "obj", description = "Device-parts resource objects of a VF: create, query, modify, destroy."
        + " On the embedded model (fresh each run) query/modify/destroy first create the object they act on.",
        subcommands = {ObjGroup.Create.class, ObjGroup.Query.class, ObjGroup.Modify.class, ObjGroup.Destroy.class})
final class ObjGroup extends GroupCommand {

    static DevicePartsObject.Mode mode(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "get" -> DevicePartsObject.Mode.GET;
            case "set" -> DevicePartsObject.Mode.SET;
            default -> throw new UsageException("unknown object mode '" + s + "': use get or set");
        };
    }

    abstract static class ObjCommand extends VfGroup.VfCommand {
        @Option(names = "--id", required = true, paramLabel = "ID",
                description = "Object id, 0..limit-1 (the limit is the device-parts capability's).")
        String idText;

        @Option(names = "--mode", paramLabel = "get|set", defaultValue = "get",
                description = "What the object is for (default: ${DEFAULT-VALUE}).")
        String modeText;

        long id;
        DevicePartsObject.Mode mode;

        @Override
        void validate() {
            id = Hex.parse(idText, "object id", 0xffff_ffffL);
            mode = mode(modeText);
        }

        /** Sets the driver capability (once) and creates the object. */
        void create(Target t) {
            t.migrator().driverCapability();
            t.admin().execute(AdminCommands.devPartsObjectCreate(vf, id, mode));
        }

        /** On the embedded model, creates the object first: nothing persists between invocations. */
        void setUp(Target t) {
            if (t.embedded()) {
                err.println("embedded model: state does not persist between invocations, so device-parts object "
                        + id + " (" + mode + ") of " + vf + " is created first");
                create(t);
            }
        }

        DevicePartsObject query(Target t) {
            return t.admin().execute(AdminCommands.resourceObjQuery(GroupMember.vf(vf), DevicePartsObject.KIND, id));
        }

        void describe(ObjectNode json, DevicePartsObject o, String what) {
            json.put("type", "dev-parts");
            json.put("id", id);
            if (o != null) {
                json.put("mode", o.mode().name().toLowerCase(Locale.ROOT));
            }
            text(what);
        }
    }

    @Command(name = "create", description = "DRIVER_CAP_SET (once) and RESOURCE_OBJ_CREATE of a device-parts"
            + " object, then RESOURCE_OBJ_QUERY of it.")
    static final class Create extends ObjCommand {
        @Override
        int runVf(Target t, ObjectNode json) {
            create(t);
            DevicePartsObject o = query(t);
            describe(json, o, "created device-parts object " + id + " on " + vf + "; queried back: " + o.mode());
            return ExitCodes.OK;
        }
    }

    @Command(name = "query", description = "RESOURCE_OBJ_QUERY of a device-parts object.")
    static final class Query extends ObjCommand {
        @Override
        int runVf(Target t, ObjectNode json) {
            setUp(t);
            DevicePartsObject o = query(t);
            describe(json, o, "device-parts object " + id + " of " + vf + ": " + o.mode());
            return ExitCodes.OK;
        }
    }

    @Command(name = "modify", description = "RESOURCE_OBJ_MODIFY of a device-parts object to --to-mode.")
    static final class Modify extends ObjCommand {
        @Option(names = "--to-mode", required = true, paramLabel = "get|set", description = "The new mode.")
        String toModeText;

        @Override
        void validate() {
            super.validate();
            mode(toModeText);
        }

        @Override
        int runVf(Target t, ObjectNode json) {
            setUp(t);
            DevicePartsObject.Mode to = mode(toModeText);
            t.admin().execute(AdminCommands.resourceObjModify(GroupMember.vf(vf), id, new DevicePartsObject(to)));
            DevicePartsObject o = query(t);
            describe(json, o, "device-parts object " + id + " of " + vf + " modified: now " + o.mode());
            return ExitCodes.OK;
        }
    }

    @Command(name = "destroy", description = "RESOURCE_OBJ_DESTROY of a device-parts object.")
    static final class Destroy extends ObjCommand {
        @Override
        int runVf(Target t, ObjectNode json) {
            setUp(t);
            t.admin().execute(AdminCommands.devPartsObjectDestroy(vf, id));
            json.put("destroyed", true);
            describe(json, null, "destroyed device-parts object " + id + " of " + vf);
            return ExitCodes.OK;
        }
    }
}
