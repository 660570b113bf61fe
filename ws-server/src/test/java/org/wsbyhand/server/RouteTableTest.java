package org.wsbyhand.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbyhand.session.WebSocketHandler;

/** Route matching: exact, template and prefix routes, their order, decoding, and what is refused. */
class RouteTableTest {
    private final Map<String, WebSocketHandler> handlers = new LinkedHashMap<>();

    private WebSocketHandler handler(String route) {
        return handlers.computeIfAbsent(route, r -> new WebSocketHandler() {
            @Override
            public String toString() {
                return r;
            }
        });
    }

    private RouteTable table(String... routes) {
        Map<String, WebSocketHandler> map = new LinkedHashMap<>();
        for (String route : routes) {
            map.put(route, handler(route));
        }
        return RouteTable.compile(map);
    }

    private static String routeOf(RouteTable table, String path) {
        return table.match(path).map(m -> m.handler().toString()).orElse("none");
    }

    @Nested
    class Precedence {
        private final RouteTable table = table("/rooms/new", "/rooms/{id}", "/rooms/{id}/*", "/rooms/{id}/log",
                "/{section}/log", "/api/*", "/api/v2/*", "/chat");

        @Test
        void anExactRouteWinsOverATemplate() {
            assertEquals("/rooms/new", routeOf(table, "/rooms/new"));
            assertEquals("/rooms/{id}", routeOf(table, "/rooms/42"));
        }

        @Test
        void aLiteralSegmentWinsOverAVariableFromLeftToRight() {
            assertEquals("/rooms/{id}/log", routeOf(table, "/rooms/42/log"));
            assertEquals("/{section}/log", routeOf(table, "/users/log"));
        }

        @Test
        void aTemplateWinsOverAPrefix() {
            assertEquals("/rooms/{id}/log", routeOf(table, "/rooms/7/log"));
            assertEquals("/rooms/{id}/*", routeOf(table, "/rooms/7/members/3"));
        }

        @Test
        void theLongestPrefixWins() {
            assertEquals("/api/v2/*", routeOf(table, "/api/v2/items"));
            assertEquals("/api/*", routeOf(table, "/api/v1/items"));
        }

        @Test
        void aPrefixMatchesItsOwnPathWithAndWithoutSlash() {
            assertEquals("/api/*", routeOf(table, "/api"));
            assertEquals("/api/*", routeOf(table, "/api/"));
            assertEquals("none", routeOf(table, "/apix"));
        }

        @Test
        void exactRoutesMatchExactly() {
            assertEquals("/chat", routeOf(table, "/chat"));
            assertEquals("none", routeOf(table, "/chat/"));
            assertEquals("none", routeOf(table, "/Chat"));
        }
    }

    @Nested
    class Variables {
        private final RouteTable table = table("/rooms/{id}", "/users/{user}/rooms/{room}", "/files/*");

        @Test
        void variablesAreReadByName() {
            assertEquals(Map.of("user", "ann", "room", "7"), table.match("/users/ann/rooms/7").orElseThrow().variables());
        }

        @Test
        void eachSegmentIsPercentDecodedOnItsOwn() {
            assertEquals(Map.of("id", "a/b c"), table.match("/rooms/a%2Fb%20c").orElseThrow().variables());
            assertEquals(Map.of("id", "caf\u00e9"), table.match("/rooms/caf%C3%A9").orElseThrow().variables());
        }

        @Test
        void aPrefixsRestIsUnderStar() {
            assertEquals(Map.of("*", "a/b.txt"), table.match("/files/a/b.txt").orElseThrow().variables());
            assertEquals(Map.of("*", ""), table.match("/files").orElseThrow().variables());
        }

        @ParameterizedTest
        @ValueSource(strings = {"/rooms/", "/rooms/.", "/rooms/..", "/rooms/%2E%2E", "/files/../secret", "/files/a/./b"})
        void emptyAndDotSegmentsNeverMatchAVariableOrARest(String path) {
            assertEquals(Optional.empty(), table.match(path));
        }

        @Test
        void anInvalidEscapeIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> table.match("/rooms/%zz"));
        }

        @Test
        void anExactRouteComparesDecodedSegments() {
            RouteTable exact = table("/a b/c");
            assertSame(handler("/a b/c"), exact.match("/a%20b/c").orElseThrow().handler());
            assertEquals(Optional.empty(), exact.match("/a%20b%2Fc"), "an encoded slash stays inside its segment");
        }
    }

    @Nested
    class RefusedAtBuildTime {
        @Test
        void twoRoutesOfTheSameShapeAreAmbiguous() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> table("/rooms/{id}", "/rooms/{name}"));
            assertTrue(e.getMessage().contains("/rooms/{id}") && e.getMessage().contains("/rooms/{name}"), e.getMessage());
        }

        @ParameterizedTest
        @ValueSource(strings = {"rooms", "/rooms/{id", "/rooms/x{id}", "/a/*/b", "/a/b*", "/r/{id}/{id}", "/r/{1d}",
                "/r?x=1", "/r#f", "/r%20s"})
        void malformedRoutesAreRefused(String route) {
            assertThrows(IllegalArgumentException.class, () -> table(route));
        }

        @Test
        void theBuilderRefusesAnAmbiguousServer() {
            ServerBuilder builder = WebSocketServer.builder().route("/p/{a}/*", handler("x")).route("/p/{b}/*", handler("y"));
            assertThrows(IllegalArgumentException.class, builder::build);
        }
    }
}
