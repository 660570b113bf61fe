package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ws-client}, driven by {@link AutobahnClient}, against Autobahn|Testsuite in
 * {@code fuzzingserver} mode: a quick subset of the suite (all of sections 1-7 and 10, the three
 * smallest cases of 9.1 and 9.2, and the two smallest of each 12.x and 13.x: 277 of 517 cases) in
 * which every case must be OK, NON-STRICT or INFORMATIONAL, its closing handshake too. About 70 s
 * on two busy cores, 30 s of which the client waits for {@code /updateReports} to close, which this
 * port of the suite never does (its per-case report quirk); the whole suite takes about an hour
 * here (see {@code docs/conformance.md}).
 *
 * <p>The suite is found and checked as in {@link AutobahnCompressionIT} (skipped, with the reason,
 * when it or its Python packages are missing). It listens on a free port, is waited for with a
 * bounded loop, and is stopped at the end.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class AutobahnClientIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String AGENT = "ws-by-hand-client";

    /** The subset, as the suite's case patterns. */
    static List<String> subset() {
        List<String> cases = new ArrayList<>(List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*",
                "9.1.1", "9.1.2", "9.1.3", "9.2.1", "9.2.2", "9.2.3", "10.*"));
        for (int section = 1; section <= 5; section++) {
            cases.add("12." + section + ".1");
            cases.add("12." + section + ".2");
        }
        for (int section = 1; section <= 7; section++) {
            cases.add("13." + section + ".1");
            cases.add("13." + section + ".2");
        }
        return cases;
    }

    @Test
    void everyCaseOfTheQuickSubsetPasses(@TempDir Path tmp) throws Exception {
        Path suite = AutobahnCompressionIT.suite();
        assumeTrue(Files.isDirectory(suite.resolve("autobahntestsuite")),
                "no Autobahn|Testsuite at " + suite + " (or $AUTOBAHN_TESTSUITE): test skipped");
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && exitOf(python(List.of("-c", "import autobahn, twisted"),
                suite, tmp), 60) == 0,
                PYTHON + " lacks python3-autobahn / python3-twisted (see shared/autobahn-testsuite/HOW-TO-RUN.md): test skipped");

        int port = freePort();
        Path reports = tmp.resolve("reports");
        Path spec = tmp.resolve("fuzzingserver.json");
        // The suite gives a client 1 s to answer its close frame (closeHandshakeTimeout), else the
        // case is not clean: a latency check with no margin on two busy shared cores. This test checks
        // conformance, so it gives 10 s, as AutobahnCompressionIT does for the server.
        Files.writeString(spec, """
                {"url": "ws://127.0.0.1:%d", "outdir": "%s",
                 "options": {"closeHandshakeTimeout": 10, "openHandshakeTimeout": 30},
                 "cases": [%s], "exclude-cases": [], "exclude-agent-cases": {}}
                """.formatted(port, reports.toString().replace("\\", "\\\\"),
                String.join(", ", subset().stream().map(c -> '"' + c + '"').toList())));
        // -u 0: no embedded web server (it would listen on port 8080 of every interface).
        Process server = python(List.of("-m", "autobahntestsuite.wstest", "-m", "fuzzingserver", "-u", "0", "-s",
                spec.toString()), suite, tmp);
        Path clientLog = tmp.resolve("client.log");
        try {
            awaitListening(server, port, Duration.ofSeconds(60));
            long started = System.nanoTime();
            List<AutobahnClient.Outcome> outcomes;
            try (PrintStream out = new PrintStream(Files.newOutputStream(clientLog), true, StandardCharsets.UTF_8)) {
                outcomes = AutobahnClient.run(URI.create("ws://127.0.0.1:" + port), AGENT, 1, 0,
                        Duration.ofMinutes(2), out);
            }
            System.out.printf("Autobahn client subset: %d cases in %d s%n", outcomes.size(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            System.out.println(Files.readString(clientLog));
            List<String> notRun = outcomes.stream().filter(o -> !o.ran()).map(o -> o.label() + ": " + o.problem())
                    .toList();
            assertTrue(notRun.isEmpty(), "every case ran: " + notRun);

            Map<String, ConformanceReport.Result> results = awaitReport(reports.resolve("index.json"), outcomes.size());
            Map<String, String> descriptions = new HashMap<>();
            outcomes.forEach(o -> descriptions.put(o.id(), o.description()));
            List<String> failed = new ArrayList<>();
            results.forEach((id, result) -> {
                if (!result.passed()) {
                    failed.add(id + " " + result.behavior() + "/" + result.behaviorClose() + " (" + descriptions.get(id)
                            + "; " + (result.remoteCloseCode() == null ? "no close code from the client"
                            : "the client's close code " + result.remoteCloseCode()) + ")" + why(reports, id));
                }
            });
            assertTrue(failed.isEmpty(), failed.size() + " cases did not pass:\n" + String.join("\n", failed));
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The exit status of a process that ends within {@code seconds}, else -1 (and it is killed). */
    private static int exitOf(Process process, int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    /** Starts the suite's Python with its output in a log file under {@code tmp}. */
    private static Process python(List<String> arguments, Path suite, Path tmp) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(PYTHON);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(tmp, "wstest", ".log").toFile());
        builder.environment().put("PYTHONPATH", suite.toString());
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the suite accepts TCP connections on {@code port}, or fails quoting its output. */
    private static void awaitListening(Process server, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                fail("the suite's fuzzingserver ended (exit " + server.exitValue() + ") before it listened");
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        fail("the suite's fuzzingserver did not listen on port " + port + " within " + timeout.toSeconds() + " s");
    }

    /**
     * The suite writes index.json when the client asks for /updateReports; the client may have
     * stopped waiting for its answer before then, so read it until it holds every case (bounded).
     */
    private static Map<String, ConformanceReport.Result> awaitReport(Path index, int cases) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "no index.json";
        while (System.nanoTime() < deadline) {
            if (Files.exists(index)) {
                try {
                    Map<String, Map<String, ConformanceReport.Result>> report = ConformanceReport.read(index);
                    Map<String, ConformanceReport.Result> results = report.getOrDefault(AGENT, Map.of());
                    if (results.size() == cases) {
                        return results;
                    }
                    last = results.size() + " of " + cases + " cases in index.json";
                } catch (IOException partial) {
                    last = partial.getMessage();
                }
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        return fail("the suite's report did not come to hold all " + cases + " cases within 60 s: " + last);
    }

    /**
     * The suite's own words on a case, from its per-case report. This port of the suite often cannot
     * write one (HOW-TO-RUN.md): when a report holds bytes, the file stays empty and the reports of
     * later cases are not written at all.
     */
    private static String why(Path reports, String id) {
        Path report = reports.resolve(AGENT.replace('-', '_') + "_case_" + id.replace('.', '_') + ".json");
        String text;
        try {
            text = Files.readString(report);
        } catch (IOException e) {
            return ": no per-case report (" + e + "); the suite stops writing them at the first it cannot serialize";
        }
        Matcher reason = Pattern.compile("\"(wasNotCleanReason|result|resultClose)\":\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|null)")
                .matcher(text);
        StringBuilder found = new StringBuilder();
        while (reason.find()) {
            found.append(found.isEmpty() ? ": " : ", ").append(reason.group(1)).append('=').append(reason.group(2));
        }
        return found.isEmpty() ? ": the suite could not serialize its per-case report (" + report.getFileName() + " is "
                + (text.isBlank() ? "empty" : "without a result") + ")" : found.toString();
    }
}
