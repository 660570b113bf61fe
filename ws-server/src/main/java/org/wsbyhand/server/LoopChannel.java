package org.wsbyhand.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * A session's socket on a {@link CarrierLoop}: the channel in non-blocking mode, registered with the
 * loop's selector for its whole life. A read or write that cannot go on arms the key for that
 * direction and parks the calling virtual thread; the loop unparks the thread when the key is ready
 * (see {@link #ready} for when it disarms it). A session that gave its thread back waits here too: the loop then runs its
 * resume action instead.
 *
 * <p>One thread reads at a time and one writes at a time (the session's reader and the holder of its
 * write lock); any thread may {@link #wakeAll}.
 */
final class LoopChannel implements CarrierLoop.Waiting {
    private final SocketChannel channel;
    private final CarrierLoop loop;
    private final SelectionKey key;
    private volatile Thread reader;
    private volatile Thread writer;
    /** Whether the last read left room in its buffer (the reader's own). */
    private boolean drained;
    /** What the loop runs when bytes arrive for a session without a thread, else null. */
    private volatile Runnable parked;

    private LoopChannel(SocketChannel channel, CarrierLoop loop) throws IOException {
        this.channel = channel;
        this.loop = loop;
        channel.configureBlocking(false);
        this.key = channel.register(loop.selector(), 0, this);
    }

    /** Puts {@code channel} in non-blocking mode for good and registers it with {@code loop}. */
    static LoopChannel register(SocketChannel channel, CarrierLoop loop) throws IOException {
        return new LoopChannel(channel, loop);
    }

    /**
     * Reads at least one byte into {@code into}, waiting as long as it takes ({@code waitNanos} 0) or
     * at most {@code waitNanos}. After a read that left room in its buffer the socket had nothing
     * more, so the next one waits for the loop's word first instead of trying a read that would
     * find nothing: one system call less per message where every message waits (the key is
     * level-triggered, so bytes that are there already are reported at once).
     *
     * @return the bytes read, -1 at the end of the stream, 0 when the wait passed without any
     */
    int read(ByteBuffer into, long waitNanos) throws IOException {
        long deadline = System.nanoTime() + waitNanos;
        boolean wait = drained;
        while (true) {
            if (wait) {
                long left = waitNanos == 0 ? 0 : deadline - System.nanoTime();
                if (waitNanos != 0 && left <= 0) {
                    return 0;
                }
                await(SelectionKey.OP_READ, left);
            }
            int n = channel.read(into);
            if (n != 0) {
                drained = n > 0 && into.hasRemaining();
                return n;
            }
            wait = true;
        }
    }

    /** Writes all of {@code from}, waiting while the socket's send buffer is full. */
    void write(ByteBuffer from) throws IOException {
        while (from.hasRemaining()) {
            if (channel.write(from) == 0) {
                await(SelectionKey.OP_WRITE, 0);
            }
        }
    }

    /** Arms the key for {@code op} and parks until the loop sees it ready, {@code nanos} pass (if not 0) or a wake. */
    private void await(int op, long nanos) throws IOException {
        Thread me = Thread.currentThread();
        boolean reading = op == SelectionKey.OP_READ;
        if (reading) {
            reader = me;
        } else {
            writer = me;
        }
        try {
            key.interestOpsOr(op);
            loop.interestChanged();
            if (!channel.isOpen()) {
                throw new ClosedChannelException(); // closed before the key was armed: no wake comes
            }
            if (nanos > 0) {
                LockSupport.parkNanos(this, nanos);
            } else {
                LockSupport.park(this);
            }
        } catch (CancelledKeyException e) {
            throw new ClosedChannelException();
        } finally {
            if (reading) {
                reader = null;
            } else {
                writer = null;
            }
        }
    }

    /** The session gives its thread back: the loop runs {@code resume} when bytes arrive. The reader thread. */
    void park(Runnable resume) throws IOException {
        parked = resume;
        try {
            key.interestOpsOr(SelectionKey.OP_READ);
        } catch (CancelledKeyException e) {
            parked = null;
            throw new ClosedChannelException();
        }
        loop.interestChanged();
    }

    /** A new thread took the session over: the loop no longer resumes it. */
    void unparked() {
        parked = null;
    }

    /**
     * The loop saw the key ready for {@code ops} (or cancelled: both). The loop's thread.
     *
     * <p>Read interest stays armed while a reader waits for it: the woken reader runs on this loop
     * before its next selection and waits again before it, so keeping the key armed saves the
     * selector two {@code epoll_ctl} calls per message. Readiness that finds nobody waiting (the
     * reader is busy elsewhere, in a handler say) disarms it, and the reader arms it again when it
     * next waits; so a busy session does not keep the loop spinning on a level-triggered key. Write
     * interest is disarmed before the writer wakes (a socket is writable almost always), and before,
     * since the writer may run on another thread and arm it again at once.
     */
    @Override
    public void ready(int ops) {
        if ((ops & SelectionKey.OP_READ) != 0) {
            Thread waiting = reader;
            Runnable resume = parked;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            } else if (resume != null) {
                parked = null;
                resume.run();
            } else {
                disarm(SelectionKey.OP_READ);
            }
        }
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            disarm(SelectionKey.OP_WRITE);
            Thread waiting = writer;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    private void disarm(int op) {
        try {
            key.interestOpsAnd(~op);
        } catch (CancelledKeyException e) {
            // Closed: nothing to wait for any more.
        }
    }

    /** The socket was closed: whoever waits on it wakes and finds it closed. Any thread. */
    void wakeAll() {
        Thread waiting = reader;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
        waiting = writer;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    /**
     * A server closes first (RFC 6455 7.1.1): half-closes and discards what the client still sends
     * until its FIN, {@code nanos} or {@link Linger#MAX_BYTES}, the way {@link Linger} does for a
     * blocking socket.
     */
    void linger(long nanos) {
        long deadline = System.nanoTime() + nanos;
        try {
            channel.shutdownOutput();
            ByteBuffer discard = ByteBuffer.allocate(512);
            for (int total = 0; total < Linger.MAX_BYTES; ) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                discard.clear();
                int n = read(discard, left);
                if (n <= 0) {
                    return;
                }
                total += n;
            }
        } catch (IOException e) {
            // Reset or closed: the socket is closed next either way.
        }
    }
}
