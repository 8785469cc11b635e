package dev.jvirtio.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.admin.migration.VfMigrator;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import dev.jvirtio.pci.PciAddress;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.SriovCapability;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * What an admin command talks to: a real PF (through VFIO, once the backend is in the build) or the embedded
 * device model, with its {@link AdminClient} up and, with {@code --trace}, a {@link HexTracer} installed.
 *
 * <p>The embedded model lives for one invocation: every command starts a fresh one, so no state carries over
 * from one {@code virtio-cli} run to the next.
 */
final class Target implements AutoCloseable {
    /** VFs the embedded model's PF enables. */
    static final int EMBEDDED_VFS = 4;

    private final DeviceModel model;
    private final AdminClient admin;
    private final HexTracer tracer;
    private final PciAddress pf;
    private final String description;
    private VfMigrator migrator;

    private Target(DeviceModel model, AdminClient admin, HexTracer tracer, PciAddress pf, String description) {
        this.model = model;
        this.admin = admin;
        this.tracer = tracer;
        this.pf = pf;
        this.description = description;
    }

    /**
     * Opens what the options name and says on {@code err} which target it is.
     *
     * @throws dev.jvirtio.pci.sysfs.NoSuchPciFunctionException if {@code --device} names no PCI function
     * @throws BackendUnavailableException                       for {@code --device}: no VFIO backend in this build
     */
    static Target open(AdminOptions o, PrintWriter err) throws Exception {
        if (o.device != null) {
            o.sysfs().read(o.device);   // a function that does not exist is reported as such first
            throw new BackendUnavailableException("VFIO backend not available in this build: cannot take over "
                    + o.device + " (run without --device to use the embedded device model)");
        }
        Target t = embedded(DeviceModelConfig.DEFAULT_PF, o.trace ? err : null);
        err.println("target: " + t.description);
        err.flush();
        return t;
    }

    /** A fresh embedded model PF at {@code address}: virtio-net, 4 VFs enabled, busy-polling device thread. */
    static Target embedded(PciAddress address, PrintWriter traceTo) throws Exception {
        DeviceModel m = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, EMBEDDED_VFS).withAddress(address));
        AdminClient c = null;
        try {
            m.pf().configWrite(0x110, 2, EMBEDDED_VFS);   // SR-IOV NumVFs
            m.pf().configWrite(0x108, 2, 0x9);            // VF Enable | VF MSE
            c = AdminClient.open(m.pf(), AdminClientOptions.defaults());
            HexTracer tracer = null;
            if (traceTo != null) {
                tracer = new HexTracer(traceTo, c.codec().numbering());
                c.tracer(tracer);
            }
            return new Target(m, c, tracer, address, "embedded device model (virtio-net PF " + address + " with "
                    + EMBEDDED_VFS + " VFs)");
        } catch (Exception | Error e) {
            if (c != null) {
                c.close();
            }
            m.close();
            throw e;
        }
    }

    AdminClient admin() {
        return admin;
    }

    /** The device model, when the target is the embedded one. */
    Optional<DeviceModel> model() {
        return Optional.ofNullable(model);
    }

    boolean embedded() {
        return model != null;
    }

    PciAddress pf() {
        return pf;
    }

    String description() {
        return description;
    }

    VfMigrator migrator() {
        if (migrator == null) {
            migrator = VfMigrator.of(admin);
        }
        return migrator;
    }

    private Optional<SriovCapability> sriov() {
        try {
            return ConfigSpace.parse(admin.function().configSnapshot()).sriov();
        } catch (Exception e) {
            throw new IllegalStateException(pf + ": cannot read the SR-IOV capability: " + e.getMessage(), e);
        }
    }

    /** NumVFs of the PF now (0 without SR-IOV or with VF Enable clear). */
    int numVfs() {
        return sriov().filter(SriovCapability::vfEnable).map(SriovCapability::numVfs).orElse(0);
    }

    /** Checks {@code vf} exists: VF numbers run 1..NumVFs. */
    VfNumber checkVf(VfNumber vf) {
        int n = numVfs();
        if (vf.value() > n) {
            throw new UsageException("VF " + vf.value() + " does not exist: " + pf + " has "
                    + (n == 0 ? "no VFs enabled" : "NumVFs " + n + " (VF numbers 1.." + n + ")"));
        }
        return vf;
    }

    /** The address of VF {@code n}: PF routing id + First VF Offset + (n - 1) * VF Stride (SR-IOV spec). */
    PciAddress vfAddress(VfNumber vf) {
        SriovCapability s = sriov().orElseThrow(() -> new IllegalStateException(pf + " has no SR-IOV capability"));
        int rid = (pf.bus() << 8 | pf.device() << 3 | pf.function()) + s.firstVfOffset()
                + (vf.value() - 1) * s.vfStride();
        return new PciAddress(pf.domain(), rid >> 8 & 0xff, rid >> 3 & 0x1f, rid & 7);
    }

    /** The JSON "target" field. */
    ObjectNode json() {
        ObjectNode t = Json.MAPPER.createObjectNode();
        t.put("kind", embedded() ? "embedded-model" : "device");
        t.put("bdf", pf.toString());
        t.put("description", description);
        t.put("numVfs", numVfs());
        return t;
    }

    @Override
    public void close() {
        try {
            admin.close();
        } finally {
            if (tracer != null) {
                tracer.flushPending();
            }
            if (model != null) {
                model.close();
            }
        }
    }
}
