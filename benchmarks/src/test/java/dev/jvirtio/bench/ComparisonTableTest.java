package dev.jvirtio.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of the C programs' output and the table/verdict arithmetic. */
class ComparisonTableTest {

    @Test
    void keyValueLinesParseInOrderSkippingBlanksAndComments() {
        Map<String, String> m = ComparisonTable.parseKeyValues(List.of(
                "program=p1cycle", "", "# a comment", "  split.batch1.ns_per_chain = 12.5  ", "empty="));
        assertEquals(List.of("program", "split.batch1.ns_per_chain", "empty"), List.copyOf(m.keySet()));
        assertEquals("12.5", m.get("split.batch1.ns_per_chain"));
        assertEquals("", m.get("empty"));
    }

    @Test
    void malformedOrRepeatedLinesAreRejectedWithTheirLineNumber() {
        IllegalArgumentException noEquals = assertThrows(IllegalArgumentException.class,
                () -> ComparisonTable.parseKeyValues(List.of("a=1", "garbage")));
        assertTrue(noEquals.getMessage().contains("line 2"), noEquals.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ComparisonTable.parseKeyValues(List.of("=1")));
        IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class,
                () -> ComparisonTable.parseKeyValues(List.of("a=1", "a=2")));
        assertTrue(repeated.getMessage().contains("repeats key a"), repeated.getMessage());
    }

    @Test
    void positiveNumbersAreRequired() {
        Map<String, String> m = Map.of("ok", "3.25", "zero", "0", "neg", "-1", "nan", "NaN", "inf", "Infinity",
                "text", "fast");
        assertEquals(3.25, ComparisonTable.positiveNumber(m, "ok"));
        for (String bad : List.of("zero", "neg", "nan", "inf", "text", "missing")) {
            assertThrows(IllegalArgumentException.class, () -> ComparisonTable.positiveNumber(m, bad), bad);
        }
    }

    @Test
    void rowsRejectImpossibleTimes() {
        assertThrows(IllegalArgumentException.class, () -> new ComparisonTable.Row("x", 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ComparisonTable.Row("x", 1, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new ComparisonTable.Row("x", Double.POSITIVE_INFINITY, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ComparisonTable.Row("x", 1, 1, Double.NEGATIVE_INFINITY));
        assertEquals(2.0, new ComparisonTable.Row("x", 10, 5, Double.NaN).ratio());
    }

    @Test
    void verdictIsTheWorstRatioRoundedToTwoDecimals() {
        List<ComparisonTable.Row> rows = List.of(
                new ComparisonTable.Row("a", 10.0, 10.0, 0),
                new ComparisonTable.Row("b", 12.345, 10.0, 0),    // 1.2345 -> the worst
                new ComparisonTable.Row("c", 8.0, 10.0, 0));
        assertEquals(1.2345, ComparisonTable.worstRatio(rows), 1e-12);
        assertEquals("P1 java/c ratio: 1.23", ComparisonTable.verdict("P1", rows));
        assertThrows(IllegalArgumentException.class, () -> ComparisonTable.worstRatio(List.of()));
    }

    @Test
    void tableHasAHeaderOneLinePerRowAndTheVerdictLast() {
        String out = ComparisonTable.format("P1", List.of(
                new ComparisonTable.Row("split.batch1", 30.0, 25.0, 0.0, 31.5, 0.25),
                new ComparisonTable.Row("packed.batch32", 21.0, 20.0, Double.NaN)));
        List<String> lines = out.lines().toList();
        assertEquals(5, lines.size(), out);
        assertTrue(lines.get(0).matches("benchmark\\s+java ns/op\\s+c ns/op\\s+java/c\\s+alloc B/op\\s+jmh mean ns/op"), out);
        assertTrue(lines.get(1).matches("-+"), out);
        assertTrue(lines.get(2).matches("split\\.batch1\\s+30\\.00\\s+25\\.00\\s+1\\.20\\s+0\\.000\\s+31\\.50 \\+- 0\\.25"),
                lines.get(2));
        assertTrue(lines.get(3).matches("packed\\.batch32\\s+21\\.00\\s+20\\.00\\s+1\\.05\\s+n/a\\s+n/a"), lines.get(3));
        assertEquals("P1 java/c ratio: 1.20", lines.get(4));
        assertTrue(out.endsWith("\n"));
        // Columns line up: every line is as wide as the rule under the header.
        for (int i = 0; i < 4; i++) {
            assertEquals(lines.get(1).length(), lines.get(i).length(), lines.get(i));
        }
    }

    @Test
    void aPairedColumnFollowsTheRatioWhenAnyRowHasOneAndLeavesTheVerdictAlone() {
        String out = ComparisonTable.format("P1", List.of(
                new ComparisonTable.Row("split.batch1", 30.0, 20.0, 0.0, 31.5, 0.25, 1.234),
                new ComparisonTable.Row("packed.batch32", 21.0, 20.0, Double.NaN)));
        List<String> lines = out.lines().toList();
        assertEquals(5, lines.size(), out);
        assertTrue(lines.get(0).matches(
                "benchmark\\s+java ns/op\\s+c ns/op\\s+java/c\\s+paired\\s+alloc B/op\\s+jmh mean ns/op"), out);
        assertTrue(lines.get(2).matches(
                "split\\.batch1\\s+30\\.00\\s+20\\.00\\s+1\\.50\\s+1\\.23\\s+0\\.000\\s+31\\.50 \\+- 0\\.25"),
                lines.get(2));
        assertTrue(lines.get(3).matches("packed\\.batch32\\s+21\\.00\\s+20\\.00\\s+1\\.05\\s+n/a\\s+n/a\\s+n/a"),
                lines.get(3));
        // The verdict is the worst main ratio (1.50), whatever the paired column says.
        assertEquals("P1 java/c ratio: 1.50", lines.get(4));
        for (int i = 0; i < 4; i++) {
            assertEquals(lines.get(1).length(), lines.get(i).length(), lines.get(i));
        }
        String noPaired = ComparisonTable.format("P1", List.of(new ComparisonTable.Row("x", 2, 1, 0, 2.5, 0.1)));
        assertFalse(noPaired.contains("paired"), noPaired);
    }

    @Test
    void aPairedRatioMustBePositiveAndFiniteOrAbsent() {
        for (double bad : new double[] {0, -1, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new ComparisonTable.Row("x", 1, 1, 0, 1, 0, bad), "" + bad);
        }
        assertTrue(Double.isNaN(new ComparisonTable.Row("x", 1, 1, 0, 1, 0).pairedRatio()));
        assertEquals(0.9, new ComparisonTable.Row("x", 1, 1, 0, 1, 0, 0.9).pairedRatio());
    }

    @Test
    void aMeanWithoutAnErrorIsShownAlone() {
        String out = ComparisonTable.format("P9", List.of(new ComparisonTable.Row("x", 2, 1, 0, 2.5, Double.NaN)));
        assertTrue(out.lines().toList().get(2).endsWith(" 2.50"), out);
        assertTrue(out.endsWith("P9 java/c ratio: 2.00\n"), out);
    }
}
