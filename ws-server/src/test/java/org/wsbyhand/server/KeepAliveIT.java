package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistent HTTP/1.1 connections for the plain requests served on the WebSocket port: several
 * requests (pipelined or not) on one socket, then a WebSocket upgrade on that same socket; the
 * reasons to close; and conditional requests answered 304.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepAliveIT {
    @TempDir
    Path root;
    private WebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(root.resolve("index.html"), "<script src=app.js></script>");
        Files.writeString(root.resolve("app.css"), "body{}");
        Files.writeString(root.resolve("app.js"), "console.log(1)");
        Files.setLastModifiedTime(root.resolve("app.css"), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", new RecordingHandler(true))
                .staticFiles(StaticFiles.directory(root))
                .maxRequestsPerConnection(5)
                .build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One response read off a kept-alive connection: its head and exactly Content-Length body bytes. */
    record Response(String head, String body) {
        int status() {
            return RawClient.status(head);
        }

        Optional<String> header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return Optional.of(line.substring(colon + 1).strip());
                }
            }
            return Optional.empty();
        }
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed in the head: " + bytes);
            }
            bytes.write(b);
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        Response response = new Response(text.substring(0, text.length() - 4), "");
        int length = head || response.status() == 304 ? 0
                : Integer.parseInt(response.header("Content-Length").orElse("0"));
        return new Response(response.head(), new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static String get(String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String.join("", headers) + "\r\n";
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(RawClient.READ_TIMEOUT_MILLIS);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    @Nested
    class OneConnection {
        @Test
        void threePipelinedRequestsThenAnUpgradeShareOneSocket() throws Exception {
            try (Socket socket = connect()) {
                send(socket, get("/") + get("/app.css") + get("/app.js"));
                InputStream in = socket.getInputStream();
                Response page = read(in, false);
                Response css = read(in, false);
                Response js = read(in, false);
                assertEquals("<script src=app.js></script>", page.body());
                assertEquals("body{}", css.body());
                assertEquals("console.log(1)", js.body());
                assertEquals(Optional.empty(), js.header("Connection"), "kept alive: no Connection: close");

                RawClient ws = RawClient.over(socket);
                assertEquals(101, RawClient.status(ws.request(RawClient.upgradeRequest("/ws", RawClient.newKey()))));
                ws.sendText("same socket");
                assertEquals("same socket", ws.readFrame().text());
            }
            assertEquals(3, server.stats().httpRequests());
            assertEquals(1, server.stats().upgradesAccepted());
        }

        @Test
        void requestsOneAfterTheOtherAreServedInOrder() throws Exception {
            try (Socket socket = connect()) {
                for (String path : new String[] {"/app.js", "/missing", "/app.css"}) {
                    send(socket, get(path));
                    Response response = read(socket.getInputStream(), false);
                    assertEquals(path.equals("/missing") ? 404 : 200, response.status(), path);
                }
            }
        }
    }

    @Nested
    class Closing {
        @Test
        void connectionCloseIsHonoured() throws Exception {
            try (Socket socket = connect()) {
                send(socket, get("/app.js", "Connection: close\r\n") + get("/app.css"));
                Response response = read(socket.getInputStream(), false);
                assertEquals(Optional.of("close"), response.header("Connection"));
                assertEquals(-1, socket.getInputStream().read(), "closed after the answer; the second request is not served");
            }
            assertEquals(1, server.stats().httpRequests());
        }

        @Test
        void theLastAllowedRequestIsToldTheConnectionCloses() throws Exception {
            try (Socket socket = connect()) {
                send(socket, get("/app.js").repeat(6));
                InputStream in = socket.getInputStream();
                for (int i = 1; i <= 5; i++) {
                    Response response = read(in, false);
                    assertEquals(200, response.status());
                    assertEquals(i == 5 ? Optional.of("close") : Optional.empty(), response.header("Connection"), "answer " + i);
                }
                assertEquals(-1, in.read());
            }
        }

        @Test
        void http10IsAnsweredOnceAndClosed() throws Exception {
            try (Socket socket = connect()) {
                send(socket, "GET /app.js HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
                assertEquals(Optional.of("close"), read(socket.getInputStream(), false).header("Connection"));
                assertEquals(-1, socket.getInputStream().read());
            }
        }

        @Test
        void aRequestWithABodyIsAnsweredAndClosedSoTheBodyIsNeverTakenForARequest() throws Exception {
            try (Socket socket = connect()) {
                String smuggled = get("/app.css");
                send(socket, "GET /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + smuggled.length()
                        + "\r\n\r\n" + smuggled);
                assertEquals(Optional.of("close"), read(socket.getInputStream(), false).header("Connection"));
                assertEquals(-1, socket.getInputStream().read());
            }
            assertEquals(1, server.stats().httpRequests());
        }

        @Test
        void anIdleKeptAliveConnectionIsClosedQuietlyAfterTheKeepAliveTimeout() throws Exception {
            try (WebSocketServer quick = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .staticFiles(StaticFiles.directory(root)).keepAliveTimeout(Duration.ofMillis(200)).build()) {
                quick.start();
                try (Socket socket = new Socket("127.0.0.1", quick.port())) {
                    socket.setSoTimeout(RawClient.READ_TIMEOUT_MILLIS);
                    send(socket, get("/app.js"));
                    assertEquals(200, read(socket.getInputStream(), false).status());
                    assertEquals(-1, socket.getInputStream().read(), "closed without a 408");
                }
                assertEquals(0, quick.stats().upgradesRejected());
            }
        }

        @Test
        void aZeroKeepAliveTimeoutAnswersOneRequestPerConnection() throws Exception {
            try (WebSocketServer single = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .staticFiles(StaticFiles.directory(root)).keepAliveTimeout(Duration.ZERO).build()) {
                single.start();
                try (Socket socket = new Socket("127.0.0.1", single.port())) {
                    socket.setSoTimeout(RawClient.READ_TIMEOUT_MILLIS);
                    send(socket, get("/app.js") + get("/app.css"));
                    assertEquals(Optional.of("close"), read(socket.getInputStream(), false).header("Connection"));
                    assertEquals(-1, socket.getInputStream().read());
                }
            }
        }
    }

    @Nested
    class Conditional {
        @Test
        void aFileCarriesItsValidatorsAndCacheControl() throws Exception {
            try (Socket socket = connect()) {
                send(socket, get("/app.css"));
                Response response = read(socket.getInputStream(), false);
                assertEquals(Optional.of("no-cache"), response.header("Cache-Control"));
                assertEquals(Optional.of("Fri, 02 Jan 2026 03:04:05 GMT"), response.header("Last-Modified"));
                assertTrue(response.header("ETag").orElseThrow().startsWith("W/\""));
                assertTrue(response.header("Date").isPresent());
            }
        }

        @Test
        void aCurrentETagOrDateGets304WithoutABodyOnTheSameConnection() throws Exception {
            try (Socket socket = connect()) {
                InputStream in = socket.getInputStream();
                send(socket, get("/app.css"));
                Response first = read(in, false);
                String etag = first.header("ETag").orElseThrow();

                send(socket, get("/app.css", "If-None-Match: \"other\", " + etag + "\r\n"));
                Response byTag = read(in, false);
                assertEquals(304, byTag.status());
                assertEquals(Optional.of(etag), byTag.header("ETag"));
                assertEquals(Optional.empty(), byTag.header("Content-Length"));

                send(socket, get("/app.css", "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT\r\n"));
                assertEquals(304, read(in, false).status());

                send(socket, get("/app.css", "If-Modified-Since: Fri, 02 Jan 2026 03:04:04 GMT\r\n"));
                assertEquals(200, read(in, false).status(), "changed after the client's copy");

                send(socket, get("/app.css", "If-None-Match: \"stale\"\r\n",
                        "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT\r\n"));
                Response stale = read(in, false);
                assertEquals(200, stale.status(), "If-None-Match decides when present");
                assertEquals("body{}", stale.body());
            }
        }

        @Test
        void cacheControlIsConfigurable() throws Exception {
            try (WebSocketServer immutable = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .staticFiles(StaticFiles.directory(root).withCacheControl("public, max-age=31536000, immutable"))
                    .build()) {
                immutable.start();
                try (Socket socket = new Socket("127.0.0.1", immutable.port())) {
                    socket.setSoTimeout(RawClient.READ_TIMEOUT_MILLIS);
                    send(socket, get("/app.js"));
                    assertEquals(Optional.of("public, max-age=31536000, immutable"),
                            read(socket.getInputStream(), false).header("Cache-Control"));
                }
            }
        }

        @Test
        void anUnparsableDateIsIgnored() throws Exception {
            try (Socket socket = connect()) {
                send(socket, get("/app.css", "If-Modified-Since: yesterday\r\n"));
                assertEquals(200, read(socket.getInputStream(), false).status());
            }
        }
    }
}
