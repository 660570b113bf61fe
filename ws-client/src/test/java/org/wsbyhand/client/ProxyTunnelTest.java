package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.client.WebSocketConnectException.Failure;

/**
 * {@link ProxyTunnel} over real loopback sockets: through {@link TestConnectProxy} to an echo
 * server, and against scripted fake proxies that misbehave.
 */
@Timeout(60)
class ProxyTunnelTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int HEAD_LIMIT = 8192;
    private static final int GENEROUS_TIMEOUT_MILLIS = 10_000;

    // ---- through a real proxy ----

    @Test
    void bytesGoThroughTheTunnelBothWays() throws Exception {
        try (EchoServer echo = new EchoServer(); TestConnectProxy proxy = TestConnectProxy.open();
                Socket socket = connect(proxy.port(), GENEROUS_TIMEOUT_MILLIS)) {
            ProxyTunnel.open(socket, "127.0.0.1", echo.port(), proxy.settings(), HEAD_LIMIT, uri(echo.port()));

            assertEquals(GENEROUS_TIMEOUT_MILLIS, socket.getSoTimeout(), "the read timeout is restored");
            assertEquals(1, proxy.tunnelsOpened());
            assertEquals(List.of("127.0.0.1:" + echo.port()), proxy.connectTargets());
            assertEquals(List.of(), proxy.authorizations());
            assertArrayEquals(randomBytes(1 << 20), echoThrough(socket, randomBytes(1 << 20)));
        }
    }

    @Test
    void credentialsTheProxyAcceptsOpenTheTunnel() throws Exception {
        try (EchoServer echo = new EchoServer();
                TestConnectProxy proxy = TestConnectProxy.requiringCredentials("alice", "s3cr:et");
                Socket socket = connect(proxy.port(), GENEROUS_TIMEOUT_MILLIS)) {
            ProxySettings settings = proxy.settings().withCredentials("alice", "s3cr:et");
            ProxyTunnel.open(socket, "127.0.0.1", echo.port(), settings, HEAD_LIMIT, uri(echo.port()));

            assertEquals(1, proxy.tunnelsOpened());
            // base64("alice:s3cr:et")
            assertEquals(List.of("Basic YWxpY2U6czNjcjpldA=="), proxy.authorizations());
            byte[] hello = "hello through the proxy".getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(hello, echoThrough(socket, hello));
        }
    }

    @Test
    void withoutCredentialsTheProxyWantsAuthentication() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.requiringCredentials("alice", "s3cret");
                Socket socket = connect(proxy.port(), GENEROUS_TIMEOUT_MILLIS)) {
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "example.com", 443, proxy.settings(), HEAD_LIMIT, uri(443)));

            assertEquals(Failure.PROXY_REFUSED, e.failure());
            assertEquals(407, e.status());
            assertContains(e.getMessage(), "wants authentication");
            assertContains(e.getMessage(), "407 Proxy Authentication Required");
            assertContains(e.getMessage(), "Proxy-Authenticate: Basic");
            assertContains(e.getMessage(), "no credentials were sent");
            assertTrue(TestConnectProxy.REFUSAL_BODY.startsWith(e.bodyText()), e.bodyText());
            assertEquals(0, proxy.tunnelsOpened());
            assertEquals(List.of(), proxy.authorizations());
        }
    }

    @Test
    void wrongCredentialsAreReportedAsNotAccepted() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.requiringCredentials("alice", "s3cret");
                Socket socket = connect(proxy.port(), GENEROUS_TIMEOUT_MILLIS)) {
            ProxySettings wrong = proxy.settings().withCredentials("alice", "guess");
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "example.com", 443, wrong, HEAD_LIMIT, uri(443)));

            assertEquals(407, e.status());
            assertContains(e.getMessage(), "the credentials sent were not accepted");
            assertFalse(e.getMessage().contains("guess"), e.getMessage());
            assertEquals(1, proxy.authorizations().size());
        }
    }

    @Test
    void aRefusalCarriesTheStatusAndReason() throws Exception {
        try (TestConnectProxy proxy = TestConnectProxy.answering(403);
                Socket socket = connect(proxy.port(), GENEROUS_TIMEOUT_MILLIS)) {
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "blocked.example", 443, proxy.settings(), HEAD_LIMIT, uri(443)));

            assertEquals(Failure.PROXY_REFUSED, e.failure());
            assertEquals(403, e.status());
            assertContains(e.getMessage(), "refused to open a tunnel to blocked.example:443: 403 Forbidden");
            assertTrue(TestConnectProxy.REFUSAL_BODY.startsWith(e.bodyText()), e.bodyText());
            assertEquals(List.of("blocked.example:443"), proxy.connectTargets());
            assertEquals(0, proxy.tunnelsOpened());
        }
    }

    @Test
    void anUnreachableTargetIsABadGatewayFromTheProxy() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = gone.getLocalPort();
        }
        try (TestConnectProxy proxy = TestConnectProxy.open();
                Socket socket = connect(proxy.port(), GENEROUS_TIMEOUT_MILLIS)) {
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "127.0.0.1", closedPort, proxy.settings(), HEAD_LIMIT,
                            uri(closedPort)));
            assertEquals(Failure.PROXY_REFUSED, e.failure());
            assertEquals(502, e.status());
        }
    }

    // ---- the request ----

    @Test
    void theRequestNamesTheTargetInAuthorityForm() throws Exception {
        String expected = "CONNECT chat.example.com:8443 HTTP/1.1\r\nHost: chat.example.com:8443\r\n\r\n";
        assertEquals(expected, requestSentFor("chat.example.com", 8443, null));
    }

    @Test
    void anIpv6TargetIsBracketed() throws Exception {
        String expected = "CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n";
        assertEquals(expected, requestSentFor("2001:db8::1", 443, null));
        assertEquals(expected, requestSentFor("[2001:db8::1]", 443, null));
    }

    @Test
    void credentialsAreSentAsBasicInUtf8() throws Exception {
        // RFC 7617 2.1 example, with UTF-8: "test:123£" is dGVzdDoxMjPCow==.
        String expected = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
                + "Proxy-Authorization: Basic dGVzdDoxMjPCow==\r\n\r\n";
        assertEquals(expected, requestSentFor("example.com", 443, new String[] {"test", "123\u00a3"}));
    }

    @Test
    void hostileTargetsAndLimitsAreRejectedBeforeAnythingIsSent() throws Exception {
        ProxySettings proxy = ProxySettings.of("127.0.0.1", 3128);
        try (Socket unconnected = new Socket()) {
            for (String host : new String[] {"evil.example\r\nX-Injected: 1", "a b", "", "[]", "host/path", "h@st",
                "[::1]x"}) {
                assertThrows(IllegalArgumentException.class,
                        () -> ProxyTunnel.open(unconnected, host, 443, proxy, HEAD_LIMIT, uri(443)), host);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> ProxyTunnel.open(unconnected, "example.com", 0, proxy, HEAD_LIMIT, uri(443)));
            assertThrows(IllegalArgumentException.class,
                    () -> ProxyTunnel.open(unconnected, "example.com", 65536, proxy, HEAD_LIMIT, uri(443)));
            assertThrows(IllegalArgumentException.class,
                    () -> ProxyTunnel.open(unconnected, "example.com", 443, proxy, 255, uri(443)));
        }
    }

    // ---- answers of misbehaving proxies ----

    @Test
    void interimAnswersAreSkipped() throws Exception {
        byte[] answer = ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
                + "HTTP/1.1 200 Connection established\r\n\r\n");
        try (FakeProxy fake = FakeProxy.answeringFirst(answer);
                Socket socket = connect(fake.port(), GENEROUS_TIMEOUT_MILLIS)) {
            fake.awaitAnswered();
            ProxyTunnel.open(socket, "example.com", 443, fake.settings(), HEAD_LIMIT, uri(443));
        }
    }

    @Test
    void aSuccessWithAnEmptyBodyOpensTheTunnel() throws Exception {
        byte[] answer = ascii("HTTP/1.0 200 OK\r\nContent-Length: 0\r\nVia: 1.1 proxy\r\n\r\n");
        try (FakeProxy fake = FakeProxy.answeringFirst(answer);
                Socket socket = connect(fake.port(), GENEROUS_TIMEOUT_MILLIS)) {
            fake.awaitAnswered();
            ProxyTunnel.open(socket, "example.com", 443, fake.settings(), HEAD_LIMIT, uri(443));
        }
    }

    @Test
    void tooManyInterimAnswersFail() throws Exception {
        byte[] answer = ascii("HTTP/1.1 100 Continue\r\n\r\n".repeat(5) + "HTTP/1.1 200 OK\r\n\r\n");
        WebSocketConnectException e = failureFor(answer);
        assertEquals(Failure.IO, e.failure());
        assertContains(e.getMessage(), "interim answers");
    }

    @Test
    void switchingProtocolsIsNoTunnel() throws Exception {
        WebSocketConnectException e = failureFor(ascii("HTTP/1.1 101 Switching Protocols\r\n\r\n"));
        assertEquals(Failure.PROXY_REFUSED, e.failure());
        assertEquals(101, e.status());
    }

    @Test
    void dataRightAfterTheSuccessFails() throws Exception {
        WebSocketConnectException e = failureFor(ascii("HTTP/1.1 200 Connection established\r\n\r\nEXTRA"));
        assertEquals(Failure.IO, e.failure());
        assertContains(e.getMessage(), "sent data before the tunnel was used");
        assertContains(e.getMessage(), "5 bytes");
    }

    @Test
    void aSuccessWithABodyFails() throws Exception {
        WebSocketConnectException length = failureFor(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"));
        assertEquals(Failure.IO, length.failure());
        assertContains(length.getMessage(), "with a body (Content-Length)");

        WebSocketConnectException chunked = failureFor(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(Failure.IO, chunked.failure());
        assertContains(chunked.getMessage(), "with a body (Transfer-Encoding)");
    }

    @Test
    void aMalformedHeadFailsWithTheParsersReason() throws Exception {
        WebSocketConnectException bareLf = failureFor(ascii("HTTP/1.1 200 OK\nVia: proxy\n\n"));
        assertEquals(Failure.IO, bareLf.failure());
        assertContains(bareLf.getMessage(), "malformed answer");
        assertContains(bareLf.getMessage(), "bare LF");

        WebSocketConnectException garbage = failureFor(ascii("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
        assertEquals(Failure.IO, garbage.failure());
        assertContains(garbage.getMessage(), "malformed answer");
        assertEquals(0, garbage.status());
    }

    @Test
    void anOversizedHeadFails() throws Exception {
        byte[] answer = ascii("HTTP/1.1 200 OK\r\nX-Padding: " + "a".repeat(4000) + "\r\n\r\n");
        try (FakeProxy fake = FakeProxy.answeringFirst(answer);
                Socket socket = connect(fake.port(), GENEROUS_TIMEOUT_MILLIS)) {
            fake.awaitAnswered();
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "example.com", 443, fake.settings(), 1024, uri(443)));
            assertEquals(Failure.IO, e.failure());
            assertContains(e.getMessage(), "longer than 1024 bytes");
        }
    }

    @Test
    void theConnectionClosingBeforeTheHeadEndsFails() throws Exception {
        try (FakeProxy fake = new FakeProxy(socket -> {
            FakeProxy.readRequestHead(socket);
            socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nVia: 1.1"));
            socket.shutdownOutput();
            FakeProxy.readUntilClosed(socket);
        }); Socket socket = connect(fake.port(), GENEROUS_TIMEOUT_MILLIS)) {
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "example.com", 443, fake.settings(), HEAD_LIMIT, uri(443)));
            assertEquals(Failure.IO, e.failure());
            assertContains(e.getMessage(), "closed the connection before its answer");
        }
    }

    @Test
    void aProxyThatNeverAnswersTimesOut() throws Exception {
        try (FakeProxy fake = new FakeProxy(socket -> {
            FakeProxy.readRequestHead(socket);
            FakeProxy.readUntilClosed(socket);
        }); Socket socket = connect(fake.port(), 300)) {
            long start = System.nanoTime();
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "example.com", 443, fake.settings(), HEAD_LIMIT, uri(443)));
            assertEquals(Failure.HANDSHAKE_TIMEOUT, e.failure());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < GENEROUS_TIMEOUT_MILLIS);
            assertEquals(300, socket.getSoTimeout(), "the read timeout is restored");
        }
    }

    @Test
    void aProxyThatDripsItsAnswerTimesOutAtTheDeadline() throws Exception {
        // One byte every 20 ms: each read is well within the 300 ms timeout, the answer never is.
        try (FakeProxy fake = new FakeProxy(socket -> {
            FakeProxy.readRequestHead(socket);
            OutputStream out = socket.getOutputStream();
            out.write(ascii("HTTP/1.1 200 OK\r\nX-Slow: "));
            for (int i = 0; i < HEAD_LIMIT; i++) {
                out.write('a');
                out.flush();
                Thread.sleep(20);
            }
        }); Socket socket = connect(fake.port(), 300)) {
            long start = System.nanoTime();
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "example.com", 443, fake.settings(), HEAD_LIMIT, uri(443)));
            assertEquals(Failure.HANDSHAKE_TIMEOUT, e.failure());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < GENEROUS_TIMEOUT_MILLIS);
        }
    }

    // ---- helpers ----

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "\"" + text + "\" does not contain \"" + part + "\"");
    }

    private static URI uri(int port) {
        return URI.create("wss://example.com:" + port + "/");
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static Socket connect(int port, int readTimeoutMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(LOOPBACK, port), GENEROUS_TIMEOUT_MILLIS);
            socket.setSoTimeout(readTimeoutMillis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Waits for a helper thread to end; fails the test if it does not within the generous timeout. */
    private static void join(Thread thread) {
        try {
            assertTrue(thread.join(Duration.ofMillis(GENEROUS_TIMEOUT_MILLIS)), () -> thread + " did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + thread, e);
        }
    }

    /** Writes {@code payload} from another thread, half-closes, and reads everything that comes back. */
    private static byte[] echoThrough(Socket socket, byte[] payload) throws Exception {
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(payload);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, command -> Thread.ofVirtual().start(command));
        byte[] received = socket.getInputStream().readAllBytes();
        written.get(GENEROUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        return received;
    }

    /** The failure of a tunnel through a fake proxy that sends {@code answer} as soon as it accepts. */
    private static WebSocketConnectException failureFor(byte[] answer) throws Exception {
        try (FakeProxy fake = FakeProxy.answeringFirst(answer);
                Socket socket = connect(fake.port(), GENEROUS_TIMEOUT_MILLIS)) {
            fake.awaitAnswered();
            return assertThrows(WebSocketConnectException.class,
                    () -> ProxyTunnel.open(socket, "example.com", 443, fake.settings(), HEAD_LIMIT, uri(443)));
        }
    }

    /** The request head a proxy receives for this target, {@code credentials} {user, password} or null. */
    private static String requestSentFor(String host, int port, String[] credentials) throws Exception {
        try (FakeProxy fake = new FakeProxy(socket -> {
            FakeProxy.readRequestHead(socket);
            socket.getOutputStream().write(ascii("HTTP/1.1 200 Connection established\r\n\r\n"));
            FakeProxy.readUntilClosed(socket);
        }); Socket socket = connect(fake.port(), GENEROUS_TIMEOUT_MILLIS)) {
            ProxySettings settings = credentials == null ? fake.settings()
                    : fake.settings().withCredentials(credentials[0], credentials[1]);
            ProxyTunnel.open(socket, host, port, settings, HEAD_LIMIT, uri(port));
            return fake.request.get(GENEROUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** A proxy that runs a script on the one connection it accepts. */
    private static final class FakeProxy implements AutoCloseable {
        interface Script {
            void run(Socket socket) throws Exception;
        }

        private final ServerSocket server;
        private final Thread thread;
        private final CountDownLatch answered = new CountDownLatch(1);
        private final CompletableFuture<String> request = new CompletableFuture<>();
        private volatile Socket accepted;
        private volatile boolean closed;
        // The fake whose request head readRequestHead records: one fake per thread.
        private static final ThreadLocal<FakeProxy> CURRENT = new ThreadLocal<>();

        FakeProxy(Script script) throws IOException {
            server = new ServerSocket(0, 1, LOOPBACK);
            thread = Thread.ofVirtual().name("fake-proxy").start(() -> {
                CURRENT.set(this);
                try (Socket socket = server.accept()) {
                    accepted = socket;
                    if (!closed) {
                        script.run(socket);
                    }
                } catch (Exception e) {
                    // Closed by the test, or the client went away: the script is over.
                }
            });
        }

        /** Sends {@code answer} as soon as it accepts, then reads the request and waits for the end. */
        static FakeProxy answeringFirst(byte[] answer) throws IOException {
            return new FakeProxy(socket -> {
                OutputStream out = socket.getOutputStream();
                out.write(answer);
                out.flush();
                CURRENT.get().answered.countDown();
                readRequestHead(socket);
                readUntilClosed(socket);
            });
        }

        int port() {
            return server.getLocalPort();
        }

        ProxySettings settings() {
            return ProxySettings.of("127.0.0.1", port());
        }

        /** Waits until the answer was written, so that it is in the client's receive buffer before the client reads. */
        void awaitAnswered() throws InterruptedException {
            assertTrue(answered.await(GENEROUS_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "the fake proxy did not answer");
        }

        /** Reads the request head byte by byte (at most 8 KiB) and records it. */
        static void readRequestHead(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (head.size() < 8192) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
                if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    break;
                }
            }
            CURRENT.get().request.complete(head.toString(StandardCharsets.ISO_8859_1));
        }

        /** Reads and drops bytes until the client closes or the test closes this fake. */
        static void readUntilClosed(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                // drop
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            server.close();
            Socket socket = accepted;
            if (socket != null) {
                socket.close();
            }
            join(thread);
        }
    }

    /** Echoes every byte on every connection until the peer half-closes. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;
        private volatile boolean closed;

        EchoServer() throws IOException {
            acceptor = Thread.ofVirtual().name("echo-acceptor").start(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (true) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                sockets.add(socket);
                if (closed) {
                    closeQuietly(socket);
                    return;
                }
                Thread thread = Thread.ofVirtual().name("echo").unstarted(() -> echo(socket));
                threads.add(thread);
                thread.start();
            }
        }

        private static void echo(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                }
                out.flush();
            } catch (IOException e) {
                // the peer went away
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            server.close();
            join(acceptor);
            sockets.forEach(EchoServer::closeQuietly);
            for (Thread thread : threads) {
                join(thread);
            }
        }
    }
}
