package org.wsbyhand.session.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.session.OverflowPolicy;

/**
 * One server session put together as the server does it, over a {@link MemoryTransport} and a clock
 * the test moves, its loop run on a thread of its own.
 */
final class SessionHarness implements AutoCloseable {
    /** Where the fake clock starts: anywhere, the clock only compares differences. */
    static final long START_NANOS = 1_000_000_000L;

    final AtomicLong nanos = new AtomicLong(START_NANOS);
    final MemoryTransport transport = new MemoryTransport();
    final SessionLock lock = new SessionLock();
    final Connection connection = Connection.builder(Role.SERVER).build();
    final SessionCounters counters = new SessionCounters();
    final SessionBudget budget = SessionBudget.unlimited();
    final Termination termination = new Termination();
    final SessionClock clock;
    final Outbound outbound;
    final CoreSession session;
    final SessionLoop loop;
    final RecordingHandler handler;
    final AtomicInteger endings = new AtomicInteger();
    private final CompletableFuture<SessionLoop.Outcome> outcome = new CompletableFuture<>();
    private Thread reader;

    /** Options; the defaults: 1 MiB bound, CLOSE, no ping, no idle timeout, 5 s close timeout. */
    record Options(long maxOutboundBytes, OverflowPolicy policy, SessionClock.Timeouts timeouts) {
        static Options defaults() {
            return new Options(1 << 20, OverflowPolicy.CLOSE,
                    new SessionClock.Timeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5)));
        }

        Options bound(long bytes, OverflowPolicy overflow) {
            return new Options(bytes, overflow, timeouts);
        }

        Options timeouts(Duration ping, Duration pong, Duration idle, Duration close) {
            return new Options(maxOutboundBytes, policy, new SessionClock.Timeouts(ping, pong, idle, close));
        }
    }

    SessionHarness(RecordingHandler handler) {
        this(handler, Options.defaults());
    }

    SessionHarness(RecordingHandler handler, Options options) {
        this.handler = handler;
        clock = new SessionClock(nanos::get, options.timeouts());
        outbound = new Outbound(lock, connection, transport, counters, budget, termination, clock,
                options.maxOutboundBytes(), options.policy(), "test", null);
        session = new CoreSession(new CoreSession.Identity("test", null, Optional.empty(),
                InetSocketAddress.createUnresolved("peer.test", 1)), lock, connection, outbound, null);
        loop = new SessionLoop(session, transport, handler, clock, termination, counters, budget,
                () -> {
                    endings.incrementAndGet();
                    handler.events.add("ending");
                },
                options.timeouts().closeTimeout().toNanos());
    }

    /** Runs the loop on a new thread and waits until onOpen ran and the reader waits for bytes. */
    SessionHarness start() {
        reader = Thread.ofPlatform().daemon().name("test-reader").start(() -> {
            try {
                outcome.complete(loop.start(new byte[0]));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        awaitReads(1);
        return this;
    }

    /** Waits until the reader has entered its {@code count}th read. */
    void awaitReads(int count) {
        Await.until(() -> transport.readsStarted.get() >= count, () -> "read " + count + " entered ("
                + transport.readsStarted.get() + " so far)");
    }

    /** Pushes one chunk and waits until the reader has handled it and waits for the next. */
    void feedAndWait(byte[] chunk) {
        int reads = transport.readsStarted.get();
        transport.push(chunk);
        awaitReads(reads + 1);
    }

    /** Waits until at least {@code count} complete frames were written; returns them all. */
    List<ServerFrames.Frame> awaitFrames(int count) {
        Await.until(() -> transport.frames().size() >= count,
                () -> count + " frames written; so far " + transport.frames());
        return transport.frames();
    }

    /** Waits for the loop to return. */
    SessionLoop.Outcome awaitEnd() throws Exception {
        return outcome.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    boolean ended() {
        return outcome.isDone();
    }

    /** Moves the fake clock. */
    long advance(Duration by) {
        return nanos.addAndGet(by.toNanos());
    }

    /** Unsent bytes, read holding the lock. */
    long queuedBytes() {
        return session.queuedBytes();
    }

    /** The acquisitions so far, read holding the lock (that acquisition included). */
    long acquisitions() {
        lock.lock();
        try {
            return lock.acquisitions();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the loop if the test left it running, so that no reader outlives its test. */
    @Override
    public void close() throws Exception {
        if (reader != null && !outcome.isDone()) {
            transport.releaseWrites();
            transport.abort();
            outcome.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
