package dev.jvirtio.admin.net;

/**
 * A virtio-net flow filter selector type: which packet header a selector's mask (and a rule's key) covers.
 * Unknown values are representable so device reports survive.
 *
 * @param code the wire value, 0..255 (0 and 7..255 are reserved)
 */
public record FlowFilterSelectorType(int code) {
    /** 14 bytes of Ethernet header from the destination address. */
    public static final FlowFilterSelectorType ETH = new FlowFilterSelectorType(1);
    /** 20 bytes of IPv4 header (no options). */
    public static final FlowFilterSelectorType IPV4 = new FlowFilterSelectorType(2);
    /** 40 bytes of IPv6 header. */
    public static final FlowFilterSelectorType IPV6 = new FlowFilterSelectorType(3);
    /** 20 bytes of TCP header. */
    public static final FlowFilterSelectorType TCP = new FlowFilterSelectorType(4);
    /** 8 bytes of UDP header. */
    public static final FlowFilterSelectorType UDP = new FlowFilterSelectorType(5);
    /** 8 bytes of ESP header. */
    public static final FlowFilterSelectorType ESP = new FlowFilterSelectorType(6);

    /** Validates the range. */
    public FlowFilterSelectorType {
        if (code < 0 || code > 0xff) {
            throw new IllegalArgumentException("selector type is a byte, got " + code);
        }
    }

    /** The header length the spec gives this type, or -1 when unknown. */
    public int headerLength() {
        return switch (code) {
            case 1 -> 14;
            case 2, 4 -> 20;
            case 3 -> 40;
            case 5, 6 -> 8;
            default -> -1;
        };
    }

    @Override
    public String toString() {
        return switch (code) {
            case 1 -> "ETH";
            case 2 -> "IPV4";
            case 3 -> "IPV6";
            case 4 -> "TCP";
            case 5 -> "UDP";
            case 6 -> "ESP";
            default -> "SELECTOR_TYPE_" + code;
        };
    }
}
