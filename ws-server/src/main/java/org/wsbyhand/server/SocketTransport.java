package org.wsbyhand.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
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

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
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

    @Override
    public void dispatched() {
        checkSlice(System.nanoTime());
    }

    private void checkSlice(long now) {
        if (now - runningSince > SLICE_NANOS) {
            busy.nextSlice(SLICE_NANOS);
            runningSince = System.nanoTime();
        }
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
        out.flush();
    }

    @Override
    public void abort() {
        owner.abort();
    }

    /** The reading thread stops (the session ended): its turn goes to the next reader. Reader thread. */
    void readerStopped() {
        busy.leave();
    }

    /** A server closes first (RFC 6455 7.1.1): half-close, read what is left until the client's FIN, bounded. */
    @Override
    public void finish(Connection.TransportAction action, long nanos) {
        Linger.shutdown(socket, nanos, Linger.MAX_BYTES);
    }
}
