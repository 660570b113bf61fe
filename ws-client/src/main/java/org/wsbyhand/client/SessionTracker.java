package org.wsbyhand.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The handler of one attempt of a {@link ReconnectingConnection}: hands every callback on to the
 * application's handler with the session as a {@link TrackedSession}, and records what the
 * connection waits for: that {@code onOpen} returned, how the session ended, and the error it
 * failed with.
 */
final class SessionTracker implements WebSocketHandler {
    private final WebSocketHandler handler;
    private final LongSupplier clock;
    private final Consumer<SessionTracker> ending;
    private final AtomicReference<TrackedSession> view = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private boolean opened;
    private boolean ended;
    private long openedAt;
    private long endedAt;
    private CloseCode code;
    private String reason = "";
    private Throwable error;

    /**
     * A tracker for one attempt.
     *
     * @param handler the application's handler
     * @param clock a nanosecond clock, to time the session
     * @param ending called on the session's thread when it ends, before the handler's {@code onClose}
     */
    SessionTracker(WebSocketHandler handler, LongSupplier clock, Consumer<SessionTracker> ending) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ending = Objects.requireNonNull(ending, "ending");
    }

    /** The session as the application sees it; made on first use (a callback may come before connect returns). */
    TrackedSession view(Session session) {
        TrackedSession tracked = view.get();
        if (tracked == null) {
            view.compareAndSet(null, new TrackedSession(session));
            tracked = view.get();
        }
        return tracked;
    }

    /** The session as the application sees it, or null before the first callback or {@link #view(Session)}. */
    TrackedSession view() {
        return view.get();
    }

    @Override
    public void onOpen(Session session) {
        handler.onOpen(view(session)); // when it throws, the session fails with 1011 and never counts as open
        lock.lock();
        try {
            opened = true;
            openedAt = clock.getAsLong();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onText(Session session, String text) {
        handler.onText(view(session), text);
    }

    @Override
    public void onBinary(Session session, byte[] data) {
        handler.onBinary(view(session), data);
    }

    @Override
    public void onPong(Session session, byte[] payload) {
        handler.onPong(view(session), payload);
    }

    @Override
    public void onError(Session session, Throwable failure) {
        lock.lock();
        try {
            if (error == null) {
                error = failure;
            }
        } finally {
            lock.unlock();
        }
        handler.onError(view(session), failure);
    }

    @Override
    public void onClose(Session session, CloseCode closeCode, String closeReason) {
        long now = clock.getAsLong();
        try {
            ending.accept(this);
            handler.onClose(view(session), closeCode, closeReason);
        } finally {
            lock.lock();
            try {
                ended = true;
                endedAt = now;
                code = closeCode;
                reason = closeReason == null ? "" : closeReason;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits until the handler's {@code onOpen} returned or the session ended (the handler's
     * {@code onOpen} threw). Both come: the session core runs {@code onOpen} first and
     * {@code onClose} last, whatever happens.
     *
     * @return true when {@code onOpen} returned
     */
    boolean awaitOpened() {
        lock.lock();
        try {
            while (!opened && !ended) {
                changed.awaitUninterruptibly();
            }
            return opened;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the handler's {@code onClose} has returned. */
    void awaitEnded() {
        lock.lock();
        try {
            while (!ended) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How long the session was open, from {@code onOpen}'s return to {@code onClose}; zero when it never opened. */
    Duration uptime() {
        lock.lock();
        try {
            return opened && ended ? Duration.ofNanos(Math.max(0, endedAt - openedAt)) : Duration.ZERO;
        } finally {
            lock.unlock();
        }
    }

    /** The close code the handler's {@code onClose} got; null until then. */
    CloseCode code() {
        lock.lock();
        try {
            return code;
        } finally {
            lock.unlock();
        }
    }

    /** The close reason the handler's {@code onClose} got. */
    String reason() {
        lock.lock();
        try {
            return reason;
        } finally {
            lock.unlock();
        }
    }

    /** The error the session failed with (what the handler's {@code onError} got), or null. */
    Throwable error() {
        lock.lock();
        try {
            return error;
        } finally {
            lock.unlock();
        }
    }
}
