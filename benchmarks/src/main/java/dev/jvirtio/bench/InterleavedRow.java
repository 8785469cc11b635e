package dev.jvirtio.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.util.ListStatistics;

/**
 * The samples of one P1 row measured in interleaved slots, and the statistics the table shows for it.
 *
 * <p>The report measures a row as {@code C slot, JMH fork 1, C slot, JMH fork 2, ..., C slot}: every JMH fork
 * sits between two C slots. {@code javaForks.get(i)} holds fork {@code i}'s measured iteration scores and
 * {@code cSlots.get(i)} / {@code cSlots.get(i + 1)} the timed runs of the C slots just before and after it, all
 * in ns per chain. From these:
 *
 * <ul>
 *   <li>{@link #javaMedian()} and {@link #cMedian()}: the median of every sample of that side, pooled over
 *       forks or slots; {@link #ratio()} is their quotient, the table's main ratio;</li>
 *   <li>{@link #pairedRatios()}: per fork, that fork's median over the mean of the medians of the C slots
 *       around it; {@link #pairedRatio()} is the median of those (informational: it compares each fork only
 *       with C measured within seconds of it);</li>
 *   <li>{@link #javaMean()} and {@link #javaMeanError()}: the mean and 99.9% confidence half-width of the
 *       pooled Java iterations, computed as JMH computes its score over several forks.</li>
 * </ul>
 *
 * <p>Instances are immutable; the constructor copies its arrays.
 */
final class InterleavedRow {
    private final List<double[]> javaForks;
    private final List<double[]> cSlots;

    /**
     * @param javaForks per JMH fork, its measured iteration scores (at least one fork, each non-empty)
     * @param cSlots    per C slot, its timed runs; exactly one more slot than forks, each non-empty
     * @throws IllegalArgumentException on a count mismatch, an empty fork or slot, or a sample that is not a
     *                                  positive finite number
     */
    InterleavedRow(List<double[]> javaForks, List<double[]> cSlots) {
        if (javaForks.isEmpty()) {
            throw new IllegalArgumentException("no JMH fork");
        }
        if (cSlots.size() != javaForks.size() + 1) {
            throw new IllegalArgumentException(javaForks.size() + " forks need " + (javaForks.size() + 1)
                    + " C slots around them, got " + cSlots.size());
        }
        this.javaForks = copy(javaForks, "JMH fork");
        this.cSlots = copy(cSlots, "C slot");
    }

    private static List<double[]> copy(List<double[]> groups, String what) {
        List<double[]> out = new ArrayList<>(groups.size());
        for (int g = 0; g < groups.size(); g++) {
            double[] samples = groups.get(g).clone();
            if (samples.length == 0) {
                throw new IllegalArgumentException(what + " " + (g + 1) + " has no samples");
            }
            for (double s : samples) {
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw new IllegalArgumentException(what + " " + (g + 1) + " has a sample that is not a positive"
                            + " finite time: " + s);
                }
            }
            out.add(samples);
        }
        return List.copyOf(out);
    }

    /** Number of JMH forks. */
    int forks() {
        return javaForks.size();
    }

    /** Median of all Java iterations, forks pooled. */
    double javaMedian() {
        return median(pool(javaForks));
    }

    /** Median of all C runs, slots pooled. */
    double cMedian() {
        return median(pool(cSlots));
    }

    /** {@link #javaMedian()} over {@link #cMedian()}. */
    double ratio() {
        return javaMedian() / cMedian();
    }

    /** Per fork: its median over the mean of the medians of the C slots just before and after it. */
    double[] pairedRatios() {
        double[] out = new double[javaForks.size()];
        for (int f = 0; f < out.length; f++) {
            double c = (median(cSlots.get(f)) + median(cSlots.get(f + 1))) / 2;
            out[f] = median(javaForks.get(f)) / c;
        }
        return out;
    }

    /** Median of {@link #pairedRatios()}. */
    double pairedRatio() {
        return median(pairedRatios());
    }

    /** Mean of all Java iterations, forks pooled (JMH's score had it run the forks in one go). */
    double javaMean() {
        return new ListStatistics(pool(javaForks)).getMean();
    }

    /** Half-width of the 99.9% confidence interval of {@link #javaMean()}; NaN with fewer than 3 iterations. */
    double javaMeanError() {
        return new ListStatistics(pool(javaForks)).getMeanErrorAt(0.999);
    }

    /**
     * The median: the middle value of the sorted samples, or the mean of the two middle ones for an even count.
     *
     * @throws IllegalArgumentException if {@code samples} is empty
     */
    static double median(double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("median of no samples");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    private static double[] pool(List<double[]> groups) {
        int n = 0;
        for (double[] g : groups) {
            n += g.length;
        }
        double[] all = new double[n];
        int at = 0;
        for (double[] g : groups) {
            System.arraycopy(g, 0, all, at, g.length);
            at += g.length;
        }
        return all;
    }
}
