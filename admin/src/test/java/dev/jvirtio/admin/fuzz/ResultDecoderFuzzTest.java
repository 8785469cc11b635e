package dev.jvirtio.admin.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jvirtio.admin.AdminCodec;
import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeNumbering;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.Capability;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import dev.jvirtio.admin.cap.CapabilityKind;
import dev.jvirtio.admin.cap.DevicePartsCap;
import dev.jvirtio.admin.command.CapIdListQuery;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.DevPartsGet;
import dev.jvirtio.admin.command.DevPartsMetadata;
import dev.jvirtio.admin.command.DevPartsMetadataGet;
import dev.jvirtio.admin.command.DeviceCapGet;
import dev.jvirtio.admin.command.DriverCapSet;
import dev.jvirtio.admin.command.LegacyCommonCfgRead;
import dev.jvirtio.admin.command.LegacyCommonCfgWrite;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.command.LegacyDevCfgRead;
import dev.jvirtio.admin.command.LegacyDevCfgWrite;
import dev.jvirtio.admin.command.LegacyNotifyInfo;
import dev.jvirtio.admin.command.ListQuery;
import dev.jvirtio.admin.command.ListUse;
import dev.jvirtio.admin.command.ResourceObjCreate;
import dev.jvirtio.admin.command.ResourceObjDestroy;
import dev.jvirtio.admin.command.ResourceObjModify;
import dev.jvirtio.admin.command.ResourceObjQuery;
import dev.jvirtio.admin.net.FlowFilterClassifier;
import dev.jvirtio.admin.net.FlowFilterGroup;
import dev.jvirtio.admin.net.FlowFilterRule;
import dev.jvirtio.admin.net.NetFfActionCap;
import dev.jvirtio.admin.net.NetFfResourceCap;
import dev.jvirtio.admin.net.NetFfSelectorCap;
import dev.jvirtio.admin.parts.DevicePart;
import dev.jvirtio.admin.parts.DevicePartHeader;
import dev.jvirtio.admin.parts.DevicePartsReader;
import dev.jvirtio.admin.parts.DevicePartsWriter;
import dev.jvirtio.admin.parts.PartType;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.admin.resource.ResourceObject;
import dev.jvirtio.admin.resource.ResourceObjectKind;
import dev.jvirtio.admin.resource.ResourceObjectType;
import dev.jvirtio.pci.testing.FuzzStats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the completion path of every typed admin command:
 * {@link AdminCodec#decodeResponse} with arbitrary device-written bytes and an arbitrary used length.
 *
 * <p>Input layout (chosen so seeds are easy to write and every byte after the header is device data):
 * <pre>
 *   [0]    command selector (see {@link #command})      [1..3] command parameters
 *   [4..7] used length, le32: taken modulo (buffer + 9) unless bit 7 of [1] is set, then as a signed value
 *   [8]    offset of the response inside a larger segment (low 4 bits)
 *   [9..]  what the device wrote into the device-writable buffer: status block, then the result
 * </pre>
 * The rest of the buffer holds junk from an "earlier command", so a decoder that reads past the used length
 * without the codec zeroing it shows up.
 *
 * <p>Contract: a decoded value, or {@link AdminCommandException} exactly when the status is not OK (and the used
 * length covers the status), or {@link AdminProtocolException} (including the device-parts format errors) for
 * impossible used lengths and malformed results. Decoded values are checked against the bytes and, where the
 * type can be written back, for encode/decode round trips.
 */
@ExtendWith(FuzzStats.class)
class ResultDecoderFuzzTest {
    private static final byte JUNK = (byte) 0xa5;
    private static final int COMMANDS = 25;

    static Stream<byte[]> decode() {
        List<byte[]> s = new ArrayList<>();
        s.add(seed(0, 0x01, 0, 0, 16, le(0, 0, 0, 0, 0x7f, 0, 0, 0, 0, 0, 0, 0)));                 // LIST_QUERY
        s.add(seed(2, 0, 6, 0, 9, le(0, 0, 0, 0, 0, 0, 0, 0, 0x0f)));                              // common cfg read
        s.add(seed(4, 0, 4, 5, 13, le(0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5)));                   // dev cfg read
        s.add(seed(6, 0, 0, 0, 72, notifyInfo()));                                               // LEGACY_NOTIFY_INFO
        s.add(seed(7, 0, 3, 0, 16, le(0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0)));       // CAP_ID_LIST_QUERY
        s.add(seed(8, 0, 0, 0, 10, le(0, 0, 0, 0, 0, 0, 0, 0, 2, 3)));                            // DEV_PARTS_CAP
        s.add(seed(10, 0, 0, 0, 30, concat(le(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),
                le(1, 1, 0, 0, 6, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))));               // selector cap
        s.add(seed(11, 0, 0, 0, 18, le(0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 2)));   // action cap
        s.add(seed(19, 0, 0, 0, 26, concat(le(0, 0, 0, 0, 0, 0, 0, 0), rule())));                // flow filter rule
        s.add(seed(22, 0, 2, 2, 40, concat(le(0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0),
                header(0x100, 0, 8), header(0x103, 0, 1))));                                    // metadata LIST
        s.add(seed(23, 0x01, 0, 1, 8 + 24 + 17 + 48, concat(le(0, 0, 0, 0, 0, 0, 0, 0),
                header(0x100, 1, 8), le(1, 0, 0, 0, 0, 0, 0, 0), header(0x103, 0, 1), le(0x0f),
                header(0x104, 2, 32), new byte[32])));                                           // DEV_PARTS_GET
        s.add(seed(24, 0, 0, 0, 4, le(22, 0, 3, 0)));                                            // EINVAL
        return s.stream();
    }

    @MethodSource
    @FuzzTest(maxDuration = "10m")
    void decode(byte[] input) {
        FuzzStats.count();
        if (input.length < 9) {
            return;
        }
        int selector = Byte.toUnsignedInt(input[0]) % COMMANDS;
        int p1 = Byte.toUnsignedInt(input[1]);
        int p2 = Byte.toUnsignedInt(input[2]);
        int p3 = Byte.toUnsignedInt(input[3]);
        AdminCommand<?> cmd = command(selector, p1, p2, p3);
        int len = AdminCodec.responseLength(cmd);
        int raw = Byte.toUnsignedInt(input[4]) | Byte.toUnsignedInt(input[5]) << 8
                | Byte.toUnsignedInt(input[6]) << 16 | input[7] << 24;
        long used = (p1 & 0x80) != 0 ? raw : Integer.toUnsignedLong(raw) % (len + 9L);
        int offset = input[8] & 0xf;
        byte[] buf = new byte[offset + len + 8];
        Arrays.fill(buf, JUNK);
        int written = Math.min(input.length - 9, len);
        System.arraycopy(input, 9, buf, offset, written);
        byte[] deviceView = buf.clone();
        MemorySegment seg = MemorySegment.ofArray(buf);
        AdminCodec codec = new AdminCodec((p1 & 0x40) != 0 ? OpcodeNumbering.COMMAND_TEXT : OpcodeNumbering.DEFAULT);

        Object result;
        try {
            result = codec.decodeResponse(cmd, seg, offset, used);
        } catch (AdminCommandException e) {
            assertTrue(used >= 4 && used <= len, "status reported for an impossible used length " + used);
            int status = u16(deviceView, offset);
            assertTrue(status != 0, "OK status reported as failure");
            assertEquals(status, e.rawStatus());
            assertEquals(u16(deviceView, offset + 2), e.rawQualifier());
            assertEquals(cmd.opcode(), e.opcode());
            assertNotNull(e.status());
            assertNotNull(e.qualifier());
            assertNotNull(e.getMessage());
            return;
        } catch (AdminProtocolException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertTrue(used >= 4 && used <= len, "accepted used length " + used + " of " + len);
        assertEquals(0, u16(deviceView, offset), "a failed status decoded as a result");
        for (long i = Math.max(used, 0); i < len; i++) {
            if (buf[(int) (offset + i)] != 0) { // no message built per byte: this loop runs for every input
                fail("byte " + i + " past the used length was not cleared");
            }
        }
        int resultLength = (int) Math.max(0, used - AdminCodec.STATUS_LENGTH);
        check(cmd, result, deviceView, offset + AdminCodec.STATUS_LENGTH, resultLength);
    }

    /** The command under test; parameters only ever produce valid commands (their validation is not the target). */
    private static AdminCommand<?> command(int selector, int p1, int p2, int p3) {
        GroupType group = (p1 & 1) != 0 ? GroupType.SR_IOV : GroupType.SELF;
        VfNumber vf = VfNumber.of(1 + (p3 | (p1 & 0x3e) << 7));
        int capacity8 = 8 * (1 + (p2 | (p3 & 3) << 8)); // 8..8192, a multiple of 8
        int capacity = p2 | (p3 & 0x1f) << 8;            // 0..8191
        return switch (selector) {
            case 0 -> new ListQuery(group, capacity8);
            case 1 -> new ListUse(group, OpcodeSet.ofCodes(0, 1, p2));
            case 2 -> new LegacyCommonCfgRead(vf, LegacyCommonField.values()[p2 % LegacyCommonField.values().length]);
            case 3 -> new LegacyCommonCfgWrite(vf, LegacyCommonField.STATUS, p2);
            case 4 -> new LegacyDevCfgRead(vf, p2, 1 + p3 % (256 - p2));
            case 5 -> new LegacyDevCfgWrite(vf, p2, Bytes.of(new byte[1 + p3 % (256 - p2)]));
            case 6 -> new LegacyNotifyInfo(vf);
            case 7 -> new CapIdListQuery(capacity8);
            case 8 -> new DeviceCapGet<>(DevicePartsCap.KIND);
            case 9 -> new DeviceCapGet<>(NetFfResourceCap.KIND);
            case 10 -> new DeviceCapGet<>(NetFfSelectorCap.KIND);
            case 11 -> new DeviceCapGet<>(NetFfActionCap.KIND);
            case 12 -> new DeviceCapGet<>(CapabilityKind.raw(p2 | p3 << 8, capacity));
            case 13 -> new DriverCapSet(new DevicePartsCap(p2, p3));
            case 14 -> new ResourceObjCreate(GroupMember.self(), p2, new FlowFilterGroup(p3));
            case 15 -> new ResourceObjModify(GroupMember.vf(vf), p2, DevicePartsObject.forSet());
            case 16 -> new ResourceObjQuery<>(GroupMember.vf(vf), DevicePartsObject.KIND, p2);
            case 17 -> new ResourceObjQuery<>(GroupMember.self(), FlowFilterGroup.KIND, p2);
            case 18 -> new ResourceObjQuery<>(GroupMember.self(), FlowFilterClassifier.KIND, p2);
            case 19 -> new ResourceObjQuery<>(GroupMember.self(), FlowFilterRule.KIND, p2);
            case 20 -> new ResourceObjQuery<>(GroupMember.self(),
                    ResourceObjectKind.raw(new ResourceObjectType(0x200 + p2), capacity), p3);
            case 21 -> new ResourceObjDestroy(GroupMember.self(), ResourceObjectType.NET_FF_RULE, p2);
            case 22 -> switch (p2 % 3) {
                case 0 -> DevPartsMetadataGet.size(vf, p3);
                case 1 -> DevPartsMetadataGet.count(vf, p3);
                default -> DevPartsMetadataGet.list(vf, p3, p3 % 64);
            };
            case 23 -> (p3 & 1) != 0
                    ? new DevPartsGet(vf, 0, null, capacity, (p1 & 2) != 0)
                    : new DevPartsGet(vf, 0, List.of(DevicePartHeader.select(PartType.DEVICE_STATUS, 0)), capacity,
                            (p1 & 2) != 0);
            default -> new DevModeSet(vf, (p2 & 1) != 0 ? DevModeSet.Mode.STOPPED : DevModeSet.Mode.RUNNING);
        };
    }

    /** Checks a decoded result against the bytes the device wrote ({@code resultLength} of them at {@code at}). */
    private static void check(AdminCommand<?> cmd, Object result, byte[] view, int at, int resultLength) {
        byte[] r = new byte[cmd.resultCapacity() + 8];
        System.arraycopy(view, at, r, 0, Math.min(resultLength, r.length));
        MemorySegment written = MemorySegment.ofArray(r); // the result as the decoder should see it
        switch (cmd) {
            case ListQuery q -> {
                OpcodeSet set = (OpcodeSet) result;
                assertEquals(OpcodeSet.decode(written, 0, resultLength), set);
                assertEquals(set, roundTrip(set));
                for (int code : set.codes()) {
                    if (code < 0 || code > 0xffff || !bit(r, code)) {
                        fail("opcode " + code + " is not set in the result bytes");
                    }
                }
            }
            case CapIdListQuery q -> {
                CapabilityIdSet set = (CapabilityIdSet) result;
                for (int id : set.ids()) {
                    if (!set.contains(id) || !bit(r, id)) {
                        fail("capability " + id + " is not set in the result bytes");
                    }
                }
                MemorySegment enc = MemorySegment.ofArray(new byte[set.encodedLength()]);
                set.encode(enc, 0);
                assertEquals(set, CapabilityIdSet.decode(enc, 0, enc.byteSize()));
            }
            case LegacyCommonCfgRead q -> {
                long v = (Long) result;
                int width = q.field().width();
                assertTrue(width == 8 || v >>> (8 * width) == 0, "value wider than the field");
                assertEquals(le(r, Math.min(resultLength, width)), v);
            }
            case LegacyDevCfgRead q -> {
                Bytes b = (Bytes) result;
                assertEquals(q.length(), b.length());
                byte[] expect = Arrays.copyOf(Arrays.copyOf(r, Math.min(resultLength, q.length())), q.length());
                assertArrayEquals(expect, b.toArray());
            }
            case LegacyNotifyInfo q -> {
                LegacyNotifyInfo.Result n = (LegacyNotifyInfo.Result) result;
                assertTrue(n.entries().size() + n.ignoredEntries() <= LegacyNotifyInfo.ENTRIES);
            }
            case DeviceCapGet<?> q -> checkCapability(q, (Capability) result, resultLength);
            case ResourceObjQuery<?> q -> checkObject(q, (ResourceObject) result, resultLength);
            case DevPartsMetadataGet q -> {
                DevPartsMetadata m = (DevPartsMetadata) result;
                if (m instanceof DevPartsMetadata.PartHeaders h) {
                    assertTrue(8L + 16L * h.headers().size() <= Math.max(resultLength, 8));
                    assertEquals(le(r, 4), h.headers().size());
                } else {
                    assertTrue(q.type() != DevPartsMetadataGet.Type.LIST);
                }
            }
            case DevPartsGet q -> {
                @SuppressWarnings("unchecked")
                List<DevicePart> parts = (List<DevicePart>) result;
                long n = DevicePartsWriter.encodedLength(parts);
                assertTrue(n <= resultLength, "parts longer than what the device wrote");
                MemorySegment enc = MemorySegment.ofArray(new byte[(int) n]);
                assertEquals(n, DevicePartsWriter.writeAll(parts, enc, 0, q.checkOrder()));
                assertEquals(parts, DevicePartsReader.readAll(enc, 0, n, q.checkOrder()));
            }
            default -> assertNull(result, cmd.opcode() + " has no result");
        }
        // toString names every member of a bitmap; random bytes set thousands of bits, so keep it to small sets.
        if (!(result instanceof OpcodeSet o && o.size() > 64) && !(result instanceof CapabilityIdSet c && c.size() > 64)) {
            assertNotNull(String.valueOf(result));
        }
    }

    private static void checkCapability(DeviceCapGet<?> q, Capability cap, int resultLength) {
        assertEquals(q.kind().id(), cap.id());
        // The device may fill the whole posted buffer, which the codec pads to a multiple of 8.
        int room = AdminCodec.responseLength(q) - AdminCodec.STATUS_LENGTH;
        assertTrue(cap.encodedLength() <= room, "capability larger than its buffer");
        byte[] enc = new byte[room];
        cap.encode(MemorySegment.ofArray(enc), 0);
        Capability again = q.kind().decode(MemorySegment.ofArray(enc), cap.encodedLength());
        assertEquals(cap, again, "capability does not survive encode/decode");
        if (q.kind().id() != DevicePartsCap.ID && !(cap instanceof NetFfResourceCap)) {
            assertTrue(cap.encodedLength() <= Math.max(resultLength, 8), "decoded more than the device wrote");
        }
    }

    private static void checkObject(ResourceObjQuery<?> q, ResourceObject obj, int resultLength) {
        assertEquals(q.kind().type(), obj.type());
        int room = AdminCodec.responseLength(q) - AdminCodec.STATUS_LENGTH;
        assertTrue(obj.encodedLength() <= room, "object larger than its buffer");
        byte[] enc = new byte[room];
        obj.encode(MemorySegment.ofArray(enc), 0);
        ResourceObject again = q.kind().decode(MemorySegment.ofArray(enc), obj.encodedLength());
        assertEquals(obj, again, "object does not survive encode/decode");
    }

    private static OpcodeSet roundTrip(OpcodeSet set) {
        MemorySegment enc = MemorySegment.ofArray(new byte[set.encodedLength()]);
        assertEquals(set.encodedLength(), set.encode(enc, 0));
        return OpcodeSet.decode(enc, 0, enc.byteSize());
    }

    private static boolean bit(byte[] r, int n) {
        return n / 8 < r.length && (r[n / 8] & (1 << (n % 8))) != 0;
    }

    private static long le(byte[] r, int width) {
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = v << 8 | (r[i] & 0xff);
        }
        return v;
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    // ---- seeds ---------------------------------------------------------------------------------------------

    private static byte[] seed(int selector, int p1, int p2, int p3, int used, byte[] written) {
        byte[] head = {(byte) selector, (byte) p1, (byte) p2, (byte) p3, (byte) used, (byte) (used >>> 8), 0, 0, 0};
        return concat(head, written);
    }

    private static byte[] le(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] header(int type, int selector, int length) {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        new DevicePartHeader(new PartType(type), 0, selector, length).encode(s, 0);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] notifyInfo() {
        return concat(le(0, 0, 0, 0, 0, 0, 0, 0),
                le(1, 2, 0, 0, 0, 0, 0, 0, 0x00, 0x10, 0, 0, 0, 0, 0, 0),
                le(2, 9, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0),
                le(2, 1, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0),
                new byte[16]);
    }

    private static byte[] rule() {
        return le(1, 0, 0, 0, 2, 0, 0, 0, 5, 2, 2, 0, 3, 0, 0, 0, 0xaa, 0xbb);
    }
}
