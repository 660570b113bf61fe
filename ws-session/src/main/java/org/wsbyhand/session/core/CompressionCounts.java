package org.wsbyhand.session.core;

import java.util.concurrent.atomic.LongAdder;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Carries one compressing session's permessage-deflate statistics into the shared
 * {@link SessionCounters}: remembers what was counted already, so each call adds only the growth.
 * Messages sent as a broadcast's shared compressed frame bypass the session's compressor and are
 * counted here directly. Only sessions that negotiated compression have one. Used holding the
 * session lock.
 */
final class CompressionCounts {
    private final PerMessageDeflate deflate;
    private long messagesInflated;
    private long bytesBeforeInflation;
    private long bytesAfterInflation;
    private long messagesCompressed;
    private long bytesBeforeCompression;
    private long bytesAfterCompression;
    private long preparedMessages;
    private long preparedOriginalBytes;
    private long preparedCompressedBytes;

    CompressionCounts(PerMessageDeflate deflate) {
        this.deflate = deflate;
    }

    /** Adds what the compressor did since the last call. */
    void addTo(SessionCounters counters) {
        messagesInflated = grow(counters.compressedMessagesIn, messagesInflated, deflate.messagesInflated());
        bytesBeforeInflation = grow(counters.compressedBytesIn, bytesBeforeInflation, deflate.bytesBeforeInflation());
        bytesAfterInflation = grow(counters.inflatedBytesIn, bytesAfterInflation, deflate.bytesAfterInflation());
        messagesCompressed = grow(counters.compressedMessagesOut, messagesCompressed, deflate.messagesCompressed());
        bytesBeforeCompression = grow(counters.originalBytesOut, bytesBeforeCompression,
                deflate.bytesBeforeCompression());
        bytesAfterCompression = grow(counters.compressedBytesOut, bytesAfterCompression,
                deflate.bytesAfterCompression());
    }

    /** A shared compressed frame was queued: {@code original} payload bytes sent as {@code compressed}. */
    void prepared(long original, long compressed, SessionCounters counters) {
        preparedMessages++;
        preparedOriginalBytes += original;
        preparedCompressedBytes += compressed;
        counters.compressedMessagesOut.increment();
        counters.originalBytesOut.add(original);
        counters.compressedBytesOut.add(compressed);
    }

    /** This session's compressed traffic so far. */
    SessionTotals.Compression totals() {
        return new SessionTotals.Compression(deflate.messagesInflated(), deflate.bytesBeforeInflation(),
                deflate.bytesAfterInflation(), deflate.messagesCompressed() + preparedMessages,
                deflate.bytesBeforeCompression() + preparedOriginalBytes,
                deflate.bytesAfterCompression() + preparedCompressedBytes);
    }

    private static long grow(LongAdder counter, long counted, long now) {
        if (now != counted) {
            counter.add(now - counted);
        }
        return now;
    }
}
