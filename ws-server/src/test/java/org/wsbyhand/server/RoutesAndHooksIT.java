package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.WebSocketHandler;

/**
 * Routes with variables and prefixes, the upgrade hook's headers, refusals, redirects and typed
 * attributes, and the same-origin default, each on a raw socket against a real server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutesAndHooksIT {
    private static final AttributeKey<String> USER = AttributeKey.of("user", String.class);

    /** Tells the client, as its first message, which route took it and what the hook attached. */
    private static WebSocketHandler reporting(String route) {
        return new WebSocketHandler() {
            @Override
            public void onOpen(Session session) {
                session.sendText(route + " " + new TreeMap<>(session.request().pathVariables()) + " "
                        + session.attribute(USER).orElse("-"));
            }
        };
    }

    private WebSocketServer server;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .route("/chat", reporting("exact"))
                .route("/rooms/new", reporting("new-room"))
                .route("/rooms/{id}", reporting("room"))
                .route("/api/*", reporting("api"))
                .route("/secure", reporting("secure"))
                .allowedOrigins("https://app.example")
                .upgradeHook(request -> {
                    if (!request.path().equals("/secure")) {
                        return UpgradeDecision.accept();
                    }
                    if (request.queryParameters().containsKey("moved")) {
                        return UpgradeDecision.redirect(307, "wss://eu.example/secure");
                    }
                    return request.header("Authorization")
                            .<UpgradeDecision>map(token -> UpgradeDecision.accept()
                                    .withHeader("Set-Cookie", "sid=abc123; Path=/; HttpOnly")
                                    .withHeader("Set-Cookie", "theme=dark; Path=/")
                                    .withAttribute(USER, token.substring("Bearer ".length())))
                            .orElse(UpgradeDecision.reject(401, "token required")
                                    .withHeader("WWW-Authenticate", "Bearer realm=\"chat\""));
                })
                .build();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Upgrades on {@code path} with extra header lines; returns the response head, and the first message after a 101. */
    private String[] upgrade(String path, String... headers) throws Exception {
        try (RawClient client = RawClient.connect(server.port())) {
            String head = client.request(RawClient.upgradeRequest(path, RawClient.newKey(), headers));
            if (RawClient.status(head) != 101) {
                return new String[] {head, new String(client.readToEnd(), StandardCharsets.UTF_8)};
            }
            String first = client.readFrame().text();
            client.sendClose(1000, "");
            client.readUntilClose();
            return new String[] {head, first};
        }
    }

    private static boolean hasLine(String head, String line) {
        return java.util.List.of(head.split("\r\n")).contains(line);
    }

    @Nested
    class Routes {
        @Test
        void anExactRouteWinsOverATemplate() throws Exception {
            assertEquals("new-room {} -", upgrade("/rooms/new")[1]);
        }

        @Test
        void aTemplatesVariableIsReadByTheHandler() throws Exception {
            assertEquals("room {id=42} -", upgrade("/rooms/42")[1]);
        }

        @Test
        void aPercentEncodedSegmentIsDecodedAndKeepsItsSlash() throws Exception {
            assertEquals("room {id=a/b c} -", upgrade("/rooms/a%2Fb%20c")[1]);
        }

        @Test
        void aPrefixRouteTakesEverythingBelowIt() throws Exception {
            assertEquals("api {*=v1/items/7} -", upgrade("/api/v1/items/7")[1]);
            assertEquals("api {*=} -", upgrade("/api")[1]);
        }

        @Test
        void aQueryIsNotPartOfTheMatch() throws Exception {
            assertEquals("exact {} -", upgrade("/chat?room=1")[1]);
        }

        @Test
        void pathsNoRouteMatchesGet404() throws Exception {
            assertEquals(404, RawClient.status(upgrade("/rooms/")[0]));
            assertEquals(404, RawClient.status(upgrade("/rooms/42/extra")[0]));
            assertEquals(404, RawClient.status(upgrade("/rooms/%2E%2E")[0]));
        }

        @Test
        void anInvalidEscapeGets400() throws Exception {
            assertEquals(400, RawClient.status(upgrade("/rooms/%G1")[0]));
        }
    }

    @Nested
    class Hook {
        @Test
        void anAcceptedUpgradeSetsCookiesOnThe101AndTheHandlerSeesTheTypedUser() throws Exception {
            String[] answer = upgrade("/secure", "Authorization: Bearer ann\r\n");
            assertEquals(101, RawClient.status(answer[0]));
            assertTrue(hasLine(answer[0], "Set-Cookie: sid=abc123; Path=/; HttpOnly"), answer[0]);
            assertTrue(hasLine(answer[0], "Set-Cookie: theme=dark; Path=/"), answer[0]);
            assertTrue(answer[0].contains("\r\nSec-WebSocket-Accept: "), "the handshake's own headers stay");
            assertEquals("secure {} ann", answer[1]);
        }

        @Test
        void aRefusalCarriesWwwAuthenticate() throws Exception {
            String[] answer = upgrade("/secure");
            assertEquals(401, RawClient.status(answer[0]));
            assertTrue(hasLine(answer[0], "WWW-Authenticate: Bearer realm=\"chat\""), answer[0]);
            assertEquals("token required\n", answer[1]);
        }

        @Test
        void aRedirectCarriesLocation() throws Exception {
            String[] answer = upgrade("/secure?moved=1");
            assertEquals(307, RawClient.status(answer[0]));
            assertTrue(hasLine(answer[0], "Location: wss://eu.example/secure"), answer[0]);
        }

        @Test
        void refusalsAndRedirectsAreCounted() throws Exception {
            upgrade("/secure");
            upgrade("/secure?moved=1");
            assertEquals(2, server.stats().upgradesRejected());
        }
    }

    @Nested
    class Reach {
        @Test
        void aHandlerBuiltBeforeItsServerFindsItThroughTheSession() throws Exception {
            java.util.concurrent.CompletableFuture<WebSocketServer> found = new java.util.concurrent.CompletableFuture<>();
            WebSocketHandler handler = new WebSocketHandler() {
                @Override
                public void onOpen(Session session) {
                    found.complete(WebSocketServer.of(session).orElse(null));
                }
            };
            try (WebSocketServer own = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .route("/here", handler).build()) {
                own.start();
                try (RawClient client = RawClient.open(own.port(), "/here")) {
                    assertSame(own, found.get(10, TimeUnit.SECONDS));
                }
            }
        }
    }

    @Nested
    class SameOriginByDefault {
        @Test
        void aCrossOriginPageGets403() throws Exception {
            assertEquals(403, RawClient.status(upgrade("/chat", "Origin: http://evil.example\r\n")[0]));
            assertEquals(403, RawClient.status(upgrade("/chat", "Origin: http://127.0.0.1:1\r\n")[0]));
            assertEquals(403, RawClient.status(upgrade("/chat", "Origin: null\r\n")[0]));
        }

        @Test
        void aPageOfTheSameOriginIsUpgraded() throws Exception {
            // RawClient sends "Host: 127.0.0.1".
            assertEquals(101, RawClient.status(upgrade("/chat", "Origin: http://127.0.0.1\r\n")[0]));
        }

        @Test
        void aClientWithoutOriginIsUpgraded() throws Exception {
            assertEquals(101, RawClient.status(upgrade("/chat")[0]));
        }

        @Test
        void aListedOriginIsUpgraded() throws Exception {
            assertEquals(101, RawClient.status(upgrade("/chat", "Origin: https://APP.example:443\r\n")[0]));
        }

        @Test
        void allowAnyOriginLetsEveryPageIn() throws Exception {
            try (WebSocketServer open = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                    .route("/chat", reporting("any")).allowAnyOrigin().build()) {
                open.start();
                try (RawClient client = RawClient.connect(open.port())) {
                    String head = client.request(RawClient.upgradeRequest("/chat", RawClient.newKey(),
                            "Origin: http://evil.example\r\n"));
                    assertEquals(101, RawClient.status(head));
                }
            }
        }
    }
}
