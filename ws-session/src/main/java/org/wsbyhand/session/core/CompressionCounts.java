package org.wsbyhand.session.core;

import java.util.concurrent.atomic.LongAdder;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Carries one compressing session's permessage-deflate statistics into the shared
 * {@link SessionCounters}: remembers what was counted already, so each call adds only the growth.
 * Only sessions that negotiated compression have one. Used holding the session lock.
 */
final class CompressionCounts {
    private final PerMessageDeflate deflate;
    private long messagesInflated;
    private long bytesBeforeInflation;
    private long bytesAfterInflation;
    private long messagesCompressed;
    private long bytesBeforeCompression;
    private long bytesAfterCompression;

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

    private static long grow(LongAdder counter, long counted, long now) {
        if (now != counted) {
            counter.add(now - counted);
        }
        return now;
    }
}
