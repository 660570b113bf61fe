package org.wsbyhand.client;

import java.util.Collection;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's one timer thread ({@code ws-client-timer}, a daemon): a few times per shortest timeout
 * it lets every open session check its heartbeat, idle and close deadlines, so no read needs a
 * timeout of its own. Started with the first session, stopped when the client closes.
 */
final class ClientTimer {
    private static final Logger log = LoggerFactory.getLogger(ClientTimer.class);

    private final Collection<ClientConnection> connections;
    private final long intervalNanos;
    private ScheduledThreadPoolExecutor timer;
    private boolean stopped;

    ClientTimer(Collection<ClientConnection> connections, ClientConfig config) {
        this.connections = connections;
        long shortest = config.closeTimeout().toNanos();
        if (!config.idleTimeout().isZero()) {
            shortest = Math.min(shortest, config.idleTimeout().toNanos());
        }
        if (!config.pingInterval().isZero()) {
            shortest = Math.min(shortest, Math.min(config.pingInterval().toNanos(), config.pongTimeout().toNanos()));
        }
        this.intervalNanos = Math.clamp(shortest / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
    }

    /** Starts the timer unless it runs; false when it was stopped for good. */
    synchronized boolean ensureStarted() {
        if (stopped) {
            return false;
        }
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "ws-client-timer");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            timer.scheduleWithFixedDelay(this::sweep, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        }
        return true;
    }

    /** Stops the timer for good (started or not). */
    synchronized void stop() {
        stopped = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (ClientConnection connection : connections) {
                try {
                    connection.checkTimers(now);
                } catch (Throwable e) {
                    log.warn("session {}: timer check failed", connection.name(), e);
                }
            }
        } catch (Throwable e) {
            try {
                log.error("timer sweep failed", e);
            } catch (Throwable ignored) {
                // out of memory: the next sweep tries again
            }
        }
    }
}
