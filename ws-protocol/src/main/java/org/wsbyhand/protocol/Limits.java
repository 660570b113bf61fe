package org.wsbyhand.protocol;

/**
 * Every size limit of the protocol layer, validated once. Peers that exceed a limit are answered
 * with the close code or HTTP status of the matching {@link Violation}, never with unbounded
 * buffering.
 *
 * @param maxFrameSize   largest frame payload accepted, in bytes (default 1 MiB); a longer frame
 *                       fails the connection with 1009 as soon as its header arrives
 * @param maxMessageSize largest message accepted, after reassembly and decompression, in bytes
 *                       (default 1 MiB); checked before bytes are buffered, failing with 1009
 * @param maxFragments   most frames one message may be split into (default 16,384, a maximum-size
 *                       message in 64-byte fragments); one more fails with 1009, so a message sent a
 *                       byte per frame cannot keep a connection busy for long
 * @param maxHeadSize    largest HTTP head (request or status line plus headers) of the opening
 *                       handshake, in bytes (default 8 KiB); a longer one gets 431
 * @param maxHeaderCount most header lines in that head (default 100); more get 431
 */
public record Limits(int maxFrameSize, int maxMessageSize, int maxFragments, int maxHeadSize, int maxHeaderCount) {

    /** 1 MiB. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 20;
    /** 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;
    /** 16,384 frames per message. */
    public static final int DEFAULT_MAX_FRAGMENTS = 1 << 14;
    /** 8 KiB. */
    public static final int DEFAULT_MAX_HEAD_SIZE = 8 * 1024;
    /** 100 header lines. */
    public static final int DEFAULT_MAX_HEADER_COUNT = 100;

    private static final Limits DEFAULTS = new Limits(DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_MESSAGE_SIZE,
            DEFAULT_MAX_FRAGMENTS, DEFAULT_MAX_HEAD_SIZE, DEFAULT_MAX_HEADER_COUNT);

    /** Rejects non-positive limits, frame limits below the 125 bytes of a control frame, and tiny head limits. */
    public Limits {
        if (maxFrameSize < 125) {
            // Control frames may carry 125 bytes (RFC 6455 section 5.5); a smaller limit would reject legal pings and closes.
            throw new IllegalArgumentException("maxFrameSize must be at least 125 bytes, was " + maxFrameSize);
        }
        requirePositive("maxMessageSize", maxMessageSize);
        requirePositive("maxFragments", maxFragments);
        requirePositive("maxHeaderCount", maxHeaderCount);
        if (maxHeadSize < 256) {
            throw new IllegalArgumentException("maxHeadSize must be at least 256 bytes, was " + maxHeadSize);
        }
    }

    /**
     * The documented defaults: 1 MiB frames and messages, 16,384 fragments, 8 KiB heads of at most 100 headers.
     *
     * @return the default limits
     */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with another frame size limit.
     *
     * @param bytes the largest frame payload, in bytes
     * @return limits equal to these but for the frame size
     */
    public Limits withMaxFrameSize(int bytes) {
        return new Limits(bytes, maxMessageSize, maxFragments, maxHeadSize, maxHeaderCount);
    }

    /**
     * A copy with another message size limit.
     *
     * @param bytes the largest message, in bytes
     * @return limits equal to these but for the message size
     */
    public Limits withMaxMessageSize(int bytes) {
        return new Limits(maxFrameSize, bytes, maxFragments, maxHeadSize, maxHeaderCount);
    }

    /**
     * A copy with another limit on the frames of one message.
     *
     * @param frames the most frames one message may have
     * @return limits equal to these but for the fragment count
     */
    public Limits withMaxFragments(int frames) {
        return new Limits(maxFrameSize, maxMessageSize, frames, maxHeadSize, maxHeaderCount);
    }

    /**
     * A copy with another HTTP head size limit.
     *
     * @param bytes the largest HTTP request or response head, in bytes
     * @return limits equal to these but for the head size
     */
    public Limits withMaxHeadSize(int bytes) {
        return new Limits(maxFrameSize, maxMessageSize, maxFragments, bytes, maxHeaderCount);
    }

    /**
     * A copy with another header count limit.
     *
     * @param count the most header fields a head may have
     * @return limits equal to these but for the header count
     */
    public Limits withMaxHeaderCount(int count) {
        return new Limits(maxFrameSize, maxMessageSize, maxFragments, maxHeadSize, count);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
