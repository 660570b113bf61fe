package org.wsbyhand.protocol.handshake;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The header fields of an HTTP head: immutable, in the order they were added, with names compared
 * case-insensitively (RFC 7230 3.2). A name may occur several times; {@link #all(String)} keeps
 * every occurrence and {@link #tokens(String)} reads them together as one comma-separated list,
 * as RFC 7230 3.2.2 allows for list-valued fields.
 *
 * <p>Names are tokens and values contain no control characters other than HTAB and only
 * characters up to U+00FF (the head is written as ISO-8859-1); the builder enforces this, so a
 * {@code Headers} can always be written without header injection.
 */
public final class Headers implements Iterable<Headers.Field> {

    /**
     * One header field.
     *
     * @param name  a token (RFC 7230 3.2.6), spelled as it was received or added
     * @param value the field value without leading or trailing whitespace
     */
    public record Field(String name, String value) {
        /** Rejects names that are not tokens and values with control characters. */
        public Field {
            if (!Syntax.isToken(name)) {
                throw new IllegalArgumentException("header name is not a token: " + name);
            }
            Objects.requireNonNull(value, "value");
            value = Syntax.trimWhitespace(value);
            if (!Syntax.isFieldValue(value)) {
                throw new IllegalArgumentException("header value of " + name + " contains a control character");
            }
        }

        /** True if this field's name equals {@code other}, ignoring ASCII case. */
        public boolean hasName(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    private static final Headers EMPTY = new Headers(List.of());

    private final List<Field> fields;

    private Headers(List<Field> fields) {
        this.fields = fields;
    }

    /** No header fields. */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Headers from alternating names and values, e.g. {@code of("Allow", "GET")}.
     *
     * @throws IllegalArgumentException on an odd number of arguments or an invalid field
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    /** A builder with no fields. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts with these fields. */
    public Builder toBuilder() {
        return new Builder().addAll(this);
    }

    /** The value of the first field with this name. */
    public Optional<String> first(String name) {
        for (Field field : fields) {
            if (field.hasName(name)) {
                return Optional.of(field.value());
            }
        }
        return Optional.empty();
    }

    /** The values of every field with this name, in order; empty if there is none. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (Field field : fields) {
            if (field.hasName(name)) {
                values.add(field.value());
            }
        }
        return List.copyOf(values);
    }

    /** True if at least one field has this name. */
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /**
     * The elements of the comma-separated lists in every field with this name, in order, each
     * trimmed of whitespace, with empty elements dropped (RFC 7230 7, the #rule). Quoted strings
     * are not interpreted, so this is meant for lists of tokens such as {@code Connection},
     * {@code Upgrade} and {@code Sec-WebSocket-Protocol}; {@code Sec-WebSocket-Extensions} has its
     * own parser, {@link ExtensionOffer#parseAll(Headers)}.
     */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (Field field : fields) {
            if (field.hasName(name)) {
                for (String element : field.value().split(",", -1)) {
                    String trimmed = Syntax.trimWhitespace(element);
                    if (!trimmed.isEmpty()) {
                        tokens.add(trimmed);
                    }
                }
            }
        }
        return List.copyOf(tokens);
    }

    /**
     * True if {@link #tokens(String)} of this name has an element equal to {@code token},
     * ignoring ASCII case; e.g. {@code Connection: keep-alive, Upgrade} contains {@code upgrade}.
     */
    public boolean containsToken(String name, String token) {
        for (String element : tokens(name)) {
            if (element.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** Every field in order, as an unmodifiable list. */
    public List<Field> fields() {
        return fields;
    }

    /** The number of fields (not of distinct names). */
    public int size() {
        return fields.size();
    }

    /** True if there are no fields. */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** The fields in order; the iterator does not support removal. */
    @Override
    public Iterator<Field> iterator() {
        return fields.iterator();
    }

    /** Equal if both have the same fields, names spelled the same way, in the same order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Headers headers && fields.equals(headers.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** The fields as they appear in a head, one {@code Name: value} per line, for logs and tests. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Field field : fields) {
            sb.append(field.name()).append(": ").append(field.value()).append('\n');
        }
        return sb.toString();
    }

    /** Appends the fields, in order, as head lines ending in CRLF. */
    void appendTo(StringBuilder head) {
        for (Field field : fields) {
            head.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
    }

    /** Collects fields in order; not thread-safe, reusable after {@link #build()}. */
    public static final class Builder {
        private final List<Field> fields = new ArrayList<>();

        private Builder() {
        }

        /**
         * Appends a field; leading and trailing whitespace of the value is removed.
         *
         * @throws IllegalArgumentException if the name is not a token or the value contains a
         *                                  control character or a character above U+00FF
         */
        public Builder add(String name, String value) {
            fields.add(new Field(name, value));
            return this;
        }

        /** Removes every field with this name (ignoring case), then appends one with this value. */
        public Builder set(String name, String value) {
            Field field = new Field(name, value);
            remove(name);
            fields.add(field);
            return this;
        }

        /** Removes every field with this name, ignoring case. */
        public Builder remove(String name) {
            fields.removeIf(field -> field.hasName(name));
            return this;
        }

        /** Appends every field of {@code headers}, in order. */
        public Builder addAll(Headers headers) {
            fields.addAll(headers.fields);
            return this;
        }

        /** The number of fields added so far. */
        public int size() {
            return fields.size();
        }

        /** The immutable headers. */
        public Headers build() {
            return fields.isEmpty() ? EMPTY : new Headers(List.copyOf(fields));
        }
    }
}
