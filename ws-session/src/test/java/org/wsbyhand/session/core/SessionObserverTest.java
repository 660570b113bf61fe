package org.wsbyhand.session.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.core.SessionHarness.Options;

/**
 * The hook points of a session ({@link SessionObserver}): what they report, in which order with the
 * handler's callbacks, on which thread, and never holding the session lock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionObserverTest {
    /** "0123456789" as a server text frame: 2 bytes of header and 10 of payload. */
    private static final String TEN = "0123456789";
    private static final int FRAME = 12;
    private static final long BOUND = 64;

    /** Records each call into the handler's event list, with the thread and whether it held the lock. */
    private static final class Recorder implements SessionObserver {
        final List<String> threads = new CopyOnWriteArrayList<>();
        final List<SessionTotals> totals = new CopyOnWriteArrayList<>();
        private final SessionHarness h;

        Recorder(SessionHarness h) {
            this.h = h;
            h.outbound.observer(this);
            h.loop.observer(this);
        }

        private void heard(String what) {
            threads.add(Thread.currentThread().getName() + (h.lock.held() ? " holding the lock" : ""));
            h.handler.events.add(what);
        }

        @Override
        public void slowConsumer(long bound, long queuedBytes, OverflowPolicy policy) {
            heard("slow consumer " + bound + " " + queuedBytes + " " + policy);
        }

        @Override
        public void protocolViolation(Violation violation, CloseCode code) {
            heard("violation " + violation + " " + code.code());
        }

        @Override
        public void ended(CloseCode code, String reason, Connection.Ending ending, SessionTotals totals) {
            this.totals.add(totals);
            heard("ended " + code.code() + " " + reason + " " + ending);
        }
    }

    @Test
    void theEndIsReportedOnceWithTheSessionsOwnTotalsBeforeTheHandlerHearsIt() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo())) {
            Recorder recorder = new Recorder(h);
            h.start();
            h.transport.push(ClientFrames.text("hello"));         // 2 + 4 + 5 = 11 bytes in
            h.awaitFrames(1);                                      // 7 bytes out
            h.transport.push(ClientFrames.close(1000, "done"));   // 2 + 4 + 6 = 12 bytes in; its echo 4 out
            h.awaitEnd();
            assertEquals(List.of("open", "text hello", "ending", "ended 1000 done PEER_CLOSE", "close 1000"),
                    h.handler.events);
            assertEquals(List.of(new SessionTotals(1, 23, 1, 11, 7, Optional.empty())), recorder.totals);
            assertEquals(List.of("test-reader"), recorder.threads);
        }
    }

    @Test
    void aViolationIsReportedOnTheReaderBeforeTheHandlersError() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo())) {
            Recorder recorder = new Recorder(h);
            h.start();
            h.transport.push(unmasked("plain"));
            h.awaitEnd();
            assertEquals(List.of("open", "violation UNMASKED_CLIENT_FRAME 1002", "ending",
                    "ended 1002 client frame not masked FAILURE",
                    "error org.wsbyhand.protocol.ProtocolException", "close 1002"), h.handler.events);
            assertEquals(List.of("test-reader", "test-reader"), recorder.threads);
        }
    }

    @Test
    void aSlowConsumerIsReportedToTheSenderOnceTheLockIsReleased() throws Exception {
        try (SessionHarness h = new SessionHarness(new RecordingHandler(), Options.defaults().bound(BOUND,
                OverflowPolicy.CLOSE))) {
            Recorder recorder = new Recorder(h);
            h.start();
            h.transport.blockWrites();
            for (int i = 0; i < BOUND / FRAME; i++) {
                assertTrue(h.session.sendText(TEN));
            }
            assertFalse(h.session.sendText(TEN));
            assertEquals(List.of("open", "slow consumer 64 60 CLOSE"), h.handler.events);
            assertEquals(List.of(Thread.currentThread().getName()), recorder.threads);
        }
    }

    @Test
    void underDropOnlyTheFirstRefusalOfARunIsReportedUntilAMessageFitsAgain() throws Exception {
        try (SessionHarness h = new SessionHarness(new RecordingHandler(), Options.defaults().bound(BOUND,
                OverflowPolicy.DROP))) {
            new Recorder(h);
            h.start();
            h.transport.blockWrites();
            for (int i = 0; i < BOUND / FRAME; i++) {
                assertTrue(h.session.sendText(TEN));
            }
            assertFalse(h.session.sendText(TEN));
            assertFalse(h.session.sendText(TEN));
            h.transport.releaseWrites();
            assertTrue(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
            h.transport.blockWrites();
            for (int i = 0; i < BOUND / FRAME; i++) {
                assertTrue(h.session.sendText(TEN));
            }
            assertFalse(h.session.sendText(TEN));
            assertEquals(List.of("open", "slow consumer 64 60 DROP", "slow consumer 64 60 DROP"), h.handler.events);
        }
    }

    /** A client text frame without a mask, which a server must refuse (RFC 6455 5.1). */
    private static byte[] unmasked(String text) {
        byte[] payload = text.getBytes();
        byte[] frame = new byte[2 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 2, payload.length);
        return frame;
    }
}
