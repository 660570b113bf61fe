package org.wsbyhand.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide memory budget ({@link ServerConfig#memoryBudget()}): the bytes the server holds
 * on behalf of its clients (message reassembly and inflation, read buffers beyond their first 512
 * bytes, unsent bytes), split so that no client can take memory another is promised.
 *
 * <ul>
 *   <li>Half the budget is promised in equal shares, one per possible connection
 *       ({@code budget / 2 / maxConnections}): a connection that holds no more than its share is
 *       never refused, so ordinary traffic keeps flowing while the budget is under attack.
 *   <li>The other half is shared: what a connection holds beyond its share is taken from it
 *       first come, first served, and a connection may take at most half of it.
 * </ul>
 *
 * So the total held stays within the budget however many connections there are and whatever they
 * send, and a connection that needs more than its share while the shared half is used up is refused
 * (its message, or its session, ends with 1013 Try Again Later). Each connection keeps its own
 * count ({@link SessionMemory}); only bytes beyond its share touch this class's one atomic counter.
 */
final class MemoryPool {
    private final long budget;
    private final long share;
    private final long sharedLimit;
    private final long connectionLimit;
    private final AtomicLong shared = new AtomicLong();

    MemoryPool(long budget, int maxConnections) {
        this.budget = budget;
        this.share = budget / 2 / maxConnections;
        this.sharedLimit = budget - share * maxConnections;
        this.connectionLimit = sharedLimit / 2;
    }

    /** The budget in bytes. */
    long budget() {
        return budget;
    }

    /** What every connection may hold without taking from the shared half. */
    long share() {
        return share;
    }

    /** The most one connection may take from the shared half. */
    long connectionLimit() {
        return connectionLimit;
    }

    /** Bytes of the shared half in use. */
    long sharedInUse() {
        return shared.get();
    }

    /** Takes {@code bytes} of the shared half if they are free. */
    boolean tryTake(long bytes) {
        while (true) {
            long used = shared.get();
            if (used + bytes > sharedLimit) {
                return false;
            }
            if (shared.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    /** Takes {@code bytes} that are already allocated, even past the limit (see {@link SessionMemory#settleOutbound}). */
    void force(long bytes) {
        shared.addAndGet(bytes);
    }

    /** Gives back {@code bytes} of the shared half. */
    void give(long bytes) {
        shared.addAndGet(-bytes);
    }
}
