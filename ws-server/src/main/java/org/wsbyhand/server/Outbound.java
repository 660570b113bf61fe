package org.wsbyhand.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.Connection;

/**
 * The write side of one session: the bytes a {@link Connection} queued, written to the socket by a
 * short-lived writer virtual thread so that no sender ever blocks on a slow client.
 *
 * <p>Senders queue frames into the connection under the session lock and call {@link #flush()};
 * if no writer is running, one is started. The writer takes the queued buffers under the lock and
 * writes them without it, coalescing small buffers into one write, and ends when the queue is
 * empty. So at most one thread writes to the socket at a time, frames keep their order, and an idle
 * session has no writer thread at all. Unsent bytes ({@link #queuedBytes()}) are the connection's
 * queue plus the batch being written; the session checks them against its bound.
 *
 * <p>All methods except the writer itself are called with the session lock held.
 */
final class Outbound {
    private static final Logger log = LoggerFactory.getLogger(Outbound.class);
    /** Buffers smaller than this are copied into one write; larger ones are written directly. */
    private static final int COALESCE_BYTES = 8 * 1024;

    private final ReentrantLock lock;
    private final Condition drained;
    private final Connection connection;
    private final OutputStream out;
    private final Counters counters;
    private final Runnable abort;
    private final String name;

    private boolean writing;
    private long inFlight;
    private long highWater;
    private boolean broken;

    Outbound(ReentrantLock lock, Connection connection, OutputStream out, Counters counters, Runnable abort, String name) {
        this.lock = lock;
        this.drained = lock.newCondition();
        this.connection = connection;
        this.out = out;
        this.counters = counters;
        this.abort = abort;
        this.name = name;
    }

    /** Bytes queued and not yet written. Lock held. */
    long queuedBytes() {
        return connection.outboundBytes() + inFlight;
    }

    /** The most unsent bytes this session ever held, observed after each queueing. Lock held. */
    long highWater() {
        return highWater;
    }

    /** Starts a writer if there is something to write and none is running. Lock held. */
    void flush() {
        highWater = Math.max(highWater, queuedBytes());
        if (!writing && !broken && connection.hasOutbound()) {
            writing = true;
            Thread.ofVirtual().name(name).start(this::writeAll);
        }
    }

    /**
     * Waits until everything queued so far is written, the socket failed, or the time is up. Lock
     * held (released while waiting). Returns whether everything was written.
     */
    boolean awaitDrained(long nanos) throws InterruptedException {
        while ((writing || connection.hasOutbound()) && !broken) {
            if (nanos <= 0) {
                return false;
            }
            if (!writing) {
                flush();
            }
            nanos = drained.awaitNanos(nanos);
        }
        return !broken;
    }

    /** Whether a write failed; nothing more is written then. Lock held. */
    boolean isBroken() {
        return broken;
    }

    private void writeAll() {
        ArrayDeque<ByteBuffer> batch = new ArrayDeque<>();
        byte[] scratch = null;
        while (true) {
            long batchBytes = 0;
            lock.lock();
            try {
                ByteBuffer next;
                while (!broken && (next = connection.pollOutbound()) != null) {
                    batch.add(next);
                    batchBytes += next.remaining();
                }
                inFlight = batchBytes;
                if (batch.isEmpty()) {
                    writing = false;
                    drained.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                // Coalescing needs a scratch array only for several buffers, and only as big as they are.
                int wanted = (int) Math.max(1, Math.min(COALESCE_BYTES, batchBytes));
                boolean copies = batch.size() > 1 || !batch.peek().hasArray();
                if (copies && (scratch == null || scratch.length < wanted)) {
                    scratch = new byte[wanted];
                }
                write(batch, scratch);
            } catch (IOException e) {
                batch.clear();
                log.debug("{}: write failed: {}", name, e.toString());
                lock.lock();
                try {
                    broken = true;
                } finally {
                    lock.unlock();
                }
                abort.run();
            }
        }
    }

    private void write(ArrayDeque<ByteBuffer> batch, byte[] scratch) throws IOException {
        if (batch.size() == 1 && batch.peek().hasArray()) {
            // One buffer (a lone reply, a broadcast frame): write it as it is, no copy.
            ByteBuffer only = batch.poll();
            out.write(only.array(), only.arrayOffset() + only.position(), only.remaining());
            out.flush();
            counters.bytesOut.add(only.remaining());
            return;
        }
        int filled = 0;
        long total = 0;
        ByteBuffer buffer;
        while ((buffer = batch.poll()) != null) {
            int length = buffer.remaining();
            total += length;
            if (length <= scratch.length - filled) {
                buffer.duplicate().get(scratch, filled, length);
                filled += length;
                continue;
            }
            if (filled > 0) {
                out.write(scratch, 0, filled);
                filled = 0;
            }
            if (length <= scratch.length) {
                buffer.duplicate().get(scratch, 0, length);
                filled = length;
            } else if (buffer.hasArray()) {
                out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
            } else {
                ByteBuffer view = buffer.duplicate();
                while (view.hasRemaining()) {
                    int chunk = Math.min(view.remaining(), scratch.length);
                    view.get(scratch, 0, chunk);
                    out.write(scratch, 0, chunk);
                }
            }
        }
        if (filled > 0) {
            out.write(scratch, 0, filled);
        }
        out.flush();
        counters.bytesOut.add(total);
    }
}
