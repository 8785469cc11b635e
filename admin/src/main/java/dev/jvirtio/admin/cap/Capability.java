package dev.jvirtio.admin.cap;

import java.lang.foreign.MemorySegment;

/**
 * A device or driver capability ({@code cap_specific_data} of DEVICE_CAP_GET / DRIVER_CAP_SET), identified by
 * its capability id. Generic ids are 0x0000-0x07ff, device-type-specific ones 0x0800-0x0fff (the same id means
 * different capabilities on different device types), the rest is reserved.
 *
 * <p>Implemented by the typed capabilities of this library and by {@link RawCapability}; implement it (with a
 * matching {@link CapabilityKind}) for capabilities this library does not know yet.
 */
public interface Capability {
    /** The capability id. */
    int id();

    /** Length of the encoded {@code cap_specific_data}. */
    int encodedLength();

    /** Writes {@link #encodedLength()} bytes at {@code offset}; the range is pre-zeroed. */
    void encode(MemorySegment dst, long offset);
}
