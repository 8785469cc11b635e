package dev.jvirtio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * Runs the admin-queue benchmarks and prints their tables:
 * <ul>
 *   <li>{@code p2}: {@link P2AdminRoundTripBenchmark} p50/p99 beside the C ping-pong round trip
 *       ({@code pingpong.c}); last line {@code P2 admin p50/pingpong ratio: <x.xx>};</li>
 *   <li>{@code p3}: {@link P3AdminThroughputBenchmark} at 1, 8 and 32 outstanding; last line
 *       {@code P3 admin throughput at 32 outstanding: <n> cmds/s}.</li>
 * </ul>
 * {@code benchmarks/run.sh p2|p3} calls it.
 */
public final class AdminReport {
    private AdminReport() {
    }

    /** Entry point: {@code AdminReport p2 --c-binary PATH [--results-dir DIR] [--quick]} or {@code p3 ...}. */
    public static void main(String[] args) throws Exception {
        String mode = null;
        Path cBinary = null;
        Path results = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--c-binary" -> cBinary = Path.of(args[++i]);
                case "--results-dir" -> results = Path.of(args[++i]);
                case "--quick" -> quick = true;
                default -> mode = args[i];
            }
        }
        try {
            String out = switch (mode == null ? "" : mode) {
                case "p2" -> p2(cBinary, results, quick);
                case "p3" -> p3(results, quick);
                default -> throw new IllegalArgumentException("usage: AdminReport p2 --c-binary PATH | p3 "
                        + "[--results-dir DIR] [--quick]");
            };
            System.out.print(out);
            System.out.flush();
        } catch (IOException | RunnerException | RuntimeException e) {
            System.err.println("report: " + mode + " failed: " + e);
            System.exit(1);
        }
    }

    private static ChainedOptionsBuilder options(Class<?> bench, boolean quick, Path results, String name)
            throws IOException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + bench.getName().replace(".", "\\.") + "\\.")
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (quick) {
            o.forks(1).warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.seconds(1));
        }
        if (results != null) {
            Files.createDirectories(results);
            o.resultFormat(ResultFormatType.JSON).result(results.resolve(name + "-jmh.json").toString());
        }
        return o;
    }

    static String p2(Path cBinary, Path results, boolean quick) throws Exception {
        if (cBinary == null || !Files.isExecutable(cBinary)) {
            throw new IllegalArgumentException("--c-binary must name the compiled pingpong baseline: " + cBinary);
        }
        List<String> cArgs = new ArrayList<>(List.of(cBinary.toString()));
        if (quick) {
            cArgs.add("200000");
            cArgs.add("20000");
        }
        System.out.println("# C baseline: " + String.join(" ", cArgs));
        Map<String, String> c = ComparisonTable.parseKeyValues(Report.runProgram(cArgs));
        double cP50 = ComparisonTable.positiveNumber(c, "p50_ns");
        double cP99 = ComparisonTable.positiveNumber(c, "p99_ns");

        Collection<RunResult> rs = new Runner(options(P2AdminRoundTripBenchmark.class, quick, results, "p2")
                .build()).run();
        RunResult r = rs.iterator().next();
        double p50 = r.getPrimaryResult().getStatistics().getPercentile(50.0);
        double p99 = r.getPrimaryResult().getStatistics().getPercentile(99.0);
        double alloc = allocation(r);
        StringBuilder sb = new StringBuilder("\n");
        sb.append(String.format(Locale.ROOT, "%-34s %12s %12s %10s%n", "P2 round trip", "p50 ns", "p99 ns", "B/op"));
        sb.append(String.format(Locale.ROOT, "%-34s %12.0f %12.0f %10.1f%n", "java admin command (DEV_MODE_SET)",
                p50, p99, alloc));
        sb.append(String.format(Locale.ROOT, "%-34s %12.0f %12.0f %10s%n", "c cache-line ping-pong", cP50, cP99, "-"));
        double ratio = p50 / cP50;
        sb.append(String.format(Locale.ROOT, "target: p50 <= 3x ping-pong and 0 B/op: %s%n",
                ratio <= 3.0 && alloc < 0.5 ? "met" : "NOT met"));
        sb.append(String.format(Locale.ROOT, "P2 admin p50/pingpong ratio: %.2f%n", ratio));
        write(results, "p2-table.txt", sb);
        return sb.toString();
    }

    static String p3(Path results, boolean quick) throws Exception {
        Collection<RunResult> rs = new Runner(options(P3AdminThroughputBenchmark.class, quick, results, "p3")
                .build()).run();
        StringBuilder sb = new StringBuilder("\n");
        sb.append(String.format(Locale.ROOT, "%-14s %14s %10s%n", "P3 outstanding", "cmds/s", "B/op"));
        double at32 = Double.NaN;
        for (String n : new String[] {"1", "8", "32"}) {
            for (RunResult r : rs) {
                if (n.equals(r.getParams().getParam("outstanding"))) {
                    double score = r.getPrimaryResult().getScore();
                    sb.append(String.format(Locale.ROOT, "%-14s %14.0f %10.1f%n", n, score, allocation(r)));
                    if (n.equals("32")) {
                        at32 = score;
                    }
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "target: >= 1000000 cmds/s at 32 outstanding: %s%n",
                at32 >= 1_000_000 ? "met" : "NOT met"));
        sb.append(String.format(Locale.ROOT, "P3 admin throughput at 32 outstanding: %.0f cmds/s%n", at32));
        write(results, "p3-table.txt", sb);
        return sb.toString();
    }

    private static void write(Path dir, String file, CharSequence text) throws IOException {
        if (dir != null) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8);
        }
    }

    private static double allocation(RunResult r) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
