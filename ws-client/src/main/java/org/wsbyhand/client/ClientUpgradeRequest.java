package org.wsbyhand.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wsbyhand.protocol.handshake.HttpRequest;
import org.wsbyhand.session.UpgradeRequest;

/** The request a client session was opened with: what {@link org.wsbyhand.session.Session#request()} gives a client. */
final class ClientUpgradeRequest implements UpgradeRequest {
    private final URI uri;
    private final HttpRequest sent;
    private final List<String> subprotocols;
    private final InetSocketAddress remote;

    ClientUpgradeRequest(URI uri, HttpRequest sent, List<String> subprotocols, InetSocketAddress remote) {
        this.uri = uri;
        this.sent = sent;
        this.subprotocols = List.copyOf(subprotocols);
        this.remote = remote;
    }

    @Override
    public String path() {
        String path = uri.getPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public String query() {
        return uri.getRawQuery() == null ? "" : uri.getRawQuery();
    }

    @Override
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : query().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                parameters.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                // a malformed escape: the parameter is skipped
            }
        }
        parameters.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public Optional<String> header(String name) {
        return sent.headers().first(name);
    }

    @Override
    public List<String> headers(String name) {
        return sent.headers().all(name);
    }


    @Override
    public List<String> offeredSubprotocols() {
        return subprotocols;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "GET " + uri;
    }
}
