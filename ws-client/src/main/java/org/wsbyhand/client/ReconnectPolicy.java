package org.wsbyhand.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * When a {@link ReconnectingConnection} tries again: exponential backoff with jitter, a cap on the
 * delay, and an optional limit on the attempts. Immutable and thread-safe; start from
 * {@link #defaults()} and change what you need with the {@code with...} methods, in any order.
 *
 * <p><b>Delays.</b> Retry {@code n} ({@code n = 1} for the first retry) waits a delay drawn
 * uniformly from {@code [base(n) × (1 − jitter), base(n)]}, where
 * {@code base(n) = min(maxDelay, initialDelay × multiplier^(n−1))}. Jitter only ever shortens a
 * delay, so no delay is longer than {@link #maxDelay()}. Jitter 0.5 (the default) is "equal
 * jitter": between half and all of the base; 1.0 is "full jitter": between zero and the base; 0
 * is none. Jitter spreads the clients that one server restart disconnected at the same moment, so
 * that they do not all come back in the same instant. With the defaults the bases are 0.5 s, 1 s,
 * 2 s, 4 s, 8 s, 16 s, then 30 s for every later retry.
 *
 * <p><b>Attempts.</b> {@link #maxAttempts()} is how many attempts in a row may fail before the
 * connection gives up; a successful open starts the count again. 0 (the default) never gives up.
 *
 * <p><b>Reset.</b> The delays start again from {@link #initialDelay()} after a session that stayed
 * open at least {@link #resetAfter()} (default 5 s). A session that ends sooner (a server that
 * accepts and drops at once, or closes every new session) does not reset them: they keep growing,
 * and such a server is not hammered.
 */
public final class ReconnectPolicy {
    /** Default {@link #initialDelay()}: 500 ms. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(500);
    /** Default {@link #multiplier()}: 2.0. */
    public static final double DEFAULT_MULTIPLIER = 2.0;
    /** Default {@link #maxDelay()}: 30 s. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
    /** Default {@link #jitter()}: 0.5, "equal jitter". */
    public static final double DEFAULT_JITTER = 0.5;
    /** {@link #maxAttempts()} that never gives up (the default). */
    public static final int UNLIMITED_ATTEMPTS = 0;
    /** Default {@link #resetAfter()}: 5 s. */
    public static final Duration DEFAULT_RESET_AFTER = Duration.ofSeconds(5);
    /** The shortest {@link #initialDelay()} and {@link #maxDelay()}: 1 ms, so that no loop spins. */
    public static final Duration SHORTEST_DELAY = Duration.ofMillis(1);
    /** The longest {@link #initialDelay()}, {@link #maxDelay()} and {@link #resetAfter()}: 1 day. */
    public static final Duration LONGEST_DELAY = Duration.ofDays(1);
    /** The largest {@link #multiplier()}: 100. */
    public static final double MAX_MULTIPLIER = 100.0;

    private static final DoubleSupplier THREAD_LOCAL_RANDOM = () -> ThreadLocalRandom.current().nextDouble();

    private static final ReconnectPolicy DEFAULTS = new ReconnectPolicy(DEFAULT_INITIAL_DELAY, DEFAULT_MULTIPLIER,
            DEFAULT_MAX_DELAY, DEFAULT_JITTER, UNLIMITED_ATTEMPTS, DEFAULT_RESET_AFTER, THREAD_LOCAL_RANDOM,
            Sleeper.THREAD_SLEEP, System::nanoTime);

    private final Duration initialDelay;
    private final double multiplier;
    private final Duration maxDelay;
    private final double jitter;
    private final int maxAttempts;
    private final Duration resetAfter;
    // Test hooks: where the jitter draws come from, how the wait is made, and the clock that times a session.
    private final DoubleSupplier random;
    private final Sleeper sleeper;
    private final LongSupplier clock;

    private ReconnectPolicy(Duration initialDelay, double multiplier, Duration maxDelay, double jitter,
            int maxAttempts, Duration resetAfter, DoubleSupplier random, Sleeper sleeper, LongSupplier clock) {
        this.initialDelay = checkDelay("initialDelay", initialDelay);
        this.multiplier = checkMultiplier(multiplier);
        this.maxDelay = checkDelay("maxDelay", maxDelay);
        this.jitter = checkJitter(jitter);
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be 0 (unlimited) or more: " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        Objects.requireNonNull(resetAfter, "resetAfter");
        if (resetAfter.isNegative() || resetAfter.compareTo(LONGEST_DELAY) > 0) {
            throw new IllegalArgumentException("resetAfter must be 0 to " + LONGEST_DELAY + ": " + resetAfter);
        }
        this.resetAfter = resetAfter;
        this.random = Objects.requireNonNull(random, "random");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static Duration checkDelay(String name, Duration delay) {
        Objects.requireNonNull(delay, name);
        if (delay.compareTo(SHORTEST_DELAY) < 0 || delay.compareTo(LONGEST_DELAY) > 0) {
            throw new IllegalArgumentException(name + " must be " + SHORTEST_DELAY + " to " + LONGEST_DELAY + ": "
                    + delay);
        }
        return delay;
    }

    private static double checkMultiplier(double multiplier) {
        if (!(multiplier >= 1.0 && multiplier <= MAX_MULTIPLIER)) { // also refuses NaN
            throw new IllegalArgumentException("multiplier must be 1.0 to " + MAX_MULTIPLIER + ": " + multiplier);
        }
        return multiplier;
    }

    private static double checkJitter(double jitter) {
        if (!(jitter >= 0.0 && jitter <= 1.0)) { // also refuses NaN
            throw new IllegalArgumentException("jitter must be 0.0 to 1.0: " + jitter);
        }
        return jitter;
    }

    /**
     * The defaults: 500 ms initial delay, multiplier 2, 30 s cap, jitter 0.5, unlimited attempts,
     * reset after a session that stayed open 5 s.
     *
     * @return the default policy
     */
    public static ReconnectPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * The base of the first retry's delay.
     *
     * @return the initial delay
     */
    public Duration initialDelay() {
        return initialDelay;
    }

    /**
     * What each retry's base is multiplied by.
     *
     * @return the multiplier, at least 1
     */
    public double multiplier() {
        return multiplier;
    }

    /**
     * The cap: no delay is longer.
     *
     * @return the longest delay
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * The share of each base delay that jitter may take off: 0 none, 0.5 equal jitter, 1 full jitter.
     *
     * @return the jitter, 0 to 1
     */
    public double jitter() {
        return jitter;
    }

    /**
     * How many attempts in a row may fail before the connection gives up.
     *
     * @return the most failed attempts in a row, or {@link #UNLIMITED_ATTEMPTS}
     */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * How long a session must stay open for the delays to start again from the initial delay.
     *
     * @return the time after which an open session resets the backoff
     */
    public Duration resetAfter() {
        return resetAfter;
    }

    /**
     * A copy with another initial delay.
     *
     * @param delay the base of the first retry's delay, 1 ms to 1 day (above {@link #maxDelay()},
     *     every delay is the cap)
     * @return a policy equal to this one but for the initial delay
     */
    public ReconnectPolicy withInitialDelay(Duration delay) {
        return new ReconnectPolicy(delay, multiplier, maxDelay, jitter, maxAttempts, resetAfter, random, sleeper,
                clock);
    }

    /**
     * A copy with another multiplier.
     *
     * @param factor what each retry's base is multiplied by, 1.0 (a constant delay) to 100
     * @return a policy equal to this one but for the multiplier
     */
    public ReconnectPolicy withMultiplier(double factor) {
        return new ReconnectPolicy(initialDelay, factor, maxDelay, jitter, maxAttempts, resetAfter, random, sleeper,
                clock);
    }

    /**
     * A copy with another cap.
     *
     * @param delay the longest delay, 1 ms to 1 day
     * @return a policy equal to this one but for the cap
     */
    public ReconnectPolicy withMaxDelay(Duration delay) {
        return new ReconnectPolicy(initialDelay, multiplier, delay, jitter, maxAttempts, resetAfter, random, sleeper,
                clock);
    }

    /**
     * A copy with another jitter.
     *
     * @param share the share of each base delay jitter may take off, 0.0 (none) to 1.0 (full jitter)
     * @return a policy equal to this one but for the jitter
     */
    public ReconnectPolicy withJitter(double share) {
        return new ReconnectPolicy(initialDelay, multiplier, maxDelay, share, maxAttempts, resetAfter, random, sleeper,
                clock);
    }

    /**
     * A copy with another limit on attempts.
     *
     * @param attempts how many attempts in a row may fail before giving up, or {@link #UNLIMITED_ATTEMPTS};
     *     1 makes one attempt and never retries
     * @return a policy equal to this one but for the limit
     */
    public ReconnectPolicy withMaxAttempts(int attempts) {
        return new ReconnectPolicy(initialDelay, multiplier, maxDelay, jitter, attempts, resetAfter, random, sleeper,
                clock);
    }

    /**
     * A copy with another reset time.
     *
     * @param uptime how long a session must stay open to reset the backoff, 0 (every session that
     *     opens resets it) to 1 day
     * @return a policy equal to this one but for the reset time
     */
    public ReconnectPolicy withResetAfter(Duration uptime) {
        return new ReconnectPolicy(initialDelay, multiplier, maxDelay, jitter, maxAttempts, uptime, random, sleeper,
                clock);
    }

    /** Test hook: where the jitter's draws come from, each in {@code [0, 1)}. */
    ReconnectPolicy withRandom(DoubleSupplier draws) {
        return new ReconnectPolicy(initialDelay, multiplier, maxDelay, jitter, maxAttempts, resetAfter, draws, sleeper,
                clock);
    }

    /** Test hook: how the wait between attempts is made; it must end when the thread is interrupted. */
    ReconnectPolicy withSleeper(Sleeper waits) {
        return new ReconnectPolicy(initialDelay, multiplier, maxDelay, jitter, maxAttempts, resetAfter, random, waits,
                clock);
    }

    /** Test hook: the nanosecond clock that times how long a session stayed open. */
    ReconnectPolicy withClock(LongSupplier nanoTime) {
        return new ReconnectPolicy(initialDelay, multiplier, maxDelay, jitter, maxAttempts, resetAfter, random, sleeper,
                nanoTime);
    }

    Sleeper sleeper() {
        return sleeper;
    }

    LongSupplier clock() {
        return clock;
    }

    /**
     * The delay of a retry before jitter: {@code min(maxDelay, initialDelay × multiplier^(retry−1))}.
     * Never shorter for a later retry, never longer than {@link #maxDelay()}.
     *
     * @param retry the retry, 1 for the first
     * @return the base delay
     * @throws IllegalArgumentException when {@code retry} is below 1
     */
    public Duration baseDelay(int retry) {
        return Duration.ofNanos(baseNanos(retry));
    }

    /**
     * A delay for a retry: drawn uniformly from {@code [base × (1 − jitter), base]} where base is
     * {@link #baseDelay(int)}. Each call draws anew.
     *
     * @param retry the retry, 1 for the first
     * @return the delay to wait before that retry
     * @throws IllegalArgumentException when {@code retry} is below 1
     */
    public Duration delay(int retry) {
        return delay(retry, random.getAsDouble());
    }

    /** The delay for {@code retry} with the jitter's draw given (clamped into {@code [0, 1)}). */
    Duration delay(int retry, double draw) {
        long base = baseNanos(retry);
        double u = draw >= 0.0 ? Math.min(draw, Math.nextDown(1.0)) : 0.0; // NaN too goes to 0
        return Duration.ofNanos(base - (long) (base * jitter * u));
    }

    private long baseNanos(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1: " + retry);
        }
        long cap = maxDelay.toNanos();
        // multiplier >= 1, so the product never shrinks; past the cap (or to infinity) it is the cap.
        double grown = initialDelay.toNanos() * Math.pow(multiplier, retry - 1);
        return grown >= cap ? cap : (long) grown;
    }

    /**
     * Whether the connection gives up after this many attempts in a row have failed.
     *
     * @param failedAttempts the failed attempts in a row
     * @return {@code true} when there is a limit and it is reached
     */
    public boolean givesUpAfter(int failedAttempts) {
        return maxAttempts != UNLIMITED_ATTEMPTS && failedAttempts >= maxAttempts;
    }

    /**
     * Equal when every setting (and test hook) is.
     *
     * @param other another object
     * @return whether it is an equal policy
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ReconnectPolicy that && initialDelay.equals(that.initialDelay)
                && Double.compare(multiplier, that.multiplier) == 0 && maxDelay.equals(that.maxDelay)
                && Double.compare(jitter, that.jitter) == 0 && maxAttempts == that.maxAttempts
                && resetAfter.equals(that.resetAfter) && random == that.random && sleeper == that.sleeper
                && clock == that.clock;
    }

    /**
     * A hash of the settings.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return Objects.hash(initialDelay, multiplier, maxDelay, jitter, maxAttempts, resetAfter);
    }

    /**
     * The settings, for logs.
     *
     * @return e.g. {@code ReconnectPolicy[initialDelay=PT0.5S, multiplier=2.0, ...]}
     */
    @Override
    public String toString() {
        return "ReconnectPolicy[initialDelay=" + initialDelay + ", multiplier=" + multiplier + ", maxDelay=" + maxDelay
                + ", jitter=" + jitter + ", maxAttempts=" + (maxAttempts == UNLIMITED_ATTEMPTS ? "unlimited"
                        : maxAttempts) + ", resetAfter=" + resetAfter + "]";
    }
}
