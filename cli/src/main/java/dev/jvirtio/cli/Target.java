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
import dev.jvirtio.pci.VirtioIdentity;
import dev.jvirtio.pci.config.ConfigSpace;
import dev.jvirtio.pci.config.SriovCapability;
import dev.jvirtio.pci.sysfs.PciFunctionInfo;
import dev.jvirtio.pci.vfio.VfioException;
import dev.jvirtio.pci.vfio.VfioPciFunction;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * What an admin command talks to: a real PF opened through VFIO ({@code --device}) or the embedded device model,
 * with its {@link AdminClient} up and, with {@code --trace}, a {@link HexTracer} installed. The target owns
 * the client, the VFIO function and the model, and closes them in that order.
 *
 * <p>The embedded model lives for one invocation: every command starts a fresh one, so no state carries over
 * from one {@code virtio-cli} run to the next.
 */
final class Target implements AutoCloseable {
    /** VFs the embedded model's PF enables. */
    static final int EMBEDDED_VFS = 4;

    private final DeviceModel model;
    private final VfioPciFunction function;
    private final AdminClient admin;
    private final HexTracer tracer;
    private final PciAddress pf;
    private final String description;
    private VfMigrator migrator;

    private Target(DeviceModel model, VfioPciFunction function, AdminClient admin, HexTracer tracer, PciAddress pf,
                   String description) {
        this.model = model;
        this.function = function;
        this.admin = admin;
        this.tracer = tracer;
        this.pf = pf;
        this.description = description;
    }

    /**
     * Opens what the options name and says on {@code err} which target it is.
     *
     * @throws dev.jvirtio.pci.sysfs.NoSuchPciFunctionException if {@code --device} names no PCI function
     * @throws DeviceUnusableException                           for {@code --device}: not a virtio function,
     *                                                           cannot be opened through VFIO, no admin queue
     * @throws PermissionDeniedException                         for {@code --device}: VFIO nodes not accessible
     */
    static Target open(AdminOptions o, PrintWriter err) throws Exception {
        Target t = o.device != null ? device(o, o.trace ? err : null) : embedded(DeviceModelConfig.DEFAULT_PF,
                o.trace ? err : null);
        err.println("target: " + t.description);
        err.flush();
        return t;
    }

    /**
     * Opens the real PF {@code o.device}: checks in sysfs that it exists and is a virtio function, opens it
     * through VFIO ({@link VfioPciFunction#open}, which checks from sysfs and /dev alone, before any device
     * access, that it is bound to vfio-pci and has an IOMMU group) and brings up its admin queue.
     */
    static Target device(AdminOptions o, PrintWriter traceTo) throws Exception {
        PciAddress bdf = o.device;
        PciFunctionInfo info = o.sysfs().read(bdf);   // a function that does not exist is reported as such first
        VirtioIdentity id = info.virtio().orElseThrow(() -> new DeviceUnusableException(String.format(
                "%s is not a virtio function (vendor 0x%04x, device 0x%04x)", bdf, info.vendorId(), info.deviceId()),
                null));
        VfioPciFunction f;
        try {
            f = VfioPciFunction.open(bdf, o.vfio());
        } catch (VfioException e) {
            throw VfioErrors.translate(e, bdf, info.driver(), o.sysfsRoot);
        }
        AdminClient c = null;
        try {
            c = AdminClient.open(f, AdminClientOptions.defaults());
            HexTracer tracer = null;
            if (traceTo != null) {
                tracer = new HexTracer(traceTo, c.codec().numbering());
                c.tracer(tracer);
            }
            return new Target(null, f, c, tracer, bdf, "virtio-" + id.typeName() + " PF " + bdf + " through VFIO ("
                    + AdminOptions.name(f.backend()) + ")");
        } catch (VfioException e) {
            closeAfterFailure(c, f, e);
            throw VfioErrors.translate(e, bdf, info.driver(), o.sysfsRoot);
        } catch (Exception | Error e) {
            closeAfterFailure(c, f, e);
            throw e;
        }
    }

    private static void closeAfterFailure(AdminClient c, VfioPciFunction f, Throwable failure) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        } finally {
            f.close();
        }
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
            return new Target(m, null, c, tracer, address, "embedded device model (virtio-net PF " + address + " with "
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
        return s.vfAddress(pf, vf.value());
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
            try {
                if (function != null) {
                    function.close();   // after the admin client: it resets the device before freeing its rings
                }
            } finally {
                if (model != null) {
                    model.close();
                }
            }
        }
    }
}
