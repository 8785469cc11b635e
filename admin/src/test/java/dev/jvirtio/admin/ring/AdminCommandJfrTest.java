package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminCommandException;
import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.GroupMember;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.command.LegacyCommonField;
import dev.jvirtio.admin.resource.DevicePartsObject;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dev.jvirtio.AdminCommand} JFR event: one per completed command with what was sent and what the
 * device answered, recorded only while a recording enables it.
 */
class AdminCommandJfrTest {
    static final String EVENT = "dev.jvirtio.AdminCommand";

    @TempDir
    Path tmp;

    /** One expected event: wire opcode, its name, group type, member, status, qualifier. */
    record Expected(int opcode, String name, int group, long member, int status, int qualifier) {
    }

    @Test
    void oneEventPerCommandWithOpcodeGroupMemberStatusQualifierAndLatency() throws Exception {
        // The command-text numbering, so the event must carry the wire opcode (QUERY = 0xc), not the table's.
        var n = ResourceObjectRingTest.Numbering.TEXT;
        try (Rig r = Rig.start(ProcessingMode.INLINE, b -> b.numbering(n.device), o -> o.withNumbering(n.client),
                Rig.NUM_VFS).discovered(); Recording rec = new Recording()) {
            rec.enable(EVENT);
            rec.start();
            r.client.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED));
            r.client.execute(AdminCommands.legacyCommonCfgRead(VfNumber.of(2), LegacyCommonField.HOST_FEATURES));
            r.client.execute(AdminCommands.capIdListQuery());
            AdminCommand<?> badMember = AdminCommands.devModeSet(VfNumber.of(3), DevModeSet.Mode.STOPPED);
            assertThrows(AdminCommandException.class, () -> r.client.execute(badMember));
            AdminCommand<?> noObject = AdminCommands.resourceObjQuery(GroupMember.vf(VfNumber.of(2)),
                    DevicePartsObject.KIND, 9);
            assertThrows(AdminCommandException.class, () -> r.client.execute(noObject));
            rec.stop();

            List<RecordedEvent> events = read(rec);
            List<Expected> expected = List.of(
                    new Expected(DEV_MODE_SET, "DEV_MODE_SET", SRIOV, 1, OK, Q_OK),
                    new Expected(LEGACY_COMMON_CFG_READ, "LEGACY_COMMON_CFG_READ", SRIOV, 2, OK, Q_OK),
                    new Expected(CAP_ID_LIST_QUERY, "CAP_ID_LIST_QUERY", SELF, 0, OK, Q_OK),
                    new Expected(DEV_MODE_SET, "DEV_MODE_SET", SRIOV, 3, EINVAL, Q_INVALID_MEMBER),
                    new Expected(RESOURCE_OBJ_QUERY_TEXT, "RESOURCE_OBJ_QUERY", SRIOV, 2, ENXIO, Q_INVALID_FIELD));
            assertEquals(expected.size(), events.size(), "one event per command: " + events);
            List<RingRecorder.Exchange> ring = r.ring.exchanges();
            for (int i = 0; i < expected.size(); i++) {
                Expected x = expected.get(i);
                RecordedEvent e = events.get(i);
                assertEquals(new Expected(e.getInt("opcode"), e.getString("opcodeName"), e.getInt("groupType"),
                        e.getLong("member"), e.getInt("status"), e.getInt("qualifier")), x, "event " + i);
                assertEquals(r.queue().queueIndex(), e.getInt("queue"));
                Duration latency = e.getDuration("latency");
                assertTrue(latency.toNanos() > 0, "latency " + latency);
                // The event and the tracer see the same measurement of the same command.
                assertEquals(ring.get(i).latencyNanos(), latency.toNanos(), "event " + i);
            }
        }
    }

    @Test
    void nothingIsRecordedWhileTheEventIsDisabled() throws Exception {
        try (Rig r = Rig.start(ProcessingMode.INLINE).discovered()) {
            // Default settings: the event is off (@Enabled(false)).
            try (Recording rec = new Recording()) {
                rec.start();
                runSome(r);
                rec.stop();
                assertEquals(List.of(), read(rec));
            }
            // Enabled, then disabled again before the commands.
            try (Recording rec = new Recording()) {
                rec.enable(EVENT);
                rec.disable(EVENT);
                rec.start();
                runSome(r);
                rec.stop();
                assertEquals(List.of(), read(rec));
            }
            // Control: the same commands with the event enabled are recorded.
            try (Recording rec = new Recording()) {
                rec.enable(EVENT);
                rec.start();
                runSome(r);
                rec.stop();
                assertEquals(3, read(rec).size());
            }
        }
    }

    private static void runSome(Rig r) {
        r.client.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED));
        r.client.execute(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING));
        r.client.execute(AdminCommands.capIdListQuery());
    }

    private List<RecordedEvent> read(Recording rec) throws Exception {
        Path f = Files.createTempFile(tmp, "admin", ".jfr");
        rec.dump(f);
        return RecordingFile.readAllEvents(f).stream()
                .filter(e -> e.getEventType().getName().equals(EVENT))
                .sorted(Comparator.comparing(RecordedEvent::getStartTime))
                .toList();
    }
}
