package org.wsbyhand.chat;

import java.util.Objects;

/**
 * A chat message the room accepted. Immutable.
 *
 * <p>The {@link MessageStore} assigns {@code id} and {@code time} when it accepts a message, so
 * that every node of a room agrees on them: ids are positive and strictly increasing in the order
 * the store accepted the messages, which is also the order every client sees them in.
 *
 * @param id   the store-assigned id, positive, increasing in acceptance order
 * @param user the sender's name, already validated (trimmed, non-empty, length-limited)
 * @param text the message text, already validated (trimmed, non-empty, length-limited)
 * @param time when the store accepted the message, epoch milliseconds
 */
public record ChatMessage(long id, String user, String text, long time) {

    /** Rejects a non-positive id and null strings. */
    public ChatMessage {
        if (id <= 0) {
            throw new IllegalArgumentException("message id must be positive, was " + id);
        }
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(text, "text");
    }
}
