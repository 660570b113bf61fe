package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.ProtocolException;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.Session;

/**
 * Issue 17, RFC 6455 from the client's side, against a {@link FakeServer} that completes a valid
 * handshake and then reads and writes raw frames: every client frame is masked with a fresh key,
 * the client fails the connection with the right code when the server breaks a rule (a masked frame
 * 1002, invalid UTF-8 1007, an oversized message 1009, ...), and at the end of a close it leaves
 * closing the TCP connection to the server, within the close timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientFramingIT {
    @AutoClose
    private final Closer closer = new Closer();

    private FakeServer server(FakeServer.Script afterAccept) throws IOException {
        return closer.add(new FakeServer(exchange -> {
            exchange.accept(); // no extension: frames are exactly what the client writes
            afterAccept.serve(exchange);
        }));
    }

    private static URI uri(FakeServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/");
    }

    private WebSocketClient client(ClientBuilder builder) {
        return closer.add(builder.build());
    }

    @Test
    void everyClientFrameIsMaskedWithAFreshKey() throws Exception {
        int messages = 50;
        BlockingQueue<FakeServer.Frame> frames = new LinkedBlockingQueue<>();
        FakeServer server = server(exchange -> {
            FakeServer.Frame frame;
            do {
                frame = exchange.readFrame();
                if (frame != null) {
                    frames.add(frame);
                }
            } while (frame != null && frame.opcode() != 0x8);
            exchange.sendClose(1000, "");
        });
        Recorder recorder = new Recorder();
        Session session = client(WebSocketClient.builder()).connect(uri(server), recorder);
        for (int i = 0; i < messages; i++) {
            session.sendText("message " + i + " " + "x".repeat(i * 7));
        }
        session.sendText("");
        byte[] data = new byte[70_000]; // a 64-bit length
        new java.util.Random(1).nextBytes(data);
        session.sendBinary(data);
        session.sendPing("p".getBytes(StandardCharsets.UTF_8));
        session.close(CloseCode.NORMAL_CLOSURE, "done");
        recorder.awaitClosed();

        List<FakeServer.Frame> seen = new ArrayList<>();
        FakeServer.Frame frame;
        while ((frame = frames.poll(20, TimeUnit.SECONDS)) != null) {
            seen.add(frame);
            if (frame.opcode() == 0x8) {
                break;
            }
        }
        assertEquals(messages + 4, seen.size(), "50 texts, an empty one, a binary, a ping, a close");
        Set<Integer> keys = new HashSet<>();
        for (FakeServer.Frame f : seen) {
            assertTrue(f.masked(), "every client frame is masked (RFC 6455 5.3), opcode " + f.opcode());
            assertEquals(0, f.rsv(), "no extension was agreed: RSV bits clear");
            keys.add(f.maskKeyInt());
        }
        for (int i = 0; i < messages; i++) {
            assertEquals("message " + i + " " + "x".repeat(i * 7), seen.get(i).text(), "unmasks to what was sent");
        }
        assertEquals("", seen.get(messages).text());
        assertArrayEquals(data, seen.get(messages + 1).payload());
        assertEquals(0x9, seen.get(messages + 2).opcode());
        assertEquals(1000, seen.get(messages + 3).closeCode());
        assertEquals("done", seen.get(messages + 3).closeReason());
        // 54 keys from a SecureRandom: a repeat has a chance of about 3e-7.
        assertTrue(keys.size() >= seen.size() - 1, "mask keys must be fresh per frame: " + keys.size()
                + " distinct keys in " + seen.size() + " frames");
    }

    @Test
    void framesThatArriveWithThe101AreDelivered() throws Exception {
        FakeServer server = closer.add(new FakeServer(exchange -> {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + exchange.acceptValue() + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            both.writeBytes(FakeServer.frame(true, 0x1, "first".getBytes(StandardCharsets.UTF_8), null));
            both.writeBytes(FakeServer.frame(true, 0x2, new byte[] {1, 2, 3}, null));
            exchange.send(both.toByteArray()); // in one write: the frames are read with the head
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
        }));
        Recorder recorder = new Recorder();
        Session session = client(WebSocketClient.builder()).connect(uri(server), recorder);
        assertEquals("first", recorder.text());
        assertArrayEquals(new byte[] {1, 2, 3}, recorder.binary());
        session.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());
    }

    @Test
    void aFragmentedMessageWithAPingBetweenItsFragmentsIsReassembled() throws Exception {
        CompletableFuture<FakeServer.Frame> pong = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            exchange.send(concat(FakeServer.frame(false, 0x1, "Hel".getBytes(StandardCharsets.UTF_8), null),
                    FakeServer.frame(true, 0x9, "mid".getBytes(StandardCharsets.UTF_8), null), // RFC 6455 5.4
                    FakeServer.frame(false, 0x0, new byte[0], null),
                    FakeServer.frame(true, 0x0, "lo \u00e9".getBytes(StandardCharsets.UTF_8), null)));
            pong.complete(exchange.readFrame());
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
        });
        Recorder recorder = new Recorder();
        Session session = client(WebSocketClient.builder()).connect(uri(server), recorder);
        assertEquals("Hello \u00e9", recorder.text());
        FakeServer.Frame frame = pong.get(30, TimeUnit.SECONDS);
        assertEquals(0xA, frame.opcode());
        assertEquals("mid", frame.text());
        session.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());
    }

    /**
     * The server writes {@code bytes} after the 101; the client must answer with a close frame with
     * {@code code}, tell its handler (onError, then onClose with the code) and hang up.
     */
    private void assertClientFails(byte[] bytes, int code, Violation violation, ClientBuilder builder)
            throws Exception {
        CompletableFuture<FakeServer.Frame> clientClose = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            exchange.send(bytes);
            clientClose.complete(exchange.readUntilClose());
            exchange.sendClose(code, "");
        });
        Recorder recorder = new Recorder();
        Session session = client(builder).connect(uri(server), recorder);
        FakeServer.Frame close = clientClose.get(30, TimeUnit.SECONDS);
        assertNotNull(close, "the client sent a close frame before hanging up");
        assertTrue(close.masked(), "the close frame is masked too");
        assertEquals(code, close.closeCode(), "the client's close code");
        Recorder.Closed closed = recorder.awaitClosed();
        assertEquals(CloseCode.of(code), closed.code(), "onClose tells the code");
        Throwable error = recorder.errors.poll(5, TimeUnit.SECONDS);
        ProtocolException protocol = assertInstanceOf(ProtocolException.class, error, "onError tells why");
        assertEquals(violation, protocol.violation());
        assertFalse(session.isOpen());
    }

    private static byte[] frame(int firstByte, byte[] payload) {
        byte[] frame = FakeServer.frame(true, 0, payload, null);
        frame[0] = (byte) firstByte;
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void aMaskedServerFrameFailsTheConnectionWith1002() throws Exception {
        byte[] masked = FakeServer.frame(true, 0x1, "hidden".getBytes(StandardCharsets.UTF_8),
                new byte[] {9, 8, 7, 6});
        assertClientFails(masked, 1002, Violation.MASKED_SERVER_FRAME, WebSocketClient.builder());
    }

    @Test
    void invalidUtf8FailsTheConnectionWith1007() throws Exception {
        byte[] invalid = FakeServer.frame(true, 0x1, new byte[] {'o', 'k', (byte) 0xc3, 0x28}, null);
        assertClientFails(invalid, 1007, Violation.INVALID_UTF8, WebSocketClient.builder());
    }

    @Test
    void invalidUtf8SplitAcrossFragmentsFailsWith1007() throws Exception {
        byte[] first = FakeServer.frame(false, 0x1, new byte[] {'a', (byte) 0xe2, (byte) 0x82}, null);
        byte[] second = FakeServer.frame(true, 0x0, new byte[] {0x41}, null); // 0xE2 0x82 0x41 is invalid
        assertClientFails(concat(first, second), 1007, Violation.INVALID_UTF8, WebSocketClient.builder());
    }

    @Test
    void anInvalidUtf8CloseReasonFailsWith1007() throws Exception {
        byte[] close = FakeServer.frame(true, 0x8, new byte[] {0x03, (byte) 0xe8, (byte) 0xff, (byte) 0xfe}, null);
        // The client answers the server's close with its own 1007 instead of echoing 1000.
        CompletableFuture<FakeServer.Frame> clientClose = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            exchange.send(close);
            clientClose.complete(exchange.readUntilClose());
        });
        Recorder recorder = new Recorder();
        client(WebSocketClient.builder()).connect(uri(server), recorder);
        assertEquals(1007, clientClose.get(30, TimeUnit.SECONDS).closeCode());
        recorder.awaitClosed();
    }

    @Test
    void aMessageOverTheLimitFailsWith1009() throws Exception {
        ClientBuilder small = WebSocketClient.builder().maxMessageSize(1024).maxFrameSize(1024);
        assertClientFails(FakeServer.frame(true, 0x2, new byte[2000], null), 1009, Violation.FRAME_TOO_BIG, small);
    }

    @Test
    void aFragmentedMessageOverTheLimitFailsWith1009() throws Exception {
        ClientBuilder small = WebSocketClient.builder().maxMessageSize(1024).maxFrameSize(1024);
        byte[] fragments = concat(FakeServer.frame(false, 0x2, new byte[600], null),
                FakeServer.frame(true, 0x0, new byte[600], null));
        assertClientFails(fragments, 1009, Violation.MESSAGE_TOO_BIG, small);
    }

    static Stream<Arguments> violations() {
        byte[] none = new byte[0];
        return Stream.of(
                Arguments.of("RSV1 without an extension", frame(0x80 | 0x40 | 0x1, "a".getBytes()),
                        Violation.RESERVED_BITS),
                Arguments.of("reserved opcode 3", frame(0x80 | 0x3, none), Violation.RESERVED_OPCODE),
                Arguments.of("reserved control opcode 0xB", frame(0x80 | 0xb, none), Violation.RESERVED_OPCODE),
                Arguments.of("fragmented ping", frame(0x9, none), Violation.FRAGMENTED_CONTROL_FRAME),
                Arguments.of("ping of 126 bytes", frame(0x80 | 0x9, new byte[126]), Violation.CONTROL_FRAME_TOO_LONG),
                Arguments.of("continuation first", frame(0x80, "a".getBytes()), Violation.UNEXPECTED_CONTINUATION),
                Arguments.of("text inside a fragmented message",
                        concat(frame(0x1, "a".getBytes()), frame(0x80 | 0x1, "b".getBytes())),
                        Violation.EXPECTED_CONTINUATION),
                Arguments.of("close with a 1-byte payload", frame(0x80 | 0x8, new byte[] {3}),
                        Violation.CLOSE_PAYLOAD_TOO_SHORT),
                Arguments.of("close with code 1005", frame(0x80 | 0x8, new byte[] {0x03, (byte) 0xed}),
                        Violation.INVALID_CLOSE_CODE),
                Arguments.of("close with code 999", frame(0x80 | 0x8, new byte[] {0x03, (byte) 0xe7}),
                        Violation.INVALID_CLOSE_CODE),
                Arguments.of("64-bit length with the top bit set",
                        new byte[] {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1},
                        Violation.LENGTH_OUT_OF_RANGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void aServerThatBreaksARuleIsAnsweredWith1002(String what, byte[] bytes, Violation violation) throws Exception {
        CompletableFuture<FakeServer.Frame> clientClose = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            exchange.send(bytes);
            clientClose.complete(exchange.readUntilClose());
            exchange.sendClose(1002, "");
        });
        Recorder recorder = new Recorder();
        client(WebSocketClient.builder()).connect(uri(server), recorder);
        FakeServer.Frame close = clientClose.get(30, TimeUnit.SECONDS);
        assertNotNull(close, what + ": the client sent no close frame");
        assertEquals(1002, close.closeCode(), what);
        assertEquals(CloseCode.PROTOCOL_ERROR, recorder.awaitClosed().code(), what);
        ProtocolException error = assertInstanceOf(ProtocolException.class, recorder.errors.poll(5, TimeUnit.SECONDS));
        assertEquals(violation, error.violation(), what);
    }

    @Test
    void aServerPingIsAnsweredWithAMaskedPongOfTheSamePayload() throws Exception {
        CompletableFuture<FakeServer.Frame> pong = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            exchange.sendFrame(true, 0x9, "are you there".getBytes(StandardCharsets.UTF_8));
            pong.complete(exchange.readFrame());
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
        });
        Recorder recorder = new Recorder();
        Session session = client(WebSocketClient.builder()).connect(uri(server), recorder);
        FakeServer.Frame frame = pong.get(30, TimeUnit.SECONDS);
        assertEquals(0xA, frame.opcode());
        assertTrue(frame.masked());
        assertEquals("are you there", frame.text());
        session.close();
        recorder.awaitClosed();
    }

    // ---- the closing handshake (RFC 6455 7.1.1: the server closes TCP first) ----

    @Test
    void afterTheClosingHandshakeTheClientDoesNotCloseTcpBeforeTheServer() throws Exception {
        CompletableFuture<Void> clientHeardClose = new CompletableFuture<>();
        CompletableFuture<FakeServer.Frame> clientClose = new CompletableFuture<>();
        CompletableFuture<Boolean> eofBeforeServerClosed = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            clientClose.complete(exchange.readUntilClose());
            exchange.sendClose(1000, "");
            clientHeardClose.get(30, TimeUnit.SECONDS);
            // The client has the close (its onClose ran). It must now wait for us: no FIN, no RST.
            eofBeforeServerClosed.complete(exchange.awaitEof(Duration.ofSeconds(2)));
            // and now the server closes first
        });
        Recorder recorder = new Recorder();
        WebSocketClient client = client(WebSocketClient.builder().closeTimeout(Duration.ofSeconds(30)));
        Session session = client.connect(uri(server), recorder);
        session.close();
        assertEquals(1000, clientClose.get(30, TimeUnit.SECONDS).closeCode());
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());
        clientHeardClose.complete(null);
        assertFalse(eofBeforeServerClosed.get(30, TimeUnit.SECONDS),
                "the client closed (or half-closed) TCP before the server did");
    }

    @Test
    void afterTheClosingHandshakeTheClientKeepsItsSocketOpenUntilTheServerCloses() throws Exception {
        // Whatever the client does with its output, it must not drop the socket while the server may
        // still send: bytes written after the close frames must not be answered with a reset.
        CompletableFuture<Void> clientHeardClose = new CompletableFuture<>();
        CompletableFuture<IOException> writeFailure = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
            clientHeardClose.get(30, TimeUnit.SECONDS);
            try {
                for (int i = 0; i < 10; i++) {
                    exchange.send(new byte[1024]);
                    Thread.sleep(100);
                }
                writeFailure.complete(null);
            } catch (IOException e) {
                writeFailure.complete(e);
            }
        });
        Recorder recorder = new Recorder();
        WebSocketClient client = client(WebSocketClient.builder().closeTimeout(Duration.ofSeconds(30)));
        Session session = client.connect(uri(server), recorder);
        session.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());
        clientHeardClose.complete(null);
        IOException failure = writeFailure.get(30, TimeUnit.SECONDS);
        assertEquals(null, failure, "the client reset the connection before the server closed it: " + failure);
    }

    @Test
    void theServerClosingFirstIsAClean1000() throws Exception {
        FakeServer server = server(exchange -> {
            exchange.sendClose(1000, "bye");
            FakeServer.Frame echo = exchange.readUntilClose();
            if (echo == null || echo.closeCode() != 1000 || !echo.masked()) {
                throw new AssertionError("the client did not echo the close: " + echo);
            }
        });
        Recorder recorder = new Recorder();
        client(WebSocketClient.builder()).connect(uri(server), recorder);
        assertEquals(new Recorder.Closed(CloseCode.NORMAL_CLOSURE, "bye"), recorder.awaitClosed());
        assertTrue(recorder.errors.isEmpty(), "a clean close is no error: " + recorder.errors);
        assertTrue(server.failures.poll(1, TimeUnit.SECONDS) == null, "server script: " + server.failures);
    }

    @Test
    void aServerThatNeverAnswersTheCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        CompletableFuture<FakeServer.Frame> clientClose = new CompletableFuture<>();
        CompletableFuture<Long> eofAfterNanos = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            clientClose.complete(exchange.readUntilClose());
            long start = System.nanoTime();
            // Never answers; waits for the client to give up.
            eofAfterNanos.complete(exchange.awaitEof(Duration.ofSeconds(40)) ? System.nanoTime() - start : -1L);
        });
        Recorder recorder = new Recorder();
        WebSocketClient client = client(WebSocketClient.builder().closeTimeout(Duration.ofMillis(300)));
        Session session = client.connect(uri(server), recorder);
        session.close(CloseCode.GOING_AWAY, "leaving");
        assertEquals(1001, clientClose.get(30, TimeUnit.SECONDS).closeCode());
        long nanos = eofAfterNanos.get(50, TimeUnit.SECONDS);
        assertTrue(nanos >= 0, "the client never closed the connection");
        assertTrue(nanos < TimeUnit.SECONDS.toNanos(10), "closed after " + nanos / 1_000_000 + " ms, with a 300 ms "
                + "close timeout");
        Recorder.Closed closed = recorder.awaitClosed();
        assertEquals(CloseCode.ABNORMAL_CLOSURE, closed.code(), "no close frame came back: 1006, " + closed);
    }

    @Test
    void aServerThatAnswersTheCloseButKeepsTcpOpenIsDroppedAfterTheCloseTimeout() throws Exception {
        CompletableFuture<Long> resetAfterNanos = new CompletableFuture<>();
        FakeServer server = server(exchange -> {
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
            long start = System.nanoTime();
            // Never closes; probes with a byte every 50 ms until the client's socket is gone (a reset).
            try {
                while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(40)) {
                    exchange.send(new byte[1]);
                    Thread.sleep(50);
                }
                resetAfterNanos.complete(-1L);
            } catch (IOException e) {
                resetAfterNanos.complete(System.nanoTime() - start);
            }
        });
        Recorder recorder = new Recorder();
        WebSocketClient client = client(WebSocketClient.builder().closeTimeout(Duration.ofMillis(300)));
        Session session = client.connect(uri(server), recorder);
        session.close();
        assertEquals(CloseCode.NORMAL_CLOSURE, recorder.awaitClosed().code());
        long nanos = resetAfterNanos.get(50, TimeUnit.SECONDS);
        assertTrue(nanos >= 0, "the client never closed its socket");
        assertTrue(nanos < TimeUnit.SECONDS.toNanos(10), "closed after " + nanos / 1_000_000 + " ms, with a 300 ms "
                + "close timeout");
    }
}
