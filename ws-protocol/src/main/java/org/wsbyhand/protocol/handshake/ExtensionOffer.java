package org.wsbyhand.protocol.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 9.1): an extension token and
 * its ordered parameters, e.g. {@code permessage-deflate; client_max_window_bits}. The same type
 * serves for what a client offers and what a server accepts.
 *
 * <p>Parsing follows the grammar of RFC 6455 9.1 with the list rules of RFC 7230 7: several
 * header fields and several comma-separated offers per field, whitespace around {@code ,},
 * {@code ;} and {@code =}, empty list elements ignored, parameter values as tokens or quoted
 * strings with backslash escapes (whose unescaped content must again be a token). A header that
 * breaks the grammar is not half-used: the whole handshake fails with 400
 * ({@link HandshakeFailure#MALFORMED_EXTENSIONS}), as python-websockets does.
 *
 * @param name       the extension token, compared case-sensitively
 * @param parameters the parameters in the order given
 */
public record ExtensionOffer(String name, List<ExtensionParameter> parameters) {

    /** The header that carries extension offers and acceptances. */
    public static final String HEADER = "Sec-WebSocket-Extensions";

    /** Rejects a name that is not a token; copies the parameters. */
    public ExtensionOffer {
        if (!Syntax.isToken(name)) {
            throw new IllegalArgumentException("extension name is not a token: " + name);
        }
        parameters = List.copyOf(parameters);
    }

    /**
     * An offer of this name with these parameters.
     *
     * @param name the extension name, e.g. {@code permessage-deflate}
     * @param parameters the extension parameters, in order
     * @return the offer
     */
    public static ExtensionOffer of(String name, ExtensionParameter... parameters) {
        return new ExtensionOffer(name, List.of(parameters));
    }

    /**
     * The first parameter with this name (case-sensitive), if any.
     *
     * @param parameterName the parameter name
     * @return the first parameter with that name, or empty when there is none
     */
    public Optional<ExtensionParameter> parameter(String parameterName) {
        for (ExtensionParameter parameter : parameters) {
            if (parameter.name().equals(parameterName)) {
                return Optional.of(parameter);
            }
        }
        return Optional.empty();
    }

    /**
     * Every offer in every {@code Sec-WebSocket-Extensions} field of {@code headers}, in order.
     *
     * @param headers the header fields of a request or response
     * @return the offers, in order; empty when there is no such field
     * @throws HandshakeException with {@link HandshakeFailure#MALFORMED_EXTENSIONS} (400) if any
     *                            field breaks the grammar
     */
    public static List<ExtensionOffer> parseAll(Headers headers) throws HandshakeException {
        List<ExtensionOffer> offers = new ArrayList<>();
        for (String value : headers.all(HEADER)) {
            offers.addAll(parse(value));
        }
        return List.copyOf(offers);
    }

    /**
     * The offers in one field value, in order; empty for a value of only commas and whitespace.
     *
     * @param value one {@code Sec-WebSocket-Extensions} field value
     * @return the offers, in order
     * @throws HandshakeException with {@link HandshakeFailure#MALFORMED_EXTENSIONS} (400) if the
     *                            value breaks the grammar
     */
    public static List<ExtensionOffer> parse(String value) throws HandshakeException {
        return new Parser(value).extensionList();
    }

    /**
     * Header syntax for several offers: {@code a; x=1, b}.
     *
     * @param offers the offers to render, in order
     * @return a {@code Sec-WebSocket-Extensions} field value
     */
    public static String render(List<ExtensionOffer> offers) {
        StringJoiner joined = new StringJoiner(", ");
        for (ExtensionOffer offer : offers) {
            joined.add(offer.toString());
        }
        return joined.toString();
    }

    /** Header syntax: {@code name; param; param=value}. {@link #parse(String)} reads it back. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name);
        for (ExtensionParameter parameter : parameters) {
            sb.append("; ").append(parameter);
        }
        return sb.toString();
    }

    /** A recursive-descent reader of one field value. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        /** extension-list = #extension, empty elements allowed (RFC 7230 7). */
        List<ExtensionOffer> extensionList() throws HandshakeException {
            List<ExtensionOffer> offers = new ArrayList<>();
            while (true) {
                skipWhitespace();
                if (atEnd()) {
                    return List.copyOf(offers);
                }
                if (peek() == ',') {
                    i++;
                    continue;
                }
                offers.add(extension());
                skipWhitespace();
                if (!atEnd() && peek() != ',') {
                    throw malformed("expected ',' or end of header");
                }
            }
        }

        /** extension = extension-token *( ";" extension-param ). */
        private ExtensionOffer extension() throws HandshakeException {
            String name = token("extension name");
            List<ExtensionParameter> parameters = new ArrayList<>();
            skipWhitespace();
            while (!atEnd() && peek() == ';') {
                i++;
                skipWhitespace();
                String parameterName = token("parameter name");
                skipWhitespace();
                String value = null;
                if (!atEnd() && peek() == '=') {
                    i++;
                    skipWhitespace();
                    value = !atEnd() && peek() == '"' ? quotedString() : token("parameter value");
                    if (!Syntax.isToken(value)) {
                        // RFC 6455 9.1: a quoted value, once unescaped, MUST conform to the token rule.
                        throw malformed("quoted value of " + parameterName + " is not a token");
                    }
                    skipWhitespace();
                }
                parameters.add(new ExtensionParameter(parameterName, value));
            }
            return new ExtensionOffer(name, parameters);
        }

        private String token(String what) throws HandshakeException {
            int start = i;
            while (!atEnd() && Syntax.isTokenChar(peek())) {
                i++;
            }
            if (start == i) {
                throw malformed("expected " + what);
            }
            return s.substring(start, i);
        }

        /** RFC 7230 3.2.6: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE. */
        private String quotedString() throws HandshakeException {
            i++; // opening DQUOTE
            StringBuilder content = new StringBuilder();
            while (!atEnd()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return content.toString();
                }
                if (c == '\\') {
                    if (atEnd()) {
                        break;
                    }
                    c = s.charAt(i++);
                }
                if (!Syntax.isFieldValueChar(c)) {
                    throw malformed("control character in a quoted string");
                }
                content.append(c);
            }
            throw malformed("unterminated quoted string");
        }

        private void skipWhitespace() {
            while (!atEnd() && Syntax.isWhitespace(peek())) {
                i++;
            }
        }

        private boolean atEnd() {
            return i >= s.length();
        }

        private char peek() {
            return s.charAt(i);
        }

        private HandshakeException malformed(String detail) {
            return new HandshakeException(HandshakeFailure.MALFORMED_EXTENSIONS,
                    "malformed Sec-WebSocket-Extensions at offset " + i + ": " + detail);
        }
    }
}
