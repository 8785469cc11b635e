package dev.jvirtio.admin.cap;

import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * How to decode the capability with a given id: the type token a DEVICE_CAP_GET is built from.
 *
 * <p>Device-type-specific capability ids are ambiguous (0x0800 is the flow-filter resource capability on a
 * network device and the IPsec resource capability on a crypto device), so the caller, who knows the device
 * type, picks the kind:
 * <pre>{@code
 * AdminCommands.deviceCapGet(DevicePartsCap.KIND);          // typed
 * AdminCommands.deviceCapGet(CapabilityKind.raw(0x0803));   // anything else, kept raw
 * }</pre>
 *
 * @param <C> the decoded capability type
 */
public interface CapabilityKind<C extends Capability> {
    /** The capability id. */
    int id();

    /** A name for messages, e.g. {@code VIRTIO_DEV_PARTS_CAP}. */
    String name();

    /** The result buffer size to post when getting this capability. */
    int resultCapacity();

    /**
     * Decodes {@code cap_specific_data}.
     *
     * @param src    the result buffer; bytes at or past {@code length} are zero
     * @param length how many bytes the device wrote
     * @throws dev.jvirtio.admin.AdminProtocolException if the bytes contradict the layout
     */
    C decode(MemorySegment src, int length);

    /** A kind that keeps the capability as raw bytes (up to {@code 4096} of them). */
    static CapabilityKind<RawCapability> raw(int id) {
        return raw(id, 4096);
    }

    /** A kind that keeps the capability as raw bytes, posting a result buffer of {@code capacity} bytes. */
    static CapabilityKind<RawCapability> raw(int id, int capacity) {
        RawCapability.checkId(id);
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        return new CapabilityKind<>() {
            @Override
            public int id() {
                return id;
            }

            @Override
            public String name() {
                return "capability " + Wire.hex16(id);
            }

            @Override
            public int resultCapacity() {
                return capacity;
            }

            @Override
            public RawCapability decode(MemorySegment src, int length) {
                return new RawCapability(id, Bytes.copyOf(src, 0, length));
            }
        };
    }
}
