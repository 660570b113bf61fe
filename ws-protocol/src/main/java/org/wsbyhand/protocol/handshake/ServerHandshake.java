package org.wsbyhand.protocol.handshake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The server side of the opening handshake (RFC 6455 section 4.2): validates a client's request
 * and builds the 101 response, choosing a subprotocol and negotiating extensions. Immutable and
 * thread-safe once built; one instance serves every connection.
 *
 * <p>Checks, in this order, each failing with a {@link HandshakeException} of its own
 * {@link HandshakeFailure} and status:
 * <ol>
 *   <li>method GET, else 405 with {@code Allow: GET};</li>
 *   <li>HTTP/1.1 or a later 1.x, else 400 (HTTP/1.0 has no Upgrade mechanism);</li>
 *   <li>an origin-form ({@code /path?query}) or absolute-form target without fragment, else 400;</li>
 *   <li>exactly one non-empty {@code Host}, else 400;</li>
 *   <li>{@code Upgrade} lists {@code websocket} and {@code Connection} lists {@code upgrade}, as
 *       case-insensitive token lists ({@code Connection: keep-alive, Upgrade} qualifies), else 400;</li>
 *   <li>exactly one {@code Sec-WebSocket-Key}, the padded base64 of 16 bytes, else 400;</li>
 *   <li>exactly one {@code Sec-WebSocket-Version} of {@code 13}, else 426 with
 *       {@code Sec-WebSocket-Version: 13} (RFC 6455 4.4);</li>
 *   <li>{@code Sec-WebSocket-Protocol} a list of tokens and {@code Sec-WebSocket-Extensions}
 *       well-formed, else 400.</li>
 * </ol>
 *
 * <p>Subprotocol: the first protocol in the server's preference order that the client offered,
 * compared case-sensitively (RFC 6455 4.2.2 item 5.4); offers may span several header fields.
 * If the client offered protocols but none is supported, the response simply has no
 * {@code Sec-WebSocket-Protocol} and the client decides whether to go on (RFC 6455 4.2.2 allows
 * this; failing with 400 would deny the client that choice). A protocol the client did not offer
 * is never sent.
 *
 * <p>Extensions: each configured {@link ExtensionNegotiator} whose name the client offered is
 * called once, in the order the client first mentions the names, with that name's offers; the
 * accepted ones go into the response in that order. Extension names match case-sensitively.
 *
 * <p>Not checked here, because it is the application's decision: {@code Origin} (answer 403 via
 * {@link HandshakeException#reject(int, String)}), routing by {@link HttpRequest#path()},
 * authentication.
 */
public final class ServerHandshake {

    private final List<String> subprotocols;
    private final List<ExtensionNegotiator> negotiators;
    private final Map<String, ExtensionNegotiator> negotiatorsByName;

    private ServerHandshake(Builder builder) {
        this.subprotocols = List.copyOf(builder.subprotocols);
        this.negotiators = List.copyOf(builder.negotiators.values());
        this.negotiatorsByName = Map.copyOf(builder.negotiators);
    }

    /**
     * A builder with no subprotocols and no extensions.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The supported subprotocols, most preferred first.
     *
     * @return the subprotocols, as an unmodifiable list
     */
    public List<String> subprotocols() {
        return subprotocols;
    }

    /**
     * The configured extension negotiators.
     *
     * @return the negotiators, in the order they were added
     */
    public List<ExtensionNegotiator> negotiators() {
        return negotiators;
    }

    /**
     * Validates the request and builds the 101 response; see the class javadoc for the checks.
     *
     * @param request the client's opening handshake request
     * @return the agreed subprotocol and extensions, with the 101 response to send
     * @throws HandshakeException with the status to answer when the request is not a valid WebSocket opening
     *     handshake
     */
    public HandshakeResult accept(HttpRequest request) throws HandshakeException {
        return accept(request, Headers.empty());
    }

    /**
     * Validates the request and builds the 101 response with {@code extraHeaders} (e.g.
     * {@code Set-Cookie}) appended after the WebSocket fields.
     *
     * @param request the client's opening handshake request
     * @param extraHeaders header fields to add to the 101 response
     * @return the agreed subprotocol and extensions, with the 101 response to send
     * @throws HandshakeException with the status to answer when the request is not a valid
     *                            WebSocket opening handshake
     * @throws IllegalStateException if an {@link ExtensionNegotiator} answers with another name
     */
    public HandshakeResult accept(HttpRequest request, Headers extraHeaders) throws HandshakeException {
        Headers headers = request.headers();
        checkRequestLine(request);
        checkHost(headers);
        // RFC 6455 4.2.1 items 3 and 4: both are token lists compared without regard to case.
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw new HandshakeException(HandshakeFailure.NOT_A_WEBSOCKET_UPGRADE,
                    "Upgrade header must list websocket");
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            throw new HandshakeException(HandshakeFailure.MISSING_CONNECTION_UPGRADE,
                    "Connection header must list upgrade");
        }
        String key = checkKey(headers);
        checkVersion(headers);
        Optional<String> subprotocol = chooseSubprotocol(headers);
        List<ExtensionOffer> extensions = negotiateExtensions(ExtensionOffer.parseAll(headers));

        // RFC 6455 4.2.2 item 5: the 101 response.
        Headers.Builder response = Headers.builder()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", AcceptKey.of(key));
        subprotocol.ifPresent(protocol -> response.add("Sec-WebSocket-Protocol", protocol));
        if (!extensions.isEmpty()) {
            response.add(ExtensionOffer.HEADER, ExtensionOffer.render(extensions));
        }
        response.addAll(extraHeaders);
        HttpResponse switching = new HttpResponse(HttpRequest.HTTP_1_1, 101, "Switching Protocols", response.build());
        return new HandshakeResult(switching, subprotocol, extensions);
    }

    private static void checkRequestLine(HttpRequest request) throws HandshakeException {
        if (!request.method().equals("GET")) {
            throw new HandshakeException(HandshakeFailure.METHOD_NOT_ALLOWED, 405,
                    "method " + request.method() + " not allowed, use GET", Headers.of("Allow", "GET"));
        }
        // RFC 6455 4.1: "HTTP/1.1 or higher"; the parser already refused other major versions.
        String version = request.version();
        if (version.charAt(5) != '1' || version.charAt(7) < '1') {
            throw new HandshakeException(HandshakeFailure.UNSUPPORTED_HTTP_VERSION,
                    version + " cannot upgrade, HTTP/1.1 is required");
        }
        String target = request.target();
        if ((!target.startsWith("/") && !request.isAbsoluteForm()) || target.indexOf('#') >= 0) {
            // RFC 6455 3: the resource name is a path and query; fragments MUST NOT be used.
            throw new HandshakeException(HandshakeFailure.INVALID_TARGET,
                    "request target must be a path or absolute URI without fragment");
        }
    }

    private static void checkHost(Headers headers) throws HandshakeException {
        List<String> hosts = headers.all("Host");
        if (hosts.size() != 1 || hosts.get(0).isEmpty()) {
            throw new HandshakeException(HandshakeFailure.MISSING_HOST,
                    hosts.isEmpty() ? "missing Host header" : "Host header must appear once and not be empty");
        }
    }

    private static String checkKey(Headers headers) throws HandshakeException {
        List<String> keys = headers.all("Sec-WebSocket-Key");
        if (keys.isEmpty()) {
            throw new HandshakeException(HandshakeFailure.MISSING_KEY, "missing Sec-WebSocket-Key");
        }
        if (keys.size() > 1) {
            throw new HandshakeException(HandshakeFailure.INVALID_KEY, "Sec-WebSocket-Key must appear once");
        }
        String key = keys.get(0);
        if (AcceptKey.decode(key).isEmpty()) {
            throw new HandshakeException(HandshakeFailure.INVALID_KEY,
                    "Sec-WebSocket-Key must be 16 bytes in base64");
        }
        return key;
    }

    private static void checkVersion(Headers headers) throws HandshakeException {
        List<String> versions = headers.all("Sec-WebSocket-Version");
        if (versions.size() != 1 || !versions.get(0).equals("13")) {
            // RFC 6455 4.4: answer with the versions we do speak so the client can retry.
            throw new HandshakeException(HandshakeFailure.UNSUPPORTED_WEBSOCKET_VERSION, 426,
                    "unsupported Sec-WebSocket-Version, this server speaks 13",
                    Headers.of("Sec-WebSocket-Version", "13"));
        }
    }

    private Optional<String> chooseSubprotocol(Headers headers) throws HandshakeException {
        List<String> offered = headers.tokens("Sec-WebSocket-Protocol");
        for (String protocol : offered) {
            if (!Syntax.isToken(protocol)) {
                throw new HandshakeException(HandshakeFailure.MALFORMED_SUBPROTOCOLS,
                        "Sec-WebSocket-Protocol must be a list of tokens");
            }
        }
        for (String supported : subprotocols) {
            if (offered.contains(supported)) {
                return Optional.of(supported);
            }
        }
        return Optional.empty();
    }

    private List<ExtensionOffer> negotiateExtensions(List<ExtensionOffer> offers) throws HandshakeException {
        if (offers.isEmpty() || negotiators.isEmpty()) {
            return List.of();
        }
        // Group the offers by name, keeping the order in which the client first names each.
        Map<String, List<ExtensionOffer>> byName = new LinkedHashMap<>();
        for (ExtensionOffer offer : offers) {
            byName.computeIfAbsent(offer.name(), name -> new ArrayList<>()).add(offer);
        }
        List<ExtensionOffer> accepted = new ArrayList<>();
        for (Map.Entry<String, List<ExtensionOffer>> entry : byName.entrySet()) {
            ExtensionNegotiator negotiator = negotiatorsByName.get(entry.getKey());
            if (negotiator == null) {
                continue; // RFC 6455 9.1: an extension the server does not know is simply not accepted.
            }
            Optional<ExtensionOffer> response = negotiator.negotiate(List.copyOf(entry.getValue()));
            if (response.isPresent()) {
                if (!response.get().name().equals(entry.getKey())) {
                    throw new IllegalStateException("negotiator for " + entry.getKey()
                            + " answered with " + response.get().name());
                }
                accepted.add(response.get());
            }
        }
        return List.copyOf(accepted);
    }

    /** Configures a {@link ServerHandshake}; not thread-safe. */
    public static final class Builder {
        private final List<String> subprotocols = new ArrayList<>();
        private final Map<String, ExtensionNegotiator> negotiators = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds supported subprotocols, most preferred first (after any added before).
         *
         * @param protocols the subprotocol names, most preferred first
         * @return this builder
         * @throws IllegalArgumentException if one is not a token or was added already
         */
        public Builder subprotocols(String... protocols) {
            return subprotocols(List.of(protocols));
        }

        /**
         * As {@link #subprotocols(String...)}.
         *
         * @param protocols the subprotocol names, most preferred first
         * @return this builder
         */
        public Builder subprotocols(List<String> protocols) {
            for (String protocol : protocols) {
                if (!Syntax.isToken(protocol)) {
                    throw new IllegalArgumentException("subprotocol is not a token: " + protocol);
                }
                if (subprotocols.contains(protocol)) {
                    throw new IllegalArgumentException("subprotocol listed twice: " + protocol);
                }
                subprotocols.add(protocol);
            }
            return this;
        }

        /**
         * Adds an extension negotiator.
         *
         * @param negotiator the negotiator for one extension name
         * @return this builder
         * @throws IllegalArgumentException if its name is not a token or another negotiator has it
         */
        public Builder extension(ExtensionNegotiator negotiator) {
            String name = Objects.requireNonNull(negotiator, "negotiator").name();
            if (!Syntax.isToken(name)) {
                throw new IllegalArgumentException("extension name is not a token: " + name);
            }
            if (negotiators.putIfAbsent(name, negotiator) != null) {
                throw new IllegalArgumentException("two negotiators for extension " + name);
            }
            return this;
        }

        /**
         * The immutable handshake.
         *
         * @return a new handshake with this builder's subprotocols and extensions
         */
        public ServerHandshake build() {
            return new ServerHandshake(this);
        }
    }
}
