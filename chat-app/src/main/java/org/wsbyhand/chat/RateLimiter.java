package org.wsbyhand.chat;

import java.util.function.LongSupplier;

/**
 * A token bucket for one connection: it holds at most {@code burst} tokens, gains
 * {@code perSecond} tokens a second, and each message takes one. A message that finds the bucket
 * empty is refused (the client gets a {@code rate_limited} error) and takes nothing, so a client
 * that slows down is served again at once. The shared budgets of an address and of the room are
 * checked next to it by {@link PostingBudget}.
 *
 * <p>The clock is injected (a nanosecond counter such as {@link System#nanoTime}) so tests move
 * time by hand instead of sleeping. Not thread-safe: one limiter belongs to one connection, whose
 * callbacks run one at a time.
 */
public final class RateLimiter {

    private final LongSupplier nanoClock;
    private final TokenBucket bucket;

    /**
     * A full bucket.
     *
     * @param perSecond tokens gained per second, at least 1
     * @param burst     the bucket's size, at least 1
     * @param nanoClock a monotonic nanosecond clock
     */
    public RateLimiter(int perSecond, int burst, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.bucket = new TokenBucket(perSecond, burst, nanoClock.getAsLong());
    }

    /** Takes a token if there is one; false means the message must be refused. */
    public boolean tryAcquire() {
        if (!hasToken()) {
            return false;
        }
        take();
        return true;
    }

    /** Whether a message would be allowed now; takes nothing. */
    boolean hasToken() {
        return bucket.hasToken(nanoClock.getAsLong());
    }

    /** Takes the token {@link #hasToken} found. */
    void take() {
        bucket.take();
    }
}
