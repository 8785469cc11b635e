package dev.jvirtio.pci;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VirtioIdentityTest {

    @Test
    void modernDeviceIdsAreOffsetBy0x1040() {
        assertEquals(Optional.of(new VirtioIdentity(2, VirtioDeviceType.BLOCK, false)),
                VirtioIdentity.of(0x1af4, 0x1042, 0x1100));
        assertEquals(Optional.of(new VirtioIdentity(1, VirtioDeviceType.NET, false)),
                VirtioIdentity.of(0x1af4, 0x1041, 0));
        assertEquals(Optional.of(new VirtioIdentity(19, VirtioDeviceType.VSOCK, false)),
                VirtioIdentity.of(0x1af4, 0x1053, 0));
        assertEquals(Optional.of(new VirtioIdentity(0, VirtioDeviceType.RESERVED, false)),
                VirtioIdentity.of(0x1af4, 0x1040, 0));
    }

    @Test
    void unknownIdsKeepTheirNumber() {
        VirtioIdentity v = VirtioIdentity.of(0x1af4, 0x107f, 0).orElseThrow();
        assertEquals(63, v.deviceId());
        assertEquals(VirtioDeviceType.UNKNOWN, v.type());
        assertEquals("unknown(63)", v.typeName());
        assertEquals("unknown(37)", VirtioIdentity.of(0x1af4, 0x1040 + 37, 0).orElseThrow().typeName());
    }

    @Test
    void transitionalDevicesUseTheSubsystemDeviceId() {
        VirtioIdentity net = VirtioIdentity.of(0x1af4, 0x1000, 1).orElseThrow();
        assertEquals(new VirtioIdentity(1, VirtioDeviceType.NET, true), net);
        assertEquals(new VirtioIdentity(9, VirtioDeviceType.NINE_P, true), VirtioIdentity.of(0x1af4, 0x1009, 9).orElseThrow());
        assertEquals(new VirtioIdentity(5, VirtioDeviceType.BALLOON, true), VirtioIdentity.of(0x1af4, 0x103f, 5).orElseThrow());
    }

    @Test
    void nonVirtioFunctionsHaveNoIdentity() {
        assertEquals(Optional.empty(), VirtioIdentity.of(0x8086, 0x0d57, 0));
        assertEquals(Optional.empty(), VirtioIdentity.of(0x8086, 0x1042, 0x1042));
        assertEquals(Optional.empty(), VirtioIdentity.of(0x1af4, 0x0fff, 0));
        assertEquals(Optional.empty(), VirtioIdentity.of(0x1af4, 0x1080, 0));
        assertEquals(Optional.empty(), VirtioIdentity.of(0x1af4, 0x1110, 0)); // QEMU ivshmem, not virtio
    }

    @Test
    void everyTypeRoundTripsThroughItsId() {
        for (VirtioDeviceType t : VirtioDeviceType.values()) {
            if (t != VirtioDeviceType.UNKNOWN) {
                assertEquals(t, VirtioDeviceType.fromId(t.id()), t.name());
            }
        }
        assertEquals(VirtioDeviceType.UNKNOWN, VirtioDeviceType.fromId(-1));
        assertEquals(VirtioDeviceType.UNKNOWN, VirtioDeviceType.fromId(14));
        assertEquals(VirtioDeviceType.UNKNOWN, VirtioDeviceType.fromId(1000));
        assertEquals("network", VirtioDeviceType.NET.shortName());
        assertEquals("entropy", VirtioDeviceType.ENTROPY.shortName());
        assertEquals(26, VirtioDeviceType.FS.id());
        assertEquals(20, VirtioDeviceType.CRYPTO.id());
        assertEquals(16, VirtioDeviceType.GPU.id());
        assertEquals(18, VirtioDeviceType.INPUT.id());
    }

    @Test
    void constructorRejectsMismatchedType() {
        assertThrows(IllegalArgumentException.class, () -> new VirtioIdentity(2, VirtioDeviceType.NET, false));
    }
}
