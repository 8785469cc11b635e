package dev.jvirtio.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a benchmark group beside its C baseline and prints the comparison table; {@code benchmarks/run.sh}
 * calls it. The last line of a successful run is {@code "P1 java/c ratio: <x.xx>"} (the worst ratio).
 *
 * <pre>
 * java -cp benchmarks.jar dev.jvirtio.bench.Report p1 --c-binary benchmarks/target/c/p1cycle \
 *      [--results-dir benchmarks/target] [--quick]
 * </pre>
 *
 * <p><b>Interleaving.</b> The project's machine is a 2-vCPU VM whose host goes through slow phases: for tens
 * of seconds to minutes every process, C and Java alike, runs 1.3-1.6x slower. Measuring all of C first (a
 * few seconds) and all of JMH afterwards (minutes) put the two sides in different windows, and one slow phase
 * on either side moved a row's ratio from 1.05 to 1.9. So each row is measured as
 * {@code C slot, JMH fork 1, C slot, JMH fork 2, C slot}: a C slot is one {@code p1cycle --row <row> 10
 * 2000000} (ten timed runs of 2,000,000 chains after its own warm-up runs, under a second), a fork is one
 * JMH run of that method and {@code ring} value with {@code forks(1)}, the benchmark's own warm-up and
 * measurement annotations and the GC profiler; the number of forks is the benchmark's {@code @Fork} value.
 *
 * <p>Per row (arithmetic in {@link InterleavedRow}): {@code java ns/op} is the median of every measured JMH
 * iteration of both forks, {@code c ns/op} the median of every C run of all slots, {@code java/c} their
 * quotient; the verdict is the worst {@code java/c}. {@code paired} (informational) is the median over forks
 * of the fork's median divided by the mean of the medians of the C slots just before and after it. {@code
 * alloc B/op} is the largest gc.alloc.rate.norm of the forks; {@code jmh mean ns/op} is the mean and 99.9%
 * error over the pooled iterations, which is the score JMH itself gives for several forks.
 *
 * <p>{@code --quick} runs one fork per row with 1 x 300 ms warm-up and 2 x 300 ms measurement, and C slots
 * of 3 runs of 200,000 chains (a smoke run; its numbers are not results). With {@code --results-dir}, each
 * fork's JMH JSON goes to {@code p1-jmh-<row>-fork<n>.json}, the C slots' output to {@code p1-c.txt} and the
 * table to {@code p1-table.txt}. Exit codes: 0 success, 1 a benchmark or the C program failed, 2 bad usage.
 */
public final class Report {
    /** JMH secondary result of {@link GCProfiler}: bytes allocated per operation. */
    static final String ALLOC_NORM = "gc.alloc.rate.norm";
    /** C slot of a full run: timed runs of {@link #C_CHAINS} chains (after p1cycle's own warm-up runs). */
    static final String C_RUNS = "10";
    /** Chains per timed C run in a full run. */
    static final String C_CHAINS = "2000000";
    /** C slot of a {@code --quick} run. */
    static final String QUICK_C_RUNS = "3";
    /** Chains per timed C run with {@code --quick}. */
    static final String QUICK_C_CHAINS = "200000";
    /** The P1 rows: (JMH method, ring parameter) in table order; the C keys are {@code ring.method}. */
    static final String[][] P1_ROWS = {
        {"batch1", "split"}, {"batch32", "split"}, {"batch1", "packed"}, {"batch32", "packed"},
    };
    /** The one row of {@code p1floor}, against which both memories of {@link P1FloorBenchmark} are set. */
    static final String FLOOR_C_ROW = "floor.batch1";

    /**
     * One table row: the JMH benchmark method and its one parameter, the row's name in the table, and the row
     * of the C program it is compared with.
     */
    record Spec(String name, Class<?> benchmark, String method, String param, String value, String cRow) {
    }

    /** The P1 table: each Java row against the C row of the same name. */
    static List<Spec> p1Specs() {
        List<Spec> specs = new ArrayList<>();
        for (String[] r : P1_ROWS) {
            String name = r[1] + "." + r[0];
            specs.add(new Spec(name, P1CycleBenchmark.class, r[0], "ring", r[1], name));
        }
        return specs;
    }

    /** The P1 floor table: the skeleton over segments and over arrays, both against C's one skeleton. */
    static List<Spec> floorSpecs() {
        return List.of(
                new Spec("floor.segment", P1FloorBenchmark.class, "cycle", "memory", "segment", FLOOR_C_ROW),
                new Spec("floor.array", P1FloorBenchmark.class, "cycle", "memory", "array", FLOOR_C_ROW),
                new Spec("floor.constant", P1FloorBenchmark.class, "cycle", "memory", "constant", FLOOR_C_ROW));
    }

    private Report() {
    }

    /** Entry point; see the class documentation for the arguments. */
    public static void main(String[] args) {
        String mode = null;
        Path cBinary = null;
        Path resultsDir = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--c-binary" -> cBinary = Path.of(value(args, ++i));
                case "--results-dir" -> resultsDir = Path.of(value(args, ++i));
                case "--quick" -> quick = true;
                default -> {
                    if (args[i].startsWith("-") || mode != null) {
                        usage("unexpected argument " + args[i]);
                    }
                    mode = args[i];
                }
            }
        }
        if (!"p1".equals(mode) && !"p1-floor".equals(mode)) {
            usage(mode == null ? "no mode given" : "unknown mode " + mode + " (this report knows p1 and p1-floor)");
        }
        if (cBinary == null || !Files.isExecutable(cBinary)) {
            usage("--c-binary must name the compiled C baseline: " + cBinary);
        }
        try {
            System.out.print("p1".equals(mode)
                    ? interleaved("P1", "p1", p1Specs(), cBinary, resultsDir, quick)
                    : interleaved("P1 floor", "p1-floor", floorSpecs(), cBinary, resultsDir, quick));
            System.out.flush();
        } catch (IOException | RunnerException | RuntimeException e) {
            System.err.println("report: " + mode + " failed: " + e);
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("report: interrupted");
            System.exit(1);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("report: " + problem);
        System.err.println("usage: Report p1|p1-floor --c-binary PATH [--results-dir DIR] [--quick]");
        System.exit(2);
    }

    /**
     * Runs every row of a table on both sides, interleaved row by row, and returns the formatted table
     * (verdict line {@code "<title> java/c ratio: x.xx"} last). {@code prefix} names the result files.
     */
    static String interleaved(String title, String prefix, List<Spec> specs, Path cBinary, Path resultsDir,
                              boolean quick) throws IOException, InterruptedException, RunnerException {
        List<String> cRuns = quick ? List.of(QUICK_C_RUNS, QUICK_C_CHAINS) : List.of(C_RUNS, C_CHAINS);
        StringBuilder cLog = new StringBuilder();
        if (resultsDir != null) {
            Files.createDirectories(resultsDir);
        }
        List<ComparisonTable.Row> rows = new ArrayList<>();
        for (Spec spec : specs) {
            String name = spec.name();
            int forks = quick ? 1 : spec.benchmark().getAnnotation(Fork.class).value();
            List<double[]> cSlots = new ArrayList<>();
            List<double[]> javaForks = new ArrayList<>();
            double alloc = Double.NaN;
            // C slot, fork 1, C slot, fork 2, ..., C slot: each fork has C measured just before and after it, so
            // a slow phase of the host lands on both sides instead of on one (see the class documentation).
            cSlots.add(cSlot(cBinary, title, spec.cRow(), cRuns, cLog));
            for (int fork = 1; fork <= forks; fork++) {
                System.out.println("# " + title + " " + name + ": JMH fork " + fork + " of " + forks);
                RunResult r = jmhFork(spec, quick, resultsDir == null ? null
                        : resultsDir.resolve(prefix + "-jmh-" + name + "-fork" + fork + ".json"));
                javaForks.add(iterationScores(name, r));
                // Allocation per fork; the table shows the largest (NaN, "not measured", wins over any value).
                double a = allocation(r);
                alloc = fork == 1 ? a : Double.isNaN(alloc) || Double.isNaN(a) ? Double.NaN : Math.max(alloc, a);
                cSlots.add(cSlot(cBinary, title, spec.cRow(), cRuns, cLog));
            }
            InterleavedRow row = new InterleavedRow(javaForks, cSlots);
            StringBuilder paired = new StringBuilder();
            for (double r : row.pairedRatios()) {
                paired.append(' ').append(String.format(Locale.ROOT, "%.3f", r));
            }
            System.out.println("# " + title + " " + name + ": java/c per fork against the C slots around it:" + paired);
            rows.add(new ComparisonTable.Row(name, row.javaMedian(), row.cMedian(), alloc, row.javaMean(),
                    row.javaMeanError(), row.pairedRatio()));
        }
        String table = ComparisonTable.format(title, rows);
        if (resultsDir != null) {
            Files.writeString(resultsDir.resolve(prefix + "-c.txt"), cLog, StandardCharsets.UTF_8);
            Files.writeString(resultsDir.resolve(prefix + "-table.txt"), table, StandardCharsets.UTF_8);
        }
        return "\n" + table;
    }

    /**
     * Runs one C slot ({@code p1cycle --row name runs chains}), checks that it measured the same work as the
     * Java benchmark, appends its output to {@code log} and returns its timed runs in ns per chain.
     */
    private static double[] cSlot(Path cBinary, String title, String name, List<String> runsAndChains,
                                  StringBuilder log) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cBinary.toString(), "--row", name));
        command.addAll(runsAndChains);
        System.out.println("# " + title + " " + name + ": C slot: " + String.join(" ", command));
        List<String> lines = runProgram(command);
        log.append("# ").append(String.join(" ", command)).append('\n');
        lines.forEach(l -> log.append(l).append('\n'));
        return cRuns(ComparisonTable.parseKeyValues(lines), name, Integer.parseInt(runsAndChains.get(0)));
    }

    /**
     * The timed runs of row {@code name} in the output of {@code p1cycle --row name runs ...}, after checking
     * that the program measured that row with the Java benchmark's queue and buffer sizes and {@code runs} runs.
     *
     * @throws IllegalStateException if the output disagrees with what was asked or lacks a key
     */
    static double[] cRuns(Map<String, String> c, String name, int runs) {
        checkSame(c, "queue_size", P1CycleBenchmark.QUEUE_SIZE);
        checkSame(c, "buffer_bytes", CycleRig.BUFFER_BYTES);
        if (!name.equals(c.get("row")) || !Integer.toString(runs).equals(c.get("runs"))) {
            throw new IllegalStateException("asked the C baseline for " + runs + " runs of row " + name
                    + ", it reports " + c.get("runs") + " runs of row " + c.get("row"));
        }
        String key = name + ".runs_ns_per_chain";
        String list = c.get(key);
        if (list == null) {
            throw new IllegalStateException("the C baseline printed no " + key);
        }
        String[] parts = list.split(",", -1);
        if (parts.length != runs) {
            throw new IllegalStateException(key + " has " + parts.length + " values, expected " + runs);
        }
        double[] out = new double[runs];
        for (int i = 0; i < runs; i++) {
            try {
                out[i] = ComparisonTable.positiveNumber(Map.of(key, parts[i].strip()), key);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("C run " + (i + 1) + " of " + name + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Runs one JMH fork of one row (the spec's method with its parameter) with the benchmark's own warm-up
     * and measurement settings (shortened by {@code quick}) and the GC profiler; writes its JSON to
     * {@code json} unless that is null.
     */
    private static RunResult jmhFork(Spec spec, boolean quick, Path json) throws RunnerException {
        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include("^" + spec.benchmark().getName().replace(".", "\\.") + "\\." + spec.method() + "$")
                .param(spec.param(), spec.value())
                .forks(1)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (quick) {
            opts.warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(300));
        }
        if (json != null) {
            opts.resultFormat(ResultFormatType.JSON).result(json.toString());
        }
        Collection<RunResult> results = new Runner(opts.build()).run();
        String what = spec.method() + " " + spec.param() + "=" + spec.value();
        if (results.size() != 1) {
            throw new IllegalStateException("JMH ran " + results.size() + " benchmarks for " + what + ", expected 1");
        }
        RunResult r = results.iterator().next();
        if (!r.getParams().getBenchmark().equals(spec.benchmark().getName() + "." + spec.method())
                || !spec.value().equals(r.getParams().getParam(spec.param()))) {
            throw new IllegalStateException("JMH ran " + r.getParams().getBenchmark() + " " + spec.param() + "="
                    + r.getParams().getParam(spec.param()) + " instead of " + what);
        }
        return r;
    }

    /** Every measured iteration's primary score of one fork's result, in ns per operation. */
    private static double[] iterationScores(String name, RunResult r) {
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult it : b.getIterationResults()) {
                Result<?> primary = it.getPrimaryResult();
                if (!primary.getScoreUnit().equals("ns/op")) {
                    throw new IllegalStateException(name + ": JMH score unit is " + primary.getScoreUnit()
                            + ", expected ns/op");
                }
                scores.add(primary.getScore());
            }
        }
        if (scores.isEmpty()) {
            throw new IllegalStateException(name + ": JMH reported no measured iteration");
        }
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Bytes per operation from the GC profiler (NaN if the profiler reported nothing). */
    private static double allocation(RunResult r) {
        Map<String, ?> secondary = r.getSecondaryResults();
        for (String key : secondary.keySet()) {
            // JMH 1.37 names it "gc.alloc.rate.norm"; older versions prefix a middle dot.
            if (key.endsWith(ALLOC_NORM) && secondary.get(key) instanceof Result<?> result) {
                return result.getScore();
            }
        }
        return Double.NaN;
    }

    private static void checkSame(Map<String, String> c, String key, int expected) {
        String v = c.get(key);
        if (v == null || !v.equals(Integer.toString(expected))) {
            throw new IllegalStateException("the C baseline reports " + key + "=" + v + " but the Java benchmark uses "
                    + expected + ": they would not measure the same work");
        }
    }

    /** Runs a program, echoes and returns its standard output lines; fails on a non-zero exit or a hang. */
    static List<String> runProgram(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("#   " + line);
                lines.add(line);
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " did not finish within 10 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IOException(command.get(0) + " exited with status " + p.exitValue());
        }
        return lines;
    }
}
