package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.Bytes;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.OpcodeSet;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.cap.CapabilityIdSet;
import dev.jvirtio.admin.migration.DevicePartsSnapshot;
import dev.jvirtio.admin.migration.MigrationFile;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.transport.CommonCfg;
import dev.jvirtio.transport.FeatureSet;
import dev.jvirtio.transport.VirtioFeature;
import dev.jvirtio.transport.VirtioPciDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code virtio-cli demo}: the whole story on the embedded device model in a few seconds. A guest driver brings
 * VF 1 up, the PF discovers its admin commands and capabilities, lists its VFs, migrates VF 1's state into VF 2
 * of a second PF through a file, and verifies that the destination holds exactly the source's state.
 */
@Command(name = "demo", description = "Run the admin-queue story on the embedded device model: discovery, caps,"
        + " VFs, and a live migration of VF 1 into VF 2 of a second PF, verified.")
final class DemoCommand implements Callable<Integer> {

    /** Where the second (destination) PF sits. */
    static final PciAddress SECOND_PF = new PciAddress(0xF001, 0, 0, 0);
    /** Queue addresses the demo's guest driver programs into VF 1: queue q at BASE + q * 0x10000. */
    static final long QUEUE_BASE = 0x1_0000_0000L;
    static final String MAC = "02:de:c0:de:00:01";

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON summary instead of text.")
    boolean json;

    @Option(names = "--trace", description = "Print every admin command in hex on stderr.")
    boolean trace;

    @Option(names = "--same-pf", description = "Restore into VF 2 of the same PF instead of a second PF.")
    boolean samePf;

    @Option(names = "--out", paramLabel = "FILE", description = "Keep the migration file here (default: a"
            + " temporary file, deleted afterwards).")
    Path keep;

    private PrintWriter out;
    private int step;

    private void say(String s) {
        if (!json) {
            out.println(s);
        }
    }

    private void heading(String s) {
        say("");
        say(++step + ". " + s);
    }

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        ObjectNode result = Json.MAPPER.createObjectNode();
        Path file = keep != null ? keep : Files.createTempFile("jvirtio-demo-", ".parts");
        VfNumber vf1 = VfNumber.of(1);
        VfNumber vf2 = VfNumber.of(2);
        try (Target src = Target.embedded(DeviceModelConfig.DEFAULT_PF, trace ? err : null);
             Target other = samePf ? null : Target.embedded(SECOND_PF, trace ? err : null)) {
            Target dst = samePf ? src : other;
            err.println("target: " + src.description() + (samePf ? "" : " and a second one at " + SECOND_PF));
            err.flush();
            result.set("target", src.json());
            result.set("destination", dst.json());
            DeviceModel srcModel = src.model().orElseThrow();
            DeviceModel dstModel = dst.model().orElseThrow();
            say("jvirtio demo: virtio admin virtqueue on a software virtio-net PF (no hardware needed)");

            heading("Discover the admin commands (LIST_QUERY, then LIST_USE, per group type)");
            OpcodeSet self = src.admin().enabledOpcodes(GroupType.SELF);
            OpcodeSet sriov = src.admin().enabledOpcodes(GroupType.SR_IOV);
            say("   self group:   " + self.size() + " in use: " + String.join(", ",
                    AdminGroup.names(self, src.admin().codec().numbering())));
            say("   SR-IOV group: " + sriov.size() + " in use: " + String.join(", ",
                    AdminGroup.names(sriov, src.admin().codec().numbering())));
            result.put("selfOpcodes", self.size());
            result.put("sriovOpcodes", sriov.size());

            heading("Read the device capabilities (CAP_ID_LIST_QUERY, DEVICE_CAP_GET)");
            CapabilityIdSet caps = src.admin().execute(AdminCommands.capIdListQuery());
            ArrayNode capsJson = result.putArray("capabilities");
            for (int id : caps.ids()) {
                say("   " + AdminGroup.describeCap(src, id, capsJson.addObject()));
            }

            heading("A guest driver brings VF 1 up through its own function; the PF sets its MAC");
            try (VirtioPciDevice guest = VirtioPciDevice.attach(srcModel.vf(1).orElseThrow())) {
                FeatureSet wanted = FeatureSet.of(VirtioFeature.VERSION_1, VirtioFeature.ACCESS_PLATFORM)
                        .with(5).with(16).with(17);   // VIRTIO_NET_F_MAC, STATUS, CTRL_VQ
                FeatureSet got = guest.initialize(wanted, FeatureSet.of(VirtioFeature.VERSION_1));
                CommonCfg cc = guest.commonCfg();
                for (int q = 0; q < guest.numQueues(); q++) {
                    cc.queueSelect(q);
                    cc.queueSize(q == 2 ? 64 : 256);
                    cc.queueMsixVector(q);
                    cc.queueDesc(QUEUE_BASE + q * 0x10000L);
                    cc.queueDriver(QUEUE_BASE + q * 0x10000L + 0x4000);
                    cc.queueDevice(QUEUE_BASE + q * 0x10000L + 0x8000);
                    cc.enableQueue();
                }
                guest.driverOk();
                src.admin().execute(AdminCommands.legacyDevCfgWrite(vf1, 0, Bytes.ofHex(MAC)));
                say("   VF 1 (" + src.vfAddress(vf1) + "): features " + got + ", " + guest.numQueues()
                        + " queues configured, DRIVER_OK");

                heading("List the VFs (legacy reads through the PF's admin queue)");
                ObjectNode vfs = Json.MAPPER.createObjectNode();
                new VfTable(src).print(vfs, line -> say("   " + line));
                result.set("vfs", vfs.get("vfs"));

                heading("Save VF 1: stop it, read its device parts, write " + file.getFileName());
                ProgressBar bar = new ProgressBar(err, false);
                long bytes = src.migrator().saveTo(vf1, file, bar);
                DevicePartsSnapshot saved = MigrationFile.read(file, bar);
                for (String line : PartsText.table(saved.parts()).split("\n")) {
                    say("   " + line);
                }
                say("   " + saved.parts().size() + " parts, " + saved.encodedLength() + " bytes of parts, " + bytes
                        + " bytes in the file (with header and CRC32)");
                result.put("parts", saved.parts().size());
                result.put("fileBytes", bytes);

                PciAddress dstAt = dst.vfAddress(vf2);
                heading("Restore into VF 2 of " + dst.pf() + " (" + dstAt + "): stop, set parts, resume");
                dst.migrator().restoreFrom(vf2, file, bar);
                dst.migrator().resume(vf2);
                src.migrator().resume(vf1);   // the demo copies the state; both VFs run on
                say("   restored and resumed; source VF 1 resumed too");

                heading("Verify");
                boolean same = dstModel.engine().member(2).sameStateAs(srcModel.engine().member(1));
                String state = MigrateGroup.state(dst, vf2, result.putObject("destinationState"));
                // Read VF 2's common configuration as its own driver would. Not closed: closing a
                // VirtioPciDevice resets the function, which would wipe the state just migrated.
                VirtioPciDevice moved = VirtioPciDevice.attach(dstModel.vf(2).orElseThrow());
                CommonCfg d = moved.commonCfg();
                boolean queues = d.deviceStatus() == 0x0f && d.driverFeatures().equals(got);
                for (int q = 0; q < moved.numQueues(); q++) {
                    d.queueSelect(q);
                    queues &= d.queueDesc() == QUEUE_BASE + q * 0x10000L
                            && d.queueDriver() == QUEUE_BASE + q * 0x10000L + 0x4000
                            && d.queueDevice() == QUEUE_BASE + q * 0x10000L + 0x8000 && d.queueEnable() == 1;
                }
                say("   device model: destination VF 2 state " + (same ? "equals" : "DIFFERS FROM") + " source VF 1");
                say("   VF 2 common cfg: status, features and queue addresses "
                        + (queues ? "read back as migrated" : "DO NOT read back as migrated"));
                say("   " + state);
                boolean ok = same && queues;
                long ms = (System.nanoTime() - t0) / 1_000_000;
                result.put("verified", ok);
                result.put("elapsedMillis", ms);
                say("");
                say(ok ? "OK: VF 1's state now lives in VF 2 (" + ms + " ms)" : "FAILED: the migrated state does not"
                        + " match");
                if (json) {
                    out.println(Json.write(result));
                }
                out.flush();
                return ok ? ExitCodes.OK : ExitCodes.VERIFY_FAILED;
            }
        } finally {
            if (keep == null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file: nothing else to do
                }
            }
            err.flush();
        }
    }
}
