package org.wsbyhand.protocol.handshake;

/**
 * Character classes of the HTTP/1.1 grammar (RFC 7230 sections 3.2 and 3.2.6) that the handshake
 * needs, in one place so that the parser and the value types agree on what is valid.
 */
final class Syntax {

    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    /** tchar membership of each US-ASCII character, so that a check is one array load. */
    private static final boolean[] TOKEN_CHARS = new boolean[0x80];

    static {
        for (int c = 0; c < TOKEN_CHARS.length; c++) {
            TOKEN_CHARS[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TOKEN_SYMBOLS.indexOf(c) >= 0;
        }
    }

    private Syntax() {
    }

    /** RFC 7230 3.2.6 (RFC 9110 5.6.2): tchar = "!" / "#" / ... / DIGIT / ALPHA; US-ASCII only. */
    static boolean isTokenChar(int c) {
        return c >= 0 && c < TOKEN_CHARS.length && TOKEN_CHARS[c];
    }

    /** RFC 7230 3.2.6: token = 1*tchar. */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 7230 3.2.3: OWS = *( SP / HTAB ). */
    static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    /**
     * RFC 7230 3.2: field-content is VCHAR, obs-text (0x80-0xFF), SP and HTAB; every other control
     * character (NUL, CR, LF, DEL, ...) is forbidden in a field value and in a reason phrase.
     */
    static boolean isFieldValueChar(int c) {
        return c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF);
    }

    /** True if every character of {@code s} may appear in a field value or reason phrase. */
    static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isFieldValueChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The characters allowed in a request target here: visible US-ASCII (RFC 3986 characters
     * outside it must be percent-encoded, so anything else is malformed).
     */
    static boolean isTargetChar(int c) {
        return c > 0x20 && c < 0x7F;
    }

    /** True if {@code s} is a non-empty request target of visible US-ASCII characters. */
    static boolean isTarget(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTargetChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 7230 2.6: HTTP-version = "HTTP/" DIGIT "." DIGIT. */
    static boolean isHttpVersion(String s) {
        return s != null && s.length() == 8 && s.startsWith("HTTP/") && isDigit(s.charAt(5))
                && s.charAt(6) == '.' && isDigit(s.charAt(7));
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Removes leading and trailing OWS (SP and HTAB only, unlike {@link String#strip()}). */
    static String trimWhitespace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }
}
