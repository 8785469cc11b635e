package dev.jvirtio.admin.parts;

import java.util.Arrays;

/**
 * The {@code le64 feature_bits[]} value of the DEV_FEATURES and DRV_FEATURES parts: an immutable sequence of
 * 64-bit words, word 0 = feature bits 0..63. The word count is kept exactly (a device compares part lengths
 * on restore), so {@code [x]} and {@code [x, 0]} are different values.
 */
public final class FeatureBits {
    private final long[] words;

    private FeatureBits(long[] owned) {
        this.words = owned;
    }

    /** Features from words (copied). */
    public static FeatureBits of(long... words) {
        return new FeatureBits(words.clone());
    }

    /** The number of 64-bit words. */
    public int wordCount() {
        return words.length;
    }

    /** Word {@code i}. */
    public long word(int i) {
        return words[i];
    }

    /** A copy of the words. */
    public long[] words() {
        return words.clone();
    }

    /** True when feature bit {@code bit} is set. */
    public boolean has(int bit) {
        if (bit < 0) {
            throw new IllegalArgumentException("feature bit must be >= 0, got " + bit);
        }
        int w = bit >>> 6;
        return w < words.length && (words[w] & (1L << (bit & 63))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureBits f && Arrays.equals(words, f.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FeatureBits[");
        for (int i = 0; i < words.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append("0x").append(Long.toHexString(words[i]));
        }
        return sb.append(']').toString();
    }
}
