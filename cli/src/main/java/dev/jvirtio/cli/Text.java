package dev.jvirtio.cli;

import java.util.ArrayList;
import java.util.List;

/** Small text-formatting helpers shared by the commands. */
final class Text {
    private Text() {
    }

    /** "1af4:1042". */
    static String ids(int vendor, int device) {
        return String.format("%04x:%04x", vendor, device);
    }

    /** "0x" followed by lower-case hex. */
    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /** A left-aligned table whose columns are as wide as their widest cell, two spaces apart. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(String... header) {
            columns = header.length;
            rows.add(header);
        }

        void row(String... cells) {
            if (cells.length != columns) {
                throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
            }
            rows.add(cells);
        }

        String render() {
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    line.append(r[i]);
                    if (i + 1 < columns) {
                        line.append(" ".repeat(width[i] - r[i].length() + 2));
                    }
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
            return sb.toString();
        }
    }
}
