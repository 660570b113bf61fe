package org.wsbyhand.session;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP request that asked for a WebSocket upgrade, as the server's upgrade hook and a {@link Session} see it.
 *
 * <p>A session keeps its request for its whole life as the head's bytes (a few hundred bytes rather than a
 * dozen strings); the query, its parameters, headers and cookies are parsed from them again on each call
 * (a microsecond or two). An application that needs a header on every message keeps its value, for example
 * in {@link Session#attributes()} at {@code onOpen}.
 */
public interface UpgradeRequest {

    /**
     * The request target's path, percent-decoded, without the query (e.g. {@code /chat}).
     *
     * @return the decoded path
     */
    String path();

    /**
     * The raw query string without '?', or empty.
     *
     * @return the query string, or an empty string
     */
    String query();

    /**
     * The query parameters, percent-decoded, in order of appearance.
     *
     * @return each parameter name with its values, in order
     */
    Map<String, List<String>> queryParameters();

    /**
     * The first value of a header (case-insensitive name).
     *
     * @param name the header name
     * @return the first value, or empty when the request has no such header
     */
    Optional<String> header(String name);

    /**
     * Every value of a header (case-insensitive name), in order.
     *
     * @param name the header name
     * @return the values, empty when the request has no such header
     */
    List<String> headers(String name);

    /**
     * The {@code Origin} header a browser sends, if any.
     *
     * @return the origin, or empty when the request has none
     */
    default Optional<String> origin() {
        return header("Origin");
    }

    /**
     * The cookies of the {@code Cookie} header fields (RFC 6265 4.2.1: {@code name=value} pairs
     * separated by {@code ;}, a quoted value unquoted); the first occurrence of a name wins.
     *
     * @return each cookie name with its value
     */
    default Map<String, String> cookies() {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String field : headers("Cookie")) {
            for (String pair : field.split(";")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                cookies.putIfAbsent(name, value);
            }
        }
        return Collections.unmodifiableMap(cookies);
    }

    /**
     * The subprotocols the client offered, in its order.
     *
     * @return the offered subprotocols, empty when none
     */
    List<String> offeredSubprotocols();

    /**
     * The client's address.
     *
     * @return the remote IP address and port
     */
    InetSocketAddress remoteAddress();

    /**
     * The values of the route's variables, by name: for the route {@code /rooms/{id}} and the path
     * {@code /rooms/42}, {@code {id=42}}; a prefix route's rest ({@code /api/*}) is under {@code "*"}.
     * Each value is percent-decoded (so it may hold a {@code /} sent as {@code %2F}).
     *
     * @return the variables, empty for an exact route
     */
    default Map<String, String> pathVariables() {
        return Map.of();
    }

    /**
     * One route variable.
     *
     * @param name the variable's name in the route, or {@code "*"} for a prefix route's rest
     * @return its value, or empty when the route has no such variable
     */
    default Optional<String> pathVariable(String name) {
        return Optional.ofNullable(pathVariables().get(name));
    }
}
