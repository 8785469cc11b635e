package dev.jvirtio.ffm;

import dev.jvirtio.ffm.gen.Kabi;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IoctlTest {
    /** Replay a run with -Djvirtio.test.seed=N. */
    private static final long SEED = Long.getLong("jvirtio.test.seed", System.nanoTime());

    @Test
    void encodeDecodeRoundTripsOnRandomFields() {
        System.out.println("IoctlTest seed: " + SEED + " (replay with -Djvirtio.test.seed=" + SEED + ")");
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < 10_000; i++) {
            int dir = rnd.nextInt(4);
            int type = rnd.nextInt(256);
            int nr = rnd.nextInt(256);
            int size = rnd.nextInt(1 << 14);
            long req = Ioctl.ioc(dir, type, nr, size);
            String where = "seed " + SEED + " iteration " + i;
            assertTrue(req >= 0 && req <= 0xFFFF_FFFFL, where);
            assertEquals(dir, Ioctl.dir(req), where);
            assertEquals(type, Ioctl.type(req), where);
            assertEquals(nr, Ioctl.nr(req), where);
            assertEquals(size, Ioctl.size(req), where);
        }
    }

    @Test
    void directionHelpersSetTheDirectionField() {
        assertEquals(Ioctl.DIR_NONE, Ioctl.dir(Ioctl.io(';', 1)));
        assertEquals(Ioctl.DIR_READ, Ioctl.dir(Ioctl.ior(';', 1, 8)));
        assertEquals(Ioctl.DIR_WRITE, Ioctl.dir(Ioctl.iow(';', 1, 8)));
        assertEquals(Ioctl.DIR_READ | Ioctl.DIR_WRITE, Ioctl.dir(Ioctl.iowr(';', 1, 8)));
        assertEquals(8, Ioctl.size(Ioctl.iowr(';', 1, 8)));
        assertEquals(0, Ioctl.size(Ioctl.io(';', 1)));
    }

    @Test
    void fieldsOutOfRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Ioctl.ioc(4, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.ioc(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.io(256, 0));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.io(0, 256));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.io(0, -1));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.ior(0, 0, 1 << 14));
        assertThrows(IllegalArgumentException.class, () -> Ioctl.iow(0, 0, -1));
    }

    @Test
    void vfioAndIommufdRequestsAreSizelessAndDistinct() throws IllegalAccessException {
        Map<Long, String> seen = new HashMap<>();
        int count = 0;
        for (Field f : Ioctl.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != long.class) {
                continue;
            }
            long req = f.getLong(null);
            count++;
            assertEquals(Ioctl.DIR_NONE, Ioctl.dir(req), f.getName());
            assertEquals(0, Ioctl.size(req), f.getName());
            int expectedType = f.getName().startsWith("VFIO_") ? Kabi.KABI_VFIO_TYPE() : Kabi.KABI_IOMMUFD_TYPE();
            assertEquals(expectedType, Ioctl.type(req), f.getName());
            if (f.getName().startsWith("VFIO_")) {
                assertTrue(Ioctl.nr(req) >= Kabi.KABI_VFIO_BASE(), f.getName());
            }
            String clash = seen.put(req, f.getName());
            assertNull(clash, () -> f.getName() + " has the same number as " + clash);
        }
        assertTrue(count >= 25, "expected all VFIO and iommufd requests, found " + count);
    }
}
