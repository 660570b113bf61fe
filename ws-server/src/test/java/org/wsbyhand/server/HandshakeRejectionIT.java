package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every way to fail the opening handshake, on a raw socket, and the status each one gets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeRejectionIT {
    private WebSocketServer server;
    private RecordingHandler handler;

    @BeforeEach
    void start() throws Exception {
        handler = new RecordingHandler(true);
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/ws", handler)
                .allowedOrigins("http://good.example")
                .upgradeHook(request -> request.queryParameters().containsKey("deny")
                        ? UpgradeDecision.reject(401, "token missing") : UpgradeDecision.accept())
                .handshakeTimeout(Duration.ofMillis(500))
                .build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String answer(String request) throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            String head = client.request(request);
            // readToEnd returns only when the server closes the connection after its answer.
            assertTrue(client.readToEnd().length > 0, "an error response has a body");
            return head;
        }
    }

    private String upgradeWith(String path, String... headers) {
        return RawClient.upgradeRequest(path, RawClient.newKey(), headers);
    }

    @Nested
    class ProtocolChecks {
        @Test
        void nonGetUpgradeGets405WithAllowGet() throws Exception {
            String head = answer(upgradeWith("/ws").replaceFirst("GET", "POST"));
            assertEquals(405, RawClient.status(head));
            assertTrue(head.contains("Allow: GET"));
        }

        @Test
        void missingKeyGets400() throws Exception {
            String request = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n";
            assertEquals(400, RawClient.status(answer(request)));
        }

        @Test
        void keyThatIsNotSixteenBase64BytesGets400() throws Exception {
            assertEquals(400, RawClient.status(answer(RawClient.upgradeRequest("/ws", "c2hvcnQ="))));
        }

        @Test
        void wrongVersionGets426NamingVersion13() throws Exception {
            String head = answer(upgradeWith("/ws").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"));
            assertEquals(426, RawClient.status(head));
            assertTrue(head.contains("Sec-WebSocket-Version: 13"));
        }

        @Test
        void nonWebSocketUpgradeGets400() throws Exception {
            assertEquals(400, RawClient.status(answer(upgradeWith("/ws").replace("Upgrade: websocket", "Upgrade: h2c"))));
        }

        @Test
        void oversizedHeadGets431() throws Exception {
            String big = "X-Filler: " + "a".repeat(9000) + "\r\n";
            assertEquals(431, RawClient.status(answer(upgradeWith("/ws", big))));
        }

        @Test
        void tooManyHeaderFieldsGets431() throws Exception {
            String many = "X-A: 1\r\n".repeat(120);
            assertEquals(431, RawClient.status(answer(upgradeWith("/ws", many))));
        }

        @Test
        void upgradeOnAnUnroutedPathGets404() throws Exception {
            assertEquals(404, RawClient.status(answer(upgradeWith("/nowhere"))));
        }

        @Test
        void malformedRequestLineGets400() throws Exception {
            assertEquals(400, RawClient.status(answer("GARBAGE\r\n\r\n")));
        }
    }

    @Nested
    class ApplicationChecks {
        @Test
        void foreignOriginGets403() throws Exception {
            assertEquals(403, RawClient.status(answer(upgradeWith("/ws", "Origin: http://evil.example\r\n"))));
        }

        @Test
        void listedOriginIsUpgraded() throws Exception {
            try (RawClient client = RawClient.connect(server.port())) {
                assertEquals(101, RawClient.status(client.request(upgradeWith("/ws", "Origin: http://GOOD.example\r\n"))));
            }
        }

        @Test
        void upgradeHookRejectionSendsItsStatusAndReason() throws Exception {
            try (RawClient client = RawClient.connect(server.port())) {
                String head = client.request(upgradeWith("/ws?deny=1"));
                assertEquals(401, RawClient.status(head));
                assertTrue(new String(client.readToEnd(), StandardCharsets.UTF_8).contains("token missing"));
            }
        }

        @Test
        void rejectionsAreCounted() throws Exception {
            answer(upgradeWith("/ws", "Origin: http://evil.example\r\n"));
            answer(upgradeWith("/ws").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 7"));
            assertEquals(2, server.stats().upgradesRejected());
            assertEquals(0, server.stats().upgradesAccepted());
        }
    }

    @Nested
    class HandshakeTimeout {
        @Test
        void slowlorisThatNeverFinishesItsHeadIsDropped() throws Exception {
            try (RawClient client = RawClient.connect(server.port())) {
                client.sendRaw("GET /ws HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
                for (int i = 0; i < 3; i++) {
                    Thread.sleep(100);
                    client.sendRaw("X-Drip: 1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                // Dripping bytes does not extend the deadline: the whole head had 500 ms.
                assertEquals(408, RawClient.status(client.readHead()));
                client.readToEnd();
            }
        }

        @Test
        void silentClientIsDropped() throws Exception {
            try (RawClient client = RawClient.connect(server.port())) {
                assertEquals(408, RawClient.status(client.readHead()));
                client.readToEnd();
            }
        }

        @Test
        void serverKeepsServingOthersWhileSlowClientsHang() throws Exception {
            try (RawClient slow = RawClient.connect(server.port());
                    RawClient good = RawClient.open(server.port(), "/ws")) {
                slow.sendRaw("GET /ws HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                good.sendText("still here");
                assertEquals("still here", good.readFrame().text());
            }
        }
    }
}
