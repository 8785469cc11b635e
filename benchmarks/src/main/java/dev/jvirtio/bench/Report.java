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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.profile.GCProfiler;
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
 * <p>{@code --quick} shortens warm-up and measurement (a smoke run; its numbers are not results). Exit codes:
 * 0 success, 1 a benchmark or the C program failed, 2 bad usage.
 */
public final class Report {
    /** JMH secondary result of {@link GCProfiler}: bytes allocated per operation. */
    static final String ALLOC_NORM = "gc.alloc.rate.norm";
    /** The P1 rows: (JMH method, ring parameter) in table order; the C keys are {@code ring.method}. */
    static final String[][] P1_ROWS = {
        {"batch1", "split"}, {"batch32", "split"}, {"batch1", "packed"}, {"batch32", "packed"},
    };

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
        if (!"p1".equals(mode)) {
            usage(mode == null ? "no mode given" : "unknown mode " + mode + " (this report knows p1)");
        }
        if (cBinary == null || !Files.isExecutable(cBinary)) {
            usage("--c-binary must name the compiled C baseline: " + cBinary);
        }
        try {
            System.out.print(p1(cBinary, resultsDir, quick));
            System.out.flush();
        } catch (IOException | RunnerException | RuntimeException e) {
            System.err.println("report: P1 failed: " + e);
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
        System.err.println("usage: Report p1 --c-binary PATH [--results-dir DIR] [--quick]");
        System.exit(2);
    }

    /** Runs P1 on both sides and returns the formatted table (verdict line last). */
    static String p1(Path cBinary, Path resultsDir, boolean quick)
            throws IOException, InterruptedException, RunnerException {
        // C first: it takes seconds, and a broken baseline should stop the run before JMH spends minutes.
        List<String> cArgs = new ArrayList<>(List.of(cBinary.toString()));
        if (quick) {
            cArgs.add("3");
            cArgs.add("200000");
        }
        System.out.println("# C baseline: " + String.join(" ", cArgs));
        Map<String, String> c = ComparisonTable.parseKeyValues(runProgram(cArgs));
        checkSame(c, "queue_size", P1CycleBenchmark.QUEUE_SIZE);
        checkSame(c, "buffer_bytes", CycleRig.BUFFER_BYTES);

        ChainedOptionsBuilder opts = new OptionsBuilder()
                .include("^" + P1CycleBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (quick) {
            opts.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(300));
        }
        if (resultsDir != null) {
            Files.createDirectories(resultsDir);
            opts.resultFormat(ResultFormatType.JSON).result(resultsDir.resolve("p1-jmh.json").toString());
        }
        Collection<RunResult> results = new Runner(opts.build()).run();

        List<ComparisonTable.Row> rows = new ArrayList<>();
        for (String[] spec : P1_ROWS) {
            String name = spec[1] + "." + spec[0];
            RunResult r = find(results, spec[0], spec[1]);
            Result<?> primary = r.getPrimaryResult();
            String unit = primary.getScoreUnit();
            if (!unit.equals("ns/op")) {
                throw new IllegalStateException(name + ": JMH score unit is " + unit + ", expected ns/op");
            }
            // The ratio compares like with like: the median of JMH's timed iterations against the median of
            // the C program's timed runs (both are averages over many chains). JMH's mean is shown beside it.
            double median = primary.getStatistics().getPercentile(50.0);
            rows.add(new ComparisonTable.Row(name, median, ComparisonTable.positiveNumber(c, name + ".ns_per_chain"),
                    allocation(r), primary.getScore(), primary.getScoreError()));
        }
        String table = ComparisonTable.format("P1", rows);
        if (resultsDir != null) {
            Files.writeString(resultsDir.resolve("p1-table.txt"), table, StandardCharsets.UTF_8);
        }
        return "\n" + table;
    }

    private static RunResult find(Collection<RunResult> results, String method, String ring) {
        for (RunResult r : results) {
            String bench = r.getParams().getBenchmark();
            if (bench.endsWith("." + method) && ring.equals(r.getParams().getParam("ring"))) {
                return r;
            }
        }
        throw new IllegalStateException("JMH produced no result for " + method + " ring=" + ring);
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
