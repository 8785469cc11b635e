package dev.jvirtio.pci.testing;

/**
 * Seeds for randomised tests: a fresh one per run unless the system property {@code jvirtio.test.seed} replays
 * a printed one, e.g. {@code ./scripts/mvn -pl pci -am test -Djvirtio.test.seed=1234}.
 */
public final class Seeds {
    private Seeds() {
    }

    /** The system property that replays a seed. */
    public static final String PROPERTY = "jvirtio.test.seed";

    /** Returns the seed to use and prints it with the test's name, so a failure can be replayed. */
    public static long seed(String testName) {
        String fixed = System.getProperty(PROPERTY);
        long seed = fixed != null && !fixed.isBlank() ? Long.decode(fixed.trim()) : System.nanoTime();
        System.out.println(testName + ": seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")");
        return seed;
    }
}
