package dev.jvirtio.pci.vfio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the capability chain that follows some VFIO INFO replies (region info, IOMMU info, device info).
 *
 * <p>Each capability starts with {@code {u16 id, u16 version, u32 next}}; {@code next} and the reply's
 * {@code cap_offset} are byte offsets from the start of the reply buffer, 0 ends the chain. The kernel
 * appends capabilities in buffer order, so every {@code next} must be larger than the offset it is read
 * from: requiring that makes the walk terminate on any input. A chain that points into the fixed part of
 * the reply, runs off the buffer or goes backwards is a {@link VfioException.Kind#BAD_KERNEL_REPLY}.
 *
 * <p>VFIO structs are in host byte order; reads are unaligned so the walker also works on heap buffers.
 */
final class CapabilityChain {
    private CapabilityChain() {
    }

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Size of the common header {@code kabi_vfio_info_cap_header}. */
    static final int HEADER_SIZE = 8;

    /**
     * One capability: where it starts in the reply and what its header says.
     *
     * @param offset  byte offset of the header in the reply buffer
     * @param id      capability id (its meaning depends on which INFO request was made)
     * @param version layout version
     */
    record Cap(long offset, int id, int version) {
    }

    /**
     * Lists the chain starting at {@code first}.
     *
     * @param reply     the whole reply buffer as returned by the kernel
     * @param fixedSize size of the fixed struct before any capability (capabilities may not start inside it)
     * @param first     the reply's {@code cap_offset}; 0 means no chain
     * @param what      what the reply describes, for messages
     */
    static List<Cap> walk(MemorySegment reply, long fixedSize, long first, String what) throws VfioException {
        List<Cap> caps = new ArrayList<>();
        long off = first;
        long previous = -1;
        while (off != 0) {
            if (off < fixedSize || off <= previous || off > reply.byteSize() - HEADER_SIZE) {
                throw bad(what, "capability at offset " + off + " lies outside the " + reply.byteSize()
                        + "-byte reply (fixed part " + fixedSize + " bytes"
                        + (previous >= 0 ? ", previous capability at " + previous : "") + ")");
            }
            int id = Short.toUnsignedInt(reply.get(U16, off));
            int version = Short.toUnsignedInt(reply.get(U16, off + 2));
            caps.add(new Cap(off, id, version));
            previous = off;
            off = Integer.toUnsignedLong(reply.get(U32, off + 4));
        }
        return caps;
    }

    /** Checks that {@code length} bytes of a capability at {@code cap.offset} fit in the reply. */
    static void requireBody(MemorySegment reply, Cap cap, long length, String what) throws VfioException {
        if (length < 0 || cap.offset() > reply.byteSize() - length) {
            throw bad(what, "capability " + cap.id() + " at offset " + cap.offset() + " needs " + length
                    + " bytes but the reply has only " + (reply.byteSize() - cap.offset()) + " left");
        }
    }

    static VfioException bad(String what, String detail) {
        return new VfioException(VfioException.Kind.BAD_KERNEL_REPLY, null, what + ": " + detail);
    }
}
