package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.config.BarRegister;
import dev.jvirtio.pci.config.ConfigHeader;
import dev.jvirtio.pci.config.ConfigProblem;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.ConfigSpaceException;
import dev.jvirtio.pci.config.ExtendedCapability;
import dev.jvirtio.pci.config.GenericCapability;
import dev.jvirtio.pci.config.GenericExtendedCapability;
import dev.jvirtio.pci.config.MalformedCapability;
import dev.jvirtio.pci.config.MalformedExtendedCapability;
import dev.jvirtio.pci.config.MsiCapability;
import dev.jvirtio.pci.config.MsixCapability;
import dev.jvirtio.pci.config.PciCapability;
import dev.jvirtio.pci.config.PcieCapability;
import dev.jvirtio.pci.config.PowerManagementCapability;
import dev.jvirtio.pci.config.SriovCapability;
import dev.jvirtio.pci.config.VirtioCapability;
import dev.jvirtio.pci.config.VirtioCfgType;
import dev.jvirtio.pci.sysfs.PciFunctionInfo;
import dev.jvirtio.pci.sysfs.PciResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import static dev.jvirtio.cli.Text.hex;

/** {@code virtio-cli show BDF}: everything sysfs and config space say about one function. */
@Command(name = "show", description = "Decode one PCI function: IDs, driver, resources, header, every capability"
        + " (virtio structure caps, MSI-X, MSI, PCIe, PM, SR-IOV, ...) and any problems found.")
final class ShowCommand implements Callable<Integer> {

    /** Note printed for a common cfg of exactly the virtio 1.0 size. */
    static final String NOTE_1_0_LAYOUT = "1.0 layout, no admin-queue fields (length < 64)";

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "BDF", converter = PciAddressConverter.class,
            description = "PCI address, e.g. 0000:00:02.0 or 00:02.0.")
    PciAddress address;

    @Override
    public Integer call() throws Exception {
        PciFunctionInfo f = common.sysfs().read(address);
        ConfigSpace cs;
        try {
            cs = f.parseConfig();
        } catch (ConfigSpaceException e) {
            throw new DataException(f.address() + ": config space cannot be decoded: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
            out.println(Json.write(json(f, cs)));
        } else {
            out.print(text(f, cs));
        }
        out.flush();
        return ExitCodes.OK;
    }

    // ---- notes shared by text and JSON ------------------------------------------------------------------

    /** Remarks about a capability: layout notes and the spec's "must ignore" cases. */
    static List<String> notes(PciCapability cap) {
        List<String> notes = new ArrayList<>();
        if (cap instanceof VirtioCapability v) {
            if (v.type() == VirtioCfgType.UNKNOWN) {
                notes.add("reserved cfg_type " + v.cfgType() + ": drivers must ignore this capability");
            }
            if (!v.barValid()) {
                notes.add("reserved BAR " + v.bar() + ": drivers must ignore this capability");
            }
            if (v.type() == VirtioCfgType.COMMON) {
                if (v.length() < VirtioCapability.COMMON_CFG_1_0_LENGTH) {
                    notes.add("shorter than the 1.0 layout (0x38): no queue_device field");
                } else if (v.length() == VirtioCapability.COMMON_CFG_1_0_LENGTH) {
                    notes.add(NOTE_1_0_LAYOUT);
                } else if (!v.hasAdminQueueFields()) {
                    notes.add("no admin-queue fields (length < 64)");
                } else {
                    notes.add("covers admin_queue_index/admin_queue_num (length >= 64)");
                }
            }
        } else if (cap instanceof MsixCapability m && !m.birsValid()) {
            notes.add("reserved BIR (> 5)");
        }
        return notes;
    }

    static String resourceName(PciResource r, boolean sriov) {
        if (r.index() < PciResource.ROM_INDEX) {
            return "BAR" + r.index();
        }
        if (r.index() == PciResource.ROM_INDEX) {
            return "ROM";
        }
        if (sriov && r.index() < PciResource.FIRST_VF_BAR_INDEX + 6) {
            return "VF BAR" + (r.index() - PciResource.FIRST_VF_BAR_INDEX);
        }
        return "resource " + r.index();
    }

    // ---- text -------------------------------------------------------------------------------------------

    static String text(PciFunctionInfo f, ConfigSpace cs) {
        StringBuilder sb = new StringBuilder();
        Optional<VirtioIdentity> v = f.virtio();
        sb.append(f.address()).append("  ").append(Text.ids(f.vendorId(), f.deviceId())).append("  ");
        if (v.isPresent()) {
            sb.append("virtio ").append(v.get().typeName()).append(" (Virtio Device ID ").append(v.get().deviceId())
                    .append(v.get().transitional() ? ", transitional" : ", modern").append(")");
        } else {
            sb.append("not a virtio device");
        }
        sb.append('\n');
        sb.append("  class ").append(String.format("0x%06x", f.classCode()))
                .append(", revision ").append(String.format("0x%02x", f.revision()))
                .append(", subsystem ").append(Text.ids(f.subsystemVendorId(), f.subsystemDeviceId())).append('\n');
        sb.append("  driver ").append(f.driver().orElse("-"))
                .append(", IOMMU group ").append(f.iommuGroup().isPresent() ? f.iommuGroup().getAsInt() : "-")
                .append(", NUMA node ").append(f.numaNode().isPresent() ? f.numaNode().getAsInt() : "-").append('\n');
        f.sriov().ifPresent(s -> sb.append("  SR-IOV: ").append(s.numVfs()).append('/').append(s.totalVfs())
                .append(" VFs enabled").append(s.virtfns().isEmpty() ? "" : ", VFs " + s.virtfns()).append('\n'));
        f.physfn().ifPresent(pf -> sb.append("  virtual function of ").append(pf).append('\n'));

        sb.append("Resources (sysfs)\n");
        boolean any = false;
        for (PciResource r : f.resources()) {
            if (!r.isPresent()) {
                continue;
            }
            any = true;
            sb.append(String.format("  %-7s %s%s%s  0x%016x-0x%016x  size %s%n", resourceName(r, f.sriov().isPresent()),
                    r.typeName(), r.is64Bit() ? " 64-bit" : "", r.isPrefetchable() ? " prefetchable" : "",
                    r.start(), r.end(), hex(r.size())));
        }
        if (!any) {
            sb.append("  none\n");
        }

        ConfigHeader h = cs.header();
        sb.append("Config space (").append(cs.length()).append(" bytes, header type ").append(h.headerType())
                .append(h.multiFunction() ? ", multi-function" : "").append(")\n");
        sb.append(String.format("  command 0x%04x, status 0x%04x, interrupt pin %d, line %d, capabilities pointer 0x%02x%s%n",
                h.command(), h.status(), h.interruptPin(), h.interruptLine(), h.capabilitiesPointer(),
                h.hasCapabilityList() ? "" : " (no capability list)"));
        for (BarRegister b : h.bars()) {
            if (b.raw() == 0 && b.address() == 0) {
                continue;
            }
            sb.append(String.format("  BAR%d register: %s%s at 0x%x%n", b.index(), b.kind(),
                    b.prefetchable() ? " prefetchable" : "", b.address()));
        }

        sb.append("Capabilities\n");
        if (cs.capabilities().isEmpty()) {
            sb.append("  none\n");
        }
        for (PciCapability c : cs.capabilities()) {
            sb.append(String.format("  [0x%02x] %s (cap 0x%02x, next 0x%02x)", c.offset(), c.name(), c.capId(), c.next()));
            String detail = detail(c);
            if (!detail.isEmpty()) {
                sb.append(": ").append(detail);
            }
            sb.append('\n');
            for (String n : notes(c)) {
                sb.append("         note: ").append(n).append('\n');
            }
        }

        if (cs.length() > ConfigSpace.STANDARD_SIZE) {
            sb.append("Extended capabilities\n");
            if (cs.extendedCapabilities().isEmpty()) {
                sb.append("  none\n");
            }
            for (ExtendedCapability c : cs.extendedCapabilities()) {
                sb.append(String.format("  [0x%03x] %s (ext cap 0x%04x v%d, next 0x%03x)", c.offset(), c.name(),
                        c.capId(), c.version(), c.next()));
                String detail = detail(c);
                if (!detail.isEmpty()) {
                    sb.append(": ").append(detail);
                }
                sb.append('\n');
                if (c instanceof SriovCapability s) {
                    for (BarRegister b : s.vfBars()) {
                        if (b.raw() != 0 || b.address() != 0) {
                            sb.append(String.format("           VF BAR%d: %s%s at 0x%x%n", b.index(), b.kind(),
                                    b.prefetchable() ? " prefetchable" : "", b.address()));
                        }
                    }
                }
            }
        }

        sb.append("Problems\n");
        if (cs.problems().isEmpty()) {
            sb.append("  none\n");
        }
        for (ConfigProblem p : cs.problems()) {
            sb.append(String.format("  [0x%03x] %s: %s%n", p.offset(), p.kind(), p.message()));
        }
        return sb.toString();
    }

    static String detail(PciCapability c) {
        return switch (c) {
            case VirtioCapability v when v.type() == VirtioCfgType.VENDOR ->
                    String.format("vendor_id 0x%04x, cap_len %d", v.vendorId(), v.capLength());
            case VirtioCapability v when !v.describesRegion() ->
                    "cfg_type " + v.cfgType() + ", cap_len " + v.capLength();
            case VirtioCapability v -> {
                StringBuilder sb = new StringBuilder();
                if (v.type() == VirtioCfgType.UNKNOWN) {
                    sb.append("cfg_type ").append(v.cfgType()).append(", ");
                }
                sb.append("bar ").append(v.bar()).append(", offset ").append(hex(v.barOffset()))
                        .append(", length ").append(hex(v.length()));
                if (v.id() != 0 || v.type() == VirtioCfgType.SHARED_MEMORY) {
                    sb.append(", id ").append(v.id());
                }
                if (v.type() == VirtioCfgType.NOTIFY) {
                    sb.append(", notify_off_multiplier ").append(v.notifyOffMultiplier());
                }
                sb.append(", cap_len ").append(v.capLength());
                yield sb.toString();
            }
            case MsixCapability m -> String.format(
                    "table size %d, %s, function mask %s, table BAR %d offset 0x%x, PBA BAR %d offset 0x%x",
                    m.tableSize(), m.enabled() ? "enabled" : "disabled", m.functionMask() ? "on" : "off",
                    m.tableBir(), m.tableOffset(), m.pbaBir(), m.pbaOffset());
            case MsiCapability m -> String.format("%s, %d of %d vectors enabled, %s address%s",
                    m.enabled() ? "enabled" : "disabled", m.vectorsEnabled(), m.vectorsCapable(),
                    m.address64() ? "64-bit" : "32-bit", m.perVectorMasking() ? ", per-vector masking" : "");
            case PcieCapability p -> String.format("version %d, %s, max payload %d bytes, link speed code %d, width x%d",
                    p.version(), p.portTypeName(), p.maxPayloadSupported(), p.linkSpeed(), p.linkWidth());
            case PowerManagementCapability p -> "version " + p.version() + ", power state " + p.powerStateName();
            case MalformedCapability m -> "MALFORMED: " + m.problem().message();
            case GenericCapability g -> "";
        };
    }

    static String detail(ExtendedCapability c) {
        return switch (c) {
            case SriovCapability s -> String.format(
                    "TotalVFs %d, InitialVFs %d, NumVFs %d, First VF Offset %d, VF Stride %d, VF Device ID 0x%04x,"
                            + " VF Enable %s, VF MSE %s, VF Migration Capable %s, ARI Capable Hierarchy %s,"
                            + " System Page Size 0x%x, Supported Page Sizes 0x%x",
                    s.totalVfs(), s.initialVfs(), s.numVfs(), s.firstVfOffset(), s.vfStride(), s.vfDeviceId(),
                    onOff(s.vfEnable()), onOff(s.vfMemorySpaceEnable()), onOff(s.vfMigrationCapable()),
                    onOff(s.ariCapableHierarchy()), s.systemPageSize(), s.supportedPageSizes());
            case MalformedExtendedCapability m -> "MALFORMED: " + m.problem().message();
            case GenericExtendedCapability g -> "";
        };
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }

    // ---- JSON -------------------------------------------------------------------------------------------

    static ObjectNode json(PciFunctionInfo f, ConfigSpace cs) {
        ObjectNode o = ListCommand.json(f);
        o.put("transitional", f.virtio().map(VirtioIdentity::transitional).orElse(false));
        o.put("classCode", f.classCode());
        o.put("revision", f.revision());
        o.put("subsystemVendorId", f.subsystemVendorId());
        o.put("subsystemDeviceId", f.subsystemDeviceId());
        Json.putOptional(o, "numaNode", f.numaNode());
        if (f.sriov().isPresent()) {
            ArrayNode vfs = o.putArray("virtfns");
            f.sriov().get().virtfns().forEach(a -> vfs.add(a.toString()));
        }
        Json.putOptional(o, "physfn", f.physfn().map(PciAddress::toString));

        ArrayNode res = o.putArray("resources");
        for (PciResource r : f.resources()) {
            if (!r.isPresent()) {
                continue;
            }
            ObjectNode n = res.addObject();
            n.put("index", r.index());
            n.put("name", resourceName(r, f.sriov().isPresent()));
            n.put("type", r.typeName());
            n.put("start", r.start());
            n.put("end", r.end());
            n.put("size", r.size());
            n.put("flags", r.flags());
            n.put("mem64", r.is64Bit());
            n.put("prefetchable", r.isPrefetchable());
        }

        ConfigHeader h = cs.header();
        ObjectNode hdr = o.putObject("header");
        hdr.put("configLength", cs.length());
        hdr.put("headerType", h.headerType());
        hdr.put("multiFunction", h.multiFunction());
        hdr.put("command", h.command());
        hdr.put("status", h.status());
        hdr.put("capabilitiesPointer", h.capabilitiesPointer());
        hdr.put("interruptPin", h.interruptPin());
        hdr.put("interruptLine", h.interruptLine());
        ArrayNode bars = hdr.putArray("bars");
        for (BarRegister b : h.bars()) {
            bars.add(bar(b));
        }

        ArrayNode caps = o.putArray("capabilities");
        for (PciCapability c : cs.capabilities()) {
            caps.add(capability(c));
        }
        ArrayNode ext = o.putArray("extendedCapabilities");
        for (ExtendedCapability c : cs.extendedCapabilities()) {
            ext.add(extended(c));
        }
        ArrayNode problems = o.putArray("problems");
        for (ConfigProblem p : cs.problems()) {
            ObjectNode n = problems.addObject();
            n.put("kind", p.kind().name());
            n.put("offset", p.offset());
            n.put("message", p.message());
        }
        return o;
    }

    private static ObjectNode bar(BarRegister b) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("index", b.index());
        n.put("kind", b.kind().name());
        n.put("prefetchable", b.prefetchable());
        n.put("address", b.address());
        return n;
    }

    static ObjectNode capability(PciCapability c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("offset", c.offset());
        n.put("capId", c.capId());
        n.put("next", c.next());
        n.put("name", c.name());
        switch (c) {
            case VirtioCapability v -> {
                n.put("kind", "virtio");
                n.put("cfgType", v.cfgType());
                n.put("cfgTypeName", v.type().name().toLowerCase(java.util.Locale.ROOT));
                n.put("capLength", v.capLength());
                if (v.describesRegion()) {
                    n.put("bar", v.bar());
                    n.put("barValid", v.barValid());
                    n.put("id", v.id());
                    n.put("barOffset", v.barOffset());
                    n.put("length", v.length());
                }
                if (v.type() == VirtioCfgType.NOTIFY) {
                    n.put("notifyOffMultiplier", v.notifyOffMultiplier());
                }
                if (v.type() == VirtioCfgType.VENDOR) {
                    n.put("vendorId", v.vendorId());
                }
                if (v.type() == VirtioCfgType.COMMON) {
                    n.put("adminQueueFields", v.hasAdminQueueFields());
                }
            }
            case MsixCapability m -> {
                n.put("kind", "msix");
                n.put("tableSize", m.tableSize());
                n.put("enabled", m.enabled());
                n.put("functionMask", m.functionMask());
                n.put("tableBir", m.tableBir());
                n.put("tableOffset", m.tableOffset());
                n.put("pbaBir", m.pbaBir());
                n.put("pbaOffset", m.pbaOffset());
            }
            case MsiCapability m -> {
                n.put("kind", "msi");
                n.put("enabled", m.enabled());
                n.put("vectorsCapable", m.vectorsCapable());
                n.put("vectorsEnabled", m.vectorsEnabled());
                n.put("address64", m.address64());
                n.put("perVectorMasking", m.perVectorMasking());
            }
            case PcieCapability p -> {
                n.put("kind", "pcie");
                n.put("version", p.version());
                n.put("portType", p.portType());
                n.put("portTypeName", p.portTypeName());
                n.put("maxPayloadSupported", p.maxPayloadSupported());
                n.put("linkSpeed", p.linkSpeed());
                n.put("linkWidth", p.linkWidth());
            }
            case PowerManagementCapability p -> {
                n.put("kind", "pm");
                n.put("version", p.version());
                n.put("powerState", p.powerStateName());
            }
            case MalformedCapability m -> {
                n.put("kind", "malformed");
                n.put("problem", m.problem().message());
            }
            case GenericCapability g -> n.put("kind", "other");
        }
        ArrayNode notes = n.putArray("notes");
        notes(c).forEach(notes::add);
        return n;
    }

    static ObjectNode extended(ExtendedCapability c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("offset", c.offset());
        n.put("capId", c.capId());
        n.put("version", c.version());
        n.put("next", c.next());
        n.put("name", c.name());
        switch (c) {
            case SriovCapability s -> {
                n.put("kind", "sriov");
                n.put("capabilities", s.capabilities());
                n.put("control", s.control());
                n.put("status", s.status());
                n.put("initialVfs", s.initialVfs());
                n.put("totalVfs", s.totalVfs());
                n.put("numVfs", s.numVfs());
                n.put("functionDependencyLink", s.functionDependencyLink());
                n.put("firstVfOffset", s.firstVfOffset());
                n.put("vfStride", s.vfStride());
                n.put("vfDeviceId", s.vfDeviceId());
                n.put("supportedPageSizes", s.supportedPageSizes());
                n.put("systemPageSize", s.systemPageSize());
                n.put("vfEnable", s.vfEnable());
                n.put("vfMemorySpaceEnable", s.vfMemorySpaceEnable());
                n.put("vfMigrationCapable", s.vfMigrationCapable());
                n.put("ariCapableHierarchy", s.ariCapableHierarchy());
                ArrayNode bars = n.putArray("vfBars");
                s.vfBars().forEach(b -> bars.add(bar(b)));
            }
            case MalformedExtendedCapability m -> {
                n.put("kind", "malformed");
                n.put("problem", m.problem().message());
            }
            case GenericExtendedCapability g -> n.put("kind", "other");
        }
        return n;
    }
}
