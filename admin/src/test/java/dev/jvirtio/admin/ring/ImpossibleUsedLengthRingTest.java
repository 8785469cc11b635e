package dev.jvirtio.admin.ring;

import static dev.jvirtio.admin.ring.Spec.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvirtio.admin.AdminCommands;
import dev.jvirtio.admin.AdminProtocolException;
import dev.jvirtio.admin.LeBytes;
import dev.jvirtio.admin.VfNumber;
import dev.jvirtio.admin.command.DevModeSet;
import dev.jvirtio.admin.engine.AdminQueueException;
import dev.jvirtio.devicemodel.DeviceModelConfig.ProcessingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A device that reports a used length no command can have: shorter than status and qualifier, or longer than
 * the buffer posted. Either is a typed error; the queue keeps working (or is recovered) for the next command.
 */
class ImpossibleUsedLengthRingTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(ProcessingMode.class)
    void aUsedLengthThatDoesNotCoverTheStatusIsAProtocolError(ProcessingMode mode) throws Exception {
        try (Rig r = Rig.start(mode).discovered(); Recording rec = new Recording()) {
            rec.enable(AdminCommandJfrTest.EVENT);
            rec.start();
            var stop = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED);
            r.model.ringFaults().corruptUsedLength(1, 2);
            AdminProtocolException e = assertThrows(AdminProtocolException.class, () -> r.client.execute(stop));
            assertTrue(e.getMessage().contains("used length 2"), e.getMessage());
            var x = r.ring.last();
            assertEquals(2, x.usedLength());
            assertEquals(LeBytes.hex(reqDevModeSet(1, 1)), x.requestHex());
            assertEquals("0000", x.responseHex(), "the tracer shows exactly the 2 bytes the device claims");
            rec.stop();
            Path f = Files.createTempFile(tmp, "used", ".jfr");
            rec.dump(f);
            List<RecordedEvent> ev = RecordingFile.readAllEvents(f).stream()
                    .filter(v -> v.getEventType().getName().equals(AdminCommandJfrTest.EVENT)).toList();
            assertEquals(1, ev.size());
            assertEquals(-1, ev.get(0).getInt("status"), "no status the device could have written");

            // The command was executed (the device only lied about the length); the queue is still usable.
            r.expect(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING), reqDevModeSet(1, 0),
                    resp(OK, Q_OK));
            assertEquals(0, r.client.recoveries());
        }
    }

    @ParameterizedTest
    @EnumSource(ProcessingMode.class)
    void aUsedLengthBeyondThePostedBufferBreaksTheQueueWhichIsRecovered(ProcessingMode mode) throws Exception {
        try (Rig r = Rig.start(mode).discovered()) {
            var stop = AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.STOPPED);
            r.model.ringFaults().corruptUsedLength(1, 4096);    // 8 bytes were posted
            AdminQueueException e = assertThrows(AdminQueueException.class, () -> r.client.execute(stop));
            assertEquals(AdminQueueException.Reason.QUEUE_BROKEN, e.reason());
            assertTrue(e.getMessage().contains("4096"), e.getMessage());
            assertEquals(1, r.client.recoveries());
            r.expect(AdminCommands.devModeSet(VfNumber.of(1), DevModeSet.Mode.RUNNING), reqDevModeSet(1, 0),
                    resp(OK, Q_OK));
        }
    }
}
