package org.wsbyhand.protocol.handshake;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The client side of the opening handshake (RFC 6455 section 4.1) for one connection attempt:
 * the request to send, with a fresh random key, and the validation of the server's response.
 * Immutable; build a new one (and so a new key) for every attempt.
 *
 * <p>{@link #validate(HttpResponse)} fails the connection, as RFC 6455 4.1 requires, when the
 * status is not 101, when {@code Upgrade} does not list {@code websocket} or {@code Connection}
 * does not list {@code upgrade} (case-insensitive token lists), when {@code Sec-WebSocket-Accept}
 * is not exactly one field with the value derived from our key, when the server chose a
 * subprotocol we did not offer (or several), and when it accepted an extension we did not offer
 * (or one twice). The accepted extensions' parameters are not judged here: that is the business
 * of each extension's implementation, which receives them in {@link HandshakeResult#extensions()}.
 * Failures carry the status the server answered with (see {@link HandshakeException}).
 */
public final class ClientHandshake {

    private final HttpRequest request;
    private final String key;
    private final List<String> subprotocols;
    private final List<ExtensionOffer> extensions;

    private ClientHandshake(Builder builder) {
        this.subprotocols = List.copyOf(builder.subprotocols);
        this.extensions = List.copyOf(builder.extensions);
        this.key = AcceptKey.newKey(builder.random);
        Headers.Builder headers = Headers.builder()
                .add("Host", builder.hostHeader())
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", key)
                .add("Sec-WebSocket-Version", "13");
        if (!subprotocols.isEmpty()) {
            headers.add("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
        }
        if (!extensions.isEmpty()) {
            headers.add(ExtensionOffer.HEADER, ExtensionOffer.render(extensions));
        }
        headers.addAll(builder.extraHeaders.build());
        this.request = new HttpRequest("GET", builder.resource, HttpRequest.HTTP_1_1, headers.build());
    }

    /**
     * A builder for a handshake with this host (a DNS name or IP address; IPv6 without brackets
     * is bracketed for the {@code Host} header).
     *
     * @param host the server's host name or IP address
     * @return a new builder
     */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /**
     * The request to send: GET, HTTP/1.1, Host, Upgrade, Connection, key, version 13 and the optional fields.
     *
     * @return the opening handshake request
     */
    public HttpRequest request() {
        return request;
    }

    /**
     * The {@code Sec-WebSocket-Key} sent with this request.
     *
     * @return the Base64 key of this handshake
     */
    public String key() {
        return key;
    }

    /**
     * The {@code Sec-WebSocket-Accept} value a genuine server must answer with.
     *
     * @return the Base64 accept value computed from {@link #key()}
     */
    public String expectedAccept() {
        return AcceptKey.of(key);
    }

    /**
     * Checks the server's response; see the class javadoc for the rules.
     *
     * @param response the server's response to {@link #request()}
     * @return the agreed subprotocol and extensions
     * @throws HandshakeException if the response does not complete the handshake
     */
    public HandshakeResult validate(HttpResponse response) throws HandshakeException {
        int status = response.status();
        Headers headers = response.headers();
        if (status != 101) {
            throw fail(HandshakeFailure.UNEXPECTED_STATUS, status,
                    "server answered " + status + " " + response.reason() + " instead of 101");
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw fail(HandshakeFailure.NOT_A_WEBSOCKET_UPGRADE, status, "101 response without Upgrade: websocket");
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            throw fail(HandshakeFailure.MISSING_CONNECTION_UPGRADE, status, "101 response without Connection: upgrade");
        }
        List<String> accepts = headers.all("Sec-WebSocket-Accept");
        if (accepts.size() != 1 || !accepts.get(0).equals(expectedAccept())) {
            throw fail(HandshakeFailure.ACCEPT_MISMATCH, status,
                    "Sec-WebSocket-Accept is missing, repeated or not derived from our key");
        }
        return new HandshakeResult(response, chosenSubprotocol(headers), acceptedExtensions(headers));
    }

    private Optional<String> chosenSubprotocol(Headers headers) throws HandshakeException {
        List<String> fields = headers.all("Sec-WebSocket-Protocol");
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        // RFC 6455 4.1 item 6: one value, one of those we offered.
        String chosen = fields.get(0);
        if (fields.size() != 1 || !subprotocols.contains(chosen)) {
            throw fail(HandshakeFailure.UNEXPECTED_SUBPROTOCOL, 101,
                    "server chose subprotocol " + String.join(", ", fields) + " which was not offered");
        }
        return Optional.of(chosen);
    }

    private List<ExtensionOffer> acceptedExtensions(Headers headers) throws HandshakeException {
        List<ExtensionOffer> accepted;
        try {
            accepted = ExtensionOffer.parseAll(headers);
        } catch (HandshakeException malformed) {
            throw fail(HandshakeFailure.MALFORMED_EXTENSIONS, 101, malformed.reason());
        }
        Set<String> offered = new HashSet<>();
        extensions.forEach(offer -> offered.add(offer.name()));
        Set<String> seen = new HashSet<>();
        for (ExtensionOffer extension : accepted) {
            // RFC 6455 4.1 item 5: only extensions we asked for; accepting one twice makes no sense.
            if (!offered.contains(extension.name()) || !seen.add(extension.name())) {
                throw fail(HandshakeFailure.UNEXPECTED_EXTENSION, 101,
                        "server accepted extension " + extension.name() + " which was not offered, or twice");
            }
        }
        return accepted;
    }

    private static HandshakeException fail(HandshakeFailure failure, int status, String reason) {
        return new HandshakeException(failure, status, reason, Headers.empty());
    }

    /** Configures a {@link ClientHandshake}; not thread-safe. */
    public static final class Builder {
        /** Fields the handshake sets itself; extra headers may not override them. */
        private static final Set<String> RESERVED = Set.of("host", "upgrade", "connection", "sec-websocket-key",
                "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions", "sec-websocket-accept");

        private final String host;
        private int port = -1;
        private String resource = "/";
        private final List<String> subprotocols = new ArrayList<>();
        private final List<ExtensionOffer> extensions = new ArrayList<>();
        private final Headers.Builder extraHeaders = Headers.builder();
        private RandomGenerator random;

        private Builder(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty() || !Syntax.isTarget(host)) {
                throw new IllegalArgumentException("host is empty or not visible US-ASCII: " + host);
            }
            this.host = host;
        }

        /**
         * The port, written into {@code Host} (RFC 6455 4.1 item 4); leave it unset for the
         * scheme's default port (80 for ws, 443 for wss), which is then omitted.
         *
         * @param port the server's TCP port
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The resource name: an absolute path with optional query, e.g. {@code /chat?room=1}
         * (RFC 6455 3; default {@code /}). Characters outside visible US-ASCII must already be
         * percent-encoded.
         *
         * @param pathAndQuery the path, with an optional query
         * @return this builder
         */
        public Builder resource(String pathAndQuery) {
            if (!Syntax.isTarget(pathAndQuery) || !pathAndQuery.startsWith("/") || pathAndQuery.indexOf('#') >= 0) {
                throw new IllegalArgumentException("resource must be /path[?query] without fragment: " + pathAndQuery);
            }
            this.resource = pathAndQuery;
            return this;
        }

        /**
         * Adds subprotocols to offer, most preferred first.
         *
         * @param protocols the subprotocol names, most preferred first
         * @return this builder
         */
        public Builder subprotocols(String... protocols) {
            for (String protocol : protocols) {
                if (!Syntax.isToken(protocol) || subprotocols.contains(protocol)) {
                    throw new IllegalArgumentException("subprotocol is not a token or listed twice: " + protocol);
                }
                subprotocols.add(protocol);
            }
            return this;
        }

        /**
         * Adds an extension offer; several offers of one name are alternatives, most preferred first.
         *
         * @param offer the extension and its parameters
         * @return this builder
         */
        public Builder extension(ExtensionOffer offer) {
            extensions.add(Objects.requireNonNull(offer, "offer"));
            return this;
        }

        /**
         * Sets {@code Origin}, as a browser would (RFC 6455 4.1 item 8, RFC 6454).
         *
         * @param origin the origin, e.g. {@code https://chat.example}
         * @return this builder
         */
        public Builder origin(String origin) {
            return header("Origin", origin);
        }

        /**
         * Adds a header field sent after the WebSocket ones (e.g. {@code Cookie}, {@code Authorization}).
         *
         * @param name the field name
         * @param value the field value
         * @return this builder
         * @throws IllegalArgumentException for a field the handshake sets itself (Host, Upgrade,
         *                                  Connection, Sec-WebSocket-*) or an invalid field
         */
        public Builder header(String name, String value) {
            if (name != null && RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + " is set by the handshake itself");
            }
            extraHeaders.add(name, value);
            return this;
        }

        /**
         * The source of the key's 16 random bytes (default: a new {@link SecureRandom}).
         *
         * @param random the random generator for the key
         * @return this builder
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * A handshake with a freshly generated key.
         *
         * @return a new handshake, ready to send its {@link #request()}
         */
        public ClientHandshake build() {
            if (random == null) {
                random = new SecureRandom();
            }
            return new ClientHandshake(this);
        }

        private String hostHeader() {
            // RFC 3986 3.2.2: an IPv6 literal is written in brackets.
            String authority = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
            return port < 0 ? authority : authority + ":" + port;
        }
    }
}
