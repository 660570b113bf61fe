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
 * short-lived writer virtual thread so that no sender ever blocks on a slow client, or by the
 * session's reader itself for the replies to what it just read.
 *
 * <p>Senders queue frames into the connection under the session lock and call {@link #flush()};
 * if no writer is running, one is started. The writer takes the queued buffers under the lock and
 * writes them without it, coalescing small buffers into one write, and ends when the queue is
 * empty. So at most one thread writes to the socket at a time, frames keep their order, and an idle
 * session has no writer thread at all. Unsent bytes ({@link #queuedBytes()}) are the connection's
 * queue plus the batch being written; the session checks them against its bound.
 *
 * <p>The reader's batch: while the reader dispatches the messages of one read
 * ({@link #beginReaderBatch()} .. {@link #endReaderBatch()}), what it queues itself (handler replies,
 * pongs, close echoes) starts no writer; at the end, if no writer is running and at most
 * {@link #READER_WRITE_MAX} bytes wait, the reader writes them in one write and goes back to
 * reading. That saves a thread start and a scheduling round trip per read, which is most of the
 * cost of a small echo. Larger replies, and anything queued while the reader writes, go to a writer
 * thread, so a big reply never stops the session from reading. A reader write blocks only when the
 * peer stops reading; the unanswered keepalive ping then closes the session (1011) and the close
 * timeout drops its socket, which ends the write.
 *
 * <p>All methods except the writer itself and {@link #endReaderBatch()} are called with the
 * session lock held.
 */
final class Outbound {
    private static final Logger log = LoggerFactory.getLogger(Outbound.class);
    /** Buffers smaller than this are copied into one write; larger ones are written directly. */
    private static final int COALESCE_BYTES = 8 * 1024;
    /** The most bytes the reader writes itself at the end of a read; more go to a writer thread. */
    static final int READER_WRITE_MAX = 64 * 1024;

    private final ReentrantLock lock;
    /** Created by the first {@link #awaitDrained} (a session's end), so live sessions do not carry it. */
    private Condition drained;
    private final Connection connection;
    private final OutputStream out;
    private final Counters counters;
    private final Owner owner;
    private final long id;
    private final SessionMemory memory;
    private String writerName;

    private boolean writing;
    private long inFlight;
    private long highWater;
    private boolean broken;
    private Thread reader;
    private boolean readerBatch;
    /** Whether the session's reader is running, releasing its thread, or parked (see {@link IdleWatcher}). */
    private ReaderState readerState = ReaderState.ACTIVE;
    private boolean wakeWhenParked;
    /** Batches written since the reader last asked to release its thread. */
    private int batchesSinceReleaseCheck;
    /** Data messages queued since the last batch was taken; counted in {@link Counters} per batch. */
    private long uncountedMessages;

    Outbound(ReentrantLock lock, Connection connection, OutputStream out, Counters counters, Owner owner, long id,
            SessionMemory memory) {
        this.memory = memory;
        this.lock = lock;
        this.connection = connection;
        this.out = out;
        this.counters = counters;
        this.owner = owner;
        this.id = id;
    }

    /** Bytes queued and not yet written. Lock held. */
    long queuedBytes() {
        return connection.outboundBytes() + inFlight;
    }

    /** The most unsent bytes this session ever held, observed after each queueing. Lock held. */
    long highWater() {
        return highWater;
    }

    /**
     * Starts a writer if there is something to write and none is running, unless the reader is
     * queueing the replies to its current read (it writes those itself). Lock held.
     */
    void flush() {
        highWater = Math.max(highWater, queuedBytes());
        if (readerState != ReaderState.ACTIVE) {
            // A parked session's socket is in non-blocking mode: its reader comes back to write.
            if (connection.hasOutbound()) {
                requestWake();
            }
            return;
        }
        if (!writing && !broken && connection.hasOutbound()
                && !(readerBatch && Thread.currentThread() == reader)) {
            startWriter();
        }
    }

    private void startWriter() {
        writing = true;
        String name = writerName;
        if (name == null) {
            // Made on the first start only: sessions that never need a writer do not carry it.
            name = "ws-writer-" + id;
            writerName = name;
        }
        Thread.ofVirtual().name(name).start(() -> writeAll(false));
    }

    /** The thread that reads this session, which may write its own replies. Lock not needed. */
    void setReader(Thread thread) {
        lock.lock();
        try {
            reader = thread;
        } finally {
            lock.unlock();
        }
    }

    /** What the reader of a session without a thread is doing. */
    enum ReaderState { ACTIVE, RELEASING, PARKED, WAKING }

    /** The connection this writes for. */
    interface Owner {
        /** Drops the socket (a write failed). */
        void abort();

        /** Brings the parked reader back on a thread of its own (called under the session lock). */
        void wakeParked();
    }

    /**
     * The reader asks to release its thread: allowed when nothing is queued, being written or
     * dispatched. Lock held. From now on, flushes wake the reader instead of starting a writer.
     */
    boolean tryRelease() {
        if (readerState != ReaderState.ACTIVE || writing || broken || readerBatch || connection.hasOutbound()) {
            return false;
        }
        if (batchesSinceReleaseCheck > 0) {
            // Written to during the reader's last wait: not idle yet (a session that only receives
            // a steady stream of broadcasts keeps its thread instead of being woken for each).
            batchesSinceReleaseCheck = 0;
            return false;
        }
        readerState = ReaderState.RELEASING;
        return true;
    }

    /** The reader's socket is registered with the watcher; its thread ends now. Lock held. */
    void parked() {
        readerState = ReaderState.PARKED;
        reader = null;
        counters.parkedSessions.incrementAndGet();
        if (wakeWhenParked) {
            wakeWhenParked = false;
            requestWake();
        }
    }

    /** The watcher wakes the parked reader; true the first time only. Lock held. */
    boolean claimWake() {
        if (readerState != ReaderState.PARKED) {
            return false;
        }
        readerState = ReaderState.WAKING;
        return true;
    }

    /** Something must be sent (or the session closed): bring the reader back. Lock held. */
    void requestWake() {
        if (readerState == ReaderState.PARKED) {
            readerState = ReaderState.WAKING;
            owner.wakeParked();
        } else if (readerState == ReaderState.RELEASING) {
            wakeWhenParked = true;
        }
    }

    /** A reader runs again on {@code thread} (after a release, or a release that failed). Lock held. */
    void resumed(Thread thread) {
        if (readerState == ReaderState.WAKING) {
            counters.parkedSessions.decrementAndGet();
        }
        reader = thread;
        readerState = ReaderState.ACTIVE;
        wakeWhenParked = false;
        flush();
    }

    /** One more data message queued (for {@link ServerStats#messagesOut()}). Lock held. */
    void countMessage() {
        uncountedMessages++;
    }

    /** Adds the messages queued but never taken by a writer to the counters (the session ended). Lock held. */
    void settleCounts() {
        counters.messagesOut.add(uncountedMessages);
        uncountedMessages = 0;
    }

    /** The reader starts handing one read to the connection. Lock held. */
    void beginReaderBatch() {
        readerBatch = true;
    }

    /**
     * The reader has dispatched every message of its read: it writes what was queued meanwhile, if
     * no writer is running and it is small, else leaves it to a writer thread. Lock NOT held.
     */
    void endReaderBatch() {
        lock.lock();
        try {
            readerBatch = false;
            if (writing || broken || !connection.hasOutbound()) {
                return;
            }
            if (connection.outboundBytes() > READER_WRITE_MAX) {
                startWriter();
                return;
            }
            writing = true;
        } finally {
            lock.unlock();
        }
        writeAll(true);
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
            if (drained == null) {
                drained = lock.newCondition();
            }
            nanos = drained.awaitNanos(nanos);
        }
        return !broken;
    }

    /** Whether a write failed; nothing more is written then. Lock held. */
    boolean isBroken() {
        return broken;
    }

    /**
     * Writes until the queue is empty; called with {@code writing} set by this thread. The reader
     * ({@code onReader}) writes one batch only and hands anything queued meanwhile to a writer thread.
     */
    private void writeAll(boolean onReader) {
        ArrayDeque<ByteBuffer> batch = new ArrayDeque<>();
        byte[] scratch = null;
        boolean first = true;
        while (true) {
            long batchBytes = 0;
            lock.lock();
            try {
                if (uncountedMessages > 0) {
                    counters.messagesOut.add(uncountedMessages);
                    uncountedMessages = 0;
                }
                if (onReader && !first && !broken && connection.hasOutbound()) {
                    inFlight = 0;
                    memory.settleOutbound(queuedBytes());
                    startWriter();
                    return;
                }
                first = false;
                ByteBuffer next;
                while (!broken && (next = connection.pollOutbound()) != null) {
                    batch.add(next);
                    batchBytes += next.remaining();
                }
                inFlight = batchBytes;
                memory.settleOutbound(queuedBytes()); // the previous batch is written: its bytes go back
                if (!batch.isEmpty()) {
                    batchesSinceReleaseCheck++;
                }
                if (batch.isEmpty()) {
                    writing = false;
                    if (drained != null) {
                        drained.signalAll();
                    }
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
            } catch (IOException | RuntimeException e) {
                batch.clear();
                if (e instanceof RuntimeException) {
                    log.warn("session {}: write failed unexpectedly", id, e);
                } else {
                    log.debug("session {}: write failed: {}", id, e.toString());
                }
                lock.lock();
                try {
                    broken = true;
                } finally {
                    lock.unlock();
                }
                owner.abort();
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
