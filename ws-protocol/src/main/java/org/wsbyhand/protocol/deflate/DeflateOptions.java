package org.wsbyhand.protocol.deflate;

import java.util.zip.Deflater;

/**
 * This side's permessage-deflate policy: how hard to compress, what is too small to bother, and
 * whether to ask for no context takeover. Validated once; the defaults suit a chat server.
 *
 * <p><b>Memory.</b> A {@link Deflater} holds about 260 KiB of native zlib memory and an
 * {@link java.util.zip.Inflater} about 40 KiB. With context takeover (the default) a connection keeps
 * them from its first compressed message to its end, because the LZ77 window carries over between
 * messages. A side that uses no context takeover needs no state between messages, so
 * {@link PerMessageDeflate} ends its zlib stream after every message and an idle connection holds
 * none: asking for both no-context-takeover parameters trades some compression (each message
 * starts with an empty window) for memory on servers with many mostly idle connections.
 *
 * @param compressionLevel        zlib level, 0 (store) to 9 (smallest), or -1 for zlib's default (6);
 *                                default {@value #DEFAULT_COMPRESSION_LEVEL}
 * @param minMessageSize          messages shorter than this many bytes are sent uncompressed, because
 *                                DEFLATE's framing can make tiny payloads larger; default
 *                                {@value #DEFAULT_MIN_MESSAGE_SIZE}
 * @param serverNoContextTakeover server: state {@code server_no_context_takeover} in every response
 *                                (RFC 7692 7.1.1.1 lets a server do so unasked); client: ask for it in
 *                                the offer. Default false
 * @param clientNoContextTakeover server: state {@code client_no_context_takeover} in every response
 *                                (7.1.1.2); client: offer it, and compress without context takeover
 *                                whatever the server answers. Default false
 */
public record DeflateOptions(int compressionLevel, int minMessageSize, boolean serverNoContextTakeover,
        boolean clientNoContextTakeover) {

    /** zlib's default level. */
    public static final int DEFAULT_COMPRESSION_LEVEL = 6;
    /** Messages under 32 bytes are sent as they are. */
    public static final int DEFAULT_MIN_MESSAGE_SIZE = 32;

    private static final DeflateOptions DEFAULTS =
            new DeflateOptions(DEFAULT_COMPRESSION_LEVEL, DEFAULT_MIN_MESSAGE_SIZE, false, false);

    /** Rejects a level outside -1..9 and a negative minimum size. */
    public DeflateOptions {
        if (compressionLevel < Deflater.DEFAULT_COMPRESSION || compressionLevel > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("compressionLevel must be -1..9, was " + compressionLevel);
        }
        if (minMessageSize < 0) {
            throw new IllegalArgumentException("minMessageSize must not be negative, was " + minMessageSize);
        }
    }

    /** Level 6, 32-byte minimum, context takeover both ways. */
    public static DeflateOptions defaults() {
        return DEFAULTS;
    }

    /** A copy with another compression level. */
    public DeflateOptions withCompressionLevel(int level) {
        return new DeflateOptions(level, minMessageSize, serverNoContextTakeover, clientNoContextTakeover);
    }

    /** A copy with another minimum message size. */
    public DeflateOptions withMinMessageSize(int bytes) {
        return new DeflateOptions(compressionLevel, bytes, serverNoContextTakeover, clientNoContextTakeover);
    }

    /** A copy that does or does not ask for {@code server_no_context_takeover}. */
    public DeflateOptions withServerNoContextTakeover(boolean enabled) {
        return new DeflateOptions(compressionLevel, minMessageSize, enabled, clientNoContextTakeover);
    }

    /** A copy that does or does not ask for {@code client_no_context_takeover}. */
    public DeflateOptions withClientNoContextTakeover(boolean enabled) {
        return new DeflateOptions(compressionLevel, minMessageSize, serverNoContextTakeover, enabled);
    }

    /** A copy that asks for no context takeover in both directions (the memory-saving setting). */
    public DeflateOptions withNoContextTakeover() {
        return new DeflateOptions(compressionLevel, minMessageSize, true, true);
    }
}
