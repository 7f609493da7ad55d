package io.lvs4j.examples.demo.report;

import java.util.List;

/**
 * A table of text cells, as every renderer draws it: one header and rows of the same width.
 *
 * @param header the column names
 * @param rows the rows, each as wide as the header
 */
record Table(List<String> header, List<List<String>> rows) {

    Table {
        header = List.copyOf(header);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("a row of " + header + " has " + row.size() + " cells: " + row);
            }
        }
    }
}
