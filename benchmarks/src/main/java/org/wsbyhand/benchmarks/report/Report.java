package org.wsbyhand.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Turns one benchmark run into {@code docs/benchmarks.md} plus SVG bar charts beside it. Usage:
 * {@code Report RUN_DIR MARKDOWN_FILE}, where RUN_DIR holds what {@code benchmarks/run.sh} wrote:
 * {@code meta.properties} (machine, JVM, flags), {@code load.tsv} (the load tool's
 * {@code server scenario metric value} lines) and {@code jmh.csv} (JMH's CSV result file). Missing
 * files just leave their sections out. Charts are plain SVG written here, no plotting tool.
 */
public final class Report {

    /** Servers in display order; the keys are the labels run.sh gives the load tool. */
    private static final Map<String, String> SERVERS = new LinkedHashMap<>();

    static {
        SERVERS.put("ours", "ws-by-hand");
        SERVERS.put("ours-jdk", "ws-by-hand on the JDK's scheduler");
        SERVERS.put("handrolled", "ws-by-hand HandRolledServer");
        SERVERS.put("netty", "Netty 4.2");
        SERVERS.put("jetty", "Jetty 12.1");
        SERVERS.put("java-websocket", "Java-WebSocket 1.6");
        SERVERS.put("undertow", "Undertow 2.4");
    }

    /** Codec implementations in display order, with their display names. */
    private static final Map<String, String> IMPLEMENTATIONS = new LinkedHashMap<>();

    static {
        IMPLEMENTATIONS.put("arraycopy", "System.arraycopy (floor)");
        IMPLEMENTATIONS.put("oursDecode", "ws-by-hand (decode in place)");
        IMPLEMENTATIONS.put("oursRefillAndDecode", "ws-by-hand (refill + decode)");
        IMPLEMENTATIONS.put("ours", "ws-by-hand");
        IMPLEMENTATIONS.put("oursIntoReusedBuffer", "ws-by-hand (into reused buffer)");
        IMPLEMENTATIONS.put("oursParseAndAccept", "ws-by-hand (parse + accept + 101 bytes)");
        IMPLEMENTATIONS.put("netty", "Netty 4.2");
        IMPLEMENTATIONS.put("javaWebSocket", "Java-WebSocket 1.6");
        IMPLEMENTATIONS.put("jdkDecoder", "JDK CharsetDecoder (decodes too)");
    }

    private final Path runDir;
    private final Path markdown;
    private final Path chartDir;
    private final Properties meta = new Properties();
    /** server -> scenario -> metric -> value. */
    private final Map<String, Map<String, Map<String, Double>>> load = new LinkedHashMap<>();
    private final List<JmhRow> jmh = new ArrayList<>();
    private MatrixResults matrix = new MatrixResults();
    private final StringBuilder md = new StringBuilder();

    private Report(Path runDir, Path markdown) {
        this.runDir = runDir;
        this.markdown = markdown;
        this.chartDir = markdown.resolveSibling("benchmarks");
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Report RUN_DIR MARKDOWN_FILE");
            System.exit(2);
        }
        Report report = new Report(Path.of(args[0]), Path.of(args[1]));
        report.read();
        report.write();
    }

    record JmhRow(String benchmark, String method, Map<String, String> params, double score, double error, String unit) {}

    private void read() throws IOException {
        Path metaFile = runDir.resolve("meta.properties");
        if (Files.exists(metaFile)) {
            try (var in = Files.newBufferedReader(metaFile, StandardCharsets.UTF_8)) {
                meta.load(in);
            }
        }
        Path loadFile = runDir.resolve("load.tsv");
        if (Files.exists(loadFile)) {
            for (String line : Files.readAllLines(loadFile, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length == 4) {
                    load.computeIfAbsent(f[0], k -> new LinkedHashMap<>())
                            .computeIfAbsent(f[1], k -> new LinkedHashMap<>())
                            .put(f[2], Double.parseDouble(f[3]));
                }
            }
        }
        matrix = MatrixResults.read(runDir.resolve("matrix.tsv"));
        Path jmhFile = runDir.resolve("jmh.csv");
        if (Files.exists(jmhFile)) {
            List<String> lines = Files.readAllLines(jmhFile, StandardCharsets.UTF_8);
            List<String> header = csv(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                List<String> f = csv(line);
                String full = f.get(0);
                String[] parts = full.split("\\.");
                Map<String, String> params = new TreeMap<>();
                for (int i = 7; i < header.size() && i < f.size(); i++) {
                    if (!f.get(i).isEmpty()) {
                        params.put(header.get(i).replace("Param: ", ""), f.get(i));
                    }
                }
                jmh.add(new JmhRow(parts[parts.length - 2], parts[parts.length - 1], params,
                        Double.parseDouble(f.get(4)), parseOrNaN(f.get(5)), f.get(6)));
            }
        }
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    // ---------------------------------------------------------------- writing

    private void write() throws IOException {
        Files.createDirectories(chartDir);
        md.append("# Benchmarks\n\n");
        md.append("ws-by-hand against the JVM's WebSocket implementations: Netty, Jetty, Java-WebSocket and Undertow, "
                + "on one machine in one run. Generated by `benchmarks/run.sh` (see \"How to run\" below); "
                + "do not edit by hand.\n\n");
        String note = meta.getProperty("note", "").trim();
        if (!note.isEmpty()) {
            md.append("> **Note.** ").append(note).append("\n\n");
        }
        writeSetup();
        if (!load.isEmpty()) {
            writeGoals();
        }
        if (!load.isEmpty() || !matrix.isEmpty()) {
            writeAnalysis();
        }
        if (!load.isEmpty()) {
            writeEcho();
            writeBulk();
            writeIdle();
            writeBroadcast();
            writeLoadConditions();
        }
        if (!matrix.isEmpty()) {
            new MatrixSection(matrix, meta, chartDir, md).write();
        }
        if (!jmh.isEmpty()) {
            writeCodec();
        }
        writeHowTo();
        Files.writeString(markdown, md.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + markdown + " and charts in " + chartDir);
    }

    /**
     * The hand-written reading of the results (profiles, what moved the numbers, what remains), kept
     * in docs/benchmarks-analysis.md beside the report, is included after the goals when present.
     */
    private void writeAnalysis() throws IOException {
        Path analysis = markdown.resolveSibling("benchmarks-analysis.md");
        if (Files.exists(analysis)) {
            md.append(Files.readString(analysis, StandardCharsets.UTF_8).strip()).append("\n\n");
        }
    }

    private void writeSetup() {
        md.append("## Machine and settings\n\n");
        md.append("| | |\n|---|---|\n");
        row("Date", meta.getProperty("date"));
        row("CPU", meta.getProperty("cpu") + " (" + meta.getProperty("nproc") + " cores visible)");
        row("Memory", meta.getProperty("memory"));
        row("Kernel", meta.getProperty("kernel"));
        row("JVM", meta.getProperty("jvm"));
        row("Server JVM flags (every server)", code(meta.getProperty("server_flags")));
        row("Load tool JVM flags", code(meta.getProperty("client_flags")));
        row("Load tool", "Netty 4.2 NIO client, " + meta.getProperty("client_threads", "2") + " event loop threads, "
                + "one JVM, 127.0.0.1 only");
        row("JMH", code(meta.getProperty("jmh_args")));
        row("Commit", code(meta.getProperty("commit")));
        md.append('\n');
    }

    private void row(String key, String value) {
        md.append("| ").append(key).append(" | ").append(value == null ? "?" : value).append(" |\n");
    }

    private static String code(String s) {
        return s == null || s.isEmpty() ? "?" : "`" + s + "`";
    }

    /** The load tool labels of the servers, in display order. */
    static List<String> serverLabels() {
        return List.copyOf(SERVERS.keySet());
    }

    /** A server's display name ("Netty 4.2") from its label ("netty"). */
    static String serverName(String label) {
        return SERVERS.getOrDefault(label, label);
    }

    private Double metric(String server, String scenario, String metric) {
        return load.getOrDefault(server, Map.of()).getOrDefault(scenario, Map.of()).get(metric);
    }

    private List<String> serversWith(String scenario) {
        List<String> out = new ArrayList<>();
        for (String s : SERVERS.keySet()) {
            if (load.containsKey(s) && load.get(s).containsKey(scenario)) {
                out.add(s);
            }
        }
        return out;
    }

    private void writeGoals() {
        if (!load.containsKey("ours") || !load.containsKey("netty")) {
            md.append("## Goals\n\nws-by-hand's server was not part of this run, so the goals of issue 7 are not checked here.\n\n");
            return;
        }
        md.append("## Goals (issue 7), checked against this run\n\n");
        md.append("| Goal | Measured | Met |\n|---|---|---|\n");
        ratioGoal("Server CPU per echoed message <= 0.8x Netty", "echo", "server_cpu_us_per_msg", 0.8, false);
        ratioGoal("Echo throughput >= 1.2x Netty", "echo", "msgs_per_s", 1.2, true);
        ratioGoal("Echo p99 latency <= Netty", "echo", "p99_us", 1.0, false);
        ratioGoal("1 MiB echo MB/s >= Netty", "bulk", "mb_per_s", 1.0, true);
        Double ourHeap = metric("ours", "idle", "heap_bytes_per_conn");
        double smallest = Double.MAX_VALUE;
        for (String s : serversWith("idle")) {
            Double h = metric(s, "idle", "heap_bytes_per_conn");
            if (!s.equals("ours") && h != null) {
                smallest = Math.min(smallest, h);
            }
        }
        if (ourHeap != null && smallest != Double.MAX_VALUE) {
            md.append("| Idle heap per connection <= smallest peer's | ")
                    .append(fmt(ourHeap)).append(" B vs ").append(fmt(smallest)).append(" B | ")
                    .append(ourHeap <= smallest ? "yes" : "**no**").append(" |\n");
        }
        double heldBack = 0;
        for (String scenario : List.of("echo", "bulk", "broadcast")) {
            Double h = metric("ours", scenario, "held_back");
            heldBack += h == null ? 0 : h;
        }
        md.append("| No reply ever held back | ").append(fmt(heldBack)).append(" replies owed after the run | ")
                .append(heldBack == 0 ? "yes" : "**no**").append(" |\n");
        md.append('\n');
    }

    private void ratioGoal(String goal, String scenario, String metric, double bound, boolean atLeast) {
        Double ours = metric("ours", scenario, metric);
        Double netty = metric("netty", scenario, metric);
        if (ours == null || netty == null || netty == 0) {
            return;
        }
        double ratio = ours / netty;
        boolean met = atLeast ? ratio >= bound : ratio <= bound;
        md.append("| ").append(goal).append(" | ").append(fmt(ours)).append(" vs ").append(fmt(netty))
                .append(String.format(Locale.ROOT, " (%.2fx)", ratio)).append(" | ")
                .append(met ? "yes" : "**no**").append(" |\n");
    }

    private record Column(String metric, String header, boolean ratioToNetty) {}

    private void scenarioTable(String scenario, List<Column> columns) {
        List<String> servers = serversWith(scenario);
        md.append("| Server |");
        for (Column c : columns) {
            md.append(' ').append(c.header()).append(" |");
            if (c.ratioToNetty()) {
                md.append(" vs Netty |");
            }
        }
        md.append("\n|---|");
        for (Column c : columns) {
            md.append("---:|");
            if (c.ratioToNetty()) {
                md.append("---:|");
            }
        }
        md.append('\n');
        for (String s : servers) {
            md.append("| ").append(SERVERS.get(s)).append(" |");
            for (Column c : columns) {
                Double v = metric(s, scenario, c.metric());
                md.append(' ').append(v == null ? "-" : fmt(v)).append(" |");
                if (c.ratioToNetty()) {
                    Double n = metric("netty", scenario, c.metric());
                    md.append(' ').append(v == null || n == null || n == 0 ? "-"
                            : String.format(Locale.ROOT, "%.2fx", v / n)).append(" |");
                }
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private void scenarioChart(String scenario, String metric, String title, String unit, String file) throws IOException {
        List<Bar> bars = new ArrayList<>();
        for (String s : serversWith(scenario)) {
            Double v = metric(s, scenario, metric);
            if (v != null) {
                bars.add(new Bar(SERVERS.get(s), v));
            }
        }
        if (bars.isEmpty()) {
            return;
        }
        Files.writeString(chartDir.resolve(file), Svg.chart(title, unit, List.of(new Group("", bars))), StandardCharsets.UTF_8);
        md.append("![").append(title).append("](benchmarks/").append(file).append(")\n\n");
    }

    private String config(String scenario, String... metrics) {
        for (String s : serversWith(scenario)) {
            StringBuilder sb = new StringBuilder();
            for (String m : metrics) {
                Double v = metric(s, scenario, m);
                sb.append(sb.isEmpty() ? "" : ", ").append(m.replace('_', ' ')).append(' ').append(v == null ? "?" : fmt(v));
            }
            return sb.toString();
        }
        return "";
    }

    private void writeEcho() throws IOException {
        if (serversWith("echo").isEmpty()) {
            return;
        }
        md.append("## Echo: many connections, small text messages\n\n");
        if (load.containsKey("handrolled")) {
            md.append("*ws-by-hand HandRolledServer* is `examples/HandRolledServer`: ws-protocol's `Connection` driven by "
                    + "plain blocking sockets on virtual threads, without ws-server.\n\n");
        }
        md.append("Each connection keeps a fixed number of messages in flight and sends the next one when an echo "
                + "returns; every echo is compared byte for byte with what was sent. Server CPU is user + system time "
                + "of the whole server process (/proc/PID/stat) over the timed window, divided by the echoes received: "
                + "the figure that carries over from a busy 2-core machine to a quiet one. "
                + "Setup: " + config("echo", "connections", "inflight", "size_bytes", "seconds") + ".\n\n");
        scenarioTable("echo", List.of(
                new Column("msgs_per_s", "msgs/s", true),
                new Column("server_cpu_us_per_msg", "server CPU us/msg", true),
                new Column("p50_us", "p50 us", false),
                new Column("p99_us", "p99 us", true),
                new Column("p999_us", "p99.9 us", false),
                new Column("server_cpu_cores", "server cores busy", false),
                new Column("client_cpu_cores", "client cores busy", false),
                new Column("held_back", "held back", false),
                new Column("mismatches", "wrong echoes", false)));
        scenarioChart("echo", "msgs_per_s", "Echo throughput (higher is better)", "msgs/s", "echo-throughput.svg");
        scenarioChart("echo", "server_cpu_us_per_msg", "Server CPU per echoed message (lower is better)", "us", "echo-cpu.svg");
        scenarioChart("echo", "p99_us", "Echo p99 latency (lower is better)", "us", "echo-p99.svg");
    }

    private void writeBulk() throws IOException {
        if (serversWith("bulk").isEmpty()) {
            return;
        }
        md.append("## Bulk: 1 MiB binary echo on one connection\n\n");
        md.append("One message in flight; MB/s counts echoed payload bytes (10^6 bytes per MB). "
                + "Setup: " + config("bulk", "connections", "inflight", "size_bytes", "seconds") + ".\n\n");
        scenarioTable("bulk", List.of(
                new Column("mb_per_s", "MB/s", true),
                new Column("server_cpu_us_per_msg", "server CPU us per MiB", true),
                new Column("p50_us", "p50 round trip us", false),
                new Column("client_cpu_cores", "client cores busy", false),
                new Column("held_back", "held back", false),
                new Column("mismatches", "wrong echoes", false)));
        scenarioChart("bulk", "mb_per_s", "1 MiB echo throughput (higher is better)", "MB/s", "bulk.svg");
    }

    private void writeIdle() throws IOException {
        if (serversWith("idle").isEmpty()) {
            return;
        }
        md.append("## Idle: connections held open\n\n");
        md.append("The load tool opens the connections (256 handshakes at a time, source addresses spread over "
                + "127.0.0.2-251) and holds them. Heap is the live heap after a full GC (jcmd GC.class_histogram "
                + "total) and RSS the server's VmRSS, each minus the value before the first connection, divided by "
                + "the connections. RSS also counts heap pages the collector touched for the first time, so it is "
                + "the noisier of the two.\n\n");
        scenarioTable("idle", List.of(
                new Column("connections", "connections", false),
                new Column("connections_per_s", "connections/s", true),
                new Column("heap_bytes_per_conn", "heap B/conn", true),
                new Column("rss_bytes_per_conn", "RSS B/conn", true),
                new Column("failed", "failed", false)));
        scenarioChart("idle", "heap_bytes_per_conn", "Live heap per idle connection (lower is better)", "bytes", "idle-heap.svg");
        scenarioChart("idle", "connections_per_s", "Connection rate (higher is better)", "connections/s", "idle-rate.svg");
    }

    private void writeBroadcast() throws IOException {
        if (serversWith("broadcast").isEmpty()) {
            return;
        }
        md.append("## Broadcast: one sender, many receivers\n\n");
        md.append("Every text message the sender sends is relayed by the server to every connection; receivers check "
                + "order and content. The sender keeps at most `inflight` x receivers deliveries outstanding. "
                + "The Netty peer uses the idiomatic `ChannelGroup.writeAndFlush` (with void promises): each delivery "
                + "to a channel owned by another event loop is a task hand-off and a flush of its own, while "
                + "ws-by-hand's per-session writer coalesces whatever frames are queued into one write. "
                + "Setup: " + config("broadcast", "receivers", "size_bytes", "seconds") + ".\n\n");
        scenarioTable("broadcast", List.of(
                new Column("deliveries_per_s", "deliveries/s", true),
                new Column("server_cpu_us_per_delivery", "server CPU us/delivery", true),
                new Column("server_cpu_cores", "server cores busy", false),
                new Column("held_back", "held back", false),
                new Column("mismatches", "wrong deliveries", false)));
        scenarioChart("broadcast", "deliveries_per_s", "Broadcast deliveries per second (higher is better)", "deliveries/s", "broadcast.svg");
    }

    private void writeLoadConditions() {
        md.append("### Machine load during the run\n\n");
        md.append("1-minute load average when each server's scenarios started and ended (2 means both cores busy). "
                + "Other programs running at the same time make throughput and latency worse for whoever ran then; "
                + "CPU per message is less affected.\n\n");
        md.append("| Server | load at start | load at end |\n|---|---:|---:|\n");
        for (String s : SERVERS.keySet()) {
            Double a = metric(s, "machine", "loadavg_start");
            Double b = metric(s, "machine", "loadavg_end");
            if (a != null || b != null) {
                md.append("| ").append(SERVERS.get(s)).append(" | ").append(a == null ? "-" : fmt(a))
                        .append(" | ").append(b == null ? "-" : fmt(b)).append(" |\n");
            }
        }
        md.append('\n');
    }

    // ---------------------------------------------------------------- codec

    private void writeCodec() throws IOException {
        md.append("## Codec (JMH)\n\n");
        md.append("Single-threaded JMH, average time per operation. MB/s is payload bytes per second "
                + "(10^6 bytes per MB). The floor is `System.arraycopy` of the same bytes: nothing that reads every "
                + "byte can be much faster.\n\n");
        codecBySize("DecodeBenchmark", "Decode + unmask one masked client frame",
                "Binary frames. Our decoder unmasks in place, so its input has to be refilled with masked bytes for every "
                        + "decode: *refill + decode* pays that copy, *decode in place* decodes the same buffer again (the "
                        + "work is identical; the payload just toggles between masked and plain). Netty and Java-WebSocket "
                        + "copy the payload into a new buffer as part of decoding. Beyond the CPU caches an in-place "
                        + "unmask can beat the `arraycopy` floor, which moves twice the memory (two arrays).",
                "decode.svg");
        codecBySize("EncodeBenchmark", "Mask + encode one client frame",
                "A fresh mask key per frame, each implementation's own way. *ws-by-hand* allocates the frame array "
                        + "(`FrameEncoder.encode`); *into reused buffer* writes header, copy and mask into a reused array.",
                "encode.svg");
        codecUtf8();
        codecHandshake();
        codecEchoPath();
        decodeGoal();
    }

    private List<String> methodsOf(String benchmark) {
        List<String> out = new ArrayList<>();
        for (String impl : IMPLEMENTATIONS.keySet()) {
            if (jmh.stream().anyMatch(r -> r.benchmark().equals(benchmark) && r.method().equals(impl))) {
                out.add(impl);
            }
        }
        return out;
    }

    private JmhRow find(String benchmark, String method, Map<String, String> params) {
        for (JmhRow r : jmh) {
            if (r.benchmark().equals(benchmark) && r.method().equals(method) && r.params().equals(params)) {
                return r;
            }
        }
        return null;
    }

    private List<Map<String, String>> paramSets(String benchmark) {
        List<Map<String, String>> out = new ArrayList<>();
        for (JmhRow r : jmh) {
            if (r.benchmark().equals(benchmark) && !out.contains(r.params())) {
                out.add(r.params());
            }
        }
        out.sort((a, b) -> {
            int c = a.getOrDefault("text", "").compareTo(b.getOrDefault("text", ""));
            return c != 0 ? c : Integer.compare(Integer.parseInt(a.getOrDefault("size", "0")),
                    Integer.parseInt(b.getOrDefault("size", "0")));
        });
        return out;
    }

    private void codecBySize(String benchmark, String title, String explanation, String chartFile) throws IOException {
        List<String> methods = methodsOf(benchmark);
        if (methods.isEmpty()) {
            return;
        }
        md.append("### ").append(title).append("\n\n").append(explanation).append("\n\n");
        md.append("ns/op (MB/s in parentheses):\n\n| Payload |");
        for (String m : methods) {
            md.append(' ').append(IMPLEMENTATIONS.get(m)).append(" |");
        }
        md.append("\n|---|");
        methods.forEach(m -> md.append("---:|"));
        md.append('\n');
        List<Group> groups = new ArrayList<>();
        for (Map<String, String> params : paramSets(benchmark)) {
            int size = Integer.parseInt(params.get("size"));
            md.append("| ").append(bytes(size)).append(" |");
            List<Bar> bars = new ArrayList<>();
            for (String m : methods) {
                JmhRow r = find(benchmark, m, params);
                if (r == null) {
                    md.append(" - |");
                    continue;
                }
                double mbps = size / r.score() * 1e3;
                md.append(' ').append(fmt(r.score())).append(" (").append(fmt(mbps)).append(") |");
                bars.add(new Bar(IMPLEMENTATIONS.get(m), mbps));
            }
            md.append('\n');
            groups.add(new Group(bytes(size), bars));
        }
        md.append('\n');
        Files.writeString(chartDir.resolve(chartFile), Svg.chart(title + ": MB/s (higher is better)", "MB/s", groups),
                StandardCharsets.UTF_8);
        md.append("![").append(title).append("](benchmarks/").append(chartFile).append(")\n\n");
    }

    private void codecUtf8() throws IOException {
        String benchmark = "Utf8Benchmark";
        List<String> methods = methodsOf(benchmark);
        if (methods.isEmpty()) {
            return;
        }
        md.append("### UTF-8 validation\n\n");
        md.append("*ascii* is English text; *mixed* rotates through 1-, 2-, 3- and 4-byte characters. "
                + "Netty: `ByteBufUtil.isText(buf, UTF_8)`; Java-WebSocket: `Charsetfunctions.isValidUTF8`.\n\n");
        md.append("ns/op (MB/s in parentheses):\n\n| Text | Size |");
        for (String m : methods) {
            md.append(' ').append(IMPLEMENTATIONS.get(m)).append(" |");
        }
        md.append("\n|---|---|");
        methods.forEach(m -> md.append("---:|"));
        md.append('\n');
        List<Group> groups = new ArrayList<>();
        for (Map<String, String> params : paramSets(benchmark)) {
            int size = Integer.parseInt(params.get("size"));
            md.append("| ").append(params.get("text")).append(" | ").append(bytes(size)).append(" |");
            List<Bar> bars = new ArrayList<>();
            for (String m : methods) {
                JmhRow r = find(benchmark, m, params);
                if (r == null) {
                    md.append(" - |");
                    continue;
                }
                double mbps = size / r.score() * 1e3;
                md.append(' ').append(fmt(r.score())).append(" (").append(fmt(mbps)).append(") |");
                bars.add(new Bar(IMPLEMENTATIONS.get(m), mbps));
            }
            md.append('\n');
            groups.add(new Group(params.get("text") + " " + bytes(size), bars));
        }
        md.append('\n');
        Files.writeString(chartDir.resolve("utf8.svg"), Svg.chart("UTF-8 validation: MB/s (higher is better)", "MB/s", groups),
                StandardCharsets.UTF_8);
        md.append("![UTF-8 validation](benchmarks/utf8.svg)\n\n");
    }

    private void codecHandshake() throws IOException {
        simpleTable("HandshakeBenchmark", "Opening handshake",
                "Parsing a Chromium upgrade request (13 header fields, about 560 bytes).",
                "Handshake parse: ns per request (lower is better)", "handshake.svg");
    }

    private void codecEchoPath() throws IOException {
        simpleTable("EchoPathBenchmark", "Protocol work per echoed message",
                "One read's worth of a server's echo without sockets: 8 masked 64-byte text frames in, decoded, "
                        + "unmasked, UTF-8-validated and made into messages, each answered with a text frame ready to "
                        + "write; the score is per message. Netty runs its decoder, UTF-8 validator and encoder in an "
                        + "`EmbeddedChannel` with an echo handler. Compare with the load test's server CPU per message: "
                        + "what is not here is sockets, threads and locks.",
                "Protocol work per echoed 64-byte message: ns (lower is better)", "echo-path.svg");
    }

    private void simpleTable(String benchmark, String title, String text, String chartTitle, String chartFile)
            throws IOException {
        List<String> methods = methodsOf(benchmark);
        if (methods.isEmpty()) {
            return;
        }
        md.append("### ").append(title).append("\n\n").append(text).append("\n\n");
        md.append("| Implementation | ns/op | ± |\n|---|---:|---:|\n");
        List<Bar> bars = new ArrayList<>();
        for (String m : methods) {
            JmhRow r = find(benchmark, m, Map.of());
            if (r != null) {
                md.append("| ").append(IMPLEMENTATIONS.get(m)).append(" | ").append(fmt(r.score())).append(" | ")
                        .append(fmt(r.error())).append(" |\n");
                bars.add(new Bar(IMPLEMENTATIONS.get(m), r.score()));
            }
        }
        md.append('\n');
        Files.writeString(chartDir.resolve(chartFile), Svg.chart(chartTitle, "ns", List.of(new Group("", bars))),
                StandardCharsets.UTF_8);
        md.append("![").append(title).append("](benchmarks/").append(chartFile).append(")\n\n");
    }

    private void decodeGoal() {
        JmhRow floor = find("DecodeBenchmark", "arraycopy", Map.of("size", "65536"));
        JmhRow ours = find("DecodeBenchmark", "oursDecode", Map.of("size", "65536"));
        JmhRow refill = find("DecodeBenchmark", "oursRefillAndDecode", Map.of("size", "65536"));
        if (floor == null || ours == null) {
            return;
        }
        double ratio = ours.score() / floor.score();
        md.append("**Codec goal** (decode + unmask of a 64 KiB frame within 1.5x of `System.arraycopy` of the same bytes): "
                + String.format(Locale.ROOT, "%.2fx", ratio) + " - " + (ratio <= 1.5 ? "met" : "**not met**") + ".");
        if (refill != null) {
            md.append(String.format(Locale.ROOT, " Including the refill copy the benchmark needs: %.2fx.",
                    refill.score() / floor.score()));
        }
        md.append("\n\n");
    }

    private void writeHowTo() {
        md.append("## How to run\n\n");
        md.append("```\nbenchmarks/run.sh            # build once, codec benchmarks, load comparison, this report\n"
                + "benchmarks/run.sh load       # load comparison only (about 4 minutes)\n"
                + "benchmarks/run.sh codec      # JMH codec benchmarks only (about 7 minutes)\n"
                + "SERVERS=\"ours netty\" benchmarks/run.sh load   # a subset of servers\n"
                + "benchmarks/run.sh matrix     # ws-by-hand against Netty across load shapes (about 25 minutes)\n"
                + "RUN_DIR=<run> MATRIX_CELLS='^echo-t1/c100-f8-s64$' benchmarks/run.sh matrix   # one cell again\n```\n\n");
        md.append("Raw results of each run (load tool lines, JMH CSV, server logs) stay in "
                + "`benchmarks/target/results/<timestamp>/`. See `benchmarks/README.md` for every knob. "
                + "Throughput on a shared 2-core machine moves by up to 25% from run to run: compare ratios within "
                + "one run, and prefer server CPU per message to messages per second.\n");
    }

    // ---------------------------------------------------------------- formatting

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 100 || (v == Math.rint(v) && a < 1e15)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String bytes(int size) {
        if (size >= 1 << 20 && size % (1 << 20) == 0) {
            return (size >> 20) + " MiB";
        }
        if (size >= 1024 && size % 1024 == 0) {
            return (size >> 10) + " KiB";
        }
        return size + " B";
    }

    record Bar(String label, double value) {}

    record Group(String name, List<Bar> bars) {}
}
