package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_DEV_PART_DEV_FEATURES (0x100): the features the device offers. On restore the device only verifies
 * them, so the spec marks this part OPTIONAL; {@link #of(FeatureBits)} does so.
 *
 * @param features the feature words
 * @param optional whether the OPTIONAL flag is set
 */
public record DevFeaturesPart(FeatureBits features, boolean optional) implements DevicePart {
    /** Validates the arguments. */
    public DevFeaturesPart {
        if (features == null) {
            throw new NullPointerException("features");
        }
        if (features.wordCount() > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("too many feature words");
        }
    }

    /** The part as the spec prescribes it: OPTIONAL flag set. */
    public static DevFeaturesPart of(FeatureBits features) {
        return new DevFeaturesPart(features, true);
    }

    @Override
    public PartType type() {
        return PartType.DEV_FEATURES;
    }

    @Override
    public int flags() {
        return optional ? DevicePartHeader.F_OPTIONAL : 0;
    }

    @Override
    public long selector() {
        return 0;
    }

    @Override
    public int valueLength() {
        return features.wordCount() * 8;
    }

    @Override
    public void encodeValue(MemorySegment dst, long offset) {
        for (int i = 0; i < features.wordCount(); i++) {
            Wire.putU64(dst, offset + 8L * i, features.word(i));
        }
    }
}
