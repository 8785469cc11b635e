package dev.jvirtio.admin.net;

/**
 * A virtio-net flow filter rule action. Unknown values are representable.
 *
 * @param code the wire value, 0..255 (0 and 5..255 are reserved)
 */
public record FlowFilterAction(int code) {
    /** Drop the matching packet. */
    public static final FlowFilterAction DROP = new FlowFilterAction(1);
    /** Direct the matching packet to the rule's receive queue. */
    public static final FlowFilterAction DIRECT_RX_VQ = new FlowFilterAction(2);
    /** IPsec-process the matching packet. */
    public static final FlowFilterAction IPSEC = new FlowFilterAction(3);
    /** IPsec-process, then run the flow filter rules again. */
    public static final FlowFilterAction IPSEC_RECIRCULATE = new FlowFilterAction(4);

    /** Validates the range. */
    public FlowFilterAction {
        if (code < 0 || code > 0xff) {
            throw new IllegalArgumentException("action is a byte, got " + code);
        }
    }

    @Override
    public String toString() {
        return switch (code) {
            case 1 -> "DROP";
            case 2 -> "DIRECT_RX_VQ";
            case 3 -> "IPSEC";
            case 4 -> "IPSEC_RECIRCULATE";
            default -> "ACTION_" + code;
        };
    }
}
