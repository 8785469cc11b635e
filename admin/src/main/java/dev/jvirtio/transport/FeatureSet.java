package dev.jvirtio.transport;

import java.util.StringJoiner;

/**
 * An immutable set of virtio feature bits 0..127 (four 32-bit feature-select windows).
 *
 * @param low  bits 0..63
 * @param high bits 64..127
 */
public record FeatureSet(long low, long high) {

    /** Highest feature bit this set can hold, plus one. */
    public static final int CAPACITY = 128;

    /** The empty set. */
    public static final FeatureSet EMPTY = new FeatureSet(0, 0);

    /** A set holding exactly {@code features}. */
    public static FeatureSet of(VirtioFeature... features) {
        FeatureSet s = EMPTY;
        for (VirtioFeature f : features) {
            s = s.with(f.bit());
        }
        return s;
    }

    /** A set holding bits 0..63 from {@code bits}. */
    public static FeatureSet ofBits(long bits) {
        return new FeatureSet(bits, 0);
    }

    private static void checkBit(int bit) {
        if (bit < 0 || bit >= CAPACITY) {
            throw new IllegalArgumentException("feature bit " + bit + " outside 0.." + (CAPACITY - 1));
        }
    }

    /** Whether bit {@code bit} is set. */
    public boolean contains(int bit) {
        checkBit(bit);
        return bit < 64 ? (low >>> bit & 1) != 0 : (high >>> (bit - 64) & 1) != 0;
    }

    /** Whether {@code feature} is set. */
    public boolean contains(VirtioFeature feature) {
        return contains(feature.bit());
    }

    /** This set plus bit {@code bit}. */
    public FeatureSet with(int bit) {
        checkBit(bit);
        return bit < 64 ? new FeatureSet(low | 1L << bit, high) : new FeatureSet(low, high | 1L << (bit - 64));
    }

    /** This set plus {@code feature}. */
    public FeatureSet with(VirtioFeature feature) {
        return with(feature.bit());
    }

    /** This set without bit {@code bit}. */
    public FeatureSet without(int bit) {
        checkBit(bit);
        return bit < 64 ? new FeatureSet(low & ~(1L << bit), high) : new FeatureSet(low, high & ~(1L << (bit - 64)));
    }

    /** The bits present in both sets. */
    public FeatureSet intersect(FeatureSet other) {
        return new FeatureSet(low & other.low, high & other.high);
    }

    /** The bits of this set missing from {@code other}. */
    public FeatureSet minus(FeatureSet other) {
        return new FeatureSet(low & ~other.low, high & ~other.high);
    }

    /** Whether no bit is set. */
    public boolean isEmpty() {
        return low == 0 && high == 0;
    }

    /** The 32-bit window {@code select} (0: bits 0-31, 1: 32-63, 2: 64-95, 3: 96-127). */
    public int window(int select) {
        return switch (select) {
            case 0 -> (int) low;
            case 1 -> (int) (low >>> 32);
            case 2 -> (int) high;
            case 3 -> (int) (high >>> 32);
            default -> 0;
        };
    }

    /** This set with window {@code select} replaced by {@code bits}; windows past 3 are ignored. */
    public FeatureSet withWindow(int select, int bits) {
        long b = Integer.toUnsignedLong(bits);
        return switch (select) {
            case 0 -> new FeatureSet((low & 0xFFFF_FFFF_0000_0000L) | b, high);
            case 1 -> new FeatureSet((low & 0xFFFF_FFFFL) | b << 32, high);
            case 2 -> new FeatureSet(low, (high & 0xFFFF_FFFF_0000_0000L) | b);
            case 3 -> new FeatureSet(low, (high & 0xFFFF_FFFFL) | b << 32);
            default -> this;
        };
    }

    /** Names of the known bits and numbers of the others, e.g. {@code [VERSION_1, ADMIN_VQ, 5]}. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int bit = 0; bit < CAPACITY; bit++) {
            if (contains(bit)) {
                VirtioFeature f = VirtioFeature.ofBit(bit);
                j.add(f != null ? f.name() : Integer.toString(bit));
            }
        }
        return j.toString();
    }
}
