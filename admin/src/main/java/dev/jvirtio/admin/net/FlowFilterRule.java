package dev.jvirtio.admin.net;

import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.internal.Wire;
import dev.jvirtio.admin.resource.ResourceObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_NET_RESOURCE_OBJ_FF_RULE (0x202) data, {@code struct virtio_net_resource_obj_ff_rule}: group_id le32
 * at 0, classifier_id le32 at 4, rule_priority u8 at 8, key_length u8 at 9, action u8 at 10, a reserved byte,
 * vq_index le16 at 12, 2 reserved bytes, then {@code key_length} key bytes (one key per classifier selector,
 * back to back).
 *
 * @param groupId      id of the group the rule belongs to
 * @param classifierId id of the classifier matching the key
 * @param rulePriority priority within the group
 * @param action       what to do with a matching packet
 * @param vqIndex      receive queue for {@link FlowFilterAction#DIRECT_RX_VQ}
 * @param keys         the concatenated keys, at most 255 bytes
 */
public record FlowFilterRule(long groupId, long classifierId, int rulePriority, FlowFilterAction action,
        int vqIndex, Bytes keys) implements ResourceObject {
    /** Fixed part before the keys. */
    public static final int HEADER = 16;

    /** Decodes rule data (posting a result buffer large enough for the largest key). */
    public static final ResourceObjectKind<FlowFilterRule> KIND = new ResourceObjectKind<>() {
        @Override
        public ResourceObjectType type() {
            return ResourceObjectType.NET_FF_RULE;
        }

        @Override
        public int resultCapacity() {
            return HEADER + 255;
        }

        @Override
        public FlowFilterRule decode(MemorySegment s, int length) {
            int keyLength = Wire.u8(s, 9);
            if (keyLength > 0 && length < HEADER + keyLength) {
                throw new AdminProtocolException("flow filter rule declares " + keyLength
                        + " key bytes but only " + length + " bytes were written");
            }
            return new FlowFilterRule(Wire.u32(s, 0), Wire.u32(s, 4), Wire.u8(s, 8),
                    new FlowFilterAction(Wire.u8(s, 10)), Wire.u16(s, 12), Bytes.copyOf(s, HEADER, keyLength));
        }
    };

    /** Validates the field ranges. */
    public FlowFilterRule {
        NetFfResourceCap.u32(groupId, "groupId");
        NetFfResourceCap.u32(classifierId, "classifierId");
        if (rulePriority < 0 || rulePriority > 0xff) {
            throw new IllegalArgumentException("rule priority is a byte, got " + rulePriority);
        }
        if (action == null || keys == null) {
            throw new NullPointerException("action and keys are required");
        }
        if (vqIndex < 0 || vqIndex > 0xffff) {
            throw new IllegalArgumentException("vq index must be in 0..0xffff, got " + vqIndex);
        }
        if (keys.length() > 0xff) {
            throw new IllegalArgumentException("key_length is a byte: at most 255 key bytes, got " + keys.length());
        }
    }

    @Override
    public ResourceObjectType type() {
        return ResourceObjectType.NET_FF_RULE;
    }

    @Override
    public int encodedLength() {
        return HEADER + keys.length();
    }

    @Override
    public void encode(MemorySegment d, long o) {
        Wire.putU32(d, o, groupId);
        Wire.putU32(d, o + 4, classifierId);
        Wire.putU8(d, o + 8, rulePriority);
        Wire.putU8(d, o + 9, keys.length());
        Wire.putU8(d, o + 10, action.code());
        Wire.putU16(d, o + 12, vqIndex);
        keys.copyTo(d, o + HEADER);
    }
}
