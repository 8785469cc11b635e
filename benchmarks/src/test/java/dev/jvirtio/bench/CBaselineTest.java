package dev.jvirtio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The C baseline compiles warning-free, detects the device faults the Java driver detects, and prints what
 * the report reads, with the same queue size and buffer size as the Java benchmark.
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
    void badArgumentsAreRefused() {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> Report.runProgram(List.of(binary.toString(), "0")));
        assertTrue(e.getMessage().contains("exited with status 1"), e.getMessage());
    }
}
