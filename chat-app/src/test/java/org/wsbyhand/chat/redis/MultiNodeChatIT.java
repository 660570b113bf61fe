package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbyhand.chat.ChatApp;
import org.wsbyhand.chat.ChatConfig;
import org.wsbyhand.chat.RoomUnavailableException;

/**
 * Several chat-app nodes sharing one room through a real {@code redis-server}, each with its own
 * client on the JDK's WebSocket client: the behaviour a user of {@code --redis} relies on.
 */
class MultiNodeChatIT {

    @TempDir
    static Path dir;
    static RedisServerProcess redis;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start(dir.resolve("redis"));
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** A node on a free loopback port, in the room {@code prefix} of {@code server}. */
    private ChatApp node(RedisServerProcess server, String prefix) throws IOException {
        ChatConfig config = ChatConfig.parse(List.of("--port", "0", "--bind", "127.0.0.1",
                "--redis", server.url(), "--redis-prefix", prefix, "--rate", "1000", "--burst", "1000",
                "--address-rate", "0", "--room-rate", "1000", "--room-burst", "1000"), Map.of());
        ChatApp app = ChatApp.start(config);
        open.add(app);
        return app;
    }

    private NodeClient client(ChatApp node, String protocol) {
        NodeClient c = NodeClient.connect(node.port(), protocol);
        open.add(c);
        return c;
    }

    private static String prefix(TestInfo test) {
        // Within RedisSettings' 100-character limit however long the method name and the clock value.
        String name = test.getTestMethod().orElseThrow().getName();
        return "it-" + name.substring(0, Math.min(name.length(), 60)) + "-" + Long.toHexString(System.nanoTime());
    }

    /** One message as a client saw it; {@code id} is 0 in the json protocol, which has none. */
    record Seen(long id, String user, String text) {}

    /** Reads the history a client gets on connect, oldest first. */
    static List<Seen> history(NodeClient c) {
        JsonNode first = c.next();
        List<Seen> oldestFirst = new ArrayList<>();
        if (c.protocol().equals(NodeClient.LEAN)) {
            assertEquals("history", first.path("type").asText(), first.toString());
            first.path("messages").forEach(m -> oldestFirst.add(seen(m)));
        } else {
            assertTrue(first.has("msg"), first.toString());
            first.path("msg").forEach(m -> oldestFirst.add(0, seen(m)));
        }
        return oldestFirst;
    }

    /**
     * Posts until the node accepts (bounded): right after Redis comes back, a node's store may still
     * fail fast for the rest of its window after its last failure, and says so with "unavailable".
     * Returns the text that was accepted, which the poster is sent as a message.
     */
    static String postUntilAccepted(NodeClient client, String user, String prefix) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            String text = prefix + " " + attempt;
            client.post(user, text);
            JsonNode reply = client.next();
            boolean lean = client.protocol().equals(NodeClient.LEAN);
            String error = lean ? (reply.path("type").asText().equals("error") ? reply.path("code").asText() : "")
                    : reply.path("error").asText();
            if (error.isEmpty()) {
                // The poster is sent its own message like everyone (the json protocol: the history, newest first).
                assertEquals(text, (lean ? reply : reply.path("msg").get(0)).path("text").asText(), reply.toString());
                return text;
            }
            assertEquals("unavailable", error, reply.toString());
            RedisServerProcess.sleep(Duration.ofMillis(200));
        }
        throw new AssertionError(client.protocol() + " client: no post accepted within 30 s after Redis came back");
    }

    /** Reads the next new message a client is told about. */
    static Seen delivered(NodeClient c) {
        JsonNode m = c.next();
        if (c.protocol().equals(NodeClient.LEAN)) {
            assertEquals("message", m.path("type").asText(), m.toString());
            return seen(m);
        }
        assertTrue(m.has("msg") && !m.path("msg").isEmpty(), m.toString());
        return seen(m.path("msg").get(0)); // the json protocol resends the history, newest first
    }

    /** Reads the next message and checks it is the "unavailable" error reply of the client's protocol. */
    static void expectUnavailable(NodeClient c) {
        JsonNode m = c.next();
        if (c.protocol().equals(NodeClient.LEAN)) {
            assertEquals("error", m.path("type").asText(), m.toString());
            assertEquals("unavailable", m.path("code").asText(), m.toString());
        } else {
            assertEquals("unavailable", m.path("error").asText(), m.toString());
        }
    }

    private static Seen seen(JsonNode m) {
        return new Seen(m.path("id").asLong(0), m.path("user").asText(), m.path("text").asText());
    }

    private static List<String> texts(List<Seen> seen) {
        return seen.stream().map(Seen::text).toList();
    }

    @Nested
    class Chatting {
        @ParameterizedTest(name = "{0} on node A, {1} on node B")
        @CsvSource({"chat.v2, chat.v2", "json, json", "chat.v2, json"})
        void messagesCrossBothWaysInTheSameOrderExactlyOnce(String protocolA, String protocolB, TestInfo test)
                throws Exception {
            String room = prefix(test);
            ChatApp nodeA = node(redis, room);
            ChatApp nodeB = node(redis, room);
            NodeClient a = client(nodeA, protocolA);
            NodeClient b = client(nodeB, protocolB);
            assertEquals(List.of(), history(a));
            assertEquals(List.of(), history(b));

            int perClient = 15;
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> fa = senders.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        a.post("ada", "a" + i);
                    }
                });
                Future<?> fb = senders.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        b.post("bob", "b" + i);
                    }
                });
                fa.get(30, TimeUnit.SECONDS);
                fb.get(30, TimeUnit.SECONDS);
            }
            List<Seen> seenA = new ArrayList<>();
            List<Seen> seenB = new ArrayList<>();
            for (int i = 0; i < 2 * perClient; i++) {
                seenA.add(delivered(a));
                seenB.add(delivered(b));
            }
            assertEquals(texts(seenA), texts(seenB), "both nodes deliver the same messages in the same order");
            assertEquals(2 * perClient, new HashSet<>(texts(seenA)).size(), "each message exactly once");
            List<String> fromA = texts(seenA).stream().filter(t -> t.startsWith("a")).toList();
            List<String> fromB = texts(seenA).stream().filter(t -> t.startsWith("b")).toList();
            assertEquals(java.util.stream.IntStream.range(0, perClient).mapToObj(i -> "a" + i).toList(), fromA);
            assertEquals(java.util.stream.IntStream.range(0, perClient).mapToObj(i -> "b" + i).toList(), fromB);
            for (List<Seen> seen : List.of(seenA, seenB)) {
                if (seen.get(0).id() != 0) {
                    for (int i = 1; i < seen.size(); i++) {
                        assertTrue(seen.get(i - 1).id() < seen.get(i).id(), "ids increase: " + seen);
                    }
                }
            }
            assertNull(a.poll(Duration.ofMillis(300)), "nothing delivered twice");
            assertNull(b.poll(Duration.ofMillis(300)), "nothing delivered twice");
        }

        @Test
        void aClientJoiningLaterGetsTheSharedHistoryFromEitherNode(TestInfo test) throws Exception {
            String room = prefix(test);
            ChatApp nodeA = node(redis, room);
            ChatApp nodeB = node(redis, room);
            NodeClient a = client(nodeA, NodeClient.LEAN);
            history(a);
            a.post("ada", "one");
            a.post("ada", "two");
            Seen one = delivered(a);
            Seen two = delivered(a);
            assertEquals(List.of(one, two), history(client(nodeB, NodeClient.LEAN)));
            assertEquals(texts(List.of(one, two)), texts(history(client(nodeB, NodeClient.JSON))));
        }

        @Test
        void roomsWithDifferentPrefixesAreSeparate(TestInfo test) throws Exception {
            ChatApp red = node(redis, prefix(test) + "-red");
            ChatApp blue = node(redis, prefix(test) + "-blue");
            NodeClient r = client(red, NodeClient.LEAN);
            NodeClient b = client(blue, NodeClient.LEAN);
            history(r);
            history(b);
            r.post("ada", "only red");
            assertEquals("only red", delivered(r).text());
            assertNull(b.poll(Duration.ofMillis(500)), "the blue room hears nothing");
        }
    }

    @Nested
    class Restarts {
        @Test
        void historySurvivesStoppingAndRestartingBothNodes(TestInfo test) throws Exception {
            String room = prefix(test);
            ChatApp nodeA = node(redis, room);
            ChatApp nodeB = node(redis, room);
            NodeClient a = client(nodeA, NodeClient.LEAN);
            NodeClient b = client(nodeB, NodeClient.JSON);
            history(a);
            history(b);
            a.post("ada", "first");
            Seen first = delivered(a);
            delivered(b);
            b.post("bob", "second");
            delivered(a);
            delivered(b);
            a.close();
            b.close();
            nodeA.close();
            nodeB.close();

            ChatApp nodeA2 = node(redis, room);
            ChatApp nodeB2 = node(redis, room);
            NodeClient a2 = client(nodeA2, NodeClient.LEAN);
            NodeClient b2 = client(nodeB2, NodeClient.JSON);
            List<Seen> lean = history(a2);
            assertEquals(List.of("first", "second"), texts(lean));
            assertEquals(first.id(), lean.get(0).id(), "ids survive the restart");
            assertEquals(List.of("first", "second"), texts(history(b2)));

            b2.post("bob", "third");
            assertEquals("third", delivered(a2).text(), "the restarted nodes share the room again");
            assertEquals("third", delivered(b2).text());
        }
    }

    @Nested
    class RedisOutage {
        @TempDir
        Path ownDir;

        @Test
        void postsWhileRedisIsDownGetErrorRepliesAndTheRoomRecoversWithoutLosingAcceptedMessages(TestInfo test)
                throws Exception {
            RedisServerProcess own = RedisServerProcess.start(ownDir);
            open.add(own);
            String room = prefix(test);
            ChatApp nodeA = node(own, room);
            ChatApp nodeB = node(own, room);
            NodeClient a = client(nodeA, NodeClient.LEAN);
            NodeClient b = client(nodeB, NodeClient.JSON);
            history(a);
            history(b);
            List<String> accepted = new ArrayList<>();

            a.post("ada", "before");
            assertEquals("before", delivered(a).text());
            assertEquals("before", delivered(b).text());
            accepted.add("before");

            own.stop();
            a.post("ada", "during a");
            expectUnavailable(a);
            b.post("bob", "during b");
            expectUnavailable(b);

            own.restart();
            String back = postUntilAccepted(a, "ada", "after a");
            accepted.add(back);
            assertEquals(back, delivered(b).text(), "node B's reader reconnected and resumed");

            // Node B's store has a fail-fast window of its own since its failed post: retry there too.
            String fromB = postUntilAccepted(b, "bob", "after b");
            assertEquals(fromB, delivered(a).text());
            accepted.add(fromB);

            assertEquals(accepted, texts(history(client(nodeA, NodeClient.LEAN))),
                    "every accepted message, and only those, is in the history");
            assertEquals(accepted, texts(history(client(nodeB, NodeClient.JSON))));
        }
    }

    @Nested
    class Startup {
        @Test
        void aNodeWhoseRedisIsUnreachableFailsBeforeOpeningItsPort() {
            int deadRedis = RedisServerProcess.freePort();
            int port = RedisServerProcess.freePort();
            ChatConfig config = ChatConfig.parse(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--redis", "redis://127.0.0.1:" + deadRedis), Map.of());
            RoomUnavailableException e = assertThrows(RoomUnavailableException.class, () -> ChatApp.start(config));
            assertTrue(e.getMessage().contains("127.0.0.1:" + deadRedis), e.getMessage());
            assertFalse(listening(port), "no half-started server");
        }

        @Test
        void theCommandSaysRedisIsUnreachableAndExitsWithStatusOne() throws Exception {
            int deadRedis = RedisServerProcess.freePort();
            String java = ProcessHandle.current().info().command().orElseThrow();
            Path log = Files.createTempFile("chat-app-start", ".log");
            Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "org.wsbyhand.chat.ChatApp", "--port", "0", "--bind", "127.0.0.1",
                    "--redis", "redis://127.0.0.1:" + deadRedis)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the app exits by itself");
                String output = Files.readString(log, StandardCharsets.UTF_8);
                assertEquals(1, process.exitValue(), output);
                assertTrue(output.contains("Redis at redis://127.0.0.1:" + deadRedis + "/0 is not reachable"), output);
                assertFalse(output.contains("is running"), output);
            } finally {
                process.destroyForcibly();
                Files.deleteIfExists(log);
            }
        }

        private static boolean listening(int port) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
