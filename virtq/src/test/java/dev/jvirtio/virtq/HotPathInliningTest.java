package dev.jvirtio.virtq;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.virtq.device.PackedDeviceQueue;
import dev.jvirtio.virtq.device.SplitDeviceQueue;
import dev.jvirtio.virtq.packed.PackedVirtqueue;
import dev.jvirtio.virtq.split.SplitVirtqueue;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ring engines' hot methods stay small enough for the JIT to inline them into a caller's loop. HotSpot's
 * C2 refuses to inline a hot method whose bytecode is longer than {@code FreqInlineSize} (325 bytes on
 * x86-64): such a method is called instead, and on the unbatched P1 cycle that cost up to 2 ns per call
 * (benchmarks/RESULTS.md). Growing one of these methods past the limit is easy to do by accident (a check
 * here, an offset there); this test makes it fail the build instead of a benchmark run.
 */
class HotPathInliningTest {
    /** C2's default {@code -XX:FreqInlineSize} on x86-64 and AArch64. */
    private static final int FREQ_INLINE_SIZE = 325;

    private static final Map<Class<?>, List<String>> HOT = Map.of(
            SplitVirtqueue.class, List.of("begin", "commitChain", "publish", "poll", "hasUsed"),
            PackedVirtqueue.class, List.of("begin", "commitChain", "publish", "poll", "hasUsed"),
            SplitDeviceQueue.class, List.of("pop", "push", "publishUsed", "hasAvailable"),
            PackedDeviceQueue.class, List.of("pop", "push", "publishUsed", "hasAvailable"));

    @Test
    void everyHotRingMethodIsSmallEnoughToInline() throws IOException {
        List<String> tooBig = new ArrayList<>();
        for (Map.Entry<Class<?>, List<String>> e : HOT.entrySet()) {
            Map<String, Integer> sizes = codeLengths(e.getKey());
            for (String method : e.getValue()) {
                Integer size = sizes.get(method);
                assertTrue(size != null, e.getKey().getSimpleName() + "." + method + " not found in the class file");
                if (size > FREQ_INLINE_SIZE) {
                    tooBig.add(e.getKey().getSimpleName() + "." + method + ": " + size + " bytes");
                }
            }
        }
        assertTrue(tooBig.isEmpty(), "over the " + FREQ_INLINE_SIZE + "-byte hot inlining limit: " + tooBig);
    }

    @Test
    void theClassFileReaderSeesRealSizes() throws IOException {
        Map<String, Integer> sizes = codeLengths(SplitVirtqueue.class);
        // poll() is the largest of SplitVirtqueue's hot methods; begin() a two-call delegate.
        assertTrue(sizes.get("poll") > 100, "poll: " + sizes.get("poll"));
        assertTrue(sizes.get("begin") < 20, "begin: " + sizes.get("begin"));
        assertFalse(sizes.containsKey("noSuchMethod"));
    }

    /** Method name -> bytecode length (the largest overload), read from the class file (JVMS 4). */
    static Map<String, Integer> codeLengths(Class<?> c) throws IOException {
        String resource = c.getSimpleName() + ".class";
        try (InputStream raw = c.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IOException("class file of " + c.getName() + " not found");
            }
            DataInputStream in = new DataInputStream(raw);
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException(resource + " is not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // eight-byte constants take two entries
                    }
                    case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IOException("constant pool tag " + tag + " in " + resource);
                }
            }
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            in.readUnsignedShort(); // super class
            int interfaces = in.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) {
                in.readUnsignedShort();
            }
            int fields = in.readUnsignedShort();
            for (int i = 0; i < fields; i++) {
                in.readUnsignedShort();
                in.readUnsignedShort();
                in.readUnsignedShort();
                skipAttributes(in);
            }
            Map<String, Integer> sizes = new HashMap<>();
            int methods = in.readUnsignedShort();
            for (int i = 0; i < methods; i++) {
                in.readUnsignedShort();
                String name = utf8[in.readUnsignedShort()];
                in.readUnsignedShort();
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attr = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if ("Code".equals(attr)) {
                        in.readUnsignedShort(); // max stack
                        in.readUnsignedShort(); // max locals
                        int codeLength = in.readInt();
                        sizes.merge(name, codeLength, Math::max);
                        in.skipNBytes(length - 8);
                    } else {
                        in.skipNBytes(length);
                    }
                }
            }
            return sizes;
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.readUnsignedShort();
            in.skipNBytes(in.readInt());
        }
    }
}
