package org.wsbyhand.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code broadcast}: N receivers connect, then one sender sends S-byte text messages that the
 * server relays to every connection. The sender keeps at most W messages' worth of deliveries
 * outstanding (sent x N - delivered < W x N), so a slow server is measured, not flooded. Each
 * receiver checks that messages arrive complete and in order. Whatever the server sends back to
 * the sender itself is ignored, so servers that do and do not include the sender compare fairly.
 */
final class BroadcastScenario {

    private final Options options;
    private final Results results;
    private final ServerProbe server;

    private final AtomicLong delivered = new AtomicLong();
    private final LongAdder measuredDeliveries = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private volatile boolean measuring;
    private volatile boolean stopping;

    BroadcastScenario(Options options, Results results, ServerProbe server) {
        this.options = options;
        this.results = results;
        this.server = server;
    }

    void run() throws Exception {
        int receivers = options.integer("connections", 100);
        int window = options.integer("inflight", 8);
        int size = options.integer("size", 64);
        double warmup = options.decimal("warmup", 3);
        double seconds = options.decimal("seconds", 10);
        Payloads payloads = new Payloads(size, false);

        try (WsClients clients = new WsClients(options.string("host", "127.0.0.1"), options.integer("port", 8080),
                options.string("path", "/"), options.integer("threads", 2))) {
            List<CompletableFuture<Channel>> ready = new ArrayList<>();
            for (int i = 0; i < receivers; i++) {
                ready.add(clients.connect(null, () -> new Receiver(payloads)));
            }
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            Sender sender = new Sender(payloads, receivers, window);
            clients.connect(null, () -> sender).get(30, TimeUnit.SECONDS);
            // The server may register a connection just after its handshake; give it a moment.
            Thread.sleep(300);
            sender.ctx.executor().execute(sender::pump);
            Thread.sleep((long) (warmup * 1000));

            TimedWindow timed = TimedWindow.measure(server, seconds, () -> measuring = true, () -> measuring = false);
            double serverCpu = timed.serverCpuSeconds();
            double clientCpu = timed.clientCpuSeconds();
            stopping = true;

            long owed = Long.MAX_VALUE;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline && owed > 0) {
                Thread.sleep(20);
                owed = sender.sent.get() * receivers - delivered.get();
            }
            double elapsed = timed.seconds();
            long deliveries = measuredDeliveries.sum();
            results.put("receivers", receivers);
            results.put("size_bytes", size);
            results.put("seconds", elapsed);
            results.put("deliveries_per_s", deliveries / elapsed);
            results.put("messages_sent", sender.sent.get());
            if (serverCpu >= 0) {
                results.put("server_cpu_us_per_delivery", deliveries == 0 ? -1 : serverCpu * 1e6 / deliveries);
                results.put("server_cpu_cores", serverCpu / elapsed);
            }
            results.put("client_cpu_cores", clientCpu / elapsed);
            results.put("mismatches", mismatches.sum());
            results.put("held_back", owed);
        }
    }

    /** Counts and checks what one receiving connection gets. Runs on its event loop. */
    private final class Receiver extends ChannelInboundHandlerAdapter {
        private final Payloads payloads;
        private final byte[] received;
        private long nextExpected;

        Receiver(Payloads payloads) {
            this.payloads = payloads;
            this.received = new byte[payloads.size()];
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            WebSocketFrame frame = (WebSocketFrame) msg;
            try {
                if (!(frame instanceof TextWebSocketFrame)) {
                    return;
                }
                ByteBuf content = frame.content();
                int size = payloads.size();
                int offset = payloads.offset(nextExpected++);
                boolean same = content.readableBytes() == size;
                if (same) {
                    content.getBytes(content.readerIndex(), received, 0, size);
                    same = Arrays.equals(received, 0, size, payloads.pattern(), offset, offset + size);
                }
                if (!same) {
                    mismatches.increment();
                }
                delivered.incrementAndGet();
                if (measuring) {
                    measuredDeliveries.increment();
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Sender s = currentSender;
            if (s != null) {
                s.wake();
            }
        }
    }

    private volatile Sender currentSender;

    /** The one sending connection. Its methods run on its event loop, except {@link #wake}. */
    private final class Sender extends ChannelInboundHandlerAdapter {
        private final Payloads payloads;
        private final int receivers;
        private final int window;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicBoolean waiting = new AtomicBoolean();
        private ChannelHandlerContext ctx;

        Sender(Payloads payloads, int receivers, int window) {
            this.payloads = payloads;
            this.receivers = receivers;
            this.window = window;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            currentSender = this;
        }

        /** Sends while the window allows, then waits for receivers to {@link #wake} it. */
        void pump() {
            int size = payloads.size();
            boolean wrote = false;
            while (!stopping) {
                long seq = sent.get();
                if (seq * receivers - delivered.get() >= (long) window * receivers) {
                    waiting.set(true);
                    // Re-check after announcing the wait, so a wake-up in between is not lost.
                    if (seq * receivers - delivered.get() >= (long) window * receivers) {
                        break;
                    }
                    waiting.set(false);
                }
                ByteBuf buf = ctx.alloc().buffer(size);
                buf.writeBytes(payloads.pattern(), payloads.offset(seq), size);
                ctx.write(new TextWebSocketFrame(buf));
                sent.incrementAndGet();
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
        }

        void wake() {
            if (waiting.compareAndSet(true, false)) {
                ctx.executor().execute(this::pump);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((WebSocketFrame) msg).release();
        }
    }
}
