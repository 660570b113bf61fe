package org.wsbyhand.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wsbyhand.client.WebSocketClient;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The client side of Autobahn|Testsuite: drives {@code ws-client} through every case of a suite
 * running in {@code fuzzingserver} mode, echoing every text and binary message back as received.
 *
 * <pre>java org.wsbyhand.examples.AutobahnClient ws://127.0.0.1:9001 [AGENT] [--cases 1-10] [--case-timeout 600]</pre>
 *
 * <p>AGENT, the name the suite files the results under, defaults to {@value #DEFAULT_AGENT}
 * ({@code exec:exec} passes one argument: {@code -Dexample=AutobahnClient -Dport=ws://127.0.0.1:9001}).
 *
 * <p>It asks {@code /getCaseCount}, then for each case number N opens
 * {@code /runCase?case=N&agent=AGENT} and echoes until the suite closes, waiting (at most the case
 * timeout, default 600 s: the suite's own longest case limit is 480 s) for the session to end
 * before the next case; after each case it asks {@code /getCaseInfo} and {@code /getCaseStatus}
 * for the case's id, description and the suite's verdict, and prints the id and verdict. At the
 * end it asks {@code /updateReports?agent=AGENT}, which writes {@code reports/clients/index.json} and
 * {@code index.html} where the suite runs.
 *
 * <p>Exit status 0 when every case ran, 1 when one did not (it says which and why), 2 on a usage
 * error or when the suite could not be reached. A case "ran" when its session opened and ended
 * within the case timeout, or when its connection failed to open and the suite judged that
 * right (OK, NON-STRICT or INFORMATIONAL). The exit status does not depend on the verdicts
 * otherwise: read them in the suite's report.
 *
 * <p>The client takes messages and frames of up to 16 MiB (the suite's largest, 9.1.6 and 9.2.6),
 * fragments of 64 bytes or more (9.3.1), has room to queue two 16 MiB echoes, offers
 * permessage-deflate with the default options, sends no heartbeat pings of its own (they would be
 * traffic the cases did not ask for), and gives the suite 30 s to finish a close.
 */
public final class AutobahnClient {
    /** 16 MiB: the largest message the suite sends. */
    static final int MAX_MESSAGE = 16 << 20;
    /** The default bound on one case: above the suite's 480 s limit on its longest cases (12.*, 13.*). */
    static final Duration DEFAULT_CASE_TIMEOUT = Duration.ofMinutes(10);
    /** How long a query ({@code /getCaseCount}, {@code /getCaseStatus}, ...) may take. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
    /** How long the client waits for the suite to answer its close and to close TCP. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** The agent name when none is given. */
    static final String DEFAULT_AGENT = "ws-by-hand-client";


    /**
     * One case as this client saw it.
     *
     * @param number the case's number in the suite's list (1-based)
     * @param id the suite's case id such as {@code 9.1.6}, or null when it did not say
     * @param description what the case does, in the suite's words, or null when it did not say
     * @param behavior the suite's verdict on the case (OK, NON-STRICT, FAILED, ...), or null when unknown
     * @param problem why the case counts as not run, or null when it ran
     */
    public record Outcome(int number, String id, String description, String behavior, String problem) {
        /**
         * Whether the case ran (see the class comment).
         *
         * @return {@code true} when it ran
         */
        public boolean ran() {
            return problem == null;
        }

        String label() {
            return id == null ? "#" + number : id;
        }
    }

    private final URI base;
    private final String agent;
    private final Duration caseTimeout;
    private final PrintStream out;
    private final WebSocketClient client;

    private AutobahnClient(URI base, String agent, Duration caseTimeout, PrintStream out) {
        this.base = base;
        this.agent = agent;
        this.caseTimeout = caseTimeout;
        this.out = out;
        this.client = WebSocketClient.builder()
                .limits(Limits.defaults().withMaxFrameSize(MAX_MESSAGE).withMaxMessageSize(MAX_MESSAGE)
                        .withMaxFragments(MAX_MESSAGE / 64))
                .maxOutboundBytes(2L * MAX_MESSAGE + 1024)
                .pingInterval(Duration.ZERO)
                .idleTimeout(Duration.ZERO)
                .closeTimeout(CLOSE_TIMEOUT)
                .build();
    }

    /**
     * Runs cases {@code first} to {@code last} (1-based, inclusive; {@code last} 0 means up to the
     * suite's case count), then has the suite write its reports.
     *
     * @param base the suite's URL, e.g. {@code ws://127.0.0.1:9001}
     * @param agent the name the suite files the results under
     * @param first the first case number
     * @param last the last case number, or 0 for the last case
     * @param caseTimeout the longest one case may take
     * @param out where progress is printed
     * @return one outcome per case, in order
     * @throws IOException when the suite cannot be reached or does not say how many cases it has
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static List<Outcome> run(URI base, String agent, int first, int last, Duration caseTimeout,
            PrintStream out) throws IOException, InterruptedException {
        AutobahnClient runner = new AutobahnClient(base, agent, caseTimeout, out);
        try {
            return runner.runAll(first, last);
        } finally {
            runner.client.close();
        }
    }

    private List<Outcome> runAll(int first, int last) throws IOException, InterruptedException {
        String answer = query("/getCaseCount").text();
        int count;
        try {
            count = Integer.parseInt(answer == null ? "" : answer.trim());
        } catch (NumberFormatException e) {
            throw new IOException("the suite did not answer /getCaseCount with a number: " + answer);
        }
        int to = last == 0 ? count : last;
        if (first < 1 || to > count || first > to) {
            throw new IOException("cases " + first + "-" + to + " are not within the suite's 1-" + count);
        }
        out.printf("Autobahn|Testsuite at %s: %d cases, running %d-%d as agent %s%n", base, count, first, to, agent);
        List<Outcome> outcomes = new ArrayList<>();
        for (int n = first; n <= to; n++) {
            Outcome outcome = runCase(n);
            outcomes.add(outcome);
            out.printf("%-9s %-13s%s%n", outcome.label(), outcome.behavior() == null ? "?" : outcome.behavior(),
                    outcome.ran() ? "" : " NOT RUN: " + outcome.problem());
        }
        // The suite closes this once it has written its reports: index.json and index.html, then one per case.
        if (!query("/updateReports?agent=" + encode(agent)).ended()) {
            // Known in this port of the suite: a per-case report that fails to serialize ends the
            // request without an answer; index.json and index.html are written before those.
            out.println("note: /updateReports did not end within " + QUERY_TIMEOUT.toSeconds() + " s; see the suite's"
                    + " output (index.json and index.html are written first)");
        }
        return outcomes;
    }

    private Outcome runCase(int n) throws InterruptedException {
        Echo echo = new Echo(true);
        String problem = null;
        try {
            Session session = client.connect(resolve("/runCase?case=" + n + "&agent=" + encode(agent)), echo);
            if (!await(echo.closed, caseTimeout)) {
                problem = "the session did not end within " + caseTimeout.toSeconds() + " s";
                session.close(CloseCode.GOING_AWAY, "case timeout");
                await(echo.closed, CLOSE_TIMEOUT.multipliedBy(2));
            }
        } catch (IOException e) {
            problem = "the connection did not open: " + e.getMessage();
        }
        Map<?, ?> info = object(query("/getCaseInfo?case=" + n).text());
        // Answered once the suite has filed the case's result, which it does when the case's connection is gone.
        Map<?, ?> status = object(query("/getCaseStatus?case=" + n + "&agent=" + encode(agent)).text());
        String behavior = status.get("behavior") instanceof String b ? b : null;
        if (problem != null && problem.startsWith("the connection did not open") && behavior != null
                && ConformanceReport.PASSING.contains(behavior)) {
            problem = null; // the suite expected it not to open
        }
        return new Outcome(n, info.get("id") instanceof String id ? id : null,
                info.get("description") instanceof String d ? d : null, behavior, problem);
    }

    /**
     * What the suite said on a control URL.
     *
     * @param ended whether the suite closed the session within {@link #QUERY_TIMEOUT}
     * @param text the first text message it sent, or null
     */
    private record Answer(boolean ended, String text) {}

    /** Opens a control URL and waits at most {@link #QUERY_TIMEOUT} for the suite to answer and close. */
    private Answer query(String pathAndQuery) throws InterruptedException {
        Echo answer = new Echo(false);
        try {
            Session session = client.connect(resolve(pathAndQuery), answer);
            boolean ended = await(answer.closed, QUERY_TIMEOUT);
            if (!ended) {
                session.close(CloseCode.GOING_AWAY, "no answer");
                await(answer.closed, CLOSE_TIMEOUT.multipliedBy(2));
            }
            return new Answer(ended, answer.first.getNow(null));
        } catch (IOException e) {
            out.println("warning: " + pathAndQuery + ": " + e.getMessage());
            return new Answer(false, null);
        }
    }

    private static boolean await(CompletableFuture<?> future, Duration timeout) throws InterruptedException {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    private URI resolve(String pathAndQuery) {
        String root = base.toString();
        return URI.create((root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + pathAndQuery);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A JSON object the suite sent, or an empty map when it sent none or something else. */
    private static Map<?, ?> object(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.parse(json) instanceof Map<?, ?> map ? map : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** Echoes every message back as received (or, for queries, keeps the first text) and tells when the session ended. */
    private static final class Echo implements WebSocketHandler {
        final CompletableFuture<CloseCode> closed = new CompletableFuture<>();
        final CompletableFuture<String> first = new CompletableFuture<>();
        private final boolean echoes;

        Echo(boolean echoes) {
            this.echoes = echoes;
        }

        @Override
        public void onText(Session session, String text) {
            first.complete(text);
            if (echoes) {
                session.sendText(text);
            }
        }

        @Override
        public void onBinary(Session session, byte[] data) {
            if (echoes) {
                session.sendBinary(data);
            }
        }

        @Override
        public void onClose(Session session, CloseCode code, String reason) {
            closed.complete(code);
        }
    }

    /**
     * Runs the suite's cases; see the class comment.
     *
     * @param args {@code BASE_URL [AGENT] [--cases FROM-TO] [--case-timeout SECONDS]}
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int first = 1;
        int last = 0;
        Duration caseTimeout = DEFAULT_CASE_TIMEOUT;
        List<String> positional = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--cases" -> {
                        String range = args[++i];
                        int dash = range.indexOf('-');
                        first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                        last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
                    }
                    case "--case-timeout" -> caseTimeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                    default -> positional.add(args[i]);
                }
            }
        } catch (RuntimeException e) {
            positional.clear();
        }
        if (positional.size() == 1) {
            positional.add(DEFAULT_AGENT);
        }
        if (positional.size() != 2 || first < 1 || (last != 0 && last < first) || !caseTimeout.isPositive()) {
            System.err.println("usage: AutobahnClient BASE_URL [AGENT] [--cases FROM-TO] [--case-timeout SECONDS]");
            System.err.println("  e.g. AutobahnClient ws://127.0.0.1:9001 ws-by-hand --cases 1-10");
            System.exit(2);
        }
        List<Outcome> outcomes;
        try {
            outcomes = run(URI.create(positional.get(0)), positional.get(1), first, last, caseTimeout, System.out);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("AutobahnClient: " + e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Integer> byBehavior = new TreeMap<>();
        outcomes.forEach(o -> byBehavior.merge(o.behavior() == null ? "unknown" : o.behavior(), 1, Integer::sum));
        List<Outcome> notRun = outcomes.stream().filter(o -> !o.ran()).toList();
        System.out.println(outcomes.size() + " cases, verdicts " + byBehavior);
        if (notRun.isEmpty()) {
            System.out.println("every case ran; the suite's report is in its outdir (index.json, index.html)");
            System.exit(0);
        }
        System.out.println(notRun.size() + " did not run:");
        notRun.forEach(o -> System.out.println("  " + o.label() + ": " + o.problem()));
        System.exit(1);
    }
}
