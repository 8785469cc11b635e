package dev.jvirtio.transport;

/**
 * Feature negotiation failed: the device refused the driver's feature set (FEATURES_OK did not stick),
 * or it lacks a feature the driver requires (VERSION_1, or one named in the request as required).
 */
public final class FeatureNegotiationException extends TransportException {
    private static final long serialVersionUID = 1L;

    private final FeatureSet offered;
    private final FeatureSet requested;

    /** With the device's offer and what the driver asked for. */
    public FeatureNegotiationException(String message, FeatureSet offered, FeatureSet requested) {
        super(message + " (device offers " + offered + ", driver asked for " + requested + ")");
        this.offered = offered;
        this.requested = requested;
    }

    /** What the device offered. */
    public FeatureSet offered() {
        return offered;
    }

    /** What the driver asked for. */
    public FeatureSet requested() {
        return requested;
    }
}
