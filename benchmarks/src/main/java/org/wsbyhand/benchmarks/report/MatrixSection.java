package org.wsbyhand.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.DoubleFunction;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The load matrix's part of the report (issue 16; {@code benchmarks/run.sh matrix}): a summary of
 * the cells every server ran, one table per family of cells comparing ws-by-hand with Netty, the
 * idle cells with a linear extrapolation of memory to 100,000 and 1,000,000 connections, and two
 * line charts of server CPU per message, against connections and against message size.
 */
final class MatrixSection {

    private static final String OURS = "ours";
    private static final String NETTY = "netty";
    /** The server's CPU per opened connection, if the idle scenario reports it (server_cpu_us_per_conn...). */
    private static final String ACCEPT_CPU = "server_cpu_us_per_conn";
    private static final List<Long> EXTRAPOLATE_TO = List.of(100_000L, 1_000_000L);

    private final MatrixResults results;
    private final Properties meta;
    private final Path chartDir;
    private final StringBuilder md;

    MatrixSection(MatrixResults results, Properties meta, Path chartDir, StringBuilder md) {
        this.results = results;
        this.meta = meta;
        this.chartDir = chartDir;
        this.md = md;
    }

    /** What a family's cells measure: the throughput and server CPU metrics and their units. */
    private record Family(String title, String throughput, String throughputUnit, String cpu, String cpuUnit) {

        static Family of(String family) {
            return switch (family) {
                case "tls" -> echo("Echo over TLS (wss://)");
                case "deflate" -> echo("Echo with permessage-deflate (JSON-like text)");
                case "broadcast" -> new Family("Broadcast: one sender, N receivers", "deliveries_per_s", "deliveries/s",
                        "server_cpu_us_per_delivery", "CPU µs/delivery");
                default -> family.startsWith("echo-t") ? echo("Echo, " + clientThreads(family)) : echo(family);
            };
        }

        private static Family echo(String title) {
            return new Family(title, "msgs_per_s", "msgs/s", "server_cpu_us_per_msg", "CPU µs/msg");
        }
    }

    void write() throws IOException {
        md.append("## Matrix: ws-by-hand against Netty across load shapes\n\n");
        intro();
        summary();
        for (String family : results.families()) {
            if (family.equals("idle")) {
                idle();
            } else {
                familyTable(family);
            }
        }
        charts();
    }

    private void intro() {
        md.append("Each cell is one load shape, written connections × messages in flight per connection × message "
                + "size. ws-by-hand's server and Netty's ran every cell back to back, in an order that alternates "
                + "from one cell to the next. Each server has its own JVM with the same flags. Both are started once "
                + "per mode (echo, TLS, compressed echo, broadcast; every idle cell gets fresh servers) and warmed "
                + "up for " + knob("matrix_server_warmup") + " s. Each cell then has " + knob("matrix_warmup")
                + " s of warm-up and a " + knob("matrix_seconds") + " s timed window.\n\n");
        md.append("Ratios are ws-by-hand / Netty. Throughput above 1 and CPU below 1 favour ws-by-hand. Where "
                + "ws-by-hand does worse on either, the Note column says so (\"loses: ...\"). Server CPU is user + "
                + "system time of the whole server process in the window, per message. *Other cores* is the CPU "
                + "used by every other process on the machine in that window (ws-by-hand / Netty; 1 is a whole "
                + "core). A cell where it exceeded " + knob("matrix_quiet") + " ran once more and kept its quieter "
                + "attempt. If that attempt was still above the limit, the Note column says \"noisy\". *Load* is "
                + "the 1-minute load average when each server's run of the cell started. It includes the benchmark "
                + "itself. Client event-loop threads: as the echo family says, else "
                + knob("matrix_client_threads") + ". Echo cells with more than " + mib(parse(meta.getProperty("matrix_inflight_cap"), 64 << 20))
                + " in flight (connections × in flight × size) were not run, and their rows say so.\n\n");
    }

    private String knob(String key) {
        return meta.getProperty(key, "?");
    }

    // ---------------------------------------------------------------- summary

    /** The cells that servers other than ours and Netty ran too, every server side by side. */
    private void summary() {
        List<MatrixCell> cells = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        for (String family : results.families()) {
            for (MatrixCell cell : results.cells(family)) {
                List<String> here = results.servers(cell);
                if (here.stream().anyMatch(s -> !s.equals(OURS) && !s.equals(NETTY))) {
                    cells.add(cell);
                    here.stream().filter(s -> !servers.contains(s)).forEach(servers::add);
                }
            }
        }
        if (cells.isEmpty()) {
            return;
        }
        servers.sort((a, b) -> Integer.compare(serverRank(a), serverRank(b)));
        md.append("### Summary: every server\n\n");
        md.append("The other servers ran these cells after the ws-by-hand and Netty pairs, on their own, each after "
                + "its own warm-up. Ratios in parentheses are to Netty.\n\n");
        md.append("| Cell | Figure |");
        servers.forEach(s -> md.append(' ').append(Report.serverName(s)).append(" |"));
        md.append("\n|---|---|");
        servers.forEach(s -> md.append("---:|"));
        md.append('\n');
        for (MatrixCell cell : cells) {
            String name = cellTitle(cell);
            if (cell.isIdle()) {
                summaryRow(cell, name, "heap B/conn (lower is better)", "heap_bytes_per_conn", servers);
                summaryRow(cell, name, "RSS B/conn (lower is better)", "rss_bytes_per_conn", servers);
            } else {
                Family f = Family.of(cell.family());
                summaryRow(cell, name, f.throughputUnit() + " (higher is better)", f.throughput(), servers);
                summaryRow(cell, name, "server " + f.cpuUnit() + " (lower is better)", f.cpu(), servers);
            }
        }
        md.append('\n');
        List<String> notes = new ArrayList<>();
        for (MatrixCell cell : cells) {
            for (String s : results.servers(cell)) {
                List<String> problems = new ArrayList<>(serverProblems(cell, s));
                Double noisy = results.value(cell, s, "noisy");
                if (noisy != null && noisy >= 1) {
                    problems.add("noisy");
                }
                if (!problems.isEmpty()) {
                    notes.add(Report.serverName(s) + ", " + cellTitle(cell) + ": " + String.join(", ", problems));
                }
            }
        }
        if (!notes.isEmpty()) {
            md.append("Notes: ").append(String.join("; ", notes)).append(".\n\n");
        }
    }

    private void summaryRow(MatrixCell cell, String name, String figure, String metric, List<String> servers) {
        md.append("| ").append(name).append(" | ").append(figure).append(" |");
        Double netty = results.value(cell, NETTY, metric);
        for (String s : servers) {
            Double v = results.value(cell, s, metric);
            md.append(' ').append(v == null ? "-" : Report.fmt(v));
            if (v != null && netty != null && netty > 0 && !s.equals(NETTY)) {
                md.append(String.format(Locale.ROOT, " (%.2fx)", v / netty));
            }
            md.append(" |");
        }
        md.append('\n');
    }

    private static String cellTitle(MatrixCell cell) {
        return switch (cell.family()) {
            case "idle" -> "idle " + cell.shape();
            case "broadcast" -> "broadcast " + cell.shape();
            case "tls" -> "TLS " + cell.shape();
            case "deflate" -> "compressed " + cell.shape();
            default -> "echo, " + clientThreads(cell.family()) + ", " + cell.shape();
        };
    }

    /** "1 client thread", "2 client threads" for the family echo-t1, echo-t2. */
    private static String clientThreads(String echoFamily) {
        String n = echoFamily.substring("echo-t".length());
        return n + " client thread" + (n.equals("1") ? "" : "s");
    }

    private static int serverRank(String label) {
        int i = Report.serverLabels().indexOf(label);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    // ---------------------------------------------------------------- families

    private void familyTable(String family) {
        Family f = Family.of(family);
        md.append("### ").append(f.title()).append("\n\n");
        md.append("| Shape | ws-by-hand ").append(f.throughputUnit()).append(" | Netty ").append(f.throughputUnit())
                .append(" | ratio | ws-by-hand ").append(f.cpuUnit()).append(" | Netty ").append(f.cpuUnit())
                .append(" | ratio | p50 µs | p99 µs | p99.9 µs | other cores | load | Note |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (MatrixCell cell : results.cells(family)) {
            md.append("| ").append(cell.shape()).append(" |");
            Double skipped = results.skippedBytes(cell);
            if (skipped != null && results.servers(cell).isEmpty()) {
                md.append(" - |".repeat(11)).append(" skipped: ").append(mib(skipped)).append(" in flight |\n");
                continue;
            }
            Double ourRate = value(cell, OURS, f.throughput());
            Double nettyRate = value(cell, NETTY, f.throughput());
            Double ourCpu = value(cell, OURS, f.cpu());
            Double nettyCpu = value(cell, NETTY, f.cpu());
            Double rateRatio = ratio(ourRate, nettyRate);
            Double cpuRatio = ratio(ourCpu, nettyCpu);
            md.append(' ').append(num(ourRate)).append(" | ").append(num(nettyRate)).append(" | ").append(times(rateRatio))
                    .append(" | ").append(num(ourCpu)).append(" | ").append(num(nettyCpu)).append(" | ")
                    .append(times(cpuRatio)).append(" | ")
                    .append(pair(cell, "p50_us")).append(" | ").append(pair(cell, "p99_us")).append(" | ")
                    .append(pair(cell, "p999_us")).append(" | ").append(pair(cell, "other_cpu_cores")).append(" | ")
                    .append(pair(cell, "loadavg")).append(" | ");
            List<String> notes = new ArrayList<>();
            List<String> losses = new ArrayList<>();
            if (rateRatio != null && rateRatio < 1) {
                losses.add(lossRatio(rateRatio) + " throughput");
            }
            if (cpuRatio != null && cpuRatio > 1) {
                losses.add(lossRatio(cpuRatio) + " CPU");
            }
            if (!losses.isEmpty()) {
                notes.add("**loses: " + String.join(", ", losses) + "**");
            }
            notes.addAll(problems(cell));
            md.append(String.join("; ", notes)).append(" |\n");
        }
        md.append('\n');
    }

    /** What went wrong in a cell for ours and Netty, in words: missing results, wrong replies, noise. */
    private List<String> problems(MatrixCell cell) {
        List<String> out = new ArrayList<>();
        for (String s : List.of(OURS, NETTY)) {
            String who = Report.serverName(s);
            if (!results.servers(cell).contains(s)) {
                out.add("no result from " + who);
            } else {
                serverProblems(cell, s).forEach(p -> out.add(who + ": " + p));
            }
        }
        if (anyAtLeast(cell, "noisy", 1)) {
            out.add("noisy");
        } else if (anyAtLeast(cell, "attempts", 2)) {
            out.add("ran twice (busy machine)");
        }
        return out;
    }

    /** What went wrong for one server in a cell: wrong or held-back replies, failures, no compression. */
    private List<String> serverProblems(MatrixCell cell, String server) {
        List<String> out = new ArrayList<>();
        count(out, cell, server, "mismatches", "wrong replies");
        count(out, cell, server, "wrong_echoes", "wrong echoes");
        count(out, cell, server, "held_back", "replies held back");
        count(out, cell, server, "closed_connections", "connections closed");
        count(out, cell, server, "failed", "connections failed");
        // Compression is only asked for in the deflate family: say so where it was asked and refused,
        // or where a server compressed without being asked.
        Double compressed = results.value(cell, server, "compressed");
        boolean asked = cell.family().equals("deflate");
        if (compressed != null && asked && compressed == 0) {
            out.add("not compressed");
        } else if (compressed != null && !asked && compressed > 0) {
            out.add("compressed unasked");
        }
        return out;
    }

    private void count(List<String> out, MatrixCell cell, String server, String metric, String words) {
        Double v = results.value(cell, server, metric);
        if (v != null && v > 0) {
            out.add(Report.fmt(v) + " " + words);
        }
    }

    private boolean anyAtLeast(MatrixCell cell, String metric, double bound) {
        for (String s : results.servers(cell)) {
            Double v = results.value(cell, s, metric);
            if (v != null && v >= bound) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- idle

    private void idle() {
        List<MatrixCell> cells = results.cells("idle");
        md.append("### Idle connections\n\n");
        md.append("Live heap after a full GC and the server's RSS, each as the growth from before the first "
                + "connection, divided by the connections. Connections above one load tool's file limit come from two "
                + "load tool processes. The columns for 100,000 and 1,000,000 connections are a **linear "
                + "extrapolation** of the per-connection figures (per connection × connections), not a "
                + "measurement: fixed costs, the collector's headroom and the kernel's socket buffers are not in "
                + "them.\n\n");
        boolean acceptCpu = cells.stream().anyMatch(c -> results.servers(c).stream()
                .anyMatch(s -> results.valueStartingWith(c, s, ACCEPT_CPU) != null));
        md.append("| Connections | Server | connections/s |").append(acceptCpu ? " server CPU µs/conn |" : "")
                .append(" heap B/conn | RSS B/conn |");
        for (long n : EXTRAPOLATE_TO) {
            md.append(String.format(Locale.ROOT, " heap at %,d | RSS at %,d |", n, n));
        }
        md.append(" other cores | Note |\n|---:|---|---:|---:|---:|").append(acceptCpu ? "---:|" : "");
        EXTRAPOLATE_TO.forEach(n -> md.append("---:|---:|"));
        md.append("---:|---|\n");
        for (MatrixCell cell : cells) {
            Double nettyHeap = value(cell, NETTY, "heap_bytes_per_conn");
            for (String s : results.servers(cell)) {
                Double heap = value(cell, s, "heap_bytes_per_conn");
                Double rss = value(cell, s, "rss_bytes_per_conn");
                md.append("| ").append(cell.shape()).append(" | ").append(Report.serverName(s)).append(" | ")
                        .append(num(value(cell, s, "connections_per_s"))).append(" | ");
                if (acceptCpu) {
                    Double cpu = results.valueStartingWith(cell, s, ACCEPT_CPU);
                    md.append(num(cpu == null || cpu < 0 ? null : cpu)).append(" | ");
                }
                md.append(num(heap))
                        .append(" | ").append(num(rss)).append(" |");
                for (long n : EXTRAPOLATE_TO) {
                    md.append(' ').append(heap == null ? "-" : mib(heap * n)).append(" | ")
                            .append(rss == null ? "-" : mib(rss * n)).append(" |");
                }
                md.append(' ').append(num(value(cell, s, "other_cpu_cores"))).append(" | ");
                List<String> notes = new ArrayList<>();
                Double ratio = ratio(heap, nettyHeap);
                if (s.equals(OURS) && ratio != null && ratio > 1) {
                    notes.add("**loses: " + lossRatio(ratio) + " heap per connection**");
                }
                // Across two load-tool processes, measured_connections counts both; connections only the measuring one's.
                Double measured = value(cell, s, "measured_connections");
                Double opened = measured != null ? measured : value(cell, s, "connections");
                if (opened != null && opened < cell.connections()) {
                    notes.add(String.format(Locale.ROOT, "only %,.0f opened", opened));
                }
                Double failed = value(cell, s, "failed");
                if (failed != null && failed > 0) {
                    notes.add(Report.fmt(failed) + " failed");
                }
                Double noisy = value(cell, s, "noisy");
                if (noisy != null && noisy >= 1) {
                    notes.add("noisy");
                }
                md.append(String.join("; ", notes)).append(" |\n");
            }
        }
        md.append('\n');
    }

    // ---------------------------------------------------------------- charts

    private void charts() throws IOException {
        chart("matrix-cpu-vs-connections.svg", "Server CPU per echoed message vs connections",
                "64 B messages, 8 in flight per connection", "connections", v -> String.format(Locale.ROOT, "%,.0f", v),
                c -> c.inflight() == 8 && c.size() == 64, MatrixCell::connections);
        chart("matrix-cpu-vs-size.svg", "Server CPU per echoed message vs message size",
                "100 connections, 8 in flight per connection", "message size", v -> Report.bytes((int) v),
                c -> c.connections() == 100 && c.inflight() == 8, MatrixCell::size);
    }

    /** One line per server (ours, Netty) and client thread count (1 dashed, 2 solid) over the echo cells. */
    private void chart(String file, String title, String setup, String xTitle, DoubleFunction<String> xLabel,
            Predicate<MatrixCell> which, ToIntFunction<MatrixCell> x) throws IOException {
        List<LineChart.Series> series = new ArrayList<>();
        for (String server : List.of(OURS, NETTY)) {
            for (String family : List.of("echo-t1", "echo-t2")) {
                List<double[]> points = new ArrayList<>();
                for (MatrixCell cell : results.cells(family)) {
                    Double cpu = value(cell, server, "server_cpu_us_per_msg");
                    if (which.test(cell) && cpu != null && cpu > 0) {
                        points.add(new double[] {x.applyAsInt(cell), cpu});
                    }
                }
                points.sort((a, b) -> Double.compare(a[0], b[0]));
                if (!points.isEmpty()) {
                    String name = Report.serverName(server);
                    series.add(new LineChart.Series(name + ", " + clientThreads(family), Svg.color(name),
                            family.equals("echo-t1"), points));
                }
            }
        }
        if (series.isEmpty()) {
            return;
        }
        Files.writeString(chartDir.resolve(file), LineChart.chart(title, setup + "; lower is better", xTitle,
                xLabel, "server CPU µs per message", series),
                StandardCharsets.UTF_8);
        md.append("![").append(title).append(", ").append(setup).append("](benchmarks/").append(file).append(")\n\n");
    }

    // ---------------------------------------------------------------- formatting

    private Double value(MatrixCell cell, String server, String metric) {
        Double v = results.value(cell, server, metric);
        return v == null || v < 0 ? null : v; // the load tool reports -1 for what it could not measure
    }

    private String pair(MatrixCell cell, String metric) {
        Double a = value(cell, OURS, metric);
        Double b = value(cell, NETTY, metric);
        return a == null && b == null ? "-" : num(a) + " / " + num(b);
    }

    private static Double ratio(Double ours, Double netty) {
        return ours == null || netty == null || netty == 0 ? null : ours / netty;
    }

    private static String num(Double v) {
        return v == null ? "-" : Report.fmt(v);
    }

    private static String times(Double ratio) {
        return ratio == null ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** A ratio that loses, with a third decimal when two would round it to 1.00x. */
    private static String lossRatio(double ratio) {
        String two = String.format(Locale.ROOT, "%.2fx", ratio);
        return two.equals("1.00x") ? String.format(Locale.ROOT, "%.3fx", ratio) : two;
    }

    private static double parse(String s, double otherwise) {
        try {
            return s == null ? otherwise : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** Bytes in binary units: "64 MiB", "4.9 GiB". */
    static String mib(double bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1L << 30));
        }
        if (bytes >= 1 << 20) {
            return String.format(Locale.ROOT, "%.0f MiB", bytes / (1 << 20));
        }
        return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024);
    }
}
