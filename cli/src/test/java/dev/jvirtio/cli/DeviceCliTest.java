package dev.jvirtio.cli;

import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.vfio.VfioException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static dev.jvirtio.cli.HostTree.BLK;
import static dev.jvirtio.cli.HostTree.HOST_BRIDGE;
import static dev.jvirtio.cli.HostTree.NET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code --device BDF} error paths on a copy of this machine's sysfs and a temporary /dev: every run passes
 * {@code --sysfs-root} and {@code --dev-root}, so the VFIO checks look at the test tree only, and no test opens
 * anything of the live system. Where a VFIO node must exist, a plain temporary file stands in for it.
 */
class DeviceCliTest {

    @TempDir
    Path tmp;

    HostTree host;

    @BeforeEach
    void setUp() {
        host = new HostTree(tmp);
    }

    /** Runs an admin command against {@code --device} on the test tree; returns the exit code and stderr. */
    record Run(int code, String out, String err) {
        String oneErrorLine() {
            List<String> l = err.lines().toList();
            assertEquals(1, l.size(), "one error line, got: " + err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertTrue(l.get(0).startsWith("virtio-cli: "), l.get(0));
            return l.get(0);
        }
    }

    Run device(String bdf, String... extra) {
        List<String> args = new ArrayList<>(List.of("vf", "list", "--device", bdf, "--sysfs-root", host.sys.toString(),
                "--dev-root", host.dev.toString()));
        args.addAll(Arrays.asList(extra));
        CommandLine cmd = VirtioCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** Takes {@code bdf} to vfio-pci in the tree, in IOMMU group 7. */
    void onVfio(String bdf) {
        host.bindLink(bdf, "vfio-pci").iommuGroup(7, bdf);
    }

    void node(String relative) throws Exception {
        host.write(host.dev.resolve(relative), "");
    }

    @Test
    void thisHostsDiskFunctionFailsBeforeAnythingIsOpened() throws Exception {
        // 0000:00:02.0 carries this machine's root disk and is bound to virtio-pci. Plain files stand in for the
        // VFIO nodes: had the driver check not come first, opening them would fail differently.
        node("vfio/vfio");
        node("vfio/7");
        host.iommuGroup(7, BLK);
        byte[] config = Files.readAllBytes(host.function(BLK).resolve("config"));
        Run r = device(BLK);
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        assertEquals("virtio-cli: 0000:00:02.0 is bound to the kernel driver virtio-pci, not vfio-pci, so it cannot"
                + " be driven through VFIO (nothing was touched): take it over first with 'virtio-cli bind"
                + " 0000:00:02.0' (as root; it refuses a function the host is using)", r.oneErrorLine());
        assertEquals("", r.out());
        assertArrayEquals(config, Files.readAllBytes(host.function(BLK).resolve("config")));
    }

    @Test
    void unboundFunctionIsPointedAtBindToo() {
        host.unbound(NET);
        Run r = device("00:03.0");
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        assertTrue(r.oneErrorLine().contains("0000:00:03.0 is bound to no driver, not vfio-pci"), r.err());
        assertTrue(r.err().contains("'virtio-cli bind 0000:00:03.0'"), r.err());
    }

    @Test
    void badAddressMissingFunctionAndNonVirtioFunction() {
        CommandLine cmd = VirtioCli.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err));
        assertEquals(ExitCodes.USAGE, cmd.execute("vf", "list", "--device", "zz:1"));
        assertTrue(err.toString().contains("zz:1"), err.toString());

        Run absent = device("0000:00:09.0");
        assertEquals(ExitCodes.NO_SUCH_FUNCTION, absent.code(), absent.err());
        assertTrue(absent.oneErrorLine().contains("no PCI function 0000:00:09.0"), absent.err());

        onVfio(HOST_BRIDGE);
        Run bridge = device(HOST_BRIDGE);
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, bridge.code(), bridge.err());
        assertEquals("virtio-cli: 0000:00:00.0 is not a virtio function (vendor 0x8086, device 0x0d57)",
                bridge.oneErrorLine());
    }

    @Test
    void noIommuGroupExplainsTheIommuAndTheCliOption() {
        host.bindLink(BLK, "vfio-pci");   // as it would be after a bind on this machine, which has no IOMMU
        Run r = device(BLK);
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        String line = r.oneErrorLine();
        assertTrue(line.contains("0000:00:02.0 has no IOMMU group"), line);
        assertTrue(line.contains("intel_iommu=on"), line);
        assertTrue(line.contains("--vfio-backend noiommu"), line);
    }

    @Test
    void missingVfioNodesSayToLoadTheModule() {
        onVfio(BLK);
        Run r = device(BLK);
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        String line = r.oneErrorLine();
        assertTrue(line.contains(host.dev.resolve("vfio") + " does not exist"), line);
        assertTrue(line.contains("modprobe vfio-pci"), line);
    }

    @Test
    void onlyANoIommuGroupNeedsTheExplicitBackend() throws Exception {
        onVfio(BLK);
        node("vfio/vfio");
        node("vfio/noiommu-7");
        Run r = device(BLK);
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        String line = r.oneErrorLine();
        assertTrue(line.contains("only a no-IOMMU group exists"), line);
        assertTrue(line.contains("--vfio-backend noiommu"), line);
        assertFalse(line.contains("VfioBackend"), "CLI words, not Java names: " + line);
    }

    @Test
    void iommufdAskedForWithoutKernelSupportSuggestsType1() throws Exception {
        onVfio(BLK);
        node("vfio/vfio");
        node("vfio/7");
        Run r = device(BLK, "--vfio-backend", "IOMMUFD");
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        String line = r.oneErrorLine();
        assertTrue(line.contains("iommufd backend unavailable"), line);
        assertTrue(line.contains("--vfio-backend type1"), line);

        Run bogus = device(BLK, "--vfio-backend", "vhost");
        assertEquals(ExitCodes.USAGE, bogus.code());
        assertTrue(bogus.oneErrorLine().contains("unknown VFIO backend 'vhost': use auto, type1, iommufd or noiommu"),
                bogus.err());
    }

    @Test
    void filesThatAreNoVfioNodesFailCleanly() throws Exception {
        // The real open path: the container "node" is a plain file, so the first VFIO ioctl gets ENOTTY.
        onVfio(BLK);
        node("vfio/vfio");
        node("vfio/7");
        Run r = device(BLK, "--vfio-backend", "type1");
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        assertTrue(r.oneErrorLine().contains("is not a VFIO container"), r.err());
    }

    @Test
    void unreadableNodesArePermissionErrorsForNonRootUsers() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root opens a mode-000 file anyway");
        onVfio(BLK);
        node("vfio/vfio");
        node("vfio/7");
        for (String n : List.of("vfio/vfio", "vfio/7")) {
            Files.setPosixFilePermissions(host.dev.resolve(n), PosixFilePermissions.fromString("---------"));
        }
        Run r = device(BLK);
        assertEquals(ExitCodes.PERMISSION_DENIED, r.code(), r.err());
        assertTrue(r.oneErrorLine().contains("run as root"), r.err());
    }

    @Test
    void everyVfioErrorKindGetsItsExitCodeAndCliWords() {
        PciAddress bdf = PciAddress.parse(BLK);
        for (VfioException.Kind k : VfioException.Kind.values()) {
            VfioException e = new VfioException(k, bdf, "detail for " + k + "; or use VfioBackend.TYPE1");
            Exception cli = VfioErrors.translate(e, bdf, Optional.of("virtio-pci"), host.sys);
            int expected = switch (k) {
                case NO_SUCH_FUNCTION -> ExitCodes.NO_SUCH_FUNCTION;
                case PERMISSION_DENIED -> ExitCodes.PERMISSION_DENIED;
                default -> ExitCodes.DEVICE_UNAVAILABLE;
            };
            assertEquals(expected, VirtioCli.exitCode(cli), k.toString());
            assertEquals(expected, VirtioCli.exitCode(e), "untranslated " + k);
            assertFalse(cli.getMessage().contains("VfioBackend."), cli.getMessage());
            if (k == VfioException.Kind.PERMISSION_DENIED) {
                assertInstanceOf(PermissionDeniedException.class, cli);
                assertTrue(cli.getMessage().contains("--vfio-backend type1"), cli.getMessage());
            }
        }
    }
}
