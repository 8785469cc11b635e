package dev.jvirtio.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The Java-versus-C table {@code run.sh} prints: one row per benchmark with the Java time, the C baseline's
 * time, their ratio, the JMH allocation per operation and JMH's mean score, plus the worst ratio as the
 * verdict line. A {@code paired} column (the median of per-fork ratios against C measured right around each
 * fork, see {@link InterleavedRow}) follows the ratio when at least one row has such a value.
 *
 * <pre>{@code
 * Map<String, String> c = ComparisonTable.parseKeyValues(lines);        // the C program's output
 * List<ComparisonTable.Row> rows = List.of(new ComparisonTable.Row("split.batch1", 30.1, c.get(...), 0.0));
 * System.out.print(ComparisonTable.format("P1", rows));                  // ends with "P1 java/c ratio: 1.07"
 * }</pre>
 */
public final class ComparisonTable {
    /**
     * One benchmark measured on both sides. {@code javaNs} and {@code cNs} are what the ratio compares (the
     * same statistic on both sides: the median of the timed iterations or runs, in ns per operation);
     * {@code javaMeanNs} and {@code javaMeanError} are JMH's own score and 99.9% error, shown for reference
     * (NaN when unknown); {@code allocBytesPerOp} is JMH's gc.alloc.rate.norm (NaN when not measured);
     * {@code pairedRatio} is the informational paired Java/C ratio (NaN when the row was not measured in
     * interleaved slots). The verdict uses {@link #ratio()} only.
     */
    public record Row(String benchmark, double javaNs, double cNs, double allocBytesPerOp, double javaMeanNs,
                      double javaMeanError, double pairedRatio) {
        /** Validates the row: a name, positive finite times, no infinite extras, a paired ratio NaN or positive. */
        public Row {
            Objects.requireNonNull(benchmark, "benchmark");
            if (!(javaNs > 0) || !(cNs > 0) || Double.isInfinite(javaNs) || Double.isInfinite(cNs)) {
                throw new IllegalArgumentException(benchmark + ": times must be positive and finite: java "
                        + javaNs + ", c " + cNs);
            }
            if (Double.isInfinite(allocBytesPerOp) || Double.isInfinite(javaMeanNs) || Double.isInfinite(javaMeanError)) {
                throw new IllegalArgumentException(benchmark + ": infinite allocation or mean");
            }
            if (!Double.isNaN(pairedRatio) && (!(pairedRatio > 0) || Double.isInfinite(pairedRatio))) {
                throw new IllegalArgumentException(benchmark + ": paired ratio must be positive and finite or NaN: "
                        + pairedRatio);
            }
        }

        /** A row without a paired ratio (baselines measured in one block). */
        public Row(String benchmark, double javaNs, double cNs, double allocBytesPerOp, double javaMeanNs,
                   double javaMeanError) {
            this(benchmark, javaNs, cNs, allocBytesPerOp, javaMeanNs, javaMeanError, Double.NaN);
        }

        /** A row without the JMH mean (tests, baselines without JMH). */
        public Row(String benchmark, double javaNs, double cNs, double allocBytesPerOp) {
            this(benchmark, javaNs, cNs, allocBytesPerOp, Double.NaN, Double.NaN);
        }

        /** Java time over C time. */
        public double ratio() {
            return javaNs / cNs;
        }
    }

    private ComparisonTable() {
    }

    /**
     * Parses {@code key=value} lines (the C baselines' output format). Blank lines and lines starting with
     * {@code #} are skipped; a key may appear only once.
     *
     * @throws IllegalArgumentException on a line without {@code =}, an empty key, or a repeated key
     */
    public static Map<String, String> parseKeyValues(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("line " + n + " is not key=value: " + raw);
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (out.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("line " + n + " repeats key " + key);
            }
        }
        return out;
    }

    /**
     * The positive number stored under {@code key}.
     *
     * @throws IllegalArgumentException if the key is missing or its value is not a positive finite number
     */
    public static double positiveNumber(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing key " + key);
        }
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key " + key + " is not a number: " + v, e);
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("key " + key + " must be positive and finite: " + v);
        }
        return d;
    }

    /** The largest Java/C ratio of {@code rows}. */
    public static double worstRatio(List<Row> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows");
        }
        double worst = 0;
        for (Row r : rows) {
            worst = Math.max(worst, r.ratio());
        }
        return worst;
    }

    /** The verdict line, {@code "<label> java/c ratio: <x.xx>"}. */
    public static String verdict(String label, List<Row> rows) {
        return String.format(Locale.ROOT, "%s java/c ratio: %.2f", label, worstRatio(rows));
    }

    /** The table followed by the verdict line as its last line (with a trailing newline). */
    public static String format(String label, List<Row> rows) {
        // The paired column only appears where some row was measured in interleaved slots.
        boolean paired = rows.stream().anyMatch(r -> !Double.isNaN(r.pairedRatio()));
        List<String[]> cells = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("benchmark", "java ns/op", "c ns/op", "java/c"));
        if (paired) {
            header.add("paired");
        }
        header.addAll(List.of("alloc B/op", "jmh mean ns/op"));
        cells.add(header.toArray(String[]::new));
        for (Row r : rows) {
            List<String> line = new ArrayList<>(List.of(
                    r.benchmark(),
                    String.format(Locale.ROOT, "%.2f", r.javaNs()),
                    String.format(Locale.ROOT, "%.2f", r.cNs()),
                    String.format(Locale.ROOT, "%.2f", r.ratio())));
            if (paired) {
                line.add(Double.isNaN(r.pairedRatio()) ? "n/a" : String.format(Locale.ROOT, "%.2f", r.pairedRatio()));
            }
            line.add(Double.isNaN(r.allocBytesPerOp()) ? "n/a" : String.format(Locale.ROOT, "%.3f", r.allocBytesPerOp()));
            line.add(Double.isNaN(r.javaMeanNs()) ? "n/a" : Double.isNaN(r.javaMeanError())
                    ? String.format(Locale.ROOT, "%.2f", r.javaMeanNs())
                    : String.format(Locale.ROOT, "%.2f +- %.2f", r.javaMeanNs(), r.javaMeanError()));
            cells.add(line.toArray(String[]::new));
        }
        int columns = cells.get(0).length;
        int[] width = new int[columns];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < cells.size(); k++) {
            String[] row = cells.get(k);
            sb.append(pad(row[0], width[0], false));
            for (int i = 1; i < row.length; i++) {
                sb.append("  ").append(pad(row[i], width[i], true));
            }
            sb.append('\n');
            if (k == 0) {
                int total = 2 * (columns - 1);
                for (int w : width) {
                    total += w;
                }
                sb.append("-".repeat(total)).append('\n');
            }
        }
        sb.append(verdict(label, rows)).append('\n');
        return sb.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }
}
