package org.wsbyhand.protocol.deflate;

import java.util.zip.Deflater;

import org.wsbyhand.protocol.Role;

/**
 * This side's permessage-deflate policy: how hard to compress, what is too small to bother, whether
 * to ask for no context takeover, and the largest LZ77 windows to allow. Validated once; the
 * defaults suit a chat server.
 *
 * <p><b>Memory.</b> With a 15-bit window this side compresses with {@link Deflater}, which holds
 * about 260 KiB of native zlib memory; with a smaller window it uses {@link DeflateCompressor},
 * whose heap arrays grow with the window: about 16 KiB in all at 10 bits, 31 KiB at 12, 103 KiB at
 * 14 (see {@link DeflateCompressor#memoryBytes(int)}). An {@link java.util.zip.Inflater} takes about
 * 40 KiB whatever the window. With context takeover (the default) a connection keeps its compressor
 * from its first compressed message to its end, because the LZ77 window carries over between
 * messages. A side that uses no context takeover needs no state between messages, so
 * {@link PerMessageDeflate} drops its compressor after every message and an idle connection holds
 * none: asking for both no-context-takeover parameters trades some compression (each message
 * starts with an empty window) for memory on servers with many mostly idle connections. A smaller
 * {@link #serverMaxWindowBits()} keeps context takeover and bounds the memory instead.
 *
 * @param compressionLevel        zlib level, 0 (store) to 9 (smallest), or -1 for zlib's default (6);
 *                                default {@value #DEFAULT_COMPRESSION_LEVEL}. {@link DeflateCompressor}
 *                                has the same scale
 * @param minMessageSize          messages shorter than this many bytes are sent uncompressed, because
 *                                DEFLATE's framing can make tiny payloads larger; default
 *                                {@value #DEFAULT_MIN_MESSAGE_SIZE}
 * @param serverNoContextTakeover server: state {@code server_no_context_takeover} in every response
 *                                (RFC 7692 7.1.1.1 lets a server do so unasked); client: ask for it in
 *                                the offer. Default false
 * @param clientNoContextTakeover server: state {@code client_no_context_takeover} in every response
 *                                (7.1.1.2); client: offer it, and compress without context takeover
 *                                whatever the server answers. Default false
 * @param serverMaxWindowBits     8-15, default 15. Server: the largest LZ77 window it compresses with;
 *                                below 15 it states {@code server_max_window_bits} with this value in
 *                                every response, offered or not (RFC 7692 7.1.2.1 allows both), or
 *                                the client's smaller value when it offered one. Client: below 15 it
 *                                offers {@code server_max_window_bits} with this value
 * @param clientMaxWindowBits     8-15, default 15. Client: the largest window it compresses with; it
 *                                always offers {@code client_max_window_bits}, with this value when
 *                                below 15 (7.1.2.2). Server: below 15 it states
 *                                {@code client_max_window_bits} with this value (or the client's smaller
 *                                one) to clients that offered the parameter, and only to them (7.1.2.2)
 */
public record DeflateOptions(int compressionLevel, int minMessageSize, boolean serverNoContextTakeover,
        boolean clientNoContextTakeover, int serverMaxWindowBits, int clientMaxWindowBits) {

    /** zlib's default level. */
    public static final int DEFAULT_COMPRESSION_LEVEL = 6;
    /** Messages under 32 bytes are sent as they are. */
    public static final int DEFAULT_MIN_MESSAGE_SIZE = 32;

    private static final DeflateOptions DEFAULTS = new DeflateOptions(DEFAULT_COMPRESSION_LEVEL, DEFAULT_MIN_MESSAGE_SIZE,
            false, false, DeflateParameters.MAX_WINDOW_BITS, DeflateParameters.MAX_WINDOW_BITS);

    /** Rejects a level outside -1..9, a negative minimum size and a window outside 8-15 bits. */
    public DeflateOptions {
        if (compressionLevel < Deflater.DEFAULT_COMPRESSION || compressionLevel > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("compressionLevel must be -1..9, was " + compressionLevel);
        }
        if (minMessageSize < 0) {
            throw new IllegalArgumentException("minMessageSize must not be negative, was " + minMessageSize);
        }
        checkWindowBits("serverMaxWindowBits", serverMaxWindowBits);
        checkWindowBits("clientMaxWindowBits", clientMaxWindowBits);
    }

    /**
     * Options with 15-bit windows both ways (the protocol's maximum, nothing stated in the handshake).
     *
     * @param compressionLevel zlib level, 0 to 9, or -1 for zlib's default
     * @param minMessageSize messages shorter than this many bytes are sent uncompressed
     * @param serverNoContextTakeover whether to state or ask for {@code server_no_context_takeover}
     * @param clientNoContextTakeover whether to state or offer {@code client_no_context_takeover}
     */
    public DeflateOptions(int compressionLevel, int minMessageSize, boolean serverNoContextTakeover,
            boolean clientNoContextTakeover) {
        this(compressionLevel, minMessageSize, serverNoContextTakeover, clientNoContextTakeover,
                DeflateParameters.MAX_WINDOW_BITS, DeflateParameters.MAX_WINDOW_BITS);
    }

    private static void checkWindowBits(String name, int bits) {
        if (bits < DeflateParameters.MIN_WINDOW_BITS || bits > DeflateParameters.MAX_WINDOW_BITS) {
            throw new IllegalArgumentException(name + " must be 8-15, was " + bits);
        }
    }

    /**
     * Level 6, 32-byte minimum, context takeover both ways, 15-bit windows.
     *
     * @return the default options
     */
    public static DeflateOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with another compression level.
     *
     * @param level zlib level, 0 to 9, or -1 for zlib's default
     * @return options equal to these but for the level
     */
    public DeflateOptions withCompressionLevel(int level) {
        return new DeflateOptions(level, minMessageSize, serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits, clientMaxWindowBits);
    }

    /**
     * A copy with another minimum message size.
     *
     * @param bytes the smallest message size, in bytes, that is compressed
     * @return options equal to these but for the minimum size
     */
    public DeflateOptions withMinMessageSize(int bytes) {
        return new DeflateOptions(compressionLevel, bytes, serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits, clientMaxWindowBits);
    }

    /**
     * A copy that does or does not ask for {@code server_no_context_takeover}.
     *
     * @param enabled whether to ask for {@code server_no_context_takeover}
     * @return options equal to these but for that flag
     */
    public DeflateOptions withServerNoContextTakeover(boolean enabled) {
        return new DeflateOptions(compressionLevel, minMessageSize, enabled, clientNoContextTakeover,
                serverMaxWindowBits, clientMaxWindowBits);
    }

    /**
     * A copy that does or does not ask for {@code client_no_context_takeover}.
     *
     * @param enabled whether to ask for {@code client_no_context_takeover}
     * @return options equal to these but for that flag
     */
    public DeflateOptions withClientNoContextTakeover(boolean enabled) {
        return new DeflateOptions(compressionLevel, minMessageSize, serverNoContextTakeover, enabled,
                serverMaxWindowBits, clientMaxWindowBits);
    }

    /**
     * A copy that asks for no context takeover in both directions (the memory-saving setting).
     *
     * @return options equal to these but with both no-context-takeover flags set
     */
    public DeflateOptions withNoContextTakeover() {
        return new DeflateOptions(compressionLevel, minMessageSize, true, true, serverMaxWindowBits, clientMaxWindowBits);
    }

    /**
     * A copy with another server window, 8-15 bits (see the class comment).
     *
     * @param bits the server's largest window, 8 to 15 bits
     * @return options equal to these but for the server window
     */
    public DeflateOptions withServerMaxWindowBits(int bits) {
        return new DeflateOptions(compressionLevel, minMessageSize, serverNoContextTakeover, clientNoContextTakeover,
                bits, clientMaxWindowBits);
    }

    /**
     * A copy with another client window, 8-15 bits (see the class comment).
     *
     * @param bits the client's largest window, 8 to 15 bits
     * @return options equal to these but for the client window
     */
    public DeflateOptions withClientMaxWindowBits(int bits) {
        return new DeflateOptions(compressionLevel, minMessageSize, serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits, bits);
    }

    /**
     * The largest window the side with {@code sender}'s role compresses with, by this side's own choice.
     *
     * @param sender the role of the compressing side
     * @return {@link #serverMaxWindowBits()} for the server, {@link #clientMaxWindowBits()} for the client
     */
    public int maxWindowBits(Role sender) {
        return sender == Role.SERVER ? serverMaxWindowBits : clientMaxWindowBits;
    }
}
