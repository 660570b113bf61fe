package org.wsbyhand.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.wsbyhand.protocol.CloseCode;

/** The live counters behind {@link ServerStats}; LongAdders because every connection thread bumps them. */
final class Counters {
    final AtomicInteger openSessions = new AtomicInteger();
    final AtomicInteger parkedSessions = new AtomicInteger();
    final LongAdder upgradesAccepted = new LongAdder();
    final LongAdder upgradesRejected = new LongAdder();
    final LongAdder httpRequests = new LongAdder();
    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder slowConsumers = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder memoryRefusals = new LongAdder();
    final LongAdder compressedMessagesIn = new LongAdder();
    final LongAdder compressedBytesIn = new LongAdder();
    final LongAdder inflatedBytesIn = new LongAdder();
    final LongAdder compressedMessagesOut = new LongAdder();
    final LongAdder originalBytesOut = new LongAdder();
    final LongAdder compressedBytesOut = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();

    void closed(CloseCode code) {
        closes.computeIfAbsent(code.code(), c -> new LongAdder()).increment();
    }

    ServerStats snapshot(int openConnections, ServerStats.Memory memory) {
        Map<Integer, Long> sorted = new TreeMap<>();
        closes.forEach((code, count) -> sorted.put(code, count.sum()));
        Map<CloseCode, Long> byCode = new java.util.LinkedHashMap<>();
        sorted.forEach((code, count) -> byCode.put(CloseCode.of(code), count));
        return new ServerStats(openConnections, openSessions.get(), parkedSessions.get(), connectionsRefused.sum(),
                upgradesAccepted.sum(), upgradesRejected.sum(),
                httpRequests.sum(), messagesIn.sum(), messagesOut.sum(), bytesIn.sum(), bytesOut.sum(), slowConsumers.sum(), byCode,
                new ServerStats.Compression(compressedMessagesIn.sum(), compressedBytesIn.sum(), inflatedBytesIn.sum(),
                        compressedMessagesOut.sum(), originalBytesOut.sum(), compressedBytesOut.sum()), memory);
    }
}
