package org.wsbyhand.server;

import org.wsbyhand.session.core.SessionBudget;

/**
 * What one connection holds of the server's {@link MemoryPool}: its message buffers (asked for by
 * its {@link org.wsbyhand.protocol.Connection}), its read buffer beyond the first 512 bytes and its
 * unsent bytes. Bytes within the connection's share are only counted here; bytes beyond it are
 * taken from the pool's shared half first. Guarded by the session lock: every caller holds it.
 */
final class SessionMemory implements SessionBudget {
    private final MemoryPool pool;
    /** Everything this connection holds, its share included. */
    private long held;
    /** The part of {@link #held} that is unsent bytes. */
    private long outbound;
    private boolean closed;

    SessionMemory(MemoryPool pool) {
        this.pool = pool;
    }

    @Override
    public boolean tryReserve(long bytes) {
        if (closed) {
            return false;
        }
        long beyond = beyondShare(held + bytes);
        long more = beyond - beyondShare(held);
        if (more > 0 && (beyond > pool.connectionLimit() || !pool.tryTake(more))) {
            return false;
        }
        held += bytes;
        return true;
    }

    @Override
    public void release(long bytes) {
        if (closed) {
            return;
        }
        long back = beyondShare(held) - beyondShare(held - bytes);
        held -= bytes;
        if (back > 0) {
            pool.give(back);
        }
    }

    @Override
    public boolean reserveOutbound(long bytes) {
        if (!tryReserve(bytes)) {
            return false;
        }
        outbound += bytes;
        return true;
    }

    /**
     * Makes the count of unsent bytes {@code queued}, what the session holds now: less after a
     * write, or different from what {@link #reserveOutbound} estimated (compression), or more
     * when the protocol queued frames of its own (pongs, a close). Bytes that are already queued
     * are counted even when the budget has no room for them; the answer is then false and the
     * session must close.
     */
    @Override
    public boolean settleOutbound(long queued) {
        long delta = queued - outbound;
        if (closed || delta == 0) {
            return true;
        }
        outbound = queued;
        if (delta < 0) {
            release(-delta);
            return true;
        }
        if (tryReserve(delta)) {
            return true;
        }
        long more = beyondShare(held + delta) - beyondShare(held);
        pool.force(more);
        held += delta;
        return false;
    }

    @Override
    public long held() {
        return held;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        long beyond = beyondShare(held);
        if (beyond > 0) {
            pool.give(beyond);
        }
        held = 0;
        outbound = 0;
        closed = true;
    }

    private long beyondShare(long bytes) {
        return Math.max(0, bytes - pool.share());
    }
}
