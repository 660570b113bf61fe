package org.wsbyhand.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SelectableChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where idle sessions wait without a thread: one selector, on one platform thread, watching the
 * sockets of sessions whose reader released its virtual thread (see
 * {@link ServerConfig#threadRelease()}). A parked session costs a selection key instead of a parked
 * virtual thread's stack (about 4 KB) and its read buffer.
 *
 * <p>A session comes back on a new virtual thread ({@link Parked#startResumed()}) when its socket
 * becomes readable (bytes, EOF or an error), or when anything is queued for it ({@link #wake}):
 * a send, a ping, a close. The watcher cancels the key and completes the deregistration before the
 * new thread starts, because a channel can only block again once no selector holds it.
 */
final class IdleWatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IdleWatcher.class);

    /** A session whose reader released its thread (the server's connection loop). */
    interface Parked {
        /** Whether this wake-up is the first since the session parked (it may be woken twice at once). */
        boolean claimWake();

        /** The key the session was registered with. */
        SelectionKey parkedKey();

        /** Goes on reading on a new virtual thread; the key is deregistered by now. */
        void startResumed();

        /** Drops the socket (the session then ends on its own thread). */
        void abort();
    }

    private final Selector selector;
    private final ConcurrentLinkedQueue<Parked> wakes = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    IdleWatcher(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon(true).name(name).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /**
     * Registers a reader's channel, already in non-blocking mode; the caller's thread then ends.
     * Returns the key, or throws when the channel or the watcher is closed.
     */
    SelectionKey park(SelectableChannel channel, Parked loop) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        try {
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ, loop);
            // The new registration takes effect at the next selection; do not wait for another event.
            selector.wakeup();
            return key;
        } catch (ClosedSelectorException e) {
            throw new ClosedChannelException();
        }
    }

    /** Resume a parked session (it has something to send, or must close). Any thread. */
    void wake(Parked loop) {
        wakes.add(loop);
        selector.wakeup();
    }

    @Override
    public void run() {
        List<Parked> resume = new ArrayList<>();
        while (!closed) {
            try {
                // selectNow() below cancels any wakeup() that came in before it, so a wake queued
                // meanwhile must be seen here rather than wait for the next event.
                if (wakes.isEmpty()) {
                    selector.select();
                } else {
                    selector.selectNow();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Parked loop = (Parked) key.attachment();
                    if (loop.claimWake()) {
                        resume.add(loop);
                    }
                }
                selector.selectedKeys().clear();
                Parked woken;
                while ((woken = wakes.poll()) != null) {
                    resume.add(woken);
                }
                if (resume.isEmpty()) {
                    continue;
                }
                for (Parked loop : resume) {
                    loop.parkedKey().cancel();
                }
                // Completes the deregistration of the cancelled keys (keys that became ready
                // meanwhile stay selected and are handled on the next pass).
                selector.selectNow();
                for (Parked loop : resume) {
                    loop.startResumed();
                }
                resume.clear();
            } catch (IOException | ClosedSelectorException e) {
                if (!closed) {
                    log.error("idle watcher failed; parked sessions are dropped", e);
                    resume.forEach(Parked::abort);
                }
                return;
            } catch (RuntimeException | Error e) {
                // Never let one bad session, or a moment without memory, stop the watcher: every
                // parked session depends on it.
                // The sessions being resumed end (their sockets are closed) on threads of their own.
                log.error("idle watcher: unexpected failure; dropping {} sessions being resumed", resume.size(), e);
                for (Parked loop : resume) {
                    loop.abort();
                    loop.startResumed();
                }
                resume.clear();
            }
        }
    }

    /**
     * Stops watching. Sessions still parked are woken first by the server's shutdown (it closes
     * every session), so nothing is left here but keys of closed channels.
     */
    void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing the idle selector: {}", e.toString());
        }
    }
}
