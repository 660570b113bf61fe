package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.wsbyhand.chat.ChatMessage;
import redis.clients.jedis.StreamEntryID;

class StreamReaderIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    static RedisServerProcess redis;

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

    /** Waits (bounded) until {@code done}; fails the test with {@code what} otherwise. */
    static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            RedisServerProcess.sleep(Duration.ofMillis(10));
        }
    }

    /** Ids of {@code messages} in the order given. */
    static List<Long> ids(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::id).toList();
    }

    static void assertStrictlyIncreasing(List<Long> ids) {
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1) < ids.get(i), "ids out of order or repeated at " + i + ": " + ids);
        }
    }

    @Nested
    class Delivery {
        @Test
        void deliversEveryEntryExactlyOnceInStreamOrder(TestInfo test) throws Exception {
            RedisSettings settings = redis.settings(RedisMessageStoreIT.prefixOf(test));
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisMessageStore store = RedisMessageStore.connect(settings, 1000);
                    StreamReader reader = new StreamReader(settings, new StreamEntryID(0, 0), seen::add);
                    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                reader.start();
                List<Future<ChatMessage>> appends = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    String text = "m" + i;
                    appends.add(pool.submit(() -> store.append("u", text)));
                }
                HashSet<Long> accepted = new HashSet<>();
                for (Future<ChatMessage> f : appends) {
                    accepted.add(f.get().id());
                }
                await("500 deliveries", () -> seen.size() >= 500);
                // Anything delivered twice would show up here within a few block times.
                RedisServerProcess.sleep(settings.blockTime().multipliedBy(2));
                assertEquals(500, seen.size());
                assertStrictlyIncreasing(ids(seen));
                assertEquals(accepted, new HashSet<>(ids(seen)));
                assertEquals(StreamIds.entryId(seen.get(499).id()), reader.position());
            }
        }

        @Test
        void startsAfterTheGivenEntry(TestInfo test) {
            RedisSettings settings = redis.settings(RedisMessageStoreIT.prefixOf(test));
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisMessageStore store = RedisMessageStore.connect(settings, 50)) {
                store.append("ada", "old 1");
                ChatMessage second = store.append("ada", "old 2");
                ChatMessage third = store.append("ada", "new 1");
                try (StreamReader reader = new StreamReader(settings, StreamIds.entryId(second.id()), seen::add)) {
                    reader.start();
                    ChatMessage fourth = store.append("ada", "new 2");
                    await("2 deliveries", () -> seen.size() >= 2);
                    assertEquals(List.of(third, fourth), List.copyOf(seen));
                }
            }
        }

        @Test
        void twoReadersSeeTheSameMessagesInTheSameOrder(TestInfo test) throws Exception {
            RedisSettings settings = redis.settings(RedisMessageStoreIT.prefixOf(test));
            List<ChatMessage> nodeA = new CopyOnWriteArrayList<>();
            List<ChatMessage> nodeB = new CopyOnWriteArrayList<>();
            try (RedisMessageStore storeA = RedisMessageStore.connect(settings, 50);
                    RedisMessageStore storeB = RedisMessageStore.connect(settings, 50);
                    StreamReader a = new StreamReader(settings, new StreamEntryID(0, 0), nodeA::add);
                    StreamReader b = new StreamReader(settings, new StreamEntryID(0, 0), nodeB::add);
                    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                a.start();
                b.start();
                List<Future<?>> appends = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    RedisMessageStore via = i % 2 == 0 ? storeA : storeB;
                    String text = "m" + i;
                    appends.add(pool.submit(() -> via.append("u", text)));
                }
                for (Future<?> f : appends) {
                    f.get();
                }
                await("200 deliveries on both", () -> nodeA.size() >= 200 && nodeB.size() >= 200);
                assertEquals(List.copyOf(nodeA), List.copyOf(nodeB));
                assertEquals(200, new HashSet<>(ids(nodeA)).size());
            }
        }

        @Test
        void aFailingSinkDoesNotStopTheReader(TestInfo test) {
            RedisSettings settings = redis.settings(RedisMessageStoreIT.prefixOf(test));
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisMessageStore store = RedisMessageStore.connect(settings, 50);
                    StreamReader reader = new StreamReader(settings, new StreamEntryID(0, 0), m -> {
                        seen.add(m);
                        if (m.text().equals("boom")) {
                            throw new IllegalStateException("sink failed");
                        }
                    })) {
                reader.start();
                store.append("ada", "boom");
                store.append("ada", "after");
                await("2 deliveries", () -> seen.size() >= 2);
                assertEquals(List.of("boom", "after"), seen.stream().map(ChatMessage::text).toList());
            }
        }

        @Test
        void entriesNotWrittenByTheChatAreSkipped(TestInfo test) {
            RedisSettings settings = redis.settings(RedisMessageStoreIT.prefixOf(test));
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisMessageStore store = RedisMessageStore.connect(settings, 50);
                    redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", redis.port());
                    StreamReader reader = new StreamReader(settings, new StreamEntryID(0, 0), seen::add)) {
                reader.start();
                jedis.xadd(settings.streamKey(), StreamEntryID.NEW_ENTRY, java.util.Map.of("something", "else"));
                ChatMessage real = store.append("ada", "real");
                await("1 delivery", () -> seen.size() >= 1);
                assertEquals(List.of(real), List.copyOf(seen));
                assertEquals(List.of(real), store.recent(50));
            }
        }

        @Test
        void closeStopsDelivering(TestInfo test) {
            RedisSettings settings = redis.settings(RedisMessageStoreIT.prefixOf(test));
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisMessageStore store = RedisMessageStore.connect(settings, 50)) {
                StreamReader reader = new StreamReader(settings, new StreamEntryID(0, 0), seen::add);
                reader.start();
                store.append("ada", "one");
                await("1 delivery", () -> seen.size() >= 1);
                reader.close();
                store.append("ada", "two");
                RedisServerProcess.sleep(settings.blockTime().multipliedBy(2));
                assertEquals(List.of("one"), seen.stream().map(ChatMessage::text).toList());
            }
        }
    }

    @Nested
    class Reconnection {
        @TempDir
        Path ownDir;

        @Test
        void resumesAfterARedisRestartWithoutLossOrDuplicates(TestInfo test) {
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisServerProcess own = RedisServerProcess.start(ownDir)) {
                RedisSettings settings = own.settings(RedisMessageStoreIT.prefixOf(test));
                try (RedisMessageStore store = RedisMessageStore.connect(settings, 1000);
                        StreamReader reader = new StreamReader(settings, new StreamEntryID(0, 0), seen::add)) {
                    reader.start();
                    List<Long> accepted = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        accepted.add(store.append("ada", "before " + i).id());
                    }
                    await("50 deliveries", () -> seen.size() >= 50);
                    own.stop();
                    own.restart();
                    // Appended right away, most likely before the reader's backoff lets it reconnect.
                    for (int i = 0; i < 50; i++) {
                        accepted.add(store.append("ada", "after " + i).id());
                    }
                    await("100 deliveries", () -> seen.size() >= 100);
                    RedisServerProcess.sleep(settings.blockTime().multipliedBy(2));
                    assertEquals(accepted, ids(seen));
                }
            }
        }

        @Test
        void resumesAfterRedisWasFrozenLongerThanItsReadTimeout(TestInfo test) {
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisServerProcess own = RedisServerProcess.start(ownDir)) {
                RedisSettings settings = own.settings(RedisMessageStoreIT.prefixOf(test));
                try (RedisMessageStore store = RedisMessageStore.connect(settings, 50);
                        StreamReader reader = new StreamReader(settings, new StreamEntryID(0, 0), seen::add)) {
                    reader.start();
                    ChatMessage first = store.append("ada", "first");
                    await("1 delivery", () -> seen.size() >= 1);
                    own.freeze();
                    try {
                        // Longer than the reader's socket timeout (timeout + block time): its XREAD fails.
                        RedisServerProcess.sleep(settings.timeout().plus(settings.blockTime()).plusSeconds(1));
                    } finally {
                        own.thaw();
                    }
                    ChatMessage second = store.append("ada", "second");
                    await("delivery after the freeze", () -> seen.size() >= 2);
                    RedisServerProcess.sleep(settings.blockTime());
                    assertEquals(List.of(first, second), List.copyOf(seen));
                }
            }
        }

        @Test
        void keepsRetryingWhileRedisIsDownAndStopsPromptlyWhenClosed(TestInfo test) {
            List<ChatMessage> seen = new CopyOnWriteArrayList<>();
            try (RedisServerProcess own = RedisServerProcess.start(ownDir)) {
                RedisSettings settings = own.settings(RedisMessageStoreIT.prefixOf(test));
                StreamReader reader = new StreamReader(settings, new StreamEntryID(0, 0), seen::add);
                reader.start();
                own.stop();
                // Several backoff rounds against a closed port.
                RedisServerProcess.sleep(settings.retryMax().multipliedBy(3));
                own.restart();
                try (RedisMessageStore store = RedisMessageStore.connect(settings, 50)) {
                    ChatMessage m = store.append("ada", "back");
                    await("delivery after the outage", () -> seen.size() >= 1);
                    assertEquals(List.of(m), List.copyOf(seen));
                }
                reader.close();
                assertFalse(readerThreadAlive(settings), "reader thread ended");
            }
        }
    }

    private static boolean readerThreadAlive(RedisSettings settings) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("redis-reader-" + settings.prefix()) && t.isAlive());
    }
}
