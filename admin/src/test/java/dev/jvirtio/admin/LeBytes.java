package dev.jvirtio.admin;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * A tiny little-endian byte builder for writing expected wire images straight from the spec tables,
 * independent of the production code's constants and accessors.
 */
public final class LeBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private LeBytes() {
    }

    public static LeBytes le() {
        return new LeBytes();
    }

    public LeBytes u8(int v) {
        out.write(v & 0xff);
        return this;
    }

    public LeBytes u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public LeBytes u32(long v) {
        for (int i = 0; i < 4; i++) {
            u8((int) (v >>> (8 * i)));
        }
        return this;
    }

    public LeBytes u64(long v) {
        for (int i = 0; i < 8; i++) {
            u8((int) (v >>> (8 * i)));
        }
        return this;
    }

    public LeBytes zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    public LeBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Hex digits, whitespace ignored. */
    public LeBytes hex(String h) {
        return raw(HexFormat.of().parseHex(h.replaceAll("\\s", "")));
    }

    /** Appends zero bytes up to the next multiple of 8. */
    public LeBytes pad8() {
        while (out.size() % 8 != 0) {
            out.write(0);
        }
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    /**
     * The 24-byte {@code struct virtio_admin_cmd} device-readable header as the spec tabulates it: opcode le16,
     * group_type le16, reserved1[12], group_member_id le64.
     */
    public static LeBytes header(int opcode, int groupType, long memberId) {
        return le().u16(opcode).u16(groupType).zeros(12).u64(memberId);
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
