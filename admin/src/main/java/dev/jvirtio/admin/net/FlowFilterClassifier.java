package dev.jvirtio.admin.net;

import dev.jvirtio.admin.internal.Wire;
import dev.jvirtio.admin.resource.ResourceObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import dev.jvirtio.admin.resource.ResourceObjectType;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * VIRTIO_NET_RESOURCE_OBJ_FF_CLASSIFIER (0x201) data, {@code struct virtio_net_resource_obj_ff_classifier}:
 * {@code count} u8, 7 reserved bytes, then the selectors whose masks say which header fields to match. The
 * spec wants the first selector to be ETH, a second one IPV4 or IPV6 and a third one TCP, UDP or ESP; this
 * record leaves those rules to the device so it can carry what a device reports.
 *
 * @param selectors the selectors, at most 255
 */
public record FlowFilterClassifier(List<FlowFilterSelector> selectors) implements ResourceObject {
    /** Decodes classifier data (posting a 1 KiB result buffer). */
    public static final ResourceObjectKind<FlowFilterClassifier> KIND = new ResourceObjectKind<>() {
        @Override
        public ResourceObjectType type() {
            return ResourceObjectType.NET_FF_CLASSIFIER;
        }

        @Override
        public int resultCapacity() {
            return 1024;
        }

        @Override
        public FlowFilterClassifier decode(MemorySegment src, int length) {
            return new FlowFilterClassifier(FlowFilterSelector.decodeAll(src, 8, Math.max(length, 8),
                    Wire.u8(src, 0), "flow filter classifier"));
        }
    };

    /** Copies the list and validates its size. */
    public FlowFilterClassifier {
        selectors = List.copyOf(selectors);
        if (selectors.size() > 0xff) {
            throw new IllegalArgumentException("at most 255 selectors, got " + selectors.size());
        }
    }

    /** Sum of the selectors' mask lengths: the key length a rule using this classifier must have. */
    public int keyLength() {
        int n = 0;
        for (FlowFilterSelector s : selectors) {
            n += s.mask().length();
        }
        return n;
    }

    @Override
    public ResourceObjectType type() {
        return ResourceObjectType.NET_FF_CLASSIFIER;
    }

    @Override
    public int encodedLength() {
        return 8 + FlowFilterSelector.encodedLength(selectors);
    }

    @Override
    public void encode(MemorySegment dst, long offset) {
        Wire.putU8(dst, offset, selectors.size());
        FlowFilterSelector.encodeAll(selectors, dst, offset + 8);
    }
}
