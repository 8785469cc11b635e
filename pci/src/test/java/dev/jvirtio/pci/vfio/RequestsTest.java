package dev.jvirtio.pci.vfio;

import dev.jvirtio.pci.PciAddress;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Byte-exact checks of the variable-size requests against the uapi layouts and flag values. */
class RequestsTest {
    // uapi/linux/vfio.h
    static final int DATA_NONE = 1, DATA_EVENTFD = 4, ACTION_TRIGGER = 32;
    static final int FEATURE_SET = 1 << 17, FEATURE_PROBE = 1 << 18, PCI_VF_TOKEN = 0;

    static int u32(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_INT, at);
    }

    @Test
    void irqSetWiresEveryVectorToItsEventfd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = Requests.irqSetEventfds(arena, 2, 1, new int[] {17, -1, 23});
            assertEquals(20 + 12, s.byteSize());
            assertEquals(32, u32(s, 0), "argsz covers header and data");
            assertEquals(DATA_EVENTFD | ACTION_TRIGGER, u32(s, 4));
            assertEquals(2, u32(s, 8), "index: MSI-X");
            assertEquals(1, u32(s, 12), "start");
            assertEquals(3, u32(s, 16), "count");
            assertEquals(17, u32(s, 20));
            assertEquals(-1, u32(s, 24), "-1 unwires a vector");
            assertEquals(23, u32(s, 28));
            assertThrows(IllegalArgumentException.class, () -> Requests.irqSetEventfds(arena, 2, 0, new int[0]));
            assertThrows(IllegalArgumentException.class, () -> Requests.irqSetEventfds(arena, -1, 0, new int[] {1}));
        }
    }

    @Test
    void irqDisableIsDataNoneTriggerWithCountZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = Requests.irqDisable(arena, 2);
            assertEquals(20, s.byteSize());
            assertEquals(20, u32(s, 0));
            assertEquals(DATA_NONE | ACTION_TRIGGER, u32(s, 4));
            assertEquals(2, u32(s, 8));
            assertEquals(0, u32(s, 12));
            assertEquals(0, u32(s, 16));
        }
    }

    @Test
    void vfTokenFeatureCarriesTheUuidBytesInTextOrder() {
        UUID token = UUID.fromString("2ab74924-c335-45f4-9b16-8569e5b08258");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = Requests.setVfToken(arena, token);
            assertEquals(8 + 16, s.byteSize());
            assertEquals(24, u32(s, 0));
            assertEquals(FEATURE_SET | PCI_VF_TOKEN, u32(s, 4));
            byte[] expected = {0x2a, (byte) 0xb7, 0x49, 0x24, (byte) 0xc3, 0x35, 0x45, (byte) 0xf4,
                    (byte) 0x9b, 0x16, (byte) 0x85, 0x69, (byte) 0xe5, (byte) 0xb0, (byte) 0x82, 0x58};
            assertArrayEquals(expected, s.asSlice(8).toArray(ValueLayout.JAVA_BYTE));

            MemorySegment probe = Requests.probeVfToken(arena);
            assertEquals(8, u32(probe, 0));
            assertEquals(FEATURE_PROBE | FEATURE_SET | PCI_VF_TOKEN, u32(probe, 4));
        }
    }

    @Test
    void vfTokenTextBytesAndDeviceName() {
        UUID token = UUID.fromString("2AB74924-C335-45F4-9B16-8569E5B08258");
        assertEquals("2ab74924-c335-45f4-9b16-8569e5b08258", VfToken.format(token), "lower case, 8-4-4-4-12");
        PciAddress vf = PciAddress.parse("0000:03:00.1");
        assertEquals("0000:03:00.1 vf_token=2ab74924-c335-45f4-9b16-8569e5b08258", VfToken.deviceName(vf, token));
        assertEquals("0000:03:00.1", VfToken.deviceName(vf, null));
        assertEquals(token, VfToken.fromBytes(VfToken.bytes(token)));
        assertEquals(0x2a, VfToken.bytes(token)[0]);
        assertEquals(0x58, VfToken.bytes(token)[15]);
        assertThrows(IllegalArgumentException.class, () -> VfToken.fromBytes(new byte[15]));
    }
}
