package org.wsbyhand.protocol.deflate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The permessage-deflate parameter rules of RFC 7692 section 7.1, for both sides, on the
 * parameters of one offer or response (parsing the {@code Sec-WebSocket-Extensions} header into
 * offers belongs to the handshake package).
 *
 * <p><b>What a server built on this accepts.</b> {@link java.util.zip.Deflater} always compresses
 * with a 32 KiB window (15 bits) and {@link java.util.zip.Inflater} decompresses any window up to
 * 15 bits. So:
 * <ul>
 *   <li>{@code client_max_window_bits}, with or without a value 8-15: accepted; the client may use a
 *       smaller window, our Inflater handles it. The response leaves the parameter out (7.1.2.2
 *       lets the server omit it), so the client keeps the window it offered.</li>
 *   <li>{@code server_max_window_bits=15}: accepted and echoed as {@code server_max_window_bits=15}.
 *       A value of 8-14 asks the server to compress with a window the Deflater cannot limit itself
 *       to, so that offer is declined (7.1.2.1 forbids answering with a larger value).</li>
 *   <li>{@code server_no_context_takeover}: accepted and echoed (7.1.1.1 requires it). Also stated
 *       unasked when {@link DeflateOptions#serverNoContextTakeover()} is set.</li>
 *   <li>{@code client_no_context_takeover}: accepted and echoed, which tells the server it may
 *       drop its decompressor between messages. Also stated unasked when
 *       {@link DeflateOptions#clientNoContextTakeover()} is set.</li>
 *   <li>Declined: an unknown parameter, a parameter given twice, a value where none belongs or
 *       none where one is required, a window size that is not exactly one of "8" to "15".</li>
 * </ul>
 *
 * <p><b>What a client built on this offers and accepts.</b> It offers {@code permessage-deflate},
 * plus the no-context-takeover parameters its {@link DeflateOptions} ask for, and never
 * {@code client_max_window_bits}: offering it would let the server demand a window the Deflater
 * cannot keep to. A response is rejected when it has an unknown, duplicated or malformed
 * parameter, {@code client_max_window_bits} (not offered, so 7.1.2.2 forbids it), or lacks
 * {@code server_no_context_takeover} although the offer asked for it (7.1.1.1). Any
 * {@code server_max_window_bits} 8-15 is fine: it only limits the server.
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

    /** One extension parameter: a name and a value, the value {@code null} when the parameter has none. */
    record Param(String name, String value) {
        static Param of(String name) {
            return new Param(name, null);
        }

        static Param of(String name, int value) {
            return new Param(name, Integer.toString(value));
        }
    }

    /** A malformed or unacceptable parameter list; the message says which rule. */
    static final class InvalidParameters extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidParameters(String message) {
            super(message, null, false, false);
        }
    }

    /** The parameters of one offer or response, checked for names, duplicates and value syntax. */
    private record Parsed(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
            int serverMaxWindowBits, int clientMaxWindowBits) {}

    // ---------------------------------------------------------------- server side

    /**
     * The server's answer to one offer: the response parameters when the offer is acceptable (see
     * the class comment), empty to decline it. Never throws on peer input.
     */
    static Optional<List<Param>> accept(List<Param> offer, DeflateOptions options) {
        Parsed parsed;
        try {
            parsed = parse(offer, false);
        } catch (InvalidParameters e) {
            return Optional.empty();
        }
        if (parsed.serverMaxWindowBits != ABSENT && parsed.serverMaxWindowBits < DeflateParameters.MAX_WINDOW_BITS) {
            // 7.1.2.1: the response may not state a larger value than offered, and Deflater uses 15 bits.
            return Optional.empty();
        }
        List<Param> response = new ArrayList<>(3);
        if (parsed.serverNoContextTakeover || options.serverNoContextTakeover()) {
            response.add(Param.of(SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (parsed.clientNoContextTakeover || options.clientNoContextTakeover()) {
            response.add(Param.of(CLIENT_NO_CONTEXT_TAKEOVER));
        }
        if (parsed.serverMaxWindowBits != ABSENT) {
            response.add(Param.of(SERVER_MAX_WINDOW_BITS, DeflateParameters.MAX_WINDOW_BITS));
        }
        return Optional.of(List.copyOf(response));
    }

    /**
     * The agreement a response states, for the server after {@link #accept} and for anyone who
     * trusts the response.
     *
     * @throws InvalidParameters when the list is not a valid response
     */
    static DeflateParameters agreement(List<Param> response) throws InvalidParameters {
        Parsed parsed = parse(response, true);
        return toParameters(parsed);
    }

    // ---------------------------------------------------------------- client side

    /** The parameters of the offer a client with {@code options} sends. */
    static List<Param> offer(DeflateOptions options) {
        List<Param> offer = new ArrayList<>(2);
        if (options.serverNoContextTakeover()) {
            offer.add(Param.of(SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (options.clientNoContextTakeover()) {
            offer.add(Param.of(CLIENT_NO_CONTEXT_TAKEOVER));
        }
        return List.copyOf(offer);
    }

    /**
     * Checks the server's response to the offer {@link #offer} made with the same options, and
     * returns the agreement. When the client offered {@code client_no_context_takeover} the
     * agreement has it whatever the server said: the offer promised it (7.1.1.2).
     *
     * @throws InvalidParameters when the response breaks RFC 7692 7.1 or asks what this client cannot do;
     *     the client must then fail the connection (section 7: _Fail the WebSocket Connection_)
     */
    static DeflateParameters checkResponse(List<Param> response, DeflateOptions options) throws InvalidParameters {
        Parsed parsed = parse(response, true);
        if (parsed.clientMaxWindowBits != ABSENT) {
            throw new InvalidParameters(CLIENT_MAX_WINDOW_BITS + " in a response to an offer without it (RFC 7692 7.1.2.2)");
        }
        if (options.serverNoContextTakeover() && !parsed.serverNoContextTakeover) {
            throw new InvalidParameters("the response lacks the offered " + SERVER_NO_CONTEXT_TAKEOVER + " (RFC 7692 7.1.1.1)");
        }
        DeflateParameters agreed = toParameters(parsed);
        return options.clientNoContextTakeover() ? agreed.withClientNoContextTakeover() : agreed;
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
    private static Parsed parse(List<Param> params, boolean response) throws InvalidParameters {
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = ABSENT;
        int clientBits = ABSENT;
        for (Param param : params) {
            String name = param.name() == null ? "" : param.name().toLowerCase(Locale.ROOT);
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
