package org.wsbyhand.server;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread that waits on a selector and is also the carrier of the virtual threads
 * scheduled on it (see {@code CarrierLoops}): the scheduler of those threads is this loop's
 * {@link #execute}. A session's thread that finds no bytes to read arms its socket's key and parks
 * ({@code LoopChannel}, the session side); the loop, woken by the kernel, unparks it, which queues its continuation
 * here, and runs it right away on the same thread, before it selects again. So a message that arrives costs one
 * {@code epoll_wait} and no hand-off between threads, where the JDK's own scheduler needs its poller
 * thread to wake a carrier thread.
 *
 * <p>Tasks from other threads (a thread of this loop unparked by a timer, a lock or the JDK's
 * poller; a session resumed from another loop) are queued and wake the selector if it sleeps. A
 * task never blocks this thread: virtual threads park by giving it back.
 */
final class CarrierLoop implements Executor, Runnable {
    private static final Logger log = LoggerFactory.getLogger(CarrierLoop.class);

    /** What a key registered with a loop has attached: told what the key is ready for. */
    interface Waiting {
        /** The key is ready for {@code ops} (or cancelled: both read and write). The loop's thread. */
        void ready(int ops);
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Whether a wakeup is already on its way to a sleeping selector (saves duplicate wakeups). */
    private final AtomicBoolean wakeupSent = new AtomicBoolean();
    private volatile boolean sleeping;
    private volatile boolean closed;

    CarrierLoop(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon(true).name(name).unstarted(this);
    }

    void start() {
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    /**
     * Runs {@code task} on this loop's thread, after what is queued already. Any thread. Once the loop
     * is closed, tasks run on the common pool instead: a virtual thread started by a thread of this
     * loop (a handler's own, say) is scheduled here too, and may outlive the server.
     */
    @Override
    public void execute(Runnable task) {
        if (closed) {
            ForkJoinPool.commonPool().execute(task);
            return;
        }
        tasks.offer(task);
        wakeIfAsleep();
        if (closed && tasks.remove(task)) {
            ForkJoinPool.commonPool().execute(task); // closed meanwhile: the loop may never run it
        }
    }

    /**
     * A key's interest was changed. The change takes effect at the loop's next selection, so a loop
     * asleep in one is woken. A loop that is not asleep (it may be running the caller, a virtual
     * thread mounted on it) selects again before it sleeps, and that selection applies the change.
     */
    void interestChanged() {
        wakeIfAsleep();
    }

    private void wakeIfAsleep() {
        if (sleeping && wakeupSent.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    @Override
    public void run() {
        while (!closed) {
            try {
                runQueued();
                wakeupSent.set(false);
                sleeping = true;
                // A task queued after the drain above, but before sleeping was set, sent no wakeup:
                // look once more before blocking.
                if (tasks.isEmpty()) {
                    selector.select();
                } else {
                    selector.selectNow();
                }
                sleeping = false;
                wakeReady();
            } catch (IOException | ClosedSelectorException e) {
                if (!closed) {
                    log.error("carrier loop {} failed; its sessions stop", thread.getName(), e);
                }
                return;
            } catch (RuntimeException | Error e) {
                // One bad task or key must not stop the loop that every session on it depends on.
                log.error("carrier loop {}: unexpected failure", thread.getName(), e);
            }
        }
    }

    /** Runs the tasks queued now; tasks they queue run after the next selection, so no key waits long. */
    private void runQueued() {
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            task.run();
        }
    }

    /** Hands each ready key's readiness to its attachment, which wakes its waiters (and disarms what it must). */
    private void wakeReady() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            int ready;
            try {
                ready = key.readyOps();
            } catch (CancelledKeyException e) {
                ready = SelectionKey.OP_READ | SelectionKey.OP_WRITE;
            }
            ((Waiting) key.attachment()).ready(ready);
        }
    }

    /** Stops the loop; sessions on it are closed by the server's shutdown before. Tasks still queued go to the common pool. */
    void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException e) {
            log.debug("closing carrier loop {}: {}", thread.getName(), e.toString());
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            ForkJoinPool.commonPool().execute(task);
        }
    }
}
