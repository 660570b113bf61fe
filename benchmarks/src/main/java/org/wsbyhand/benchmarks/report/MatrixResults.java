package org.wsbyhand.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load matrix's results, {@code RUN_DIR/matrix.tsv}: one {@code server scenario metric value
 * cell} line per figure (the load tool's lines with the cell appended by run.sh, and run.sh's own
 * {@code matrix} lines: loadavg, attempts, noisy; server {@code all}: skipped_inflight_bytes).
 * The scenario column is not needed here: a cell's family says what was run.
 */
final class MatrixResults {

    /** The pseudo-server of lines about the cell itself. */
    static final String ALL = "all";

    /** cell -> server -> metric -> value; a later line replaces an earlier one. */
    private final Map<MatrixCell, Map<String, Map<String, Double>>> cells = new LinkedHashMap<>();

    /** Reads the file; missing, it gives empty results. Lines that are not a cell's are ignored. */
    static MatrixResults read(Path file) throws IOException {
        MatrixResults results = new MatrixResults();
        if (!Files.exists(file)) {
            return results;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            MatrixCell cell = f.length == 5 ? MatrixCell.parse(f[4]) : null;
            if (cell == null) {
                continue;
            }
            try {
                double value = Double.parseDouble(f[3]);
                results.cells.computeIfAbsent(cell, k -> new LinkedHashMap<>())
                        .computeIfAbsent(f[0], k -> new LinkedHashMap<>())
                        .put(f[2], value);
            } catch (NumberFormatException e) {
                // a value a run left empty: nothing to show
            }
        }
        return results;
    }

    boolean isEmpty() {
        return cells.isEmpty();
    }

    /** Every cell of a family, in shape order. */
    List<MatrixCell> cells(String family) {
        return cells.keySet().stream().filter(c -> c.family().equals(family)).sorted(MatrixCell.ORDER).toList();
    }

    /** Every family present: the known ones in report order, then the others. */
    List<String> families() {
        return cells.keySet().stream().sorted(MatrixCell.ORDER).map(MatrixCell::family).distinct().toList();
    }

    /** A figure, or null when the cell did not run for that server or it did not report it. */
    Double value(MatrixCell cell, String server, String metric) {
        return cells.getOrDefault(cell, Map.of()).getOrDefault(server, Map.of()).get(metric);
    }

    /** The first figure whose metric name starts with {@code prefix}, or null. */
    Double valueStartingWith(MatrixCell cell, String server, String prefix) {
        for (Map.Entry<String, Double> e : cells.getOrDefault(cell, Map.of()).getOrDefault(server, Map.of()).entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The servers with results in a cell, in the report's server order. */
    List<String> servers(MatrixCell cell) {
        Map<String, Map<String, Double>> byServer = cells.getOrDefault(cell, Map.of());
        List<String> out = new ArrayList<>();
        for (String server : Report.serverLabels()) {
            if (byServer.containsKey(server)) {
                out.add(server);
            }
        }
        for (String server : byServer.keySet()) {
            if (!out.contains(server) && !server.equals(ALL)) {
                out.add(server);
            }
        }
        return out;
    }

    /** Bytes in flight of a cell run.sh left out for its size, or null when it was not skipped. */
    Double skippedBytes(MatrixCell cell) {
        return value(cell, ALL, "skipped_inflight_bytes");
    }
}
