package org.wsbyhand.session.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.session.MemoryBudgetException;
import org.wsbyhand.session.OverflowPolicy;
import org.wsbyhand.session.SlowConsumerException;

/**
 * The one owner of a session's outbound side: every call that queues bytes into the
 * {@link Connection} goes through it, and it keeps what goes with them: the bound on unsent bytes
 * and the overflow policy, the bytes being written ({@link #queuedBytes()}), the high water mark,
 * the count of messages out, the memory they hold, and who writes.
 *
 * <p><b>Who writes.</b> At most one thread writes at a time ({@code writing}). A send from any thread
 * starts a short-lived writer virtual thread that writes until the queue is empty, so no sender ever
 * blocks on a slow peer and an idle session has no writer. The reader is the exception: while it
 * dispatches one read's events ({@link #beginBatch(Thread)}..{@link #endBatch()}) what it queues starts no
 * writer, and at the end it writes up to {@value #READER_WRITE_MAX} bytes itself, in one write. That
 * saves a thread start per read, most of the cost of a small echo. The reader's write ends without
 * the lock: it clears {@code writing}, then looks at {@code queuedDuringWrite}, which a sender sets
 * before it tries to claim {@code writing}; both are volatile, so one of the two always sees the
 * other and no bytes are left behind.
 *
 * <p><b>Locks.</b> Everything but the writers' I/O runs holding the session's {@link SessionLock}, and
 * asserts it. An echo costs three acquisitions: the reader's read (feed, events), the handler's send,
 * and the end of the batch (take the bytes); the write itself ends without one.
 */
public final class Outbound {
    private static final Logger log = LoggerFactory.getLogger(Outbound.class);
    /** The most bytes the reader writes itself at the end of a batch; more go to a writer thread. */
    public static final int READER_WRITE_MAX = 64 * 1024;
    /** Buffers smaller than this are copied into one write; larger ones are written directly. */
    private static final int COALESCE_BYTES = 8 * 1024;
    /**
     * The largest close frame this side queues: a 2-byte header, a client's 4-byte mask key, and a
     * control frame's most payload (RFC 6455 5.5). Our own close frame may take a session this far
     * over its bound without making it a peer that "keeps sending after our close".
     */
    private static final long CLOSE_FRAME_MAX = 2 + 4 + 125;

    private final SessionLock lock;
    private final Connection connection;
    private final Transport transport;
    private final SessionCounters counters;
    private final SessionBudget budget;
    private final Termination termination;
    private final SessionClock clock;
    private final long maxOutboundBytes;
    private final OverflowPolicy policy;
    private final String name;
    private final CompressionCounts compression;
    private WriteGate gate = WriteGate.OPEN;
    private SessionObserver observer = SessionObserver.NONE;

    private final AtomicBoolean writing = new AtomicBoolean();
    private volatile boolean queuedDuringWrite;
    /** The reader's end-of-batch write reuses this (it empties it); only the reader, holding {@code writing}, touches it. */
    private final ArrayDeque<ByteBuffer> readerTaken = new ArrayDeque<>(4);
    /** Bytes taken from the connection and being written; written by the writing thread only. */
    private volatile long inFlight;
    private volatile int waiters;
    private Condition progress;
    private boolean broken;
    private Thread reader;
    private boolean batch;
    private long highWater;
    private long uncountedMessages;
    /** Batches written since the reader last asked whether the session is idle. */
    private int batchesSinceIdleCheck;
    /** Data messages queued over the session's life. */
    private long messagesQueued;
    /**
     * Bytes written over the session's life, by the thread that holds {@code writing}; the claim of
     * {@code writing} orders one writer's additions before the next one's.
     */
    private long bytesWritten;
    /** Under {@link OverflowPolicy#DROP}: a message was refused and none has fitted since. */
    private boolean dropping;
    /** A slow consumer found holding the lock, for {@link #reportOverflow()} to report once it is released. */
    private Overflow overflowFound;
    private volatile boolean overflowPending;

    /** What {@link SessionObserver#slowConsumer} is told. */
    private record Overflow(long queuedBytes, OverflowPolicy policy) {}

    /**
     * The outbound side of one session.
     *
     * @param lock the session's lock
     * @param connection the session's protocol state
     * @param transport where the bytes go
     * @param counters the shared counters
     * @param budget the session's memory
     * @param termination where a slow consumer or an exhausted budget is recorded
     * @param clock armed when this side's close frame is queued
     * @param maxOutboundBytes the bound on unsent bytes
     * @param policy what a send over the bound does
     * @param name the session's name, for threads and logs
     * @param deflate the session's permessage-deflate, for its statistics; null when not negotiated
     */
    public Outbound(SessionLock lock, Connection connection, Transport transport, SessionCounters counters,
            SessionBudget budget, Termination termination, SessionClock clock, long maxOutboundBytes,
            OverflowPolicy policy, String name, PerMessageDeflate deflate) {
        this.lock = lock;
        this.connection = connection;
        this.transport = transport;
        this.counters = counters;
        this.budget = budget;
        this.termination = termination;
        this.clock = clock;
        this.maxOutboundBytes = maxOutboundBytes;
        this.policy = policy;
        this.name = name;
        this.compression = deflate == null ? null : new CompressionCounts(deflate);
    }

    /**
     * Sets the gate writers wait at (before the session runs).
     *
     * @param gate the opener's gate
     */
    public void gate(WriteGate gate) {
        this.gate = gate;
    }

    /**
     * Sets who hears of slow consumers (before the session runs).
     *
     * @param observer the opener's observer
     */
    public void observer(SessionObserver observer) {
        this.observer = observer;
    }

    /**
     * The bound on unsent bytes.
     *
     * @return {@code maxOutboundBytes}
     */
    public long maxOutboundBytes() {
        return maxOutboundBytes;
    }

    /**
     * Bytes queued and not yet written: the connection's queue and the batch being written. Lock held.
     *
     * @return the unsent bytes
     */
    public long queuedBytes() {
        assert lock.held();
        return connection.outboundBytes() + inFlight;
    }

    /**
     * The most unsent bytes this session ever held. Lock held.
     *
     * @return the high water mark
     */
    public long highWater() {
        assert lock.held();
        return highWater;
    }

    /**
     * Queues a frame through {@code queue} when the session is open and the frame fits the bound and
     * the budget; over the bound, the policy decides (drop and count, or close with 1008). Takes
     * the lock.
     *
     * @param frameLength the frame's length on the wire
     * @param data whether it is a data message (counted in messages out)
     * @param queue the call that queues the frame into the connection
     * @return {@code true} when the frame was queued
     * @throws IllegalArgumentException when the frame is larger than the bound itself
     */
    public boolean send(long frameLength, boolean data, Consumer<Connection> queue) {
        if (frameLength > maxOutboundBytes) {
            throw new IllegalArgumentException("a " + frameLength + "-byte frame can never fit the session's"
                    + " outbound bound of " + maxOutboundBytes + " bytes (maxOutboundBytes)");
        }
        boolean queued;
        lock.lock();
        try {
            queued = queue(frameLength, data, queue);
        } finally {
            lock.unlock();
        }
        reportOverflow();
        return queued;
    }

    /** The critical section of {@link #send}. Lock held. */
    private boolean queue(long frameLength, boolean data, Consumer<Connection> queue) {
        if (connection.state() != Connection.State.OPEN) {
            return false;
        }
        if (queuedBytes() + frameLength > maxOutboundBytes) {
            if (policy == OverflowPolicy.DROP) {
                if (data) {
                    counters.messagesDropped.increment(); // data messages only, like messagesOut
                }
                if (!dropping) {
                    dropping = true;
                    found(OverflowPolicy.DROP);
                }
                return false;
            }
            overflow();
            return false;
        }
        if (!budget.reserveOutbound(frameLength)) {
            overBudget();
            return false;
        }
        queue.accept(connection);
        dropping = false;
        if (data) {
            uncountedMessages++;
            messagesQueued++;
        }
        afterCall();
        return true;
    }

    /** Remembers a slow consumer for {@link #reportOverflow()}, when someone observes. Lock held. */
    private void found(OverflowPolicy what) {
        if (observer != SessionObserver.NONE) {
            overflowFound = new Overflow(queuedBytes(), what);
            overflowPending = true;
        }
    }

    /**
     * Tells the observer of a slow consumer found while the lock was held, once; nothing to do
     * (one volatile read) in the usual case. Called after every critical section that can find one.
     * Lock NOT held.
     */
    public void reportOverflow() {
        if (!overflowPending) {
            return;
        }
        Overflow found;
        lock.lock();
        try {
            found = overflowFound;
            overflowFound = null;
            overflowPending = false;
        } finally {
            lock.unlock();
        }
        if (found != null) {
            observer.slowConsumer(maxOutboundBytes, found.queuedBytes(), found.policy());
        }
    }

    /**
     * A broadcast's shared compressed frame was queued (from the queueing call of {@link #send}):
     * counts its sizes, the session's compressor having been bypassed. Lock held.
     *
     * @param originalBytes the message's payload bytes
     * @param compressedBytes the compressed payload bytes sent
     */
    public void preparedCompressed(long originalBytes, long compressedBytes) {
        assert lock.held();
        compression.prepared(originalBytes, compressedBytes, counters);
    }

    /**
     * Starts the closing handshake (does nothing unless open). Takes the lock.
     *
     * @param code the close code
     * @param reason the reason
     */
    public void close(CloseCode code, String reason) {
        lock.lock();
        try {
            connection.close(code, reason);
            afterCall();
        } finally {
            lock.unlock();
        }
    }

    /**
     * After any call into the connection: counts compression, settles the budget, enforces the
     * bound and the budget on bytes the protocol queued by itself (pongs, close frames), arms the
     * close deadline when our close frame went into the queue, and gets a writer going. Lock held.
     */
    public void afterCall() {
        assert lock.held();
        if (compression != null) {
            compression.addTo(counters);
        }
        long queued = queuedBytes();
        highWater = Math.max(highWater, queued);
        boolean withinBudget = budget.settleOutbound(queued);
        Connection.State state = connection.state();
        if (state == Connection.State.OPEN && queued > maxOutboundBytes) {
            overflow();
        } else if (state == Connection.State.OPEN && !withinBudget) {
            overBudget();
        } else if (state != Connection.State.OPEN && (!withinBudget || queued > maxOutboundBytes + CLOSE_FRAME_MAX)) {
            // After our close the peer can still make us queue pongs; one that does so without reading is dropped.
            // Our own close frame alone does not count: a session at its bound must still be able to close.
            log.info("session {}: keeps sending after our close without reading, dropped", name);
            termination.transportGone();
            transport.abort();
        }
        if (connection.closeDeadlineStarted()) {
            clock.closeQueued();
        }
        flush(false);
    }

    /** Over the bound: close with 1008 (the policy is CLOSE, or the protocol's own frames overflowed). Lock held. */
    private void overflow() {
        log.info("session {}: over {} unsent bytes, closing with {}", name, maxOutboundBytes,
                CloseCode.POLICY_VIOLATION);
        termination.fail(new SlowConsumerException(maxOutboundBytes));
        counters.slowConsumers.increment();
        found(OverflowPolicy.CLOSE);
        closeFor(CloseCode.POLICY_VIOLATION, "too many unsent bytes");
    }

    /** The memory budget has no room for this session's unsent bytes: close with 1013. Lock held. */
    private void overBudget() {
        log.info("session {}: no room in the memory budget for its unsent bytes, closing with {}", name,
                CloseCode.TRY_AGAIN_LATER);
        termination.fail(new MemoryBudgetException());
        counters.memoryRefusals.increment();
        closeFor(CloseCode.TRY_AGAIN_LATER, "server memory budget exhausted");
    }

    /** Queues our close frame for a limit the session broke and starts its deadline. Lock held. */
    private void closeFor(CloseCode code, String reason) {
        connection.close(code, reason);
        budget.settleOutbound(queuedBytes());
        clock.closeQueued();
        flush(false);
    }

    /**
     * Gets a writer going for what is queued, unless the reader writes it at the end of its batch,
     * one is running, or the gate is closed (the reader flushes when it is back). Lock held.
     */
    private void flush(boolean evenInBatch) {
        if (broken || !connection.hasOutbound()) {
            return;
        }
        if (batch && !evenInBatch && Thread.currentThread() == reader) {
            return;
        }
        queuedDuringWrite = true; // before the claim: a reader finishing its write sees one or the other
        if (writing.get() || !gate.writable()) {
            return;
        }
        if (writing.compareAndSet(false, true)) {
            queuedDuringWrite = false;
            Thread.ofVirtual().name("ws-writer-" + name).start(() -> writeAll());
        }
    }

    /**
     * The reader starts handing one read to the connection and dispatching its events. Lock held.
     *
     * @param thread the reader's thread
     */
    public void beginBatch(Thread thread) {
        assert lock.held();
        reader = thread;
        batch = true;
    }

    /**
     * The reader dispatched every event of its read: it writes what was queued meanwhile itself when
     * it is small and no writer runs, else leaves it to a writer thread. Takes the lock once, and
     * not at all after the write unless a sender queued during it.
     */
    public void endBatch() {
        ArrayDeque<ByteBuffer> taken;
        long bytes;
        lock.lock();
        try {
            batch = false;
            if (broken || !connection.hasOutbound() || writing.get()) {
                return;
            }
            if (connection.outboundBytes() > READER_WRITE_MAX) {
                flush(false);
                return;
            }
            writing.set(true);
            queuedDuringWrite = false;
            taken = readerTaken;
            bytes = take(taken);
        } finally {
            lock.unlock();
        }
        boolean ok = write(taken, bytes, null);
        inFlight = 0;
        writing.set(false);
        if (!ok || queuedDuringWrite || waiters > 0) {
            lock.lock();
            try {
                budget.settleOutbound(queuedBytes());
                if (progress != null) {
                    progress.signalAll();
                }
                flush(false);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Takes every queued buffer into {@code into}; the bytes are in flight from now. Lock held. */
    private long take(ArrayDeque<ByteBuffer> into) {
        assert lock.held();
        if (uncountedMessages > 0) {
            counters.messagesOut.add(uncountedMessages);
            uncountedMessages = 0;
        }
        long bytes = 0;
        ByteBuffer next;
        while ((next = connection.pollOutbound()) != null) {
            into.add(next);
            bytes += next.remaining();
        }
        inFlight = bytes;
        if (bytes > 0) {
            batchesSinceIdleCheck++;
        }
        return bytes;
    }

    /** A writer thread: writes until the queue is empty. */
    private void writeAll() {
        ArrayDeque<ByteBuffer> taken = new ArrayDeque<>();
        byte[] scratch = null;
        while (true) {
            long bytes;
            lock.lock();
            try {
                queuedDuringWrite = false;
                inFlight = 0;
                budget.settleOutbound(connection.outboundBytes()); // the previous batch is written
                if (progress != null) {
                    progress.signalAll();
                }
                bytes = broken ? 0 : take(taken);
                if (bytes == 0) {
                    writing.set(false);
                    return;
                }
            } finally {
                lock.unlock();
            }
            if (scratch == null && (taken.size() > 1 || !taken.peek().hasArray())) {
                scratch = new byte[(int) Math.min(COALESCE_BYTES, Math.max(1, bytes))];
            }
            if (!write(taken, bytes, scratch)) {
                lock.lock();
                try {
                    inFlight = 0;
                    writing.set(false);
                    if (progress != null) {
                        progress.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
                return;
            }
        }
    }

    /** Writes a batch; on failure marks the session broken and drops the transport. Lock NOT held. */
    private boolean write(ArrayDeque<ByteBuffer> taken, long bytes, byte[] scratch) {
        try {
            if (taken.size() == 1 && taken.peek().hasArray()) {
                ByteBuffer only = taken.poll();
                transport.write(only.array(), only.arrayOffset() + only.position(), only.remaining());
            } else {
                if (scratch == null) {
                    scratch = new byte[(int) Math.min(COALESCE_BYTES, Math.max(1, bytes))];
                }
                writeCoalesced(taken, scratch);
            }
            counters.bytesOut.add(bytes);
            bytesWritten += bytes;
            return true;
        } catch (IOException | RuntimeException e) {
            taken.clear();
            if (e instanceof RuntimeException) {
                log.warn("session {}: write failed unexpectedly", name, e);
            } else {
                log.debug("session {}: write failed: {}", name, e.toString());
            }
            lock.lock();
            try {
                broken = true;
            } finally {
                lock.unlock();
            }
            termination.transportGone();
            transport.abort();
            return false;
        }
    }

    private void writeCoalesced(ArrayDeque<ByteBuffer> taken, byte[] scratch) throws IOException {
        int filled = 0;
        ByteBuffer buffer;
        while ((buffer = taken.poll()) != null) {
            int length = buffer.remaining();
            if (length <= scratch.length - filled) {
                buffer.duplicate().get(scratch, filled, length);
                filled += length;
                continue;
            }
            if (filled > 0) {
                transport.write(scratch, 0, filled);
                filled = 0;
            }
            if (length <= scratch.length) {
                buffer.duplicate().get(scratch, 0, length);
                filled = length;
            } else if (buffer.hasArray()) {
                transport.write(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
            } else {
                ByteBuffer view = buffer.duplicate();
                while (view.hasRemaining()) {
                    int chunk = Math.min(view.remaining(), scratch.length);
                    view.get(scratch, 0, chunk);
                    transport.write(scratch, 0, chunk);
                }
            }
        }
        if (filled > 0) {
            transport.write(scratch, 0, filled);
        }
    }

    /**
     * Waits until at most {@code bytes} are unsent, the transport failed, or the time is up; starts a
     * writer if needed (also from the reader's own batch). Takes the lock.
     *
     * @param bytes the most unsent bytes to wait for
     * @param nanos the longest wait
     * @return {@code true} when the unsent bytes are at most {@code bytes}; {@code false} when the time
     *     was up or a write failed (its bytes were never written)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitQueuedAtMost(long bytes, long nanos) throws InterruptedException {
        lock.lock();
        try {
            waiters++;
            try {
                while (true) {
                    if (broken) {
                        // A failed write drops its batch (inFlight goes back to 0): those bytes were
                        // never written, whatever queuedBytes() says now.
                        return false;
                    }
                    if (queuedBytes() <= bytes) {
                        return true;
                    }
                    if (nanos <= 0) {
                        return false;
                    }
                    flush(true);
                    if (progress == null) {
                        progress = lock.newCondition();
                    }
                    // In slices, as a safety net: every write that ends signals a waiter it sees.
                    long slice = Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(50));
                    nanos -= slice - progress.awaitNanos(slice);
                }
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether nothing waits to be written and no write is under way. Lock held.
     *
     * @return {@code true} when drained
     */
    public boolean drained() {
        assert lock.held();
        return broken || queuedBytes() == 0;
    }

    /**
     * Whether the session is idle enough for the reader to give back its thread: nothing queued or
     * being written, not in a batch, and no batch written since the last time it asked (a session
     * that only receives a steady stream of broadcasts keeps its thread). Lock held.
     *
     * @return {@code true} when the reader may leave
     */
    public boolean idle() {
        assert lock.held();
        if (batch || broken || writing.get() || connection.hasOutbound()) {
            return false;
        }
        if (batchesSinceIdleCheck > 0) {
            batchesSinceIdleCheck = 0;
            return false;
        }
        return true;
    }

    /**
     * The reader gives back its thread (the session parks): forget the thread, so that a parked
     * session keeps no ended thread reachable (about 300 bytes). The next batch names the new reader.
     * Lock held.
     */
    public void readerLeft() {
        assert lock.held();
        reader = null;
    }

    /** The reader is back after giving away its thread: write what waited for it. Lock held. */
    public void resumed() {
        assert lock.held();
        flush(false);
    }

    /**
     * Whether a write failed; nothing more is written then. Lock held.
     *
     * @return {@code true} after a failed write
     */
    public boolean broken() {
        assert lock.held();
        return broken;
    }

    /** The session ended: messages queued but never taken still count as sent. Lock held. */
    public void settleCounts() {
        assert lock.held();
        counters.messagesOut.add(uncountedMessages);
        uncountedMessages = 0;
    }

    /**
     * What the session did, its outbound side counted here and its inbound side by the reader.
     * Lock held.
     *
     * @param messagesIn data messages the reader received
     * @param bytesIn bytes the reader read
     * @return the session's totals
     */
    public SessionTotals totals(long messagesIn, long bytesIn) {
        assert lock.held();
        return new SessionTotals(messagesIn, bytesIn, messagesQueued, bytesWritten, highWater,
                Optional.ofNullable(compression).map(CompressionCounts::totals));
    }
}
