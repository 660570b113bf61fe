package org.wsbyhand.chat.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisSettingsTest {

    @Nested
    class Urls {
        @Test
        void aHostAndPortUrlUsesDatabaseZeroAndTheDefaults() {
            RedisSettings s = RedisSettings.of("redis://127.0.0.1:6380", "chat");
            assertEquals("127.0.0.1", s.host());
            assertEquals(6380, s.port());
            assertEquals(0, s.database());
            assertEquals(Optional.empty(), s.user());
            assertEquals(Optional.empty(), s.password());
            assertEquals(RedisSettings.DEFAULT_TIMEOUT, s.timeout());
            assertEquals(RedisSettings.DEFAULT_STREAM_MAX_LENGTH, s.streamMaxLength());
        }

        @Test
        void theDefaultPortIs6379AndThePathSelectsTheDatabase() {
            RedisSettings s = RedisSettings.of("redis://cache.internal/3", "chat");
            assertEquals(6379, s.port());
            assertEquals(3, s.database());
        }

        @Test
        void userAndPasswordComeFromTheUserInfoPercentDecoded() {
            RedisSettings s = RedisSettings.of("redis://app:p%40ss+word@h:1/0", "chat");
            assertEquals(Optional.of("app"), s.user());
            assertEquals(Optional.of("p@ss+word"), s.password());
        }

        @Test
        void aPasswordWithoutUserIsAcceptedInBothShortForms() {
            assertEquals(Optional.of("secret"), RedisSettings.of("redis://:secret@h", "c").password());
            assertEquals(Optional.empty(), RedisSettings.of("redis://:secret@h", "c").user());
            assertEquals(Optional.of("secret"), RedisSettings.of("redis://secret@h", "c").password());
        }

        @ParameterizedTest
        @ValueSource(strings = {"localhost:6379", "http://h:6379", "redis://", "redis://h:6379/x",
                "redis://h:6379/0?x=1", "redis://h:99999", "rediss://h:6379", "redis://h:6379/0/1"})
        void malformedUrlsAreRefusedWithTheExpectedForm(String url) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisSettings.of(url, "chat"));
            assertTrue(e.getMessage().contains("redis://host:port[/db]") || e.getMessage().contains("port"),
                    e.getMessage());
        }

        @Test
        void anErrorMessageNeverShowsThePassword() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RedisSettings.of("redis://u:hunter2@h:6379/x", "chat"));
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }

        @Test
        void toStringAndTheRedactedUrlHideThePassword() {
            RedisSettings s = RedisSettings.of("redis://u:hunter2@h:7000/2", "chat");
            assertEquals("redis://u:***@h:7000/2", s.redactedUrl());
            assertFalse(s.toString().contains("hunter2"));
        }
    }

    @Nested
    class Prefix {
        @Test
        void theStreamKeyIsThePrefixAndMessages() {
            assertEquals("room1:messages", RedisSettings.of("redis://h", "room1").streamKey());
            assertEquals("chat:messages", RedisSettings.of("redis://h", RedisSettings.DEFAULT_PREFIX).streamKey());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a b", "tab\there", "new\nline"})
        void emptyOrWhitespacePrefixesAreRefused(String prefix) {
            assertThrows(IllegalArgumentException.class, () -> RedisSettings.of("redis://h", prefix));
        }

        @Test
        void aPrefixLongerThan100CharactersIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> RedisSettings.of("redis://h", "p".repeat(101)));
            assertEquals(100, RedisSettings.of("redis://h", "p".repeat(100)).prefix().length());
        }

        @Test
        void withPrefixKeepsEverythingElse() {
            RedisSettings s = RedisSettings.of("redis://h:1/2", "a");
            RedisSettings t = s.withPrefix("b");
            assertEquals("b", t.prefix());
            assertEquals(s.withPrefix("a"), s);
            assertEquals(s.port(), t.port());
        }
    }

    @Nested
    class Limits {
        private final RedisSettings base = RedisSettings.of("redis://h", "chat");

        @Test
        void timingOutsideItsRangeIsRefused() {
            assertThrows(IllegalArgumentException.class,
                    () -> base.withTiming(Duration.ofMillis(99), base.blockTime(), base.retryMin(), base.retryMax()));
            assertThrows(IllegalArgumentException.class,
                    () -> base.withTiming(base.timeout(), Duration.ofMillis(5), base.retryMin(), base.retryMax()));
            assertThrows(IllegalArgumentException.class,
                    () -> base.withTiming(base.timeout(), base.blockTime(), Duration.ofSeconds(2), Duration.ofSeconds(1)));
            assertThrows(IllegalArgumentException.class,
                    () -> base.withTiming(base.timeout(), base.blockTime(), Duration.ZERO, Duration.ofSeconds(1)));
            assertThrows(IllegalArgumentException.class, () -> base.withFailFast(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> base.withFailFast(Duration.ofSeconds(61)));
            assertEquals(Duration.ZERO, base.withFailFast(Duration.ZERO).failFast());
        }

        @Test
        void poolSizeAndStreamLengthMustBePositive() {
            assertThrows(IllegalArgumentException.class, () -> new RedisSettings("h", 1, 0, Optional.empty(),
                    Optional.empty(), "c", base.timeout(), 0, 1000, base.blockTime(), base.retryMin(), base.retryMax(), base.failFast()));
            assertThrows(IllegalArgumentException.class, () -> new RedisSettings("h", 1, 0, Optional.empty(),
                    Optional.empty(), "c", base.timeout(), 1, 0, base.blockTime(), base.retryMin(), base.retryMax(), base.failFast()));
        }
    }
}
