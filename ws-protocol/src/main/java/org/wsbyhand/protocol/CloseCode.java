package org.wsbyhand.protocol;

/**
 * A close status code (RFC 6455 section 7.4). A value type rather than an enum so that application
 * codes (3000-4999) fit; the constants carry the IANA registry's names.
 *
 * @param code the numeric status code, 0 to 65535
 */
public record CloseCode(int code) {

    /** 1000: the purpose of the connection has been fulfilled. */
    public static final CloseCode NORMAL_CLOSURE = new CloseCode(1000);
    /** 1001: the endpoint is going away (server shutdown, page navigation). */
    public static final CloseCode GOING_AWAY = new CloseCode(1001);
    /** 1002: the peer broke the protocol. */
    public static final CloseCode PROTOCOL_ERROR = new CloseCode(1002);
    /** 1003: the endpoint received a data type it cannot accept. */
    public static final CloseCode UNSUPPORTED_DATA = new CloseCode(1003);
    /** 1005: reported locally when a close frame carried no status; never sent. */
    public static final CloseCode NO_STATUS_RECEIVED = new CloseCode(1005);
    /** 1006: reported locally when the connection ended without a close frame; never sent. */
    public static final CloseCode ABNORMAL_CLOSURE = new CloseCode(1006);
    /** 1007: a message's payload was inconsistent with its type (invalid UTF-8 in a text message). */
    public static final CloseCode INVALID_FRAME_PAYLOAD_DATA = new CloseCode(1007);
    /** 1008: a message violated the endpoint's policy. */
    public static final CloseCode POLICY_VIOLATION = new CloseCode(1008);
    /** 1009: a message or frame was too big to process. */
    public static final CloseCode MESSAGE_TOO_BIG = new CloseCode(1009);
    /** 1010: the client expected the server to negotiate an extension it did not. */
    public static final CloseCode MANDATORY_EXTENSION = new CloseCode(1010);
    /** 1011: the server met an unexpected condition. */
    public static final CloseCode INTERNAL_ERROR = new CloseCode(1011);
    /** 1012: the service is restarting. */
    public static final CloseCode SERVICE_RESTART = new CloseCode(1012);
    /** 1013: try again later (temporary overload). */
    public static final CloseCode TRY_AGAIN_LATER = new CloseCode(1013);
    /** 1014: a gateway received an invalid response from upstream. */
    public static final CloseCode BAD_GATEWAY = new CloseCode(1014);
    /** 1015: reported locally when the TLS handshake failed; never sent. */
    public static final CloseCode TLS_HANDSHAKE = new CloseCode(1015);

    /** Validates the range of a status code. */
    public CloseCode {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("close code out of range 0-65535: " + code);
        }
    }

    /**
     * The close code for a numeric value; the registry constant where there is one.
     *
     * @return the close code
     */
    public static CloseCode of(int code) {
        return new CloseCode(code);
    }

    /**
     * Whether this code may appear in a close frame. RFC 6455 section 7.4 reserves 1004, 1005, 1006
     * and 1015 and leaves 0-999 unused; 1016-2999 are for future standards (none defined), 3000-3999
     * are registered by libraries and frameworks and 4000-4999 are private to applications.
     *
     * @return {@code true} when the code may be sent and received in a close frame
     */
    public boolean isValidOnWire() {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }

    /**
     * The IANA name of a registered code, or "application code" / "unknown".
     *
     * @return the code's name
     */
    public String name() {
        return switch (code) {
            case 1000 -> "Normal Closure";
            case 1001 -> "Going Away";
            case 1002 -> "Protocol error";
            case 1003 -> "Unsupported Data";
            case 1005 -> "No Status Rcvd";
            case 1006 -> "Abnormal Closure";
            case 1007 -> "Invalid frame payload data";
            case 1008 -> "Policy Violation";
            case 1009 -> "Message Too Big";
            case 1010 -> "Mandatory Ext.";
            case 1011 -> "Internal Error";
            case 1012 -> "Service Restart";
            case 1013 -> "Try Again Later";
            case 1014 -> "Bad Gateway";
            case 1015 -> "TLS handshake";
            default -> code >= 3000 && code <= 4999 ? "application code" : "unknown";
        };
    }

    @Override
    public String toString() {
        return code + " (" + name() + ")";
    }
}
