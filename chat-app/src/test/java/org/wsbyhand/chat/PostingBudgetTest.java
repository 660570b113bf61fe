package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.chat.PostingBudget.Verdict.ACCEPTED;
import static org.wsbyhand.chat.PostingBudget.Verdict.ADDRESS_LIMITED;
import static org.wsbyhand.chat.PostingBudget.Verdict.CONNECTION_LIMITED;
import static org.wsbyhand.chat.PostingBudget.Verdict.ROOM_LIMITED;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The three budgets together, on a clock the tests move by hand. */
class PostingBudgetTest {

    private final AtomicLong nanos = new AtomicLong(42_000_000_000L);

    private void advanceMillis(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private RateLimiter connection(int perSecond, int burst) {
        return new RateLimiter(perSecond, burst, nanos::get);
    }

    /** Address 2/s, 4 at once; room 10/s, 6 at once. */
    private PostingBudget budget() {
        return new PostingBudget(2, 4, 10, 6, 100, nanos::get);
    }

    @Nested
    class Accepting {
        @Test
        void aPostWithinEveryBudgetIsAccepted() {
            assertEquals(ACCEPTED, budget().tryAcquire(connection(5, 5), ip("10.0.0.1")));
        }

        @Test
        void anAcceptedPostTakesATokenFromEachBudget() {
            PostingBudget budget = budget();
            RateLimiter c = connection(1, 1);
            assertEquals(ACCEPTED, budget.tryAcquire(c, ip("10.0.0.1")));
            assertFalse(c.hasToken(), "the connection's token");
            for (int i = 0; i < 3; i++) {
                assertEquals(ACCEPTED, budget.tryAcquire(connection(5, 5), ip("10.0.0.1")));
            }
            assertEquals(ADDRESS_LIMITED, budget.tryAcquire(connection(5, 5), ip("10.0.0.1")), "4 from the address");
            assertEquals(ACCEPTED, budget.tryAcquire(connection(5, 5), ip("10.0.0.2")));
            assertEquals(ACCEPTED, budget.tryAcquire(connection(5, 5), ip("10.0.0.3")));
            assertEquals(ROOM_LIMITED, budget.tryAcquire(connection(5, 5), ip("10.0.0.4")), "6 from the room");
        }
    }

    @Nested
    class Refusing {
        @Test
        void aConnectionOverItsRateIsRefusedWithoutTouchingTheSharedBudgets() {
            PostingBudget budget = new PostingBudget(1, 1, 1, 1, 100, nanos::get);
            RateLimiter empty = connection(1, 1);
            empty.tryAcquire();
            assertEquals(CONNECTION_LIMITED, budget.tryAcquire(empty, ip("10.0.0.1")));
            assertEquals(0, budget.rememberedAddresses(), "the address table was not even looked at");
            assertEquals(ACCEPTED, budget.tryAcquire(connection(1, 1), ip("10.0.0.1")), "address and room untouched");
        }

        @Test
        void aPostRefusedByItsAddressTakesNothingFromTheConnectionOrTheRoom() {
            PostingBudget budget = new PostingBudget(1, 1, 1, 2, 100, nanos::get);
            assertEquals(ACCEPTED, budget.tryAcquire(connection(5, 5), ip("10.0.0.1")));
            RateLimiter c = connection(1, 1);
            assertEquals(ADDRESS_LIMITED, budget.tryAcquire(c, ip("10.0.0.1")));
            assertTrue(c.hasToken(), "the connection keeps its token");
            assertEquals(ACCEPTED, budget.tryAcquire(connection(1, 1), ip("10.0.0.2")), "the room kept its token");
        }

        @Test
        void aPostRefusedByTheRoomTakesNothingFromTheConnectionOrTheAddress() {
            PostingBudget budget = new PostingBudget(1, 1, 1, 1, 100, nanos::get);
            assertEquals(ACCEPTED, budget.tryAcquire(connection(5, 5), ip("10.0.0.1")));
            RateLimiter c = connection(1, 1);
            assertEquals(ROOM_LIMITED, budget.tryAcquire(c, ip("10.0.0.2")));
            assertTrue(c.hasToken());
            advanceMillis(1000);
            assertEquals(ACCEPTED, budget.tryAcquire(c, ip("10.0.0.2")), "10.0.0.2 kept its token too");
        }
    }

    @Nested
    class Refilling {
        @Test
        void theRoomRefillsAtItsRate() {
            PostingBudget budget = new PostingBudget(0, 1, 10, 1, 100, nanos::get);
            assertEquals(ACCEPTED, budget.tryAcquire(connection(100, 100), ip("10.0.0.1")));
            advanceMillis(99);
            assertEquals(ROOM_LIMITED, budget.tryAcquire(connection(100, 100), ip("10.0.0.2")));
            advanceMillis(1);
            assertEquals(ACCEPTED, budget.tryAcquire(connection(100, 100), ip("10.0.0.3")));
        }

        @Test
        void anAddressRefillsAtItsRate() {
            PostingBudget budget = new PostingBudget(2, 1, 100, 100, 100, nanos::get);
            assertEquals(ACCEPTED, budget.tryAcquire(connection(100, 100), ip("10.0.0.1")));
            advanceMillis(499);
            assertEquals(ADDRESS_LIMITED, budget.tryAcquire(connection(100, 100), ip("10.0.0.1")));
            advanceMillis(1);
            assertEquals(ACCEPTED, budget.tryAcquire(connection(100, 100), ip("10.0.0.1")));
        }
    }

    @Nested
    class AddressBudgetOff {
        @Test
        void anAddressRateOfZeroLeavesOnlyTheConnectionAndTheRoom() {
            PostingBudget budget = new PostingBudget(0, 1, 100, 50, 100, nanos::get);
            int accepted = 0;
            for (int c = 0; c < 20; c++) {
                RateLimiter connection = connection(5, 5);
                for (int i = 0; i < 5; i++) {
                    if (budget.tryAcquire(connection, ip("10.0.0.1")) == ACCEPTED) {
                        accepted++;
                    }
                }
            }
            assertEquals(50, accepted, "one address, the whole room's burst");
            assertEquals(0, budget.rememberedAddresses());
        }

        @Test
        void aNegativeAddressRateIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new PostingBudget(-1, 1, 1, 1, 1, nanos::get));
        }
    }

    @Test
    void postsFromManyThreadsAtOnceNeverTakeMoreThanTheRoomsBurst() throws Exception {
        PostingBudget budget = new PostingBudget(1000, 1000, 1, 300, 1000, nanos::get); // the clock stands still
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                InetAddress from = ip("10.0.0." + (t + 1));
                results.add(pool.submit(() -> {
                    int accepted = 0;
                    for (int i = 0; i < 100; i++) {
                        if (budget.tryAcquire(connection(1000, 1000), from) == ACCEPTED) {
                            accepted++;
                        }
                    }
                    return accepted;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertEquals(300, total);
        }
    }
}
