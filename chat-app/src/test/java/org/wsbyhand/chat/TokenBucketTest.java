package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bucket under every budget; times are passed in, so nothing here reads a clock. */
class TokenBucketTest {

    private static final long T0 = 5_000_000_000L;

    private static long millis(long ms) {
        return T0 + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Nested
    class CheckingAndTaking {
        @Test
        void checkingTakesNothing() {
            TokenBucket bucket = new TokenBucket(1, 1, T0);
            assertTrue(bucket.hasToken(T0));
            assertTrue(bucket.hasToken(T0));
            bucket.take();
            assertFalse(bucket.hasToken(T0));
        }

        @Test
        void takingFromAnEmptyBucketIsAMistake() {
            TokenBucket bucket = new TokenBucket(1, 1, T0);
            bucket.take();
            assertThrows(IllegalStateException.class, bucket::take);
        }

        @Test
        void aClockGoingBackwardsAddsNothing() {
            TokenBucket bucket = new TokenBucket(10, 1, T0);
            bucket.take();
            assertFalse(bucket.hasToken(T0 - 1_000_000_000L));
            assertTrue(bucket.hasToken(millis(100)));
        }
    }

    @Nested
    class Fullness {
        @Test
        void aNewBucketIsFull() {
            assertTrue(new TokenBucket(5, 3, T0).isFull(T0));
        }

        @Test
        void aBucketIsFullAgainOnceItRefilledItsBurst() {
            TokenBucket bucket = new TokenBucket(10, 3, T0);
            bucket.take();
            bucket.take();
            assertFalse(bucket.isFull(millis(199)));
            assertTrue(bucket.isFull(millis(200)));
        }
    }

    @Test
    void rateOrBurstBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, T0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, T0));
    }
}
