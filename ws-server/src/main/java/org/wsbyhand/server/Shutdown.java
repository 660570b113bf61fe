package org.wsbyhand.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections' part of {@link WebSocketServer#close()}: ask every connection to go away, wait
 * for their closing handshakes, then drop whatever is left.
 */
final class Shutdown {
    // The server's logger, so that these lines are logged under the same name as before the split.
    private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);

    private Shutdown() {}

    /**
     * Sends 1001 Going Away on every connection and waits up to {@code closeTimeout} for all of them
     * to finish; then aborts those left, interrupts their threads (a handler callback that stays
     * blocked) and waits one more {@code closeTimeout}. Returns early if the calling thread is
     * interrupted (the interrupt stays set).
     *
     * @param loops        the server's open connections, a live view they leave as they finish
     * @param closeTimeout {@link ServerConfig#closeTimeout()}
     */
    static void endConnections(OpenConnections loops, Duration closeTimeout) {
        List<ConnectionLoop> open = new ArrayList<>(loops);
        open.forEach(ConnectionLoop::goingAway);
        long closeTimeoutNanos = closeTimeout.toNanos();
        if (!joinAll(loops, closeTimeoutNanos)) {
            log.info("{} connections did not finish their closing handshake within {}, dropping them",
                    loops.size(), closeTimeout);
            for (ConnectionLoop loop : loops) {
                loop.abort();
                Thread thread = loop.thread();
                if (thread != null) {
                    thread.interrupt();
                }
            }
            if (!joinAll(loops, closeTimeoutNanos)) {
                log.warn("{} connection threads still running after shutdown (blocked handlers?)", loops.size());
            }
        }
    }

    /** Waits until every connection has finished (threads come and go as idle sessions resume). */
    private static boolean joinAll(OpenConnections loops, long nanos) {
        try {
            return loops.awaitEmpty(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
