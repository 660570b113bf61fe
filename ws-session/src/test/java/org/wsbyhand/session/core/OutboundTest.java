package org.wsbyhand.session.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.SlowConsumerException;
import org.wsbyhand.session.core.SessionHarness.Options;

/**
 * The outbound side under a peer that does not read (writes block) or resets (writes throw): the
 * bound, the overflow policies, the unsent byte count and waiting for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboundTest {
    /** "0123456789" as a server text frame: 2 bytes of header and 10 of payload. */
    private static final String TEN = "0123456789";
    private static final int FRAME = 12;
    private static final long BOUND = 64;

    private static SessionHarness blocked(OverflowPolicy policy) {
        SessionHarness h = new SessionHarness(new RecordingHandler(), Options.defaults().bound(BOUND, policy)).start();
        h.transport.blockWrites();
        return h;
    }

    /** Sends frames of 12 bytes from the test thread (not the reader) up to the bound: 5 of them. */
    private static void fill(SessionHarness h) {
        for (int i = 0; i < BOUND / FRAME; i++) {
            assertTrue(h.session.sendText(TEN), "frame " + i + " fits the bound");
        }
        assertEquals(5 * FRAME, h.queuedBytes());
    }

    @Test
    void overTheBoundUnderCloseTheSendIsRefusedAndTheSessionClosesWith1008() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.CLOSE)) {
            fill(h);
            assertFalse(h.session.sendText(TEN), "72 bytes would be over the bound of 64");
            assertFalse(h.session.isOpen());
            assertFalse(h.session.sendText("x"), "a closing session takes nothing more");
            assertEquals(1, h.counters.slowConsumers.sum());
            assertEquals(0, h.counters.messagesDropped.sum());
            assertInstanceOf(SlowConsumerException.class, h.termination.cause().orElseThrow());

            h.transport.releaseWrites();
            List<ServerFrames.Frame> frames = h.awaitFrames(6);
            assertEquals(List.of("text " + TEN, "text " + TEN, "text " + TEN, "text " + TEN, "text " + TEN),
                    ServerFrames.describe(frames.subList(0, 5)), "what was accepted is written");
            assertEquals(1008, frames.get(5).closeCode());
            assertTrue(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
            h.transport.push(ClientFrames.close(1008, ""));
            h.awaitEnd();
            assertEquals(List.of("open", "ending", "error " + SlowConsumerException.class.getName(), "close 1008"),
                    h.handler.events);
            assertEquals(6, frames.size());
        }
    }

    @Test
    void overTheBoundUnderDropTheSendIsRefusedAndCountedAndTheSessionStaysOpen() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.DROP)) {
            fill(h);
            for (int i = 0; i < 3; i++) {
                assertFalse(h.session.sendText(TEN));
            }
            assertEquals(3, h.counters.messagesDropped.sum());
            assertTrue(h.session.isOpen());
            assertEquals(0, h.counters.slowConsumers.sum());
            assertTrue(h.termination.cause().isEmpty());
            assertEquals(5 * FRAME, h.queuedBytes(), "a dropped message queues nothing");

            h.transport.releaseWrites();
            assertTrue(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
            assertTrue(h.session.sendText("after"), "room again once the peer reads");
            List<ServerFrames.Frame> frames = h.awaitFrames(6);
            assertEquals("after", frames.get(5).text());
            assertEquals(6, h.transport.frames().size());
            assertEquals(3, h.counters.messagesDropped.sum());
            assertEquals(6, h.counters.messagesOut.sum());
        }
    }

    @Test
    void droppedPingsAreNotCountedAsDroppedMessages() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.DROP)) {
            fill(h);
            assertFalse(h.session.sendPing(new byte[8]));
            assertTrue(h.session.isOpen());
            assertEquals(0, h.counters.messagesDropped.sum(),
                    "messagesDropped counts data messages (SessionCounters), a ping is none");
        }
    }

    @Test
    void aFrameLargerThanTheBoundIsAnError() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.DROP)) {
            assertThrows(IllegalArgumentException.class, () -> h.session.sendText("x".repeat((int) BOUND)));
            assertTrue(h.session.isOpen());
            assertEquals(0, h.queuedBytes());
        }
    }

    @Test
    void queuedBytesCountsWhatWaitsAndWhatIsBeingWritten() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.CLOSE)) {
            assertEquals(0, h.queuedBytes());
            assertTrue(h.session.sendText(TEN));
            Await.until(() -> h.transport.writesStarted.get() == 1, "the writer is blocked in its write");
            assertEquals(FRAME, h.queuedBytes(), "the frame being written is still unsent");
            assertTrue(h.session.sendText(TEN));
            assertEquals(2 * FRAME, h.queuedBytes());
            assertEquals(2 * FRAME, h.session.outboundHighWater());

            h.transport.releaseWrites();
            Await.until(() -> h.queuedBytes() == 0, () -> "queued bytes back to 0, now " + h.queuedBytes());
            assertEquals(2, h.awaitFrames(2).size());
            assertEquals(2 * FRAME, h.session.outboundHighWater(), "the high water mark stays");
            assertEquals(2L * FRAME, h.counters.bytesOut.sum());
        }
    }

    @Test
    void awaitQueuedAtMostTimesOutWhileTheWriteIsBlockedAndReturnsOnceItIsReleased() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.CLOSE)) {
            assertTrue(h.session.sendText(TEN));
            Await.until(() -> h.transport.writesStarted.get() == 1, "the writer is blocked in its write");
            assertFalse(h.session.awaitQueuedBytesAtMost(0, Duration.ZERO));
            assertFalse(h.session.awaitQueuedBytesAtMost(0, Duration.ofMillis(100)));
            assertTrue(h.session.awaitQueuedBytesAtMost(FRAME, Duration.ZERO), "12 bytes are at most 12");

            CompletableFuture<Boolean> waited = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    waited.complete(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
                } catch (Throwable t) {
                    waited.completeExceptionally(t);
                }
            });
            Await.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter waits");
            assertFalse(waited.isDone());
            h.transport.releaseWrites();
            assertTrue(waited.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, h.queuedBytes());
            assertEquals(List.of("text " + TEN), ServerFrames.describe(h.transport.frames()));
        }
    }

    /**
     * Session's contract: {@code awaitQueuedBytesAtMost} returns false "when the connection failed
     * with bytes unsent". The frame whose write failed was never written.
     */
    @Test
    void awaitQueuedAtMostIsFalseWhenTheWriteFailed() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.CLOSE)) {
            assertTrue(h.session.sendText(TEN));
            Await.until(() -> h.transport.writesStarted.get() == 1, "the writer is blocked in its write");
            CompletableFuture<Boolean> waited = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    waited.complete(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
                } catch (Throwable t) {
                    waited.completeExceptionally(t);
                }
            });
            Await.until(() -> waiter.getState() == Thread.State.TIMED_WAITING, "the waiter waits");
            h.transport.failWrites(new IOException("connection reset"));
            h.transport.releaseWrites();
            assertFalse(waited.get(Await.LIMIT.toSeconds(), TimeUnit.SECONDS), "a waiter hears of the failure");
            Await.until(h.transport::aborted, "the failed write drops the transport");
            assertFalse(h.session.awaitQueuedBytesAtMost(0, Duration.ofMillis(100)),
                    "the frame was never written");
            h.awaitEnd();
            assertFalse(h.session.awaitQueuedBytesAtMost(0, Duration.ofMillis(100)));
        }
    }

    @Test
    void aWriteFailureDropsTheTransportAndEndsTheSession() throws Exception {
        try (SessionHarness h = new SessionHarness(new RecordingHandler()).start()) {
            h.transport.failWrites(new IOException("connection reset"));
            assertTrue(h.session.sendText(TEN), "queued: the failure is only found by the writer");
            h.awaitEnd();
            assertTrue(h.transport.aborted());
            assertEquals(List.of(), h.transport.finishes);
            assertEquals(CloseCode.ABNORMAL_CLOSURE, h.handler.closeCode.get());
            assertInstanceOf(EOFException.class, h.handler.error.get());
            assertFalse(h.session.sendText(TEN));
            assertEquals(1, h.handler.closes.get());
        }
    }

    /**
     * A session that sits at its bound (normal under DROP: a slow but live reader) must still be able
     * to close: its own close frame may take it over the bound, and that is no reason to drop the
     * transport without sending it.
     */
    @Test
    void aSessionAtItsBoundClosesWithItsCloseFrameInsteadOfBeingDropped() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.DROP)) {
            fill(h);
            h.session.close(CloseCode.GOING_AWAY, "shutting down");
            assertFalse(h.transport.aborted(), "dropped instead of closed: the close frame took it over the bound");
            h.transport.releaseWrites();
            List<ServerFrames.Frame> frames = h.awaitFrames(6);
            assertEquals("close 1001 shutting down", frames.get(5).describe());
            h.transport.push(ClientFrames.close(1001, ""));
            h.awaitEnd();
            assertEquals(List.of("open", "ending", "close 1001"), h.handler.events);
            assertEquals(List.of(Connection.TransportAction.CLOSE), h.transport.finishes);
        }
    }

    /**
     * A slow consumer closed with 1008 that still sends (it has not read our close yet) is not
     * dropped for that alone: the 1008 goes out once it reads.
     */
    @Test
    void aSlowConsumerThatKeepsTalkingStillGetsIts1008() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.CLOSE)) {
            fill(h);
            assertFalse(h.session.sendText(TEN));
            h.feedAndWait(ClientFrames.text("still talking"));
            assertFalse(h.transport.aborted(), "a message from the peer is no reason to drop it");
            h.transport.releaseWrites();
            assertEquals(1008, h.awaitFrames(6).get(5).closeCode());
            h.transport.push(ClientFrames.close(1008, ""));
            h.awaitEnd();
            assertEquals(CloseCode.POLICY_VIOLATION, h.handler.closeCode.get());
            assertInstanceOf(SlowConsumerException.class, h.handler.error.get());
        }
    }

    /** After our close, a peer that makes us queue pongs without reading is dropped. */
    @Test
    void aPeerThatPingsAfterOurCloseWithoutReadingIsDropped() throws Exception {
        try (SessionHarness h = blocked(OverflowPolicy.CLOSE)) {
            fill(h);
            assertFalse(h.session.sendText(TEN));
            byte[] ping = ClientFrames.ping(new byte[100]);
            for (int i = 0; i < 20 && !h.transport.aborted(); i++) {
                h.feedAndWait(ping);
            }
            assertTrue(h.transport.aborted(), "20 pongs of 102 bytes queued without reading");
            h.awaitEnd();
            assertInstanceOf(SlowConsumerException.class, h.handler.error.get());
            assertEquals(1, h.handler.closes.get());
        }
    }
}
