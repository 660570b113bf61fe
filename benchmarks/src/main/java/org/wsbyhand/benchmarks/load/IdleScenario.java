package org.wsbyhand.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code idle}: opens N WebSocket connections (at most 256 handshakes at a time, source addresses
 * spread over 127.0.0.2-127.0.0.251 so ephemeral ports never run out), holds them open, and
 * reports the connection rate and what they cost the server process: live heap after a full GC
 * and resident set size, each as the difference from before the first connection, per connection.
 * With {@code --histograms DIR} the server's class histograms before and after are saved there.
 *
 * <p>Idle-then-active sessions: with {@code --compress true} the clients offer permessage-deflate, and
 * with {@code --message S} each connection sends one chat JSON text of about S bytes after its
 * handshake and waits for the echo before it counts as open, so that a compressing server has
 * created each session's compressor and inflater (which context takeover keeps) when memory is
 * measured.
 */
final class IdleScenario {

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
        boolean compress = Boolean.parseBoolean(options.string("compress", "false"));
        int messageSize = options.integer("message", 0);
        String message = messageSize > 0 ? chatJson(messageSize) : null;
        try (WsClients clients = new WsClients(options.string("host", "127.0.0.1"), options.integer("port", 8080),
                options.string("path", "/"), options.integer("threads", 2), compress)) {
            // Warm the accept and upgrade paths a little, so class loading is not counted per connection.
            for (int i = 0; i < 20; i++) {
                clients.connect(null, Idle::new).get(20, TimeUnit.SECONDS).close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            Thread.sleep(500);
            String histogram0 = server.classHistogram();
            long heap0 = ServerProbe.liveHeapBytes(histogram0);
            long rss0 = server.rssBytes();

            Semaphore handshakes = new Semaphore(256);
            AtomicLong failed = new AtomicLong();
            Queue<Channel> open = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (timeLimit * 1e9);
            int started = 0;
            for (; started < connections && System.nanoTime() < deadline; started++) {
                if (!handshakes.tryAcquire(20, TimeUnit.SECONDS)) {
                    break;
                }
                String local = "127.0.0." + (2 + started % 250);
                Idle idle = new Idle();
                clients.connect(local, () -> idle)
                        .thenCompose(ch -> message == null ? CompletableFuture.completedFuture(ch) : idle.echo(ch, message))
                        .whenComplete((ch, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                            } else {
                                open.add(ch);
                            }
                            handshakes.release();
                        });
            }
            handshakes.tryAcquire(256, 30, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            int opened = open.size();
            Thread.sleep(1000);
            String histogram1 = server.classHistogram();
            long heap1 = ServerProbe.liveHeapBytes(histogram1);
            String dir = options.string("histograms", null);
            if (dir != null) {
                // Diffing the two shows what one connection is made of.
                Files.writeString(Path.of(dir, options.string("label", "server") + "-idle-before.histo"), histogram0);
                Files.writeString(Path.of(dir, options.string("label", "server") + "-idle-after.histo"), histogram1);
            }
            long rss1 = server.rssBytes();
            long stillOpen = open.stream().filter(Channel::isActive).count();
            double elapsed = (t1 - t0) / 1e9;
            results.put("connections", opened);
            results.put("failed", failed.get());
            results.put("still_open", stillOpen);
            results.put("connections_per_s", opened / elapsed);
            if (heap0 > 0 && heap1 > 0 && opened > 0) {
                results.put("heap_bytes_per_conn", (heap1 - heap0) / (double) opened);
                results.put("heap_live_mb", heap1 / 1e6);
            }
            if (rss0 > 0 && rss1 > 0 && opened > 0) {
                results.put("rss_bytes_per_conn", (rss1 - rss0) / (double) opened);
                results.put("rss_mb", rss1 / 1e6);
            }
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
