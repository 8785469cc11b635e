package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.sysfs.PciFunctionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code virtio-cli list}: one line per virtio PCI function (all functions with {@code --all}). */
@Command(name = "list", description = "List virtio PCI functions: BDF, virtio type, vendor:device, bound driver,"
        + " IOMMU group, VFs (numvfs/totalvfs).")
final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--all", description = "Also list functions that are not virtio devices.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        List<PciFunctionInfo> functions = new ArrayList<>();
        for (PciFunctionInfo f : common.sysfs().scan()) {
            if (all || f.virtio().isPresent()) {
                functions.add(f);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            for (PciFunctionInfo f : functions) {
                array.add(json(f));
            }
            out.println(Json.write(array));
        } else {
            out.print(text(functions));
        }
        out.flush();
        return ExitCodes.OK;
    }

    static ObjectNode json(PciFunctionInfo f) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("bdf", f.address().toString());
        Optional<VirtioIdentity> v = f.virtio();
        o.put("virtio", v.isPresent());
        if (v.isPresent()) {
            o.put("virtioType", v.get().typeName());
            o.put("virtioDeviceId", v.get().deviceId());
        } else {
            o.putNull("virtioType");
            o.putNull("virtioDeviceId");
        }
        o.put("vendorId", f.vendorId());
        o.put("deviceId", f.deviceId());
        o.put("vendorDevice", Text.ids(f.vendorId(), f.deviceId()));
        Json.putOptional(o, "driver", f.driver());
        Json.putOptional(o, "iommuGroup", f.iommuGroup());
        if (f.sriov().isPresent()) {
            o.put("numVfs", f.sriov().get().numVfs());
            o.put("totalVfs", f.sriov().get().totalVfs());
        } else {
            o.putNull("numVfs");
            o.putNull("totalVfs");
        }
        return o;
    }

    static String text(List<PciFunctionInfo> functions) {
        Text.Table t = new Text.Table("BDF", "TYPE", "VENDOR:DEVICE", "DRIVER", "IOMMU", "VFS");
        for (PciFunctionInfo f : functions) {
            t.row(f.address().toString(),
                    f.virtio().map(VirtioIdentity::typeName).orElse("-"),
                    Text.ids(f.vendorId(), f.deviceId()),
                    f.driver().orElse("-"),
                    f.iommuGroup().isPresent() ? Integer.toString(f.iommuGroup().getAsInt()) : "-",
                    f.sriov().map(s -> s.numVfs() + "/" + s.totalVfs()).orElse("-"));
        }
        return t.render();
    }
}
