package org.wsbyhand.protocol.deflate;

import org.wsbyhand.protocol.Role;

/**
 * The permessage-deflate parameters both sides agreed on in the opening handshake (RFC 7692
 * section 7.1), as the server's response states them. Window sizes are the effective ones: a
 * parameter the response leaves out means the protocol maximum of 15 bits (a 32 KiB window).
 *
 * @param serverNoContextTakeover the server compresses every message with an empty LZ77 window
 *                                (section 7.1.1.1), so the client may reset its decompressor between messages
 * @param clientNoContextTakeover the client compresses every message with an empty LZ77 window (section
 *     7.1.1.2)
 * @param serverMaxWindowBits     the largest LZ77 window the server compresses with, 8-15 (section 7.1.2.1)
 * @param clientMaxWindowBits     the largest LZ77 window the client compresses with, 8-15 (section 7.1.2.2)
 */
public record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
        int serverMaxWindowBits, int clientMaxWindowBits) {

    /** The smallest window RFC 7692 allows, 2^8 bytes. */
    public static final int MIN_WINDOW_BITS = 8;
    /** The largest window, and the only one {@link java.util.zip.Deflater} compresses with: 2^15 = 32 KiB. */
    public static final int MAX_WINDOW_BITS = 15;

    private static final DeflateParameters DEFAULTS = new DeflateParameters(false, false, MAX_WINDOW_BITS, MAX_WINDOW_BITS);

    /** Rejects window sizes outside 8-15. */
    public DeflateParameters {
        checkWindowBits("serverMaxWindowBits", serverMaxWindowBits);
        checkWindowBits("clientMaxWindowBits", clientMaxWindowBits);
    }

    /**
     * The agreement of a bare {@code permessage-deflate} response: context takeover both ways, 32 KiB windows.
     *
     * @return the default agreement
     */
    public static DeflateParameters defaults() {
        return DEFAULTS;
    }

    /**
     * Whether the side with {@code sender}'s role compresses each message with an empty window.
     *
     * @param sender the role of the compressing side
     * @return {@code true} when that side uses no context takeover
     */
    public boolean noContextTakeover(Role sender) {
        return sender == Role.SERVER ? serverNoContextTakeover : clientNoContextTakeover;
    }

    /**
     * The largest window the side with {@code sender}'s role compresses with.
     *
     * @param sender the role of the compressing side
     * @return that side's largest window, 8 to 15 bits
     */
    public int maxWindowBits(Role sender) {
        return sender == Role.SERVER ? serverMaxWindowBits : clientMaxWindowBits;
    }

    /**
     * A copy with {@code client_no_context_takeover} set.
     *
     * @return parameters equal to these but with {@code client_no_context_takeover}
     */
    public DeflateParameters withClientNoContextTakeover() {
        return new DeflateParameters(serverNoContextTakeover, true, serverMaxWindowBits, clientMaxWindowBits);
    }

    private static void checkWindowBits(String name, int bits) {
        if (bits < MIN_WINDOW_BITS || bits > MAX_WINDOW_BITS) {
            throw new IllegalArgumentException(name + " must be 8-15, was " + bits);
        }
    }
}
