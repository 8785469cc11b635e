package dev.jvirtio.admin.net;

import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * VIRTIO_NET_FF_SELECTOR_CAP (virtio-net capability id 0x0801), {@code struct virtio_net_ff_cap_mask_data}:
 * {@code count} u8, 7 reserved bytes, then {@code count} selectors naming the matchable header fields.
 *
 * @param selectors the supported selectors, at most 255
 */
public record NetFfSelectorCap(List<FlowFilterSelector> selectors) implements Capability {
    /** The capability id (virtio-net). */
    public static final int ID = 0x0801;

    /** Decodes this capability (posting a 1 KiB result buffer, enough for every selector type the spec has). */
    public static final CapabilityKind<NetFfSelectorCap> KIND = new CapabilityKind<>() {
        @Override
        public int id() {
            return ID;
        }

        @Override
        public String name() {
            return "VIRTIO_NET_FF_SELECTOR_CAP";
        }

        @Override
        public int resultCapacity() {
            return 1024;
        }

        @Override
        public NetFfSelectorCap decode(MemorySegment s, int length) {
            return new NetFfSelectorCap(FlowFilterSelector.decodeAll(s, 8, Math.max(length, 8), Wire.u8(s, 0),
                    "VIRTIO_NET_FF_SELECTOR_CAP"));
        }
    };

    /** Copies the list and validates its size. */
    public NetFfSelectorCap {
        selectors = List.copyOf(selectors);
        if (selectors.size() > 0xff) {
            throw new IllegalArgumentException("at most 255 selectors, got " + selectors.size());
        }
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public int encodedLength() {
        return 8 + FlowFilterSelector.encodedLength(selectors);
    }

    @Override
    public void encode(MemorySegment d, long o) {
        Wire.putU8(d, o, selectors.size());
        FlowFilterSelector.encodeAll(selectors, d, o + 8);
    }
}
