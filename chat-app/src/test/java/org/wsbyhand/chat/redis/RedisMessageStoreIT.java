package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.wsbyhand.chat.ChatMessage;
import org.wsbyhand.chat.RoomUnavailableException;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

class RedisMessageStoreIT {

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

    /** Each test gets its own room (key prefix) on the shared server. */
    private static RedisMessageStore store(TestInfo test, int capacity) {
        return RedisMessageStore.connect(redis.settings(prefixOf(test)), capacity);
    }

    static String prefixOf(TestInfo test) {
        return "t-" + test.getTestMethod().orElseThrow().getName();
    }

    @Nested
    class AppendAndRecent {
        @Test
        void recentReturnsTheNewestMessagesNewestFirst(TestInfo test) {
            try (RedisMessageStore store = store(test, 50)) {
                for (int i = 1; i <= 5; i++) {
                    store.append("ada", "m" + i);
                }
                List<String> texts = store.recent(3).stream().map(ChatMessage::text).toList();
                assertEquals(List.of("m5", "m4", "m3"), texts);
            }
        }

        @Test
        void recentIsLimitedByCapacityAndByTheRequestedLimit(TestInfo test) {
            try (RedisMessageStore store = store(test, 4)) {
                for (int i = 1; i <= 10; i++) {
                    store.append("ada", "m" + i);
                }
                assertEquals(List.of("m10", "m9", "m8", "m7"), store.recent(50).stream().map(ChatMessage::text).toList());
                assertEquals(List.of("m10", "m9"), store.recent(2).stream().map(ChatMessage::text).toList());
                assertEquals(List.of(), store.recent(0));
                assertEquals(4, store.capacity());
            }
        }

        @Test
        void anEmptyRoomHasNoHistory(TestInfo test) {
            try (RedisMessageStore store = store(test, 50)) {
                assertEquals(List.of(), store.recent(50));
            }
        }

        @Test
        void appendReturnsWhatRecentReadsBack(TestInfo test) {
            try (RedisMessageStore store = store(test, 50)) {
                ChatMessage stored = store.append("ada", "héllo <b>wörld</b> 🎉");
                assertEquals(List.of(stored), store.recent(1));
                assertEquals(stored.id() / 1000, stored.time(), "time is the entry id's millisecond part");
            }
        }

        @Test
        void idsIncreaseStrictlyAndTimesDoNotGoBack(TestInfo test) {
            try (RedisMessageStore store = store(test, 1000)) {
                long lastId = 0;
                long lastTime = 0;
                for (int i = 0; i < 300; i++) {
                    ChatMessage m = store.append("ada", "m" + i);
                    assertTrue(m.id() > lastId, "id " + m.id() + " after " + lastId);
                    assertTrue(m.time() >= lastTime);
                    lastId = m.id();
                    lastTime = m.time();
                }
            }
        }

        @Test
        void concurrentAppendsGetUniqueIdsInTheOrderRecentShows(TestInfo test) throws Exception {
            try (RedisMessageStore store = store(test, 1000);
                    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<ChatMessage>> futures = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    String text = "m" + i;
                    futures.add(pool.submit(() -> store.append("u", text)));
                }
                Set<Long> ids = new HashSet<>();
                for (Future<ChatMessage> f : futures) {
                    assertTrue(ids.add(f.get().id()));
                }
                List<ChatMessage> newestFirst = store.recent(1000);
                assertEquals(400, newestFirst.size());
                for (int i = 1; i < newestFirst.size(); i++) {
                    assertTrue(newestFirst.get(i - 1).id() > newestFirst.get(i).id());
                }
                assertEquals(ids, new HashSet<>(newestFirst.stream().map(ChatMessage::id).toList()));
            }
        }

        @Test
        void theStreamIsTrimmedToAboutItsMaximumLength(TestInfo test) {
            RedisSettings settings = redis.settings(prefixOf(test));
            try (RedisMessageStore store = RedisMessageStore.connect(settings, 50);
                    Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
                for (int i = 0; i < settings.streamMaxLength() + 500; i++) {
                    store.append("ada", "m" + i);
                }
                long length = jedis.xlen(settings.streamKey());
                assertTrue(length >= settings.streamMaxLength(), "keeps at least the maximum, had " + length);
                assertTrue(length < settings.streamMaxLength() + 500, "trimmed, had " + length);
            }
        }

        @Test
        void moreThanAThousandMessagesInOneMillisecondStillGetIncreasingIds(TestInfo test) {
            RedisSettings settings = redis.settings(prefixOf(test));
            try (RedisMessageStore store = RedisMessageStore.connect(settings, 50);
                    Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
                // An entry far in the future makes every append land "within the same millisecond".
                long future = System.currentTimeMillis() + 3_600_000;
                jedis.xadd(settings.streamKey(), new StreamEntryID(future, 998), java.util.Map.of("user", "x", "text", "y"));
                ChatMessage a = store.append("ada", "a");
                ChatMessage b = store.append("ada", "b");
                ChatMessage c = store.append("ada", "c");
                assertEquals(future * 1000 + 999, a.id());
                assertEquals((future + 1) * 1000, b.id(), "sequence 1000 would not fit: next millisecond");
                assertEquals((future + 1) * 1000 + 1, c.id());
            }
        }

        @Test
        void roomsWithDifferentPrefixesDoNotShareMessages(TestInfo test) {
            try (RedisMessageStore a = RedisMessageStore.connect(redis.settings(prefixOf(test) + "-a"), 50);
                    RedisMessageStore b = RedisMessageStore.connect(redis.settings(prefixOf(test) + "-b"), 50)) {
                a.append("ada", "in a");
                assertEquals(List.of(), b.recent(50));
                assertEquals(1, a.recent(50).size());
            }
        }
    }

    @Nested
    class Failures {
        @Test
        void connectingToNoRedisFailsWithTheAddressInTheMessage() {
            int port = RedisServerProcess.freePort();
            RedisSettings settings = RedisSettings.of("redis://127.0.0.1:" + port, "chat");
            RoomUnavailableException e = assertThrows(RoomUnavailableException.class,
                    () -> RedisMessageStore.connect(settings, 50));
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        }

        @Test
        void aCapacityAboveTheStreamLengthIsRefused() {
            RedisSettings settings = redis.settings("cap");
            assertThrows(IllegalArgumentException.class,
                    () -> RedisMessageStore.connect(settings, settings.streamMaxLength() + 1));
        }

        @Test
        void aClosedStoreFailsAsUnavailable(TestInfo test) {
            RedisMessageStore store = store(test, 50);
            store.close();
            assertThrows(RoomUnavailableException.class, () -> store.append("ada", "late"));
        }
    }

    /** Stops and restarts the shared server: these tests run on a server of their own. */
    @Nested
    class Restarts {
        @TempDir
        Path ownDir;

        @Test
        void historySurvivesARedisRestartAndAppendsFailWhileItIsDown(TestInfo test) {
            try (RedisServerProcess own = RedisServerProcess.start(ownDir);
                    RedisMessageStore store = RedisMessageStore.connect(own.settings(prefixOf(test)), 50)) {
                ChatMessage first = store.append("ada", "before");
                own.stop();
                assertThrows(RoomUnavailableException.class, () -> store.append("ada", "while down"));
                assertThrows(RoomUnavailableException.class, () -> store.recent(50));
                own.restart();
                assertEquals(List.of(first), store.recent(50), "the append-only file kept the message");
                ChatMessage second = store.append("ada", "after");
                assertTrue(second.id() > first.id());
                assertEquals(List.of(second, first), store.recent(50));
            }
        }

        @Test
        void afterAnAppendCouldNotReachRedisTheNextOnesFailWithoutTryingUntilTheFailFastTimeIsOver(TestInfo test) {
            try (RedisServerProcess own = RedisServerProcess.start(ownDir);
                    RedisMessageStore store = RedisMessageStore.connect(
                            own.settings(prefixOf(test)).withFailFast(Duration.ofSeconds(5)), 50)) {
                own.stop();
                RoomUnavailableException tried = assertThrows(RoomUnavailableException.class,
                        () -> store.append("ada", "one"));
                assertNotNull(tried.getCause(), "the first append tried Redis");
                RoomUnavailableException notTried = assertThrows(RoomUnavailableException.class,
                        () -> store.append("ada", "two"));
                assertNull(notTried.getCause(), "the next one failed without trying");
                assertTrue(notTried.getMessage().contains("not retrying"), notTried.getMessage());
                own.restart();
                ChatMessage back = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (back == null && System.nanoTime() < deadline) {
                    try {
                        back = store.append("ada", "back");
                    } catch (RoomUnavailableException e) {
                        RedisServerProcess.sleep(Duration.ofMillis(100));
                    }
                }
                assertNotNull(back, "appends work again once the fail-fast time is over");
                assertEquals(List.of(back), store.recent(50));
            }
        }

        @Test
        void anAppendToAFrozenRedisFailsAfterTheTimeoutAndTheStoreRecovers(TestInfo test) {
            try (RedisServerProcess own = RedisServerProcess.start(ownDir);
                    RedisMessageStore store = RedisMessageStore.connect(own.settings(prefixOf(test)), 50)) {
                ChatMessage before = store.append("ada", "before");
                own.freeze();
                try {
                    assertThrows(RoomUnavailableException.class, () -> store.append("ada", "while frozen"));
                } finally {
                    own.thaw();
                }
                ChatMessage after = store.append("ada", "after");
                List<ChatMessage> history = store.recent(50);
                // "while frozen" may or may not be stored: its command reached Redis, only the reply
                // timed out. The sender was told it failed; it was never told it succeeded.
                assertEquals(before, history.get(history.size() - 1));
                assertEquals(after, history.get(0));
            }
        }
    }
}
