package dev.jvirtio.vmtests.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host-side: frame layout and the frame manifest. */
class TxFramesTest {
    static final byte[] SRC = {0x52, 0x54, 0, 0x56, 0x52, 1};

    @Test
    void frameLayout() {
        byte[] f = TxFrames.frame(TxFrames.BROADCAST, SRC, "HELLO", 60);
        assertEquals(60, f.length);
        assertArrayEquals(TxFrames.BROADCAST, Arrays.copyOfRange(f, 0, 6));
        assertArrayEquals(SRC, Arrays.copyOfRange(f, 6, 12));
        assertEquals(0x88, f[12] & 0xff);
        assertEquals(0xb5, f[13] & 0xff);
        assertEquals("HELLO", new String(f, 14, 5, StandardCharsets.US_ASCII));
        assertEquals(0, f[19]);
        assertEquals(40, f[59], "the fill counts up from the end of the text");
        assertEquals(1514, TxFrames.frame(TxFrames.BROADCAST, SRC, "x", 1514).length);
    }

    @Test
    void badFramesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> TxFrames.frame(TxFrames.BROADCAST, SRC, "x", 59));
        assertThrows(IllegalArgumentException.class, () -> TxFrames.frame(TxFrames.BROADCAST, SRC, "x", 1515));
        assertThrows(IllegalArgumentException.class, () -> TxFrames.frame(new byte[5], SRC, "x", 60));
        assertThrows(IllegalArgumentException.class, () -> TxFrames.frame(TxFrames.BROADCAST, SRC, "y".repeat(47), 60));
    }

    @Test
    void manifestRoundTripAndErrors(@TempDir Path ctl) throws IOException {
        byte[] a = TxFrames.frame(TxFrames.BROADCAST, SRC, "A", 60);
        byte[] b = TxFrames.frame(TxFrames.BROADCAST, SRC, "B", 1514);
        TxFrames.record(ctl, a);
        TxFrames.record(ctl, b);
        List<byte[]> back = TxFrames.parse(Files.readString(ctl.resolve(TxFrames.MANIFEST)));
        assertEquals(2, back.size());
        assertArrayEquals(a, back.get(0));
        assertArrayEquals(b, back.get(1));
        IllegalArgumentException hex = assertThrows(IllegalArgumentException.class, () -> TxFrames.parse("\nzz\n"));
        assertTrue(hex.getMessage().startsWith("frame manifest line 2"), hex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TxFrames.parse("00".repeat(59)), "too short");
    }
}
