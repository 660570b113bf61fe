package org.wsbyhand.chat;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket for one connection: it holds at most {@code burst} tokens, gains
 * {@code perSecond} tokens a second, and each message takes one. A message that finds the bucket
 * empty is refused (the client gets a {@code rate_limited} error) and takes nothing, so a client
 * that slows down is served again at once.
 *
 * <p>The clock is injected (a nanosecond counter such as {@link System#nanoTime}) so tests move
 * time by hand instead of sleeping. Not thread-safe: one limiter belongs to one connection, whose
 * callbacks run one at a time.
 */
public final class RateLimiter {

    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    /**
     * A full bucket.
     *
     * @param perSecond tokens gained per second, at least 1
     * @param burst     the bucket's size, at least 1
     * @param nanoClock a monotonic nanosecond clock
     */
    public RateLimiter(int perSecond, int burst, LongSupplier nanoClock) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException(
                    "rate and burst must be at least 1, were " + perSecond + " and " + burst);
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    /** Takes a token if there is one; false means the message must be refused. */
    public boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        long elapsed = now - last; // nanoTime differences are valid even across overflow
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perSecond / NANOS_PER_SECOND);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
