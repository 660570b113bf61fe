package org.wsbyhand.session.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.wsbyhand.protocol.Connection;

/**
 * A {@link Transport} in memory, for tests without sockets. Reads take the chunks a test pushes, one
 * chunk per read (as long as it fits the reader's buffer), so a test decides what arrives "in one
 * read"; {@link #pushEof()} ends the stream and {@link #pushReadFailure} makes a read throw. Writes
 * append to a buffer the test decodes with {@link ServerFrames}; {@link #blockWrites()} makes them
 * wait (a peer that does not read) until {@link #releaseWrites()} or {@link #abort()}, and
 * {@link #failWrites} makes them throw (a reset).
 */
final class MemoryTransport implements Transport {
    private static final Object EOF = new Object();

    private final BlockingQueue<Object> incoming = new LinkedBlockingQueue<>();
    // The reader's own.
    private byte[] pending;
    private int pendingOffset;
    private boolean ended;

    private final ByteArrayOutputStream written = new ByteArrayOutputStream(); // guarded by itself
    private volatile CountDownLatch writeBlock;
    private volatile IOException writeFailure;
    private volatile boolean aborted;

    final AtomicInteger readsStarted = new AtomicInteger();
    final AtomicInteger writesStarted = new AtomicInteger();
    final AtomicInteger writesCompleted = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    final List<Connection.TransportAction> finishes = new CopyOnWriteArrayList<>();
    /** The name of the thread of every write, in order. */
    final List<String> writerThreads = new CopyOnWriteArrayList<>();

    /** Bytes that arrive in one read each. */
    void push(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            incoming.add(chunk.clone());
        }
    }

    /** The peer ends the stream: the read after the chunks pushed before returns -1. */
    void pushEof() {
        incoming.add(EOF);
    }

    /** The read after the chunks pushed before throws {@code failure}. */
    void pushReadFailure(IOException failure) {
        incoming.add(failure);
    }

    /** From now on writes block until {@link #releaseWrites()} (or {@link #abort()}). */
    void blockWrites() {
        writeBlock = new CountDownLatch(1);
    }

    /** Lets blocked and later writes through. */
    void releaseWrites() {
        CountDownLatch block = writeBlock;
        writeBlock = null;
        if (block != null) {
            block.countDown();
        }
    }

    /** From now on writes throw {@code failure} (a reset connection). */
    void failWrites(IOException failure) {
        writeFailure = failure;
    }

    boolean aborted() {
        return aborted;
    }

    /** Everything written so far. */
    byte[] written() {
        synchronized (written) {
            return written.toByteArray();
        }
    }

    /** The complete frames written so far, decoded. */
    List<ServerFrames.Frame> frames() {
        return ServerFrames.decode(written());
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        readsStarted.incrementAndGet();
        if (pending == null) {
            if (ended || aborted) {
                return -1;
            }
            Object item;
            try {
                item = incoming.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (item == EOF || aborted) {
                ended = true;
                return -1;
            }
            if (item instanceof IOException failure) {
                throw failure;
            }
            pending = (byte[]) item;
            pendingOffset = 0;
        }
        int n = Math.min(length, pending.length - pendingOffset);
        System.arraycopy(pending, pendingOffset, buffer, offset, n);
        pendingOffset += n;
        if (pendingOffset == pending.length) {
            pending = null;
        }
        return n;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        writesStarted.incrementAndGet();
        writerThreads.add(Thread.currentThread().getName());
        CountDownLatch block = writeBlock;
        if (block != null) {
            try {
                block.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
        if (aborted) {
            throw new IOException("transport aborted");
        }
        IOException failure = writeFailure;
        if (failure != null) {
            throw failure;
        }
        synchronized (written) {
            written.write(buffer, offset, length);
        }
        writesCompleted.incrementAndGet();
    }

    @Override
    public void abort() {
        aborted = true;
        aborts.incrementAndGet();
        incoming.add(EOF); // wakes a blocked read
        CountDownLatch block = writeBlock;
        if (block != null) {
            block.countDown(); // a blocked write fails
        }
    }

    @Override
    public void finish(Connection.TransportAction action, long nanos) {
        finishes.add(action);
    }
}
