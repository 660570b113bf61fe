package org.wsbyhand.benchmarks.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Opens many connections the way every scenario does: at most {@value #CONCURRENT_HANDSHAKES}
 * handshakes at a time (a server's accept queue and the machine's two cores are not flooded, and
 * the connection rate is the server's), source addresses from {@link SourceAddresses}, and one
 * time limit for all. A connection that fails is counted, not fatal: the scenario reports it.
 */
final class ConnectionRamp {

    static final int CONCURRENT_HANDSHAKES = 256;

    private final WsClients clients;
    private final SourceAddresses sources;

    ConnectionRamp(WsClients clients, SourceAddresses sources) {
        this.clients = clients;
        this.sources = sources;
    }

    /**
     * What a ramp opened.
     *
     * @param channels the open channels, in the order their handshakes completed
     * @param failed   connections that failed or did not complete in time
     * @param seconds  wall time from the first connect to the last handshake's outcome
     */
    record Opened(List<Channel> channels, long failed, double seconds) {

        /** 1 if the server agreed to permessage-deflate on every channel, else 0. */
        int compressed() {
            return !channels.isEmpty() && channels.stream().allMatch(WsClients::compressed) ? 1 : 0;
        }
    }

    /** Opens {@code count} connections; connection {@code i} gets {@code handler.apply(i)}. */
    Opened open(int count, double timeLimitSeconds, IntFunction<ChannelHandler> handler) {
        return open(count, timeLimitSeconds, handler, CompletableFuture::completedFuture);
    }

    /**
     * Opens {@code count} connections; after its handshake, connection {@code i} also completes
     * {@code then} (such as a first message's echo) before it counts as open.
     */
    Opened open(int count, double timeLimitSeconds, IntFunction<ChannelHandler> handler,
            Function<Channel, CompletableFuture<Channel>> then) {
        Semaphore handshakes = new Semaphore(CONCURRENT_HANDSHAKES);
        AtomicLong failed = new AtomicLong();
        Queue<Channel> open = new ConcurrentLinkedQueue<>();
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (timeLimitSeconds * 1e9);
        int started = 0;
        try {
            for (; started < count && System.nanoTime() < deadline; started++) {
                if (!handshakes.tryAcquire(20, TimeUnit.SECONDS)) {
                    break;
                }
                ChannelHandler h = handler.apply(started);
                clients.connect(sources.address(started), () -> h)
                        .thenCompose(then)
                        .whenComplete((ch, error) -> {
                            if (error != null) {
                                failed.incrementAndGet();
                            } else {
                                open.add(ch);
                            }
                            handshakes.release();
                        });
            }
            // Every handshake under way ends within WsClients' 20 s timeout (plus a message's 20 s).
            handshakes.tryAcquire(CONCURRENT_HANDSHAKES, 45, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long t1 = System.nanoTime();
        if (started < count) {
            System.err.println("connection ramp: time limit of " + timeLimitSeconds + " s reached after " + started
                    + " of " + count + " connections");
        }
        return new Opened(new ArrayList<>(open), failed.get() + (count - started), (t1 - t0) / 1e9);
    }
}
