package org.wsbyhand.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.session.core.Transport;

/**
 * A session's {@link Transport} over an accepted socket, with the server's two policies on reading:
 *
 * <ul>
 *   <li><b>Thread release.</b> Reads block without a timeout while the session is busy. A quiet session
 *       (its last two reads a release delay or more apart, or none yet) reads with the release delay as
 *       timeout; when it passes, {@link Owner#release()} may park the socket on the server's
 *       {@link IdleWatcher}, and the read returns {@link Transport#RELEASED}. A timed read costs a timer
 *       entry, about a third of a small echo, so busy sessions never pay it.</li>
 *   <li><b>Busy readers.</b> A reader whose reads never wait never blocks, and a virtual thread that
 *       never blocks keeps its carrier: after a slice of work without waiting it takes a turn of
 *       {@link BusyReaders}.</li>
 * </ul>
 *
 * <p>On a {@link CarrierLoop} ({@link #enterLoop}) the socket is read and written through a
 * {@link LoopChannel} instead of its streams; a quiet read is a timed wait on the loop, and a reader
 * that worked a slice without waiting yields to the loop's other sessions, since the loop is its
 * only carrier.
 */
final class SocketTransport implements Transport {
    /** A reader that has read this long without its reads waiting takes a turn of {@link BusyReaders}. */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A read that took longer than this waited for bytes (parked), giving others the carrier. */
    private static final long WAITED_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    /** The connection that may park the socket. */
    interface Owner {
        /** The session was quiet for the release delay: true when its thread was given back. */
        boolean release();

        /** Drops the socket. */
        void abort();
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Owner owner;
    private final BusyReaders.Turn busy;
    private final long releaseNanos;
    private final int releaseMillis;
    /** The socket on its carrier loop, once the session runs there; else null (blocking streams). */
    private volatile LoopChannel looped;

    // The reading thread's own.
    private boolean quiet;
    private boolean timedReads;
    private long previousRead;
    private long runningSince;

    SocketTransport(Socket socket, Owner owner, BusyReaders.Turn busy, long releaseNanos) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.owner = owner;
        this.busy = busy;
        this.releaseNanos = releaseNanos;
        this.releaseMillis = (int) Math.clamp(TimeUnit.NANOSECONDS.toMillis(releaseNanos), 1, Integer.MAX_VALUE);
        readerStarted();
    }

    /** A (new) thread starts reading: it has not read yet, so it is quiet. */
    void readerStarted() {
        quiet = releaseNanos > 0;
        timedReads = false;
        previousRead = 0;
        runningSince = System.nanoTime();
    }

    /**
     * From now on the socket is read and written through {@code channel} on its carrier loop. Called
     * once, by the session's first thread, after the 101 is written and before the session reads.
     */
    void enterLoop(LoopChannel channel) {
        this.looped = channel;
    }

    /** The socket on its carrier loop, or null. */
    LoopChannel looped() {
        return looped;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        LoopChannel channel = looped;
        if (channel != null) {
            return readOnLoop(channel, buffer, offset, length);
        }
        while (true) {
            if (quiet != timedReads) {
                socket.setSoTimeout(quiet ? releaseMillis : 0);
                timedReads = quiet;
            }
            long started = System.nanoTime();
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (SocketTimeoutException e) {
                if (owner.release()) {
                    busy.leave();
                    return RELEASED;
                }
                continue;
            }
            long now = System.nanoTime();
            if (n < length && now - started > WAITED_NANOS) {
                // The read waited for bytes (a full one never did): the carrier was free meanwhile.
                runningSince = started;
                busy.leave();
            }
            quiet = releaseNanos > 0 && now - previousRead >= releaseNanos;
            previousRead = now;
            checkSlice(now);
            return n;
        }
    }

    private int readOnLoop(LoopChannel channel, byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer into = ByteBuffer.wrap(buffer, offset, length);
        while (true) {
            long started = System.nanoTime();
            int n = channel.read(into, quiet ? releaseNanos : 0);
            long now = System.nanoTime();
            if (n == 0) { // a quiet session's wait passed without bytes
                if (owner.release()) {
                    return RELEASED;
                }
                continue;
            }
            if (now - started > WAITED_NANOS) {
                runningSince = started; // it parked: the loop ran others meanwhile
            }
            quiet = releaseNanos > 0 && now - previousRead >= releaseNanos;
            previousRead = now;
            checkSlice(now);
            return n;
        }
    }

    @Override
    public void dispatched() {
        checkSlice(System.nanoTime());
    }

    private void checkSlice(long now) {
        if (now - runningSince > SLICE_NANOS) {
            if (looped != null) {
                Thread.yield(); // to the back of the loop's queue, behind the sessions it woke meanwhile
            } else {
                busy.nextSlice(SLICE_NANOS);
            }
            runningSince = System.nanoTime();
        }
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        LoopChannel channel = looped;
        if (channel != null) {
            channel.write(ByteBuffer.wrap(buffer, offset, length));
            return;
        }
        out.write(buffer, offset, length);
        out.flush();
    }

    @Override
    public void abort() {
        owner.abort();
    }

    /** The socket was closed: a thread waiting on the carrier loop wakes and finds it closed. Any thread. */
    void closed() {
        LoopChannel channel = looped;
        if (channel != null) {
            channel.wakeAll();
        }
    }

    /** The reading thread stops (the session ended): its turn goes to the next reader. Reader thread. */
    void readerStopped() {
        busy.leave();
    }

    /** A server closes first (RFC 6455 7.1.1): half-close, read what is left until the client's FIN, bounded. */
    @Override
    public void finish(Connection.TransportAction action, long nanos) {
        LoopChannel channel = looped;
        if (channel != null) {
            channel.linger(nanos);
            return;
        }
        Linger.shutdown(socket, nanos, Linger.MAX_BYTES);
    }
}
