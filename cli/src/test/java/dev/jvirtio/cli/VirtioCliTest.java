package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvirtio.pci.testing.SysfsFixtureTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the picocli command in-process against a sysfs tree rebuilt from the real snapshots. */
class VirtioCliTest {

    @TempDir
    Path tmp;

    private Path root;

    /** Result of one run: exit code and both streams. */
    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    @BeforeEach
    void buildTree() {
        root = SysfsFixtureTree.build(tmp.resolve("sys"));
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.isEmpty() && (all.get(0).equals("list") || all.get(0).equals("show"))) {
            all.add("--sysfs-root");
            all.add(root.toString());
        }
        CommandLine cmd = VirtioCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    // ---- list -------------------------------------------------------------------------------------------

    @Test
    void listShowsTheFiveVirtioFunctions() {
        Run r = run("list");
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                BDF           TYPE     VENDOR:DEVICE  DRIVER      IOMMU  VFS
                0000:00:01.0  balloon  1af4:1045      virtio-pci  -      -
                0000:00:02.0  block    1af4:1042      virtio-pci  -      -
                0000:00:03.0  network  1af4:1041      virtio-pci  -      -
                0000:00:04.0  vsock    1af4:1053      virtio-pci  -      -
                0000:00:05.0  entropy  1af4:1044      virtio-pci  -      -
                """, r.out());
        assertEquals("", r.err());
    }

    @Test
    void listAllAddsTheHostBridge() {
        Run r = run("list", "--all");
        assertEquals(0, r.code());
        List<String> lines = r.out().lines().toList();
        assertEquals(7, lines.size());
        assertEquals("0000:00:00.0  -        8086:0d57      -           -      -", lines.get(1));
    }

    @Test
    void listJson() throws Exception {
        Run r = run("list", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode a = r.json();
        assertTrue(a.isArray());
        assertEquals(5, a.size());
        List<String> types = new ArrayList<>();
        a.forEach(n -> types.add(n.get("virtioType").asText()));
        assertEquals(List.of("balloon", "block", "network", "vsock", "entropy"), types);
        JsonNode blk = a.get(1);
        assertEquals("0000:00:02.0", blk.get("bdf").asText());
        assertEquals(2, blk.get("virtioDeviceId").asInt());
        assertEquals(0x1af4, blk.get("vendorId").asInt());
        assertEquals(0x1042, blk.get("deviceId").asInt());
        assertEquals("1af4:1042", blk.get("vendorDevice").asText());
        assertEquals("virtio-pci", blk.get("driver").asText());
        assertTrue(blk.get("iommuGroup").isNull());
        assertTrue(blk.get("numVfs").isNull());
        assertTrue(blk.get("totalVfs").isNull());
    }

    @Test
    void listJsonAllMarksNonVirtio() throws Exception {
        JsonNode bridge = run("list", "--all", "--json").json().get(0);
        assertEquals("0000:00:00.0", bridge.get("bdf").asText());
        assertFalse(bridge.get("virtio").asBoolean());
        assertTrue(bridge.get("virtioType").isNull());
        assertTrue(bridge.get("driver").isNull());
    }

    // ---- show -------------------------------------------------------------------------------------------

    @Test
    void showBlockText() {
        Run r = run("show", "0000:00:02.0");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("0000:00:02.0  1af4:1042  virtio block (Virtio Device ID 2, modern)", lines.get(0));
        assertTrue(lines.contains("  driver virtio-pci, IOMMU group -, NUMA node -"), r.out());
        assertTrue(lines.contains("  BAR0    mem 64-bit  0x0000004000080000-0x00000040000fffff  size 0x80000"), r.out());
        assertTrue(lines.contains(
                "  [0x40] virtio common cfg (cap 0x09, next 0x50): bar 0, offset 0x0, length 0x38, cap_len 16"), r.out());
        int common = lines.indexOf(
                "  [0x40] virtio common cfg (cap 0x09, next 0x50): bar 0, offset 0x0, length 0x38, cap_len 16");
        assertEquals("         note: 1.0 layout, no admin-queue fields (length < 64)", lines.get(common + 1));
        assertTrue(lines.contains(
                "  [0x50] virtio ISR cfg (cap 0x09, next 0x60): bar 0, offset 0x2000, length 0x1, cap_len 16"), r.out());
        assertTrue(lines.contains(
                "  [0x60] virtio device cfg (cap 0x09, next 0x70): bar 0, offset 0x4000, length 0x1000, cap_len 16"),
                r.out());
        assertTrue(lines.contains("  [0x70] virtio notify cfg (cap 0x09, next 0x84): bar 0, offset 0x6000, length 0x1000,"
                + " notify_off_multiplier 4, cap_len 20"), r.out());
        assertTrue(lines.contains(
                "  [0x84] virtio pci_cfg access (cap 0x09, next 0x98): bar 0, offset 0x0, length 0x0, cap_len 20"),
                r.out());
        assertTrue(lines.contains("  [0x98] MSI-X (cap 0x11, next 0x00): table size 2, enabled, function mask off,"
                + " table BAR 0 offset 0x8000, PBA BAR 0 offset 0x48000"), r.out());
        assertEquals("Problems", lines.get(lines.size() - 2));
        assertEquals("  none", lines.get(lines.size() - 1));
        assertFalse(r.out().contains("Extended capabilities"), "256-byte config has no extended space");
    }

    @Test
    void showAcceptsShortBdf() {
        Run r = run("show", "00:04.0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("0000:00:04.0  1af4:1053  virtio vsock (Virtio Device ID 19, modern)\n"), r.out());
        assertTrue(r.out().contains("MSI-X (cap 0x11, next 0x00): table size 4,"), r.out());
    }

    @Test
    void showBlockJson() throws Exception {
        Run r = run("show", "0000:00:02.0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = r.json();
        assertEquals("0000:00:02.0", o.get("bdf").asText());
        assertEquals("block", o.get("virtioType").asText());
        assertFalse(o.get("transitional").asBoolean());
        assertEquals(0x018000, o.get("classCode").asInt());
        assertEquals(256, o.get("header").get("configLength").asInt());
        assertEquals(0x40, o.get("header").get("capabilitiesPointer").asInt());
        assertEquals("MEM64", o.get("header").get("bars").get(0).get("kind").asText());
        assertEquals(0x40_0008_0000L, o.get("header").get("bars").get(0).get("address").asLong());
        assertEquals(0x80000, o.get("resources").get(0).get("size").asLong());
        assertTrue(o.get("resources").get(0).get("mem64").asBoolean());

        JsonNode caps = o.get("capabilities");
        assertEquals(6, caps.size());
        JsonNode common = caps.get(0);
        assertEquals("virtio", common.get("kind").asText());
        assertEquals("common", common.get("cfgTypeName").asText());
        assertEquals(1, common.get("cfgType").asInt());
        assertEquals(0x40, common.get("offset").asInt());
        assertEquals(0, common.get("bar").asInt());
        assertEquals(0, common.get("barOffset").asLong());
        assertEquals(0x38, common.get("length").asLong());
        assertFalse(common.get("adminQueueFields").asBoolean());
        assertEquals(ShowCommand.NOTE_1_0_LAYOUT, common.get("notes").get(0).asText());
        assertEquals(List.of("common", "isr", "device", "notify", "pci_cfg"),
                List.of(0, 1, 2, 3, 4).stream().map(i -> caps.get(i).get("cfgTypeName").asText()).toList());
        assertEquals(4, caps.get(3).get("notifyOffMultiplier").asLong());
        assertEquals(0x6000, caps.get(3).get("barOffset").asLong());
        JsonNode msix = caps.get(5);
        assertEquals("msix", msix.get("kind").asText());
        assertEquals(0x11, msix.get("capId").asInt());
        assertEquals(2, msix.get("tableSize").asInt());
        assertTrue(msix.get("enabled").asBoolean());
        assertEquals(0x8000, msix.get("tableOffset").asLong());
        assertEquals(0x48000, msix.get("pbaOffset").asLong());
        assertEquals(0, o.get("extendedCapabilities").size());
        assertEquals(0, o.get("problems").size());
    }

    @Test
    void showHostBridge() throws Exception {
        Run r = run("show", "0000:00:00.0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("0000:00:00.0  8086:0d57  not a virtio device\n"), r.out());
        assertTrue(r.out().contains("Capabilities\n  none\nExtended capabilities\n  none\n"), r.out());
        assertTrue(r.out().contains("(no capability list)"), r.out());
        JsonNode o = run("show", "0000:00:00.0", "--json").json();
        assertFalse(o.get("virtio").asBoolean());
        assertEquals(4096, o.get("header").get("configLength").asInt());
    }

    @Test
    void showSriovPhysicalFunction() throws Exception {
        Path dir = root.resolve("bus/pci/devices/0000:00:03.0");
        byte[] config = java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("config")), 4096);
        putLe(config, 0x100, 0x0001_0010);      // SR-IOV, version 1, last
        putLe(config, 0x108, 0x0009);           // VF Enable + VF MSE
        putLe(config, 0x10c, 0x0008_0008);      // InitialVFs 8, TotalVFs 8
        putLe(config, 0x110, 2);                // NumVFs 2
        putLe(config, 0x114, 0x0001_0080);      // First VF Offset 0x80, VF Stride 1
        putLe(config, 0x118, 0x1041_0000);      // VF Device ID 0x1041
        putLe(config, 0x124, 0xe000_000c);      // VF BAR0 64-bit prefetchable
        putLe(config, 0x128, 0x0000_0001);
        Files.write(dir.resolve("config"), config);
        Files.writeString(dir.resolve("sriov_totalvfs"), "8\n");
        Files.writeString(dir.resolve("sriov_numvfs"), "2\n");
        Files.createSymbolicLink(dir.resolve("virtfn0"), Path.of("../0000:00:03.1"));
        Files.createSymbolicLink(dir.resolve("virtfn1"), Path.of("../0000:00:03.2"));

        Run r = run("show", "0000:00:03.0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  SR-IOV: 2/8 VFs enabled, VFs [0000:00:03.1, 0000:00:03.2]\n"), r.out());
        assertTrue(r.out().contains("  [0x100] SR-IOV (ext cap 0x0010 v1, next 0x000): TotalVFs 8, InitialVFs 8,"
                + " NumVFs 2, First VF Offset 128, VF Stride 1, VF Device ID 0x1041, VF Enable on, VF MSE on,"
                + " VF Migration Capable off, ARI Capable Hierarchy off, System Page Size 0x0,"
                + " Supported Page Sizes 0x0\n"), r.out());
        assertTrue(r.out().contains("           VF BAR0: MEM64 prefetchable at 0x1e0000000\n"), r.out());

        JsonNode s = run("show", "0000:00:03.0", "--json").json();
        JsonNode ext = s.get("extendedCapabilities").get(0);
        assertEquals("sriov", ext.get("kind").asText());
        assertEquals(8, ext.get("totalVfs").asInt());
        assertEquals(2, ext.get("numVfs").asInt());
        assertEquals(0x1041, ext.get("vfDeviceId").asInt());
        assertTrue(ext.get("vfEnable").asBoolean());
        assertEquals(0x1_e000_0000L, ext.get("vfBars").get(0).get("address").asLong());
        assertEquals("0000:00:03.2", s.get("virtfns").get(1).asText());

        assertTrue(run("list").out().contains("0000:00:03.0  network  1af4:1041      virtio-pci  -      2/8\n"));
        JsonNode listed = run("list", "--json").json().get(2);
        assertEquals(2, listed.get("numVfs").asInt());
        assertEquals(8, listed.get("totalVfs").asInt());
    }

    private static void putLe(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    // ---- errors -----------------------------------------------------------------------------------------

    @Test
    void badBdfIsAUsageError() {
        Run r = run("show", "0000:00:02.8");
        assertEquals(ExitCodes.USAGE, r.code());
        assertEquals("", r.out());
        assertEquals("virtio-cli: Invalid value for positional parameter at index 0 (BDF): invalid PCI address"
                + " '0000:00:02.8': function 8 out of range 0-7 (see 'virtio-cli --help')\n", r.err());
    }

    @Test
    void unknownBdfExitsWith3() {
        Run r = run("show", "0000:00:09.0");
        assertEquals(ExitCodes.NO_SUCH_FUNCTION, r.code());
        assertEquals("", r.out());
        assertEquals("virtio-cli: no PCI function 0000:00:09.0 (looked for "
                + root.resolve("bus/pci/devices/0000:00:09.0") + ")\n", r.err());
    }

    @Test
    void missingSysfsTreeExitsWith4() {
        CommandLine cmd = VirtioCli.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        cmd.setOut(new PrintWriter(new StringWriter()));
        int code = cmd.execute("list", "--sysfs-root", tmp.resolve("nothing").toString());
        assertEquals(ExitCodes.DATA_ERROR, code);
        assertEquals("virtio-cli: " + tmp.resolve("nothing/bus/pci/devices")
                + ": not a directory: no PCI bus in this sysfs tree\n", err.toString());
    }

    @Test
    void undecodableConfigExitsWith4() throws Exception {
        Files.write(root.resolve("bus/pci/devices/0000:00:05.0/config"), new byte[10]);
        Run r = run("show", "0000:00:05.0");
        assertEquals(ExitCodes.DATA_ERROR, r.code());
        assertEquals("virtio-cli: 0000:00:05.0: config space cannot be decoded: config space is 10 bytes;"
                + " the standard header alone needs 64\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void truncatedConfigIsShownWithItsProblem() throws Exception {
        // What a non-root user reads from sysfs: only the 64-byte header.
        Path config = root.resolve("bus/pci/devices/0000:00:05.0/config");
        Files.write(config, java.util.Arrays.copyOf(Files.readAllBytes(config), 64));
        Run r = run("show", "0000:00:05.0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode p = r.json().get("problems").get(0);
        assertEquals("POINTER_BEYOND_DATA", p.get("kind").asText());
        assertEquals(0x34, p.get("offset").asInt());
    }

    @Test
    void missingMandatoryFileExitsWith4() throws Exception {
        Path vendor = root.resolve("bus/pci/devices/0000:00:02.0/vendor");
        Files.delete(vendor);
        Run r = run("show", "0000:00:02.0");
        assertEquals(ExitCodes.DATA_ERROR, r.code());
        assertEquals("virtio-cli: " + vendor + ": missing\n", r.err());
    }

    @Test
    void usageErrors() {
        Run none = run();
        assertEquals(ExitCodes.USAGE, none.code());
        assertEquals("virtio-cli: missing command: try 'demo', 'list' or 'show BDF' (see 'virtio-cli --help')\n", none.err());
        Run unknown = run("list", "--bogus");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertEquals("virtio-cli: Unknown option: '--bogus' (see 'virtio-cli --help')\n", unknown.err());
        Run missing = run("show");
        assertEquals(ExitCodes.USAGE, missing.code());
        assertEquals(1, missing.err().lines().count(), missing.err());
    }

    @Test
    void helpListsExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Exit codes:"), r.out());
        assertTrue(r.out().contains("3   no such PCI function"), r.out());
        assertTrue(r.out().contains("list"), r.out());
        assertTrue(r.out().contains("show"), r.out());
    }

    @Test
    void unexpectedExceptionsMapToInternal() {
        assertEquals(ExitCodes.INTERNAL, VirtioCli.exitCode(new IllegalStateException("bug")));
        assertEquals(ExitCodes.DATA_ERROR, VirtioCli.exitCode(new DataException("x", null)));
    }
}
