package org.wsbyhand.session.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.wsbyhand.session.core.SessionClock.Due;

/** The deadlines alone, with a clock the test moves: no thread, no sleep. */
class SessionClockTest {
    private static final long START = 5_000_000_000L;
    private static final long PING = Duration.ofSeconds(10).toNanos();
    private static final long PONG = Duration.ofSeconds(3).toNanos();
    private static final long IDLE = Duration.ofSeconds(60).toNanos();
    private static final long CLOSE = Duration.ofSeconds(2).toNanos();

    private final AtomicLong time = new AtomicLong(START);

    private SessionClock clock(long ping, long pong, long idle, long close) {
        return new SessionClock(time::get, new SessionClock.Timeouts(Duration.ofNanos(ping), Duration.ofNanos(pong),
                Duration.ofNanos(idle), Duration.ofNanos(close)));
    }

    private SessionClock pingOnly() {
        return clock(PING, PONG, 0, CLOSE);
    }

    @Test
    void pingIsDueAfterTheIntervalOfSilenceAndNotBefore() {
        SessionClock clock = pingOnly();
        assertEquals(Due.NOTHING, clock.check(START, false));
        assertEquals(Due.NOTHING, clock.check(START + PING - 1, false));
        assertEquals(Due.PING, clock.check(START + PING, false));
    }

    @Test
    void theClockStartsWhenItIsMadeAsIfSomethingWasRead() {
        time.set(START + 7 * PING);
        SessionClock clock = pingOnly();
        assertEquals(Due.NOTHING, clock.check(time.get() + PING - 1, false));
        assertEquals(Due.PING, clock.check(time.get() + PING, false));
    }

    @Test
    void aReadPostponesThePing() {
        SessionClock clock = pingOnly();
        long read = START + PING / 2;
        clock.read(read);
        assertEquals(Due.NOTHING, clock.check(START + PING, false), "the interval runs from the last read");
        assertEquals(Due.NOTHING, clock.check(read + PING - 1, false));
        assertEquals(Due.PING, clock.check(read + PING, false));
    }

    @Test
    void anUnansweredPingIsDueAfterThePongTimeoutWithoutReads() {
        SessionClock clock = pingOnly();
        long pingAt = START + PING;
        assertEquals(Due.PING, clock.check(pingAt, false));
        assertFalse(clock.peerUnresponsive());
        assertEquals(Due.NOTHING, clock.check(pingAt + PONG - 1, false), "no second ping while one is outstanding");
        assertEquals(Due.PING_UNANSWERED, clock.check(pingAt + PONG, false));
        assertTrue(clock.peerUnresponsive());
    }

    @Test
    void aReadAfterThePingAnswersIt() {
        SessionClock clock = pingOnly();
        long pingAt = START + PING;
        assertEquals(Due.PING, clock.check(pingAt, false));
        clock.read(pingAt + 1);
        assertEquals(Due.NOTHING, clock.check(pingAt + PONG, false));
        assertEquals(Due.NOTHING, clock.check(pingAt + PONG * 2, false));
        assertFalse(clock.peerUnresponsive());
        // The next ping comes an interval after that read.
        assertEquals(Due.NOTHING, clock.check(pingAt + 1 + PING - 1, false));
        assertEquals(Due.PING, clock.check(pingAt + 1 + PING, false));
    }

    @Test
    void aReadBeforeThePingDoesNotAnswerIt() {
        SessionClock clock = pingOnly();
        long readAt = START + 1;
        clock.read(readAt);
        long pingAt = readAt + PING;
        assertEquals(Due.PING, clock.check(pingAt, false));
        assertEquals(Due.PING_UNANSWERED, clock.check(pingAt + PONG, false));
    }

    @Test
    void pingPayloadNumbersThePings() {
        SessionClock clock = pingOnly();
        long t = START + PING;
        assertEquals(Due.PING, clock.check(t, false));
        assertArrayEquals(ByteBuffer.allocate(8).putLong(1).array(), clock.pingPayload());
        clock.read(t + 1);
        assertEquals(Due.PING, clock.check(t + 1 + PING, false));
        assertArrayEquals(ByteBuffer.allocate(8).putLong(2).array(), clock.pingPayload());
        assertEquals(8, clock.pingPayload().length);
    }

    @Test
    void idleIsDueAfterTheIdleTimeoutWithoutReads() {
        SessionClock clock = clock(0, 0, IDLE, CLOSE);
        assertEquals(Due.NOTHING, clock.check(START + IDLE - 1, false));
        assertEquals(Due.IDLE, clock.check(START + IDLE, false));
        clock.read(START + IDLE);
        assertEquals(Due.NOTHING, clock.check(START + 2 * IDLE - 1, false), "a read restarts the idle timeout");
        assertEquals(Due.IDLE, clock.check(START + 2 * IDLE, false));
    }

    @Test
    void idleComesBeforeAPingThatIsDueAtTheSameTime() {
        SessionClock clock = clock(IDLE, PONG, IDLE, CLOSE);
        assertEquals(Due.IDLE, clock.check(START + IDLE, false));
    }

    @Test
    void zeroTurnsPingAndIdleOff() {
        SessionClock clock = clock(0, 0, 0, CLOSE);
        assertEquals(Due.NOTHING, clock.check(START + Duration.ofDays(365).toNanos(), false));
        assertEquals(Due.NOTHING, clock.check(START + Duration.ofDays(365).toNanos(), true));
        assertFalse(clock.peerUnresponsive());
    }

    @Test
    void onceTheCloseIsQueuedOnlyTheCloseDeadlineCounts() {
        SessionClock clock = clock(PING, PONG, PING, CLOSE * 10);
        assertFalse(clock.closeArmed());
        long queuedAt = START + PING / 2;
        time.set(queuedAt);
        clock.closeQueued();
        assertTrue(clock.closeArmed());
        long deadline = queuedAt + CLOSE * 10;
        // Ping and idle would both be due here; neither is, once closing.
        assertEquals(Due.NOTHING, clock.check(START + PING, false));
        assertEquals(Due.NOTHING, clock.check(START + PING, true));
        assertEquals(Due.NOTHING, clock.check(deadline - 1, true));
        assertFalse(clock.peerUnresponsive());
        assertEquals(Due.CLOSE_TIMEOUT, clock.check(deadline, false));
        assertTrue(clock.peerUnresponsive());
    }

    @Test
    void closeTimeoutIsDueExactlyAtTheDeadline() {
        SessionClock clock = pingOnly();
        clock.closeQueued();
        assertEquals(Due.NOTHING, clock.check(START + CLOSE - 1, false));
        assertEquals(Due.CLOSE_TIMEOUT, clock.check(START + CLOSE, false));
    }

    @Test
    void onlyTheFirstCloseQueuedArmsTheDeadline() {
        SessionClock clock = pingOnly();
        clock.closeQueued();
        time.set(START + CLOSE - 1);
        clock.closeQueued(); // a second close frame (the echo) does not push the deadline back
        assertEquals(Due.CLOSE_TIMEOUT, clock.check(START + CLOSE, false));
    }

    @Test
    void anUnresponsivePeerIsDroppedOnceOurCloseIsWritten() {
        SessionClock clock = pingOnly();
        long pingAt = START + PING;
        assertEquals(Due.PING, clock.check(pingAt, false));
        long unanswered = pingAt + PONG;
        assertEquals(Due.PING_UNANSWERED, clock.check(unanswered, false));
        time.set(unanswered);
        clock.closeQueued();
        assertEquals(Due.NOTHING, clock.check(unanswered, false), "our close frame is not written yet");
        assertEquals(Due.DROP_UNRESPONSIVE, clock.check(unanswered, true));
    }

    @Test
    void aResponsivePeerGetsTheCloseTimeoutEvenWhenDrained() {
        SessionClock clock = pingOnly();
        clock.closeQueued();
        assertEquals(Due.NOTHING, clock.check(START + CLOSE - 1, true));
        assertEquals(Due.CLOSE_TIMEOUT, clock.check(START + CLOSE, true));
        // After the close timeout the peer counts as unresponsive.
        assertEquals(Due.DROP_UNRESPONSIVE, clock.check(START + CLOSE + 1, true));
    }

    @Test
    void deadlinesSurviveNanoTimeWrapping() {
        time.set(Long.MAX_VALUE - PING / 2);
        SessionClock clock = pingOnly();
        long wrapped = time.get() + PING; // overflows to a negative number
        assertTrue(wrapped < 0);
        assertEquals(Due.NOTHING, clock.check(wrapped - 1, false));
        assertEquals(Due.PING, clock.check(wrapped, false));
        time.set(wrapped);
        clock.closeQueued();
        assertEquals(Due.NOTHING, clock.check(wrapped + CLOSE - 1, false));
        assertEquals(Due.CLOSE_TIMEOUT, clock.check(wrapped + CLOSE, false));
    }
}
