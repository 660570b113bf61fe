package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.handshake.HttpResponse;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * The client against servers that are not ours, on loopback (issue 17): Node's {@code ws},
 * python-websockets, Netty and Jetty (see {@link PeerServer} for how they are started and the
 * small command protocol they all speak). Each test runs against each peer; a peer whose runtime is
 * missing skips with the reason. Every wait is bounded and waits for its event, never for time.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class InteropIT {
    /** The frame-length boundaries: 7-bit, 16-bit and 64-bit length fields, and a large message. */
    private static final int[] LENGTHS = {0, 125, 126, 65535, 65536, 1 << 20};
    /** How long any single event may take; generous, for two busy cores. */
    private static final long WAIT_SECONDS = 60;

    private static final PeerServer.Pool PEERS = new PeerServer.Pool();
    private final List<WebSocketClient> clients = new ArrayList<>();

    @AfterAll
    static void stopPeers() throws Exception {
        PEERS.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(WebSocketClient::close);
    }

    private WebSocketClient client(boolean compression) {
        WebSocketClient client = WebSocketClient.builder().connectTimeout(Duration.ofSeconds(10))
                .handshakeTimeout(Duration.ofSeconds(30)).maxMessageSize(16 << 20).maxFrameSize(16 << 20)
                .compression(compression).build();
        clients.add(client);
        return client;
    }

    static Stream<Arguments> lengths() {
        List<Arguments> cases = new ArrayList<>();
        for (PeerServer.Kind peer : PeerServer.Kind.values()) {
            for (boolean compression : new boolean[] {false, true}) {
                for (int length : LENGTHS) {
                    cases.add(Arguments.of(peer, length, compression));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Without compression the frames on the wire have exactly these payload lengths both ways; with
     * it, the same messages go through deflate (the text compresses, the random binary barely).
     */
    @ParameterizedTest(name = "{0}: {1} bytes, compression {2}")
    @MethodSource("lengths")
    void textAndBinaryEchoAcrossTheFrameLengthBoundaries(PeerServer.Kind kind, int length, boolean compression)
            throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        Session session = client(compression).connect(peer.uri("/"), recording);
        assertEquals(compression, session.isCompressed(), "permessage-deflate agreed");
        Random random = new Random(length);
        String text = letters(random, length);
        assertTrue(session.sendText(text));
        assertEquals(text, recording.text(), "text of " + length + " bytes");
        byte[] data = new byte[length];
        random.nextBytes(data);
        assertTrue(session.sendBinary(data));
        assertArrayEquals(data, recording.binary(), "binary of " + length + " bytes");
        recording.assertNoErrors();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void multiByteUtf8TextComesBackIntact(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        Session session = client(true).connect(peer.uri("/"), recording);
        List<String> texts = List.of(
                "é", "€", "😀", "Ελληνικά, русский, 中文, العربية, עברית, हिन्दी",
                // A 4-byte character across the 125/126 boundary, and one across 65535/65536.
                "a".repeat(123) + "😀", "a".repeat(65533) + "😀",
                "é€😀 ünïcödé in every width; ".repeat(8000));
        for (String text : texts) {
            assertTrue(session.sendText(text));
            assertEquals(text, recording.text(), "a text of " + text.length() + " chars");
        }
        recording.assertNoErrors();
    }

    /**
     * Many messages in flight at once, both types interleaved, echoed in order; then messages the
     * server sends in fragments (split between code points, so each fragment is whole UTF-8), which
     * the client must reassemble.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void manyMessagesInFlightAndFragmentedMessages(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        Session session = client(true).connect(peer.uri("/"), recording);
        Random random = new Random(17);
        List<Object> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int size = random.nextInt(8192);
            if (i % 2 == 0) {
                String text = i + ":" + letters(random, size);
                sent.add(text);
                assertTrue(session.sendText(text), "message " + i + " queued");
            } else {
                byte[] data = new byte[size];
                random.nextBytes(data);
                sent.add(data);
                assertTrue(session.sendBinary(data), "message " + i + " queued");
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            Object echoed = recording.message();
            if (sent.get(i) instanceof String text) {
                assertEquals(text, assertInstanceOf(String.class, echoed, "echo " + i + " is text"), "echo " + i);
            } else {
                assertArrayEquals((byte[]) sent.get(i), assertInstanceOf(byte[].class, echoed, "echo " + i + " is binary"),
                        "echo " + i);
            }
        }
        String multiByte = "é€😀 fragmented, ünïcödé; ".repeat(4000);
        for (int fragments : new int[] {1, 2, 3, 64}) {
            assertTrue(session.sendText("fragments:" + fragments + ":" + multiByte));
            assertEquals(multiByte, recording.text(), "a text sent in " + fragments + " fragments");
        }
        recording.assertNoErrors();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void theServerAnswersTheClientsPings(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        Session session = client(true).connect(peer.uri("/"), recording);
        for (byte[] payload : List.of(new byte[0], "ping from the client".getBytes(StandardCharsets.UTF_8),
                "p".repeat(125).getBytes(StandardCharsets.UTF_8))) {
            assertTrue(session.sendPing(payload));
            assertArrayEquals(payload, recording.pong(), "the pong carries the ping's " + payload.length + " bytes");
        }
        recording.assertNoErrors();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void theClientAnswersTheServersPings(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        Session session = client(true).connect(peer.uri("/"), recording);
        for (String payload : List.of("hello", "é€😀", "x".repeat(120))) {
            assertTrue(session.sendText("ping:" + payload));
            assertEquals("pong:" + payload, recording.text(), "the server got a pong with the ping's payload");
        }
        assertTrue(recording.pongs.isEmpty(), "the client's own pongs are not reported as pongs received");
        recording.assertNoErrors();
    }

    /**
     * permessage-deflate is offered by default and agreed, as the client's session, the 101 it
     * received and the server itself say; and messages really go through it both ways.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void compressionIsNegotiatedAndUsedBothWays(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        WebSocketClient client = client(true);
        Session session = client.connect(peer.uri("/"), recording);
        assertTrue(session.isCompressed(), "the client's session says permessage-deflate was agreed");
        HttpResponse response = session.attribute(WebSocketClient.HANDSHAKE_RESPONSE).orElseThrow();
        String agreed = response.headers().first("Sec-WebSocket-Extensions").orElse("");
        assertTrue(agreed.startsWith("permessage-deflate"), "the 101 agreed to: " + agreed);
        assertTrue(session.sendText("extensions?"));
        String serverSays = recording.text();
        assertTrue(serverSays.startsWith("extensions:permessage-deflate"), "the server says: " + serverSays);
        System.out.printf("%s agreed to: %s%n", peer, agreed);

        String compressible = "the quick brown fox jumps over the lazy dog; ".repeat(2000);
        assertTrue(session.sendText(compressible));
        assertEquals(compressible, recording.text());
        assertTrue(client.counters().compressedMessagesOut.sum() > 0, "the client compressed what it sent");
        assertTrue(client.counters().compressedMessagesIn.sum() > 0, "the server's echo came compressed");
        recording.assertNoErrors();
    }

    /**
     * An offer of no context takeover both ways ({@code compressionNoContextTakeover}) is agreed as
     * asked or declined as a whole; either way the messages go through.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void noContextTakeoverIsAgreedOrDeclined(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        WebSocketClient client = WebSocketClient.builder().connectTimeout(Duration.ofSeconds(10))
                .maxMessageSize(16 << 20).maxFrameSize(16 << 20).compressionNoContextTakeover(true).build();
        clients.add(client);
        Session session = client.connect(peer.uri("/"), recording);
        String agreed = session.attribute(WebSocketClient.HANDSHAKE_RESPONSE).orElseThrow().headers()
                .first("Sec-WebSocket-Extensions").orElse("");
        System.out.printf("%s answered an offer of no context takeover with: %s%n", peer,
                agreed.isEmpty() ? "(no extension)" : agreed);
        // A server that agrees must state server_no_context_takeover (RFC 7692 7.1.1.1); one that
        // cannot honour it declines the offer, and the session runs uncompressed.
        if (agreed.isEmpty()) {
            assertFalse(session.isCompressed(), "declined, so not compressed");
        } else {
            assertTrue(session.isCompressed(), "agreed, so compressed");
            assertTrue(agreed.contains("server_no_context_takeover"), "the 101 agreed to: " + agreed);
        }
        for (int i = 0; i < 5; i++) {
            String text = "message " + i + ": " + "the quick brown fox jumps over the lazy dog; ".repeat(500);
            assertTrue(session.sendText(text));
            assertEquals(text, recording.text());
        }
        recording.assertNoErrors();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void withoutCompressionNothingIsAgreed(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        Session session = client(false).connect(peer.uri("/"), recording);
        assertFalse(session.isCompressed());
        assertTrue(session.sendText("extensions?"));
        assertEquals("extensions:", recording.text(), "the server agreed to no extension");
        recording.assertNoErrors();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void theClientClosesWithNormalClosureAndTheServerSeesIt(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        WebSocketClient client = client(true);
        String id = UUID.randomUUID().toString();
        Session session = client.connect(peer.uri("/?id=" + id), recording);
        assertTrue(session.sendText("before closing"));
        assertEquals("before closing", recording.text());
        session.close(CloseCode.NORMAL_CLOSURE, "done");
        Closed closed = recording.closed();
        assertEquals(CloseCode.NORMAL_CLOSURE, closed.code(), "the server answered the close with " + closed);
        assertFalse(session.isOpen());
        String seen = closeSeenBy(peer, client, id);
        System.out.printf("%s received the client's close as %s and answered %s%n", peer, seen, closed);
        assertEquals("1000:done", seen, "the close frame the server received");
        recording.assertNoErrors();
        assertTrue(client.sessions().stream().noneMatch(s -> s == session), "an ended session leaves the client");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerServer.Kind.class)
    void theServerClosesWithACodeAndReasonAndTheClientAnswers(PeerServer.Kind kind) throws Exception {
        PeerServer peer = PEERS.get(kind);
        Recording recording = new Recording();
        WebSocketClient client = client(true);
        String id = UUID.randomUUID().toString();
        Session session = client.connect(peer.uri("/?id=" + id), recording);
        assertTrue(session.sendText("close:4001:bye"));
        assertEquals(new Closed(CloseCode.of(4001), "bye"), recording.closed());
        assertFalse(session.isOpen());
        String seen = closeSeenBy(peer, client, id);
        System.out.printf("%s closed with 4001 bye; the client answered %s%n", peer, seen);
        assertTrue(seen.startsWith("4001:"), "the client echoed the close code; the server received " + seen);
        recording.assertNoErrors();
    }

    /**
     * The close frame the connection opened with {@code ?id=id} received, as the server reports it
     * (asked on connections of their own until it has one, for at most {@link #WAIT_SECONDS}).
     */
    private static String closeSeenBy(PeerServer peer, WebSocketClient client, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        String prefix = "closed:" + id + ":";
        while (true) {
            Recording recording = new Recording();
            Session asking = client.connect(peer.uri("/"), recording);
            asking.sendText("closed?" + id);
            String answer = recording.text();
            asking.close();
            recording.closed();
            assertTrue(answer.startsWith(prefix), answer);
            if (answer.length() > prefix.length()) {
                return answer.substring(prefix.length());
            }
            if (System.nanoTime() > deadline) {
                fail(peer + " reported no close frame for " + id + " within " + WAIT_SECONDS + " s");
            }
            TimeUnit.MILLISECONDS.sleep(20); // the interval between questions, not a wait for the answer
        }
    }

    /** {@code length} pseudo-random ASCII letters. */
    private static String letters(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    /** How a session ended, as its handler heard it. */
    record Closed(CloseCode code, String reason) {}

    /** A handler that records what its session hears, for bounded waits. */
    static final class Recording implements WebSocketHandler {
        /** Text messages as String, binary ones as byte[], in the order they arrived. */
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();

        @Override
        public void onText(Session session, String text) {
            messages.add(text);
        }

        @Override
        public void onBinary(Session session, byte[] data) {
            messages.add(data);
        }

        @Override
        public void onPong(Session session, byte[] payload) {
            pongs.add(payload);
        }

        @Override
        public void onError(Session session, Throwable error) {
            errors.add(error);
        }

        @Override
        public void onClose(Session session, CloseCode code, String reason) {
            closed.complete(new Closed(code, reason));
        }

        Object message() throws InterruptedException {
            Object message = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (message == null) {
                fail("no message within " + WAIT_SECONDS + " s" + state());
            }
            return message;
        }

        String text() throws InterruptedException {
            return assertInstanceOf(String.class, message(), "a text message");
        }

        byte[] binary() throws InterruptedException {
            return assertInstanceOf(byte[].class, message(), "a binary message");
        }

        byte[] pong() throws InterruptedException {
            byte[] pong = pongs.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (pong == null) {
                fail("no pong within " + WAIT_SECONDS + " s" + state());
            }
            return pong;
        }

        Closed closed() throws Exception {
            try {
                return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return fail("onClose did not run within " + WAIT_SECONDS + " s" + state());
            }
        }

        void assertNoErrors() {
            assertTrue(errors.isEmpty(), "onError ran: " + errors);
        }

        private String state() {
            return "; errors: " + errors + (closed.isDone() ? "; closed: " + closed.join() : "; still open");
        }
    }
}
