package org.wsbyhand.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;

/**
 * A {@link ConnectionListener} that writes each event as a line ({@code connecting 1},
 * {@code retry 2 after PT0.02S: REFUSED}, ...), for tests to wait on with bounded polls.
 */
final class EventLog implements ConnectionListener {
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    final List<String> all = new CopyOnWriteArrayList<>();
    final List<Duration> delays = new CopyOnWriteArrayList<>();
    final List<Session> connected = new CopyOnWriteArrayList<>();
    volatile Throwable lastFailure;

    private void add(String event) {
        all.add(event);
        pending.add(event);
    }

    @Override
    public void onConnecting(int attempt, URI uri) {
        add("connecting " + attempt);
    }

    @Override
    public void onConnected(Session session, int attempt) {
        connected.add(session);
        add("connected " + attempt);
    }

    @Override
    public void onDisconnected(CloseCode code, String reason) {
        add("disconnected " + code.code() + (reason.isEmpty() ? "" : " " + reason));
    }

    @Override
    public void onRetryScheduled(int attempt, Duration delay, Throwable cause) {
        delays.add(delay);
        add("retry " + attempt + " after " + delay.toMillis() + " ms: " + describe(cause));
    }

    @Override
    public void onGaveUp(int attempts, Throwable failure) {
        lastFailure = failure;
        add("gave up after " + attempts + ": " + describe(failure));
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "-";
        }
        return cause instanceof WebSocketConnectException e ? e.failure().toString() : cause.getClass().getSimpleName();
    }

    /** The next event, waited for (bounded). */
    String next() throws InterruptedException {
        String event = pending.poll(20, TimeUnit.SECONDS);
        if (event == null) {
            throw new AssertionError("no event within 20 s; so far " + all);
        }
        return event;
    }

    /** The next events, in order. */
    List<String> next(int count) throws InterruptedException {
        List<String> events = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(next());
        }
        return events;
    }

    /** Skips events until one starts with {@code prefix}; returns it. */
    String awaitStartingWith(String prefix) throws InterruptedException {
        while (true) {
            String event = next();
            if (event.startsWith(prefix)) {
                return event;
            }
        }
    }

    /** The events not taken yet. */
    List<String> rest() {
        List<String> events = new java.util.ArrayList<>();
        pending.drainTo(events);
        return events;
    }
}
