package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;
import org.wsbyhand.session.PreparedMessage;

/** The server against the JDK's own WebSocket client, an implementation independent of ours. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketServerIT {
    private static final int SIXTEEN_MIB = 16 << 20;

    private static HttpClient http;

    @BeforeAll
    static void client() {
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void closeClient() {
        // close() would wait for sockets some tests leave open on purpose.
        http.shutdownNow();
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Echo {
        private WebSocketServer server;

        @BeforeAll
        void start() throws Exception {
            server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .maxFrameSize(SIXTEEN_MIB).maxMessageSize(SIXTEEN_MIB).maxOutboundBytes(2L * SIXTEEN_MIB)
                    .route("/echo", new RecordingHandler(true))
                    .build();
            server.start();
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 125, 126, 65535, 65536, 1 << 20, SIXTEEN_MIB})
        void textMessagesOfEverySizeBoundaryComeBackUnchanged(int size) throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/echo");
            String text = "é".repeat(size / 2) + "a".repeat(size % 2);
            client.socket.sendText(text, true).get(30, TimeUnit.SECONDS);
            assertEquals(text, client.nextMessage());
            client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            assertEquals(1000, client.awaitClose().code());
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 125, 126, 65535, 65536, 1 << 20, SIXTEEN_MIB})
        void binaryMessagesOfEverySizeBoundaryComeBackUnchanged(int size) throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/echo");
            byte[] data = new byte[size];
            for (int i = 0; i < size; i++) {
                data[i] = (byte) (i * 31 + 7);
            }
            client.socket.sendBinary(ByteBuffer.wrap(data), true).get(30, TimeUnit.SECONDS);
            assertArrayEquals(data, (byte[]) client.nextMessage());
            client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            client.awaitClose();
        }

        @Test
        void fragmentedTextIsReassembledIntoOneMessage() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/echo");
            client.socket.sendText("frag", false).get(10, TimeUnit.SECONDS);
            client.socket.sendText("men", false).get(10, TimeUnit.SECONDS);
            client.socket.sendText("ted ✓", true).get(10, TimeUnit.SECONDS);
            assertEquals("fragmented ✓", client.nextMessage());
            client.socket.abort();
        }

        @Test
        void fragmentedBinaryWithAPingBetweenFragmentsIsReassembled() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/echo");
            client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), false).get(10, TimeUnit.SECONDS);
            client.socket.sendPing(ByteBuffer.wrap(new byte[] {9})).get(10, TimeUnit.SECONDS);
            client.socket.sendBinary(ByteBuffer.wrap(new byte[] {3}), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) client.nextMessage());
            assertEquals(ByteBuffer.wrap(new byte[] {9}), client.pongs.poll(10, TimeUnit.SECONDS));
            client.socket.abort();
        }

        @Test
        void serverAnswersAPingWithAPongCarryingTheSamePayload() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/echo");
            client.socket.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)))
                    .get(10, TimeUnit.SECONDS);
            ByteBuffer pong = client.pongs.poll(10, TimeUnit.SECONDS);
            assertEquals(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)), pong);
            client.socket.abort();
        }
    }

    @Nested
    class Sessions {
        private WebSocketServer server;
        private RecordingHandler handler;

        @BeforeEach
        void start() throws Exception {
            handler = new RecordingHandler(false);
            server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .route("/s", handler).subprotocols("chat.v2", "json").build();
            server.start();
        }

        @AfterEach
        void stop() {
            server.close();
        }

        @Test
        void clientCloseCodeAndReasonReachTheHandlerAndAreEchoed() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s");
            client.socket.sendClose(4001, "bye now").get(10, TimeUnit.SECONDS);
            RecordingHandler.Closed closed = handler.awaitClosed();
            assertEquals(CloseCode.of(4001), closed.code());
            assertEquals("bye now", closed.reason());
            assertEquals(null, closed.error());
            assertEquals(4001, client.awaitClose().code());
            assertEquals(1, server.stats().closes(CloseCode.of(4001)));
        }

        @Test
        void serverCloseCodeAndReasonReachTheClient() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s");
            Session session = handler.opened.get(10, TimeUnit.SECONDS);
            session.close(CloseCode.of(4002), "done here");
            JdkClient.Close close = client.awaitClose();
            assertEquals(4002, close.code());
            assertEquals("done here", close.reason());
            assertFalse(session.isOpen());
            // The JDK client echoes the close by itself once onClose returns.
            assertEquals(CloseCode.of(4002), handler.awaitClosed().code());
        }

        @Test
        void sendingOnAClosedSessionReturnsFalse() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s");
            Session session = handler.opened.get(10, TimeUnit.SECONDS);
            session.close();
            assertFalse(session.sendText("too late"));
            client.awaitClose();
        }

        @Test
        void serverPingIsAnsweredAndReportedToOnPong() throws Exception {
            JdkClient.connect(http, server.port(), "/s");
            Session session = handler.opened.get(10, TimeUnit.SECONDS);
            assertTrue(session.sendPing(new byte[] {4, 2}));
            RecordingHandler.Call call = handler.next();
            assertEquals("open", call.kind());
            call = handler.next();
            assertEquals("pong", call.kind());
            assertArrayEquals(new byte[] {4, 2}, (byte[]) call.value());
        }

        @Test
        void serverSendsTextAndBinaryFromAnotherThread() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s");
            Session session = handler.opened.get(10, TimeUnit.SECONDS);
            Thread.ofVirtual().start(() -> {
                session.sendText("from elsewhere");
                session.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                session.send(PreparedMessage.text("prepared"));
            }).join();
            assertEquals("from elsewhere", client.nextMessage());
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) client.nextMessage());
            assertEquals("prepared", client.nextMessage());
        }

        @Test
        void sessionExposesRequestAndAttributes() throws Exception {
            JdkClient.connect(http, server.port(), "/s?room=blue&x=1");
            Session session = handler.opened.get(10, TimeUnit.SECONDS);
            assertEquals("/s", session.request().path());
            assertEquals("room=blue&x=1", session.request().query());
            assertEquals(java.util.List.of("blue"), session.request().queryParameters().get("room"));
            assertTrue(session.request().header("host").isPresent());
            session.attributes().put("user", "ada");
            assertEquals("ada", session.attributes().get("user"));
            assertTrue(session.isOpen());
            assertFalse(session.id().isEmpty());
        }

        @Test
        void subprotocolIsChosenInServerPreferenceOrder() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s", "json", "chat.v2");
            assertEquals("chat.v2", client.socket.getSubprotocol());
            assertEquals("chat.v2", handler.opened.get(10, TimeUnit.SECONDS).subprotocol().orElseThrow());
        }

        @Test
        void noSubprotocolIsChosenWhenTheClientOffersNone() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s");
            assertEquals("", client.socket.getSubprotocol());
            assertTrue(handler.opened.get(10, TimeUnit.SECONDS).subprotocol().isEmpty());
        }

        @Test
        void noSubprotocolIsChosenWhenNoneOfferedIsAcceptable() throws Exception {
            try (RawClient raw = RawClient.connect(server.port())) {
                String head = raw.request(RawClient.upgradeRequest("/s", RawClient.newKey(),
                        "Sec-WebSocket-Protocol: mqtt, soap\r\n"));
                assertEquals(101, RawClient.status(head));
                assertFalse(head.toLowerCase().contains("sec-websocket-protocol"));
            }
            assertTrue(handler.opened.get(10, TimeUnit.SECONDS).subprotocol().isEmpty());
        }

        @Test
        void statsCountUpgradesMessagesAndBytes() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s");
            client.socket.sendText("one", true).get(10, TimeUnit.SECONDS);
            handler.next();
            assertEquals("text", handler.next().kind());
            ServerStats stats = server.stats();
            assertEquals(1, stats.openSessions());
            assertEquals(1, stats.upgradesAccepted());
            assertEquals(1, stats.messagesIn());
            assertTrue(stats.bytesIn() >= 3 + 6, "a masked 3-byte text frame is 9 bytes");
        }

        @Test
        void handlerExceptionFailsOnlyThatSessionWith1011() throws Exception {
            WebSocketServer failing = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .route("/boom", new WebSocketHandler() {
                        @Override
                        public void onText(Session session, String text) {
                            throw new IllegalStateException("handler bug");
                        }
                    }).build();
            failing.start();
            try {
                JdkClient client = JdkClient.connect(http, failing.port(), "/boom");
                client.socket.sendText("x", true).get(10, TimeUnit.SECONDS);
                assertEquals(1011, client.awaitClose().code());
            } finally {
                failing.close();
            }
        }

        @Test
        void onErrorPrecedesOnCloseWhenTheClientVanishes() throws Exception {
            JdkClient client = JdkClient.connect(http, server.port(), "/s");
            handler.opened.get(10, TimeUnit.SECONDS);
            client.socket.abort();
            RecordingHandler.Closed closed = handler.awaitClosed();
            assertEquals(CloseCode.ABNORMAL_CLOSURE, closed.code());
            assertInstanceOf(java.io.IOException.class, closed.error());
            String[] kinds = handler.calls.stream().map(RecordingHandler.Call::kind).toArray(String[]::new);
            assertEquals(Arrays.asList("open", "error", "close"), Arrays.asList(kinds));
        }
    }

    /** Starting: errors that name what failed, and a start that failed can be tried again. */
    @Nested
    @Timeout(60)
    class Lifecycle {
        @Test
        void aBindFailureNamesTheAddressAndAFailedStartCanBeRetried() throws Exception {
            WebSocketServer server;
            ServerSocket squatter = new ServerSocket();
            try {
                squatter.bind(new InetSocketAddress("127.0.0.1", 0));
                int port = squatter.getLocalPort();
                server = WebSocketServer.builder().bindAddress("127.0.0.1").port(port)
                        .route("/echo", new WebSocketHandler() {}).build();
                BindException e = assertThrows(
                        BindException.class, server::start);
                assertTrue(e.getMessage().startsWith("cannot listen on ws://127.0.0.1:" + port + ": "), e.getMessage());
                assertNotNull(e.getCause(), "the socket's own exception is kept");
            } finally {
                squatter.close();
            }
            try {
                server.start(); // the port is free now
                JdkClient client = JdkClient.connect(HttpClient.newHttpClient(), server.port(), "/echo");
                client.socket.sendClose(1000, "").get(10, TimeUnit.SECONDS);
                assertEquals(1000, client.awaitClose().code());
                IllegalStateException twice = assertThrows(
                        IllegalStateException.class, server::start);
                assertTrue(twice.getMessage().contains("already started"), twice.getMessage());
            } finally {
                server.close();
            }
            IllegalStateException closed = assertThrows(
                    IllegalStateException.class, server::start);
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        }

        @Test
        void anUnknownBindAddressIsNamed() {
            WebSocketServer server = WebSocketServer.builder().bindAddress("no-such-host.invalid").port(0)
                    .route("/echo", new WebSocketHandler() {}).build();
            UnknownHostException e = assertThrows(
                    UnknownHostException.class, server::start);
            assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
            server.close();
        }
    }
}
