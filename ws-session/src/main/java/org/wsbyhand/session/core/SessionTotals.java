package org.wsbyhand.session.core;

import java.util.Optional;

/**
 * What one session did, counted by the threads that did it (the reader for what came in, the
 * writers for what went out), without sharing counters with other sessions.
 *
 * @param messagesIn data messages received
 * @param bytesIn bytes read from the transport after the opening handshake
 * @param messagesOut data messages queued for sending
 * @param bytesOut bytes written to the transport
 * @param outboundHighWater the most unsent bytes the session held at once
 * @param compression its permessage-deflate traffic, empty when not negotiated
 */
public record SessionTotals(long messagesIn, long bytesIn, long messagesOut, long bytesOut, long outboundHighWater,
        Optional<Compression> compression) {

    /**
     * One session's permessage-deflate traffic: payload sizes of its compressed messages.
     *
     * @param messagesIn compressed messages received and inflated
     * @param compressedBytesIn their payload bytes as received
     * @param inflatedBytesIn their payload bytes after inflating
     * @param messagesOut messages sent compressed
     * @param originalBytesOut their payload bytes before compressing
     * @param compressedBytesOut their payload bytes as sent
     */
    public record Compression(long messagesIn, long compressedBytesIn, long inflatedBytesIn, long messagesOut,
            long originalBytesOut, long compressedBytesOut) {}
}
