package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chat app over real loopback sockets, with the JDK's WebSocket client as an independent client. */
class ChatAppIT {

    /** Every posting budget out of the way, for tests that post many messages quickly. */
    private static final String[] UNLIMITED = {"--rate", "1000", "--burst", "1000", "--address-rate", "0",
        "--room-rate", "1000", "--room-burst", "1000"};

    private final List<AutoCloseable> open = new ArrayList<>();
    private ChatApp app;

    private ChatApp start(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1"));
        args.addAll(List.of(extraArgs));
        app = ChatApp.start(ChatConfig.parse(args, java.util.Map.of()));
        return app;
    }

    private ChatClient client(String... subprotocols) throws Exception {
        ChatClient c = ChatClient.connect(app.port(), subprotocols);
        open.add(c);
        return c;
    }

    /** A chat.v2 client whose history and first presence update have been read. */
    private ChatClient leanClient() throws Exception {
        ChatClient c = client("chat.v2");
        assertEquals("history", c.nextSkippingPresence().path("type").asText());
        return c;
    }

    /** A json client whose initial history has been read. */
    private ChatClient jsonClient() throws Exception {
        ChatClient c = client("json");
        assertTrue(JsonProtocolTest.tree(c.next()).has("msg"));
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private static JsonNode tree(String json) {
        return JsonProtocolTest.tree(json);
    }

    @Nested
    class Chatting {
        @Test
        void twoLeanClientsSeeEachOthersMessagesOnce() throws Exception {
            start();
            ChatClient ada = leanClient();
            ChatClient bob = leanClient();
            ada.post("ada", "hello bob");
            for (ChatClient c : List.of(ada, bob)) {
                JsonNode m = c.nextSkippingPresence();
                assertEquals("message", m.path("type").asText());
                assertEquals(1, m.path("id").asLong());
                assertEquals("ada", m.path("user").asText());
                assertEquals("hello bob", m.path("text").asText());
                assertTrue(m.path("time").asLong() > 0);
            }
            bob.post("bob", "hi ada");
            assertEquals("hi ada", ada.nextSkippingPresence().path("text").asText());
            assertEquals("hi ada", bob.nextSkippingPresence().path("text").asText());
        }

        @Test
        void leanClientsAreToldHowManyPeopleAreOnline() throws Exception {
            start();
            ChatClient ada = client("chat.v2");
            assertEquals("history", tree(ada.next()).path("type").asText());
            assertEquals(tree("{\"type\":\"presence\",\"online\":1}"), tree(ada.next()));
            ChatClient bob = client("json");
            assertEquals(tree("{\"type\":\"presence\",\"online\":2}"), tree(ada.next()));
            bob.close();
            assertEquals(tree("{\"type\":\"presence\",\"online\":1}"), tree(ada.next()));
        }

        @Test
        void twoJsonClientsGetTheWholeHistoryAfterEveryMessage() throws Exception {
            start();
            ChatClient ada = client("json");
            assertEquals(Optional.of("json"), ada.subprotocol());
            assertEquals(tree("{\"msg\":[]}"), tree(ada.next()));
            ChatClient bob = jsonClient();
            ada.postJson("ada", "first");
            for (ChatClient c : List.of(ada, bob)) {
                JsonNode msg = tree(c.next()).get("msg");
                assertEquals(1, msg.size());
                assertEquals("ada", msg.get(0).path("user").asText());
                assertEquals("first", msg.get(0).path("text").asText());
                assertTrue(msg.get(0).path("time").isIntegralNumber());
            }
            bob.postJson("bob", "second");
            for (ChatClient c : List.of(ada, bob)) {
                JsonNode msg = tree(c.next()).get("msg");
                assertEquals(List.of("second", "first"), List.of(msg.get(0).path("text").asText(),
                        msg.get(1).path("text").asText()));
            }
        }

        @Test
        void leanAndJsonClientsChatWithEachOther() throws Exception {
            start();
            ChatClient lean = leanClient();
            ChatClient json = jsonClient();
            json.postJson("course", "from json");
            assertEquals("from json", lean.nextSkippingPresence().path("text").asText());
            assertEquals("from json", tree(json.next()).get("msg").get(0).path("text").asText());
            lean.post("lean", "from lean");
            assertEquals("from lean", tree(json.next()).get("msg").get(0).path("text").asText());
        }

        @Test
        void theLeanProtocolIsChosenWhenOfferedFirstAndJsonOtherwise() throws Exception {
            start();
            assertEquals(Optional.of("chat.v2"), client("chat.v2", "json").subprotocol());
            assertEquals(Optional.of("chat.v2"), client("json", "chat.v2").subprotocol());
            assertEquals(Optional.of("json"), client("json").subprotocol());
        }

        @Test
        void aClientWithoutSubprotocolSpeaksTheCourseProtocol() throws Exception {
            start();
            ChatClient plain = client();
            assertEquals(Optional.empty(), plain.subprotocol());
            assertEquals(tree("{\"msg\":[]}"), tree(plain.next()));
        }
    }

    @Nested
    class History {
        @Test
        void aNewClientGetsTheLast50MessagesNewestFirstInJsonAndOldestFirstInChatV2() throws Exception {
            start(UNLIMITED);
            ChatClient writer = leanClient();
            for (int i = 0; i < 55; i++) {
                writer.post("w", "m" + i);
                assertEquals("m" + i, writer.nextSkippingPresence().path("text").asText());
            }
            JsonNode msg = tree(client("json").next()).get("msg");
            assertEquals(50, msg.size());
            for (int i = 0; i < 50; i++) {
                assertEquals("m" + (54 - i), msg.get(i).path("text").asText());
            }
            JsonNode history = client("chat.v2").nextSkippingPresence();
            JsonNode messages = history.get("messages");
            assertEquals(50, messages.size());
            for (int i = 0; i < 50; i++) {
                assertEquals("m" + (5 + i), messages.get(i).path("text").asText());
                assertEquals(6 + i, messages.get(i).path("id").asLong());
            }
        }

        @Test
        void aJsonClientGetsAtMost50MessagesAfterEachNewMessage() throws Exception {
            start(UNLIMITED);
            ChatClient json = jsonClient();
            JsonNode last = null;
            for (int i = 0; i < 52; i++) {
                json.postJson("w", "m" + i);
                last = tree(json.next()).get("msg");
            }
            assertEquals(50, last.size());
            assertEquals("m51", last.get(0).path("text").asText());
            assertEquals("m2", last.get(49).path("text").asText());
        }
    }

    @Nested
    class BadInput {
        /** The sender gets the error, the other client nothing, and the sender can still chat. */
        private void assertRefusedInLean(String message, String code) throws Exception {
            start();
            ChatClient sender = leanClient();
            ChatClient other = leanClient();
            sender.send(message);
            sender.expectLeanError(code);
            sender.post("ada", "still here");
            assertEquals("still here", sender.nextSkippingPresence().path("text").asText());
            assertEquals("still here", other.nextSkippingPresence().path("text").asText());
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "{nope                                                        | malformed_json",
            "not json at all                                              | malformed_json",
            "{\"type\":\"post\",\"user\":\"a\",\"text\":\"b\"} trailing   | malformed_json",
            "[1,2,3]                                                      | bad_shape",
            "{\"type\":\"post\",\"user\":\"a\"}                           | bad_shape",
            "{\"type\":\"post\",\"user\":5,\"text\":\"b\"}                | bad_shape",
            "{\"type\":\"shout\",\"user\":\"a\",\"text\":\"b\"}           | bad_shape",
            "{\"type\":\"post\",\"user\":\"   \",\"text\":\"b\"}          | empty_user",
            "{\"type\":\"post\",\"user\":\"a\",\"text\":\"  \"}           | empty_text",
            "{\"type\":\"post\",\"user\":\"a\\u0000\",\"text\":\"b\"}     | control_character",
        })
        void badLeanMessagesGetAnErrorToTheSenderOnly(String message, String code) throws Exception {
            assertRefusedInLean(message.strip(), code);
        }

        @Test
        void aTooLongUserNameIsRefused() throws Exception {
            assertRefusedInLean("{\"type\":\"post\",\"user\":\"" + "u".repeat(33) + "\",\"text\":\"b\"}", "user_too_long");
        }

        @Test
        void aTooLongTextIsRefused() throws Exception {
            assertRefusedInLean("{\"type\":\"post\",\"user\":\"a\",\"text\":\"" + "t".repeat(501) + "\"}", "text_too_long");
        }

        @Test
        void badJsonProtocolMessagesGetAnErrorToTheSenderOnly() throws Exception {
            start();
            ChatClient sender = jsonClient();
            ChatClient other = jsonClient();
            sender.send("{\"user\": \"a\", \"text\": ");
            assertEquals(tree("{\"error\":\"malformed_json\",\"message\":\"message is not valid JSON\"}"),
                    tree(sender.next()));
            sender.send("{\"user\": \"a\"}");
            assertEquals("bad_shape", tree(sender.next()).path("error").asText());
            sender.postJson("a", "x".repeat(501));
            assertEquals("text_too_long", tree(sender.next()).path("error").asText());
            sender.postJson("a", "fine");
            assertEquals("fine", tree(other.next()).get("msg").get(0).path("text").asText());
            assertEquals("fine", tree(sender.next()).get("msg").get(0).path("text").asText());
        }

        @Test
        void binaryMessagesGetAnError() throws Exception {
            start();
            ChatClient sender = leanClient();
            sender.sendBinary(new byte[] {1, 2, 3});
            sender.expectLeanError("binary_not_supported");
        }

        @Test
        void aFloodIsRateLimitedAndTheConnectionStaysOpen() throws Exception {
            // A bucket of 5 refilled once a second: 10 posts in a row cannot all pass unless sending
            // them took five seconds, so at least one is refused whatever the machine's speed.
            start("--rate", "1", "--burst", "5");
            ChatClient sender = leanClient();
            for (int i = 0; i < 10; i++) {
                sender.post("ada", "flood " + i);
            }
            int accepted = 0;
            int limited = 0;
            for (int i = 0; i < 10; i++) {
                JsonNode reply = sender.nextSkippingPresence();
                if (reply.path("type").asText().equals("message")) {
                    accepted++;
                } else {
                    assertEquals("rate_limited", reply.path("code").asText(), reply.toString());
                    limited++;
                }
            }
            assertTrue(limited >= 1, "no message was rate limited");
            assertTrue(accepted >= 5, "the first burst of 5 must pass, accepted " + accepted);
        }

        @Test
        void anOversizedMessageClosesThatConnectionWith1009Only() throws Exception {
            start();
            ChatClient sender = leanClient();
            ChatClient other = leanClient();
            sender.send("{\"type\":\"post\",\"user\":\"a\",\"text\":\"" + "x".repeat(17_000) + "\"}");
            assertEquals(1009, sender.awaitClose());
            other.post("bob", "unaffected");
            assertEquals("unaffected", other.nextSkippingPresence().path("text").asText());
        }
    }

    @Nested
    class Origins {
        @Test
        void aForeignOriginIsRefusedWith403() throws Exception {
            start();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> ChatClient.connectFrom("http://evil.example", app.port(), "chat.v2"));
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            assertEquals(403, handshake.getResponse().statusCode());
        }

        @Test
        void thePageOfTheAppsOwnHostIsAccepted() throws Exception {
            start();
            try (ChatClient c = ChatClient.connectFrom("http://127.0.0.1:" + app.port(), app.port(), "chat.v2")) {
                assertEquals("history", c.nextSkippingPresence().path("type").asText());
            }
        }

        @Test
        void aConfiguredOriginIsAccepted() throws Exception {
            start("--allowed-origin", "https://chat.example.com");
            try (ChatClient c = ChatClient.connectFrom("https://chat.example.com", app.port(), "chat.v2")) {
                assertEquals("history", c.nextSkippingPresence().path("type").asText());
            }
        }
    }

    @Nested
    class FrontEnd {
        private HttpResponse<String> get(String path) throws Exception {
            // HTTP/1.1: the JDK client otherwise asks for an h2c upgrade, which browsers never do.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(ChatClient.TIMEOUT).build();
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                    .timeout(ChatClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        }

        @Test
        void thePageIsServedAtTheRoot() throws Exception {
            start();
            HttpResponse<String> page = get("/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            for (String id : List.of("id=\"presence-indicator\"", "id=\"chat\"", "id=\"user\"", "id=\"text\"", "id=\"msgs\"")) {
                assertTrue(page.body().contains(id), id);
            }
        }

        @Test
        void scriptAndStylesAreServedAndNothingComesFromElsewhere() throws Exception {
            start();
            HttpResponse<String> js = get("/chat.js");
            HttpResponse<String> css = get("/chat.css");
            assertEquals(200, js.statusCode());
            assertEquals(200, css.statusCode());
            for (String body : List.of(js.body(), css.body(), get("/index.html").body())) {
                assertTrue(!body.contains("http://") && !body.contains("https://") && !body.contains("innerHTML"),
                        "no external resource and no innerHTML");
            }
        }
    }
}
