package dev.jvirtio.devicemodel;

import static dev.jvirtio.devicemodel.Wire.EAGAIN;
import static dev.jvirtio.devicemodel.Wire.EBUSY;
import static dev.jvirtio.devicemodel.Wire.EEXIST;
import static dev.jvirtio.devicemodel.Wire.EINVAL;
import static dev.jvirtio.devicemodel.Wire.ENOMEM;
import static dev.jvirtio.devicemodel.Wire.ENOSPC;
import static dev.jvirtio.devicemodel.Wire.ENXIO;
import static dev.jvirtio.devicemodel.Wire.OK;
import static dev.jvirtio.devicemodel.Wire.SELF;
import static dev.jvirtio.devicemodel.Wire.SRIOV;
import static dev.jvirtio.devicemodel.Wire.cmd;
import static dev.jvirtio.devicemodel.Wire.objData;
import static dev.jvirtio.devicemodel.Wire.w;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What must hold for every completion the engine produces, whatever the driver sent: shared by the seeded
 * {@link EngineFuzzTest} and the coverage-guided {@code dev.jvirtio.devicemodel.fuzz.AdminCommandEngineFuzzTest}.
 *
 * <p>The device-writable buffer is pre-filled with {@link #FILL}; after {@code process} the used length must lie
 * within the buffer (at least the 4-byte status and qualifier when they fit), be a multiple of 8 whenever the
 * buffer is, the status must be one the spec defines and the qualifier 0..7, an OK status block must have
 * zero reserved bytes, and nothing may be written past the used length.
 */
public final class EngineInvariants {
    /** Byte the writable buffers are pre-filled with, to see exactly what the device wrote. */
    public static final byte FILL = Wire.FILL;

    private static final Set<Integer> STATUSES = Set.of(OK, ENXIO, EAGAIN, ENOMEM, EBUSY, EEXIST, EINVAL, ENOSPC);

    private EngineInvariants() {
    }

    /**
     * Checks one completion.
     *
     * @param out  the whole device-writable buffer after {@code process}
     * @param used the used length {@code process} returned
     * @param ctx  describes the command, for the failure message (only evaluated on failure)
     */
    public static void checkCompletion(byte[] out, int used, Supplier<String> ctx) {
        int size = out.length;
        if (used < Math.min(size, 4) || used > size) {
            fail("used length " + used + " for a " + size + "-byte buffer: " + ctx.get());
        }
        if (size % 8 == 0 && used % 8 != 0) {
            fail("used length " + used + " not a multiple of 8 for a " + size + "-byte buffer: " + ctx.get());
        }
        if (size >= 4) {
            Wire.R r = new Wire.R(used, out);
            if (!STATUSES.contains(r.status()) || r.qualifier() > 7) {
                fail("bad status block " + r.status() + "/" + r.qualifier() + ": " + ctx.get());
            }
            if (r.status() == OK && size >= 8 && (r.u16(4) | r.u16(6)) != 0) {
                fail("OK status with non-zero reserved bytes: " + ctx.get());
            }
        }
        for (int k = Math.max(used, 0); k < size; k++) {
            if (out[k] != FILL) {
                fail("byte " + k + " written past the used length " + used + ": " + ctx.get());
            }
        }
    }

    /**
     * The engine the randomised tests drive: a virtio-net owner with 6 possible VFs (4 enabled), device-parts
     * limits of 3 each way, and every supported opcode in use on both group types.
     */
    public static AdminCommandEngine engine(MutableSrIovState sriov) {
        AdminCommandEngine e = new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET).totalVfs(6)
                .devPartsLimits(3, 3).build(), sriov);
        Wire.useAll(e);
        return e;
    }

    /** A 4-VF SR-IOV state with VF Enable set, as {@link #engine} expects. */
    public static MutableSrIovState sriov() {
        return Wire.sriov(4);
    }

    /** LIST_QUERY then LIST_USE of everything supported, for both group types. */
    public static void useAll(AdminCommandEngine e) {
        Wire.useAll(e);
    }

    /** Well-formed device-readable parts of every opcode with plausible data: the mutators' starting points. */
    public static List<byte[]> wellFormedCommands() {
        List<byte[]> c = new ArrayList<>();
        c.add(cmd(0x0, SRIOV, 0));
        c.add(cmd(0x1, SRIOV, 0, w().u64(0x3FC7FL).done()));
        c.add(cmd(0x1, SELF, 0, w().u64(0x3F83L).done()));
        c.add(cmd(0x2, SRIOV, 1, w().u8(14).zeros(7).u16(1).done()));
        c.add(cmd(0x2, SRIOV, 1, w().u8(8).zeros(7).u32(0x1234).done()));
        c.add(cmd(0x3, SRIOV, 2, w().u8(0).done()));
        c.add(cmd(0x4, SRIOV, 1, w().u8(0).zeros(7).fill(6, 7).done()));
        c.add(cmd(0x5, SRIOV, 1, w().u8(6).done()));
        c.add(cmd(0x6, SRIOV, 3));
        c.add(cmd(0x7, SELF, 0));
        c.add(cmd(0x8, SELF, 0, w().u16(0x801).zeros(6).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0).zeros(6).u8(2).u8(2).zeros(6).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0x800).zeros(6).bytes(CapabilityTest.ffResource(4, 4, 8, 4, 10, 3)).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0x801).zeros(6).u8(1).zeros(7)
                .u8(1).u8(1).zeros(2).u8(14).zeros(3).fill(14, 0xff).done()));
        c.add(cmd(0x9, SELF, 0, w().u16(0x802).zeros(6).u8(2).zeros(7).u8(1).u8(2).done()));
        c.add(cmd(0xa, SRIOV, 1, objData(0, 0, 0, w().u8(0).zeros(7).done())));
        c.add(cmd(0xa, SRIOV, 1, objData(0, 1, 0, w().u8(1).zeros(7).done())));
        c.add(cmd(0xa, SELF, 0, objData(0x200, 0, 0, w().u16(3).zeros(6).done())));
        c.add(cmd(0xa, SELF, 0, objData(0x201, 0, 0, w().u8(1).zeros(7)
                .u8(1).u8(0).zeros(2).u8(14).zeros(3).fill(14, 0xff).done())));
        c.add(cmd(0xa, SELF, 0, objData(0x202, 0, 0, w().u32(0).u32(0).u8(1).u8(14).u8(1).u8(0).u16(0).zeros(2)
                .fill(14, 1).done())));
        c.add(cmd(0xb, SRIOV, 1, objData(0, 0, 0, new byte[0])));
        c.add(cmd(0xc, SELF, 0, objData(0x200, 0, 0, w().u16(4).zeros(6).done())));
        c.add(cmd(0xd, SRIOV, 1, w().u16(0).zeros(2).u32(0).done()));
        c.add(cmd(0xe, SRIOV, 1, w().u16(0).zeros(2).u32(0).u8(2).zeros(7).done()));
        c.add(cmd(0xf, SRIOV, 1, w().u16(0).zeros(2).u32(0).u8(1).zeros(7).done()));
        c.add(cmd(0xf, SRIOV, 1, w().u16(0).zeros(2).u32(0).u8(0).zeros(7)
                .u16(0x104).zeros(2).u16(1).zeros(6).u32(0).done()));
        c.add(cmd(0x10, SRIOV, 1, w().u16(0).zeros(2).u32(1).u16(0x103).zeros(2).zeros(8).u32(1).u8(7).done()));
        c.add(cmd(0x11, SRIOV, 1, w().u8(1).zeros(7).done()));
        c.add(cmd(0x11, SRIOV, 1, w().u8(0).zeros(7).done()));
        return c;
    }
}
