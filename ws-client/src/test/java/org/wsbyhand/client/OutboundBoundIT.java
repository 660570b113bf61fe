package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.SlowConsumerException;

/**
 * Issue 17, a server that stops reading: the client's unsent bytes stay within
 * {@code maxOutboundBytes}, and a send over it is refused as the overflow policy says: CLOSE fails
 * the session with 1008 and a {@link SlowConsumerException}, DROP refuses the message and keeps the
 * session open. The server is a {@link FakeServer} that completes the handshake and then reads
 * nothing until the test lets it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboundBoundIT {
    private static final int BOUND = 64 * 1024;
    private static final int MESSAGE = 8 * 1024;
    /** A client text frame of MESSAGE bytes: 2 + 2 (16-bit length) + 4 (mask key) of header. */
    private static final int FRAME = MESSAGE + 8;
    /** Sends before the test gives up waiting for the kernel's buffers to fill: 160 MB. */
    private static final int MAX_SENDS = 20_000;

    @AutoClose
    private final Closer closer = new Closer();

    /** Message {@code i}: its number, then filler, {@link #MESSAGE} bytes in all. */
    private static String message(int i) {
        String number = String.format("%08d", i);
        return number + "x".repeat(MESSAGE - number.length());
    }

    private static int number(FakeServer.Frame frame) {
        return Integer.parseInt(frame.text().substring(0, 8));
    }

    /** A server that accepts, waits for {@code startReading}, then reads every frame into {@code frames}. */
    private FakeServer stalledServer(CompletableFuture<Void> startReading, BlockingQueue<FakeServer.Frame> frames,
            boolean answerClose) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReceiveBufferSize(4096); // keeps the kernel's share of the backlog small
        return closer.add(new FakeServer(socket, exchange -> {
            exchange.accept();
            startReading.get(60, TimeUnit.SECONDS);
            FakeServer.Frame frame;
            while ((frame = exchange.readFrame()) != null) {
                frames.add(frame);
                if (frame.opcode() == 0x8) {
                    if (answerClose) {
                        exchange.sendClose(frame.closeCode(), ""); // echoes the code
                    }
                    break;
                }
            }
            frames.add(new FakeServer.Frame(true, 0, -1, false, null, new byte[0])); // the end
        }));
    }

    private static List<FakeServer.Frame> drain(BlockingQueue<FakeServer.Frame> frames) throws InterruptedException {
        List<FakeServer.Frame> all = new ArrayList<>();
        while (true) {
            FakeServer.Frame frame = frames.poll(30, TimeUnit.SECONDS);
            assertNotNull(frame, "the fake server did not finish reading within 30 s");
            if (frame.opcode() == -1) {
                return all;
            }
            all.add(frame);
        }
    }

    /** Numbers the messages of one session and remembers which were taken and which refused. */
    private static final class Sender {
        final Session session;
        final List<Integer> taken = new ArrayList<>();
        final List<Integer> refused = new ArrayList<>();
        int next;

        Sender(Session session) {
            this.session = session;
        }

        boolean send() {
            int i = next++;
            boolean queued = session.sendText(message(i));
            (queued ? taken : refused).add(i);
            long queuedBytes = session.queuedBytes();
            assertTrue(queuedBytes <= BOUND + FRAME, "unsent bytes " + queuedBytes + " over the bound " + BOUND
                    + " plus one message, after message " + i);
            return queued;
        }

        /** Sends until a send is refused. */
        void untilRefused() {
            while (next < MAX_SENDS) {
                if (!send()) {
                    return;
                }
            }
            throw new AssertionError(MAX_SENDS + " messages of " + MESSAGE + " bytes were all taken by a server "
                    + "that reads nothing");
        }

        /**
         * Sends until refused, again and again, until nothing has been written for a second: the
         * kernel's buffers are full too, and the unsent bytes are just under the bound.
         */
        void untilStuck() throws InterruptedException {
            while (true) {
                untilRefused();
                long before = session.queuedBytes();
                // The kernel may still take some (loopback buffers can be megabytes): wait and see.
                session.awaitQueuedBytesAtMost(0, Duration.ofSeconds(1));
                if (before > 0 && session.queuedBytes() == before) {
                    return;
                }
            }
        }
    }

    @Test
    void underClosePolicyAStalledServerIsDroppedAfterTheCloseTimeoutAndGetsAPrefix() throws Exception {
        CompletableFuture<Void> startReading = new CompletableFuture<>();
        BlockingQueue<FakeServer.Frame> frames = new LinkedBlockingQueue<>();
        FakeServer server = stalledServer(startReading, frames, false);
        WebSocketClient client = closer.add(WebSocketClient.builder().compression(false).maxOutboundBytes(BOUND)
                .overflowPolicy(OverflowPolicy.CLOSE).closeTimeout(Duration.ofSeconds(1)).build());
        Recorder recorder = new Recorder();
        Session session = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), recorder);

        Sender sender = new Sender(session);
        sender.untilRefused();
        int refused = sender.refused.get(0);
        assertTrue(refused > 0, "the first message fits the bound");
        assertFalse(session.isOpen(), "refused under CLOSE: the session is closing");
        assertFalse(session.sendText("late"), "a closed session takes nothing");
        assertTrue(session.queuedBytes() <= BOUND + 131, "bound plus our close frame: " + session.queuedBytes());

        // The server never answers our 1008 (it reads nothing): the close timeout ends the session. As
        // on the server (BroadcastIT), the handshake never completed, so onClose says 1006 (RFC 6455
        // 7.1.5) and onError says why.
        Recorder.Closed closed = recorder.awaitClosed();
        assertEquals(CloseCode.ABNORMAL_CLOSURE, closed.code(), "no close frame came back: " + closed);
        assertInstanceOf(SlowConsumerException.class, recorder.errors.poll(5, TimeUnit.SECONDS),
                "onError tells why");
        assertEquals(1, client.counters().slowConsumers.sum());

        // What did reach the server is a prefix of what was sent, in order.
        startReading.complete(null);
        List<FakeServer.Frame> received = drain(frames);
        int expected = 0;
        for (FakeServer.Frame frame : received) {
            if (frame.opcode() == 0x8) {
                assertEquals(1008, frame.closeCode(), "if the close frame got out, it says 1008");
                continue;
            }
            assertEquals(expected++, number(frame), "messages arrive in order, none missing");
        }
        assertTrue(expected <= refused, expected + " messages arrived, only " + refused + " were taken");
    }

    @Test
    void underClosePolicyTheClientSends1008AfterEverythingItTook() throws Exception {
        CompletableFuture<Void> startReading = new CompletableFuture<>();
        BlockingQueue<FakeServer.Frame> frames = new LinkedBlockingQueue<>();
        FakeServer server = stalledServer(startReading, frames, true);
        WebSocketClient client = closer.add(WebSocketClient.builder().compression(false).maxOutboundBytes(BOUND)
                .overflowPolicy(OverflowPolicy.CLOSE).closeTimeout(Duration.ofSeconds(30)).build());
        Recorder recorder = new Recorder();
        Session session = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), recorder);

        Sender sender = new Sender(session);
        sender.untilRefused();
        assertFalse(session.isOpen(), "refused under CLOSE: the session is closing");
        assertEquals(1, sender.refused.size());

        // The server reads again before the close timeout: it gets every message the client took, in
        // order, then the client's close frame with 1008, and answers it.
        startReading.complete(null);
        List<FakeServer.Frame> received = drain(frames);
        FakeServer.Frame close = received.get(received.size() - 1);
        assertEquals(0x8, close.opcode(), "the last frame is the close frame");
        assertEquals(1008, close.closeCode(), "policy violation (RFC 6455 7.4.1)");
        List<Integer> numbers = received.subList(0, received.size() - 1).stream().map(OutboundBoundIT::number)
                .toList();
        assertEquals(sender.taken, numbers, "every message taken arrived, in order, and no other");
        assertFalse(numbers.contains(sender.refused.get(0)));
        assertEquals(CloseCode.POLICY_VIOLATION, recorder.awaitClosed().code(), "the handshake completed: 1008");
        assertInstanceOf(SlowConsumerException.class, recorder.errors.poll(20, TimeUnit.SECONDS),
                "onError tells why");
    }

    @Test
    void underDropPolicySendsAreRefusedAndTheSessionStaysOpen() throws Exception {
        CompletableFuture<Void> startReading = new CompletableFuture<>();
        BlockingQueue<FakeServer.Frame> frames = new LinkedBlockingQueue<>();
        FakeServer server = stalledServer(startReading, frames, true);
        WebSocketClient client = closer.add(WebSocketClient.builder().compression(false).maxOutboundBytes(BOUND)
                .overflowPolicy(OverflowPolicy.DROP).build());
        Recorder recorder = new Recorder();
        Session session = client.connect(URI.create("ws://127.0.0.1:" + server.port() + "/"), recorder);

        Sender sender = new Sender(session);
        sender.untilStuck();
        assertTrue(session.isOpen(), "DROP keeps the session open");
        long stuck = session.queuedBytes();
        assertTrue(stuck > BOUND - FRAME && stuck <= BOUND, "stuck just under the bound: " + stuck);
        // Nothing moves while the server reads nothing, so the next messages are refused too, and counted.
        for (int i = 0; i < 5; i++) {
            assertFalse(sender.send(), "message " + (sender.next - 1) + " over the bound");
        }
        assertEquals(sender.refused.size(), client.counters().messagesDropped.sum(), "dropped messages are counted");
        assertTrue(session.isOpen());
        assertTrue(recorder.errors.isEmpty(), "DROP is no error: " + recorder.errors);

        // Once the server reads, the queue drains and later messages go out again.
        startReading.complete(null);
        assertTrue(session.awaitQueuedBytesAtMost(0, Duration.ofSeconds(30)), "drained once the server reads");
        int after = sender.next;
        assertTrue(sender.send(), "a send after the drain is taken");
        session.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());

        List<Integer> numbers = new ArrayList<>();
        for (FakeServer.Frame frame : drain(frames)) {
            if (frame.opcode() == 0x1) {
                numbers.add(number(frame));
            }
        }
        assertTrue(numbers.size() >= 2, "received " + numbers);
        for (int i = 1; i < numbers.size(); i++) {
            assertTrue(numbers.get(i) > numbers.get(i - 1), "in order, no duplicates: " + numbers);
        }
        assertEquals(sender.taken, numbers, "exactly the messages taken arrived, in order; no refused one");
        assertEquals(after, numbers.get(numbers.size() - 1), "the message sent after the drain arrived last");
        assertTrue(recorder.errors.isEmpty(), "DROP is no error: " + recorder.errors);
    }
}
