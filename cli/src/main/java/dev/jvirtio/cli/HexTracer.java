package dev.jvirtio.cli;

import dev.jvirtio.admin.AdminCodec;
import dev.jvirtio.admin.AdminCommand;
import dev.jvirtio.admin.AdminStatus;
import dev.jvirtio.admin.OpcodeNumbering;
import dev.jvirtio.admin.StatusQualifier;
import dev.jvirtio.admin.engine.AdminTracer;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --trace}: one block per admin command on stderr, printed when the command completes.
 *
 * <pre>
 * [trace] LIST_QUERY (0x0000) group SR-IOV member 0 queue 3 latency 41.2 us
 *   device-readable: 24 bytes (header + data)
 *     0000  00 00 01 00 00 00 00 00 00 00 00 00 00 00 00 00
 *     0010  00 00 00 00 00 00 00 00
 *   device-writable: 16 bytes used of 16 posted, status OK (0) / OK (0)
 *     0000  00 00 00 00 00 00 00 00 03 ff 03 00 00 00 00 00
 * </pre>
 * Commands that never complete are printed at close with "no completion". Always stderr, so stdout stays
 * parseable with {@code --json}.
 */
final class HexTracer implements AdminTracer {
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final PrintWriter err;
    private final OpcodeNumbering numbering;
    private final Map<AdminCommand<?>, List<String>> pending = new IdentityHashMap<>();

    HexTracer(PrintWriter err, OpcodeNumbering numbering) {
        this.err = err;
        this.numbering = numbering;
    }

    @Override
    public synchronized void submitted(int queueIndex, AdminCommand<?> command, MemorySegment request) {
        pending.put(command, Hex.dump(request, request.byteSize()));
    }

    @Override
    public synchronized void completed(int queueIndex, AdminCommand<?> command, MemorySegment response,
            int usedLength, long latencyNanos) {
        List<String> req = pending.remove(command);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("[trace] %s (0x%04x) group %s member %d queue %d latency %.1f us%n",
                command.opcode().name(), numbering.wireCode(command.opcode()), command.groupType().label(),
                command.memberId(), queueIndex, latencyNanos / 1000.0));
        appendRequest(sb, req);
        long posted = AdminCodec.responseLength(command);
        long used = Math.min(Math.max(usedLength, 0), response.byteSize());
        sb.append("  device-writable: ").append(used).append(" bytes used of ").append(posted).append(" posted");
        if (used >= 4) {
            int status = Short.toUnsignedInt(response.get(LE16, 0));
            int qualifier = Short.toUnsignedInt(response.get(LE16, 2));
            sb.append(", status ").append(AdminStatus.fromCode(status)).append(" (").append(status).append(") / ")
                    .append(StatusQualifier.fromCode(qualifier)).append(" (").append(qualifier).append(')');
        }
        sb.append(System.lineSeparator());
        for (String line : Hex.dump(response, used)) {
            sb.append("    ").append(line).append(System.lineSeparator());
        }
        err.print(sb);
        err.flush();
    }

    private static void appendRequest(StringBuilder sb, List<String> req) {
        if (req == null) {
            return;
        }
        int bytes = 0;
        for (String line : req) {
            bytes += (line.length() - 5) / 3;
        }
        sb.append("  device-readable: ").append(bytes).append(" bytes (header + data)").append(System.lineSeparator());
        for (String line : req) {
            sb.append("    ").append(line).append(System.lineSeparator());
        }
    }

    /** Prints the commands that went out but never came back. */
    synchronized void flushPending() {
        for (Map.Entry<AdminCommand<?>, List<String>> e : pending.entrySet()) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("[trace] %s (0x%04x) group %s member %d: no completion%n",
                    e.getKey().opcode().name(), numbering.wireCode(e.getKey().opcode()),
                    e.getKey().groupType().label(), e.getKey().memberId()));
            appendRequest(sb, e.getValue());
            err.print(sb);
        }
        pending.clear();
        err.flush();
    }
}
