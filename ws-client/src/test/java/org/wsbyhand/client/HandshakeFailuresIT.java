package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.client.WebSocketConnectException.Failure;
import org.wsbyhand.protocol.handshake.AcceptKey;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeFailure;
import org.wsbyhand.session.Session;

/**
 * Issue 17: every way a connection can fail before it opens gives a {@link WebSocketConnectException}
 * naming the step (DNS, refused, connect timeout, handshake timeout, a non-101 answer with its status
 * and a bounded body, an invalid 101), and the request the client sends is the one RFC 6455 4.1
 * asks for. The servers are {@link FakeServer}s on 127.0.0.1 that answer exactly what each test
 * scripts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeFailuresIT {
    @AutoClose
    private final Closer closer = new Closer();

    private WebSocketClient client(ClientBuilder builder) {
        return closer.add(builder.build());
    }

    private WebSocketClient client() {
        return client(WebSocketClient.builder());
    }

    private FakeServer server(FakeServer.Script script) throws IOException {
        return closer.add(new FakeServer(script));
    }

    private static URI uri(FakeServer server, String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    private static WebSocketConnectException fails(WebSocketClient client, URI uri) {
        return assertThrows(WebSocketConnectException.class, () -> client.connect(uri, new Recorder()));
    }

    private static WebSocketConnectException fails(WebSocketClient client, ClientRequest request) {
        return assertThrows(WebSocketConnectException.class, () -> client.connect(request, new Recorder()));
    }

    // ---- before HTTP: DNS, TCP ----

    @Test
    void aClosedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket dead = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = dead.getLocalPort();
        }
        URI uri = URI.create("ws://127.0.0.1:" + port + "/");
        WebSocketConnectException e = fails(client(), uri);
        assertEquals(Failure.REFUSED, e.failure(), e.toString());
        assertEquals(uri, e.uri());
        assertEquals(0, e.status(), "no HTTP answer");
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void anUnknownHostFailsAsUnknownHost() throws Exception {
        // RFC 6761 6.4: .invalid never resolves. A sandbox without a resolver may hang instead: then skip.
        CompletableFuture<Boolean> resolves = CompletableFuture.supplyAsync(() -> {
            try {
                InetAddress.getByName("nonexistent.invalid");
                return true;
            } catch (UnknownHostException e) {
                return false;
            }
        });
        Boolean resolved;
        try {
            resolved = resolves.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            resolved = null;
        }
        assumeTrue(resolved != null, "the resolver did not answer for nonexistent.invalid within 15 s");
        assumeTrue(!resolved, "this resolver answers for nonexistent.invalid (a hijacking resolver)");

        WebSocketClient client = client();
        CompletableFuture<Session> attempt = client.connectAsync(URI.create("ws://nonexistent.invalid:8080/x"),
                new Recorder());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> attempt.get(30, TimeUnit.SECONDS));
        WebSocketConnectException e = assertInstanceOf(WebSocketConnectException.class, failed.getCause());
        assertEquals(Failure.UNKNOWN_HOST, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("nonexistent.invalid"), e.getMessage());
        assertInstanceOf(UnknownHostException.class, e.getCause());
    }

    @Test
    void aConnectionThatIsNeverAcceptedTimesOut() throws Exception {
        // A listening socket with a full accept queue drops further SYNs: a connect then hangs until
        // its timeout. Fill the queue with probes; where the stack never drops (no probe times out),
        // there is no deterministic way to time out on loopback and the test is skipped.
        ServerSocket full = closer.add(new ServerSocket());
        full.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1);
        boolean dropping = false;
        for (int i = 0; i < 64 && !dropping; i++) {
            Socket probe = closer.add(new Socket());
            try {
                probe.connect(full.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException e) {
                dropping = true;
            }
        }
        assumeTrue(dropping, "the loopback stack accepted 64 connections on a backlog of 1: cannot make a "
                + "connect time out deterministically here");

        WebSocketClient client = client(WebSocketClient.builder().connectTimeout(Duration.ofMillis(500)));
        long start = System.nanoTime();
        WebSocketConnectException e = fails(client, URI.create("ws://127.0.0.1:" + full.getLocalPort() + "/"));
        assertEquals(Failure.CONNECT_TIMEOUT, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("PT0.5S"), "names the timeout: " + e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "bounded by the connect timeout");
    }

    @Test
    void aServerThatNeverAnswersTimesOutTheHandshake() throws Exception {
        FakeServer server = server(exchange -> exchange.awaitEof(Duration.ofSeconds(30)));
        // Both timeouts short: the wait is bounded however the client splits them.
        WebSocketClient client = client(WebSocketClient.builder().connectTimeout(Duration.ofMillis(500))
                .handshakeTimeout(Duration.ofMillis(500)));
        long start = System.nanoTime();
        WebSocketConnectException e = fails(client, uri(server, "/silent"));
        assertEquals(Failure.HANDSHAKE_TIMEOUT, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("PT0.5S"), "names the timeout: " + e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "bounded by the handshake timeout");
        server.request(); // it did get the request
    }

    @Test
    void aServerThatAnswersOnlyPartOfItsHeadTimesOutTheHandshake() throws Exception {
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n");
            exchange.awaitEof(Duration.ofSeconds(30));
        });
        WebSocketClient client = client(WebSocketClient.builder().connectTimeout(Duration.ofMillis(500))
                .handshakeTimeout(Duration.ofMillis(500)));
        assertEquals(Failure.HANDSHAKE_TIMEOUT, fails(client, uri(server, "/slow")).failure());
    }

    @Test
    void theHandshakeTimeoutAloneBoundsTheWaitForTheAnswer() throws Exception {
        // The connect to loopback is instant; the server never answers. handshakeTimeout is "the longest
        // wait, once connected, for [...] the server's 101": 0.5 s here, whatever the connect timeout is.
        FakeServer server = server(exchange -> exchange.awaitEof(Duration.ofSeconds(50)));
        WebSocketClient client = client(WebSocketClient.builder().connectTimeout(Duration.ofSeconds(30))
                .handshakeTimeout(Duration.ofMillis(500)));
        long start = System.nanoTime();
        WebSocketConnectException e = fails(client, uri(server, "/silent"));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(Failure.HANDSHAKE_TIMEOUT, e.failure(), e.toString());
        assertTrue(seconds < 10, "a 0.5 s handshake timeout took " + seconds + " s (the connect timeout is 30 s)");
    }

    @Test
    void aServerThatClosesBeforeAnsweringIsAnIoFailure() throws Exception {
        FakeServer server = server(exchange -> { });
        WebSocketConnectException e = fails(client(), uri(server, "/hangup"));
        assertEquals(Failure.IO, e.failure(), e.toString());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aServerThatClosesInTheMiddleOfItsHeadIsAnIoFailure() throws Exception {
        FakeServer server = server(exchange -> exchange.send("HTTP/1.1 101 Switching Protocols\r\nUpg"));
        assertEquals(Failure.IO, fails(client(), uri(server, "/half")).failure());
    }

    @Test
    void anOversizedResponseHeadFailsWithoutReadingItAll() throws Exception {
        // The server streams header lines forever; the client must stop at its head size limit (8 KiB).
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 101 Switching Protocols\r\n");
            String line = "X-Filler: " + "a".repeat(1000) + "\r\n";
            try {
                for (int i = 0; i < 100_000; i++) {
                    exchange.send(line);
                }
            } catch (IOException expected) {
                // the client hung up
            }
        });
        WebSocketConnectException e = fails(client(), uri(server, "/big-head"));
        assertEquals(Failure.IO, e.failure(), e.toString());
        HandshakeException cause = assertInstanceOf(HandshakeException.class, e.getCause());
        assertEquals(HandshakeFailure.HEAD_TOO_LARGE, cause.failure());
    }

    @Test
    void aMalformedStatusLineIsAnIoFailure() throws Exception {
        FakeServer server = server(exchange -> exchange.send("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
        WebSocketConnectException e = fails(client(), uri(server, "/ssh"));
        assertEquals(Failure.IO, e.failure(), e.toString());
        assertInstanceOf(HandshakeException.class, e.getCause());
    }

    // ---- a non-101 answer ----

    @Test
    void a403CarriesItsStatusAndBody() throws Exception {
        byte[] body = "forbidden: no token".getBytes(StandardCharsets.UTF_8);
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                    + "\r\n\r\n");
            exchange.send(body);
            exchange.awaitEof(Duration.ofSeconds(30)); // keeps the connection open: the length ends the body
        });
        WebSocketClient client = client(WebSocketClient.builder().handshakeTimeout(Duration.ofSeconds(30)));
        long start = System.nanoTime();
        WebSocketConnectException e = fails(client, uri(server, "/private"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20),
                "the body ends at Content-Length: no wait for the end of the stream or the handshake timeout");
        assertEquals(Failure.REJECTED, e.failure(), e.toString());
        assertEquals(403, e.status());
        assertEquals("forbidden: no token", e.bodyText());
        assertArrayEquals(body, e.body());
        assertTrue(e.getMessage().contains("403"), e.getMessage());
        assertTrue(e.handshakeFailure().isEmpty());
    }

    @Test
    void aHugeBodyIsCutAtMaxErrorBodyBytes() throws Exception {
        int size = 2 << 20;
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 500 Internal Server Error\r\nContent-Length: " + size + "\r\n\r\n");
            try {
                exchange.send(body);
            } catch (IOException expected) {
                // the client read what it wanted and hung up
            }
        });
        WebSocketClient client = client(WebSocketClient.builder().maxErrorBodyBytes(1000));
        WebSocketConnectException e = fails(client, uri(server, "/broken"));
        assertEquals(Failure.REJECTED, e.failure());
        assertEquals(500, e.status());
        assertArrayEquals(Arrays.copyOf(body, 1000), e.body());
    }

    @Test
    void aBodyWithoutLengthIsCutAtMaxErrorBodyBytesWhileTheServerStreamsOn() throws Exception {
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n");
            byte[] chunk = "0123456789".repeat(100).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 1_000_000; i++) { // ~1 GB: only ends because the client hangs up
                    exchange.send(chunk);
                }
            } catch (IOException expected) {
                // the client hung up
            }
        });
        WebSocketClient client = client(WebSocketClient.builder().maxErrorBodyBytes(4096));
        WebSocketConnectException e = fails(client, uri(server, "/busy"));
        assertEquals(Failure.REJECTED, e.failure());
        assertEquals(503, e.status());
        assertEquals(4096, e.body().length);
        assertEquals("0123456789".repeat(410).substring(0, 4096), e.bodyText());
    }

    @Test
    void aChunkedBodyIsDecoded() throws Exception {
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n"
                    + "WWW-Authenticate: Bearer\r\n\r\n");
            exchange.send("6\r\ntoken \r\n8;ext=1\r\nrequired\r\n0\r\n\r\n");
            exchange.awaitEof(Duration.ofSeconds(30)); // the last chunk ends the body, not the stream
        });
        WebSocketClient client = client(WebSocketClient.builder().handshakeTimeout(Duration.ofSeconds(30)));
        long start = System.nanoTime();
        WebSocketConnectException e = fails(client, uri(server, "/auth"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "the last chunk ends the body");
        assertEquals(Failure.REJECTED, e.failure());
        assertEquals(401, e.status());
        assertEquals("token required", e.bodyText());
    }

    @Test
    void aChunkedBodyWithTrailersEndsAtItsLastChunk() throws Exception {
        // RFC 9112 7.1: the last chunk may be followed by trailer fields before the final CRLF.
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n\r\n");
            exchange.send("4\r\nslow\r\n5\r\n down\r\n0\r\nRetry-After: 5\r\n\r\n");
            exchange.awaitEof(Duration.ofSeconds(50)); // the body is over; the connection stays open
        });
        WebSocketClient client = client(WebSocketClient.builder().connectTimeout(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(30)));
        long start = System.nanoTime();
        WebSocketConnectException e = fails(client, uri(server, "/limited"));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertEquals(429, e.status());
        assertEquals("slow down", e.bodyText());
        assertTrue(seconds < 10, "the body ended at its last chunk and trailers, yet the client waited " + seconds
                + " s (until the handshake timeout) for more");
    }

    @Test
    void aLongChunkedBodyIsCutAtMaxErrorBodyBytes() throws Exception {
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n");
            try {
                for (int i = 0; i < 10_000; i++) {
                    exchange.send("a\r\n0123456789\r\n");
                }
                exchange.send("0\r\n\r\n");
            } catch (IOException expected) {
                // the client hung up
            }
        });
        WebSocketClient client = client(WebSocketClient.builder().maxErrorBodyBytes(100));
        WebSocketConnectException e = fails(client, uri(server, "/gone"));
        assertEquals(404, e.status());
        assertEquals("0123456789".repeat(10), e.bodyText());
    }

    @Test
    void maxErrorBodyBytesZeroKeepsNoBody() throws Exception {
        FakeServer server = server(exchange ->
                exchange.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\n\r\nnope!"));
        WebSocketClient client = client(WebSocketClient.builder().maxErrorBodyBytes(0));
        WebSocketConnectException e = fails(client, uri(server, "/"));
        assertEquals(400, e.status());
        assertEquals(0, e.body().length);
    }

    @Test
    void aRedirectIsNotFollowedByDefault() throws Exception {
        FakeServer server = server(exchange ->
                exchange.send("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"));
        WebSocketConnectException e = fails(client(), uri(server, "/here"));
        assertEquals(Failure.REDIRECT, e.failure());
        assertEquals(302, e.status());
    }

    // ---- an invalid 101 ----

    private static void assertInvalid(WebSocketConnectException e, HandshakeFailure rule) {
        assertEquals(Failure.INVALID_HANDSHAKE, e.failure(), e.toString());
        assertEquals(Optional.of(rule), e.handshakeFailure(), e.toString());
        assertEquals(101, e.status());
    }

    /** A server that answers with the head {@code answer} makes of the request, then checks the client hangs up. */
    private FakeServer answering(java.util.function.Function<FakeServer.Exchange, String> answer,
            CompletableFuture<Boolean> hungUp) throws IOException {
        return server(exchange -> {
            exchange.send(answer.apply(exchange));
            hungUp.complete(exchange.awaitEof(Duration.ofSeconds(20)));
        });
    }

    @Test
    void aWrongAcceptValueFailsAndTheClientHangsUp() throws Exception {
        CompletableFuture<Boolean> hungUp = new CompletableFuture<>();
        String wrong = AcceptKey.of("dGhlIHNhbXBsZSBub25jZQ=="); // valid form, another key's
        FakeServer server = answering(exchange -> "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + wrong + "\r\n\r\n", hungUp);
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.ACCEPT_MISMATCH);
        assertTrue(hungUp.get(30, TimeUnit.SECONDS), "the client closes the connection after an invalid 101");
    }

    @Test
    void anAcceptValueInAnotherCaseFails() throws Exception {
        // base64 is case-sensitive: a server that upper-cases the value did not compute it for our key.
        FakeServer server = server(exchange -> exchange.send("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + exchange.acceptValue().toUpperCase(java.util.Locale.ROOT) + "\r\n\r\n"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.ACCEPT_MISMATCH);
    }

    @Test
    void tokensAreCaseInsensitiveAndListsAreAccepted() throws Exception {
        // RFC 6455 4.1 items 2-3: "websocket" and "Upgrade" compare case-insensitively, in token lists.
        FakeServer server = server(exchange -> {
            exchange.send("HTTP/1.1 101 Switching Protocols\r\nUPGRADE: WebSocket\r\n"
                    + "connection: keep-alive, UPGRADE\r\nsec-websocket-accept: " + exchange.acceptValue()
                    + "\r\n\r\n");
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
        });
        Recorder recorder = new Recorder();
        Session session = client().connect(uri(server, "/"), recorder);
        session.close();
        recorder.awaitClosed();
    }

    @Test
    void aMissingAcceptValueFails() throws Exception {
        FakeServer server = server(exchange -> exchange.send("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.ACCEPT_MISMATCH);
    }

    @Test
    void anAcceptValueRepeatedFails() throws Exception {
        FakeServer server = server(exchange -> exchange.send("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + exchange.acceptValue()
                + "\r\nSec-WebSocket-Accept: " + exchange.acceptValue() + "\r\n\r\n"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.ACCEPT_MISMATCH);
    }

    @Test
    void a101WithoutUpgradeWebsocketFails() throws Exception {
        FakeServer server = server(exchange -> exchange.send("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + exchange.acceptValue()
                + "\r\n\r\n"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.NOT_A_WEBSOCKET_UPGRADE);
    }

    @Test
    void a101WithoutConnectionUpgradeFails() throws Exception {
        FakeServer server = server(exchange -> exchange.send("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Accept: " + exchange.acceptValue() + "\r\n\r\n"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.MISSING_CONNECTION_UPGRADE);
    }

    @Test
    void aSubprotocolThatWasNotOfferedFails() throws Exception {
        FakeServer server = server(exchange -> exchange.accept("Sec-WebSocket-Protocol: chat"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.UNEXPECTED_SUBPROTOCOL);
        // Offered others, chose one not among them.
        ClientRequest offering = ClientRequest.to(uri(server, "/")).subprotocols("v2.chat", "v1.chat").build();
        assertInvalid(fails(client(), offering), HandshakeFailure.UNEXPECTED_SUBPROTOCOL);
    }

    @Test
    void twoSubprotocolsChosenFail() throws Exception {
        FakeServer server = server(exchange -> exchange.accept("Sec-WebSocket-Protocol: a, b"));
        ClientRequest offering = ClientRequest.to(uri(server, "/")).subprotocols("a", "b").build();
        assertInvalid(fails(client(), offering), HandshakeFailure.UNEXPECTED_SUBPROTOCOL);
    }

    @Test
    void anOfferedSubprotocolIsAccepted() throws Exception {
        FakeServer server = server(exchange -> {
            exchange.accept("Sec-WebSocket-Protocol: v1.chat");
            exchange.readUntilClose();
            exchange.sendClose(1000, "");
        });
        ClientRequest offering = ClientRequest.to(uri(server, "/")).subprotocols("v2.chat", "v1.chat").build();
        Recorder recorder = new Recorder();
        Session session = client().connect(offering, recorder);
        assertEquals(Optional.of("v1.chat"), session.subprotocol());
        session.close();
        recorder.awaitClosed();
    }

    @Test
    void anExtensionThatWasNotOfferedFails() throws Exception {
        FakeServer server = server(exchange -> exchange.accept("Sec-WebSocket-Extensions: permessage-deflate"));
        WebSocketClient plain = client(WebSocketClient.builder().compression(false));
        assertInvalid(fails(plain, uri(server, "/")), HandshakeFailure.UNEXPECTED_EXTENSION);
    }

    @Test
    void anUnknownExtensionFailsEvenWhenDeflateWasOffered() throws Exception {
        FakeServer server = server(exchange -> exchange.accept("Sec-WebSocket-Extensions: x-webkit-deflate-frame"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.UNEXPECTED_EXTENSION);
    }

    @Test
    void deflateAcceptedTwiceFails() throws Exception {
        FakeServer server = server(exchange -> exchange.accept(
                "Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate"));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.UNEXPECTED_EXTENSION);
    }

    @Test
    void deflateWithInvalidParametersFails() throws Exception {
        for (String params : List.of("server_max_window_bits=7", "server_max_window_bits=16",
                "client_max_window_bits=abc", "no_such_parameter", "server_no_context_takeover=1",
                "server_no_context_takeover; server_no_context_takeover")) {
            try (FakeServer server = new FakeServer(exchange ->
                    exchange.accept("Sec-WebSocket-Extensions: permessage-deflate; " + params))) {
                WebSocketConnectException e = fails(client(), uri(server, "/"));
                assertEquals(Failure.INVALID_HANDSHAKE, e.failure(), params + ": " + e);
                assertEquals(Optional.of(HandshakeFailure.INVALID_EXTENSION_PARAMETERS), e.handshakeFailure(),
                        params + ": " + e);
            }
        }
    }

    @Test
    void aMalformedExtensionsHeaderFails() throws Exception {
        FakeServer server = server(exchange -> exchange.accept("Sec-WebSocket-Extensions: permessage-deflate;;="));
        assertInvalid(fails(client(), uri(server, "/")), HandshakeFailure.MALFORMED_EXTENSIONS);
    }

    // ---- the request the server sees ----

    /** A server that accepts and then closes cleanly when the client does. */
    private FakeServer accepting() throws IOException {
        return server(exchange -> {
            exchange.accept();
            if (exchange.readUntilClose() != null) {
                exchange.sendClose(1000, "");
            }
        });
    }

    @Test
    void theRequestIsTheOneRfc6455Asks() throws Exception {
        FakeServer server = accepting();
        WebSocketClient client = client();
        ClientRequest request = ClientRequest.to(uri(server, "/chat/room?x=1&y=%20z"))
                .subprotocols("v2.chat", "v1.chat")
                .header("Authorization", "Bearer abc")
                .header("Cookie", "a=1")
                .header("Cookie", "b=2")
                .header("X-Trace", "t-1")
                .origin("https://app.example")
                .build();
        Recorder recorder = new Recorder();
        Session session = client.connect(request, recorder);
        FakeServer.Request seen = server.request();

        assertEquals("GET", seen.method());
        assertEquals("/chat/room?x=1&y=%20z", seen.target());
        assertEquals("HTTP/1.1", seen.version());
        assertEquals(List.of("127.0.0.1:" + server.port()), seen.headers("Host"));
        assertTrue(seen.tokens("Upgrade").contains("websocket"), seen.head());
        assertTrue(seen.tokens("Connection").contains("upgrade"), seen.head());
        assertEquals(List.of("13"), seen.headers("Sec-WebSocket-Version"));
        List<String> keys = seen.headers("Sec-WebSocket-Key");
        assertEquals(1, keys.size(), seen.head());
        assertTrue(AcceptKey.decode(keys.get(0)).isPresent(), "a base64 16-byte nonce: " + keys.get(0));
        assertEquals(List.of("v2.chat, v1.chat"), seen.headers("Sec-WebSocket-Protocol"),
                "offered in order of preference");
        String extensions = String.join(",", seen.headers("Sec-WebSocket-Extensions"));
        assertTrue(extensions.startsWith("permessage-deflate"), "deflate offered by default: " + extensions);
        assertEquals(List.of("Bearer abc"), seen.headers("Authorization"));
        assertEquals(List.of("a=1", "b=2"), seen.headers("Cookie"), "in order");
        assertEquals(List.of("t-1"), seen.headers("X-Trace"));
        assertEquals(List.of("https://app.example"), seen.headers("Origin"));
        assertTrue(seen.headers("Content-Length").isEmpty() && seen.headers("Transfer-Encoding").isEmpty(),
                "a GET without a body: " + seen.head());
        assertTrue(seen.head().endsWith("\r\n\r\n") && !seen.head().replace("\r\n", "").contains("\n"),
                "CRLF line ends only");

        session.close();
        recorder.awaitClosed();
    }

    @Test
    void withoutOriginNoneIsSentAndEveryAttemptHasAFreshKey() throws Exception {
        FakeServer server = accepting();
        WebSocketClient client = client(WebSocketClient.builder().compression(false));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Recorder recorder = new Recorder();
            Session session = client.connect(uri(server, ""), recorder);
            FakeServer.Request seen = server.request();
            assertEquals("/", seen.target(), "an empty path is sent as /");
            assertTrue(seen.headers("Origin").isEmpty(), "no Origin unless set: " + seen.head());
            assertTrue(seen.headers("Sec-WebSocket-Protocol").isEmpty(), "nothing offered: " + seen.head());
            assertTrue(seen.headers("Sec-WebSocket-Extensions").isEmpty(), "compression off: " + seen.head());
            keys.add(seen.header("Sec-WebSocket-Key").orElseThrow());
            session.close();
            recorder.awaitClosed();
        }
        assertNotEquals(keys.get(0), keys.get(1), "a fresh key per attempt");
        for (String key : keys) {
            assertEquals(16, AcceptKey.decode(key).orElseThrow().length);
        }
    }

    @Test
    void reservedFieldsCannotBeSetByTheApplication() {
        ClientRequest.Builder builder = ClientRequest.to(URI.create("ws://127.0.0.1:1/"));
        for (String name : List.of("Host", "Upgrade", "connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin")) {
            assertThrows(IllegalArgumentException.class, () -> builder.header(name, "x"), name);
        }
        assertThrows(IllegalArgumentException.class, () -> builder.header("X-Bad", "a\r\nInjected: 1"));
        assertThrows(IllegalArgumentException.class, () -> ClientRequest.of(URI.create("ws://u:p@127.0.0.1/")));
        assertThrows(IllegalArgumentException.class, () -> ClientRequest.of(URI.create("ws://127.0.0.1/#frag")));
        assertThrows(IllegalArgumentException.class, () -> ClientRequest.of(URI.create("http://127.0.0.1/")));
    }
}
