package dev.jvirtio.bench;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.GroupType;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.engine.AdminClient;
import dev.jvirtio.admin.engine.AdminClientOptions;
import dev.jvirtio.admin.engine.AdminQueue;
import dev.jvirtio.devicemodel.DeviceModel;
import dev.jvirtio.devicemodel.DeviceModelConfig;
import dev.jvirtio.devicemodel.DeviceType;
import dev.jvirtio.virtq.PollPolicy;

/**
 * A device model PF (device thread busy-polling, never parking during a run) driven by an
 * {@link AdminClient} whose waiting threads spin: the set-up of the P2 and P3 admin benchmarks.
 *
 * <p>The command is DEV_MODE_SET(RUNNING) on VF 1: idempotent, status-only (its result decodes to
 * no object), and executed by the device without allocation, so the round trip measures the engine,
 * the ring and the cross-thread hand-off, not the command.
 */
final class AdminRig implements AutoCloseable {
    final DeviceModel model;
    final AdminClient client;
    final AdminQueue queue;
    final AdminCommand<Void> command = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING);

    AdminRig(int queueSize) throws Exception {
        model = DeviceModel.start(DeviceModelConfig.of(DeviceType.NET, 4).withSpinRounds(Integer.MAX_VALUE));
        model.pf().configWrite(0x110, 2, 4);       // NumVFs
        model.pf().configWrite(0x108, 2, 0x9);     // VF Enable | VF MSE
        client = AdminClient.open(model.pf(), AdminClientOptions.defaults().withQueueSize(queueSize)
                .withPollPolicy(PollPolicy.spin()));
        client.enabledOpcodes(GroupType.SR_IOV);
        queue = client.queues()[0];
        client.execute(command);
    }

    @Override
    public void close() {
        client.close();
        model.close();
    }
}
