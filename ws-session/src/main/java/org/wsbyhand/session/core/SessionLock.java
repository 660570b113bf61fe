package org.wsbyhand.session.core;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock of a session. It guards the session's protocol {@link org.wsbyhand.protocol.Connection}
 * and what the machinery keeps beside it; every method that needs it asserts that its caller holds
 * it ({@link #held()}, checked when assertions are on, as in every test run).
 *
 * <p>It counts its acquisitions, so a test can show how many a message costs. The count is a plain
 * field written while the lock is held: reading it costs nothing on the hot path.
 */
public final class SessionLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    private transient long acquisitions;

    /** A new, unlocked lock. */
    public SessionLock() {}

    @Override
    public void lock() {
        super.lock();
        acquisitions++;
    }

    /**
     * Whether the calling thread holds this lock; for {@code assert lock.held()}.
     *
     * @return {@code true} when the current thread holds the lock
     */
    public boolean held() {
        return isHeldByCurrentThread();
    }

    /**
     * How many times the lock was taken so far. Exact when read while holding the lock, or after the
     * threads that take it have stopped.
     *
     * @return the number of acquisitions
     */
    public long acquisitions() {
        return acquisitions;
    }
}
