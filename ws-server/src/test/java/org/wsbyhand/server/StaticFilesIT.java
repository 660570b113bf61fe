package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Static files on the WebSocket port, with the JDK HTTP client and raw requests for hostile paths. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaticFilesIT {
    private WebSocketServer server;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", new RecordingHandler(true)).staticFiles(StaticFiles.classpath("web")).build();
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    void stop() {
        server.close();
        http.shutdownNow();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getServesIndexHtmlWithItsContentType() throws Exception {
        HttpResponse<String> response = send("GET", "/");
        assertEquals(200, response.statusCode());
        assertEquals("<h1>index</h1>\n", response.body());
        assertEquals("text/html; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void headSendsTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/sub/style.css");
        assertEquals(200, response.statusCode());
        assertEquals("7", response.headers().firstValue("content-length").orElseThrow());
        assertEquals("", response.body());
    }

    @Test
    void missingFileGets404AndOtherMethods405() throws Exception {
        assertEquals(404, send("GET", "/nope.html").statusCode());
        HttpResponse<String> post = send("POST", "/index.html");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("allow").orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../web/index.html", "/%2e%2e/web/index.html", "/sub/..%2f..%2fweb/index.html",
        "/%2E%2E%5Cweb%5Cindex.html", "/sub/%2e%2e/index.html"})
    void traversalAttemptsGet404(String path) throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            String head = client.request("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(404, RawClient.status(head));
        }
    }

    @Test
    void webSocketRouteStillUpgradesOnTheSamePort() throws Exception {
        long httpBefore = server.stats().httpRequests();
        try (RawClient client = RawClient.open(server.port(), "/ws")) {
            client.sendText("same port");
            assertEquals("same port", client.readFrame().text());
        }
        String body = new String(send("GET", "/sub/").body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertEquals("<p>sub</p>\n", body);
        assertEquals(httpBefore + 1, server.stats().httpRequests(), "only the GET counts as a plain HTTP request");
    }

    @Test
    void aPageAndItsSocketCanShareTheRootPath() throws Exception {
        WebSocketServer shared = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/", new RecordingHandler(true)).staticFiles(StaticFiles.classpath("web")).build();
        shared.start();
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + shared.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals("<h1>index</h1>\n", page.body());
            try (RawClient client = RawClient.open(shared.port(), "/")) {
                client.sendText("root socket");
                assertEquals("root socket", client.readFrame().text());
            }
        } finally {
            shared.close();
        }
    }
}
