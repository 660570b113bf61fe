package org.wsbyhand.chat;

import java.util.Objects;

/**
 * An error reply for one client: a machine-readable code and a message for people.
 *
 * @param code    what went wrong
 * @param message a short English explanation, safe to show to the user
 */
public record ChatError(ErrorCode code, String message) {

    /** Rejects nulls. */
    public ChatError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
