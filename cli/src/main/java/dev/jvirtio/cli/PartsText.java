package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.parts.DevFeaturesPart;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.DeviceTypePart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PciCommonCfgField;
import dev.jvirtio.admin.parts.PciCommonCfgPart;
import dev.jvirtio.admin.parts.UnknownPart;
import dev.jvirtio.admin.parts.VqCfgPart;
import dev.jvirtio.admin.parts.VqNotifyCfgPart;
import dev.jvirtio.transport.DeviceStatus;
import dev.jvirtio.transport.FeatureSet;

import java.util.List;
import java.util.Locale;

/** Text and JSON renderings of device parts. */
final class PartsText {
    private PartsText() {
    }

    static String features(FeatureBits f) {
        return FeatureSet.ofBits(f.wordCount() > 0 ? f.word(0) : 0).toString()
                + (f.wordCount() > 1 && f.word(1) != 0 ? String.format(" + bits 64-127 0x%x", f.word(1)) : "");
    }

    /** A one-line description of {@code p}'s value. */
    static String value(DevicePart p) {
        return switch (p) {
            case DevFeaturesPart d -> features(d.features());
            case DrvFeaturesPart d -> features(d.features());
            case PciCommonCfgPart c -> {
                PciCommonCfgField f = PciCommonCfgField.at(c.offset());
                yield (f == null ? "offset " + c.offset() : f.name().toLowerCase(Locale.ROOT)) + " = 0x"
                        + Long.toHexString(c.value());
            }
            case DeviceStatusPart s -> String.format("0x%02x %s", s.status(), DeviceStatus.describe(s.status()));
            case VqCfgPart q -> String.format("queue %d: size %d, vector %d, enabled %d, desc 0x%x, driver 0x%x,"
                    + " device 0x%x", q.index(), q.queueSize(), q.vector(), q.enabled(), q.queueDesc(),
                    q.queueDriver(), q.queueDevice());
            case VqNotifyCfgPart n -> String.format("queue %d: notify_off %d, notif_config_data %d", n.index(),
                    n.queueNotifyOff(), n.queueNotifConfigData());
            case DeviceTypePart d -> String.format("selector 0x%016x, %s", d.selector(), d.value().toHex());
            case UnknownPart u -> String.format("selector 0x%016x, %s", u.selector(), u.value().toHex());
        };
    }

    static String table(List<DevicePart> parts) {
        Text.Table t = new Text.Table("#", "PART", "FLAGS", "BYTES", "VALUE");
        for (int i = 0; i < parts.size(); i++) {
            DevicePart p = parts.get(i);
            t.row(Integer.toString(i), p.type().name(), p.optional() ? "optional" : "-",
                    Integer.toString(p.valueLength()), value(p));
        }
        return t.render().stripTrailing();
    }

    static void json(ArrayNode arr, List<DevicePart> parts) {
        for (DevicePart p : parts) {
            ObjectNode o = arr.addObject();
            o.put("type", p.type().name());
            o.put("typeCode", p.type().code());
            o.put("flags", p.flags());
            o.put("selector", p.selector());
            o.put("length", p.valueLength());
            o.put("value", value(p));
        }
    }
}
