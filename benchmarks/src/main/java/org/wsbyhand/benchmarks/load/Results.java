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
        String line = String.format(Locale.ROOT, "%s\t%s\t%s\t%.6g%n", server, scenario, metric, value);
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
