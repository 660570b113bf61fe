package org.wsbyhand.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wsbyhand.server.WebSocketServer;

/**
 * Autobahn|Testsuite's permessage-deflate sections against {@link EchoServer}: the first four cases
 * of each of 12.1-12.5 and 13.1-13.7 (13.3 and 13.5 offer {@code server_max_window_bits} 9 and 15
 * with and without context takeover; 13.x.1-4 are the smaller messages, so the subset takes about
 * a minute where all 216 cases take 20-30). Every case must be OK, none UNIMPLEMENTED.
 *
 * <p>The suite is read from {@code shared/autobahn-testsuite} beside the repository (or
 * {@code $AUTOBAHN_TESTSUITE}), never copied into the project, and run with Debian's
 * {@code /usr/bin/python3}, whose python3-autobahn and python3-twisted packages {@code .ci/run}
 * installs. Skipped, with the reason, when either is missing.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class AutobahnCompressionIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final Pattern CASE = Pattern.compile(
            "\"(\\d+\\.\\d+\\.\\d+)\":\\s*\\{[^}]*?\"behavior\":\\s*\"([^\"]+)\",\\s*\"behaviorClose\":\\s*\"([^\"]+)\"");

    static Path suite() {
        String configured = System.getenv("AUTOBAHN_TESTSUITE");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        // The build runs in the module's directory; shared/ lies beside the repository.
        return Path.of("../../shared/autobahn-testsuite").toAbsolutePath().normalize();
    }

    @Test
    void theFirstCasesOfEveryCompressionSectionAreOk(@TempDir Path tmp) throws Exception {
        Path suite = suite();
        assumeTrue(Files.isDirectory(suite.resolve("autobahntestsuite")),
                "no Autobahn|Testsuite at " + suite + " (or $AUTOBAHN_TESTSUITE): test skipped");
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import autobahn, twisted"), suite, tmp, 60) == 0,
                PYTHON + " lacks python3-autobahn / python3-twisted (see shared/autobahn-testsuite/HOW-TO-RUN.md): test skipped");

        List<String> cases = new ArrayList<>();
        for (int section = 1; section <= 5; section++) {
            for (int i = 1; i <= 4; i++) {
                cases.add("\"12." + section + "." + i + "\"");
            }
        }
        for (int section = 1; section <= 7; section++) {
            for (int i = 1; i <= 4; i++) {
                cases.add("\"13." + section + "." + i + "\"");
            }
        }
        WebSocketServer server = EchoServer.create("127.0.0.1", 0);
        server.start();
        try {
            Path spec = tmp.resolve("spec.json");
            Path reports = tmp.resolve("reports");
            // The suite's client gives the server 1 s to answer its close and 1 s more to drop TCP
            // (closeHandshakeTimeout, serverConnectionDropTimeout), else the case is UNCLEAN. That is a
            // latency check with no margin on two busy shared cores, where a 1 s stall of any process
            // happens; this test checks conformance, so it gives 10 s. A server that never answers or
            // never closes still fails: the echo server's own close timeout is 5 s, so both waits end
            // with the server's, not the suite's, timer.
            Files.writeString(spec, """
                    {"outdir": "%s", "servers": [{"agent": "ws-by-hand", "url": "ws://127.0.0.1:%d"}],
                     "options": {"closeHandshakeTimeout": 10, "serverConnectionDropTimeout": 10, "openHandshakeTimeout": 30},
                     "cases": [%s], "exclude-cases": [], "exclude-agent-cases": {}}
                    """.formatted(reports, server.port(), String.join(", ", cases)));
            int exit = run(List.of(PYTHON, "-m", "autobahntestsuite.wstest", "-m", "fuzzingclient", "-s", spec.toString()),
                    suite, tmp, 600);
            Path index = reports.resolve("index.json");
            assertTrue(Files.exists(index), "the suite wrote its report (exit " + exit + ")");
            Map<String, String> results = new TreeMap<>();
            Matcher matcher = CASE.matcher(Files.readString(index));
            while (matcher.find()) {
                results.put(matcher.group(1), matcher.group(2) + "/" + matcher.group(3));
            }
            System.out.println("Autobahn compression subset: " + results);
            assertEquals(cases.size(), results.size(), "every case ran: " + results.keySet());
            results.forEach((id, outcome) -> assertEquals("OK/OK", outcome, "case " + id + why(reports, id)));
        } finally {
            server.close();
        }
    }

    /** The suite's own words on a case (its per-case report), to tell a slow close from a wrong one. */
    private static String why(Path reports, String id) {
        Path report = reports.resolve("ws_by_hand_case_" + id.replace('.', '_') + ".json");
        try {
            Matcher reason = Pattern.compile("\"(wasNotCleanReason|result|resultClose)\":\\s*(\"[^\"]*\"|null)")
                    .matcher(Files.readString(report));
            StringBuilder found = new StringBuilder();
            while (reason.find()) {
                found.append(", ").append(reason.group(1)).append('=').append(reason.group(2));
            }
            return found.toString();
        } catch (java.io.IOException e) {
            return " (no case report: " + e + ")";
        }
    }

    private static int run(List<String> command, Path suite, Path tmp, int seconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile(tmp, "wstest", ".log").toFile());
        builder.environment().put("PYTHONPATH", suite.toString());
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }
}
