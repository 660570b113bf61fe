package org.wsbyhand.session.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.CloseCode;

class TerminationTest {

    @Test
    void theFirstCauseWins() {
        Termination termination = new Termination();
        IllegalStateException first = new IllegalStateException("first");
        assertTrue(termination.fail(first));
        assertFalse(termination.fail(new IllegalStateException("second")));
        assertSame(first, termination.cause().orElseThrow());
    }

    @Test
    void exactlyOneOfManyRacingThreadsWins() throws Exception {
        int threads = 8;
        for (int round = 0; round < 200; round++) {
            Termination termination = new Termination();
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger winners = new AtomicInteger();
            AtomicReference<Throwable> winner = new AtomicReference<>();
            List<Thread> started = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Exception cause = new Exception("thread " + i);
                started.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (termination.fail(cause)) {
                        winners.incrementAndGet();
                        winner.set(cause);
                    }
                }));
            }
            go.countDown();
            for (Thread thread : started) {
                assertTrue(thread.join(java.time.Duration.ofSeconds(10)), "racing thread finished");
            }
            assertEquals(1, winners.get(), "round " + round);
            assertSame(winner.get(), termination.cause().orElseThrow(), "the winner's cause is the one kept");
        }
    }

    @Test
    void abnormalClosureWithoutCauseIsAnEofException() {
        Termination termination = new Termination();
        Termination.End end = termination.end(CloseCode.ABNORMAL_CLOSURE, "");
        assertEquals(CloseCode.ABNORMAL_CLOSURE, end.code());
        assertInstanceOf(EOFException.class, end.error().orElseThrow());
        assertSame(end.error().get(), termination.cause().orElseThrow(), "the EOF becomes the cause");
        assertSame(end.error().get(), termination.end(CloseCode.ABNORMAL_CLOSURE, "").error().orElseThrow(),
                "asking again gives the same error");
    }

    @Test
    void cleanCloseWithoutCauseHasNoError() {
        for (CloseCode code : List.of(CloseCode.NORMAL_CLOSURE, CloseCode.GOING_AWAY, CloseCode.NO_STATUS_RECEIVED,
                CloseCode.PROTOCOL_ERROR)) {
            Termination termination = new Termination();
            Termination.End end = termination.end(code, "reason");
            assertEquals(Optional.empty(), end.error(), code.toString());
            assertEquals(code, end.code());
            assertEquals("reason", end.reason());
            assertTrue(termination.cause().isEmpty());
        }
    }

    @Test
    void theCauseIsKeptWhateverTheCode() {
        Termination termination = new Termination();
        RuntimeException cause = new RuntimeException("handler");
        termination.fail(cause);
        assertSame(cause, termination.end(CloseCode.NORMAL_CLOSURE, "").error().orElseThrow());
        assertSame(cause, termination.end(CloseCode.ABNORMAL_CLOSURE, "").error().orElseThrow(),
                "1006 does not replace a cause with an EOFException");
    }

    @Test
    void transportGoneIsAFlagApartFromTheCause() {
        Termination termination = new Termination();
        assertFalse(termination.isTransportGone());
        termination.transportGone();
        assertTrue(termination.isTransportGone());
        assertTrue(termination.cause().isEmpty());
    }

    @Test
    void aCauseRecordedAfterTheEofDoesNotReplaceIt() {
        Termination termination = new Termination();
        Throwable eof = termination.end(CloseCode.ABNORMAL_CLOSURE, "").error().orElseThrow();
        assertFalse(termination.fail(new RuntimeException("late")));
        assertSame(eof, termination.cause().orElseThrow());
    }
}
