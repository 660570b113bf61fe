package org.wsbyhand.chat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that sends this node's fan-outs (every accepted message and presence update to
 * every local client; see {@link LocalClients}), one at a time, in the order they were handed over.
 * Whoever hands one over (a poster's connection thread, the Redis reader, the presence timer) returns
 * as soon as it is queued, so a poster is not held up by other posts' fan-outs.
 *
 * <p>It is a platform thread on purpose: a fan-out makes the server start writer threads for many
 * sessions, and those virtual threads queue on the same scheduler as every session's reader. The
 * fan-out loop itself does not wait in that queue.
 *
 * <p>The queue is bounded ({@code capacity} fan-outs): when it is full, {@link #execute} blocks
 * until there is room, which slows the callers down rather than letting memory grow. The room's
 * posting budget keeps it far from full in normal operation. A task that throws is logged and the
 * next one runs. After {@link #close} tasks are dropped.
 */
final class FanOutThread implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FanOutThread.class);
    /** How long {@link #close} waits for the task being run. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;

    private final BlockingQueue<Runnable> tasks;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts the thread.
     *
     * @param name     the thread's name
     * @param capacity the most fan-outs waiting at once, at least 1
     */
    FanOutThread(String name, int capacity) {
        this.tasks = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /** Queues a fan-out, waiting while the queue is full; drops it once closed. */
    @Override
    public void execute(Runnable task) {
        try {
            while (!closed) {
                if (tasks.offer(task, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fan-outs waiting to run (for tests and diagnostics). */
    int pending() {
        return tasks.size();
    }

    private void run() {
        while (!closed) {
            Runnable task;
            try {
                task = tasks.take();
            } catch (InterruptedException e) {
                continue; // closed is set before the interrupt
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("a fan-out failed; going on with the next", e);
            }
        }
    }

    /** Stops the thread; fan-outs still queued are dropped (the sessions are closed by then). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tasks.clear();
    }
}
