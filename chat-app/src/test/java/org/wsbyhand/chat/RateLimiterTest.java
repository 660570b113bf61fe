package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong nanos = new AtomicLong(123_456_789L);

    private void advanceMillis(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Nested
    class Bursts {
        @Test
        void aFullBucketAllowsBurstMessagesAtOnce() {
            RateLimiter limiter = new RateLimiter(5, 5, nanos::get);
            for (int i = 0; i < 5; i++) {
                assertTrue(limiter.tryAcquire(), "message " + i);
            }
        }

        @Test
        void theMessageAfterTheBurstIsRefused() {
            RateLimiter limiter = new RateLimiter(5, 5, nanos::get);
            for (int i = 0; i < 5; i++) {
                limiter.tryAcquire();
            }
            assertFalse(limiter.tryAcquire());
        }
    }

    @Nested
    class Refill {
        @Test
        void oneTokenComesBackAfterOneOverRateSeconds() {
            RateLimiter limiter = new RateLimiter(5, 1, nanos::get);
            assertTrue(limiter.tryAcquire());
            advanceMillis(199);
            assertFalse(limiter.tryAcquire());
            advanceMillis(1);
            assertTrue(limiter.tryAcquire());
        }

        @Test
        void tokensNeverExceedTheBurstAfterALongPause() {
            RateLimiter limiter = new RateLimiter(5, 2, nanos::get);
            advanceMillis(60_000);
            assertTrue(limiter.tryAcquire());
            assertTrue(limiter.tryAcquire());
            assertFalse(limiter.tryAcquire());
        }

        @Test
        void aRefusedMessageTakesNoToken() {
            RateLimiter limiter = new RateLimiter(10, 1, nanos::get);
            assertTrue(limiter.tryAcquire());
            assertFalse(limiter.tryAcquire());
            assertFalse(limiter.tryAcquire());
            advanceMillis(100);
            assertTrue(limiter.tryAcquire());
        }

        @Test
        void aSteadySenderAtTheRateIsNeverRefused() {
            RateLimiter limiter = new RateLimiter(5, 1, nanos::get);
            for (int i = 0; i < 100; i++) {
                assertTrue(limiter.tryAcquire(), "message " + i);
                advanceMillis(200);
            }
        }

        @Test
        void aClockNearOverflowStillRefills() {
            nanos.set(Long.MAX_VALUE - 50_000_000L);
            RateLimiter limiter = new RateLimiter(10, 1, nanos::get);
            assertTrue(limiter.tryAcquire());
            advanceMillis(100); // wraps past Long.MAX_VALUE
            assertTrue(limiter.tryAcquire());
        }
    }

    @Test
    void rateOrBurstBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 5, nanos::get));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(5, 0, nanos::get));
    }
}
