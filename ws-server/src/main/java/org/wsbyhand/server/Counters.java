package org.wsbyhand.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.wsbyhand.session.core.SessionCounters;

/**
 * The live counters behind {@link ServerStats}: the server's own (connections, upgrades, HTTP) and
 * what its sessions count ({@link SessionCounters}). LongAdders because every connection thread bumps them.
 */
final class Counters {
    final AtomicInteger openSessions = new AtomicInteger();
    final AtomicInteger parkedSessions = new AtomicInteger();
    final LongAdder upgradesAccepted = new LongAdder();
    final LongAdder upgradesRejected = new LongAdder();
    final LongAdder httpRequests = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final SessionCounters session = new SessionCounters();

    ServerStats snapshot(int openConnections, ServerStats.Memory memory) {
        SessionCounters s = session;
        return new ServerStats(openConnections, openSessions.get(), parkedSessions.get(), connectionsRefused.sum(),
                upgradesAccepted.sum(), upgradesRejected.sum(), httpRequests.sum(), s.messagesIn.sum(),
                s.messagesOut.sum(), s.bytesIn.sum(), s.bytesOut.sum(), s.slowConsumers.sum(), s.messagesDropped.sum(), s.closes(),
                new ServerStats.Compression(s.compressedMessagesIn.sum(), s.compressedBytesIn.sum(),
                        s.inflatedBytesIn.sum(), s.compressedMessagesOut.sum(), s.originalBytesOut.sum(),
                        s.compressedBytesOut.sum()), memory);
    }
}
