package org.wsbyhand.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.Session;

/**
 * A {@link ServerListener} that records every call, in the order it came. Waits are bounded:
 * {@link #next(Class)} fails after 30 seconds.
 */
final class RecordingListener implements ServerListener {
    record Started(WebSocketServer server) {}

    record Opened(Session session) {}

    record SlowConsumer(Session session, long bound, long queuedBytes, OverflowPolicy policy) {}

    record ViolationSeen(Session session, Violation violation, CloseCode code) {}

    final BlockingQueue<Object> calls = new LinkedBlockingQueue<>();

    @Override
    public void started(WebSocketServer server) {
        calls.add(new Started(server));
    }

    @Override
    public void handshake(HandshakeSummary handshake) {
        calls.add(handshake);
    }

    @Override
    public void sessionOpened(Session session) {
        calls.add(new Opened(session));
    }

    @Override
    public void sessionClosed(SessionSummary summary) {
        calls.add(summary);
    }

    @Override
    public void slowConsumer(Session session, long bound, long queuedBytes, OverflowPolicy policy) {
        calls.add(new SlowConsumer(session, bound, queuedBytes, policy));
    }

    @Override
    public void protocolViolation(Session session, Violation violation, CloseCode code) {
        calls.add(new ViolationSeen(session, violation, code));
    }

    /** The next call of {@code type}, skipping calls of other types. */
    <T> T skipTo(Class<T> type) throws InterruptedException {
        while (true) {
            Object call = calls.poll(30, TimeUnit.SECONDS);
            if (call == null) {
                throw new AssertionError("no " + type.getSimpleName() + " listener call within 30 s");
            }
            if (type.isInstance(call)) {
                return type.cast(call);
            }
        }
    }

    /** The next call, which must be of {@code type}. */
    <T> T next(Class<T> type) throws InterruptedException {
        Object call = calls.poll(30, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("no listener call within 30 s; expected " + type.getSimpleName());
        }
        if (!type.isInstance(call)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + call);
        }
        return type.cast(call);
    }
}
