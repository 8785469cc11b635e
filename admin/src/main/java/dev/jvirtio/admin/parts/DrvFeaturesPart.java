package dev.jvirtio.admin.parts;

import dev.jvirtio.admin.internal.Wire;
import java.lang.foreign.MemorySegment;

/**
 * VIRTIO_DEV_PART_DRV_FEATURES (0x101): the features the driver accepted.
 * {@link #of(FeatureBits)} leaves the OPTIONAL flag clear.
 *
 * @param features the feature words
 * @param optional whether the OPTIONAL flag is set
 */
public record DrvFeaturesPart(FeatureBits features, boolean optional) implements DevicePart {
    /** Validates the arguments. */
    public DrvFeaturesPart {
        if (features == null) {
            throw new NullPointerException("features");
        }
        if (features.wordCount() > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("too many feature words");
        }
    }

    /** The part without the OPTIONAL flag. */
    public static DrvFeaturesPart of(FeatureBits features) {
        return new DrvFeaturesPart(features, false);
    }

    @Override
    public PartType type() {
        return PartType.DRV_FEATURES;
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
