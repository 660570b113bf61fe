package org.wsbyhand.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP request that asks for a WebSocket upgrade, as an {@link UpgradeHook} and a {@link Session} see it.
 *
 * <p>A session keeps its request for its whole life as the head's bytes (a few hundred bytes rather than a
 * dozen strings); the query, its parameters, headers and cookies are parsed from them again on each call
 * (a microsecond or two). An application that needs a header on every message keeps its value, for example
 * in {@link Session#attributes()} at {@code onOpen}.
 */
public interface UpgradeRequest {

    /** The request target's path, percent-decoded, without the query (e.g. {@code /chat}). */
    String path();

    /** The raw query string without '?', or empty. */
    String query();

    /** The query parameters, percent-decoded, in order of appearance. */
    Map<String, List<String>> queryParameters();

    /** The first value of a header (case-insensitive name). */
    Optional<String> header(String name);

    /** Every value of a header (case-insensitive name), in order. */
    List<String> headers(String name);

    /** The {@code Origin} header a browser sends, if any. */
    default Optional<String> origin() {
        return header("Origin");
    }

    /** The cookies of the {@code Cookie} header. */
    Map<String, String> cookies();

    /** The subprotocols the client offered, in its order. */
    List<String> offeredSubprotocols();

    /** The client's address. */
    InetSocketAddress remoteAddress();
}
