package org.wsbyhand.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.wsbyhand.protocol.handshake.Headers;

/**
 * What one connection asks for: the {@code ws://} or {@code wss://} URI, extra header fields
 * (cookies, {@code Authorization}, anything else a server wants), the subprotocols offered in order
 * of preference, and an optional {@code Origin}. Immutable; {@link #to(URI)} starts a builder.
 *
 * <p>The URI may not carry user information or a fragment (RFC 6455 3); credentials go in a header.
 *
 * @param uri the server's URI
 * @param headers extra header fields, in order
 * @param subprotocols the subprotocols offered, most preferred first
 * @param origin the {@code Origin} to send, or empty
 */
public record ClientRequest(URI uri, Headers headers, List<String> subprotocols, Optional<String> origin) {
    /** Fields the handshake writes itself; a request may not set them. */
    private static final Set<String> RESERVED = Set.of("host", "upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions", "sec-websocket-accept",
            "origin", "content-length", "transfer-encoding");


    /** Checks the request; see {@link Builder}. */
    public ClientRequest {
        Objects.requireNonNull(uri, "uri");
        checkUri(uri);
        Objects.requireNonNull(headers, "headers");
        subprotocols = List.copyOf(subprotocols);
        Objects.requireNonNull(origin, "origin");
    }

    /**
     * A builder for a request to {@code uri}.
     *
     * @param uri a {@code ws://} or {@code wss://} URI
     * @return a new builder
     */
    public static Builder to(URI uri) {
        return new Builder(uri);
    }

    /**
     * A request to {@code uri} with nothing else.
     *
     * @param uri a {@code ws://} or {@code wss://} URI
     * @return the request
     */
    public static ClientRequest of(URI uri) {
        return to(uri).build();
    }

    /**
     * Whether this request goes over TLS.
     *
     * @return true for {@code wss://}
     */
    public boolean secure() {
        return uri.getScheme().equalsIgnoreCase("wss");
    }

    /**
     * The server's TCP port: the URI's, else 443 for {@code wss://} and 80 for {@code ws://}.
     *
     * @return the port
     */
    public int port() {
        return uri.getPort() >= 0 ? uri.getPort() : secure() ? 443 : 80;
    }

    /**
     * The host of the URI, without the brackets of an IPv6 literal.
     *
     * @return the host
     */
    public String host() {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /**
     * The resource name sent in the request line: the raw path ({@code /} when empty) and query.
     *
     * @return the path and query
     */
    public String resource() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /**
     * The same request to another URI (a redirect), without the fields named in {@code drop}.
     *
     * @param target the new URI
     * @param drop lower-case names of the fields to leave out
     * @return the new request
     */
    ClientRequest redirectedTo(URI target, Set<String> drop) {
        Headers.Builder kept = headers.toBuilder();
        drop.forEach(kept::remove);
        return new ClientRequest(target, kept.build(), subprotocols, origin);
    }

    static void checkUri(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("URI without a host: " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("URI with user information (send credentials in a header): " + uri);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("URI with a fragment (RFC 6455 3 forbids it): " + uri);
        }
    }

    /** Configures a {@link ClientRequest}; not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private final Headers.Builder headers = Headers.builder();
        private final List<String> subprotocols = new ArrayList<>();
        private String origin;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            checkUri(uri);
        }

        /**
         * Adds a header field, e.g. {@code Cookie} or {@code Authorization}. Several fields of one
         * name are sent in order.
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         * @throws IllegalArgumentException for a field the handshake writes itself (Host, Upgrade,
         *     Connection, Sec-WebSocket-*, Origin: see {@link #origin}) or an invalid field
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + " is written by the handshake itself");
            }
            headers.add(name, value);
            return this;
        }

        /**
         * Adds subprotocols to offer, most preferred first; the server's choice is
         * {@link org.wsbyhand.session.Session#subprotocol()}.
         *
         * @param protocols subprotocol names (HTTP tokens)
         * @return this builder
         */
        public Builder subprotocols(String... protocols) {
            for (String protocol : protocols) {
                Objects.requireNonNull(protocol, "protocol");
                new Headers.Field(protocol, ""); // a subprotocol is a token, as a field name is
                if (subprotocols.contains(protocol)) {
                    throw new IllegalArgumentException("subprotocol offered twice: " + protocol);
                }
                subprotocols.add(protocol);
            }
            return this;
        }

        /**
         * Sends {@code Origin}, as a browser would (default: none).
         *
         * @param origin e.g. {@code https://chat.example}
         * @return this builder
         */
        public Builder origin(String origin) {
            new Headers.Field("Origin", origin);
            this.origin = origin;
            return this;
        }

        /**
         * The request.
         *
         * @return an immutable request
         */
        public ClientRequest build() {
            return new ClientRequest(uri, headers.build(), subprotocols, Optional.ofNullable(origin));
        }
    }
}
