package dev.jvirtio.admin;

import dev.jvirtio.admin.internal.Bitmap;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An immutable set of admin opcodes in the spec's {@code struct virtio_admin_cmd_list} form: an array of
 * little-endian 64-bit words where bit {@code n % 64} of word {@code n / 64} stands for opcode {@code n}.
 *
 * <p>Used as the LIST_QUERY result and the LIST_USE data. Decoding accepts any length, including trailing
 * all-zero words and a truncated last word; equal sets are equal regardless of how many zero words they
 * arrived with. Members are wire values (see {@link OpcodeNumbering} for the two ambiguous ones).
 *
 * <pre>{@code
 * OpcodeSet supported = ...;                          // LIST_QUERY result
 * OpcodeSet wanted = OpcodeSet.of(AdminOpcode.LIST_QUERY, AdminOpcode.LIST_USE, AdminOpcode.DEV_MODE_SET);
 * OpcodeSet use = supported.mask(wanted);             // never ask for what the device did not offer
 * }</pre>
 */
public final class OpcodeSet {
    private static final OpcodeSet EMPTY = new OpcodeSet(Bitmap.empty());

    private final long[] words;

    private OpcodeSet(long[] trimmedWords) {
        this.words = trimmedWords;
    }

    /** The empty set. */
    public static OpcodeSet empty() {
        return EMPTY;
    }

    /** A set of wire opcode values. */
    public static OpcodeSet ofCodes(int... codes) {
        long[] w = Bitmap.empty();
        for (int c : codes) {
            Bitmap.checkId(c, "opcode");
            w = Bitmap.with(w, c);
        }
        return new OpcodeSet(Bitmap.trim(w));
    }

    /** A set of opcodes numbered per {@link OpcodeNumbering#DEFAULT}. */
    public static OpcodeSet of(AdminOpcode... opcodes) {
        return of(OpcodeNumbering.DEFAULT, opcodes);
    }

    /** A set of opcodes numbered per {@code numbering}. */
    public static OpcodeSet of(OpcodeNumbering numbering, AdminOpcode... opcodes) {
        int[] codes = new int[opcodes.length];
        for (int i = 0; i < opcodes.length; i++) {
            codes[i] = numbering.wireCode(opcodes[i]);
        }
        return ofCodes(codes);
    }

    /** A set from raw little-endian-order words (word 0 = opcodes 0..63); trailing zero words are allowed. */
    public static OpcodeSet fromWords(long... words) {
        if (words.length > Bitmap.MAX_WORDS) {
            for (int i = Bitmap.MAX_WORDS; i < words.length; i++) {
                if (words[i] != 0) {
                    throw new IllegalArgumentException("word " + i + " is beyond the 16-bit opcode space");
                }
            }
            words = Arrays.copyOf(words, Bitmap.MAX_WORDS);
        }
        return new OpcodeSet(Bitmap.trim(words.clone()));
    }

    /**
     * Decodes {@code length} bytes at {@code offset}. A partial last word reads its missing bytes as zero.
     *
     * @throws AdminProtocolException if a bit beyond opcode 0xffff is set
     */
    public static OpcodeSet decode(MemorySegment src, long offset, long length) {
        return new OpcodeSet(Bitmap.decode(src, offset, length, word -> new AdminProtocolException(
                "opcode bitmap word " + word + " has bits set beyond the 16-bit opcode space")));
    }

    /** True when opcode (wire value) {@code code} is in the set. */
    public boolean contains(int code) {
        return Bitmap.contains(words, code);
    }

    /** True when {@code op}, numbered per {@code numbering}, is in the set. */
    public boolean contains(AdminOpcode op, OpcodeNumbering numbering) {
        return contains(numbering.wireCode(op));
    }

    /** True when {@code op}, numbered per {@link OpcodeNumbering#DEFAULT}, is in the set. */
    public boolean contains(AdminOpcode op) {
        return contains(op, OpcodeNumbering.DEFAULT);
    }

    /** True when every member of {@code other} is in this set. */
    public boolean containsAll(OpcodeSet other) {
        return Arrays.equals(Bitmap.and(words, other.words), other.words);
    }

    /** This set plus opcode {@code code}. */
    public OpcodeSet with(int code) {
        Bitmap.checkId(code, "opcode");
        return contains(code) ? this : new OpcodeSet(Bitmap.with(words, code));
    }

    /** This set plus {@code op} (default numbering). */
    public OpcodeSet with(AdminOpcode op) {
        return with(OpcodeNumbering.DEFAULT.wireCode(op));
    }

    /** This set without opcode {@code code}. */
    public OpcodeSet without(int code) {
        Bitmap.checkId(code, "opcode");
        return contains(code) ? new OpcodeSet(Bitmap.without(words, code)) : this;
    }

    /** The intersection: the members of this set that are also in {@code allowed}. */
    public OpcodeSet mask(OpcodeSet allowed) {
        return new OpcodeSet(Bitmap.and(words, allowed.words));
    }

    /** The union. */
    public OpcodeSet union(OpcodeSet other) {
        return new OpcodeSet(Bitmap.or(words, other.words));
    }

    /** True when no opcode is set. */
    public boolean isEmpty() {
        return words.length == 0;
    }

    /** The number of opcodes in the set. */
    public int size() {
        return Bitmap.count(words);
    }

    /** The members in ascending order. */
    public int[] codes() {
        return Bitmap.ids(words);
    }

    /** The words without trailing zero words (a copy). */
    public long[] words() {
        return words.clone();
    }

    /** Bytes {@link #encode} writes: 8 per word, no trailing zero words (0 for the empty set). */
    public int encodedLength() {
        return words.length * 8;
    }

    /** Writes the words little-endian at {@code offset}; returns {@link #encodedLength()}. */
    public int encode(MemorySegment dst, long offset) {
        return Bitmap.encode(words, dst, offset);
    }

    /** Lists the members by name per {@code numbering}, e.g. {@code [LIST_QUERY, LIST_USE, OPCODE_0x0013]}. */
    public String describe(OpcodeNumbering numbering) {
        return Bitmap.describe(words, c -> numbering.opcode(c).name());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpcodeSet s && Arrays.equals(words, s.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    /** Lists the members by name per {@link OpcodeNumbering#DEFAULT}. */
    @Override
    public String toString() {
        return describe(OpcodeNumbering.DEFAULT);
    }
}
