package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The turns of readers that never wait: one less than the carriers, handed out in order. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BusyReadersTest {

    @Test
    void withThreeCarriersTwoBusyReadersGoOnAndAThirdWaitsForATurn() throws Exception {
        BusyReaders readers = new BusyReaders(3);
        BusyReaders.Turn first = readers.turn();
        BusyReaders.Turn second = readers.turn();
        first.nextSlice();
        second.nextSlice();
        CountDownLatch thirdGoesOn = new CountDownLatch(1);
        Thread third = Thread.ofVirtual().start(() -> {
            readers.turn().nextSlice();
            thirdGoesOn.countDown();
        });
        while (!readers.hasWaiters()) {
            Thread.sleep(1);
        }
        assertFalse(thirdGoesOn.await(50, TimeUnit.MILLISECONDS), "no turn is free");
        first.leave();
        assertTrue(thirdGoesOn.await(10, TimeUnit.SECONDS), "the turn first gave back went to the third");
        third.join();
    }

    @Test
    void aReaderThatTakesItsNextSliceQueuesBehindTheReadersAlreadyWaiting() throws Exception {
        BusyReaders readers = new BusyReaders(2); // one turn
        BusyReaders.Turn hog = readers.turn();
        hog.nextSlice();
        CountDownLatch waiterGoesOn = new CountDownLatch(1);
        BusyReaders.Turn waiter = readers.turn();
        Thread other = Thread.ofVirtual().start(() -> {
            waiter.nextSlice();
            waiterGoesOn.countDown();
        });
        while (!readers.hasWaiters()) {
            Thread.sleep(1);
        }
        CountDownLatch hogGoesOn = new CountDownLatch(1);
        Thread again = Thread.ofVirtual().start(() -> {
            hog.nextSlice(); // gives its turn back, then waits behind the waiter
            hogGoesOn.countDown();
        });
        assertTrue(waiterGoesOn.await(10, TimeUnit.SECONDS), "the waiter got the turn first");
        assertFalse(hogGoesOn.await(50, TimeUnit.MILLISECONDS), "the hog waits until the waiter leaves");
        waiter.leave();
        assertTrue(hogGoesOn.await(10, TimeUnit.SECONDS));
        other.join();
        again.join();
    }

    @Test
    void leavingWithoutATurnChangesNothingAndATurnIsGivenBackOnce() {
        BusyReaders readers = new BusyReaders(2);
        BusyReaders.Turn turn = readers.turn();
        turn.leave();
        assertEquals(0, readers.held());
        turn.nextSlice();
        assertEquals(1, readers.held());
        turn.leave();
        turn.leave();
        assertEquals(0, readers.held());
    }
}
