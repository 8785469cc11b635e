package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.transport.DeviceStatus;
import dev.jvirtio.transport.FeatureSet;

import java.util.function.Consumer;

/**
 * The VF table of {@code vf list} and {@code demo}: number, BDF, offered and accepted features (bits 0-31) and
 * device status through legacy reads, and the MAC of a virtio-net VF.
 */
final class VfTable {
    private final Target t;

    VfTable(Target t) {
        this.t = t;
    }

    /** Puts a {@code vfs} array into {@code json} and hands the text table, line by line, to {@code text}. */
    void print(ObjectNode json, Consumer<String> text) {
        AdminClient a = t.admin();
        ArrayNode arr = json.putArray("vfs");
        Text.Table table = new Text.Table("VF", "BDF", "HOST-FEATURES", "GUEST-FEATURES", "STATUS", "MAC");
        boolean net = t.migrator().deviceType() == 1;
        for (int n = 1; n <= t.numVfs(); n++) {
            VfNumber vf = VfNumber.of(n);
            long host = a.execute(AdminCommands.legacyCommonCfgRead(vf, LegacyCommonField.HOST_FEATURES));
            long guest = a.execute(AdminCommands.legacyCommonCfgRead(vf, LegacyCommonField.GUEST_FEATURES));
            int status = (int) (long) a.execute(AdminCommands.legacyCommonCfgRead(vf, LegacyCommonField.STATUS));
            String mac = net ? VfGroup.mac(a.execute(AdminCommands.legacyDevCfgRead(vf, 0, 6))) : "-";
            ObjectNode o = arr.addObject();
            o.put("vf", n);
            o.put("bdf", t.vfAddress(vf).toString());
            o.put("hostFeatures", host);
            o.put("hostFeatureNames", FeatureSet.ofBits(host).toString());
            o.put("guestFeatures", guest);
            o.put("status", status);
            o.put("statusNames", DeviceStatus.describe(status));
            if (net) {
                o.put("mac", mac);
            }
            table.row(Integer.toString(n), t.vfAddress(vf).toString(), String.format("0x%08x", host),
                    String.format("0x%08x", guest), String.format("0x%02x %s", status, DeviceStatus.describe(status)),
                    mac);
        }
        for (String line : table.render().split("\n")) {
            text.accept(line);
        }
    }
}
