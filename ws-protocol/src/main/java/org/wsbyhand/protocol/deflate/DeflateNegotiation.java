package org.wsbyhand.protocol.deflate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.wsbyhand.protocol.handshake.ExtensionNegotiator;
import org.wsbyhand.protocol.handshake.ExtensionOffer;
import org.wsbyhand.protocol.handshake.ExtensionParameter;
import org.wsbyhand.protocol.handshake.HandshakeException;
import org.wsbyhand.protocol.handshake.HandshakeFailure;
import org.wsbyhand.protocol.handshake.HandshakeResult;
import org.wsbyhand.protocol.handshake.Headers;

/**
 * The permessage-deflate negotiation of RFC 7692 section 7.1, for both sides, on top of the
 * handshake package (which parses {@code Sec-WebSocket-Extensions} into {@link ExtensionOffer}s).
 *
 * <p>Server: add {@link #negotiator(DeflateOptions)} to the {@code ServerHandshake}; after a
 * handshake, {@link #serverAgreement(HandshakeResult)} says whether the extension was agreed and on
 * what, and a {@link PerMessageDeflate} made from that goes to the connection. Client: add
 * {@link #offer(DeflateOptions)} to the {@code ClientHandshake}, then check the result with
 * {@link #clientAgreement(HandshakeResult, DeflateOptions)}.
 *
 * <p><b>What a server built on this accepts.</b> This side compresses within any window of 8-15
 * bits ({@link DeflateCompressor} below 15, {@link java.util.zip.Deflater} at 15) and
 * {@link java.util.zip.Inflater} decompresses any window up to 15 bits. So, with
 * {@link DeflateOptions#serverMaxWindowBits()} S and {@link DeflateOptions#clientMaxWindowBits()} C:
 * <ul>
 *   <li>{@code server_max_window_bits=N}, N 8-15: accepted; the response states min(N, S) and the
 *       server compresses within it (7.1.2.1: a server accepts by stating the same or a smaller
 *       value). 8 is honoured as 8: {@link DeflateCompressor} makes no reference further back than
 *       256 bytes (zlib's deflate cannot, and turns 8 into 9, which 7.1.2.1 does not allow a server
 *       to answer).</li>
 *   <li>No {@code server_max_window_bits} offered: when S is under 15 the response states
 *       {@code server_max_window_bits=S} unasked, which 7.1.2.1 allows, so that the client can size
 *       its decompressor; otherwise the parameter is left out.</li>
 *   <li>{@code client_max_window_bits}, with or without a value 8-15: accepted; the client may use a
 *       smaller window, our Inflater handles it. When C is under 15 the response states
 *       {@code client_max_window_bits} with C (or the client's smaller value); otherwise it leaves the
 *       parameter out (7.1.2.2 lets the server omit it) and the client keeps the window it offered.
 *       A client that did not offer the parameter is never sent it (7.1.2.2).</li>
 *   <li>{@code server_no_context_takeover}: accepted and echoed (7.1.1.1 requires it). Also stated
 *       unasked when {@link DeflateOptions#serverNoContextTakeover()} is set.</li>
 *   <li>{@code client_no_context_takeover}: accepted and echoed, which tells the server it may
 *       drop its decompressor between messages. Also stated unasked when
 *       {@link DeflateOptions#clientNoContextTakeover()} is set.</li>
 *   <li>Declined: an unknown parameter (names are case-sensitive), a parameter given twice, a value where none belongs or
 *       none where one is required, a window size that is not exactly one of "8" to "15".</li>
 * </ul>
 *
 * <p><b>What a client built on this offers and accepts.</b> It offers {@code permessage-deflate}
 * with {@code client_max_window_bits} (valued C when C is under 15, else without a value: it can
 * keep to any window the server asks for), {@code server_max_window_bits=S} when S is under 15, and
 * the no-context-takeover parameters its {@link DeflateOptions} ask for. A response is rejected when
 * it has an unknown, duplicated or malformed parameter, a {@code client_max_window_bits} larger than
 * the offered value (7.1.2.2), lacks {@code server_max_window_bits} or states a larger value than
 * the offered S (7.1.2.1), or lacks {@code server_no_context_takeover} although the offer asked for
 * it (7.1.1.1). Any {@code server_max_window_bits} 8-15 the client did not ask for is fine: it only
 * limits the server. The client then compresses within the smaller of C and the response's
 * {@code client_max_window_bits}.
 */
public final class DeflateNegotiation {

    /** The extension token, RFC 7692 section 7. */
    public static final String EXTENSION_NAME = "permessage-deflate";

    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /** Marks {@code client_max_window_bits} given without a value. */
    private static final int NO_VALUE = 0;
    /** Marks a window parameter that is absent. */
    private static final int ABSENT = -1;

    private DeflateNegotiation() {}

    /** A malformed or unacceptable parameter list; the message says which rule. */
    static final class InvalidParameters extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidParameters(String message) {
            super(message);
        }
    }

    /** The parameters of one offer or response, checked for names, duplicates and value syntax. */
    private record Parsed(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
            int serverMaxWindowBits, int clientMaxWindowBits) {}

    // ---------------------------------------------------------------- public API

    /**
     * The server's negotiator: accepts the first of the client's permessage-deflate offers that the
     * class comment's rules allow, declines the others (and the extension when none is acceptable).
     * Stateless, so one instance serves every handshake.
     *
     * @param options this server's compression policy
     * @return the negotiator to add to a {@link org.wsbyhand.protocol.handshake.ServerHandshake}
     */
    public static ExtensionNegotiator negotiator(DeflateOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options are required");
        }
        return new ExtensionNegotiator() {
            @Override
            public String name() {
                return EXTENSION_NAME;
            }

            @Override
            public Optional<ExtensionOffer> negotiate(List<ExtensionOffer> offersOfThisName) {
                for (ExtensionOffer offer : offersOfThisName) {
                    Optional<List<ExtensionParameter>> response = accept(offer.parameters(), options);
                    if (response.isPresent()) {
                        return Optional.of(new ExtensionOffer(EXTENSION_NAME, response.get()));
                    }
                }
                return Optional.empty();
            }

            @Override
            public String toString() {
                return EXTENSION_NAME + " negotiator " + options;
            }
        };
    }

    /**
     * The agreement of a handshake this server accepted with {@link #negotiator}, or empty when
     * permessage-deflate was not agreed.
     *
     * @param result the accepted handshake
     * @return the agreed parameters, or empty
     * @throws IllegalStateException when the response in {@code result} was not made by {@link #negotiator}
     *     (it breaks RFC 7692 7.1)
     */
    public static Optional<DeflateParameters> serverAgreement(HandshakeResult result) {
        Optional<ExtensionOffer> accepted = result.extension(EXTENSION_NAME);
        if (accepted.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(agreement(accepted.get().parameters()));
        } catch (InvalidParameters e) {
            throw new IllegalStateException("the server's own response is invalid: " + e.getMessage(), e);
        }
    }

    /**
     * The offer a client with {@code options} sends: {@code permessage-deflate}, its no-context-takeover and window wishes.
     *
     * @param options this client's compression policy
     * @return the offer to add to a {@link org.wsbyhand.protocol.handshake.ClientHandshake}
     */
    public static ExtensionOffer offer(DeflateOptions options) {
        return new ExtensionOffer(EXTENSION_NAME, offerParameters(options));
    }

    /**
     * Checks the server's answer to {@link #offer(DeflateOptions)} made with the same options: empty
     * when the server did not accept the extension, the agreement when it did.
     *
     * @param result the validated handshake
     * @param options the options the offer was made with
     * @return the agreed parameters, or empty
     * @throws HandshakeException with {@link HandshakeFailure#INVALID_EXTENSION_PARAMETERS} when
     *     the response breaks RFC 7692 7.1 or asks what this client cannot do; the client must then
     *     fail the WebSocket connection (RFC 7692 section 7)
     */
    public static Optional<DeflateParameters> clientAgreement(HandshakeResult result, DeflateOptions options)
            throws HandshakeException {
        Optional<ExtensionOffer> accepted = result.extension(EXTENSION_NAME);
        if (accepted.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(checkResponse(accepted.get().parameters(), options));
        } catch (InvalidParameters e) {
            throw new HandshakeException(HandshakeFailure.INVALID_EXTENSION_PARAMETERS, result.response().status(),
                    EXTENSION_NAME + ": " + e.getMessage(), Headers.empty());
        }
    }

    // ---------------------------------------------------------------- server side

    /**
     * The server's answer to one offer: the response parameters when the offer is acceptable (see
     * the class comment), empty to decline it. Never throws on peer input.
     */
    static Optional<List<ExtensionParameter>> accept(List<ExtensionParameter> offer, DeflateOptions options) {
        Parsed parsed;
        try {
            parsed = parse(offer, false);
        } catch (InvalidParameters e) {
            return Optional.empty();
        }
        List<ExtensionParameter> response = new ArrayList<>(4);
        if (parsed.serverNoContextTakeover || options.serverNoContextTakeover()) {
            response.add(ExtensionParameter.of(SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (parsed.clientNoContextTakeover || options.clientNoContextTakeover()) {
            response.add(ExtensionParameter.of(CLIENT_NO_CONTEXT_TAKEOVER));
        }
        int serverBits = options.serverMaxWindowBits();
        if (parsed.serverMaxWindowBits != ABSENT) {
            // 7.1.2.1: accepting the offer means stating the same or a smaller value.
            serverBits = Math.min(serverBits, parsed.serverMaxWindowBits);
        }
        if (parsed.serverMaxWindowBits != ABSENT || serverBits < DeflateParameters.MAX_WINDOW_BITS) {
            response.add(ExtensionParameter.of(SERVER_MAX_WINDOW_BITS, Integer.toString(serverBits)));
        }
        if (parsed.clientMaxWindowBits != ABSENT && options.clientMaxWindowBits() < DeflateParameters.MAX_WINDOW_BITS) {
            // 7.1.2.2: only a client that offered the parameter may be told a window, at most its own value.
            int clientBits = options.clientMaxWindowBits();
            if (parsed.clientMaxWindowBits != NO_VALUE) {
                clientBits = Math.min(clientBits, parsed.clientMaxWindowBits);
            }
            response.add(ExtensionParameter.of(CLIENT_MAX_WINDOW_BITS, Integer.toString(clientBits)));
        }
        return Optional.of(List.copyOf(response));
    }

    /**
     * The agreement a response states, for the server after {@link #accept} and for anyone who
     * trusts the response.
     *
     * @throws InvalidParameters when the list is not a valid response
     */
    static DeflateParameters agreement(List<ExtensionParameter> response) throws InvalidParameters {
        Parsed parsed = parse(response, true);
        return toParameters(parsed);
    }

    // ---------------------------------------------------------------- client side

    /** The parameters of the offer a client with {@code options} sends. */
    static List<ExtensionParameter> offerParameters(DeflateOptions options) {
        List<ExtensionParameter> offer = new ArrayList<>(4);
        if (options.serverNoContextTakeover()) {
            offer.add(ExtensionParameter.of(SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (options.clientNoContextTakeover()) {
            offer.add(ExtensionParameter.of(CLIENT_NO_CONTEXT_TAKEOVER));
        }
        if (options.serverMaxWindowBits() < DeflateParameters.MAX_WINDOW_BITS) {
            offer.add(ExtensionParameter.of(SERVER_MAX_WINDOW_BITS, Integer.toString(options.serverMaxWindowBits())));
        }
        // 7.1.2.2: without a value it says "I can keep to a window you choose", which this client can.
        offer.add(options.clientMaxWindowBits() < DeflateParameters.MAX_WINDOW_BITS
                ? ExtensionParameter.of(CLIENT_MAX_WINDOW_BITS, Integer.toString(options.clientMaxWindowBits()))
                : ExtensionParameter.of(CLIENT_MAX_WINDOW_BITS));
        return List.copyOf(offer);
    }

    /**
     * Checks the server's response to the offer {@link #offerParameters} made with the same options, and
     * returns the agreement. When the client offered {@code client_no_context_takeover} the
     * agreement has it whatever the server said: the offer promised it (7.1.1.2); likewise a
     * {@code client_max_window_bits} value it offered.
     *
     * @throws InvalidParameters when the response breaks RFC 7692 7.1 or asks what this client cannot do;
     *     the client must then fail the connection (section 7: _Fail the WebSocket Connection_)
     */
    static DeflateParameters checkResponse(List<ExtensionParameter> response, DeflateOptions options) throws InvalidParameters {
        Parsed parsed = parse(response, true);
        int offeredClientBits = options.clientMaxWindowBits();
        if (parsed.clientMaxWindowBits != ABSENT && parsed.clientMaxWindowBits > offeredClientBits) {
            throw new InvalidParameters(CLIENT_MAX_WINDOW_BITS + "=" + parsed.clientMaxWindowBits
                    + " is larger than the offered " + offeredClientBits + " (RFC 7692 7.1.2.2)");
        }
        int offeredServerBits = options.serverMaxWindowBits();
        if (offeredServerBits < DeflateParameters.MAX_WINDOW_BITS) {
            if (parsed.serverMaxWindowBits == ABSENT) {
                throw new InvalidParameters("the response lacks the offered " + SERVER_MAX_WINDOW_BITS + " (RFC 7692 7.1.2.1)");
            }
            if (parsed.serverMaxWindowBits > offeredServerBits) {
                throw new InvalidParameters(SERVER_MAX_WINDOW_BITS + "=" + parsed.serverMaxWindowBits
                        + " is larger than the offered " + offeredServerBits + " (RFC 7692 7.1.2.1)");
            }
        }
        if (options.serverNoContextTakeover() && !parsed.serverNoContextTakeover) {
            throw new InvalidParameters("the response lacks the offered " + SERVER_NO_CONTEXT_TAKEOVER + " (RFC 7692 7.1.1.1)");
        }
        // The client keeps to the window it offered even when the response leaves the parameter out.
        int clientBits = parsed.clientMaxWindowBits != ABSENT ? parsed.clientMaxWindowBits : offeredClientBits;
        int serverBits = parsed.serverMaxWindowBits != ABSENT ? parsed.serverMaxWindowBits : DeflateParameters.MAX_WINDOW_BITS;
        return new DeflateParameters(parsed.serverNoContextTakeover,
                parsed.clientNoContextTakeover || options.clientNoContextTakeover(), serverBits, clientBits);
    }

    // ---------------------------------------------------------------- parsing

    private static DeflateParameters toParameters(Parsed parsed) {
        return new DeflateParameters(parsed.serverNoContextTakeover, parsed.clientNoContextTakeover,
                parsed.serverMaxWindowBits > 0 ? parsed.serverMaxWindowBits : DeflateParameters.MAX_WINDOW_BITS,
                parsed.clientMaxWindowBits > 0 ? parsed.clientMaxWindowBits : DeflateParameters.MAX_WINDOW_BITS);
    }

    /**
     * Applies the syntax rules of 7.1: known names only, each at most once, the no-context-takeover
     * parameters without a value, {@code server_max_window_bits} with one, {@code client_max_window_bits}
     * with one in a response and optionally in an offer.
     */
    private static Parsed parse(List<ExtensionParameter> params, boolean response) throws InvalidParameters {
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = ABSENT;
        int clientBits = ABSENT;
        for (ExtensionParameter param : params) {
            // Names are case-sensitive, as everywhere in the handshake package.
            String name = param.name();
            String value = param.value();
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (serverNoContext) {
                        throw duplicate(name);
                    }
                    requireNoValue(name, value);
                    serverNoContext = true;
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (clientNoContext) {
                        throw duplicate(name);
                    }
                    requireNoValue(name, value);
                    clientNoContext = true;
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    if (serverBits != ABSENT) {
                        throw duplicate(name);
                    }
                    serverBits = windowBits(name, value);
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    if (clientBits != ABSENT) {
                        throw duplicate(name);
                    }
                    // 7.1.2.2: an offer may state it without a value ("I can take a window size"),
                    // a response must give the value.
                    clientBits = value == null && !response ? NO_VALUE : windowBits(name, value);
                }
                default -> throw new InvalidParameters("unknown parameter " + param.name());
            }
        }
        return new Parsed(serverNoContext, clientNoContext, serverBits, clientBits);
    }

    private static InvalidParameters duplicate(String name) {
        return new InvalidParameters(name + " given twice (RFC 7692 7.1)");
    }

    private static void requireNoValue(String name, String value) throws InvalidParameters {
        if (value != null) {
            throw new InvalidParameters(name + " takes no value, was \"" + value + "\"");
        }
    }

    /** 7.1.2: the value is a decimal integer 8-15 with no leading zeros. */
    private static int windowBits(String name, String value) throws InvalidParameters {
        if (value != null) {
            switch (value) {
                case "8", "9", "10", "11", "12", "13", "14", "15" -> {
                    return Integer.parseInt(value);
                }
                default -> { }
            }
        }
        throw new InvalidParameters(name + " needs a value 8-15, was " + (value == null ? "none" : "\"" + value + "\""));
    }
}
