package org.wsbyhand.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ProxySettings}: validation, the password kept out of sight, and the environment variables. */
class ProxySettingsTest {
    private static final URI WS = URI.create("ws://chat.example.com/socket");
    private static final URI WSS = URI.create("wss://chat.example.com/socket");

    private static Optional<ProxySettings> fromEnv(URI target, String... namesAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return ProxySettings.fromEnvironment(env, target);
    }

    private static ProxySettings proxyFor(URI target, String... namesAndValues) {
        return fromEnv(target, namesAndValues).orElseThrow();
    }

    @Nested
    class Construction {
        @Test
        void holdsHostAndPort() {
            ProxySettings proxy = ProxySettings.of("proxy.corp", 3128);
            assertEquals("proxy.corp", proxy.host());
            assertEquals(3128, proxy.port());
            assertFalse(proxy.hasCredentials());
            assertEquals(Optional.empty(), proxy.username());
        }

        @Test
        void ipv6HostsAreKeptWithoutBrackets() {
            assertEquals("::1", ProxySettings.of("[::1]", 8080).host());
            assertEquals("2001:db8::7", ProxySettings.of("2001:db8::7", 8080).host());
        }

        @Test
        void credentialsAreACopy() {
            ProxySettings plain = ProxySettings.of("proxy.corp", 3128);
            ProxySettings withCredentials = plain.withCredentials("alice", "s3cret");
            assertFalse(plain.hasCredentials());
            assertTrue(withCredentials.hasCredentials());
            assertEquals(Optional.of("alice"), withCredentials.username());
            assertEquals(Optional.of("s3cret"), withCredentials.password());
            assertNotEquals(plain, withCredentials);
            assertEquals(withCredentials, ProxySettings.of("PROXY.corp", 3128).withCredentials("alice", "s3cret"));
            assertEquals(withCredentials.hashCode(),
                    ProxySettings.of("PROXY.corp", 3128).withCredentials("alice", "s3cret").hashCode());
        }

        @Test
        void anEmptyPasswordIsAllowed() {
            assertEquals(Optional.of(""), ProxySettings.of("p", 1).withCredentials("token", "").password());
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "[]", "proxy corp", "proxy\r\nX-Injected: 1", "proxy/path", "user@proxy",
            "pröxy.example", "proxy:3128:1", "[::1", "::g"})
        void hostsThatAreNoHostsAreRejected(String host) {
            assertThrows(IllegalArgumentException.class, () -> ProxySettings.of(host, 3128));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, -1, 65536, Integer.MAX_VALUE})
        void portsOutOfRangeAreRejected(int port) {
            assertThrows(IllegalArgumentException.class, () -> ProxySettings.of("proxy.corp", port));
        }

        @Test
        void nullsAreRejected() {
            assertThrows(NullPointerException.class, () -> ProxySettings.of(null, 80));
            ProxySettings proxy = ProxySettings.of("proxy.corp", 3128);
            assertThrows(NullPointerException.class, () -> proxy.withCredentials(null, "x"));
            assertThrows(NullPointerException.class, () -> proxy.withCredentials("x", null));
        }

        @Test
        void badCredentialsAreRejectedWithoutRepeatingThem() {
            ProxySettings proxy = ProxySettings.of("proxy.corp", 3128);
            assertThrows(IllegalArgumentException.class, () -> proxy.withCredentials("", "pw"));
            for (String[] bad : new String[][] {
                {"al:ice", "pw-secret"}, {"alice\r\n", "pw-secret"}, {"alice", "pw-secret\r\nX: y"},
                {"alice", "pw-secret\u0000"}, {"alice\u007f", "pw-secret"}, {"alice", "pw-secret\u0085"}}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> proxy.withCredentials(bad[0], bad[1]));
                assertFalse(e.getMessage().contains("pw-secret"), e.getMessage());
                assertFalse(e.getMessage().contains("alice"), e.getMessage());
            }
        }

        @Test
        void toStringNeverShowsThePassword() {
            ProxySettings proxy = ProxySettings.of("proxy.corp", 3128).withCredentials("alice", "hunter2-very-secret");
            String text = proxy.toString();
            assertFalse(text.contains("hunter2"), text);
            assertTrue(text.contains("proxy.corp:3128"), text);
            assertTrue(text.contains("alice"), text);
            assertTrue(text.contains("***"), text);
            assertEquals("ProxySettings[[::1]:8080]", ProxySettings.of("::1", 8080).toString());
        }

        @Property
        void toStringNeverShowsAnyPassword(@ForAll("passwords") String password) {
            // The password is made of characters that the rest of the text never holds.
            ProxySettings proxy = ProxySettings.of("proxy.corp", 3128).withCredentials("alice", password);
            assertFalse(proxy.toString().contains(password), proxy.toString());
        }

        @Provide
        Arbitrary<String> passwords() {
            return Arbitraries.strings().withChars("XYZ%!#@&=Q").ofMinLength(1).ofMaxLength(40);
        }
    }

    @Nested
    class Variables {
        @Test
        void aWssTargetUsesHttpsProxy() {
            assertEquals(ProxySettings.of("secure.proxy", 3128),
                    proxyFor(WSS, "https_proxy", "http://secure.proxy:3128", "http_proxy", "http://plain.proxy:8080"));
        }

        @Test
        void aWsTargetUsesHttpProxy() {
            assertEquals(ProxySettings.of("plain.proxy", 8080),
                    proxyFor(WS, "https_proxy", "http://secure.proxy:3128", "http_proxy", "http://plain.proxy:8080"));
        }

        @Test
        void aTargetWithoutItsVariableHasNoProxy() {
            assertEquals(Optional.empty(), fromEnv(WSS, "http_proxy", "http://plain.proxy:8080"));
            assertEquals(Optional.empty(), fromEnv(WS, "https_proxy", "http://secure.proxy:3128"));
            assertEquals(Optional.empty(), fromEnv(WS));
        }

        @Test
        void lowerCaseWinsOverUpperCase() {
            assertEquals("lower", proxyFor(WSS, "https_proxy", "lower:1", "HTTPS_PROXY", "upper:1").host());
            assertEquals("lower", proxyFor(WS, "http_proxy", "lower:1", "HTTP_PROXY", "upper:1").host());
        }

        @Test
        void upperCaseIsReadWhenLowerCaseIsUnsetOrBlank() {
            assertEquals("upper", proxyFor(WSS, "HTTPS_PROXY", "upper:1").host());
            assertEquals("upper", proxyFor(WS, "HTTP_PROXY", "upper:1").host());
            assertEquals("upper", proxyFor(WSS, "https_proxy", "  ", "HTTPS_PROXY", "upper:1").host());
            assertEquals(Optional.empty(), fromEnv(WSS, "https_proxy", "", "HTTPS_PROXY", " "));
        }

        @Test
        void upperCaseHttpProxyIsIgnoredUnderCgi() {
            // httpoxy: a CGI server sets HTTP_PROXY from the request's Proxy header.
            assertEquals(Optional.empty(), fromEnv(WS, "REQUEST_METHOD", "GET", "HTTP_PROXY", "evil:80"));
            assertEquals("good", proxyFor(WS, "REQUEST_METHOD", "GET", "http_proxy", "good:80").host());
            assertEquals("upper", proxyFor(WSS, "REQUEST_METHOD", "GET", "HTTPS_PROXY", "upper:1").host());
        }

        @Test
        void schemesOfTheTargetAreCaseInsensitive() {
            assertEquals("p", proxyFor(URI.create("WSS://chat.example.com/"), "https_proxy", "p:1").host());
        }

        @ParameterizedTest
        @CsvSource({
            "http://proxy.corp:3128, proxy.corp, 3128",
            "http://proxy.corp:3128/, proxy.corp, 3128",
            "HTTP://Proxy.Corp:3128, Proxy.Corp, 3128",
            "http://proxy.corp, proxy.corp, 80",
            "http://proxy.corp/, proxy.corp, 80",
            "proxy.corp:3128, proxy.corp, 3128",
            "proxy.corp, proxy.corp, 80",
            "'  proxy.corp:3128  ', proxy.corp, 3128",
            "http://10.1.2.3:8080, 10.1.2.3, 8080",
            "http://[2001:db8::1]:8080, 2001:db8::1, 8080",
            "[::1]:3128, ::1, 3128",
            "http://[::1], ::1, 80",
        })
        void valueForms(String value, String host, int port) {
            ProxySettings proxy = proxyFor(WSS, "https_proxy", value);
            assertEquals(host, proxy.host());
            assertEquals(port, proxy.port());
            assertFalse(proxy.hasCredentials());
        }

        @Test
        void credentialsArePercentDecoded() {
            ProxySettings proxy = proxyFor(WSS, "https_proxy", "http://al%69ce%40corp:p%3As%40ss%2F%25w%C3%B6rd@proxy:3128");
            assertEquals(Optional.of("alice@corp"), proxy.username());
            assertEquals(Optional.of("p:s@ss/%wörd"), proxy.password());
            assertEquals("proxy", proxy.host());
            assertEquals(3128, proxy.port());
        }

        @Test
        void charactersOutsideTheBmpDecode() {
            assertEquals(Optional.of("p\uD83D\uDE00"), proxyFor(WS, "http_proxy", "http://u:p%F0%9F%98%80@proxy:1").password());
            assertEquals(Optional.of("\uD83D\uDE00!"), proxyFor(WS, "http_proxy", "http://u:\uD83D\uDE00%21@proxy:1").password());
        }

        @Test
        void credentialsWithoutSchemeAndWithAnUnencodedAt() {
            // The last '@' ends the user information, as browsers and curl read it.
            ProxySettings proxy = proxyFor(WS, "http_proxy", "bob:p@ss@proxy:8080");
            assertEquals(Optional.of("bob"), proxy.username());
            assertEquals(Optional.of("p@ss"), proxy.password());
            assertEquals("proxy", proxy.host());
        }

        @Test
        void aUserWithoutPasswordHasAnEmptyPassword() {
            ProxySettings proxy = proxyFor(WS, "http_proxy", "http://token@proxy:8080");
            assertEquals(Optional.of("token"), proxy.username());
            assertEquals(Optional.of(""), proxy.password());
        }

        @Test
        void emptyUserInformationMeansNoCredentials() {
            assertFalse(proxyFor(WS, "http_proxy", "http://@proxy:8080").hasCredentials());
        }

        @Property
        void percentEncodedCredentialsRoundTrip(@ForAll("users") String user, @ForAll("secrets") String password) {
            String value = "http://" + encode(user) + ":" + encode(password) + "@proxy.corp:3128/";
            ProxySettings proxy = proxyFor(WSS, "https_proxy", value);
            assertEquals(Optional.of(user), proxy.username());
            assertEquals(Optional.of(password), proxy.password());
        }

        @Provide
        Arbitrary<String> users() {
            return credentialText(1).filter(s -> !s.contains(":"));
        }

        @Provide
        Arbitrary<String> secrets() {
            return credentialText(0);
        }

        /** Printable text without control characters or lone surrogates, rich in URL delimiters. */
        private static Arbitrary<String> credentialText(int minLength) {
            return Arbitraries.strings()
                    .withChars("%@:/?#[]+ &=~*'!$,;")
                    .withCharRange(' ', '~')
                    .withCharRange('\u00a0', '\ud7ff')
                    .withCharRange('\ue000', '\ufffd')
                    .ofMinLength(minLength)
                    .ofMaxLength(20);
        }

        private static String encode(String s) {
            // URLEncoder writes ' ' as '+', which a URL's user information does not decode.
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        @Test
        void anHttpsProxyIsRejectedClearly() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fromEnv(WSS, "https_proxy", "https://user:hunter2@proxy.corp:443"));
            assertTrue(e.getMessage().contains("https_proxy"), e.getMessage());
            assertTrue(e.getMessage().contains("TLS to the proxy is not supported"), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "socks5://proxy.corp:1080", "ftp://proxy.corp", "http://proxy.corp:3128/path", "http://proxy.corp:3128?x=1",
            "http://proxy.corp:3128#f", "http://proxy.corp:", "http://proxy.corp:0", "http://proxy.corp:65536",
            "http://proxy.corp:80a", "http://proxy.corp:123456", "http://", "http://:3128", "http://2001:db8::1:8080",
            "http://[2001:db8::1", "http://[2001:db8::1]x", "http://proxy corp:3128", "http://al:ice%zz@proxy:1",
            "http://alice:%FF%FE@proxy:1", "http://a%3Ab:pw@proxy:1", "http://alice:pw%0D%0AX:%20y@proxy:1",
            "http://:pw@proxy:1", "http://alice:pw%@proxy:1",
        })
        void unusableValuesAreRejectedNamingTheVariable(String value) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fromEnv(WS, "http_proxy", value));
            assertTrue(e.getMessage().startsWith("http_proxy"), e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "http://alice:hunter2@proxy.corp:99999", "alice:hunter2", "http://alice:hunter2@pro xy:1",
            "http://alice:hun/ter2@proxy:1", "alice:hunter2@proxy:x", "http://alice:hunter2%ZZ@proxy:1",
        })
        void messagesNeverRepeatThePassword(String value) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fromEnv(WS, "http_proxy", value));
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains("hunter2"), t.getMessage());
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://chat.example.com", "ftp://chat.example.com", "chat.example.com", "ws:///path"})
        void targetsThatAreNoWebSocketUrisAreRejected(String target) {
            assertThrows(IllegalArgumentException.class, () -> fromEnv(URI.create(target), "http_proxy", "p:1"));
        }
    }

    @Nested
    class NoProxy {
        private Optional<ProxySettings> with(String noProxy, String target) {
            return fromEnv(URI.create(target), "http_proxy", "proxy:3128", "https_proxy", "proxy:3128",
                    "no_proxy", noProxy);
        }

        private boolean bypassed(String noProxy, String target) {
            return with(noProxy, target).isEmpty();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "example.com | ws://example.com/",
            "example.com | ws://a.example.com/",
            "example.com | ws://a.b.example.com/",
            ".example.com | ws://example.com/",
            ".example.com | ws://a.example.com/",
            "*.example.com | ws://a.example.com/",
            "EXAMPLE.com | wss://A.Example.COM/",
            "example.com. | ws://a.example.com/",
            "example.com | ws://a.example.com./",
            "other.org,example.com | ws://a.example.com/",
            "other.org example.com | ws://a.example.com/",
            "'other.org , \texample.com' | ws://a.example.com/",
            "* | wss://anything.anywhere/",
            "other.org,* | ws://10.0.0.1/",
            "10.0.0.1 | ws://10.0.0.1:9000/",
            "::1 | ws://[::1]:9000/",
            "[::1] | ws://[::1]:9000/",
            "[::1]:9000 | ws://[::1]:9000/",
            "[2001:DB8::1] | ws://[2001:db8::1]/",
            "example.com:8080 | ws://a.example.com:8080/",
            "example.com:80 | ws://example.com/",
            "example.com:443 | wss://example.com/",
            "10.0.0.1:9000 | ws://10.0.0.1:9000/",
            "localhost | ws://localhost:8080/",
        })
        void matches(String noProxy, String target) {
            assertTrue(bypassed(noProxy, target), noProxy + " should match " + target);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "example.com | ws://badexample.com/",
            "example.com | ws://example.com.evil.org/",
            ".example.com | ws://notexample.com/",
            "a.example.com | ws://example.com/",
            "example.com:8080 | ws://example.com:9090/",
            "example.com:8080 | ws://example.com/",
            "example.com:443 | ws://example.com/",
            "0.0.1 | ws://10.0.0.1/",
            "0.1 | ws://10.0.0.1/",
            "10.0.0.1 | ws://10.0.0.12/",
            "10.0.0.1:9000 | ws://10.0.0.1:9001/",
            "::1 | ws://[::2]/",
            "[::1]:9000 | ws://[::1]:9001/",
            "10.0.0.0/8 | ws://10.1.2.3/",
            "*example.com | ws://a.example.com/",
            "'' | ws://example.com/",
            "', ,' | ws://example.com/",
            "[::1 | ws://[::1]/",
            "example.com:http | ws://example.com/",
            "*.* | ws://example.com/",
        })
        void doesNotMatch(String noProxy, String target) {
            assertFalse(bypassed(noProxy, target), noProxy + " should not match " + target);
        }

        @Test
        void upperCaseNoProxyIsReadWhenLowerCaseIsUnset() {
            assertEquals(Optional.empty(), fromEnv(WS, "http_proxy", "proxy:3128", "NO_PROXY", "example.com"));
            assertEquals(Optional.empty(), fromEnv(WS, "http_proxy", "proxy:3128", "NO_PROXY", "chat.example.com"));
            // The lower-case variable wins.
            assertTrue(fromEnv(WS, "http_proxy", "proxy:3128", "no_proxy", "other.org", "NO_PROXY", "example.com")
                    .isPresent());
        }

        @Test
        void anExcludedTargetDoesNotLookAtTheProxyValue() {
            assertEquals(Optional.empty(), fromEnv(WSS, "https_proxy", "https://tls.proxy", "no_proxy", "*"));
        }

        @Test
        void theDecisionIsPerTarget() {
            assertTrue(with("internal.corp", "wss://chat.example.com/").isPresent());
            assertTrue(with("internal.corp", "wss://svc.internal.corp/").isEmpty());
        }
    }
}
