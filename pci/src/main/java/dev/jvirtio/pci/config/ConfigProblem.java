package dev.jvirtio.pci.config;

/**
 * One thing wrong in a config space, found while parsing it; the parser records it and carries on where that
 * is safe (see {@link Kind#stopsWalk()}).
 *
 * @param kind    what is wrong
 * @param offset  config-space offset of the capability or pointer concerned
 * @param message a precise human-readable description, with offsets in hex
 */
public record ConfigProblem(Kind kind, int offset, String message) {

    /** Kinds of config-space problems. */
    public enum Kind {
        /** A capability pointer points into the header (below 0x40, or below 0x100 for extended ones). */
        POINTER_INTO_HEADER(true),
        /** A capability pointer points past the bytes supplied (a truncated config space). */
        POINTER_BEYOND_DATA(true),
        /** A capability list visits the same offset twice. */
        LOOP(true),
        /** A capability reads as all-ones (0xff id or 0xffffffff header): the device stopped answering. */
        ALL_ONES(true),
        /** A capability's body runs past the end of its config region or of the bytes supplied. */
        CAPABILITY_OVERRUNS(false),
        /** A capability's cap_len is too short for the structure its type defines. */
        CAP_LEN_TOO_SHORT(false),
        /** Reserved bits set (in a pointer, which the parser then masks as the PCI spec says). */
        RESERVED_BITS_SET(false),
        /** A value the virtio or PCI spec forbids, for example a notify_off_multiplier that is not a power of 2. */
        SPEC_VIOLATION(false),
        /** A 64-bit BAR in the last slot, with no register left for its upper half. */
        BAR_UPPER_HALF_MISSING(false);

        private final boolean stopsWalk;

        Kind(boolean stopsWalk) {
            this.stopsWalk = stopsWalk;
        }

        /** True when this problem ended the capability walk it was found in. */
        public boolean stopsWalk() {
            return stopsWalk;
        }
    }
}
