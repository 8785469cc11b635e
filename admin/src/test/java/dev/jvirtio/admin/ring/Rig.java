package dev.jvirtio.admin.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.admin.engine.AdminQueue;
import dev.jvirtio.devicemodel.AdminEngineConfig;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;

/**
 * A device model (a virtio-net PF with TotalVFs 4) driven by an {@link AdminClient} whose every command is
 * recorded by a {@link RingRecorder}, plus the assertions the ring tests share: exact device-readable bytes,
 * exact device-writable bytes up to the used length, and typed errors.
 */
final class Rig implements AutoCloseable {
    /** TotalVFs of the model. */
    static final int TOTAL_VFS = 4;
    /** NumVFs the rig enables: member 3 is a valid VF number the SR-IOV group does not contain. */
    static final int NUM_VFS = 2;

    // SR-IOV extended capability of the model's PF (at 0x100): control at +8, NumVFs at +0x10.
    private static final int SRIOV_CTRL = 0x108;
    private static final int SRIOV_NUM_VFS = 0x110;
    private static final int VF_ENABLE_AND_MSE = 0x9;

    final DeviceModel model;
    final AdminClient client;
    final RingRecorder ring = new RingRecorder();

    private Rig(DeviceModel model, AdminClient client) {
        this.model = model;
        this.client = client;
    }

    /** The default rig: every 1.4 command, opcode-table numbering, {@link #NUM_VFS} VFs enabled. */
    static Rig start(DeviceModelConfig.ProcessingMode mode) throws Exception {
        return start(mode, b -> b, o -> o, NUM_VFS);
    }

    /**
     * A rig with the engine configuration and client options adjusted, and {@code vfs} VFs enabled (0 leaves
     * VF Enable clear).
     */
    static Rig start(DeviceModelConfig.ProcessingMode mode, UnaryOperator<AdminEngineConfig.Builder> engine,
            UnaryOperator<AdminClientOptions> options, int vfs) throws Exception {
        AdminEngineConfig ec = engine.apply(AdminEngineConfig.builder(DeviceType.NET).totalVfs(TOTAL_VFS)).build();
        DeviceModel m = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, TOTAL_VFS).withEngine(ec).withMode(mode));
        AdminClient c;
        try {
            c = AdminClient.open(m.pf(), options.apply(AdminClientOptions.defaults()));
        } catch (Exception | Error e) {
            m.close();
            throw e;
        }
        Rig r = new Rig(m, c);
        c.tracer(r.ring);
        if (vfs > 0) {
            r.enableVfs(vfs);
        }
        return r;
    }

    void enableVfs(int n) {
        pfConfigWrite(SRIOV_NUM_VFS, n);
        pfConfigWrite(SRIOV_CTRL, VF_ENABLE_AND_MSE);
    }

    /** Clears VF Enable: the SR-IOV group ceases to exist on the device. */
    void disableVfs() {
        pfConfigWrite(SRIOV_CTRL, 0);
    }

    private void pfConfigWrite(int offset, int value) {
        try {
            model.pf().configWrite(offset, 2, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs discovery for both group types, then forgets the recorded LIST_QUERY/LIST_USE exchanges. */
    Rig discovered() {
        client.enabledOpcodes(GroupType.SELF);
        client.enabledOpcodes(GroupType.SR_IOV);
        ring.clear();
        return this;
    }

    AdminQueue queue() {
        return client.queues()[0];
    }

    /**
     * Executes {@code cmd} through the client and checks what crossed the ring.
     *
     * @return the typed result
     */
    <R> R expect(AdminCommand<R> cmd, byte[] request, byte[] response) {
        R r = client.execute(cmd);
        assertRing(cmd, request, response);
        return r;
    }

    /** Checks that the last exchange was {@code cmd} with exactly these bytes (null skips the request check). */
    void assertRing(AdminCommand<?> cmd, byte[] request, byte[] response) {
        RingRecorder.Exchange x = ring.last();
        assertSame(cmd, x.command(), "last command on the ring");
        if (request != null) {
            assertEquals(LeBytes.hex(request), x.requestHex(), cmd.opcode() + ": device-readable bytes");
        }
        assertEquals(LeBytes.hex(response), x.responseHex(), cmd.opcode() + ": device-writable bytes");
        assertEquals(response.length, x.usedLength(), cmd.opcode() + ": used length");
    }

    /**
     * Executes {@code cmd} through the client, expects the device to fail it with the raw
     * {@code status}/{@code qualifier} (spec values), and checks the typed exception and the ring bytes: the
     * device writes just the 8-byte status block.
     */
    AdminCommandException expectFailure(AdminCommand<?> cmd, byte[] request, int status, int qualifier,
            AdminStatus typedStatus, StatusQualifier typedQualifier) {
        AdminCommandException e = assertThrows(AdminCommandException.class, () -> client.execute(cmd));
        assertFailure(e, cmd, status, qualifier, typedStatus, typedQualifier);
        assertRing(cmd, request, Spec.resp(status, qualifier));
        return e;
    }

    /** As {@link #expectFailure}, for a command sent on the admin queue directly (past the local gate). */
    AdminCommandException expectQueueFailure(AdminCommand<?> cmd, byte[] request, int status, int qualifier,
            AdminStatus typedStatus, StatusQualifier typedQualifier) {
        AdminCommandException e = assertThrows(AdminCommandException.class, () -> queue().execute(cmd));
        assertFailure(e, cmd, status, qualifier, typedStatus, typedQualifier);
        assertRing(cmd, request, Spec.resp(status, qualifier));
        return e;
    }

    static void assertFailure(AdminCommandException e, AdminCommand<?> cmd, int status, int qualifier,
            AdminStatus typedStatus, StatusQualifier typedQualifier) {
        assertEquals(status, e.rawStatus(), "raw status: " + e.getMessage());
        assertEquals(qualifier, e.rawQualifier(), "raw qualifier: " + e.getMessage());
        assertEquals(typedStatus, e.status(), e.getMessage());
        assertEquals(typedQualifier, e.qualifier(), e.getMessage());
        assertEquals(cmd.opcode(), e.opcode(), e.getMessage());
        assertEquals(cmd.groupType(), e.groupType(), e.getMessage());
        assertEquals(cmd.memberId(), e.memberId(), e.getMessage());
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            model.close();
        }
    }
}
