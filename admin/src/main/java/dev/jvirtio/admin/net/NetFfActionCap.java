package dev.jvirtio.admin.net;

import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * VIRTIO_NET_FF_ACTION_CAP (virtio-net capability id 0x0802), {@code struct virtio_net_ff_actions}:
 * {@code count} u8, 7 reserved bytes, then {@code count} action bytes.
 *
 * @param actions the supported actions, at most 255
 */
public record NetFfActionCap(List<FlowFilterAction> actions) implements Capability {
    /** The capability id (virtio-net). */
    public static final int ID = 0x0802;

    /** Decodes this capability. */
    public static final CapabilityKind<NetFfActionCap> KIND = new CapabilityKind<>() {
        @Override
        public int id() {
            return ID;
        }

        @Override
        public String name() {
            return "VIRTIO_NET_FF_ACTION_CAP";
        }

        @Override
        public int resultCapacity() {
            return 8 + 256;
        }

        @Override
        public NetFfActionCap decode(MemorySegment s, int length) {
            int count = Wire.u8(s, 0);
            if (count > 0 && length < 8 + count) {
                throw new AdminProtocolException("VIRTIO_NET_FF_ACTION_CAP lists " + count
                        + " actions but only " + length + " bytes were written");
            }
            List<FlowFilterAction> a = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                a.add(new FlowFilterAction(Wire.u8(s, 8 + i)));
            }
            return new NetFfActionCap(a);
        }
    };

    /** Copies the list and validates its size. */
    public NetFfActionCap {
        actions = List.copyOf(actions);
        if (actions.size() > 0xff) {
            throw new IllegalArgumentException("at most 255 actions, got " + actions.size());
        }
    }

    /** True when {@code action} is listed. */
    public boolean supports(FlowFilterAction action) {
        return actions.contains(action);
    }

    @Override
    public int id() {
        return ID;
    }

    @Override
    public int encodedLength() {
        return 8 + actions.size();
    }

    @Override
    public void encode(MemorySegment d, long o) {
        Wire.putU8(d, o, actions.size());
        for (int i = 0; i < actions.size(); i++) {
            Wire.putU8(d, o + 8 + i, actions.get(i).code());
        }
    }
}
