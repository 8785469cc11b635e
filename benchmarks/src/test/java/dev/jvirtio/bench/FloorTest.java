package dev.jvirtio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The P1 floor does the work it claims on both memories (every cycle's element comes back with the head and
 * length the driver published, across the 16-bit index wrap), and its C twin prints what the report reads.
 */
class FloorTest {
    @ParameterizedTest
    @EnumSource(FloorRig.Memory.class)
    void everyCycleCompletesTheChainItPublishedAcrossTheIndexWrap(FloorRig.Memory memory) {
        try (FloorRig rig = new FloorRig(memory)) {
            // 70,000 cycles: every ring position many times and the free-running 16-bit indices past 65535.
            for (int i = 0; i < 70_000; i++) {
                assertEquals(FloorRig.expectedChecksum(), rig.cycle(), "cycle " + i);
            }
        }
    }

    @Test
    void segmentMemoryIsFreedOnCloseAndAUseAfterCloseThrows() {
        FloorRig rig = new FloorRig(FloorRig.Memory.SEGMENT);
        rig.cycle();
        rig.close();
        assertThrows(IllegalStateException.class, rig::cycle);
    }

    @Test
    void theConstantRingsServeOneRigAtATimeAndStartZeroedForEach() {
        try (FloorRig first = new FloorRig(FloorRig.Memory.CONSTANT)) {
            first.cycle();
            assertThrows(IllegalStateException.class, () -> new FloorRig(FloorRig.Memory.CONSTANT));
        }
        try (FloorRig second = new FloorRig(FloorRig.Memory.CONSTANT)) {
            // Its indices start at 0 again; it works only because the rings were zeroed for it too.
            for (int i = 0; i < 1000; i++) {
                assertEquals(FloorRig.expectedChecksum(), second.cycle());
            }
        }
    }

    @Test
    void everyMemoryIsADistinctRowAgainstTheOneCRow() {
        List<Report.Spec> specs = Report.floorSpecs();
        assertEquals(3, specs.size());
        assertEquals(3, specs.stream().map(Report.Spec::value).distinct().count());
        for (Report.Spec s : specs) {
            assertEquals(Report.FLOOR_C_ROW, s.cRow());
            FloorRig.Memory.parse(s.value()); // a value P1FloorBenchmark accepts
        }
    }

    @Test
    void theCTwinPrintsItsOneRowForTheReport() throws Exception {
        Path source = Path.of("src/main/c/p1floor.c").toAbsolutePath();
        assumeTrue(Files.isRegularFile(source), "run from the benchmarks module directory");
        Path dir = Files.createDirectories(Path.of("target/test-c").toAbsolutePath());
        Path binary = dir.resolve("p1floor");
        try {
            Report.runProgram(List.of("gcc", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o",
                    binary.toString(), source.toString()));
        } catch (java.io.IOException e) {
            assumeTrue(false, "gcc is not usable here: " + e.getMessage());
        }
        Map<String, String> out = ComparisonTable.parseKeyValues(
                Report.runProgram(List.of(binary.toString(), "--row", Report.FLOOR_C_ROW, "5", "10000")));
        double[] runs = Report.cRuns(out, Report.FLOOR_C_ROW, 5); // odd: the median is one of the runs
        assertEquals(5, runs.length);
        assertEquals(ComparisonTable.positiveNumber(out, Report.FLOOR_C_ROW + ".ns_per_chain"),
                InterleavedRow.median(runs));
        // Any other row name is refused with a non-zero exit.
        assertThrows(java.io.IOException.class,
                () -> Report.runProgram(List.of(binary.toString(), "--row", "split.batch1")));
    }
}
