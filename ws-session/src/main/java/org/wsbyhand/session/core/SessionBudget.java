package org.wsbyhand.session.core;

import org.wsbyhand.protocol.MemoryBudget;

/**
 * What one session may hold of its opener's memory: the protocol's reassembly buffers
 * ({@link MemoryBudget}), a read buffer grown beyond its first size, and unsent bytes. Every call is
 * made holding the session's lock.
 */
public interface SessionBudget extends MemoryBudget {

    /**
     * Reserves room for {@code bytes} more unsent bytes, before they are queued.
     *
     * @param bytes the size of the frame about to be queued
     * @return {@code false} when there is no room: the frame must not be queued
     */
    boolean reserveOutbound(long bytes);

    /**
     * Makes the count of unsent bytes {@code queued}: less after a write, or more when the protocol
     * queued frames of its own (pongs, a close). Bytes already queued are counted even without room.
     *
     * @param queued the session's unsent bytes now
     * @return {@code false} when they are over the budget: the session must close
     */
    boolean settleOutbound(long queued);

    /** The session ended: gives back everything, and refuses whatever comes after. */
    void close();

    /**
     * Bytes held now (for statistics; may be read without the lock, so approximate).
     *
     * @return the bytes held
     */
    long held();

    /**
     * A budget that never refuses, for openers without a memory budget.
     *
     * @return a new unlimited budget
     */
    static SessionBudget unlimited() {
        return new SessionBudget() {
            private long held;
            private long outbound;

            @Override
            public boolean tryReserve(long bytes) {
                held += bytes;
                return true;
            }

            @Override
            public void release(long bytes) {
                held -= bytes;
            }

            @Override
            public boolean reserveOutbound(long bytes) {
                outbound += bytes;
                held += bytes;
                return true;
            }

            @Override
            public boolean settleOutbound(long queued) {
                held += queued - outbound;
                outbound = queued;
                return true;
            }

            @Override
            public void close() {
                held = 0;
                outbound = 0;
            }

            @Override
            public long held() {
                return held;
            }
        };
    }
}
