package dev.jvirtio.ffm;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ErrnoAndExceptionTest {
    private static final Set<String> ALIASES = Set.of("EWOULDBLOCK", "EDEADLOCK", "ENOTSUP");

    @Test
    void everyConstantNamesItselfExceptAliases() throws IllegalAccessException {
        Map<Integer, String> seen = new HashMap<>();
        for (Field f : Errno.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) {
                continue;
            }
            int value = f.getInt(null);
            if (ALIASES.contains(f.getName())) {
                assertNotEquals(f.getName(), Errno.name(value), "aliases answer with the primary name");
                continue;
            }
            assertEquals(f.getName(), Errno.name(value));
            String clash = seen.put(value, f.getName());
            assertNull(clash, () -> f.getName() + " and " + clash + " share value " + value);
        }
        assertEquals("EAGAIN", Errno.name(Errno.EWOULDBLOCK));
        assertEquals("EOPNOTSUPP", Errno.name(Errno.ENOTSUP));
    }

    @Test
    void unknownValuesGetANumericName() {
        assertEquals("errno 9999", Errno.name(9999));
        assertEquals("errno -3", Errno.name(-3));
        assertFalse(Errno.describe(9999).isBlank());
    }

    @Test
    void descriptionsComeFromTheCLibrary() {
        String busy = Errno.describe(Errno.EBUSY);
        assumeTrue(!busy.startsWith("errno "), "C library without strerrordesc_np");
        assertEquals("Device or resource busy", busy);
        assertEquals("No such file or directory", Errno.describe(Errno.ENOENT));
        assertEquals("Inappropriate ioctl for device", Errno.describe(Errno.ENOTTY));
        assertEquals("Unknown error 9999", Errno.describe(9999));
    }

    @Test
    void messageIsOneLineWithOperationErrnoAndContext() {
        NativeIoException e = new NativeIoException("ioctl", "VFIO_GROUP_GET_STATUS", Errno.EBUSY, "/dev/vfio/7");
        assertEquals("ioctl(VFIO_GROUP_GET_STATUS) on /dev/vfio/7 failed: EBUSY (" + Errno.describe(Errno.EBUSY) + ")",
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals("ioctl", e.operation());
        assertEquals("VFIO_GROUP_GET_STATUS", e.detail());
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals("EBUSY", e.errnoName());
        assertEquals("/dev/vfio/7", e.context());
        assertInstanceOf(java.io.IOException.class, e);

        NativeIoException bare = new NativeIoException("eventfd", Errno.EMFILE, null);
        assertTrue(bare.getMessage().startsWith("eventfd failed: EMFILE ("), bare.getMessage());
        assertNull(bare.context());
        assertThrows(NullPointerException.class, () -> new NativeIoException(null, Errno.EIO, "x"));
    }
}
