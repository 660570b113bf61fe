package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wsbyhand.protocol.Limits;

/** The builder's defaults and validation; the server's behaviour is in the *IT classes. */
import java.util.Optional;
import java.util.Set;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.session.WebSocketHandler;

class WebSocketServerTest {

    @Nested
    class Defaults {
        @Test
        void builderStartsFromTheDocumentedDefaults() {
            ServerConfig config = WebSocketServer.builder().config();
            assertEquals("0.0.0.0", config.bindAddress());
            assertEquals(8080, config.port());
            assertEquals(Limits.defaults(), config.limits());
            assertEquals(4L << 20, config.maxOutboundBytes());
            assertEquals(10_000, config.maxConnections());
            assertEquals(0, config.maxConnectionsPerAddress());
            assertEquals(Runtime.getRuntime().maxMemory() / 4, config.memoryBudget());
            assertEquals(Duration.ofSeconds(10), config.handshakeTimeout());
            assertEquals(Duration.ofSeconds(30), config.responseTimeout());
            assertEquals(Duration.ofMinutes(5), config.idleTimeout());
            assertEquals(Duration.ofSeconds(30), config.pingInterval());
            assertEquals(Duration.ofSeconds(10), config.pongTimeout());
            assertEquals(Duration.ofSeconds(5), config.closeTimeout());
            assertEquals(Duration.ofMillis(500), config.threadRelease());
            assertEquals(UpgradeHook.ACCEPT_ALL, config.upgradeHook());
        }
    }

    @Nested
    class TimerSweep {
        private long sweepMillis(ServerBuilder builder) {
            return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(DeadlineSweep.intervalNanos(builder.config()));
        }

        @Test
        void defaultsAreCheckedOnceASecond() {
            // Shortest default is the 5 s close timeout: a quarter is over the one-second cap.
            assertEquals(1000, sweepMillis(WebSocketServer.builder()));
        }

        @Test
        void aShortTimeoutIsCheckedFourTimesPerPeriod() {
            assertEquals(50, sweepMillis(WebSocketServer.builder().pingInterval(Duration.ofMillis(200))));
            assertEquals(75, sweepMillis(WebSocketServer.builder().pingInterval(Duration.ZERO)
                    .idleTimeout(Duration.ofMillis(300))));
            assertEquals(25, sweepMillis(WebSocketServer.builder().pongTimeout(Duration.ofMillis(100))));
        }

        @Test
        void aDisabledTimerDoesNotCount() {
            assertEquals(1000, sweepMillis(WebSocketServer.builder().pingInterval(Duration.ZERO)
                    .pongTimeout(Duration.ofMillis(100)).idleTimeout(Duration.ZERO)));
        }

        @Test
        void veryShortTimeoutsAreCheckedEveryTenMilliseconds() {
            assertEquals(10, sweepMillis(WebSocketServer.builder().closeTimeout(Duration.ofMillis(8))));
        }
    }

    @Nested
    class Validation {
        @Test
        void routePathMustStartWithSlash() {
            assertThrows(IllegalArgumentException.class,
                    () -> WebSocketServer.builder().route("chat", new WebSocketHandler() {}).config());
        }

        @Test
        void routeCannotBeRegisteredTwice() {
            ServerBuilder builder = WebSocketServer.builder().route("/a", new WebSocketHandler() {});
            assertThrows(IllegalArgumentException.class, () -> builder.route("/a", new WebSocketHandler() {}));
        }

        @Test
        void limitsAndTimeoutsMustBePositive() {
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().maxOutboundBytes(0).config());
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().maxConnections(-1).config());
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().maxConnectionsPerAddress(-1).config());
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().memoryBudget(0));
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().responseTimeout(Duration.ZERO).config());
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().port(70000).config());
            assertThrows(IllegalArgumentException.class,
                    () -> WebSocketServer.builder().handshakeTimeout(Duration.ZERO).config());
            assertThrows(IllegalArgumentException.class,
                    () -> WebSocketServer.builder().idleTimeout(Duration.ofSeconds(-1)).config());
        }

        @Test
        void subprotocolsMustBeTokens() {
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder()
                    .route("/", new WebSocketHandler() {}).subprotocols("two words").build());
        }

        @Test
        void portIsUnknownBeforeStart() {
            assertThrows(IllegalStateException.class,
                    () -> WebSocketServer.builder().port(0).route("/", new WebSocketHandler() {}).build().port());
        }

        @Test
        void routeWithAQueryOrFragmentIsRefusedBecauseItCouldNeverMatch() {
            for (String path : new String[] {"/a?x=1", "/a#top", "/?"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> WebSocketServer.builder().route(path, new WebSocketHandler() {}).config());
                assertTrue(e.getMessage().contains("query or a fragment") && e.getMessage().contains(path), e.getMessage());
            }
        }

        @Test
        void routeMustBeGivenDecodedBecauseRequestsAreMatchedDecoded() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WebSocketServer.builder().route("/caf%C3%A9", new WebSocketHandler() {}).config());
            assertTrue(e.getMessage().contains("decoded"), e.getMessage());
            // A percent sign that is not an escape is a character of the decoded path like any other.
            assertEquals(Set.of("/100%", "/caf\u00e9"), WebSocketServer.builder()
                    .route("/100%", new WebSocketHandler() {}).route("/caf\u00e9", new WebSocketHandler() {})
                    .config().routes().keySet());
        }

        @Test
        void aServerWithNeitherRoutesNorStaticFilesIsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WebSocketServer.builder().build());
            assertTrue(e.getMessage().contains("at least one route or static files"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> WebSocketServer.create(WebSocketServer.builder().config()));
        }
    }

    @Nested
    class Compression {
        @Test
        void isOnByDefaultWithTheProtocolDefaults() {
            assertEquals(Optional.of(DeflateOptions.defaults()),
                    WebSocketServer.builder().config().compression());
        }

        @Test
        void canBeTurnedOff() {
            assertEquals(Optional.empty(), WebSocketServer.builder().compression(false).config().compression());
        }

        @Test
        void eachOptionHasItsBuilderMethod() {
            DeflateOptions options = WebSocketServer.builder().compressionLevel(1)
                    .compressionMinSize(100).compressionNoContextTakeover(true).config().compression().orElseThrow();
            assertEquals(new DeflateOptions(1, 100, true, true), options);
        }

        @Test
        void anInvalidLevelIsRejected() {
            assertThrows(IllegalArgumentException.class, () -> WebSocketServer.builder().compressionLevel(10));
        }
    }
}
