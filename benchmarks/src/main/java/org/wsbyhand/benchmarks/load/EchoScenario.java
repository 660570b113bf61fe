package org.wsbyhand.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code echo} and {@code bulk}: C connections each keep W messages of S bytes in flight; every
 * echo is compared byte for byte with what was sent, its round trip recorded, and answered with
 * the next message. After the timed window no new messages are sent and the tool waits (bounded)
 * for the echoes still owed: any that never come are reported as {@code held_back}. With
 * {@code --compress true} the clients offer permessage-deflate and text messages are chat JSON
 * ({@link Payloads#chat}); {@code compressed} says whether the server agreed.
 */
final class EchoScenario {

    private final Options options;
    private final Results results;
    private final ServerProbe server;
    private final boolean binary;

    private volatile boolean measuring;
    private volatile boolean stopping;

    EchoScenario(Options options, Results results, ServerProbe server, boolean binary) {
        this.options = options;
        this.results = results;
        this.server = server;
        this.binary = binary;
    }

    void run() throws Exception {
        int connections = options.integer("connections", binary ? 1 : 100);
        int window = options.integer("inflight", binary ? 1 : 8);
        int size = options.integer("size", binary ? 1 << 20 : 64);
        double warmup = options.decimal("warmup", 3);
        double seconds = options.decimal("seconds", 10);
        boolean compress = options.bool("compress", false);
        // Compressed text is chat JSON, which compresses like real traffic; the letter pattern would
        // shrink to almost nothing.
        Payloads payloads = compress && !binary ? Payloads.chat(size) : Payloads.pattern(size, binary);

        try (WsClients clients = WsClients.from(options)) {
            Conn[] all = new Conn[connections];
            ConnectionRamp.Opened opened = new ConnectionRamp(clients, SourceAddresses.from(options))
                    .open(connections, 30 + connections / 50.0, i -> all[i] = new Conn(window, payloads));
            if (opened.channels().isEmpty()) {
                throw new IllegalStateException("no connection opened (" + opened.failed() + " failed)");
            }
            Set<Channel> open = new HashSet<>(opened.channels());
            List<Conn> conns = new ArrayList<>();
            for (Conn c : all) {
                if (c != null && c.ctx != null && open.contains(c.ctx.channel())) {
                    conns.add(c);
                }
            }
            for (Conn c : conns) {
                c.ctx.executor().execute(c::start);
            }
            Thread.sleep((long) (warmup * 1000));

            TimedWindow timed = TimedWindow.measure(server, seconds, () -> measuring = true, () -> measuring = false);
            double serverCpu = timed.serverCpuSeconds();
            stopping = true;

            // Every echo still owed must arrive; a server that holds replies back is reported.
            long owed = Long.MAX_VALUE;
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < drainDeadline && owed > 0) {
                Thread.sleep(20);
                owed = 0;
                for (Conn c : conns) {
                    owed += c.ctx.executor().submit(() -> (long) c.inFlight).get(5, TimeUnit.SECONDS);
                }
            }

            Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (Map.Entry<EventExecutor, Histogram> loop : latencies.entrySet()) {
                latency.add(loop.getKey().submit(loop.getValue()::copy).get(5, TimeUnit.SECONDS));
            }
            long messages = 0;
            long mismatches = 0;
            long failures = 0;
            for (Conn c : conns) {
                Snapshot s = c.ctx.executor().submit(c::snapshot).get(5, TimeUnit.SECONDS);
                messages += s.messages;
                mismatches += s.mismatches;
                failures += s.closed ? 1 : 0;
                c.ctx.executor().execute(() -> c.ctx.writeAndFlush(new CloseWebSocketFrame()));
            }
            double elapsed = timed.seconds();
            results.put("connections", conns.size());
            results.put("failed", opened.failed());
            results.put("inflight", window);
            results.put("size_bytes", size);
            results.put("compressed", opened.compressed());
            results.put("seconds", elapsed);
            results.put("msgs_per_s", messages / elapsed);
            results.put("mb_per_s", messages * (double) size / elapsed / 1e6);
            results.put("p50_us", latency.getValueAtPercentile(50) / 1e3);
            results.put("p99_us", latency.getValueAtPercentile(99) / 1e3);
            results.put("p999_us", latency.getValueAtPercentile(99.9) / 1e3);
            results.put("max_us", latency.getMaxValue() / 1e3);
            if (serverCpu >= 0) {
                results.put("server_cpu_us_per_msg", messages == 0 ? -1 : serverCpu * 1e6 / messages);
            }
            timed.putCores(results);
            results.put("mismatches", mismatches);
            results.put("closed_connections", failures);
            results.put("held_back", owed);
            Thread.sleep(200);
        }
    }

    record Snapshot(long messages, long mismatches, boolean closed) {}

    /**
     * Round-trip times, one histogram per client event loop (each written by its loop only): one per
     * connection would take 10,000 x about 100 KB at 10,000 connections.
     */
    private final Map<EventExecutor, Histogram> latencies = new ConcurrentHashMap<>();

    /** One connection's state; every method runs on its event loop. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        private final int window;
        private final Payloads payloads;
        private final long[] sentAt;
        private final byte[] received;
        private Histogram latency;
        private ChannelHandlerContext ctx;
        private int head;
        private int inFlight;
        private long nextSend;
        private long nextExpected;
        private long messages;
        private long mismatches;
        private boolean closed;

        Conn(int window, Payloads payloads) {
            this.window = window;
            this.payloads = payloads;
            this.sentAt = new long[window];
            this.received = new byte[payloads.size()];
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            this.latency = latencies.computeIfAbsent(ctx.executor(), loop -> new Histogram(TimeUnit.SECONDS.toNanos(60), 3));
        }

        void start() {
            for (int i = 0; i < window; i++) {
                send();
            }
            ctx.flush();
        }

        private void send() {
            int size = payloads.size();
            ByteBuf buf = ctx.alloc().buffer(size);
            buf.writeBytes(payloads.pattern(), payloads.offset(nextSend), size);
            sentAt[(head + inFlight) % window] = System.nanoTime();
            inFlight++;
            nextSend++;
            ctx.write(binary ? new BinaryWebSocketFrame(buf) : new TextWebSocketFrame(buf));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)) {
                ((WebSocketFrame) msg).release();
                return;
            }
            long now = System.nanoTime();
            WebSocketFrame frame = (WebSocketFrame) msg;
            try {
                ByteBuf content = frame.content();
                int size = payloads.size();
                int offset = payloads.offset(nextExpected);
                boolean same = content.readableBytes() == size
                        && (binary == msg instanceof BinaryWebSocketFrame);
                if (same) {
                    content.getBytes(content.readerIndex(), received, 0, size);
                    same = Arrays.equals(received, 0, size, payloads.pattern(), offset, offset + size);
                }
                if (!same) {
                    mismatches++;
                }
            } finally {
                frame.release();
            }
            if (inFlight == 0) {
                mismatches++; // an echo nobody asked for
                return;
            }
            long sent = sentAt[head];
            head = (head + 1) % window;
            inFlight--;
            nextExpected++;
            if (measuring) {
                latency.recordValue(Math.min(now - sent, latency.getHighestTrackableValue()));
                messages++;
            }
            if (!stopping) {
                send();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed = !stopping;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("connection error: " + cause);
            ctx.close();
        }

        Snapshot snapshot() {
            return new Snapshot(messages, mismatches, closed);
        }
    }
}
