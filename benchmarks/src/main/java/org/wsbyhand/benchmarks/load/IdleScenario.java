package org.wsbyhand.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code idle}: opens N WebSocket connections ({@link ConnectionRamp}: at most 256 handshakes at a
 * time, source addresses spread over 127.0.0.2-127.0.0.251 so ephemeral ports never run out), holds
 * them open, and reports the connection rate and what they cost the server process: live heap after
 * a full GC and resident set size, each as the difference from before the first connection, per
 * connection. With {@code --histograms DIR} the server's class histograms before and after are saved
 * there; with {@code --hold SEC} the connections stay open that long after the measurement.
 *
 * <p>One process may open at most as many connections as its file limit allows (20,000 here), so
 * more are opened by two processes with disjoint {@code --source-from/--source-to} ranges that
 * share one measurement ({@code --measure before|after --snapshot FILE}, see {@link IdleHandover}):
 * A measures before, opens its share and holds it; B waits for A, opens its share, measures after
 * and divides by both shares together ({@code measured_connections}).
 *
 * <p>Idle-then-active sessions: with {@code --compress true} the clients offer permessage-deflate, and
 * with {@code --message S} each connection sends one chat JSON text of about S bytes after its
 * handshake and waits for the echo before it counts as open, so that a compressing server has
 * created each session's compressor and inflater (which context takeover keeps) when memory is
 * measured.
 */
final class IdleScenario {

    /** How long process B waits for process A's handover. */
    private static final double HANDOVER_WAIT_SECONDS = 300;

    /** Which of the two memory snapshots this process takes. */
    private enum Measure {
        BOTH, BEFORE, AFTER, NONE;

        static Measure parse(String value) {
            return switch (value) {
                case "both", "true" -> BOTH;
                case "before" -> BEFORE;
                case "after" -> AFTER;
                case "none", "false" -> NONE;
                default -> throw new IllegalArgumentException("--measure takes both, before, after or none, got " + value);
            };
        }

        boolean before() {
            return this == BOTH || this == BEFORE;
        }

        boolean after() {
            return this == BOTH || this == AFTER;
        }
    }

    private final Options options;
    private final Results results;
    private final ServerProbe server;

    IdleScenario(Options options, Results results, ServerProbe server) {
        this.options = options;
        this.results = results;
        this.server = server;
    }

    void run() throws Exception {
        int connections = options.integer("connections", 10_000);
        double timeLimit = options.decimal("seconds", 60);
        int messageSize = options.integer("message", 0);
        String message = messageSize > 0 ? chatJson(messageSize) : null;
        Measure measure = Measure.parse(options.string("measure", "both"));
        String snapshot = options.string("snapshot", null);
        if ((measure == Measure.BEFORE || measure == Measure.AFTER) && snapshot == null) {
            throw new IllegalArgumentException("--measure " + measure.name().toLowerCase() + " needs --snapshot FILE");
        }
        Path handoverFile = snapshot == null ? null : Path.of(snapshot);
        // Process A holds until B releases it, at most this long.
        double hold = options.decimal("hold", measure == Measure.BEFORE ? 300 : 0);
        String label = options.string("label", "server");
        String histograms = options.string("histograms", null);

        try (WsClients clients = WsClients.from(options)) {
            ConnectionRamp ramp = new ConnectionRamp(clients, SourceAddresses.from(options));
            long heap0 = -1;
            long rss0 = -1;
            int others = 0;
            if (measure.before()) {
                if (handoverFile != null) {
                    Files.deleteIfExists(handoverFile); // a file left by an earlier run
                }
                // Warm the accept and upgrade paths a little, so class loading is not counted per connection.
                for (Channel ch : ramp.open(20, 30, i -> new Idle()).channels()) {
                    ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
                Thread.sleep(500);
                String histogram0 = server.classHistogram();
                heap0 = ServerProbe.liveHeapBytes(histogram0);
                rss0 = server.rssBytes();
                if (histograms != null) {
                    Files.writeString(Path.of(histograms, label + "-idle-before.histo"), histogram0);
                }
            } else if (measure == Measure.AFTER) {
                IdleHandover a = IdleHandover.await(handoverFile, options.pid(), HANDOVER_WAIT_SECONDS);
                heap0 = a.heapBefore();
                rss0 = a.rssBefore();
                others = a.connections();
            }

            TimedWindow.Start start = TimedWindow.start(server);
            ConnectionRamp.Opened opened = ramp.open(connections, timeLimit, i -> new Idle(), ch -> {
                Idle idle = ch.pipeline().get(Idle.class);
                if (message == null) {
                    return CompletableFuture.completedFuture(ch);
                }
                return idle == null
                        ? CompletableFuture.failedFuture(new IllegalStateException("closed"))
                        : idle.echo(ch, message);
            });
            TimedWindow timed = start.end();
            int own = opened.channels().size();
            results.put("connections", own);
            results.put("failed", opened.failed());
            results.put("connections_per_s", own / opened.seconds());
            results.put("compressed", opened.compressed());
            if (timed.serverCpuSeconds() >= 0 && own > 0) {
                results.put("server_cpu_us_per_conn", timed.serverCpuSeconds() * 1e6 / own);
            }
            timed.putCores(results);

            if (measure.after()) {
                Thread.sleep(1000);
                String histogram1 = server.classHistogram();
                long heap1 = ServerProbe.liveHeapBytes(histogram1);
                long rss1 = server.rssBytes();
                if (histograms != null) {
                    // Diffing the two shows what one connection is made of.
                    Files.writeString(Path.of(histograms, label + "-idle-after.histo"), histogram1);
                }
                int total = own + others;
                results.put("measured_connections", total);
                if (heap0 > 0 && heap1 > 0 && total > 0) {
                    results.put("heap_bytes_per_conn", (heap1 - heap0) / (double) total);
                    results.put("heap_live_mb", heap1 / 1e6);
                }
                if (rss0 > 0 && rss1 > 0 && total > 0) {
                    results.put("rss_bytes_per_conn", (rss1 - rss0) / (double) total);
                    results.put("rss_mb", rss1 / 1e6);
                }
                if (measure == Measure.AFTER) {
                    IdleHandover.release(handoverFile);
                }
            }
            if (measure == Measure.BEFORE) {
                new IdleHandover(options.pid(), heap0, rss0, own).write(handoverFile);
                System.err.println("idle: " + own + " connections open, holding until released through " + handoverFile
                        + " or for " + hold + " s");
            }
            holdOpen(hold, measure == Measure.BEFORE ? handoverFile : null);
            results.put("still_open", opened.channels().stream().filter(Channel::isActive).count());
        }
    }

    /** Keeps the connections open for {@code seconds}, or until {@code releaseFile} says released. */
    private static void holdOpen(double seconds, Path releaseFile) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            if (releaseFile != null && IdleHandover.released(releaseFile)) {
                return;
            }
            Thread.sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }

    /** About {@code size} bytes of chat messages as one JSON array. */
    private static String chatJson(int size) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; json.length() < size; i++) {
            json.append(i == 0 ? "" : ",").append("{\"type\":\"message\",\"room\":\"general\",\"user\":\"user")
                    .append(i % 17).append("\",\"text\":\"hello there, message ").append(i).append("\",\"time\":")
                    .append(1_763_700_000_000L + 977L * i).append('}');
        }
        return json.append(']').toString();
    }

    /** Holds a connection open and drops whatever arrives, after completing an echo it waits for. */
    private static final class Idle extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Channel> echoed = new CompletableFuture<>();

        /** Sends {@code text} and completes when the echo (any message) arrives, or fails after 20 s. */
        CompletableFuture<Channel> echo(Channel channel, String text) {
            channel.writeAndFlush(new TextWebSocketFrame(text));
            return echoed.orTimeout(20, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((WebSocketFrame) msg).release();
            echoed.complete(ctx.channel());
        }
    }
}
