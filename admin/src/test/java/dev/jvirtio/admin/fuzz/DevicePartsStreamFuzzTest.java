package dev.jvirtio.admin.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.parts.DevFeaturesPart;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartsFormatException;
import dev.jvirtio.admin.parts.DevicePartsFormatException.Problem;
import dev.jvirtio.admin.parts.DevicePartsReader;
import dev.jvirtio.admin.parts.DevicePartsWriter;
import dev.jvirtio.admin.parts.DeviceStatusPart;
import dev.jvirtio.admin.parts.DeviceTypePart;
import dev.jvirtio.admin.parts.DrvFeaturesPart;
import dev.jvirtio.admin.parts.FeatureBits;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.parts.PciCommonCfgField;
import dev.jvirtio.admin.parts.PciCommonCfgPart;
import dev.jvirtio.admin.parts.UnknownPart;
import dev.jvirtio.admin.parts.VqCfgPart;
import dev.jvirtio.admin.parts.VqNotifyCfgPart;
import dev.jvirtio.pci.testing.FuzzStats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the device-parts stream parser ({@link DevicePartsReader}), the one piece of the
 * admin layer that reads variable-length, device- or file-supplied data of any size. The whole input is the
 * stream.
 *
 * <p>Contract: reading yields parts or a {@link DevicePartsFormatException}, nothing else. The stream is read
 * four ways and they must agree:
 * <ul>
 *   <li>without order checking ({@code readAll(.., false)}) and with it: the checked read returns the same
 *       parts, or fails with OUT_OF_ORDER / DUPLICATE exactly where {@link DevicePartsWriter#checkOrder} says
 *       the unchecked parts break the order, or fails at the same malformed part (or earlier, on order);</li>
 *   <li>through the cursor ({@code hasNext}/{@code next}/{@code position}), part by part, with positions
 *       advancing by each part's encoded length;</li>
 *   <li>parts read are written back ({@link DevicePartsWriter}) and read again unchanged, into no more bytes
 *       than they came from.</li>
 * </ul>
 */
@ExtendWith(FuzzStats.class)
class DevicePartsStreamFuzzTest {

    static Stream<byte[]> read() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(encode(List.of(
                DevFeaturesPart.of(FeatureBits.of(0x1L, 1L << 41)),
                DrvFeaturesPart.of(FeatureBits.of(0x1L, 0)),
                PciCommonCfgPart.of(PciCommonCfgField.DEVICE_STATUS, 0x0f),
                PciCommonCfgPart.of(PciCommonCfgField.QUEUE_DESC, 0x1000_0000L),
                new PciCommonCfgPart(80, 4, 7, true),
                DeviceStatusPart.of(0x0f),
                new VqCfgPart(0, 256, 1, 1, 0x1000, 0x2000, 0x3000, false),
                new VqCfgPart(1, 256, 2, 1, 0x4000, 0x5000, 0x6000, false),
                new VqNotifyCfgPart(0, 0, 0, false),
                DeviceTypePart.netCvq(1, 0, Bytes.of((byte) 1)),
                new UnknownPart(new PartType(0x7000), 1, 42, Bytes.of((byte) 1, (byte) 2, (byte) 3)))));
        seeds.add(encode(List.of(DeviceStatusPart.of(1), DrvFeaturesPart.of(FeatureBits.of(1))))); // out of order
        seeds.add(encode(List.of(new VqCfgPart(3, 8, 0, 0, 0, 0, 0, true), new VqCfgPart(3, 8, 0, 0, 0, 0, 0, true))));
        byte[] padded = encode(List.of(DeviceStatusPart.of(7)));
        seeds.add(java.util.Arrays.copyOf(padded, padded.length + 7));                            // device padding
        return seeds.stream();
    }

    @MethodSource
    @FuzzTest(maxDuration = "10m")
    void read(byte[] input) {
        FuzzStats.count();
        MemorySegment seg = MemorySegment.ofArray(input); // exactly the stream: reading past it throws

        List<DevicePart> loose = null;
        DevicePartsFormatException looseError = null;
        try {
            loose = DevicePartsReader.readAll(seg, 0, input.length, false);
        } catch (DevicePartsFormatException e) {
            looseError = e;
            assertTrue(e.problem() != Problem.OUT_OF_ORDER && e.problem() != Problem.DUPLICATE
                    && e.problem() != Problem.NO_ROOM, "unchecked read reported " + e.problem());
            checkError(e, input.length);
        }

        List<DevicePart> strict = null;
        DevicePartsFormatException strictError = null;
        try {
            strict = DevicePartsReader.readAll(seg, 0, input.length, true);
        } catch (DevicePartsFormatException e) {
            strictError = e;
            checkError(e, input.length);
        }

        if (loose != null) {
            DevicePartsFormatException orderError = null;
            try {
                DevicePartsWriter.checkOrder(loose);
            } catch (DevicePartsFormatException e) {
                orderError = e;
            }
            if (strictError == null) {
                assertEquals(loose, strict, "order checking changed the parts");
                assertEquals(null, orderError, "reader accepted an order the writer rejects");
            } else {
                assertNotNull(orderError, "reader rejected an order the writer accepts: " + strictError);
                assertEquals(orderError.problem(), strictError.problem());
                assertEquals(orderError.partIndex(), strictError.partIndex());
                assertEquals(orderError.offset(), strictError.offset());
            }
            checkCursor(seg, input.length, loose);
            checkRoundTrip(loose, input.length, strictError == null);
        } else {
            assertNotNull(strictError, "order checking made a malformed stream readable");
            boolean same = strictError.problem() == looseError.problem()
                    && strictError.partIndex() == looseError.partIndex()
                    && strictError.offset() == looseError.offset();
            boolean earlierOrder = (strictError.problem() == Problem.OUT_OF_ORDER
                    || strictError.problem() == Problem.DUPLICATE) && strictError.partIndex() < looseError.partIndex();
            assertTrue(same || earlierOrder, "checked read failed differently: " + strictError + " vs " + looseError);
        }
    }

    private static void checkError(DevicePartsFormatException e, int length) {
        assertTrue(e.partIndex() >= 0 && e.offset() >= 0 && e.offset() < Math.max(length, 1),
                "error outside the stream: " + e.getMessage());
        assertNotNull(e.getMessage());
    }

    /** Reads the stream again through the cursor and checks it walks the same parts at the right positions. */
    private static void checkCursor(MemorySegment seg, int length, List<DevicePart> expected) {
        DevicePartsReader r = DevicePartsReader.of(seg, 0, length);
        long pos = 0;
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(r.hasNext());
            assertEquals(pos, r.position());
            assertEquals(i, r.partsRead());
            DevicePart p = r.next();
            assertEquals(expected.get(i), p);
            pos += p.encodedLength();
        }
        assertFalse(r.hasNext());
        assertEquals(pos, r.position());
        assertTrue(length - pos < 8, "more than padding left after the last part");
        assertThrows(NoSuchElementException.class, r::next);
    }

    /** Writes the parts back and reads them again: nothing is lost or invented, and nothing grows. */
    private static void checkRoundTrip(List<DevicePart> parts, int length, boolean ordered) {
        long n = DevicePartsWriter.encodedLength(parts);
        assertTrue(n <= length, "re-encoding is longer than the input");
        MemorySegment out = MemorySegment.ofArray(new byte[(int) n]);
        long written;
        try {
            written = DevicePartsWriter.writeAll(parts, out, 0, ordered);
        } catch (DevicePartsFormatException e) {
            fail("writer rejected parts the reader produced", e);
            return;
        }
        assertEquals(n, written);
        assertEquals(parts, DevicePartsReader.readAll(out, 0, n, ordered));
        for (DevicePart p : parts) {
            assertNotNull(p.toString());
            assertEquals(p.type(), p.header().type());
            assertEquals(p.valueLength(), p.header().length());
        }
    }

    private static byte[] encode(List<DevicePart> parts) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) DevicePartsWriter.encodedLength(parts)]);
        DevicePartsWriter.writeAll(parts, s, 0, false);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
