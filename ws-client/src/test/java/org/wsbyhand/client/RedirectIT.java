package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.client.WebSocketConnectException.Failure;
import org.wsbyhand.session.Session;

/**
 * Issue 17, redirects answered to the opening handshake: off by default, followed up to the limit
 * when turned on, never to a weaker scheme, relative locations resolved, and {@code Authorization}
 * and {@code Cookie} kept from another host or port. The two "hosts" are 127.0.0.1 and
 * {@code localhost}, both loopback; each {@link FakeServer} records what it was sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedirectIT {
    @AutoClose
    private final Closer closer = new Closer();

    /**
     * A server that answers each target in its map with that status line and {@code Location} (as
     * {@code "307 /next"}), and accepts any other target. The map may be filled after it starts.
     */
    private static final class Router implements FakeServer.Script {
        final Map<String, String> redirects = new ConcurrentHashMap<>();
        /** Whether the client hung up after each redirect. */
        final java.util.concurrent.BlockingQueue<Boolean> hungUp = new java.util.concurrent.LinkedBlockingQueue<>();

        Router redirect(String target, int status, String location) {
            redirects.put(target, status + " " + location);
            return this;
        }

        @Override
        public void serve(FakeServer.Exchange exchange) throws Exception {
            String answer = redirects.get(exchange.request.target());
            if (answer == null) {
                exchange.accept();
                if (exchange.readUntilClose() != null) {
                    exchange.sendClose(1000, "");
                }
                return;
            }
            int space = answer.indexOf(' ');
            exchange.send("HTTP/1.1 " + answer.substring(0, space) + " Moved\r\nLocation: "
                    + answer.substring(space + 1) + "\r\nContent-Length: 0\r\n\r\n");
            hungUp.add(exchange.awaitEof(Duration.ofSeconds(20)));
        }
    }

    private FakeServer server(FakeServer.Script script) throws IOException {
        return closer.add(new FakeServer(script));
    }

    private FakeServer tlsServer(FakeServer.Script script) throws IOException {
        ServerSocket tls = TestCerts.localhost().serverContext().getServerSocketFactory().createServerSocket();
        return closer.add(new FakeServer(tls, script));
    }

    private WebSocketClient client(ClientBuilder builder) {
        return closer.add(builder.sslContext(TestCerts.trusting(TestCerts.localhost())).build());
    }

    private static String local(FakeServer server) {
        return "ws://127.0.0.1:" + server.port();
    }

    /** Opens and closes a session; returns it (closed) for its request. */
    private static Session connectAndClose(WebSocketClient client, ClientRequest request) throws Exception {
        Recorder recorder = new Recorder();
        Session session = client.connect(request, recorder);
        session.close();
        recorder.awaitClosed();
        return session;
    }

    private static List<String> targets(FakeServer server) {
        List<String> targets = new ArrayList<>();
        FakeServer.Request request;
        while ((request = server.requests.poll()) != null) {
            targets.add(request.target());
        }
        return targets;
    }

    @Test
    void redirectsAreNotFollowedByDefault() throws Exception {
        Router router = new Router();
        FakeServer server = server(router);
        router.redirect("/start", 302, "/next");
        WebSocketClient client = client(WebSocketClient.builder());
        URI uri = URI.create(local(server) + "/start");
        WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                () -> client.connect(uri, new Recorder()));
        assertEquals(Failure.REDIRECT, e.failure(), e.toString());
        assertEquals(302, e.status());
        assertEquals(uri, e.uri());
        assertTrue(e.getMessage().contains("/next") && e.getMessage().contains("followRedirects"), e.getMessage());
        assertEquals(List.of("/start"), targets(server));
    }

    @Test
    void aChainOfTwoIsFollowedWithARelativeLocation() throws Exception {
        Router router = new Router();
        FakeServer server = server(router);
        router.redirect("/start", 301, "hop") // relative to /start: /hop
                .redirect("/hop", 308, local(server) + "/final?room=1");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(3));
        Session session = connectAndClose(client, ClientRequest.of(URI.create(local(server) + "/start")));
        assertEquals(List.of("/start", "/hop", "/final?room=1"), targets(server));
        assertEquals("/final", session.request().path(), "the session's request is the one that was accepted");
        assertEquals("room=1", session.request().query());
        for (int i = 0; i < 2; i++) {
            assertEquals(Boolean.TRUE, router.hungUp.poll(20, TimeUnit.SECONDS),
                    "the client closes each redirected connection");
        }
    }

    @Test
    void everyRedirectStatusIsFollowedAndOthersAreRejections() throws Exception {
        Router router = new Router();
        FakeServer server = server(router);
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(1));
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            router.redirect("/s" + status, status, "/ok");
            connectAndClose(client, ClientRequest.of(URI.create(local(server) + "/s" + status)));
            assertEquals(List.of("/s" + status, "/ok"), targets(server), "status " + status);
        }
        for (int status : new int[] {300, 304, 305}) {
            router.redirect("/s" + status, status, "/ok");
            URI uri = URI.create(local(server) + "/s" + status);
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> client.connect(uri, new Recorder()));
            assertEquals(Failure.REJECTED, e.failure(), status + ": " + e);
            assertEquals(status, e.status());
        }
    }

    @Test
    void aRedirectWithoutLocationIsARejection() throws Exception {
        FakeServer server = server(exchange -> exchange.send("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n"));
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(3));
        WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                () -> client.connect(URI.create(local(server) + "/"), new Recorder()));
        assertEquals(Failure.REJECTED, e.failure(), e.toString());
        assertEquals(302, e.status());
    }

    @Test
    void aChainLongerThanTheLimitFails() throws Exception {
        Router router = new Router();
        FakeServer server = server(router);
        router.redirect("/r1", 307, "/r2").redirect("/r2", 307, "/r3").redirect("/r3", 307, "/r4");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(2));
        WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                () -> client.connect(URI.create(local(server) + "/r1"), new Recorder()));
        assertEquals(Failure.REDIRECT, e.failure(), e.toString());
        assertEquals(307, e.status());
        assertEquals(URI.create(local(server) + "/r3"), e.uri(), "the last attempt's URI");
        assertTrue(e.getMessage().contains("more than 2 redirects"), e.getMessage());
        assertEquals(List.of("/r1", "/r2", "/r3"), targets(server), "/r4 is never asked for");
    }

    @Test
    void aRedirectLoopEndsAtTheLimit() throws Exception {
        Router router = new Router();
        FakeServer server = server(router);
        router.redirect("/loop", 302, "/loop");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(5));
        WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                () -> client.connect(URI.create(local(server) + "/loop"), new Recorder()));
        assertEquals(Failure.REDIRECT, e.failure());
        assertEquals(6, targets(server).size(), "the first request and 5 redirects");
    }

    @Test
    void wssIsNeverRedirectedToWs() throws Exception {
        FakeServer plain = server(new Router());
        Router tlsRouter = new Router();
        FakeServer tls = tlsServer(tlsRouter);
        tlsRouter.redirect("/to-ws", 307, local(plain) + "/plain")
                .redirect("/to-http", 307, "http://127.0.0.1:" + plain.port() + "/plain");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(5));
        for (String path : List.of("/to-ws", "/to-http")) {
            URI uri = URI.create("wss://localhost:" + tls.port() + path);
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> client.connect(uri, new Recorder()));
            assertEquals(Failure.REDIRECT, e.failure(), path + ": " + e);
            assertEquals(307, e.status());
            assertTrue(e.getMessage().contains("less secure"), e.getMessage());
        }
        assertEquals(List.of(), targets(plain), "the plain server is never asked");
    }

    @Test
    void wsMayBeRedirectedToWss() throws Exception {
        FakeServer tls = tlsServer(new Router());
        Router router = new Router();
        FakeServer plain = server(router);
        router.redirect("/up", 308, "wss://localhost:" + tls.port() + "/secure");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(1));
        connectAndClose(client, ClientRequest.of(URI.create(local(plain) + "/up")));
        assertEquals(List.of("/secure"), targets(tls));
    }

    @Test
    void malformedOrForeignLocationsAreRefused() throws Exception {
        Router router = new Router();
        FakeServer server = server(router);
        router.redirect("/bad", 302, "ws://[not-an-address/x")
                .redirect("/ftp", 302, "ftp://127.0.0.1/file")
                .redirect("/userinfo", 302, "ws://user:pass@127.0.0.1:" + server.port() + "/x");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(3));
        for (String path : List.of("/bad", "/ftp", "/userinfo")) {
            URI uri = URI.create(local(server) + path);
            WebSocketConnectException e = assertThrows(WebSocketConnectException.class,
                    () -> client.connect(uri, new Recorder()), path);
            assertEquals(Failure.REDIRECT, e.failure(), path + ": " + e);
        }
        assertEquals(List.of("/bad", "/ftp", "/userinfo"), targets(server), "nothing followed");
    }

    @Test
    void credentialsGoToTheSameHostAndPortOnly() throws Exception {
        FakeServer other = server(new Router()); // "another host": localhost
        Router router = new Router();
        FakeServer first = server(router); // 127.0.0.1
        router.redirect("/start", 307, "/same")
                .redirect("/same", 307, "ws://localhost:" + other.port() + "/other");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(3));
        ClientRequest request = ClientRequest.to(URI.create(local(first) + "/start"))
                .header("Authorization", "Bearer secret")
                .header("Cookie", "sid=42")
                .header("X-Trace", "t-9")
                .subprotocols("v1.chat")
                .origin("https://app.example")
                .build();
        Session session = connectAndClose(client, request);

        for (int i = 0; i < 2; i++) {
            FakeServer.Request seen = first.request();
            assertEquals(List.of("Bearer secret"), seen.headers("Authorization"), seen.target());
            assertEquals(List.of("sid=42"), seen.headers("Cookie"), seen.target());
            assertEquals(List.of("t-9"), seen.headers("X-Trace"));
        }
        FakeServer.Request elsewhere = other.request();
        assertEquals("/other", elsewhere.target());
        assertEquals(List.of("localhost:" + other.port()), elsewhere.headers("Host"));
        assertEquals(List.of(), elsewhere.headers("Authorization"), "no credentials for another host");
        assertEquals(List.of(), elsewhere.headers("Cookie"), "no cookies for another host");
        assertEquals(List.of("t-9"), elsewhere.headers("X-Trace"), "other fields go on");
        assertEquals(List.of("v1.chat"), elsewhere.headers("Sec-WebSocket-Protocol"));
        assertEquals(List.of("https://app.example"), elsewhere.headers("Origin"));
        assertEquals(Optional.empty(), session.request().header("Authorization"));
    }

    @Test
    void credentialsDoNotGoToAnotherPortOfTheSameHostNorComeBack() throws Exception {
        Router backRouter = new Router();
        Router firstRouter = new Router();
        FakeServer first = server(firstRouter);
        FakeServer second = server(backRouter); // the same host, 127.0.0.1, another port
        firstRouter.redirect("/start", 302, local(second) + "/port");
        backRouter.redirect("/port", 302, local(first) + "/back");
        WebSocketClient client = client(WebSocketClient.builder().followRedirects(3));
        ClientRequest request = ClientRequest.to(URI.create(local(first) + "/start"))
                .header("Authorization", "Basic YTpi").header("Cookie", "a=b").build();
        connectAndClose(client, request);

        FakeServer.Request start = first.request();
        assertEquals(List.of("Basic YTpi"), start.headers("Authorization"));
        FakeServer.Request port = second.request();
        assertEquals(List.of(), port.headers("Authorization"), "another port is another origin");
        assertEquals(List.of(), port.headers("Cookie"));
        FakeServer.Request back = first.request();
        assertEquals("/back", back.target());
        assertEquals(List.of(), back.headers("Authorization"), "credentials once dropped stay dropped");
    }
}
