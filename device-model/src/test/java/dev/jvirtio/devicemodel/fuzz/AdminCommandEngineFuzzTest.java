package dev.jvirtio.devicemodel.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jvirtio.devicemodel.AdminCommandEngine;
import dev.jvirtio.devicemodel.EngineInvariants;
import dev.jvirtio.devicemodel.MutableSrIovState;
import dev.jvirtio.pci.testing.FuzzStats;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing of the device model's command parser, {@link AdminCommandEngine#process}: from the
 * device's side the driver is untrusted, so any device-readable bytes with any device-writable size must
 * complete with a valid status block and a used length inside the buffer, and must never throw.
 *
 * <p>One input drives a sequence of commands against one engine, so state-changing commands (LIST_USE, driver
 * capabilities, resource objects, device parts, device mode) are exercised in combination, and the world
 * changes between commands (owner reset, NumVFs, VF Enable, member reset) as the input says. Layout:
 * <pre>
 *   [0]  bit 0 set: start without LIST_USE (only LIST_QUERY and LIST_USE usable), else with everything in use
 *   then per command, until the input ends or 64 commands ran:
 *   [ctl] bits 0-1 writable-size mode, bits 5-7 event after the command
 *   [o]   writable size: o | 8*o | 8*(o%32) | o%24 by mode; also the event's argument
 *   [lo][hi] device-readable length (le16, cut to what the input still holds), then that many bytes
 *   events: 4 owner reset, 5 NumVFs = o%7, 6 toggle VF Enable, 7 reset member 1 + o%6; 0-3 none
 * </pre>
 * Every completion is checked with {@link EngineInvariants#checkCompletion} (the invariants of the seeded
 * {@code EngineFuzzTest}), and the whole sequence is replayed on a second engine, which must produce the same
 * bytes: the engine's behaviour depends on nothing but the commands it was given.
 */
@ExtendWith(FuzzStats.class)
class AdminCommandEngineFuzzTest {
    private static final int MAX_COMMANDS = 64;
    private static final HexFormat HEX = HexFormat.of();

    static Stream<byte[]> commands() {
        List<byte[]> wellFormed = EngineInvariants.wellFormedCommands();
        List<byte[]> seeds = new ArrayList<>();
        // Every command once, 512-byte writable parts.
        seeds.add(sequence(0, wellFormed, 1, 64, 0));
        // Every command once with a tight 16-byte writable part, then an owner reset between each.
        seeds.add(sequence(0, wellFormed, 2, 2, 4));
        // Starting without LIST_USE: everything but LIST_QUERY / LIST_USE is refused until LIST_USE.
        seeds.add(sequence(1, wellFormed.subList(0, 4), 0, 24, 0));
        // Device parts: driver cap, GET object, metadata LIST, GET all and selected, stop, SET object, SET, resume, destroy.
        List<byte[]> parts = new ArrayList<>();
        for (int i : new int[] {11, 15, 23, 24, 25, 27, 16, 26, 28, 22}) {
            parts.add(wellFormed.get(i));
        }
        seeds.add(sequence(0, parts, 1, 32, 0));
        return seeds.stream();
    }

    @MethodSource
    @FuzzTest(maxDuration = "10m")
    void commands(byte[] input) {
        FuzzStats.count();
        List<byte[]> first = run(input);
        List<byte[]> second = run(input);
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i), "command " + i + " completed differently on replay");
        }
    }

    /** Runs the input's command sequence on a fresh engine; returns each completion (used length + buffer). */
    private static List<byte[]> run(byte[] input) {
        MutableSrIovState sriov = EngineInvariants.sriov();
        AdminCommandEngine engine = EngineInvariants.engine(sriov);
        List<byte[]> completions = new ArrayList<>();
        if (input.length == 0) {
            return completions;
        }
        if ((input[0] & 1) != 0) {
            engine.reset(); // in-use lists back to {LIST_QUERY, LIST_USE}
        }
        int at = 1;
        for (int n = 0; n < MAX_COMMANDS && at + 4 <= input.length; n++) {
            int ctl = input[at] & 0xff;
            int o = input[at + 1] & 0xff;
            int inLen = Math.min((input[at + 2] & 0xff) | (input[at + 3] & 0xff) << 8, input.length - at - 4);
            byte[] in = Arrays.copyOfRange(input, at + 4, at + 4 + inLen);
            at += 4 + inLen;
            int outSize = switch (ctl & 3) {
                case 0 -> o;
                case 1 -> 8 * o;
                case 2 -> 8 * (o % 32);
                default -> o % 24;
            };
            byte[] out = new byte[outSize];
            Arrays.fill(out, EngineInvariants.FILL);
            int used;
            try {
                used = engine.process(MemorySegment.ofArray(in), MemorySegment.ofArray(out));
            } catch (RuntimeException e) {
                throw new AssertionError("engine threw on command " + n + " " + HEX.formatHex(in) + " with a "
                        + outSize + "-byte writable part", e);
            }
            final int index = n;
            EngineInvariants.checkCompletion(out, used, () -> "command " + index + " " + HEX.formatHex(in)
                    + " with a " + outSize + "-byte writable part");
            byte[] completion = Arrays.copyOf(out, out.length + 4);
            completion[out.length] = (byte) used;
            completion[out.length + 1] = (byte) (used >>> 8);
            completions.add(completion);
            switch (ctl >>> 5) {
                case 4 -> engine.reset();
                case 5 -> sriov.numVfs(o % 7);
                case 6 -> sriov.vfEnable(!sriov.vfEnable());
                case 7 -> engine.resetMember(1 + o % 6);
                default -> { }
            }
        }
        return completions;
    }

    /** Encodes commands in this target's input layout, all with one writable-size mode and event. */
    private static byte[] sequence(int flags, List<byte[]> commands, int mode, int o, int event) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(flags);
        for (byte[] c : commands) {
            b.write(mode | event << 5);
            b.write(o);
            b.write(c.length);
            b.write(c.length >>> 8);
            b.write(c, 0, c.length);
        }
        return b.toByteArray();
    }
}
