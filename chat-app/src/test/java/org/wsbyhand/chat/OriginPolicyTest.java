package org.wsbyhand.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbyhand.server.UpgradeDecision;

class OriginPolicyTest {

    private final OriginPolicy policy = new OriginPolicy(List.of("https://chat.example.com"));

    private UpgradeDecision decide(String origin, String host) {
        Map<String, String> headers = new java.util.HashMap<>();
        if (origin != null) {
            headers.put("Origin", origin);
        }
        if (host != null) {
            headers.put("Host", host);
        }
        return policy.decide(new TestUpgradeRequest(headers));
    }

    @Nested
    class Accepted {
        @ParameterizedTest
        @CsvSource({
            "http://localhost:8080, localhost:8080",
            "http://LOCALHOST:8080, localhost:8080",
            "http://127.0.0.1:9000, 127.0.0.1:9000",
            "http://example.org, example.org",
            "http://example.org:80, example.org",
            "https://example.org, example.org:443",
        })
        void aPageServedByTheAppsOwnHostIsAccepted(String origin, String host) {
            assertInstanceOf(UpgradeDecision.Accept.class, decide(origin, host));
        }

        @Test
        void aConfiguredOriginIsAcceptedWhateverTheHost() {
            assertInstanceOf(UpgradeDecision.Accept.class, decide("https://chat.example.com", "10.0.0.5:8080"));
            assertInstanceOf(UpgradeDecision.Accept.class, decide("https://Chat.Example.com:443", "internal:8080"));
        }

        @Test
        void aRequestWithoutOriginIsNotFromABrowserPageAndIsAccepted() {
            assertInstanceOf(UpgradeDecision.Accept.class, decide(null, "localhost:8080"));
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
            "null, localhost:8080",
            "file://, localhost:8080",
            "not an origin, localhost:8080",
            "http://chat.example.com, localhost:8080",
        })
        void aForeignOriginIsRefusedWith403(String origin, String host) {
            UpgradeDecision.Reject reject = assertInstanceOf(UpgradeDecision.Reject.class, decide(origin, host));
            assertEquals(403, reject.status());
        }

        @Test
        void anOriginIsRefusedWhenTheRequestHasNoHost() {
            assertInstanceOf(UpgradeDecision.Reject.class, decide("http://localhost:8080", null));
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
        void aConfiguredValueThatIsNotAnOriginIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> new OriginPolicy(List.of("chat.example.com")));
        }
    }
}
