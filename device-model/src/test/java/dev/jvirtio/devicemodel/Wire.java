package dev.jvirtio.devicemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The tests' own encoding of admin commands, written from the specification tables with literal numbers on
 * purpose: it shares nothing with the engine's constants or helpers, so an engine mistake cannot cancel out.
 */
final class Wire {
    private Wire() {}

    // Status (decimal) and qualifier values from the spec tables.
    static final int OK = 0, ENXIO = 6, EAGAIN = 11, ENOMEM = 12, EBUSY = 16, EEXIST = 17, EINVAL = 22, ENOSPC = 28;
    static final int Q_OK = 0, Q_INVALID_COMMAND = 1, Q_INVALID_OPCODE = 2, Q_INVALID_FIELD = 3,
            Q_INVALID_GROUP = 4, Q_INVALID_MEMBER = 5, Q_NORESOURCE = 6, Q_TRYAGAIN = 7;
    static final int SELF = 0, SRIOV = 1;
    /** Byte the tests pre-fill writable buffers with, to see exactly what the device wrote. */
    static final byte FILL = (byte) 0xA5;

    /** Little-endian byte writer. */
    static final class W {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        W u8(int v) {
            b.write(v);
            return this;
        }

        W u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        W u32(long v) {
            for (int i = 0; i < 4; i++) {
                u8((int) (v >>> (8 * i)));
            }
            return this;
        }

        W u64(long v) {
            for (int i = 0; i < 8; i++) {
                u8((int) (v >>> (8 * i)));
            }
            return this;
        }

        W zeros(int n) {
            for (int i = 0; i < n; i++) {
                u8(0);
            }
            return this;
        }

        W bytes(byte[] a) {
            b.write(a, 0, a.length);
            return this;
        }

        W fill(int n, int v) {
            for (int i = 0; i < n; i++) {
                u8(v);
            }
            return this;
        }

        byte[] done() {
            return b.toByteArray();
        }
    }

    static W w() {
        return new W();
    }

    /** struct virtio_admin_cmd device-readable part: opcode@0, group_type@2, reserved1[12], member@16, data@24. */
    static byte[] cmd(int opcode, int group, long member, byte[] data) {
        return w().u16(opcode).u16(group).zeros(12).u64(member).bytes(data).done();
    }

    static byte[] cmd(int opcode, int group, long member) {
        return cmd(opcode, group, member, new byte[0]);
    }

    /** A completed command: the used length and the whole writable buffer. */
    record R(int used, byte[] out) {
        int status() {
            return u16(0);
        }

        int qualifier() {
            return u16(2);
        }

        int u8(int off) {
            return out[off] & 0xff;
        }

        int u16(int off) {
            return u8(off) | u8(off + 1) << 8;
        }

        long u32(int off) {
            return (u16(off) | (long) u16(off + 2) << 16) & 0xffffffffL;
        }

        long u64(int off) {
            return u32(off) | u32(off + 4) << 32;
        }

        /** The result bytes {@code [8, used)}. */
        byte[] result() {
            return Arrays.copyOfRange(out, 8, used);
        }

        R ok() {
            assertEquals(OK, status(), () -> "status, qualifier " + qualifier());
            assertEquals(Q_OK, qualifier());
            assertEquals(0, u16(4) | u16(6), "reserved2 must be zero");
            return this;
        }

        R fails(int status, int qualifier) {
            assertEquals(status, status(), "status");
            assertEquals(qualifier, qualifier(), "qualifier");
            return this;
        }
    }

    static R run(AdminCommandEngine e, byte[] in, int outSize) {
        byte[] out = new byte[outSize];
        Arrays.fill(out, FILL);
        int used = e.process(MemorySegment.ofArray(in), MemorySegment.ofArray(out));
        if (used >= 0) {
            for (int i = used; i < outSize; i++) {
                assertEquals(FILL, out[i], "device wrote beyond the used length at " + i);
            }
        }
        return new R(used, out);
    }

    static MutableSrIovState sriov(int n) {
        return new MutableSrIovState(n, true);
    }

    static AdminCommandEngine net(int vfs) {
        return new AdminCommandEngine(AdminEngineConfig.builder(DeviceType.NET).totalVfs(vfs).build(), sriov(vfs));
    }

    /** LIST_QUERY then LIST_USE of everything supported, for both group types. */
    static AdminCommandEngine useAll(AdminCommandEngine e) {
        for (int g : new int[] {SELF, SRIOV}) {
            R q = run(e, cmd(0x0, g, 0), 16).ok();
            run(e, cmd(0x1, g, 0, w().u64(q.u64(8)).done()), 8).ok();
        }
        return e;
    }

    /** DRIVER_CAP_SET for VIRTIO_DEV_PARTS_CAP (id 0): get and set limits. */
    static R setPartsCap(AdminCommandEngine e, int get, int set) {
        return run(e, cmd(0x9, SELF, 0, w().u16(0x0000).zeros(6).u8(get).u8(set).zeros(6).done()), 8);
    }

    /** RESOURCE_OBJ_CREATE data: hdr{type, reserved[2], id}, flags, specific. */
    static byte[] objData(int type, long id, long flags, byte[] specific) {
        return w().u16(type).zeros(2).u32(id).u64(flags).bytes(specific).done();
    }

    /** Creates a device parts object (type 0) of kind 0 (GET) or 1 (SET) for a VF. */
    static R createPartsObject(AdminCommandEngine e, long vf, long id, int kind) {
        return run(e, cmd(0xa, SRIOV, vf, objData(0x000, id, 0, w().u8(kind).zeros(7).done())), 8);
    }
}
