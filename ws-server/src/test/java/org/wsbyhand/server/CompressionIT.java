package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Event;
import org.wsbyhand.protocol.Frame;
import org.wsbyhand.protocol.FrameEncoder;
import org.wsbyhand.protocol.Opcode;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.session.PreparedMessage;

/**
 * permessage-deflate (RFC 7692) end to end on loopback: negotiation, compressed echoes both ways,
 * broadcast to compressed and plain sessions, the message limit against a decompression bomb, and
 * the JDK client (which does not offer the extension) served uncompressed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressionIT {

    private static final DeflateOptions OFFER = DeflateOptions.defaults();

    /** Chat-like JSON: compressible, like what the chat app sends. */
    static String chatJson(int messages) {
        StringBuilder json = new StringBuilder("{\"msg\":[");
        for (int i = 0; i < messages; i++) {
            json.append(i == 0 ? "" : ",").append("{\"user\":\"user").append(i % 7).append("\",\"text\":\"message number ")
                    .append(i).append(" says hello\",\"time\":").append(1_763_700_000_000L + i * 977L).append('}');
        }
        return json.append("]}").toString();
    }

    static ServerBuilder echoServer(WebSocketHandler handler) {
        return WebSocketServer.builder().bindAddress("127.0.0.1").port(0).route("/echo", handler)
                .closeTimeout(Duration.ofSeconds(2));
    }

    @Nested
    class Negotiation {

        @Test
        void aClientOfferingPermessageDeflateGetsCompressedEchoesAndTheStatsShowIt() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = echoServer(handler).build()) {
                server.start();
                String json = chatJson(200);
                try (DeflateClient client = DeflateClient.open(server.port(), "/echo", OFFER)) {
                    assertEquals(List.of("permessage-deflate"),
                            client.handshake.response().headers().all("Sec-WebSocket-Extensions"));
                    assertEquals(Optional.of(DeflateParameters.defaults()), client.agreed);
                    assertTrue(handler.opened.get(5, TimeUnit.SECONDS).isCompressed());

                    client.sendText(json);
                    assertEquals(json, client.nextText());
                    assertTrue(client.lastMessageCompressed(), "the echo carried RSV1");
                    client.sendText(json);
                    assertEquals(json, client.nextText());
                    client.close(1000);
                    client.nextText();
                } catch (java.io.EOFException closed) {
                    // the close handshake ended the exchange
                }
                handler.awaitClosed();
                ServerStats.Compression stats = server.stats().compression();
                assertEquals(2, stats.messagesIn());
                assertEquals(2, stats.messagesOut());
                assertEquals(2L * json.length(), stats.inflatedBytesIn());
                assertEquals(2L * json.length(), stats.originalBytesOut());
                assertTrue(stats.ratioOut() > 5, "chat JSON compresses several-fold: " + stats);
                assertTrue(server.stats().bytesIn() < json.length(), "two messages took fewer wire bytes than one raw: "
                        + server.stats().bytesIn());
                System.out.printf("compressed echo of %d-byte chat JSON: %s, wire in %d, out %d%n", json.length(), stats,
                        server.stats().bytesIn(), server.stats().bytesOut());
            }
        }

        @Test
        void messagesUnderTheMinimumSizeGoOutUncompressed() throws Exception {
            try (WebSocketServer server = echoServer(new RecordingHandler(true)).compressionMinSize(100).build()) {
                server.start();
                try (DeflateClient client = DeflateClient.open(server.port(), "/echo", OFFER)) {
                    client.sendText("x".repeat(99));
                    assertEquals("x".repeat(99), client.nextText());
                    assertFalse(client.lastMessageCompressed());
                    client.sendText("x".repeat(100));
                    assertEquals("x".repeat(100), client.nextText());
                    assertTrue(client.lastMessageCompressed());
                }
            }
        }

        @Test
        void withCompressionOffAClientThatOffersItIsServedUncompressed() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = echoServer(handler).compression(false).build()) {
                server.start();
                try (DeflateClient client = DeflateClient.open(server.port(), "/echo", OFFER)) {
                    assertEquals(List.of(), client.handshake.response().headers().all("Sec-WebSocket-Extensions"));
                    assertEquals(Optional.empty(), client.agreed);
                    String json = chatJson(50);
                    client.sendText(json);
                    assertEquals(json, client.nextText());
                    assertFalse(client.lastMessageCompressed());
                    assertFalse(handler.opened.get(5, TimeUnit.SECONDS).isCompressed());
                }
            }
        }

        @Test
        void noContextTakeoverIsAskedOfEveryClientWhenConfigured() throws Exception {
            try (WebSocketServer server = echoServer(new RecordingHandler(true)).compressionNoContextTakeover(true).build()) {
                server.start();
                try (DeflateClient client = DeflateClient.open(server.port(), "/echo", OFFER)) {
                    assertEquals(List.of("permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                            client.handshake.response().headers().all("Sec-WebSocket-Extensions"));
                    for (int i = 0; i < 5; i++) {
                        String json = chatJson(10 + i);
                        client.sendText(json);
                        assertEquals(json, client.nextText());
                        assertTrue(client.lastMessageCompressed());
                    }
                }
            }
        }

        @Test
        void theJdkClientWhichDoesNotOfferItIsServedUncompressed() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = echoServer(handler).build()) {
                server.start();
                HttpClient http = HttpClient.newHttpClient();
                JdkClient client = JdkClient.connect(http, server.port(), "/echo");
                String json = chatJson(300);
                client.socket.sendText(json, true).get(5, TimeUnit.SECONDS);
                assertEquals(json, client.nextMessage());
                assertFalse(handler.opened.get(5, TimeUnit.SECONDS).isCompressed());
                client.socket.sendClose(1000, "").get(5, TimeUnit.SECONDS);
                handler.awaitClosed();
                assertEquals(0, server.stats().compression().messagesIn());
                assertEquals(0, server.stats().compression().messagesOut());
                assertTrue(server.stats().bytesIn() > json.length(), "uncompressed on the wire");
            }
        }
    }

    @Nested
    class Broadcast {

        @Test
        void aBroadcastReachesCompressedAndPlainSessionsAndKeepsEachCompressedStreamInStep() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = echoServer(handler).build();) {
                server.start();
                try (DeflateClient compressed = DeflateClient.open(server.port(), "/echo", OFFER);
                        DeflateClient plain = DeflateClient.open(server.port(), "/echo", null)) {
                    String own = chatJson(40);
                    // The compressed session's window now holds the echo of `own`...
                    compressed.sendText(own);
                    assertEquals(own, compressed.nextText());
                    // ...a broadcast compressed without context goes to both...
                    String news = chatJson(60);
                    awaitSessions(server, 2);
                    assertEquals(2, server.broadcast(PreparedMessage.text(news)));
                    assertEquals(news, compressed.nextText());
                    assertTrue(compressed.lastMessageCompressed());
                    assertEquals(news, plain.nextText());
                    assertFalse(plain.lastMessageCompressed());
                    // ...and the session's own next compressed message still decodes.
                    compressed.sendText(own);
                    assertEquals(own, compressed.nextText());
                    assertTrue(compressed.lastMessageCompressed());
                }
            }
        }

        private void awaitSessions(WebSocketServer server, int count) throws InterruptedException {
            // server.sessions() lists a session once it has started (what broadcast() sends to); the
            // open-session count in the stats already includes connections still in their handshake.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.sessions().size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(count, server.sessions().size());
        }
    }

    @Nested
    class Safety {

        @Test
        void aDecompressionBombClosesTheSessionWith1009() throws Exception {
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = echoServer(handler).maxMessageSize(64 * 1024).build()) {
                server.start();
                byte[] bomb = zeroBomb(32 << 20);
                assertTrue(bomb.length < 64 * 1024, "a few tens of KB on the wire: " + bomb.length);
                try (DeflateClient client = DeflateClient.open(server.port(), "/echo", OFFER)) {
                    client.sendRaw(FrameEncoder.encode(true, Frame.RSV1, Opcode.BINARY, ByteBuffer.wrap(bomb), true, 0x5a5a5a5a));
                    Event event = client.next();
                    assertEquals(new Event.Close(CloseCode.MESSAGE_TOO_BIG,
                            "message larger than the message size limit"), event);
                }
                assertEquals(CloseCode.MESSAGE_TOO_BIG, handler.awaitClosed().code());
                assertEquals(1, server.stats().closes(CloseCode.MESSAGE_TOO_BIG));
                assertEquals(0, server.stats().messagesIn());
            }
        }

        private static byte[] zeroBomb(int size) {
            Deflater deflater = new Deflater(9, true);
            try {
                deflater.setInput(new byte[size]);
                byte[] out = new byte[size / 500 + 1024];
                int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
                return java.util.Arrays.copyOf(out, n - 4);
            } finally {
                deflater.end();
            }
        }

        @Test
        void closedSessionsLeaveNoZlibStreamsBehind() throws Exception {
            long deflaters = PerMessageDeflate.liveDeflaters();
            long inflaters = PerMessageDeflate.liveInflaters();
            RecordingHandler handler = new RecordingHandler(true);
            try (WebSocketServer server = echoServer(handler).build()) {
                server.start();
                DeflateClient client = DeflateClient.open(server.port(), "/echo", OFFER);
                client.sendText(chatJson(30));
                client.nextText();
                client.socket.setSoLinger(true, 0);
                client.close(); // an abrupt end: reset, no close frame
                assertEquals(CloseCode.ABNORMAL_CLOSURE, handler.awaitClosed().code());
            }
            // The client's own streams were ended by close() too.
            assertEquals(deflaters, PerMessageDeflate.liveDeflaters());
            assertEquals(inflaters, PerMessageDeflate.liveInflaters());
        }
    }
}
