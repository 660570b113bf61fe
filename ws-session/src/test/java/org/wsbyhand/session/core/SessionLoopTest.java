package org.wsbyhand.session.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbyhand.session.core.ClientFrames.concat;
import static org.wsbyhand.session.core.ClientFrames.text;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.session.core.SessionHarness.Options;

/**
 * The read loop over an in-memory transport, with a real server {@link Connection}: what goes out on
 * the wire and in which order, what the handler hears, and how the session ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionLoopTest {

    private static List<String> wire(SessionHarness h) {
        return ServerFrames.describe(h.transport.frames());
    }

    @Test
    void echoesATextMessageAndEndsCleanlyOnThePeersClose() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            h.transport.push(text("hello"));
            List<ServerFrames.Frame> frames = h.awaitFrames(1);
            assertEquals(List.of("text hello"), ServerFrames.describe(frames));
            assertTrue(frames.get(0).fin());
            assertEquals(0, frames.get(0).rsv());

            h.transport.push(ClientFrames.close(1000, "done"));
            assertEquals(SessionLoop.Outcome.ENDED, h.awaitEnd());
            assertEquals(List.of("text hello", "close 1000"), wire(h), "the peer's close is echoed with its code");
            assertEquals(List.of("open", "text hello", "ending", "close 1000"), h.handler.events);
            assertEquals(List.of(Connection.TransportAction.CLOSE), h.transport.finishes,
                    "a server closes the transport after the handshake");
            assertTrue(h.transport.aborted(), "and then drops it for good");
            assertEquals(1, h.endings.get());
            assertEquals(1, h.counters.messagesIn.sum());
            assertEquals(1, h.counters.messagesOut.sum());
            assertEquals(1L, h.counters.closes().get(CloseCode.NORMAL_CLOSURE));
        }
    }

    @Test
    void aFrameSplitOverReadsIsEchoedOnce() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            byte[] frame = text("split across three reads");
            h.feedAndWait(Arrays.copyOfRange(frame, 0, 1));
            h.feedAndWait(Arrays.copyOfRange(frame, 1, 9));
            assertEquals(List.of(), wire(h), "nothing before the frame is complete");
            h.transport.push(Arrays.copyOfRange(frame, 9, frame.length));
            h.awaitFrames(1);
            assertEquals(List.of("text split across three reads"), wire(h));
        }
    }

    @Test
    void manyMessagesInOneReadAreAnsweredInOrderInOneWrite() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            int writes = h.transport.writesStarted.get();
            h.feedAndWait(concat(text("a"), text("b"), text("c")));
            assertEquals(List.of("text a", "text b", "text c"), ServerFrames.describe(h.awaitFrames(3)));
            assertEquals(writes + 1, h.transport.writesStarted.get(), "one read's replies go out in one write");
        }
    }

    /**
     * The project's requirement: "an echoed message costs at most 3 lock acquisitions" (the read,
     * the handler's send, the end of the batch). Measured on a warmed-up session, one message per
     * read; nothing else takes the lock meanwhile (no timer, no other sender), and the reader
     * writes the echo itself, so the count is exact once the reader waits in its next read.
     */
    @Test
    void anEchoedMessageCostsAtMostThreeLockAcquisitions() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            for (int i = 0; i < 5; i++) {
                h.feedAndWait(text("warm-up " + i));
            }
            h.awaitFrames(5);
            int messages = 20;
            long[] costs = new long[messages];
            for (int i = 0; i < messages; i++) {
                long before = h.acquisitions();
                h.feedAndWait(text("message " + i));
                costs[i] = h.acquisitions() - before - 1; // minus the acquisition that read the count
            }
            List<ServerFrames.Frame> frames = h.awaitFrames(5 + messages);
            for (int i = 0; i < messages; i++) {
                assertEquals("message " + i, frames.get(5 + i).text());
            }
            System.out.println("lock acquisitions per echoed message: " + Arrays.toString(costs));
            for (int i = 0; i < messages; i++) {
                assertTrue(costs[i] <= 3, "message " + i + " cost " + costs[i] + " lock acquisitions: "
                        + Arrays.toString(costs));
            }
            assertTrue(h.transport.writerThreads.stream().allMatch("test-reader"::equals),
                    "the reader writes small echoes itself, no writer thread: " + h.transport.writerThreads);
        }
    }

    @Test
    void replyToATextGoesOutBeforeTheCloseEchoOfTheSameRead() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            h.transport.push(concat(text("last words"), ClientFrames.close(1000, "bye")));
            h.awaitEnd();
            assertEquals(List.of("text last words", "close 1000"), wire(h));
            assertEquals(List.of("open", "text last words", "ending", "close 1000"), h.handler.events);
            assertEquals(0, h.handler.errors.get());
            assertEquals(1, h.handler.closes.get());
        }
    }

    @Test
    void aProtocolViolationAfterATextIsAnsweredAfterTheReplyWith1002() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            byte[] reservedOpcode = ClientFrames.frame(true, 0x3, new byte[0]);
            h.transport.push(concat(text("fine"), reservedOpcode, text("never seen")));
            h.awaitEnd();
            List<ServerFrames.Frame> frames = h.transport.frames();
            assertEquals(2, frames.size(), ServerFrames.describe(frames).toString());
            assertEquals("fine", frames.get(0).text());
            assertEquals(1002, frames.get(1).closeCode());
            assertEquals(List.of("open", "text fine", "ending", "error " + ProtocolException.class.getName(),
                    "close 1002"), h.handler.events);
            assertInstanceOf(ProtocolException.class, h.handler.error.get());
            assertEquals(CloseCode.PROTOCOL_ERROR, h.handler.closeCode.get());
            assertEquals(List.of(Connection.TransportAction.CLOSE), h.transport.finishes);
        }
    }

    @Test
    void aHandlerExceptionClosesWith1011AndStopsDeliveryToTheHandler() throws Exception {
        RecordingHandler handler = RecordingHandler.echo();
        IllegalStateException boom = new IllegalStateException("boom");
        handler.onText = (session, text) -> {
            if (text.equals("boom")) {
                throw boom;
            }
            session.sendText(text);
        };
        try (SessionHarness h = new SessionHarness(handler).start()) {
            h.feedAndWait(concat(text("boom"), text("same read"), text("same read too")));
            assertEquals(List.of("close 1011"), ServerFrames.describe(h.awaitFrames(1)));
            assertEquals(2, h.transport.frames().get(0).payload().length, "1011 without a reason on the wire");
            assertFalse(h.session.isOpen());
            h.feedAndWait(text("later read"));
            h.transport.push(ClientFrames.close(1011, ""));
            h.awaitEnd();
            assertEquals(List.of("boom"), h.handler.texts(), "no message after the failure reaches the handler");
            assertEquals(List.of("close 1011"), wire(h), "nothing but our close frame went out");
            assertEquals(List.of("open", "text boom", "ending", "error " + IllegalStateException.class.getName(),
                    "close 1011"), h.handler.events);
            assertSame(boom, h.handler.error.get());
        }
    }

    @Test
    void aHandlerExceptionInOnOpenClosesWith1011() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        RuntimeException boom = new RuntimeException("open failed");
        handler.onOpen = session -> {
            throw boom;
        };
        try (SessionHarness h = new SessionHarness(handler).start()) {
            assertEquals(List.of("close 1011"), ServerFrames.describe(h.awaitFrames(1)));
            h.transport.push(ClientFrames.close(1011, ""));
            h.awaitEnd();
            assertSame(boom, h.handler.error.get());
            assertEquals(1, h.handler.closes.get());
        }
    }

    @Test
    void eofWithoutACloseFrameEndsWith1006AndAnEofException() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            h.transport.pushEof();
            h.awaitEnd();
            assertEquals(List.of("open", "ending", "error " + EOFException.class.getName(), "close 1006"),
                    h.handler.events);
            assertEquals(CloseCode.ABNORMAL_CLOSURE, h.handler.closeCode.get());
            assertEquals(List.of(), wire(h), "nothing can be written to a transport that ended");
            assertEquals(List.of(), h.transport.finishes, "no closing handshake on a transport that is gone");
            assertTrue(h.transport.aborted());
            assertFalse(h.session.sendText("too late"));
        }
    }

    @Test
    void aReadFailureEndsWith1006AndAnEofExceptionCausedByIt() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            IOException reset = new IOException("connection reset");
            h.transport.pushReadFailure(reset);
            h.awaitEnd();
            assertEquals(CloseCode.ABNORMAL_CLOSURE, h.handler.closeCode.get());
            Throwable error = h.handler.error.get();
            assertInstanceOf(EOFException.class, error);
            assertSame(reset, error.getCause());
            assertEquals(1, h.handler.errors.get());
            assertEquals(1, h.handler.closes.get());
        }
    }

    @Test
    void aPeersPingIsAnsweredWithItsPayload() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            h.transport.push(concat(ClientFrames.ping(new byte[] {1, 2, 3}), text("after the ping")));
            assertEquals(List.of("pong 010203", "text after the ping"), ServerFrames.describe(h.awaitFrames(2)));
        }
    }

    @Test
    void ourCloseAnsweredByThePeerEndsCleanly() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            h.session.close(CloseCode.GOING_AWAY, "bye");
            assertEquals(List.of("close 1001 bye"), ServerFrames.describe(h.awaitFrames(1)));
            assertFalse(h.session.sendText("refused after close"));
            h.transport.push(ClientFrames.close(1001, ""));
            h.awaitEnd();
            assertEquals(List.of("close 1001 bye"), wire(h), "no second close frame");
            assertEquals(List.of("open", "ending", "close 1001"), h.handler.events);
            assertEquals(List.of(Connection.TransportAction.CLOSE), h.transport.finishes);
        }
    }

    // ---- timers, with the fake clock ----

    private static Options pingEvery10s() {
        return Options.defaults().timeouts(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ZERO,
                Duration.ofSeconds(3));
    }

    private static String pingPayload(long number) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(8).putLong(number).array());
    }

    @Test
    void aPingGoesOnTheWireAfterTheIntervalAndAPongAnswersIt() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo(), pingEvery10s()).start()) {
            h.loop.checkTimers(h.advance(Duration.ofSeconds(10)) - 1);
            assertEquals(0, h.queuedBytes(), "no ping before the interval");
            assertEquals(0, h.transport.writesStarted.get());

            h.loop.checkTimers(h.nanos.get());
            assertEquals(List.of("ping " + pingPayload(1)), ServerFrames.describe(h.awaitFrames(1)));

            h.feedAndWait(ClientFrames.pong(ByteBuffer.allocate(8).putLong(1).array()));
            assertTrue(h.handler.events.contains("pong " + pingPayload(1)));
            h.loop.checkTimers(h.advance(Duration.ofSeconds(5)));
            assertTrue(h.session.isOpen(), "the pong answered the ping");
            assertEquals(0, h.queuedBytes());
            assertEquals(1, h.transport.frames().size());
        }
    }

    @Test
    void anUnansweredPingClosesWith1011AndDropsThePeerOnceTheCloseIsWritten() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo(), pingEvery10s()).start()) {
            h.loop.checkTimers(h.advance(Duration.ofSeconds(10)));
            h.awaitFrames(1);
            h.loop.checkTimers(h.advance(Duration.ofSeconds(5)));
            List<ServerFrames.Frame> frames = h.awaitFrames(2);
            assertEquals(1011, frames.get(1).closeCode());
            assertFalse(h.session.isOpen());
            assertFalse(h.transport.aborted(), "not before our close frame is written");

            assertTrue(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
            h.loop.checkTimers(h.nanos.get());
            assertTrue(h.transport.aborted(), "a peer that ignored our ping gets no more time once our close is out");
            h.awaitEnd();
            assertInstanceOf(TimeoutException.class, h.handler.error.get());
            assertEquals(CloseCode.ABNORMAL_CLOSURE, h.handler.closeCode.get(), "no close frame came back");
            assertEquals(List.of(), h.transport.finishes, "no lingering for an unresponsive peer");
            assertEquals(1, h.handler.closes.get());
        }
    }

    @Test
    void afterOurCloseTheCloseTimeoutDropsTheTransport() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo(), pingEvery10s()).start()) {
            long closedAt = h.nanos.get();
            h.session.close(CloseCode.NORMAL_CLOSURE, "bye");
            h.awaitFrames(1);
            assertTrue(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
            h.loop.checkTimers(closedAt + Duration.ofSeconds(3).toNanos() - 1);
            assertFalse(h.transport.aborted(), "not before the close timeout");
            h.loop.checkTimers(closedAt + Duration.ofSeconds(3).toNanos());
            assertTrue(h.transport.aborted());
            h.awaitEnd();
            assertEquals(CloseCode.ABNORMAL_CLOSURE, h.handler.closeCode.get());
            assertEquals(1, h.handler.closes.get());
            assertEquals(List.of(), h.transport.finishes);
        }
    }

    @Test
    void theIdleTimeoutClosesWith1001() throws Exception {
        Options idle = Options.defaults().timeouts(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30),
                Duration.ofSeconds(3));
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo(), idle).start()) {
            h.advance(Duration.ofSeconds(20));
            h.feedAndWait(text("keeps it alive"));
            h.loop.checkTimers(h.advance(Duration.ofSeconds(20)));
            assertTrue(h.session.isOpen(), "the read restarted the idle timeout");
            h.loop.checkTimers(h.advance(Duration.ofSeconds(10)));
            List<ServerFrames.Frame> frames = h.awaitFrames(2);
            assertEquals(List.of("text keeps it alive", "close 1001 idle timeout"), ServerFrames.describe(frames));
            h.transport.push(ClientFrames.close(1001, ""));
            h.awaitEnd();
            assertEquals(0, h.handler.errors.get(), "an idle timeout is no error");
            assertEquals(CloseCode.GOING_AWAY, h.handler.closeCode.get());
        }
    }

    /**
     * Senders on other threads and the reader's own replies share the outbound side: every frame
     * arrives whole, each sender's in its order, none left behind in the hand-over between the
     * reader's write and the writer threads.
     */
    @Test
    void concurrentSendersAndEchoesLoseNothingAndKeepEachSendersOrder() throws Exception {
        try (SessionHarness h = new SessionHarness(RecordingHandler.echo()).start()) {
            int senders = 3;
            int perSender = 300;
            int echoes = 300;
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perSender; i++) {
                        assertTrue(h.session.sendText("s" + sender + " " + i));
                    }
                }));
            }
            for (int i = 0; i < echoes; i += 3) {
                h.transport.push(concat(text("e " + i), text("e " + (i + 1)), text("e " + (i + 2))));
            }
            for (Thread thread : threads) {
                assertTrue(thread.join(Await.LIMIT));
            }
            List<ServerFrames.Frame> frames = h.awaitFrames(senders * perSender + echoes);
            assertEquals(senders * perSender + echoes, frames.size());
            int[] next = new int[senders + 1];
            for (ServerFrames.Frame frame : frames) {
                String[] parts = frame.text().split(" ");
                int source = parts[0].equals("e") ? senders : Integer.parseInt(parts[0].substring(1));
                assertEquals(next[source]++, Integer.parseInt(parts[1]), "order of " + parts[0]);
            }
            assertTrue(h.session.awaitQueuedBytesAtMost(0, Await.LIMIT));
            assertEquals(0, h.queuedBytes());
        }
    }
}
