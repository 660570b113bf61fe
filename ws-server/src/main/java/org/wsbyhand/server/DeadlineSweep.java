package org.wsbyhand.server;

import java.util.Collection;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one timer thread ({@code ws-server-timer}): a few times per shortest timeout it
 * passes over every connection and lets each check its deadlines (see
 * {@link ConnectionLoop#checkTimers(long)}), so no read needs a timeout of its own.
 */
final class DeadlineSweep {
    // The server's logger, so that these lines are logged under the same name as before the split.
    private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);

    private final Collection<ConnectionLoop> loops;
    private final ScheduledThreadPoolExecutor timer;

    /**
     * A sweep over {@code loops}, not yet started; its thread is made when it starts.
     *
     * @param loops the server's open connections, a live, thread-safe view
     */
    DeadlineSweep(Collection<ConnectionLoop> loops) {
        this.loops = loops;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "ws-server-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * How often the timer checks every session's deadlines: a quarter of the shortest timeout in
     * use, between 10 ms and 1 s, so a deadline is met to within a quarter of its length (or a
     * second) while 10,000 sessions cost one pass over a set per second.
     */
    static long intervalNanos(ServerConfig config) {
        long shortest = Math.min(config.closeTimeout().toNanos(),
                Math.min(config.handshakeTimeout().toNanos(), config.responseTimeout().toNanos()));
        if (config.idleTimeout().toNanos() > 0) {
            shortest = Math.min(shortest, config.idleTimeout().toNanos());
        }
        if (config.pingInterval().toNanos() > 0) {
            shortest = Math.min(shortest, Math.min(config.pingInterval().toNanos(), config.pongTimeout().toNanos()));
        }
        return Math.clamp(shortest / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
    }

    /** Sweeps every {@link #intervalNanos(ServerConfig)} from now on. Called once. */
    void start(ServerConfig config) {
        long interval = intervalNanos(config);
        timer.scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.NANOSECONDS);
    }

    /** Stops the timer (started or not); a sweep under way is interrupted. */
    void stop() {
        timer.shutdownNow();
    }

    /** One pass of the timer over every connection (see {@link ConnectionLoop#checkTimers(long)}). */
    private void sweep() {
        // An exception escaping a scheduled task would cancel every later run: nothing may escape.
        try {
            long now = System.nanoTime();
            for (ConnectionLoop loop : loops) {
                try {
                    loop.checkTimers(now);
                } catch (Throwable e) {
                    log.warn("connection {}: timer check failed", loop.id(), e);
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
