package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A well-behaved client that keeps talking to a server under attack: on a virtual thread of its
 * own it echoes a short text through {@code /echo} (or another echoing path) every 20 ms, answering
 * the server's pings, and
 * records its slowest round trip. It also samples the server's memory held on behalf of clients,
 * so a test can check the budget was never exceeded while the attack ran, not only after it.
 */
final class HealthyClient implements AutoCloseable {
    private final LongSupplier memoryHeld;
    private final RawClient client;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile long slowestNanos;
    private volatile int roundTrips;
    private volatile long mostMemoryHeld;
    private volatile Throwable failure;

    HealthyClient(WebSocketServer server) throws IOException {
        this(server, "/echo");
    }

    /** A client of the echoing endpoint at {@code path}. */
    HealthyClient(WebSocketServer server, String path) throws IOException {
        this(server.port(), path, () -> server.stats().memory().held());
    }

    /** A client of a server on {@code port}, whose memory held is read with {@code memoryHeld}. */
    HealthyClient(int port, String path, LongSupplier memoryHeld) throws IOException {
        this.memoryHeld = memoryHeld;
        this.client = RawClient.open(port, path);
        this.thread = Thread.ofVirtual().name("healthy-client").start(this::run);
    }

    private void run() {
        try {
            for (int i = 0; !stopped; i++) {
                String text = "healthy " + i;
                long start = System.nanoTime();
                client.sendText(text);
                RawClient.Frame frame = client.readFrame();
                while (frame.opcode() != 0x1) {
                    if (frame.opcode() == 0x9) {
                        client.sendFrame(true, 0xA, frame.payload(), true);
                    } else if (frame.opcode() == 0x8) {
                        throw new AssertionError("the healthy client was closed: " + frame.closeCode());
                    }
                    frame = client.readFrame();
                }
                if (!text.equals(frame.text())) {
                    throw new AssertionError("echo of " + text + " was " + frame.text());
                }
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
                roundTrips++;
                mostMemoryHeld = Math.max(mostMemoryHeld, memoryHeld.getAsLong());
                Thread.sleep(20);
            }
        } catch (Throwable e) {
            if (!stopped) {
                failure = e;
            }
        }
    }

    /**
     * Waits until at least {@code more} further round trips are done (so the client was served while
     * the attack ran), then checks none failed and none took longer than {@code bound}.
     */
    void assertServed(int more, Duration bound) throws InterruptedException {
        int target = roundTrips + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (roundTrips < target && failure == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.printf("healthy client: %d round trips, slowest %d ms%n", roundTrips,
                TimeUnit.NANOSECONDS.toMillis(slowestNanos));
        assertNull(failure, () -> "the healthy client failed: " + failure);
        assertTrue(roundTrips >= target, "only " + roundTrips + " round trips, expected " + target);
        assertTrue(slowestNanos <= bound.toNanos(),
                "slowest round trip " + TimeUnit.NANOSECONDS.toMillis(slowestNanos) + " ms, bound " + bound.toMillis() + " ms");
    }

    /** Round trips done so far. */
    int roundTrips() {
        return roundTrips;
    }

    /** Checks that no round trip failed and none took longer than {@code bound}, so far. */
    void assertNeverSlowerThan(Duration bound) {
        System.out.printf("healthy client: %d round trips, slowest %d ms%n", roundTrips,
                TimeUnit.NANOSECONDS.toMillis(slowestNanos));
        assertNull(failure, () -> "the healthy client failed: " + failure);
        assertTrue(slowestNanos <= bound.toNanos(),
                "slowest round trip " + TimeUnit.NANOSECONDS.toMillis(slowestNanos) + " ms, bound " + bound.toMillis() + " ms");
    }

    /** The most memory the server held for clients at any of this client's samples. */
    long mostMemoryHeld() {
        return mostMemoryHeld;
    }

    @Override
    public void close() throws Exception {
        stopped = true;
        client.close();
        thread.join(10_000);
    }
}
