package org.wsbyhand.session.core;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One session's deadlines, which the protocol never reads a clock for: the heartbeat ping after
 * {@code pingInterval} of silence and its pong timeout, the idle timeout, and the close timeout,
 * armed when this side's close frame is queued.
 *
 * <p>It decides and does nothing itself: {@link #check} says what is due and the caller acts on it,
 * so the rules can be tested with a clock the test moves ({@code nanoTime}). Three threads use it:
 * the reader records reads, whoever queues the close frame arms the close deadline (both
 * volatile), and one timer thread calls {@link #check}, which alone touches the ping state.
 */
public final class SessionClock {
    /** What {@link #check} found due. */
    public enum Due {
        /** Nothing. */
        NOTHING,
        /** The session has been quiet for the ping interval: send a ping. */
        PING,
        /** Nothing arrived within the idle timeout: close with 1001. */
        IDLE,
        /** Nothing arrived within the pong timeout of a ping: fail with 1011. */
        PING_UNANSWERED,
        /** Our close frame is out and the peer was found unresponsive before: drop the transport now. */
        DROP_UNRESPONSIVE,
        /** The close timeout passed since our close frame was queued: drop the transport. */
        CLOSE_TIMEOUT
    }

    /**
     * The timeouts a clock keeps; zero turns the ping or the idle timeout off.
     *
     * @param pingInterval quiet time before a ping
     * @param pongTimeout time to wait for anything after a ping
     * @param idleTimeout quiet time before the session is closed
     * @param closeTimeout time to wait for the peer after our close frame
     */
    public record Timeouts(Duration pingInterval, Duration pongTimeout, Duration idleTimeout, Duration closeTimeout) {}

    private final LongSupplier nanoTime;
    private final long pingInterval;
    private final long pongTimeout;
    private final long idleTimeout;
    private final long closeTimeout;

    private volatile long lastRead;
    /** When the close deadline passes; meaningful once {@link #closeArmed} is set. */
    private volatile long closeDeadline;
    private volatile boolean closeArmed;
    private volatile boolean unresponsive;
    // The timer thread's own.
    private boolean pingOutstanding;
    private long pingSentAt;
    private long pings;

    /**
     * A clock that starts now, as if the session had just read something.
     *
     * @param nanoTime the time source, {@code System::nanoTime} outside tests
     * @param timeouts the timeouts to keep
     */
    public SessionClock(LongSupplier nanoTime, Timeouts timeouts) {
        this.nanoTime = nanoTime;
        this.pingInterval = timeouts.pingInterval().toNanos();
        this.pongTimeout = timeouts.pongTimeout().toNanos();
        this.idleTimeout = timeouts.idleTimeout().toNanos();
        this.closeTimeout = timeouts.closeTimeout().toNanos();
        this.lastRead = nanoTime.getAsLong();
    }

    /**
     * The clock's time now.
     *
     * @return the time source's reading, in nanoseconds
     */
    public long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Bytes arrived: the peer is alive. Reader thread.
     *
     * @param now the time of the read
     */
    public void read(long now) {
        lastRead = now;
    }

    /** This side's close frame was queued: the close timeout runs from now. Any thread; the first call counts. */
    public void closeQueued() {
        if (!closeArmed) {
            closeDeadline = nanoTime.getAsLong() + closeTimeout;
            closeArmed = true;
        }
    }

    /**
     * Whether the close deadline is running.
     *
     * @return {@code true} once {@link #closeQueued()} was called
     */
    public boolean closeArmed() {
        return closeArmed;
    }

    /**
     * What is due at {@code now}. Timer thread. Once the close deadline is armed only it counts (no
     * more pings or idle checks); {@code drained} says whether everything queued has been written.
     *
     * @param now the time
     * @param drained whether nothing waits to be written
     * @return what the caller must do now
     */
    public Due check(long now, boolean drained) {
        if (closeArmed) {
            if (unresponsive && drained) {
                return Due.DROP_UNRESPONSIVE;
            }
            if (now - closeDeadline >= 0) {
                unresponsive = true;
                return Due.CLOSE_TIMEOUT;
            }
            return Due.NOTHING;
        }
        long last = lastRead;
        if (idleTimeout > 0 && now - last >= idleTimeout) {
            return Due.IDLE;
        }
        if (pingInterval <= 0) {
            return Due.NOTHING;
        }
        if (pingOutstanding && last - pingSentAt >= 0) {
            pingOutstanding = false; // something arrived since the ping: the peer is alive
        }
        if (pingOutstanding) {
            if (now - pingSentAt >= pongTimeout) {
                unresponsive = true;
                return Due.PING_UNANSWERED;
            }
            return Due.NOTHING;
        }
        if (now - last >= pingInterval) {
            pings++;
            pingSentAt = now;
            pingOutstanding = true;
            return Due.PING;
        }
        return Due.NOTHING;
    }

    /**
     * The payload for the ping {@link #check} asked for: its number, 8 bytes big-endian.
     *
     * @return a new ping payload
     */
    public byte[] pingPayload() {
        return java.nio.ByteBuffer.allocate(8).putLong(pings).array();
    }

    /**
     * Whether the peer stopped answering (a ping or our close): the session ends without lingering for it.
     *
     * @return {@code true} once a ping went unanswered or the close timeout passed
     */
    public boolean peerUnresponsive() {
        return unresponsive;
    }
}
