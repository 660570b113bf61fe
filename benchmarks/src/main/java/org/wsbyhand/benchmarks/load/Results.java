package org.wsbyhand.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Appends one measurement per line to a tab-separated file, {@code server scenario metric value},
 * which {@code org.wsbyhand.benchmarks.report.Report} turns into tables and charts; and prints it.
 */
final class Results {

    private final Path file;
    private final String server;
    private final String scenario;

    Results(Path file, String server, String scenario) {
        this.file = file;
        this.server = server;
        this.scenario = scenario;
    }

    void put(String metric, double value) {
        // Whole numbers (counts, sizes) exactly; measurements to six significant digits.
        String number = value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.6g", value);
        String line = server + "\t" + scenario + "\t" + metric + "\t" + number + System.lineSeparator();
        System.out.print(line);
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new RuntimeException("cannot append to " + file, e);
        }
    }
}
