package org.wsbyhand.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.server.jfr.HandshakeEvent;
import org.wsbyhand.server.jfr.ProtocolViolationEvent;
import org.wsbyhand.server.jfr.SessionClosedEvent;
import org.wsbyhand.server.jfr.SlowConsumerEvent;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.Session;

/**
 * Where the server's hook points report: each fact goes to its JFR event, committed only while a
 * recording wants it, then to the {@link ServerListener}s in the order registered, each call guarded.
 * With no listener and no recording, a report costs the checks that find so. Built once per server.
 */
final class Observers {
    private static final Logger log = LoggerFactory.getLogger(Observers.class);

    private final ServerListener[] listeners;

    Observers(List<ServerListener> listeners) {
        this.listeners = listeners.toArray(ServerListener[]::new);
    }

    void started(WebSocketServer server) {
        each("started", listener -> listener.started(server));
    }

    /** Times a new connection's handshake. */
    HandshakeTiming handshakeStarted() {
        return new HandshakeTiming();
    }

    /** An upgrade request was answered with {@code status}. */
    void handshake(HandshakeTiming timing, String path, int status, InetSocketAddress remote) {
        HandshakeEvent event = timing.event;
        event.end();
        if (event.shouldCommit()) {
            event.path = path;
            event.status = status;
            event.remoteAddress = address(remote);
            event.commit();
        }
        if (listeners.length > 0) {
            HandshakeSummary summary = new HandshakeSummary(path, status,
                    Duration.ofNanos(System.nanoTime() - timing.startNanos), remote);
            each("handshake", listener -> listener.handshake(summary));
        }
    }

    void sessionOpened(Session session) {
        if (listeners.length > 0) {
            each("sessionOpened", listener -> listener.sessionOpened(session));
        }
    }

    /** Whether a session's end would be heard: a listener, or a recording that wants the event. */
    boolean wantSessionClosed() {
        return listeners.length > 0 || new SessionClosedEvent().shouldCommit();
    }

    void sessionClosed(SessionSummary summary) {
        SessionClosedEvent event = new SessionClosedEvent();
        if (event.shouldCommit()) {
            event.session = summary.session().id();
            event.path = summary.path();
            event.remoteAddress = address(summary.session().remoteAddress());
            event.closeCode = summary.code().code();
            event.closeReason = summary.reason();
            event.closedBy = summary.ending().name();
            event.sessionDuration = summary.duration().toNanos();
            event.messagesIn = summary.messagesIn();
            event.messagesOut = summary.messagesOut();
            event.bytesIn = summary.bytesIn();
            event.bytesOut = summary.bytesOut();
            event.outboundHighWater = summary.outboundHighWater();
            event.compressed = summary.compression().isPresent();
            event.compressionRatioIn = summary.compression().map(ServerStats.Compression::ratioIn).orElse(0.0);
            event.compressionRatioOut = summary.compression().map(ServerStats.Compression::ratioOut).orElse(0.0);
            event.commit();
        }
        if (listeners.length > 0) {
            each("sessionClosed", listener -> listener.sessionClosed(summary));
        }
    }

    void slowConsumer(Session session, String path, long bound, long queuedBytes, OverflowPolicy policy) {
        SlowConsumerEvent event = new SlowConsumerEvent();
        if (event.shouldCommit()) {
            event.session = session.id();
            event.path = path;
            event.bound = bound;
            event.queuedBytes = queuedBytes;
            event.policy = policy.name();
            event.commit();
        }
        if (listeners.length > 0) {
            each("slowConsumer", listener -> listener.slowConsumer(session, bound, queuedBytes, policy));
        }
    }

    void protocolViolation(Session session, String path, Violation violation, CloseCode code) {
        ProtocolViolationEvent event = new ProtocolViolationEvent();
        if (event.shouldCommit()) {
            event.session = session.id();
            event.path = path;
            event.rule = violation.name();
            event.closeCode = code.code();
            event.commit();
        }
        if (listeners.length > 0) {
            each("protocolViolation", listener -> listener.protocolViolation(session, violation, code));
        }
    }

    /** Calls every listener; one that throws is logged and the others are still called. */
    private void each(String what, Consumer<ServerListener> call) {
        for (ServerListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                log.warn("server listener {} failed in {}", listener, what, e);
            }
        }
    }

    private static String address(InetSocketAddress remote) {
        return remote.getAddress() == null ? remote.getHostString() + ":" + remote.getPort()
                : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }
}
