package org.wsbyhand.protocol;

/**
 * Memory a {@link Connection} must ask for before it allocates on behalf of its peer: the buffer
 * that reassembles (and inflates) a message as its bytes arrive. The connection asks before each
 * allocation and gives the bytes back when the buffer is dropped; when the budget refuses, the
 * message is refused and the connection fails with {@link Violation#MEMORY_BUDGET_EXCEEDED} (close
 * code 1013, Try Again Later) instead of allocating.
 *
 * <p>A server gives every connection a view of one server-wide budget, so that the sum of what
 * all peers make it hold stays bounded whatever they send; see ws-server's {@code memoryBudget}.
 * The connection calls the budget from the thread that calls the connection; an implementation
 * shared between connections must be thread-safe.
 */
public interface MemoryBudget {

    /**
     * Asks for {@code bytes} more. On true the caller holds them until it {@linkplain #release
     * releases} them; on false nothing changed and the caller must not allocate.
     *
     * @param bytes the number of bytes asked for
     * @return {@code true} when the bytes were granted
     */
    boolean tryReserve(long bytes);

    /**
     * Gives back {@code bytes} that an earlier {@link #tryReserve} granted.
     *
     * @param bytes the number of bytes given back
     */
    void release(long bytes);

    /**
     * A budget that grants everything: only the connection's {@link Limits} bound its memory.
     *
     * @return the unlimited budget
     */
    static MemoryBudget unlimited() {
        return Unlimited.INSTANCE;
    }

    /** The budget of {@link #unlimited()}. */
    enum Unlimited implements MemoryBudget {
        /** The one instance. */
        INSTANCE;

        @Override
        public boolean tryReserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
            // nothing is counted
        }
    }
}
