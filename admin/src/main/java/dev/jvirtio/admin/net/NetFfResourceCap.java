package dev.jvirtio.admin.net;

import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_NET_FF_RESOURCE_CAP (virtio-net capability id 0x0800), {@code struct virtio_net_ff_cap_data}: the flow
 * filter object limits. groups_limit le32 at 0, classifiers_limit le32 at 4, rules_limit le32 at 8,
 * rules_per_group_limit le32 at 12, last_rule_priority u8 at 16, selectors_per_classifier_limit u8 at 17,
 * 2 reserved bytes.
 *
 * @param groupsLimit                 maximum flow filter groups
 * @param classifiersLimit            maximum classifiers
 * @param rulesLimit                  maximum rules across all groups
 * @param rulesPerGroupLimit          maximum rules per group
 * @param lastRulePriority            highest rule priority
 * @param selectorsPerClassifierLimit maximum selectors per classifier
 */
public record NetFfResourceCap(long groupsLimit, long classifiersLimit, long rulesLimit, long rulesPerGroupLimit,
        int lastRulePriority, int selectorsPerClassifierLimit) implements Capability {
    /** The capability id (virtio-net). */
    public static final int ID = 0x0800;
    /** Encoded length. */
    public static final int LENGTH = 20;

    /** Decodes this capability. */
    public static final CapabilityKind<NetFfResourceCap> KIND = new CapabilityKind<>() {
        @Override
        public int id() {
            return ID;
        }

        @Override
        public String name() {
            return "VIRTIO_NET_FF_RESOURCE_CAP";
        }

        @Override
        public int resultCapacity() {
            return 24;
        }

        @Override
        public NetFfResourceCap decode(MemorySegment s, int length) {
            return new NetFfResourceCap(Wire.u32(s, 0), Wire.u32(s, 4), Wire.u32(s, 8), Wire.u32(s, 12),
                    Wire.u8(s, 16), Wire.u8(s, 17));
        }
    };

    /** Validates the field ranges. */
    public NetFfResourceCap {
        u32(groupsLimit, "groupsLimit");
        u32(classifiersLimit, "classifiersLimit");
        u32(rulesLimit, "rulesLimit");
        u32(rulesPerGroupLimit, "rulesPerGroupLimit");
        if (lastRulePriority < 0 || lastRulePriority > 0xff || selectorsPerClassifierLimit < 0
                || selectorsPerClassifierLimit > 0xff) {
            throw new IllegalArgumentException("lastRulePriority and selectorsPerClassifierLimit are bytes");
        }
    }

    static void u32(long v, String what) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " must fit in 32 bits, got " + v);
        }
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(MemorySegment d, long o) {
        Wire.putU32(d, o, groupsLimit);
        Wire.putU32(d, o + 4, classifiersLimit);
        Wire.putU32(d, o + 8, rulesLimit);
        Wire.putU32(d, o + 12, rulesPerGroupLimit);
        Wire.putU8(d, o + 16, lastRulePriority);
        Wire.putU8(d, o + 17, selectorsPerClassifierLimit);
    }
}
