package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The fan-out thread; every wait is for a condition, with a timeout. */
class FanOutThreadTest {

    private static final long WAIT_SECONDS = 30;

    @Nested
    class Order {
        @Test
        void tasksRunOneAtATimeInTheOrderTheyWereHandedOver() throws Exception {
            List<Integer> ran = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            try (FanOutThread fanOut = new FanOutThread("test-fanout", 16)) {
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    fanOut.execute(() -> ran.add(n));
                }
                fanOut.execute(done::countDown);
                assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), ran);
        }

        @Test
        void aTaskThatThrowsDoesNotStopTheNextOnes() throws Exception {
            CountDownLatch after = new CountDownLatch(1);
            try (FanOutThread fanOut = new FanOutThread("test-fanout", 4)) {
                fanOut.execute(() -> {
                    throw new IllegalStateException("a broken fan-out (expected in this test)");
                });
                fanOut.execute(after::countDown);
                assertTrue(after.await(WAIT_SECONDS, TimeUnit.SECONDS));
            }
        }
    }

    @Nested
    class Bound {
        @Test
        void handingOverWaitsWhileTheQueueIsFull() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            try (FanOutThread fanOut = new FanOutThread("test-fanout", 1)) {
                fanOut.execute(() -> {
                    running.countDown();
                    awaitQuietly(release);
                });
                assertTrue(running.await(WAIT_SECONDS, TimeUnit.SECONDS));
                fanOut.execute(() -> { }); // fills the queue
                CompletableFuture<Void> third = CompletableFuture.runAsync(() -> fanOut.execute(() -> { }));
                // It cannot finish while the first task runs and the second waits.
                assertFalse(third.isDone());
                assertEquals(1, fanOut.pending());
                release.countDown();
                third.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }

        @Test
        void afterCloseTasksAreDropped() throws Exception {
            FanOutThread fanOut = new FanOutThread("test-fanout", 1);
            fanOut.close();
            List<String> ran = new CopyOnWriteArrayList<>();
            fanOut.execute(() -> ran.add("late")); // returns at once, even though nothing takes it
            fanOut.execute(() -> ran.add("later"));
            assertEquals(List.of(), ran);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
