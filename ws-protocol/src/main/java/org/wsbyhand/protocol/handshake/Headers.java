package org.wsbyhand.protocol.handshake;

import java.util.ArrayList;
import java.util.Arrays;
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

        /**
         * True if this field's name equals {@code other}, ignoring ASCII case.
         *
         * @param other the name to compare with
         * @return {@code true} when the names are equal ignoring ASCII case
         */
        public boolean hasName(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    private static final String[] NO_STRINGS = {};
    private static final Headers EMPTY = new Headers(NO_STRINGS);

    // Names and values alternate, [name0, value0, name1, value1, ...], each pair a valid Field
    // already: a parsed head is stored without building (and validating again) a Field per line.
    private final String[] namesAndValues;
    // The Field view, made on first use. A race makes it twice at worst: it is immutable.
    private List<Field> fields;

    private Headers(String[] namesAndValues) {
        this.namesAndValues = namesAndValues;
    }

    /**
     * No header fields.
     *
     * @return the empty headers
     */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Headers from alternating names and values, e.g. {@code of("Allow", "GET")}.
     *
     * @param namesAndValues field names and values, alternating, name first
     * @return the headers holding those fields, in order
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

    /**
     * A builder with no fields.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts with these fields.
     *
     * @return a new builder holding a copy of these fields
     */
    public Builder toBuilder() {
        return new Builder().addAll(this);
    }

    /**
     * The value of the first field with this name.
     *
     * @param name the field name, matched ignoring ASCII case
     * @return the first value, or empty when no field has this name
     */
    public Optional<String> first(String name) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i].equalsIgnoreCase(name)) {
                return Optional.of(namesAndValues[i + 1]);
            }
        }
        return Optional.empty();
    }

    /**
     * The values of every field with this name, in order; empty if there is none.
     *
     * @param name the field name, matched ignoring ASCII case
     * @return the values, as an unmodifiable list
     */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i].equalsIgnoreCase(name)) {
                values.add(namesAndValues[i + 1]);
            }
        }
        return List.copyOf(values);
    }

    /**
     * True if at least one field has this name.
     *
     * @param name the field name, matched ignoring ASCII case
     * @return {@code true} when a field has this name
     */
    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /**
     * The elements of the comma-separated lists in every field with this name, in order, each
     * trimmed of whitespace, with empty elements dropped (RFC 7230 7, the #rule). Quoted strings
     * are not interpreted, so this is meant for lists of tokens such as {@code Connection},
     * {@code Upgrade} and {@code Sec-WebSocket-Protocol}; {@code Sec-WebSocket-Extensions} has its
     * own parser, {@link ExtensionOffer#parseAll(Headers)}.
     *
     * @param name the field name, matched ignoring ASCII case
     * @return the list elements, in order
     */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i].equalsIgnoreCase(name)) {
                for (String element : namesAndValues[i + 1].split(",", -1)) {
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
     *
     * @param name the field name, matched ignoring ASCII case
     * @param token the token to look for
     * @return {@code true} when one of the list elements equals {@code token}
     */
    public boolean containsToken(String name, String token) {
        for (String element : tokens(name)) {
            if (element.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every field in order, as an unmodifiable list.
     *
     * @return the fields
     */
    public List<Field> fields() {
        List<Field> view = fields;
        if (view == null) {
            Field[] array = new Field[size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = new Field(namesAndValues[2 * i], namesAndValues[2 * i + 1]);
            }
            view = List.of(array);
            fields = view;
        }
        return view;
    }

    /**
     * The number of fields (not of distinct names).
     *
     * @return the number of fields
     */
    public int size() {
        return namesAndValues.length / 2;
    }

    /**
     * True if there are no fields.
     *
     * @return {@code true} when there are no fields
     */
    public boolean isEmpty() {
        return namesAndValues.length == 0;
    }

    /** The fields in order; the iterator does not support removal. */
    @Override
    public Iterator<Field> iterator() {
        return fields().iterator();
    }

    /** Equal if both have the same fields, names spelled the same way, in the same order. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Headers headers && Arrays.equals(namesAndValues, headers.namesAndValues);
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    /** The fields as they appear in a head, one {@code Name: value} per line, for logs and tests. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            sb.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append('\n');
        }
        return sb.toString();
    }

    /** Appends the fields, in order, as head lines ending in CRLF. */
    void appendTo(StringBuilder head) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            head.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append("\r\n");
        }
    }

    /** Collects fields in order; not thread-safe, reusable after {@link #build()}. */
    public static final class Builder {
        // Alternating names and values, as in Headers; the first 2 * size entries are in use.
        private String[] namesAndValues = new String[32];
        private int size;

        private Builder() {
        }

        /**
         * Appends a field; leading and trailing whitespace of the value is removed.
         *
         * @param name the field name, an HTTP token
         * @param value the field value
         * @return this builder
         * @throws IllegalArgumentException if the name is not a token or the value contains a
         *                                  control character or a character above U+00FF
         */
        public Builder add(String name, String value) {
            Field field = new Field(name, value);
            return addValid(field.name(), field.value());
        }

        /**
         * Appends a field the caller has already checked the way {@link Field} does: the name a
         * token, the value without surrounding whitespace or characters a field value may not hold.
         */
        Builder addValid(String name, String value) {
            if (2 * size == namesAndValues.length) {
                namesAndValues = Arrays.copyOf(namesAndValues, 2 * namesAndValues.length);
            }
            namesAndValues[2 * size] = name;
            namesAndValues[2 * size + 1] = value;
            size++;
            return this;
        }

        /**
         * Removes every field with this name (ignoring case), then appends one with this value.
         *
         * @param name the field name, an HTTP token
         * @param value the field value
         * @return this builder
         */
        public Builder set(String name, String value) {
            Field field = new Field(name, value);
            remove(name);
            return addValid(field.name(), field.value());
        }

        /**
         * Removes every field with this name, ignoring case.
         *
         * @param name the field name, matched ignoring ASCII case
         * @return this builder
         */
        public Builder remove(String name) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (!namesAndValues[2 * i].equalsIgnoreCase(name)) {
                    namesAndValues[2 * kept] = namesAndValues[2 * i];
                    namesAndValues[2 * kept + 1] = namesAndValues[2 * i + 1];
                    kept++;
                }
            }
            Arrays.fill(namesAndValues, 2 * kept, 2 * size, null);
            size = kept;
            return this;
        }

        /**
         * Appends every field of {@code headers}, in order.
         *
         * @param headers the fields to append
         * @return this builder
         */
        public Builder addAll(Headers headers) {
            for (int i = 0; i < headers.namesAndValues.length; i += 2) {
                addValid(headers.namesAndValues[i], headers.namesAndValues[i + 1]);
            }
            return this;
        }

        /**
         * The number of fields added so far.
         *
         * @return the number of fields in this builder
         */
        public int size() {
            return size;
        }

        /**
         * The immutable headers.
         *
         * @return headers holding this builder's fields, in order
         */
        public Headers build() {
            return size == 0 ? EMPTY : new Headers(Arrays.copyOf(namesAndValues, 2 * size));
        }
    }
}
