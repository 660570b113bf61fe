package org.wsbyhand.chat;

/**
 * What the chat accepts as a user name and a message text. Both are trimmed (Unicode white space,
 * {@link String#strip()}) and then must be non-empty and at most the limit long, counted in Unicode
 * code points (so an emoji counts as one). A user name must not contain control characters; a text
 * may contain tab and newline but no other control character.
 *
 * @param maxUserLength the longest user name, in code points, at least 1 (default 32)
 * @param maxTextLength the longest text, in code points, at least 1 (default 500)
 */
public record InputRules(int maxUserLength, int maxTextLength) {

    /** The default limits: user names of 32 and texts of 500 code points. */
    public static final InputRules DEFAULT = new InputRules(32, 500);

    /** Rejects limits below 1. */
    public InputRules {
        if (maxUserLength < 1 || maxTextLength < 1) {
            throw new IllegalArgumentException(
                    "length limits must be at least 1, were " + maxUserLength + " and " + maxTextLength);
        }
    }

    /**
     * The accepted, trimmed form of a post.
     *
     * @throws ChatInputException naming the first rule broken, user name before text
     */
    Post validate(String user, String text) throws ChatInputException {
        String u = user.strip();
        String t = text.strip();
        if (u.isEmpty()) {
            throw new ChatInputException(ErrorCode.EMPTY_USER, "user name is empty");
        }
        if (u.codePointCount(0, u.length()) > maxUserLength) {
            throw new ChatInputException(ErrorCode.USER_TOO_LONG,
                    "user name is longer than " + maxUserLength + " characters");
        }
        if (u.codePoints().anyMatch(Character::isISOControl)) {
            throw new ChatInputException(ErrorCode.CONTROL_CHARACTER,
                    "user name contains a control character");
        }
        if (t.isEmpty()) {
            throw new ChatInputException(ErrorCode.EMPTY_TEXT, "text is empty");
        }
        if (t.codePointCount(0, t.length()) > maxTextLength) {
            throw new ChatInputException(ErrorCode.TEXT_TOO_LONG,
                    "text is longer than " + maxTextLength + " characters");
        }
        if (t.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw new ChatInputException(ErrorCode.CONTROL_CHARACTER,
                    "text contains a control character other than tab or newline");
        }
        return new Post(u, t);
    }

    /** A validated post: trimmed user name and text within the limits. */
    record Post(String user, String text) {}
}
