package dev.jvirtio.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C baseline compiles warning-free, detects the device faults the Java driver detects, and prints what
 * the report reads (all rows, or one row with {@code --row}, every run's value included), with the same queue
 * size and buffer size as the Java benchmark; the report's reading of that output refuses what it did not ask for.
 */
class CBaselineTest {
    private static Path binary;

    @BeforeAll
    static void compile() throws Exception {
        Path source = Path.of("src/main/c/p1cycle.c").toAbsolutePath();
        assumeTrue(Files.isRegularFile(source), "run from the benchmarks module directory");
        assumeTrue(onPath("gcc"), "gcc is not installed");
        Path dir = Files.createDirectories(Path.of("target/test-c").toAbsolutePath());
        binary = dir.resolve("p1cycle");
        Report.runProgram(List.of("gcc", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(),
                source.toString()));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void selfTestDetectsEveryInjectedFaultAndSurvivesTheSoak() throws IOException, InterruptedException {
        Map<String, String> out = ComparisonTable.parseKeyValues(Report.runProgram(List.of(binary.toString(), "--self-test")));
        assertEquals("ok", out.get("self_test"));
    }

    @Test
    void measurementPrintsEveryRowTheReportNeeds() throws IOException, InterruptedException {
        Map<String, String> out = ComparisonTable.parseKeyValues(
                Report.runProgram(List.of(binary.toString(), "3", "20000")));
        assertEquals(Integer.toString(P1CycleBenchmark.QUEUE_SIZE), out.get("queue_size"));
        assertEquals(Integer.toString(CycleRig.BUFFER_BYTES), out.get("buffer_bytes"));
        assertEquals("3", out.get("runs"));
        for (String[] row : Report.P1_ROWS) {
            String name = row[1] + "." + row[0];
            double median = ComparisonTable.positiveNumber(out, name + ".ns_per_chain");
            double min = ComparisonTable.positiveNumber(out, name + ".min_ns_per_chain");
            double max = ComparisonTable.positiveNumber(out, name + ".max_ns_per_chain");
            assertTrue(min <= median && median <= max, name + ": " + min + " <= " + median + " <= " + max);
        }
    }

    @Test
    void everyRowAlsoPrintsEachRunInRunOrder() throws IOException, InterruptedException {
        Map<String, String> out = ComparisonTable.parseKeyValues(
                Report.runProgram(List.of(binary.toString(), "3", "20000")));
        assertFalse(out.containsKey("row"), "the all-rows output names no single row");
        for (String[] row : Report.P1_ROWS) {
            String name = row[1] + "." + row[0];
            double[] runs = Report.cRuns(withRow(out, name), name, 3);
            assertEquals(3, runs.length);
            // Printed with the same precision as the median, min and max, which are among the runs.
            assertEquals(ComparisonTable.positiveNumber(out, name + ".ns_per_chain"), InterleavedRow.median(runs));
            assertEquals(ComparisonTable.positiveNumber(out, name + ".min_ns_per_chain"),
                    Arrays.stream(runs).min().orElseThrow());
            assertEquals(ComparisonTable.positiveNumber(out, name + ".max_ns_per_chain"),
                    Arrays.stream(runs).max().orElseThrow());
        }
    }

    private static Map<String, String> withRow(Map<String, String> out, String row) {
        Map<String, String> m = new HashMap<>(out);
        m.put("row", row);
        return m;
    }

    @Test
    void rowOptionMeasuresThatRowOnlyAndTheReportReadsItsRuns() throws IOException, InterruptedException {
        for (String[] row : Report.P1_ROWS) {
            String name = row[1] + "." + row[0];
            Map<String, String> out = ComparisonTable.parseKeyValues(
                    Report.runProgram(List.of(binary.toString(), "--row", name, "5", "10000")));
            assertEquals(name, out.get("row"));
            assertEquals("5", out.get("runs"));
            assertEquals(Integer.toString(P1CycleBenchmark.QUEUE_SIZE), out.get("queue_size"));
            assertEquals(Integer.toString(CycleRig.BUFFER_BYTES), out.get("buffer_bytes"));
            for (String key : out.keySet()) {
                if (key.contains(".")) {
                    assertTrue(key.startsWith(name + "."), name + " printed a key of another row: " + key);
                }
            }
            double[] runs = Report.cRuns(out, name, 5);
            assertEquals(ComparisonTable.positiveNumber(out, name + ".ns_per_chain"), InterleavedRow.median(runs));
            // The report refuses output that does not match what it asked for.
            assertThrows(IllegalStateException.class, () -> Report.cRuns(out, name, 4));
            String other = name.startsWith("split") ? "packed.batch1" : "split.batch1";
            assertThrows(IllegalStateException.class, () -> Report.cRuns(out, other, 5));
        }
    }

    @Test
    void theReportRefusesMalformedRunLists() {
        Map<String, String> base = Map.of("queue_size", Integer.toString(P1CycleBenchmark.QUEUE_SIZE),
                "buffer_bytes", Integer.toString(CycleRig.BUFFER_BYTES), "runs", "2", "row", "split.batch1");
        assertArrayEquals(new double[] {1.5, 2.25},
                Report.cRuns(with(base, "split.batch1.runs_ns_per_chain", "1.5,2.25"), "split.batch1", 2));
        for (String bad : List.of("1.5", "1.5,2,3", "1.5,", "1.5,x", "1.5,0", "1.5,-2", "1.5,NaN")) {
            assertThrows(IllegalStateException.class,
                    () -> Report.cRuns(with(base, "split.batch1.runs_ns_per_chain", bad), "split.batch1", 2), bad);
        }
        assertThrows(IllegalStateException.class, () -> Report.cRuns(base, "split.batch1", 2), "no run list");
        assertThrows(IllegalStateException.class, () -> Report.cRuns(
                with(with(base, "split.batch1.runs_ns_per_chain", "1,2"), "queue_size", "128"), "split.batch1", 2));
    }

    private static Map<String, String> with(Map<String, String> m, String key, String value) {
        Map<String, String> out = new HashMap<>(m);
        out.put(key, value);
        return out;
    }

    @Test
    void badArgumentsAreRefused() {
        List<List<String>> bad = List.of(List.of("0"), List.of("3x"), List.of("3", "-5"), List.of("1", "2", "3"),
                List.of("--row"), List.of("--row", "split.batch64"), List.of("--row", "split.batch1", "0"),
                List.of("--row", "split.batch1", "1", "2", "3"), List.of("--self-test", "1"));
        for (List<String> args : bad) {
            List<String> command = new ArrayList<>(List.of(binary.toString()));
            command.addAll(args);
            IOException e = assertThrows(IOException.class, () -> Report.runProgram(command), args.toString());
            assertTrue(e.getMessage().contains("exited with status 1"), args + ": " + e.getMessage());
        }
    }
}
