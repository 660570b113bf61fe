package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wsbyhand.chat.ChatConfig;

/**
 * The Redis options of {@link ChatConfig} ({@code --redis}, {@code --redis-prefix} and their
 * environment variables); kept beside the Redis code so the chat's own config tests stay untouched.
 */
class RedisOptionsTest {

    private static String error(List<String> args, Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> ChatConfig.parse(args, env)).getMessage();
    }

    @Test
    void withoutRedisTheStoreStaysInMemory() {
        ChatConfig c = ChatConfig.parse(List.of(), Map.of());
        assertEquals("memory", c.store());
        assertEquals(Optional.empty(), c.redis());
    }

    @Test
    void theRedisOptionSwitchesTheStoreToRedisWithTheDefaultPrefix() {
        ChatConfig c = ChatConfig.parse(List.of("--redis", "redis://127.0.0.1:6390/1"), Map.of());
        assertEquals("redis", c.store());
        RedisSettings r = c.redis().orElseThrow();
        assertEquals(6390, r.port());
        assertEquals(1, r.database());
        assertEquals("chat", r.prefix());
    }

    @Test
    void theEnvironmentCanGiveUrlAndPrefix() {
        ChatConfig c = ChatConfig.parse(List.of(), Map.of("REDIS_URL", "redis://r:6379", "REDIS_PREFIX", "room7"));
        assertEquals("redis", c.store());
        assertEquals("room7:messages", c.redis().orElseThrow().streamKey());
    }

    @Test
    void theCommandLineWinsOverTheEnvironment() {
        ChatConfig c = ChatConfig.parse(List.of("--redis=redis://a:1", "--redis-prefix", "p2"),
                Map.of("REDIS_URL", "redis://b:2", "REDIS_PREFIX", "p1"));
        assertEquals("a", c.redis().orElseThrow().host());
        assertEquals("p2", c.redis().orElseThrow().prefix());
        ChatConfig memory = ChatConfig.parse(List.of("--store", "memory"), Map.of("REDIS_URL", "redis://b:2"));
        assertEquals("memory", memory.store());
        assertEquals(Optional.empty(), memory.redis());
    }

    @Test
    void anEmptyRedisUrlVariableMeansNoRedis() {
        assertEquals("memory", ChatConfig.parse(List.of(), Map.of("REDIS_URL", " ")).store());
    }

    @Test
    void storeRedisWithoutAUrlIsRefused() {
        assertTrue(error(List.of("--store", "redis"), Map.of()).contains("--redis"));
    }

    @Test
    void storeMemoryAndRedisOnTheSameLevelContradict() {
        assertTrue(error(List.of("--store", "memory", "--redis", "redis://h"), Map.of()).contains("contradict"));
        assertTrue(error(List.of(), Map.of("CHAT_STORE", "memory", "REDIS_URL", "redis://h")).contains("contradict"));
    }

    @Test
    void aPrefixWithoutRedisIsRefused() {
        assertTrue(error(List.of("--redis-prefix", "x"), Map.of()).contains("--redis"));
    }

    @Test
    void aMalformedUrlOrPrefixIsRefusedWithItsRule() {
        assertTrue(error(List.of("--redis", "localhost:6379"), Map.of()).contains("redis://host:port"));
        assertTrue(error(List.of("--redis", "redis://h", "--redis-prefix", "a b"), Map.of()).contains("prefix"));
    }

    @Test
    void theUsageTextNamesTheRedisOptions() {
        assertTrue(ChatConfig.USAGE.contains("--redis URL"));
        assertTrue(ChatConfig.USAGE.contains("REDIS_PREFIX"));
    }
}
