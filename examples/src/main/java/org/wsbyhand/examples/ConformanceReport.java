package org.wsbyhand.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes {@code docs/conformance.md} from Autobahn|Testsuite's master reports: for each agent of a
 * client run ({@code reports/clients/index.json}, {@code fuzzingserver} mode, e.g. driven by
 * {@link AutobahnClient}) and of a server run ({@code reports/servers/index.json},
 * {@code fuzzingclient} mode against {@link EchoServer}), the number of cases per section and
 * verdict, and every case whose verdict or close verdict is not OK.
 *
 * <pre>java org.wsbyhand.examples.ConformanceReport --out docs/conformance.md \
 *     --clients /tmp/ab/reports/clients/index.json --clients-note "..." \
 *     --servers /tmp/ab/reports/servers/index.json --servers-note "..." --commit abc1234</pre>
 *
 * <p>Each {@code --…-note} says how that run went (its date, the suite's options, the load on the
 * machine); {@code --note} describes the machine; {@code --commit} names the code that was tested
 * (default: {@code git describe} of the working directory). Either input may be left out.
 *
 * <p>Java rather than a script beside the suite: {@code AutobahnClientIT} reads the same
 * {@code index.json} with {@link #read(Path)}, so the test and the page agree on what a result is,
 * and the project needs no JSON library for it (the file is small and regular; {@link Json} reads it).
 */
public final class ConformanceReport {
    /** The suite's verdicts, best first, as its reports name them. */
    static final List<String> BEHAVIORS = List.of("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED",
            "WRONG CODE", "UNCLEAN");
    /** The verdicts that count as a pass. */
    static final Set<String> PASSING = Set.of("OK", "NON-STRICT", "INFORMATIONAL");
    /** The sections of the suite: 8 and 11 do not exist. */
    static final List<String> SECTIONS = List.of("1", "2", "3", "4", "5", "6", "7", "9", "10", "12", "13");
    /** What each section tests. */
    private static final Map<String, String> SECTION_TITLES = Map.ofEntries(
            Map.entry("1", "framing (text, binary)"), Map.entry("2", "pings and pongs"),
            Map.entry("3", "reserved bits"), Map.entry("4", "opcodes"), Map.entry("5", "fragmentation"),
            Map.entry("6", "UTF-8 handling"), Map.entry("7", "close handling"),
            Map.entry("9", "limits and performance"), Map.entry("10", "miscellaneous"),
            Map.entry("12", "permessage-deflate, default offer"),
            Map.entry("13", "permessage-deflate, negotiated parameters"));

    private ConformanceReport() {}

    /**
     * One case's result in a master report.
     *
     * @param behavior the verdict on the case
     * @param behaviorClose the verdict on its closing handshake
     * @param durationMillis how long it took
     * @param remoteCloseCode the close code the peer sent, or null
     */
    public record Result(String behavior, String behaviorClose, long durationMillis, Integer remoteCloseCode) {
        /**
         * Whether both verdicts are OK, NON-STRICT or INFORMATIONAL.
         *
         * @return {@code true} when the case passed
         */
        public boolean passed() {
            return PASSING.contains(behavior) && PASSING.contains(behaviorClose);
        }

        boolean allOk() {
            return behavior.equals("OK") && behaviorClose.equals("OK");
        }
    }

    /**
     * Reads a master report ({@code index.json}).
     *
     * @param index the file
     * @return per agent, per case id (in the suite's order), the result
     * @throws IOException when the file cannot be read or is not a master report
     */
    public static Map<String, Map<String, Result>> read(Path index) throws IOException {
        Object root = Json.parse(Files.readString(index, StandardCharsets.UTF_8));
        if (!(root instanceof Map<?, ?> agents)) {
            throw new IOException(index + " is not a master report: no object at the top");
        }
        Map<String, Map<String, Result>> results = new TreeMap<>();
        for (Map.Entry<?, ?> agent : agents.entrySet()) {
            Map<String, Result> cases = new TreeMap<>(CASE_ORDER);
            if (!(agent.getValue() instanceof Map<?, ?> byCase)) {
                throw new IOException(index + ": agent " + agent.getKey() + " has no cases");
            }
            for (Map.Entry<?, ?> entry : byCase.entrySet()) {
                if (!(entry.getValue() instanceof Map<?, ?> c) || !(c.get("behavior") instanceof String behavior)
                        || !(c.get("behaviorClose") instanceof String behaviorClose)) {
                    throw new IOException(index + ": case " + entry.getKey() + " has no behavior");
                }
                long duration = c.get("duration") instanceof Number n ? n.longValue() : -1;
                Integer code = c.get("remoteCloseCode") instanceof Number n ? n.intValue() : null;
                cases.put((String) entry.getKey(), new Result(behavior, behaviorClose, duration, code));
            }
            results.put((String) agent.getKey(), cases);
        }
        return results;
    }

    /** Case ids in the suite's order: 1.1.2 before 1.1.10, 9.8.6 before 10.1.1. */
    static final Comparator<String> CASE_ORDER = (a, b) -> {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(number(x[i]), number(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return x.length != y.length ? Integer.compare(x.length, y.length) : a.compareTo(b);
    };

    private static int number(String part) {
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    static String section(String caseId) {
        int dot = caseId.indexOf('.');
        return dot < 0 ? caseId : caseId.substring(0, dot);
    }

    /**
     * The page.
     *
     * @param runs per heading ("Client", "Server"): the note on the run and its master report
     * @param commit the code that was tested
     * @param note the machine and its state during the runs, in Markdown (may be empty)
     * @param generated when the page was made
     * @return the Markdown
     */
    static String render(Map<String, Run> runs, String commit, String note, ZonedDateTime generated) {
        StringBuilder md = new StringBuilder();
        md.append("# Autobahn|Testsuite conformance\n\n");
        md.append("Results of [Autobahn|Testsuite](https://github.com/crossbario/autobahn-testsuite) (the Python 3 port in "
                + "`shared/autobahn-testsuite`, 517 cases: RFC 6455 in sections 1-7, 9, 10 and permessage-deflate, "
                + "RFC 7692, in 12 and 13) against this project's client and server. Generated by "
                + "[`ConformanceReport`](../examples/src/main/java/org/wsbyhand/examples/ConformanceReport.java) from the "
                + "suite's `index.json`; do not edit by hand (see [How to regenerate](#how-to-regenerate)).\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| Generated | ").append(generated.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(" |\n");
        md.append("| Code tested | `").append(commit).append("` |\n");
        md.append("| Verdicts | OK, NON-STRICT and INFORMATIONAL pass; UNIMPLEMENTED, FAILED, WRONG CODE and UNCLEAN "
                + "do not. Each case has a verdict on its messages (`behavior`) and one on its closing handshake "
                + "(`behaviorClose`); the tables count `behavior`, the last column the cases whose close was not OK. |\n\n");
        if (!note.isBlank()) {
            md.append(note.strip()).append("\n\n");
        }
        runs.forEach((heading, run) -> {
            md.append("## ").append(heading).append("\n\n");
            if (!run.note().isBlank()) {
                md.append(run.note().strip()).append("\n\n");
            }
            run.results().forEach((agent, cases) -> renderAgent(md, agent, cases));
        });
        md.append("""
                ## How to regenerate

                The suite's own instructions are in `shared/autobahn-testsuite/HOW-TO-RUN.md`; run it in a scratch
                directory outside the repository (it writes `reports/` where it runs). The commands use the options of the
                runs above.

                **Client.** Start the suite in `fuzzingserver` mode (`-u 0`: without it the suite also serves a web
                page on port 8080 of every interface), then run every case with `AutobahnClient` from the
                repository root:

                ```sh
                cat > fuzzingserver.json <<'JSON'
                {"url": "ws://127.0.0.1:9001", "outdir": "./reports/clients",
                 "options": {"closeHandshakeTimeout": 10, "openHandshakeTimeout": 30},
                 "cases": ["*"], "exclude-cases": [], "exclude-agent-cases": {}}
                JSON
                PYTHONPATH=/path/to/shared/autobahn-testsuite timeout 3h /usr/bin/python3 -m autobahntestsuite.wstest \\
                    -m fuzzingserver -u 0 -s fuzzingserver.json &
                timeout 150m mvn -q -pl examples -am -DskipTests package exec:exec -Dexample=AutobahnClient \\
                    -Dport=ws://127.0.0.1:9001
                ```

                **Server.** Start `EchoServer` (`mvn -q -pl examples -am -DskipTests package exec:exec`, port 9001),
                then run the suite in `fuzzingclient` mode with this `spec.json`:

                ```json
                {"outdir": "./reports/servers",
                 "servers": [{"agent": "ws-by-hand-server", "url": "ws://127.0.0.1:9001"}],
                 "options": {"closeHandshakeTimeout": 10, "serverConnectionDropTimeout": 10, "openHandshakeTimeout": 30},
                 "cases": ["*"], "exclude-cases": [], "exclude-agent-cases": {}}
                ```

                In either mode this port of the suite writes `index.json` and `index.html`, then stops at the first
                per-case report it cannot serialize (7.3.3's): `/updateReports` is never answered and `fuzzingclient`
                does not exit, so stop it once `index.json` is written. Then, from the repository root:

                ```sh
                java -cp examples/target/classes org.wsbyhand.examples.ConformanceReport --out docs/conformance.md \\
                    --clients /path/to/reports/clients/index.json --clients-note "..." \\
                    --servers /path/to/reports/servers/index.json --servers-note "..." \\
                    --note "the machine and its load" --commit "$(git rev-parse --short HEAD)"
                ```
                """);
        return md.toString();
    }

    private static void renderAgent(StringBuilder md, String agent, Map<String, Result> cases) {
        Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        Map<String, Integer> closeNotOk = new LinkedHashMap<>();
        for (String section : SECTIONS) {
            counts.put(section, new LinkedHashMap<>());
        }
        cases.forEach((id, result) -> {
            String section = section(id);
            counts.computeIfAbsent(section, s -> new LinkedHashMap<>()).merge(result.behavior(), 1, Integer::sum);
            if (!result.behaviorClose().equals("OK")) {
                closeNotOk.merge(section, 1, Integer::sum);
            }
        });
        long passed = cases.values().stream().filter(Result::passed).count();
        md.append("### Agent `").append(agent).append("`: ").append(passed).append(" of ").append(cases.size())
                .append(" cases pass\n\n");
        md.append("| section | cases |");
        BEHAVIORS.forEach(b -> md.append(' ').append(b).append(" |"));
        md.append(" close not OK |\n|---|--:|");
        BEHAVIORS.forEach(b -> md.append("--:|"));
        md.append("--:|\n");
        Map<String, Integer> totals = new LinkedHashMap<>();
        counts.forEach((section, bySection) -> {
            int n = bySection.values().stream().mapToInt(Integer::intValue).sum();
            md.append("| ").append(section).append(' ').append(SECTION_TITLES.getOrDefault(section, ""))
                    .append(" | ").append(n).append(" |");
            BEHAVIORS.forEach(b -> md.append(' ').append(cell(bySection.getOrDefault(b, 0))).append(" |"));
            md.append(' ').append(cell(closeNotOk.getOrDefault(section, 0))).append(" |\n");
            bySection.forEach((b, c) -> totals.merge(b, c, Integer::sum));
        });
        md.append("| **all** | **").append(cases.size()).append("** |");
        BEHAVIORS.forEach(b -> md.append(" **").append(totals.getOrDefault(b, 0)).append("** |"));
        md.append(" **").append(closeNotOk.values().stream().mapToInt(Integer::intValue).sum()).append("** |\n\n");
        List<String> unknown = totals.keySet().stream().filter(b -> !BEHAVIORS.contains(b)).toList();
        if (!unknown.isEmpty()) {
            md.append("Verdicts this page does not know: ").append(unknown).append(".\n\n");
        }
        List<Map.Entry<String, Result>> notOk = new ArrayList<>(
                cases.entrySet().stream().filter(e -> !e.getValue().allOk()).toList());
        if (notOk.isEmpty()) {
            md.append("Every case is OK, its close too.\n\n");
            return;
        }
        md.append("Cases not OK (").append(notOk.size()).append("):\n\n")
                .append("| case | behavior | behaviorClose | peer's close code |\n|---|---|---|---|\n");
        for (Map.Entry<String, Result> e : notOk) {
            Result r = e.getValue();
            md.append("| ").append(e.getKey()).append(" | ").append(r.behavior()).append(" | ").append(r.behaviorClose())
                    .append(" | ").append(r.remoteCloseCode() == null ? "none" : r.remoteCloseCode()).append(" |\n");
        }
        md.append('\n');
    }

    private static String cell(int count) {
        return count == 0 ? "" : Integer.toString(count);
    }

    /**
     * One run of the suite on the page.
     *
     * @param note how the run went, in Markdown
     * @param results its master report
     */
    record Run(String note, Map<String, Map<String, Result>> results) {}

    /**
     * Writes the page; see the class comment for the arguments.
     *
     * @param args {@code --out FILE [--clients INDEX --clients-note TEXT] [--servers INDEX --servers-note TEXT]
     *     [--commit C] [--note TEXT]}
     * @throws IOException when a report cannot be read or the page written
     * @throws InterruptedException when interrupted while asking git
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                break;
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !options.containsKey("out")
                || !(options.containsKey("clients") || options.containsKey("servers"))) {
            System.err.println("usage: ConformanceReport --out FILE [--clients INDEX [--clients-note TEXT]] "
                    + "[--servers INDEX [--servers-note TEXT]] [--commit COMMIT] [--note TEXT]");
            System.exit(2);
        }
        Map<String, Run> runs = new LinkedHashMap<>();
        if (options.containsKey("clients")) {
            runs.put("Client: ws-client", new Run(options.getOrDefault("clients-note", ""),
                    read(Path.of(options.get("clients")))));
        }
        if (options.containsKey("servers")) {
            runs.put("Server: ws-server", new Run(options.getOrDefault("servers-note", ""),
                    read(Path.of(options.get("servers")))));
        }
        String commit = options.containsKey("commit") ? options.get("commit") : describe();
        Path out = Path.of(options.get("out"));
        Files.writeString(out, render(runs, commit, options.getOrDefault("note", ""),
                ZonedDateTime.now(ZoneOffset.UTC)), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    private static String describe() throws InterruptedException {
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
            String text = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 ? text : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
