package org.wsbyhand.server;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HttpHeadParser;
import org.wsbyhand.protocol.handshake.HttpRequest;
import org.wsbyhand.session.UpgradeRequest;

/**
 * The server's {@link UpgradeRequest}: an immutable view of the request head.
 *
 * <p>A session keeps its request for its whole life, so the server's requests keep the head as
 * the bytes that arrived (one array, a few hundred bytes) rather than a dozen parsed strings, and
 * parse it again when headers, the query or cookies are asked for. The path and the offered
 * subprotocols are decoded once.
 */
final class HttpUpgradeRequest implements UpgradeRequest {
    private final byte[] raw;
    private final Limits limits;
    private final String path;
    private final InetSocketAddress remoteAddress;
    private final List<String> offeredSubprotocols;
    private final Map<String, String> pathVariables;

    /**
     * A request kept as its head's bytes, which {@code limits} accepted when {@code head} was
     * parsed from them. @throws IllegalArgumentException when the path's percent escapes are invalid
     */
    HttpUpgradeRequest(HttpRequest head, byte[] raw, Limits limits, InetSocketAddress remoteAddress) {
        this(head, raw, limits, remoteAddress, Map.of());
    }

    /** A request on a route whose variables took {@code pathVariables}. */
    HttpUpgradeRequest(HttpRequest head, byte[] raw, Limits limits, InetSocketAddress remoteAddress,
            Map<String, String> pathVariables) {
        this.pathVariables = pathVariables;
        this.raw = raw;
        this.limits = limits;
        this.path = PercentDecoding.decode(head.path(), false);
        this.remoteAddress = remoteAddress;
        List<String> offered = head.headers().tokens("Sec-WebSocket-Protocol");
        this.offeredSubprotocols = offered.isEmpty() ? List.of() : offered;
    }

    /** The head, parsed again from the bytes that parsed successfully before. */
    private HttpRequest head() {
        HttpHeadParser parser = HttpHeadParser.forRequest(limits);
        try {
            if (!parser.feed(ByteBuffer.wrap(raw))) {
                throw new IllegalStateException("stored request head is incomplete");
            }
        } catch (HandshakeException e) {
            throw new IllegalStateException("stored request head no longer parses", e);
        }
        return parser.request();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return head().query();
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        String query = head().query();
        if (query.isEmpty()) {
            return Map.of();
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                parameters.computeIfAbsent(PercentDecoding.decode(name, true), n -> new ArrayList<>())
                        .add(PercentDecoding.decode(value, true));
            } catch (IllegalArgumentException e) {
                // A malformed parameter is skipped rather than failing the whole request.
            }
        }
        parameters.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public Optional<String> header(String name) {
        return head().headers().first(name);
    }

    @Override
    public List<String> headers(String name) {
        return head().headers().all(name);
    }


    @Override
    public Map<String, String> pathVariables() {
        return pathVariables;
    }

    @Override
    public List<String> offeredSubprotocols() {
        return offeredSubprotocols;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String toString() {
        HttpRequest head = head();
        return head.method() + " " + head.target() + " from " + remoteAddress;
    }
}
