package org.wsbyhand.session;

import java.util.Objects;

/**
 * The typed key of a session attribute ({@link Session#attribute(AttributeKey)}): what an upgrade
 * hook learned about a client (the authenticated user, the room it asked for) travels to the
 * handler with its type, so a handler never casts. Keys compare by identity: declare each once, as
 * a constant, and two libraries that both name a key {@code "user"} never see each other's value.
 *
 * <pre>{@code
 * static final AttributeKey<User> USER = AttributeKey.of("user", User.class);
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class AttributeKey<T> {
    private final String name;
    private final Class<T> type;

    private AttributeKey(String name, Class<T> type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * A new key, distinct from every other key, whatever its name.
     *
     * @param name a name for logs and {@link #toString()}
     * @param type the class of the values, checked on every put
     * @param <T> the type of the value
     * @return the key
     */
    public static <T> AttributeKey<T> of(String name, Class<T> type) {
        return new AttributeKey<>(name, type);
    }

    /**
     * The key's name.
     *
     * @return the name given to {@link #of}
     */
    public String name() {
        return name;
    }

    /**
     * The value checked and typed by this key.
     *
     * @param value a value stored under this key
     * @return the value, typed
     * @throws ClassCastException when the value is not a {@code T}
     */
    public T cast(Object value) {
        return type.cast(value);
    }

    @Override
    public String toString() {
        return "AttributeKey[" + name + ": " + type.getSimpleName() + "]";
    }
}
