package dev.jvirtio.admin.reliability;

import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import dev.jvirtio.transport.TransportException;

/**
 * A device model with {@code vfs} VFs enabled and an {@link AdminClient} on its PF, discovery done for
 * both group types. Closing tolerates a client whose device is gone (its close then reports, by design,
 * that it kept the ring memory mapped).
 */
final class Rig implements AutoCloseable {
    /** SR-IOV control register and NumVFs of the model's SR-IOV capability. */
    static final int SRIOV_CTRL = 0x108;
    static final int SRIOV_NUM_VFS = 0x110;

    final DeviceModel model;
    final AdminClient client;

    private Rig(DeviceModel model, AdminClient client) {
        this.model = model;
        this.client = client;
    }

    static Rig start(DeviceModelConfig cfg, int vfs, AdminClientOptions options) throws Exception {
        DeviceModel m = DeviceModel.start(cfg);
        try {
            m.pf().configWrite(SRIOV_NUM_VFS, 2, vfs);
            m.pf().configWrite(SRIOV_CTRL, 2, 0x9);        // VF Enable | VF MSE
            AdminClient c = AdminClient.open(m.pf(), options);
            try {
                c.enabledOpcodes(GroupType.SR_IOV);
                c.enabledOpcodes(GroupType.SELF);
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
            return new Rig(m, c);
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
    }

    static Rig start(DeviceModelConfig.ProcessingMode mode, int vfs, AdminClientOptions options) throws Exception {
        return start(DeviceModelConfig.of(DeviceType.NET, 4).withMode(mode), vfs, options);
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (TransportException gone) {
            // A vanished device cannot be reset; the client deliberately leaks its ring memory then.
        } finally {
            model.close();
        }
    }
}
