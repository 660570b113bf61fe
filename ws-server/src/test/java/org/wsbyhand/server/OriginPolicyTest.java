package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The same-origin default, the allow-list and the scheme rule of {@link OriginPolicy}. */
class OriginPolicyTest {
    private final OriginPolicy plain = new OriginPolicy(Set.of("https://chat.example.com"), false, false);
    private final OriginPolicy tls = new OriginPolicy(Set.of(), false, true);

    private static boolean allows(OriginPolicy policy, String origin, String host) {
        return policy.allows(Optional.ofNullable(origin), Optional.ofNullable(host));
    }

    @Nested
    class Allowed {
        @ParameterizedTest
        @CsvSource({
            "http://localhost:8080, localhost:8080",
            "http://LOCALHOST:8080, localhost:8080",
            "http://127.0.0.1:9000, 127.0.0.1:9000",
            "http://[::1]:9000, [::1]:9000",
            "http://example.org, example.org",
            "http://example.org:80, example.org",
            "http://example.org, example.org:80",
            "https://example.org, example.org:443",
            "https://example.org, example.org",
        })
        void aPageOfTheRequestsOwnHostIsAllowed(String origin, String host) {
            assertTrue(allows(plain, origin, host));
        }

        @Test
        void aListedOriginIsAllowedWhateverTheHost() {
            assertTrue(allows(plain, "https://chat.example.com", "10.0.0.5:8080"));
            assertTrue(allows(plain, "https://Chat.Example.com:443", "internal:8080"));
        }

        @Test
        void aRequestWithoutOriginIsNotFromABrowserPage() {
            assertTrue(allows(plain, null, "localhost:8080"));
            assertTrue(allows(tls, null, null));
        }

        @Test
        void allowAnyOriginAllowsEveryOrigin() {
            OriginPolicy any = new OriginPolicy(Set.of(), true, false);
            assertTrue(allows(any, "http://evil.example", "localhost:8080"));
            assertTrue(allows(any, "null", "localhost:8080"));
        }
    }

    @Nested
    class Refused {
        @ParameterizedTest
        @CsvSource({
            "http://evil.example, localhost:8080",
            "http://localhost:8081, localhost:8080",
            "http://127.0.0.1:8080, localhost:8080",
            "http://localhost.evil.example:8080, localhost:8080",
            "http://example.org, example.org:443",
            "null, localhost:8080",
            "file://, localhost:8080",
            "not an origin, localhost:8080",
            "http://chat.example.com, localhost:8080",
        })
        void aForeignOriginIsRefused(String origin, String host) {
            assertFalse(allows(plain, origin, host));
        }

        @Test
        void anOriginIsRefusedWhenTheRequestHasNoHost() {
            assertFalse(allows(plain, "http://localhost:8080", null));
        }

        @Test
        void aWssServerRefusesAPlainHttpPageOfItsOwnHost() {
            assertFalse(allows(tls, "http://example.org:8443", "example.org:8443"));
            assertTrue(allows(tls, "https://example.org:8443", "example.org:8443"));
        }
    }

    @Nested
    class Normalizing {
        @Test
        void defaultPortsAndCaseAreNormalizedAway() {
            assertEquals(Optional.of("https://a.example"), OriginPolicy.normalize("HTTPS://A.example:443"));
            assertEquals(Optional.of("http://a.example:8443"), OriginPolicy.normalize("http://a.example:8443/"));
        }

        @Test
        void valuesThatAreNotHttpOriginsNormalizeToNothing() {
            assertEquals(Optional.empty(), OriginPolicy.normalize("ftp://a.example"));
            assertEquals(Optional.empty(), OriginPolicy.normalize("http://a.example/path"));
            assertEquals(Optional.empty(), OriginPolicy.normalize("http://user@a.example"));
        }

        @Test
        void aConfiguredValueThatIsNotAnOriginIsRefusedAtBuildTime() {
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().allowedOrigins("chat.example.com"));
        }
    }
}
