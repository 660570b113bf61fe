package org.wsbyhand.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wsbyhand.protocol.handshake.HttpRequest;

/** The server's {@link UpgradeRequest}: an immutable view of the request head, decoded once. */
final class HttpUpgradeRequest implements UpgradeRequest {
    private final HttpRequest head;
    private final String path;
    private final InetSocketAddress remoteAddress;
    private final List<String> offeredSubprotocols;

    /** @throws IllegalArgumentException when the path's percent escapes are invalid */
    HttpUpgradeRequest(HttpRequest head, InetSocketAddress remoteAddress) {
        this.head = head;
        this.path = PercentDecoding.decode(head.path(), false);
        this.remoteAddress = remoteAddress;
        this.offeredSubprotocols = head.headers().tokens("Sec-WebSocket-Protocol");
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return head.query();
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        String query = head.query();
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
        return head.headers().first(name);
    }

    @Override
    public List<String> headers(String name) {
        return head.headers().all(name);
    }

    @Override
    public Map<String, String> cookies() {
        // RFC 6265 section 4.2.1: cookie-pair *( ";" SP cookie-pair ); first occurrence of a name wins.
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String header : head.headers().all("Cookie")) {
            for (String pair : header.split(";")) {
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
        return head.method() + " " + head.target() + " from " + remoteAddress;
    }
}
