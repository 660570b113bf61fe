package org.wsbyhand.protocol.handshake;

import java.util.Objects;
import java.util.Optional;

/**
 * One parameter of an extension offer or response (RFC 6455 9.1:
 * {@code extension-param = token [ "=" (token | quoted-string) ]}), e.g.
 * {@code client_max_window_bits} or {@code server_max_window_bits=10}.
 *
 * @param name  a token; compared case-sensitively, as the extension's own specification defines it
 * @param value the value after removing any quoting, itself a token (RFC 6455 9.1 requires that of
 *              quoted values too), or {@code null} for a parameter without a value
 */
public record ExtensionParameter(String name, String value) {

    /** Rejects a name or a non-null value that is not a token. */
    public ExtensionParameter {
        if (!Syntax.isToken(name)) {
            throw new IllegalArgumentException("extension parameter name is not a token: " + name);
        }
        if (value != null && !Syntax.isToken(value)) {
            throw new IllegalArgumentException("extension parameter value is not a token: " + value);
        }
    }

    /**
     * A parameter without a value.
     *
     * @param name the parameter name
     * @return the parameter
     */
    public static ExtensionParameter of(String name) {
        return new ExtensionParameter(name, null);
    }

    /**
     * A parameter with a value.
     *
     * @param name the parameter name
     * @param value the parameter value
     * @return the parameter
     */
    public static ExtensionParameter of(String name, String value) {
        return new ExtensionParameter(name, Objects.requireNonNull(value, "value"));
    }

    /**
     * The value, or empty for a parameter given without one.
     *
     * @return the value, or empty
     */
    public Optional<String> optionalValue() {
        return Optional.ofNullable(value);
    }

    /** Header syntax: {@code name} or {@code name=value} (values are tokens, so never quoted). */
    @Override
    public String toString() {
        return value == null ? name : name + "=" + value;
    }
}
