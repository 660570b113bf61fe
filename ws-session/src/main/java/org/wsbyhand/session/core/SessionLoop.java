package org.wsbyhand.session.core;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Runs one session on its reader's thread, from {@code onOpen} to {@code onClose}: reads from the
 * {@link Transport}, hands each read to the protocol, calls the handler, and ends the session.
 *
 * <p><b>One critical section per read.</b> Holding the session lock, the reader feeds the read to
 * the {@link Connection} and takes every event it decoded; then, without the lock, it calls the
 * handler for each, in order. What the handlers send meanwhile is written at the end, by the reader
 * itself when small (see {@link Outbound}). A terminal event (the peer's close, or a protocol
 * violation) is taken only after the events before it were dispatched, so the answers to those go
 * out before the close frame.
 *
 * <p><b>How a session ends.</b> The first cause is kept in a {@link Termination}; the protocol says
 * the close code. The reader then flushes our close frame (bounded by the close timeout, and by the
 * {@link SessionClock}'s deadline, which drops the transport), runs {@code onError} when there was a
 * cause and {@code onClose} once, and closes the transport the way the protocol says.
 *
 * <p>The loop can also give its thread away: when the transport's read returns
 * {@link Transport#RELEASED}, {@link #start} or {@link #resume} return {@link Outcome#RELEASED} and the
 * opener later calls {@link #resume} on a new thread.
 */
public final class SessionLoop {
    private static final Logger log = LoggerFactory.getLogger(SessionLoop.class);
    /** An idle session's read buffer; bursts grow it up to {@link #READ_BUFFER_MAX}. */
    public static final int READ_BUFFER_MIN = 512;
    /** The largest read buffer. */
    public static final int READ_BUFFER_MAX = 64 * 1024;
    /** A grown buffer goes back to the minimum after this many small reads in a row (the burst is over). */
    private static final int SMALL_READS_BEFORE_SHRINK = 16;
    /**
     * Bytes read (and dropped) at most after our close frame before the peer's close arrives, beyond
     * the message size limit: a peer that keeps streaming instead of closing is dropped.
     */
    private static final int DISCARD_AFTER_CLOSE_SLACK = 1 << 20;

    /** How {@link #start} or {@link #resume} returned. */
    public enum Outcome {
        /** The session is over: {@code onClose} ran and the transport is closed. */
        ENDED,
        /** The transport took the thread away; {@link #resume} goes on. */
        RELEASED
    }

    /** What the opener hears from a running session. */
    @FunctionalInterface
    public interface Listener {
        /** The session is over and its handler is about to hear it ({@code onError}, {@code onClose}). */
        void ending();
    }

    private final CoreSession session;
    private final SessionLock lock;
    private final Connection connection;
    private final Outbound outbound;
    private final Transport transport;
    private final WebSocketHandler handler;
    private final SessionClock clock;
    private final Termination termination;
    private final SessionCounters counters;
    private final SessionBudget budget;
    private final Listener listener;
    private final long closeTimeoutNanos;
    private final long discardLimit;
    private final String name;
    private SessionObserver observer = SessionObserver.NONE;

    // The reader's own.
    private final ArrayDeque<Event> events = new ArrayDeque<>(4);
    private boolean handlerFailed;
    private boolean closed;
    private boolean ignoredOurClose;
    private long readAfterClose;
    private long messagesIn;
    private long bytesIn;

    /**
     * A loop for a session.
     *
     * @param session the session
     * @param transport its transport
     * @param handler its handler
     * @param clock its clock
     * @param termination its termination
     * @param counters the shared counters
     * @param budget its memory
     * @param listener the opener's listener
     * @param closeTimeoutNanos how long to wait for the peer at the end
     */
    public SessionLoop(CoreSession session, Transport transport, WebSocketHandler handler, SessionClock clock,
            Termination termination, SessionCounters counters, SessionBudget budget, Listener listener,
            long closeTimeoutNanos) {
        this.session = session;
        this.lock = session.lock();
        this.connection = session.connection();
        this.outbound = session.outbound();
        this.transport = transport;
        this.handler = handler;
        this.clock = clock;
        this.termination = termination;
        this.counters = counters;
        this.budget = budget;
        this.listener = listener;
        this.closeTimeoutNanos = closeTimeoutNanos;
        this.discardLimit = (long) connection.limits().maxMessageSize() + DISCARD_AFTER_CLOSE_SLACK;
        this.name = session.id();
    }

    /**
     * Sets who hears of protocol violations and of the session's end (before the session runs).
     *
     * @param observer the opener's observer
     */
    public void observer(SessionObserver observer) {
        this.observer = observer;
    }

    /**
     * Runs the session on the calling thread: {@code onOpen}, the bytes read with the upgrade (if
     * any), then the read loop.
     *
     * @param leftover bytes that arrived behind the opening handshake
     * @return how the loop returned
     */
    public Outcome start(byte[] leftover) {
        clock.read(clock.now());
        lock.lock();
        try {
            outbound.beginBatch(Thread.currentThread());
        } finally {
            lock.unlock();
        }
        try {
            handler.onOpen(session);
        } catch (RuntimeException e) {
            handlerFailed(e);
        }
        outbound.endBatch();
        if (leftover.length > 0) {
            counters.bytesIn.add(leftover.length);
            bytesIn += leftover.length;
            if (!feed(ByteBuffer.wrap(leftover))) {
                finish();
                return Outcome.ENDED;
            }
        }
        return readLoop();
    }

    /**
     * Goes on reading on the calling thread after {@link Outcome#RELEASED}; first writes what was
     * queued while the session had no thread.
     *
     * @return how the loop returned
     */
    public Outcome resume() {
        lock.lock();
        try {
            outbound.resumed();
        } finally {
            lock.unlock();
        }
        return readLoop();
    }

    private Outcome readLoop() {
        byte[] buffer = new byte[READ_BUFFER_MIN];
        ByteBuffer view = ByteBuffer.wrap(buffer);
        int smallReads = 0;
        try {
            while (!closed) {
                int n;
                try {
                    n = transport.read(buffer, 0, buffer.length);
                } catch (IOException e) {
                    log.debug("session {}: read failed: {}", name, e.toString());
                    termination.transportGone();
                    EOFException ended = new EOFException("connection ended without a close frame: " + e.getMessage());
                    ended.initCause(e);
                    termination.fail(ended);
                    break;
                }
                if (n == Transport.RELEASED) {
                    return Outcome.RELEASED;
                }
                if (n < 0) {
                    termination.transportGone();
                    break;
                }
                clock.read(clock.now());
                counters.bytesIn.add(n);
                bytesIn += n;
                view.clear().limit(n);
                if (!feed(view) || discardedTooMuch(n)) {
                    break;
                }
                // A full read suggests a big frame in flight: read in larger steps while the budget
                // has room. Many small reads in a row on a grown buffer mean the burst is over.
                if (n == buffer.length && buffer.length < READ_BUFFER_MAX && reserve(buffer.length)) {
                    buffer = new byte[buffer.length * 2];
                    view = ByteBuffer.wrap(buffer);
                    smallReads = 0;
                } else if (buffer.length > READ_BUFFER_MIN && n < READ_BUFFER_MIN
                        && ++smallReads >= SMALL_READS_BEFORE_SHRINK) {
                    release(buffer.length - READ_BUFFER_MIN);
                    buffer = new byte[READ_BUFFER_MIN];
                    view = ByteBuffer.wrap(buffer);
                    smallReads = 0;
                }
            }
        } finally {
            if (buffer.length > READ_BUFFER_MIN) {
                release(buffer.length - READ_BUFFER_MIN);
            }
        }
        finish();
        return Outcome.ENDED;
    }

    /** After our close frame, a peer that streams on instead of closing is dropped. */
    private boolean discardedTooMuch(int n) {
        if (readAfterClose == 0 && !clock.closeArmed()) {
            return false;
        }
        if ((readAfterClose += n) <= discardLimit) {
            return false;
        }
        log.info("session {}: {} bytes more after our close frame, dropped", name, readAfterClose);
        ignoredOurClose = true;
        return true;
    }

    /**
     * One read: one critical section to feed it and take its events, the handler calls outside it,
     * the terminal event after them, then the batch's replies in one write. Returns false once the
     * connection is closed.
     */
    private boolean feed(ByteBuffer data) {
        Thread reader = Thread.currentThread();
        // The connection may stop before the end of the read when the messages it decoded hold much
        // memory (compressed messages inflate): dispatch those, then go on with the rest.
        do {
            boolean end;
            lock.lock();
            try {
                outbound.beginBatch(reader);
                connection.receive(data);
                Event event;
                while ((event = connection.pollEventBeforeEnd()) != null) {
                    events.add(event);
                }
                end = connection.endWaiting();
                outbound.afterCall(); // pongs the protocol queued
            } finally {
                lock.unlock();
            }
            Event event;
            while ((event = events.poll()) != null) {
                dispatch(event);
            }
            if (end) {
                Event terminal;
                lock.lock();
                try {
                    terminal = connection.pollEvent(); // queues the echo, or the violation's close frame
                    connection.pollEvent(); // null: every message taken
                    outbound.afterCall();
                } finally {
                    lock.unlock();
                }
                dispatch(terminal);
                closed = true;
            }
        } while (data.hasRemaining() && !closed);
        outbound.endBatch();
        outbound.reportOverflow(); // pongs the protocol queued may have overflowed the bound
        return !closed;
    }

    private void dispatch(Event event) {
        try {
            switch (event) {
                case Event.Text text -> {
                    counters.messagesIn.increment();
                    messagesIn++;
                    if (!handlerFailed) {
                        handler.onText(session, text.text());
                    }
                }
                case Event.Binary binary -> {
                    counters.messagesIn.increment();
                    messagesIn++;
                    if (!handlerFailed) {
                        handler.onBinary(session, binary.data());
                    }
                }
                case Event.Pong pong -> {
                    if (!handlerFailed) {
                        handler.onPong(session, pong.payload());
                    }
                }
                case Event.Ping ping -> {
                    // RFC 6455 5.5.2: the connection queued the pong already.
                }
                case Event.Close close -> {
                    // The connection echoed it (RFC 6455 5.5.1).
                }
                case Event.Failure failure -> {
                    ProtocolException violation = failure.exception();
                    log.info("session {} ({}): {}, closing with {}", name, session.remoteAddress(),
                            violation.getMessage(), failure.closeCode());
                    if (failure.violation() == Violation.MEMORY_BUDGET_EXCEEDED) {
                        counters.memoryRefusals.increment();
                    }
                    termination.fail(violation);
                    observer.protocolViolation(failure.violation(), failure.closeCode());
                }
            }
        } catch (RuntimeException e) {
            handlerFailed(e);
        }
        transport.dispatched();
    }

    private void handlerFailed(RuntimeException e) {
        log.warn("session {} ({}): handler failed, closing with 1011", name, session.remoteAddress(), e);
        handlerFailed = true;
        termination.fail(e);
        // RFC 6455 7.4.1: 1011 for an unexpected condition; no detail goes on the wire.
        outbound.close(CloseCode.INTERNAL_ERROR, "");
    }

    private boolean reserve(long bytes) {
        lock.lock();
        try {
            return budget.tryReserve(bytes);
        } finally {
            lock.unlock();
        }
    }

    private void release(long bytes) {
        lock.lock();
        try {
            budget.release(bytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the session: flushes our close frame, settles the close code, runs {@code onError} and
     * {@code onClose} exactly once, then closes the transport as the protocol says.
     */
    private void finish() {
        if (!termination.isTransportGone()) {
            try {
                outbound.awaitQueuedAtMost(0, closeTimeoutNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CloseCode code;
        String reason;
        Connection.TransportAction action;
        Connection.Ending ending;
        SessionTotals totals;
        lock.lock();
        try {
            if (connection.state() != Connection.State.CLOSED) {
                // EOF, a read error, an unanswered close or ping: the transport is done for us.
                connection.transportClosed();
            }
            // Ends the zlib streams on every path (idempotent): native memory never waits for the collector.
            connection.release();
            budget.close();
            outbound.settleCounts();
            code = connection.closeCode();
            reason = connection.closeReason();
            action = connection.transportAction();
            ending = connection.ending();
            totals = outbound.totals(messagesIn, bytesIn);
        } finally {
            lock.unlock();
        }
        Termination.End end = termination.end(code, reason);
        counters.closed(code);
        listener.ending();
        observer.ended(code, reason, ending, totals);
        session.ended(); // leaves its groups before onClose, so a goodbye broadcast skips it
        if (end.error().isPresent()) {
            try {
                handler.onError(session, end.error().get());
            } catch (RuntimeException e) {
                log.warn("session {} ({}): onError failed", name, session.remoteAddress(), e);
            }
        }
        try {
            handler.onClose(session, code, reason);
        } catch (RuntimeException e) {
            log.warn("session {} ({}): onClose failed", name, session.remoteAddress(), e);
        }
        if (!termination.isTransportGone() && !clock.peerUnresponsive() && !ignoredOurClose) {
            transport.finish(action, closeTimeoutNanos);
        }
        transport.abort();
    }

    /**
     * The opener's timer thread: acts on what the {@link SessionClock} finds due.
     *
     * @param now the time
     */
    public void checkTimers(long now) {
        boolean drained = false;
        if (clock.closeArmed()) {
            lock.lock();
            try {
                drained = outbound.drained();
            } finally {
                lock.unlock();
            }
        }
        switch (clock.check(now, drained)) {
            case NOTHING -> { }
            case PING -> session.sendPing(clock.pingPayload());
            case IDLE -> {
                log.info("session {} ({}): nothing received within the idle timeout, closing", name,
                        session.remoteAddress());
                outbound.close(CloseCode.GOING_AWAY, "idle timeout");
            }
            case PING_UNANSWERED -> {
                log.info("session {} ({}): no answer to a ping within the pong timeout, closing", name,
                        session.remoteAddress());
                termination.fail(new TimeoutException("no answer to a ping within the pong timeout"));
                outbound.close(CloseCode.INTERNAL_ERROR, "keepalive ping timeout");
            }
            case DROP_UNRESPONSIVE -> {
                termination.transportGone();
                transport.abort(); // our close frame is out; a peer that ignored our ping gets no more time
            }
            case CLOSE_TIMEOUT -> {
                log.debug("session {} ({}): no close within the close timeout, dropping", name, session.remoteAddress());
                termination.transportGone();
                transport.abort();
            }
        }
    }

    /**
     * The session's clock.
     *
     * @return the clock
     */
    public SessionClock clock() {
        return clock;
    }

    /**
     * The session.
     *
     * @return the session
     */
    public CoreSession session() {
        return session;
    }
}
