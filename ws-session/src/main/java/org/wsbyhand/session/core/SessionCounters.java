package org.wsbyhand.session.core;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.wsbyhand.protocol.CloseCode;

/**
 * What the sessions of one server (or client) did, added up: messages and bytes each way,
 * compression, slow consumers, closes by code. {@link LongAdder}s, because every session's threads
 * add to them.
 */
public final class SessionCounters {
    /** Data messages received. */
    public final LongAdder messagesIn = new LongAdder();
    /** Data messages handed to the transport (counted when a writer takes them). */
    public final LongAdder messagesOut = new LongAdder();
    /** Data messages a full session refused under {@link org.wsbyhand.session.OverflowPolicy#DROP}. */
    public final LongAdder messagesDropped = new LongAdder();
    /** Bytes read from transports. */
    public final LongAdder bytesIn = new LongAdder();
    /** Bytes written to transports. */
    public final LongAdder bytesOut = new LongAdder();
    /** Sessions closed with 1008 for holding too many unsent bytes. */
    public final LongAdder slowConsumers = new LongAdder();
    /** Sessions closed with 1013 because the memory budget had no room. */
    public final LongAdder memoryRefusals = new LongAdder();
    /** Compressed messages received. */
    public final LongAdder compressedMessagesIn = new LongAdder();
    /** Their compressed bytes. */
    public final LongAdder compressedBytesIn = new LongAdder();
    /** Their bytes once inflated. */
    public final LongAdder inflatedBytesIn = new LongAdder();
    /** Compressed messages sent. */
    public final LongAdder compressedMessagesOut = new LongAdder();
    /** Their bytes before compression. */
    public final LongAdder originalBytesOut = new LongAdder();
    /** Their bytes after compression. */
    public final LongAdder compressedBytesOut = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();

    /** Counters at zero. */
    public SessionCounters() {}

    /**
     * A session ended with {@code code}.
     *
     * @param code the close code it reported
     */
    public void closed(CloseCode code) {
        closes.computeIfAbsent(code.code(), c -> new LongAdder()).increment();
    }

    /**
     * How many sessions ended with each close code, by code.
     *
     * @return the counts, ordered by code
     */
    public Map<CloseCode, Long> closes() {
        Map<Integer, Long> sorted = new TreeMap<>();
        closes.forEach((code, count) -> sorted.put(code, count.sum()));
        Map<CloseCode, Long> byCode = new java.util.LinkedHashMap<>();
        sorted.forEach((code, count) -> byCode.put(CloseCode.of(code), count));
        return byCode;
    }
}
