package org.wsbyhand.chat;

import java.util.concurrent.TimeUnit;

/**
 * One token bucket: it holds at most {@code burst} tokens, gains {@code perSecond} tokens a second,
 * and each accepted message takes one. Time is passed in by the caller as a monotonic nanosecond
 * reading (such as {@link System#nanoTime}), so the bucket never reads a clock itself and tests
 * move time by hand.
 *
 * <p>Checking and taking are separate steps ({@link #hasToken}, {@link #take}) so that a message
 * checked against several buckets takes a token from each only when all of them have one. Not
 * thread-safe: the owner guards a shared bucket with its lock.
 */
final class TokenBucket {

    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long last;

    /**
     * A full bucket at time {@code now}.
     *
     * @param perSecond tokens gained per second, at least 1
     * @param burst     the bucket's size, at least 1
     */
    TokenBucket(int perSecond, int burst, long now) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException(
                    "rate and burst must be at least 1, were " + perSecond + " and " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Whether a token is available at {@code now} (adding what was gained since the last call). */
    boolean hasToken(long now) {
        refill(now);
        return tokens >= 1;
    }

    /** Takes the token {@link #hasToken} found. */
    void take() {
        if (tokens < 1) {
            throw new IllegalStateException("no token to take");
        }
        tokens -= 1;
    }

    /**
     * Whether the bucket is full at {@code now}: it then holds nothing a fresh bucket would not, so
     * a table of buckets may forget it.
     */
    boolean isFull(long now) {
        refill(now);
        return tokens >= burst;
    }

    private void refill(long now) {
        long elapsed = now - last; // nanoTime differences are valid even across overflow
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perSecond / NANOS_PER_SECOND);
            last = now;
        }
    }
}
