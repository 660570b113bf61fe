package org.wsbyhand.chat;

/** A client sent something the chat refuses; carries the {@link ChatError} to reply with. */
final class ChatInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ChatError error;

    ChatInputException(ErrorCode code, String message) {
        super(code.wireName() + ": " + message, null, false, false);
        this.error = new ChatError(code, message);
    }

    ChatError error() {
        return error;
    }
}
