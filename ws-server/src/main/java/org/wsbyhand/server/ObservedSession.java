package org.wsbyhand.server;

import java.time.Duration;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.core.CoreSession;
import org.wsbyhand.session.core.SessionObserver;
import org.wsbyhand.session.core.SessionTotals;

/** One session's hook points in ws-session, reported to the server's {@link Observers} with the session's path. */
final class ObservedSession implements SessionObserver {
    private final Observers observers;
    private final CoreSession session;
    private final String path;
    private final long openedNanos;

    /** Watches a session whose 101 is being written now. */
    ObservedSession(Observers observers, CoreSession session) {
        this.observers = observers;
        this.session = session;
        this.path = session.request().path();
        this.openedNanos = System.nanoTime();
    }

    @Override
    public void slowConsumer(long bound, long queuedBytes, OverflowPolicy policy) {
        observers.slowConsumer(session, path, bound, queuedBytes, policy);
    }

    @Override
    public void protocolViolation(Violation violation, CloseCode code) {
        observers.protocolViolation(session, path, violation, code);
    }

    @Override
    public void ended(CloseCode code, String reason, Connection.Ending ending, SessionTotals totals) {
        if (!observers.wantSessionClosed()) {
            return;
        }
        observers.sessionClosed(new SessionSummary(session, path, code, reason, ending,
                Duration.ofNanos(System.nanoTime() - openedNanos), totals.messagesIn(), totals.messagesOut(),
                totals.bytesIn(), totals.bytesOut(), totals.outboundHighWater(),
                totals.compression().map(c -> new ServerStats.Compression(c.messagesIn(), c.compressedBytesIn(),
                        c.inflatedBytesIn(), c.messagesOut(), c.originalBytesOut(), c.compressedBytesOut()))));
    }
}
