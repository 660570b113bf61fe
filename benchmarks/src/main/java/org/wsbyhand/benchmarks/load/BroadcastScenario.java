package org.wsbyhand.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code broadcast}: N receivers connect ({@link ConnectionRamp}: at most 256 handshakes at a time,
 * source addresses spread over 127.0.0.x, so N can be 10,000), then one sender sends S-byte text
 * messages that the server relays to every connection. The sender keeps at most W messages' worth
 * of deliveries outstanding (sent x N - delivered &lt; W x N), so a slow server is measured, not
 * flooded. Each receiver checks that messages arrive complete and in order, and records each
 * delivery's latency: from the sender handing the message to Netty to the receiver reading it.
 * Whatever the server sends back to the sender itself is ignored, so servers that do and do not
 * include the sender compare fairly. With {@code --compress true} every connection offers
 * permessage-deflate and the messages are chat JSON ({@link Payloads#chat}).
 */
final class BroadcastScenario {

    private final Options options;
    private final Results results;
    private final ServerProbe server;

    private final AtomicLong delivered = new AtomicLong();
    private final LongAdder measuredDeliveries = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    /** Deliveries' latencies in the timed window, in ns; written by every receiver's event loop. */
    private final Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
    private volatile boolean measuring;
    private volatile boolean stopping;
    private volatile Sender currentSender;

    BroadcastScenario(Options options, Results results, ServerProbe server) {
        this.options = options;
        this.results = results;
        this.server = server;
    }

    void run() throws Exception {
        int wanted = options.integer("connections", 100);
        int window = options.integer("inflight", 8);
        int size = options.integer("size", 64);
        double warmup = options.decimal("warmup", 3);
        double seconds = options.decimal("seconds", 10);
        boolean compress = options.bool("compress", false);
        Payloads payloads = compress ? Payloads.chat(size) : Payloads.pattern(size, false);

        try (WsClients clients = WsClients.from(options)) {
            SourceAddresses sources = SourceAddresses.from(options);
            // At ~1,000 handshakes/s on two shared cores 10,000 receivers take ~10 s; TLS takes longer.
            ConnectionRamp.Opened opened = new ConnectionRamp(clients, sources)
                    .open(wanted, 30 + wanted / 50.0, i -> new Receiver(payloads));
            int receivers = opened.channels().size();
            if (receivers == 0) {
                throw new IllegalStateException("no receiver connected (" + opened.failed() + " failed)");
            }
            // Any one receiver is less than W x N messages behind the sender (the window bounds the sum
            // of all lags), so a ring of W x N send times never overwrites one still owed.
            AtomicLongArray sentAt = new AtomicLongArray((int) Math.min(Integer.MAX_VALUE - 8, (long) window * receivers));
            Sender sender = new Sender(payloads, receivers, window, sentAt);
            Channel senderChannel = clients.connect(sources.address(wanted), () -> sender).get(30, TimeUnit.SECONDS);
            int compressed = opened.compressed() == 1 && WsClients.compressed(senderChannel) ? 1 : 0;
            // The server may register a connection just after its handshake; give it a moment.
            Thread.sleep(300 + receivers / 20);
            sender.ctx.executor().execute(sender::pump);
            Thread.sleep((long) (warmup * 1000));

            TimedWindow timed = TimedWindow.measure(server, seconds, () -> {
                latency.reset();
                measuring = true;
            }, () -> measuring = false);
            Histogram latencies = latency.getIntervalHistogram();
            double serverCpu = timed.serverCpuSeconds();
            stopping = true;

            // What is owed drains at the server's delivery rate: allow 1 s per 1,000 receivers beyond 3 s.
            long owed = Long.MAX_VALUE;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3000 + receivers);
            while (System.nanoTime() < deadline && owed > 0) {
                Thread.sleep(20);
                owed = sender.sent.get() * receivers - delivered.get();
            }
            double elapsed = timed.seconds();
            long deliveries = measuredDeliveries.sum();
            results.put("receivers", receivers);
            results.put("failed", opened.failed());
            results.put("size_bytes", size);
            results.put("compressed", compressed);
            results.put("seconds", elapsed);
            results.put("deliveries_per_s", deliveries / elapsed);
            results.put("messages_sent", sender.sent.get());
            results.put("p50_us", latencies.getValueAtPercentile(50) / 1e3);
            results.put("p99_us", latencies.getValueAtPercentile(99) / 1e3);
            results.put("p999_us", latencies.getValueAtPercentile(99.9) / 1e3);
            results.put("max_us", latencies.getMaxValue() / 1e3);
            if (serverCpu >= 0) {
                results.put("server_cpu_us_per_delivery", deliveries == 0 ? -1 : serverCpu * 1e6 / deliveries);
            }
            timed.putCores(results);
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
                long now = System.nanoTime();
                long seq = nextExpected++;
                ByteBuf content = frame.content();
                int size = payloads.size();
                int offset = payloads.offset(seq);
                boolean same = content.readableBytes() == size;
                if (same) {
                    content.getBytes(content.readerIndex(), received, 0, size);
                    same = Arrays.equals(received, 0, size, payloads.pattern(), offset, offset + size);
                }
                if (!same) {
                    mismatches.increment();
                }
                delivered.incrementAndGet();
                Sender s = currentSender;
                if (measuring && s != null) {
                    measuredDeliveries.increment();
                    long sent = s.sentAt.get((int) (seq % s.sentAt.length()));
                    latency.recordValue(Math.min(Math.max(0, now - sent), TimeUnit.SECONDS.toNanos(60)));
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

    /** The one sending connection. Its methods run on its event loop, except {@link #wake}. */
    private final class Sender extends ChannelInboundHandlerAdapter {
        private final Payloads payloads;
        private final int receivers;
        private final int window;
        /** Message seq's send time (System.nanoTime) at {@code seq % length}. */
        private final AtomicLongArray sentAt;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicBoolean waiting = new AtomicBoolean();
        private ChannelHandlerContext ctx;

        Sender(Payloads payloads, int receivers, int window, AtomicLongArray sentAt) {
            this.payloads = payloads;
            this.receivers = receivers;
            this.window = window;
            this.sentAt = sentAt;
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
                sentAt.set((int) (seq % sentAt.length()), System.nanoTime());
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
