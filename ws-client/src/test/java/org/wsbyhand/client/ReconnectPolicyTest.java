package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The backoff arithmetic: examples, validation, and properties over any valid policy. */
class ReconnectPolicyTest {

    private static List<Duration> bases(ReconnectPolicy policy, int retries) {
        return IntStream.rangeClosed(1, retries).mapToObj(policy::baseDelay).toList();
    }

    private static List<Duration> millis(long... values) {
        return java.util.Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
    }

    @Test
    void theDefaultsDoubleFromHalfASecondUpToThirtySecondsAndNeverGiveUp() {
        ReconnectPolicy policy = ReconnectPolicy.defaults();
        assertEquals(Duration.ofMillis(500), policy.initialDelay());
        assertEquals(2.0, policy.multiplier());
        assertEquals(Duration.ofSeconds(30), policy.maxDelay());
        assertEquals(0.5, policy.jitter());
        assertEquals(ReconnectPolicy.UNLIMITED_ATTEMPTS, policy.maxAttempts());
        assertEquals(Duration.ofSeconds(5), policy.resetAfter());
        assertEquals(millis(500, 1000, 2000, 4000, 8000, 16000, 30000, 30000), bases(policy, 8));
        assertEquals(Duration.ofSeconds(30), policy.baseDelay(Integer.MAX_VALUE), "no overflow far out");
        assertFalse(policy.givesUpAfter(Integer.MAX_VALUE));
    }

    @Test
    void equalJitterTakesOffUpToHalfTheBase() {
        ReconnectPolicy policy = ReconnectPolicy.defaults();
        assertEquals(Duration.ofMillis(1000), policy.delay(2, 0.0));
        assertEquals(Duration.ofMillis(750), policy.delay(2, 0.5));
        assertTrue(policy.delay(2, 0.999_999).compareTo(Duration.ofMillis(500)) > 0);
        // Draws outside [0, 1) are clamped rather than trusted.
        assertEquals(Duration.ofMillis(1000), policy.delay(2, -3.0));
        assertEquals(Duration.ofMillis(1000), policy.delay(2, Double.NaN));
        assertTrue(policy.delay(2, 7.0).compareTo(Duration.ofMillis(500)) > 0);
    }

    @Test
    void fullJitterMayTakeOffAllAndNoJitterNothing() {
        ReconnectPolicy full = ReconnectPolicy.defaults().withJitter(1.0);
        assertEquals(Duration.ofMillis(1000), full.delay(2, 0.0));
        assertTrue(full.delay(2, Math.nextDown(1.0)).compareTo(Duration.ofNanos(1)) <= 0);
        ReconnectPolicy none = ReconnectPolicy.defaults().withJitter(0.0);
        assertEquals(Duration.ofMillis(1000), none.delay(2, 0.77));
        assertEquals(Duration.ofMillis(1000), none.delay(2));
    }

    @Test
    void theRandomSourceIsInjectable() {
        double[] draws = {0.0, 0.5};
        int[] next = {0};
        ReconnectPolicy policy = ReconnectPolicy.defaults().withRandom(() -> draws[next[0]++ % draws.length]);
        assertEquals(Duration.ofMillis(500), policy.delay(1));
        assertEquals(Duration.ofMillis(375), policy.delay(1));
    }

    @Test
    void withersWorkInAnyOrderAndAnInitialDelayAboveTheCapIsTheCap() {
        ReconnectPolicy policy = ReconnectPolicy.defaults().withInitialDelay(Duration.ofMinutes(2))
                .withMultiplier(3.0).withMaxAttempts(4).withResetAfter(Duration.ZERO);
        assertEquals(millis(30000, 30000), bases(policy, 2));
        policy = policy.withMaxDelay(Duration.ofMinutes(10));
        assertEquals(millis(120_000, 360_000, 600_000), bases(policy, 3));
        assertEquals(4, policy.maxAttempts());
        assertEquals(Duration.ZERO, policy.resetAfter());
        assertEquals(policy, ReconnectPolicy.defaults().withMaxDelay(Duration.ofMinutes(10)).withMultiplier(3.0)
                .withResetAfter(Duration.ZERO).withMaxAttempts(4).withInitialDelay(Duration.ofMinutes(2)));
        assertNotEquals(policy, policy.withJitter(0.25));
        assertTrue(policy.toString().contains("maxAttempts=4"), policy.toString());
        assertTrue(ReconnectPolicy.defaults().toString().contains("maxAttempts=unlimited"));
    }

    @Test
    void aConstantDelayWithMultiplierOne() {
        ReconnectPolicy policy = ReconnectPolicy.defaults().withMultiplier(1.0).withInitialDelay(Duration.ofMillis(40));
        assertEquals(millis(40, 40, 40, 40), bases(policy, 4));
    }

    @Test
    void theAttemptLimitCountsFailuresInARow() {
        ReconnectPolicy once = ReconnectPolicy.defaults().withMaxAttempts(1);
        assertTrue(once.givesUpAfter(1), "1: one attempt, no retry");
        ReconnectPolicy three = ReconnectPolicy.defaults().withMaxAttempts(3);
        assertFalse(three.givesUpAfter(2));
        assertTrue(three.givesUpAfter(3));
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        ReconnectPolicy policy = ReconnectPolicy.defaults();
        assertThrows(IllegalArgumentException.class, () -> policy.withInitialDelay(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> policy.withInitialDelay(Duration.ofNanos(999_999)));
        assertThrows(IllegalArgumentException.class, () -> policy.withInitialDelay(Duration.ofMillis(-5)));
        assertThrows(IllegalArgumentException.class, () -> policy.withMaxDelay(Duration.ofDays(2)));
        assertThrows(NullPointerException.class, () -> policy.withMaxDelay(null));
        assertThrows(IllegalArgumentException.class, () -> policy.withMultiplier(0.99));
        assertThrows(IllegalArgumentException.class, () -> policy.withMultiplier(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> policy.withMultiplier(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> policy.withMultiplier(101));
        assertThrows(IllegalArgumentException.class, () -> policy.withJitter(-0.01));
        assertThrows(IllegalArgumentException.class, () -> policy.withJitter(1.01));
        assertThrows(IllegalArgumentException.class, () -> policy.withJitter(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> policy.withMaxAttempts(-1));
        assertThrows(IllegalArgumentException.class, () -> policy.withResetAfter(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> policy.withResetAfter(Duration.ofDays(1).plusNanos(1)));
        assertThrows(IllegalArgumentException.class, () -> policy.baseDelay(0));
        assertThrows(IllegalArgumentException.class, () -> policy.delay(-1));
    }

    // ---- properties over any valid policy ----

    @Provide
    Arbitrary<ReconnectPolicy> policies() {
        Arbitrary<Duration> delays = Arbitraries.longs().between(1, 86_400_000).map(Duration::ofMillis);
        Arbitrary<Double> multipliers = Arbitraries.oneOf(Arbitraries.just(1.0), Arbitraries.just(2.0),
                Arbitraries.doubles().between(1.0, ReconnectPolicy.MAX_MULTIPLIER));
        Arbitrary<Double> jitters = Arbitraries.oneOf(Arbitraries.of(0.0, 0.5, 1.0),
                Arbitraries.doubles().between(0.0, 1.0));
        return Combinators.combine(delays, multipliers, delays, jitters).as((initial, multiplier, max, jitter) ->
                ReconnectPolicy.defaults().withInitialDelay(initial).withMultiplier(multiplier).withMaxDelay(max)
                        .withJitter(jitter));
    }

    @Provide
    Arbitrary<Integer> retries() {
        return Arbitraries.oneOf(Arbitraries.integers().between(1, 80),
                Arbitraries.integers().between(1, Integer.MAX_VALUE));
    }

    @Property(tries = 2000)
    void noDelayIsLongerThanTheCapOrNegative(@ForAll("policies") ReconnectPolicy policy,
            @ForAll("retries") int retry, @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double draw) {
        Duration delay = policy.delay(retry, draw);
        assertTrue(delay.compareTo(policy.maxDelay()) <= 0, () -> delay + " over the cap of " + policy);
        assertFalse(delay.isNegative());
        assertTrue(policy.baseDelay(retry).compareTo(policy.maxDelay()) <= 0);
    }

    @Property(tries = 2000)
    void baseDelaysNeverShrinkAndStartAtTheInitialDelayOrTheCap(@ForAll("policies") ReconnectPolicy policy,
            @ForAll("retries") int retry) {
        Duration first = policy.initialDelay().compareTo(policy.maxDelay()) <= 0 ? policy.initialDelay()
                : policy.maxDelay();
        assertEquals(first, policy.baseDelay(1));
        if (retry < Integer.MAX_VALUE) {
            assertTrue(policy.baseDelay(retry).compareTo(policy.baseDelay(retry + 1)) <= 0,
                    () -> "retry " + retry + " of " + policy);
        }
    }

    @Property(tries = 500)
    void aWholeRunOfBaseDelaysIsMonotoneAndReachesTheCapWhenItGrows(@ForAll("policies") ReconnectPolicy policy) {
        List<Duration> bases = bases(policy, 200);
        for (int i = 1; i < bases.size(); i++) {
            assertTrue(bases.get(i - 1).compareTo(bases.get(i)) <= 0, () -> bases + " of " + policy);
        }
        if (policy.multiplier() >= 1.1) {
            assertEquals(policy.maxDelay(), bases.get(bases.size() - 1), "grows past any cap within 200 retries");
        }
    }

    @Property(tries = 2000)
    void jitterOnlyTakesOffItsShareOfTheBase(@ForAll("policies") ReconnectPolicy policy, @ForAll("retries") int retry,
            @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double draw) {
        long base = policy.baseDelay(retry).toNanos();
        long delay = policy.delay(retry, draw).toNanos();
        long floor = (long) Math.floor(base * (1.0 - policy.jitter()));
        assertTrue(delay <= base, () -> delay + " > base " + base);
        assertTrue(delay >= floor - 1, () -> delay + " < " + floor + " for jitter " + policy.jitter());
    }

    @Property(tries = 500)
    void theRealRandomDrawsStayInBoundsToo(@ForAll("policies") ReconnectPolicy policy,
            @ForAll @IntRange(min = 1, max = 64) int retry) {
        long base = policy.baseDelay(retry).toNanos();
        long delay = policy.delay(retry).toNanos();
        assertTrue(delay <= base && delay >= (long) Math.floor(base * (1.0 - policy.jitter())) - 1);
    }

    @Property(tries = 1000)
    void theAttemptLimitGivesUpExactlyAtTheLimit(@ForAll @IntRange(min = 0, max = 1000) int maxAttempts,
            @ForAll @IntRange(min = 0, max = 100_000) int failed) {
        ReconnectPolicy policy = ReconnectPolicy.defaults().withMaxAttempts(maxAttempts);
        assertEquals(maxAttempts != 0 && failed >= maxAttempts, policy.givesUpAfter(failed));
    }
}
