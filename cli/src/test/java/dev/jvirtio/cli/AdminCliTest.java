package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvirtio.devicemodel.AdminEngineConfig;
import dev.jvirtio.devicemodel.DeviceType;
import dev.jvirtio.pci.testing.SysfsFixtureTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin commands, run in-process against the embedded device model. */
class AdminCliTest {

    static final String TARGET_LINE = "target: embedded device model (virtio-net PF f000:00:00.0 with 4 VFs)";

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        /** A failure: exactly one line (after the target line), no stack trace. */
        String oneErrorLine() {
            List<String> l = new ArrayList<>(errLines());
            l.remove(TARGET_LINE);
            assertEquals(1, l.size(), "one error line, got: " + err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertTrue(l.get(0).startsWith("virtio-cli: "), l.get(0));
            return l.get(0);
        }
    }

    static Run run(String... args) {
        CommandLine cmd = VirtioCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    // ---- demo ------------------------------------------------------------------------------------------

    @Test
    void demoMigratesAndVerifies() {
        Run r = run("demo");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.errLines().get(0).startsWith(TARGET_LINE), r.err());
        assertTrue(r.out().contains("destination VF 2 state equals source VF 1"), r.out());
        assertTrue(r.out().contains("VF 2: status 0x0f ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK"), r.out());
        assertTrue(r.out().contains("mac 02:de:c0:de:00:01"), r.out());
        assertTrue(r.out().contains("OK: VF 1's state now lives in VF 2"), r.out());
    }

    @Test
    void demoJsonOnTheSamePf() throws Exception {
        Path keep = tmp.resolve("demo.parts");
        Run r = run("demo", "--json", "--same-pf", "--out", keep.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertTrue(j.get("verified").asBoolean());
        assertEquals(15, j.get("parts").asInt());
        assertEquals("embedded-model", j.get("target").get("kind").asText());
        assertEquals("f000:00:00.0", j.get("destination").get("bdf").asText());
        assertEquals(Files.size(keep), j.get("fileBytes").asLong());
    }

    // ---- discovery, VFs, legacy -------------------------------------------------------------------------

    @Test
    void vfListJsonReadsEveryVfThroughTheAdminQueue() throws Exception {
        Run r = run("vf", "list", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(TARGET_LINE, r.errLines().get(0));
        JsonNode j = r.json();
        assertEquals("embedded-model", j.get("target").get("kind").asText());
        assertEquals(4, j.get("target").get("numVfs").asInt());
        JsonNode vfs = j.get("vfs");
        assertEquals(4, vfs.size());
        // virtio-net VF features, bits 0-31: MTU(3) MAC(5) STATUS(16) CTRL_VQ(17) MQ(22) CTRL_MAC_ADDR(23).
        long expected = 1L << 3 | 1L << 5 | 1L << 16 | 1L << 17 | 1L << 22 | 1L << 23;
        for (int i = 0; i < 4; i++) {
            assertEquals(i + 1, vfs.get(i).get("vf").asInt());
            assertEquals("f000:00:00." + (i + 1), vfs.get(i).get("bdf").asText());
            assertEquals(expected, vfs.get(i).get("hostFeatures").asLong());
            assertEquals(0, vfs.get(i).get("status").asInt());
            assertEquals(String.format("02:6a:76:00:00:%02x", i + 1), vfs.get(i).get("mac").asText());
        }
    }

    @Test
    void listQueryTraceShowsTheBytesOnTheRing() throws Exception {
        Run r = run("admin", "list-query", "--group", "sriov", "--trace");
        assertEquals(0, r.code(), r.err());
        List<String> e = r.errLines();
        int i = e.indexOf(e.stream().filter(l -> l.startsWith("[trace] LIST_QUERY")).findFirst().orElseThrow());
        assertTrue(e.get(i).startsWith("[trace] LIST_QUERY (0x0000) group SR-IOV member 0 queue 3 latency "), e.get(i));
        // Independent encoding of the request: opcode 0 (le16), group_type 1 (le16), 12 reserved zero bytes,
        // group_member_id 0 (le64), no data.
        ByteBuffer req = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        req.putShort(0, (short) 0).putShort(2, (short) 1).putLong(16, 0);
        assertEquals("  device-readable: 24 bytes (header + data)", e.get(i + 1));
        assertEquals("    0000 " + spaced(req.array(), 0, 16), e.get(i + 2));
        assertEquals("    0010 " + spaced(req.array(), 16, 24), e.get(i + 3));
        // The response: status OK, qualifier OK, reserved, then the SR-IOV opcode bitmap the model offers.
        long offered = AdminEngineConfig.builder(DeviceType.NET).totalVfs(4).build().supportedSriov();
        ByteBuffer resp = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        resp.putLong(8, offered);
        // Posted: the 8-byte status block and a 64-byte result buffer (room for opcodes up to 511).
        assertEquals("  device-writable: 16 bytes used of 72 posted, status OK (0) / OK (0)", e.get(i + 4));
        assertEquals("    0000 " + spaced(resp.array(), 0, 16), e.get(i + 5));
        assertTrue(r.out().contains("SR-IOV group: the device offers " + Long.bitCount(offered) + " opcodes"), r.out());
        assertTrue(r.out().contains("0x0011  DEV_MODE_SET"), r.out());
    }

    static String spaced(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(' ').append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }

    @Test
    void capsAndCapGet() throws Exception {
        Run caps = run("admin", "caps", "--json");
        assertEquals(0, caps.code(), caps.err());
        JsonNode c = caps.json().get("capabilities");
        assertEquals(0, c.get(0).get("id").asInt());
        assertEquals(4, c.get(0).get("getPartsObjectsLimit").asInt());
        assertEquals(0x800, c.get(1).get("id").asInt());
        Run one = run("admin", "cap-get", "0x0");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains("VIRTIO_DEV_PARTS_CAP") && one.out().contains("set objects limit 4"), one.out());
        Run none = run("admin", "cap-get", "0x0123");
        assertEquals(ExitCodes.DEVICE_REFUSED, none.code());
        assertTrue(none.oneErrorLine().contains("DEVICE_CAP_GET on self failed: ENXIO"), none.err());
        Run bad = run("admin", "cap-get", "0x10000");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.oneErrorLine().contains("capability id 0x10000 is out of range"), bad.err());
    }

    @Test
    void legacyWriteReadsBackAndDevCfgReads() throws Exception {
        Run w = run("legacy", "write", "status", "0x0f", "--vf", "2");
        assertEquals(0, w.code(), w.err());
        assertEquals("VF 2 status <- 0x0f, reads back 0x0f", w.out().strip());
        Run mac = run("legacy", "read", "--dev-cfg", "0", "6", "--vf", "3", "--json");
        assertEquals(0, mac.code(), mac.err());
        assertEquals("026a76000003", mac.json().get("hex").asText());
        Run dev = run("legacy", "write", "--dev-cfg", "0", "02aabbccddee", "--vf", "1");
        assertEquals("VF 1 dev-cfg[0] <- 02aabbccddee, reads back 02aabbccddee", dev.out().strip());
        Run ro = run("legacy", "write", "--dev-cfg", "6", "0000", "--vf", "1");
        assertEquals(ExitCodes.DEVICE_REFUSED, ro.code(), "the link status is read-only on the device");
        assertTrue(ro.oneErrorLine().contains("LEGACY_DEV_CFG_WRITE on VF 1 failed: EINVAL / INVALID_FIELD"), ro.err());
    }

    // ---- objects, parts, migration ----------------------------------------------------------------------

    @Test
    void objectsAndParts() throws Exception {
        Run q = run("obj", "query", "--vf", "1", "--id", "2", "--mode", "set");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.err().contains("state does not persist between invocations"), q.err());
        assertEquals("device-parts object 2 of VF 1: SET", q.out().strip());
        Run c = run("obj", "create", "--vf", "1", "--id", "9");
        assertEquals(ExitCodes.DEVICE_REFUSED, c.code(), "id 9 is beyond the limit of 4");
        assertTrue(c.oneErrorLine().contains("RESOURCE_OBJ_CREATE on VF 1 failed"), c.err());
        Run d = run("obj", "destroy", "--vf", "4", "--id", "0");
        assertEquals(0, d.code(), d.err());

        Run meta = run("parts", "metadata", "--vf", "2", "--json");
        assertEquals(0, meta.code(), meta.err());
        assertEquals(15, meta.json().get("count").asInt());
        assertEquals(15, meta.json().get("headers").size());
        Run get = run("parts", "get", "--vf", "2", "--json");
        assertEquals(0, get.code(), get.err());
        assertEquals(meta.json().get("size").asLong(), get.json().get("bytes").asLong());
        assertEquals("DEV_FEATURES", get.json().get("parts").get(0).get("type").asText());
    }

    @Test
    void migrateSaveAndRestoreThroughFiles() throws Exception {
        Path f = tmp.resolve("vf1.parts");
        Run s = run("migrate", "save", "--vf", "1", "--out", f.toString(), "--progress");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().startsWith("saved VF 1 (network): 15 parts, "), s.out());
        assertTrue(s.err().contains("file write   [##############################] 100%"), s.err());
        assertEquals("JVDPARTS", new String(Files.readAllBytes(f), 0, 8));
        Run r = run("migrate", "restore", "--vf", "3", "--in", f.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(1, j.get("savedFrom").asInt());
        assertTrue(j.get("resumed").asBoolean());
        assertEquals("02:6a:76:00:00:01", j.get("state").get("mac").asText(), "VF 1's MAC moved into VF 3");

        byte[] b = Files.readAllBytes(f);
        b[40] ^= 4;
        Path bad = tmp.resolve("bad.parts");
        Files.write(bad, b);
        Run crc = run("migrate", "restore", "--vf", "1", "--in", bad.toString());
        assertEquals(ExitCodes.FILE_ERROR, crc.code());
        assertTrue(crc.oneErrorLine().contains("CRC32 mismatch"), crc.err());
        Path cut = tmp.resolve("cut.parts");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(f), 100));
        Run trunc = run("migrate", "restore", "--vf", "1", "--in", cut.toString());
        assertEquals(ExitCodes.FILE_ERROR, trunc.code());
        assertTrue(trunc.oneErrorLine().contains("stream ends after 100 bytes"), trunc.err());
        Run missing = run("migrate", "restore", "--vf", "1", "--in", tmp.resolve("nope").toString());
        assertEquals(ExitCodes.FILE_ERROR, missing.code());
        assertTrue(missing.oneErrorLine().contains("no such file"), missing.err());
    }

    @Test
    void vfStopAndResume() {
        Run s = run("vf", "stop", "--vf", "4");
        assertEquals(0, s.code(), s.err());
        assertEquals("VF 4 (f000:00:00.4) stopped", s.out().strip());
        assertEquals(0, run("vf", "resume", "--vf", "4").code());
    }

    // ---- bad input --------------------------------------------------------------------------------------

    @Test
    void badVfNumbersAreUsageErrors() {
        Run zero = run("vf", "stop", "--vf", "0");
        assertEquals(ExitCodes.USAGE, zero.code());
        assertTrue(zero.oneErrorLine().contains("VF numbers start at 1"), zero.err());
        Run five = run("legacy", "read", "status", "--vf", "5");
        assertEquals(ExitCodes.USAGE, five.code());
        assertTrue(five.oneErrorLine().contains("VF 5 does not exist: f000:00:00.0 has NumVFs 4"), five.err());
        Run text = run("parts", "get", "--vf", "two");
        assertEquals(ExitCodes.USAGE, text.code());
        assertTrue(text.oneErrorLine().contains("'two' is not a VF number"), text.err());
    }

    @Test
    void badFieldsOffsetsAndValuesAreUsageErrors() {
        Run field = run("legacy", "read", "colour", "--vf", "1");
        assertEquals(ExitCodes.USAGE, field.code());
        assertTrue(field.oneErrorLine().contains("unknown legacy field 'colour': one of host_features"), field.err());
        Run ro = run("legacy", "write", "host_features", "1", "--vf", "1");
        assertEquals(ExitCodes.USAGE, ro.code());
        assertTrue(ro.oneErrorLine().contains("read-only"), ro.err());
        Run wide = run("legacy", "write", "status", "0x100", "--vf", "1");
        assertEquals(ExitCodes.USAGE, wide.code());
        assertTrue(wide.oneErrorLine().contains("out of range (0..255"), wide.err());
        Run off = run("legacy", "read", "--dev-cfg", "300", "1", "--vf", "1");
        assertEquals(ExitCodes.USAGE, off.code());
        assertTrue(off.oneErrorLine().contains("device-config offset 300 is out of range"), off.err());
        Run len = run("legacy", "read", "--dev-cfg", "0", "9", "--vf", "1");
        assertEquals(ExitCodes.USAGE, len.code());
        Run both = run("legacy", "read", "status", "--dev-cfg", "0", "1", "--vf", "1");
        assertEquals(ExitCodes.USAGE, both.code());
        Run group = run("admin", "list-query", "--group", "pci");
        assertEquals(ExitCodes.USAGE, group.code());
        assertTrue(group.oneErrorLine().contains("unknown group 'pci'"), group.err());
    }

    @Test
    void realDevicesNeedTheVfioBackend() {
        Path root = SysfsFixtureTree.build(tmp.resolve("sys"));
        Run bdf = run("vf", "list", "--device", "zz:1");
        assertEquals(ExitCodes.USAGE, bdf.code());
        Run absent = run("vf", "list", "--device", "0000:00:09.0", "--sysfs-root", root.toString());
        assertEquals(ExitCodes.NO_SUCH_FUNCTION, absent.code());
        assertTrue(absent.oneErrorLine().contains("no PCI function 0000:00:09.0"), absent.err());
        Run present = run("vf", "list", "--device", "0000:00:03.0", "--sysfs-root", root.toString());
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, present.code());
        assertTrue(present.oneErrorLine().contains("VFIO backend not available in this build"), present.err());
    }

    @Test
    void helpExplainsTheEmbeddedModelAndAGroupAloneIsAUsageError() {
        Run h = run("--help");
        assertEquals(0, h.code());
        String help = h.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("embedded device model"), help);
        assertTrue(help.contains("Nothing persists from one invocation to the next"), help);
        assertTrue(help.contains("7 migration file unreadable"), help);
        Run g = run("migrate");
        assertEquals(ExitCodes.USAGE, g.code());
        assertTrue(g.oneErrorLine().contains("missing subcommand of 'migrate'"), g.err());
    }
}
