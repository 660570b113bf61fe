package org.wsbyhand.chat;

/**
 * Why the server refused something a client sent. The wire name is what both chat protocols put in
 * an error reply, so clients can react to the kind of error without parsing the human message.
 */
public enum ErrorCode {
    /** The message is not valid JSON (or has trailing data, or duplicate keys). */
    MALFORMED_JSON("malformed_json"),
    /** Valid JSON of the wrong shape: not an object, a missing or non-string field, an unknown type. */
    BAD_SHAPE("bad_shape"),
    /** The user name is empty after trimming. */
    EMPTY_USER("empty_user"),
    /** The text is empty after trimming. */
    EMPTY_TEXT("empty_text"),
    /** The user name is longer than the configured limit. */
    USER_TOO_LONG("user_too_long"),
    /** The text is longer than the configured limit. */
    TEXT_TOO_LONG("text_too_long"),
    /** A control character where none is allowed (any in a user name; in a text, all but tab and newline). */
    CONTROL_CHARACTER("control_character"),
    /** The connection sent more messages per second than allowed. */
    RATE_LIMITED("rate_limited"),
    /** A binary message; the chat protocols are text only. */
    BINARY_NOT_SUPPORTED("binary_not_supported"),
    /** The message store or broadcaster failed; the message was not accepted, try again. */
    UNAVAILABLE("unavailable");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire, snake_case. */
    public String wireName() {
        return wireName;
    }
}
