package org.wsbyhand.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.wsbyhand.protocol.handshake.Headers;
import org.wsbyhand.session.AttributeKey;

/**
 * The answer of an {@link UpgradeHook}: upgrade (with headers for the 101 and typed attributes for
 * the session), or answer with an HTTP status and headers instead.
 *
 * <pre>{@code
 * return UpgradeDecision.accept()
 *         .withHeader("Set-Cookie", "seen=1; Path=/; HttpOnly; Secure; SameSite=Strict")
 *         .withAttribute(USER, user);
 * return UpgradeDecision.reject(401, "token required").withHeader("WWW-Authenticate", "Bearer");
 * return UpgradeDecision.redirect(307, "wss://eu.chat.example/rooms/42");
 * }</pre>
 *
 * <p>Header names must be tokens and values may hold no control characters (no CR or LF: a hook
 * that copies request data into a header cannot split the response). The headers the server
 * writes itself for the handshake or the body ({@code Upgrade}, {@code Connection},
 * {@code Sec-WebSocket-*}, {@code Content-Length}, {@code Content-Type}, {@code Transfer-Encoding})
 * are refused with {@link IllegalArgumentException}.
 */
public sealed interface UpgradeDecision {

    /**
     * Go on with the upgrade.
     *
     * @param headers added to the 101 response, after the handshake's own
     * @param attributes set on the session before {@code onOpen}
     */
    record Accept(Headers headers, Map<AttributeKey<?>, Object> attributes) implements UpgradeDecision {
        /** Checks the headers and copies the attributes. */
        public Accept {
            checkHeaders(headers);
            attributes = Map.copyOf(attributes);
        }

        /** An accept with no headers and no attributes. */
        public Accept() {
            this(Headers.empty(), Map.of());
        }

        /**
         * This decision with one more header on the 101 (several with one name are allowed, as for
         * {@code Set-Cookie}).
         *
         * @param name the header name, a token
         * @param value the header value, without control characters
         * @return the new decision
         * @throws IllegalArgumentException for an invalid or reserved header
         */
        public Accept withHeader(String name, String value) {
            return new Accept(headers.toBuilder().add(name, value).build(), attributes);
        }

        /**
         * This decision with one more typed attribute for the session (replacing one of the same key).
         *
         * @param key the attribute's key
         * @param value the value, not null
         * @param <T> the type of the value
         * @return the new decision
         * @throws ClassCastException when the value is not of the key's type
         */
        public <T> Accept withAttribute(AttributeKey<T> key, T value) {
            Map<AttributeKey<?>, Object> more = new LinkedHashMap<>(attributes);
            more.put(Objects.requireNonNull(key, "key"), key.cast(Objects.requireNonNull(value, "value")));
            return new Accept(headers, more);
        }
    }

    /**
     * Answer with an HTTP status instead of upgrading: 400-599 with a short plain-text body, or a
     * redirect (300-399) with a {@code Location} header.
     *
     * @param status the HTTP status code, 300-599
     * @param reason the response body, for the client's developer
     * @param headers added to the response (e.g. {@code WWW-Authenticate}, {@code Retry-After})
     */
    record Reject(int status, String reason, Headers headers) implements UpgradeDecision {
        /** Checks the status and the headers. */
        public Reject {
            if (status < 300 || status > 599) {
                throw new IllegalArgumentException("reject status must be 300-599, was " + status);
            }
            reason = reason == null ? "" : reason;
            checkHeaders(headers);
            if (status < 400 && !headers.contains("Location")) {
                throw new IllegalArgumentException("a " + status + " answer needs a Location header: use redirect()");
            }
        }

        /**
         * A refusal with no extra headers.
         *
         * @param status the HTTP status code, 400-599
         * @param reason the response body
         */
        public Reject(int status, String reason) {
            this(status, reason, Headers.empty());
        }

        /**
         * This decision with one more response header.
         *
         * @param name the header name, a token
         * @param value the header value, without control characters
         * @return the new decision
         * @throws IllegalArgumentException for an invalid or reserved header
         */
        public Reject withHeader(String name, String value) {
            return new Reject(status, reason, headers.toBuilder().add(name, value).build());
        }
    }

    /**
     * Go on with the upgrade; add headers or attributes with {@link Accept#withHeader} and
     * {@link Accept#withAttribute}.
     *
     * @return the decision to accept
     */
    static Accept accept() {
        return new Accept();
    }

    /**
     * Refuse with the given status and reason.
     *
     * @param status the HTTP status to answer with, 400 to 599
     * @param reason the reason, sent as the response body
     * @return the decision to reject
     */
    static Reject reject(int status, String reason) {
        if (status < 400) {
            throw new IllegalArgumentException("a rejection status is 400-599, was " + status + " (redirect() for 3xx)");
        }
        return new Reject(status, reason);
    }

    /**
     * Send the client elsewhere.
     *
     * @param status 301, 302, 303, 307 or 308
     * @param location the URI to go to, without control characters
     * @return the decision to redirect
     */
    static Reject redirect(int status, String location) {
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new IllegalArgumentException("a redirect status is 301, 302, 303, 307 or 308, was " + status);
        }
        return new Reject(status, "", Headers.of("Location", Objects.requireNonNull(location, "location")));
    }

    /** Refuses the headers the server writes itself. */
    private static void checkHeaders(Headers headers) {
        Objects.requireNonNull(headers, "headers");
        for (Headers.Field field : headers) {
            String name = field.name().toLowerCase(Locale.ROOT);
            boolean reserved = switch (name) {
                case "upgrade", "connection", "content-length", "content-type", "transfer-encoding" -> true;
                default -> name.startsWith("sec-websocket-");
            };
            if (reserved) {
                throw new IllegalArgumentException("the server writes " + field.name() + " itself");
            }
        }
    }
}
