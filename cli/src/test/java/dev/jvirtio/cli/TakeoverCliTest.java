package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvirtio.pci.sysfs.SysfsWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.jvirtio.cli.HostTree.BALLOON;
import static dev.jvirtio.cli.HostTree.BLK;
import static dev.jvirtio.cli.HostTree.NET;
import static dev.jvirtio.cli.HostTree.RNG;
import static dev.jvirtio.cli.HostTree.VSOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bind} and {@code unbind}, run in-process on a copy of this machine's sysfs in a temporary directory
 * with fake /proc tables, writing through a fake kernel that refuses any path outside the tree. Every run
 * passes {@code --sysfs-root} and {@code --proc-root}: nothing here reads /proc or touches the live /sys.
 */
class TakeoverCliTest {

    @TempDir
    Path tmp;

    HostTree host;
    HostTree.FakeKernel kernel;

    @BeforeEach
    void setUp() {
        host = new HostTree(tmp);
        kernel = host.new FakeKernel("virtio-pci");
    }

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        String oneErrorLine() {
            assertEquals(1, errLines().size(), "one error line, got: " + err);
            assertFalse(err.contains("\tat "), "no stack trace: " + err);
            assertTrue(errLines().get(0).startsWith("virtio-cli: "), err);
            return errLines().get(0);
        }
    }

    /** Runs {@code virtio-cli args} on the test tree, with the fake kernel as the sysfs writer. */
    Run cli(SysfsWriter writer, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--sysfs-root", host.sys.toString()));
        if (args[0].equals("bind")) {
            all.addAll(List.of("--proc-root", host.proc.toString()));
        }
        CommandLine cmd = VirtioCli.commandLine(writer);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    Run cli(String... args) {
        return cli(kernel, args);
    }

    static final String REFUSED = "virtio-cli: bind refused: ";

    // ---- refusals ---------------------------------------------------------------------------------------

    @Test
    void rootDiskIsRefusedWithOneLinePerReasonAndNothingWritten() {
        Run r = cli("bind", BLK);
        assertEquals(ExitCodes.TAKEOVER_REFUSED, r.code(), r.err());
        assertEquals(List.of(
                REFUSED + "mounted-filesystem: block device vda of 0000:00:02.0 is mounted on / (from /dev/root)",
                REFUSED + "kernel-driver: 0000:00:02.0 is bound to the kernel driver virtio-pci; the CLI takes a"
                        + " function away from a kernel driver only with --force",
                "virtio-cli: 0000:00:02.0 was left as it is (nothing written); --force overrides these checks, at the"
                        + " cost they name"), r.errLines());
        assertEquals("", r.out());
        assertEquals(List.of(), kernel.log);
        assertEquals("virtio-pci", host.driver(BLK));
        assertEquals("(null)\n", host.read(host.function(BLK).resolve("driver_override")));
    }

    @Test
    void defaultRouteInterfaceIsRefused() {
        Run r = cli("bind", NET);
        assertEquals(ExitCodes.TAKEOVER_REFUSED, r.code(), r.err());
        assertEquals(REFUSED + "default-route: network interface eth0 of 0000:00:03.0 carries the IPv4 default route",
                r.errLines().get(0));
        assertTrue(r.errLines().get(1).startsWith(REFUSED + "kernel-driver: "), r.err());
        assertEquals(List.of(), kernel.log);
    }

    @Test
    void swapOnADiskOfTheFunctionIsRefused() {
        host.disk(VSOCK, "virtio3", "vdb", "254:16")
                .write(host.proc.resolve("swaps"), "Filename\tType\tSize\tUsed\tPriority\n/dev/vdb partition 1048572 0 -2\n");
        Run r = cli("bind", VSOCK);
        assertEquals(ExitCodes.TAKEOVER_REFUSED, r.code(), r.err());
        assertEquals(REFUSED + "active-swap: block device vdb of 0000:00:04.0 is in use as swap (/dev/vdb)",
                r.errLines().get(0));
        assertEquals(List.of(), kernel.log);
    }

    @Test
    void iommuGroupSharedWithAFunctionInUseIsRefused() {
        host.iommuGroup(7, VSOCK, RNG);
        Run r = cli("bind", VSOCK);
        assertEquals(ExitCodes.TAKEOVER_REFUSED, r.code(), r.err());
        assertEquals(REFUSED + "iommu-group-shared: IOMMU group of 0000:00:04.0 also holds 0000:00:05.0, bound to"
                + " virtio-pci; VFIO can only use the group once every member is on vfio-pci", r.errLines().get(0));
        assertEquals(List.of(), kernel.log);
    }

    @Test
    void aKernelDriverAloneNeedsForceEvenWithoutAnyHazard() throws Exception {
        Run r = cli("bind", VSOCK, "--json");
        assertEquals(ExitCodes.TAKEOVER_REFUSED, r.code(), r.err());
        assertEquals(2, r.errLines().size(), r.err());
        assertEquals(REFUSED + "kernel-driver: 0000:00:04.0 is bound to the kernel driver virtio-pci; the CLI takes"
                + " a function away from a kernel driver only with --force", r.errLines().get(0));
        JsonNode j = r.json();
        assertEquals("refused", j.get("result").asText());
        assertEquals("virtio-pci", j.get("driverBefore").asText());
        assertEquals(1, j.get("reasons").size());
        assertEquals("kernel-driver", j.get("reasons").get(0).get("name").asText());
        assertEquals(0, j.get("writes").size());
        assertEquals(List.of(), kernel.log);
    }

    // ---- binding ----------------------------------------------------------------------------------------

    static List<String> bindWrites(String bdf) {
        return List.of(
                "bus/pci/devices/" + bdf + "/driver_override <- vfio-pci",
                "bus/pci/devices/" + bdf + "/driver/unbind <- " + bdf,
                "bus/pci/drivers_probe <- " + bdf);
    }

    @Test
    void forceBindsThroughOverrideUnbindProbeAndWarnsPerReason() {
        Run r = cli("bind", VSOCK, "--force");
        assertEquals(0, r.code(), r.err());
        assertEquals(bindWrites(VSOCK), kernel.log);
        // The tree after the writes: override set, vfio-pci bound, the old driver got the unbind.
        assertEquals("vfio-pci", host.read(host.function(VSOCK).resolve("driver_override")));
        assertEquals(VSOCK, host.read(host.sys.resolve("bus/pci/drivers/virtio-pci/unbind")));
        assertEquals(VSOCK, host.read(host.sys.resolve("bus/pci/drivers_probe")));
        assertEquals("vfio-pci", host.driver(VSOCK));
        assertEquals(List.of("virtio-cli: warning: --force overrides kernel-driver: 0000:00:04.0 is bound to the"
                + " kernel driver virtio-pci; the CLI takes a function away from a kernel driver only with --force"),
                r.errLines());
        assertTrue(r.out().contains("  \"vfio-pci\" > " + host.function(VSOCK).resolve("driver_override")), r.out());
        assertTrue(r.out().contains("0000:00:04.0 is now bound to vfio-pci (was virtio-pci); 'virtio-cli unbind"
                + " 0000:00:04.0' gives it back"), r.out());
    }

    @Test
    void forceOnTheRootDiskWarnsAboutTheMountAndStillBinds() throws Exception {
        Run r = cli("bind", BLK, "--force", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(bindWrites(BLK), kernel.log);
        assertEquals("vfio-pci", host.driver(BLK));
        assertTrue(r.errLines().get(0).startsWith("virtio-cli: warning: --force overrides mounted-filesystem: block"
                + " device vda of 0000:00:02.0 is mounted on /"), r.err());
        JsonNode j = r.json();
        assertEquals("bound", j.get("result").asText());
        assertTrue(j.get("force").asBoolean());
        assertEquals("virtio-pci", j.get("driverBefore").asText());
        assertEquals("vfio-pci", j.get("driverAfter").asText());
        assertEquals(2, j.get("reasons").size());
        JsonNode w = j.get("writes");
        assertEquals(3, w.size());
        assertEquals(host.function(BLK).resolve("driver_override").toString(), w.get(0).get("file").asText());
        assertEquals("vfio-pci", w.get(0).get("value").asText());
        assertEquals(host.sys.resolve("bus/pci/drivers_probe").toString(), w.get(2).get("file").asText());
        assertEquals(BLK, w.get(2).get("value").asText());
    }

    @Test
    void dryRunPrintsExactlyTheWritesARealRunMakesAndWritesNothing() throws Exception {
        Run dry = cli("bind", VSOCK, "--force", "--dry-run", "--json");
        assertEquals(0, dry.code(), dry.err());
        assertEquals(List.of(), kernel.log, "a dry run writes nothing");
        assertEquals("virtio-pci", host.driver(VSOCK));
        JsonNode j = dry.json();
        assertEquals("would-bind", j.get("result").asText());
        assertTrue(j.get("dryRun").asBoolean());
        List<String> planned = new ArrayList<>();
        for (JsonNode w : j.get("writes")) {
            planned.add(host.sys.relativize(Path.of(w.get("file").asText())) + " <- " + w.get("value").asText());
        }
        assertEquals(bindWrites(VSOCK), planned);

        Run text = cli("bind", VSOCK, "--force", "--dry-run");
        assertEquals(0, text.code(), text.err());
        assertEquals(List.of("dry run: bind 0000:00:04.0 would write 3 sysfs files:",
                "  \"vfio-pci\" > " + host.function(VSOCK).resolve("driver_override"),
                "  \"0000:00:04.0\" > " + host.function(VSOCK).resolve("driver/unbind"),
                "  \"0000:00:04.0\" > " + host.sys.resolve("bus/pci/drivers_probe")), text.out().lines().toList());

        assertEquals(0, cli("bind", VSOCK, "--force").code());
        assertEquals(planned, kernel.log, "the real run made the writes the dry run listed");
    }

    @Test
    void dryRunStillRefuses() {
        Run r = cli("bind", BLK, "--dry-run");
        assertEquals(ExitCodes.TAKEOVER_REFUSED, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(List.of(), kernel.log);
    }

    @Test
    void anUnboundFunctionWithoutHazardsNeedsNoForceAndSkipsTheUnbind() {
        host.unbound(BALLOON);
        Run r = cli("bind", "00:01.0");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("bus/pci/devices/0000:00:01.0/driver_override <- vfio-pci",
                "bus/pci/drivers_probe <- 0000:00:01.0"), kernel.log);
        assertEquals("vfio-pci", host.driver(BALLOON));
        assertEquals("", r.err());
        assertTrue(r.out().contains("(was unbound)"), r.out());
    }

    @Test
    void alreadyOnVfioPciIsNothingToDo() throws Exception {
        host.bindLink(VSOCK, "vfio-pci");
        Run r = cli("bind", VSOCK, "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals("already-bound", r.json().get("result").asText());
        assertEquals(List.of(), kernel.log);
        Run t = cli("bind", VSOCK);
        assertEquals("0000:00:04.0 is already bound to vfio-pci: nothing to do", t.out().strip());
    }

    // ---- failures ---------------------------------------------------------------------------------------

    @Test
    void badAddressAndMissingFunction() {
        Run bad = cli("bind", "00:1f.9");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertTrue(bad.oneErrorLine().contains("00:1f.9"), bad.err());
        Run missing = cli("bind", "0000:00:09.0", "--force");
        assertEquals(ExitCodes.NO_SUCH_FUNCTION, missing.code());
        assertTrue(missing.oneErrorLine().contains("no PCI function 0000:00:09.0"), missing.err());
        Run missingUnbind = cli("unbind", "0000:00:09.0");
        assertEquals(ExitCodes.NO_SUCH_FUNCTION, missingUnbind.code());
        assertTrue(missingUnbind.oneErrorLine().contains("no PCI function 0000:00:09.0"), missingUnbind.err());
        assertEquals(List.of(), kernel.log);
    }

    @Test
    void missingMountTableIsAnErrorNeverSafe() throws Exception {
        Files.delete(host.proc.resolve("self/mountinfo"));
        Run r = cli("bind", BLK, "--force");
        assertEquals(ExitCodes.DATA_ERROR, r.code(), r.err());
        String line = r.oneErrorLine();
        assertTrue(line.contains("cannot check whether the host uses 0000:00:02.0"), line);
        assertTrue(line.contains("mountinfo does not exist"), line);
        assertEquals(List.of(), kernel.log, "even --force does not bind what could not be checked");
    }

    @Test
    void vfioPciNotLoaded() throws Exception {
        Files.delete(host.sys.resolve("bus/pci/drivers/vfio-pci"));
        Run r = cli("bind", VSOCK, "--force");
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        assertTrue(r.errLines().get(r.errLines().size() - 1).contains("modprobe vfio-pci"), r.err());
        assertEquals(List.of(), kernel.log);
    }

    @Test
    void writesRefusedByTheKernelNeedRoot() {
        SysfsWriter eacces = (file, value) -> {
            throw new AccessDeniedException(file.toString());
        };
        Run r = cli(eacces, "bind", VSOCK, "--force");
        assertEquals(ExitCodes.PERMISSION_DENIED, r.code(), r.err());
        String last = r.errLines().get(r.errLines().size() - 1);
        assertTrue(last.contains("driver_override") && last.contains("needs root"), last);

        SysfsWriter eperm = (file, value) -> {
            throw new FileSystemException(file.toString(), null, "Operation not permitted");
        };
        Run u = cli(eperm, "unbind", RNG, "--dry-run");
        assertEquals(ExitCodes.TAKEOVER_REFUSED, u.code(), "rng is on virtio-pci: unbind refuses before writing");
        host.bindLink(RNG, "vfio-pci");
        Run u2 = cli(eperm, "unbind", RNG);
        assertEquals(ExitCodes.PERMISSION_DENIED, u2.code(), u2.err());
        assertTrue(u2.oneErrorLine().contains("needs root"), u2.err());
    }

    @Test
    void probeThatBindsSomethingElseIsReported() {
        kernel.probeBindsNothing = true;
        Run r = cli("bind", VSOCK, "--force");
        assertEquals(ExitCodes.DEVICE_UNAVAILABLE, r.code(), r.err());
        String last = r.errLines().get(r.errLines().size() - 1);
        assertTrue(last.contains("bound to no driver, not vfio-pci"), last);
    }

    // ---- unbind -----------------------------------------------------------------------------------------

    @Test
    void unbindGivesTheFunctionBackToItsKernelDriver() throws Exception {
        assertEquals(0, cli("bind", VSOCK, "--force").code());
        kernel.log.clear();
        Run r = cli("unbind", VSOCK, "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(
                "bus/pci/devices/0000:00:04.0/driver/unbind <- 0000:00:04.0",
                "bus/pci/devices/0000:00:04.0/driver_override <- \\n",
                "bus/pci/drivers_probe <- 0000:00:04.0"), kernel.log);
        assertEquals("virtio-pci", host.driver(VSOCK));
        assertEquals(VSOCK, host.read(host.sys.resolve("bus/pci/drivers/vfio-pci/unbind")));
        JsonNode j = r.json();
        assertEquals("unbound", j.get("result").asText());
        assertEquals("vfio-pci", j.get("driverBefore").asText());
        assertEquals("virtio-pci", j.get("driverAfter").asText());
        assertEquals("\n", j.get("writes").get(1).get("value").asText());
    }

    @Test
    void unbindDryRunListsTheWritesAndTouchesNothing() {
        host.bindLink(VSOCK, "vfio-pci");
        Run r = cli("unbind", VSOCK, "--dry-run");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(), kernel.log);
        assertEquals("vfio-pci", host.driver(VSOCK));
        assertEquals(List.of("dry run: unbind 0000:00:04.0 would write 3 sysfs files:",
                "  \"0000:00:04.0\" > " + host.function(VSOCK).resolve("driver/unbind"),
                "  \"\\n\" > " + host.function(VSOCK).resolve("driver_override"),
                "  \"0000:00:04.0\" > " + host.sys.resolve("bus/pci/drivers_probe")), r.out().lines().toList());
    }

    @Test
    void unbindRefusesAFunctionAKernelDriverHolds() {
        Run r = cli("unbind", BLK);
        assertEquals(ExitCodes.TAKEOVER_REFUSED, r.code(), r.err());
        assertEquals("virtio-cli: unbind refused: 0000:00:02.0 is bound to virtio-pci, not vfio-pci; unbind only"
                + " gives functions back from vfio-pci (nothing written)", r.oneErrorLine());
        assertEquals(List.of(), kernel.log);
        assertEquals("virtio-pci", host.driver(BLK));
    }

    @Test
    void helpDocumentsTheRulesAndExitCodes() {
        Run h = cli(kernel, "bind", "--help");
        String help = h.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("needs --force even when no hazard is found"), help);
        assertTrue(help.contains("--dry-run"), help);
        Run top = cli(kernel, "unbind", "--help");
        assertTrue(top.out().contains("vfio-pci"), top.out());
        CommandLine cmd = VirtioCli.commandLine();
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.execute("--help");
        String main = out.toString().replaceAll("\\s+", " ");
        assertTrue(main.contains("9 bind refused"), main);
        assertTrue(main.contains("10 permission denied"), main);
        assertTrue(main.contains("bind Bind a PCI function to vfio-pci"), main);
    }
}
