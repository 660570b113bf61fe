package org.wsbyhand.server;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;

/**
 * One session's deadlines, which the protocol never reads a clock for: the heartbeat ping after
 * {@link ServerConfig#pingInterval()} of silence and its pong timeout, the idle timeout, and the
 * close timeout after our close frame.
 *
 * <p>Two threads share it: the session's reader records each read ({@link #read(long)}), and the
 * server's one timer thread runs {@link #check} a few times per shortest timeout, so deadlines are
 * met to within one timer tick and a blocked read never needs a timeout of its own.
 */
final class SessionClock {
    private static final Logger log = LoggerFactory.getLogger(SessionClock.class);

    // Written by the reader, read by the timer thread.
    private volatile long lastRead;
    // Written by the timer thread, read by the reader when the session ends.
    private volatile boolean peerUnresponsive;
    private volatile TimeoutException failure;
    // The timer thread's own.
    private boolean pingOutstanding;
    private long pingSentAt;
    private long closeDeadline;
    private long pings;

    /** Bytes arrived at {@code nanoTime}: the peer is alive. Reader thread. */
    void read(long nanoTime) {
        lastRead = nanoTime;
    }

    /**
     * Timer thread: pings a quiet session, closes an idle one with 1001 and one that does not
     * answer a ping with 1011, and drops the socket ({@code abort}) when the peer has not answered
     * our close within the close timeout, which also ends a read or write blocked on it.
     */
    void check(long now, ServerSession s, ServerConfig config, Runnable abort) {
        Connection.State state = s.state();
        if (state == Connection.State.CLOSED) {
            return;
        }
        if (state == Connection.State.CLOSE_SENT) {
            if (closeDeadline == 0) {
                closeDeadline = now + config.closeTimeout().toNanos();
            } else if (peerUnresponsive && s.drained()) {
                abort.run(); // our close frame is out; a peer that ignored our ping gets no more time
            } else if (now - closeDeadline >= 0) {
                log.debug("session {} ({}): no close frame within {}, dropping", s.id(), s.remoteAddress(),
                        config.closeTimeout());
                peerUnresponsive = true;
                abort.run();
            }
            return;
        }
        long last = lastRead;
        long idleTimeout = config.idleTimeout().toNanos();
        long pingInterval = config.pingInterval().toNanos();
        if (idleTimeout > 0 && now - last >= idleTimeout) {
            log.info("session {} ({}): nothing received for {}, closing", s.id(), s.remoteAddress(),
                    config.idleTimeout());
            s.close(CloseCode.GOING_AWAY, "idle timeout");
            return;
        }
        if (pingInterval <= 0) {
            return;
        }
        if (pingOutstanding && last - pingSentAt >= 0) {
            pingOutstanding = false; // something arrived since the ping: the peer is alive
        }
        if (pingOutstanding) {
            if (now - pingSentAt >= config.pongTimeout().toNanos()) {
                log.info("session {} ({}): no answer to a ping within {}, closing", s.id(), s.remoteAddress(),
                        config.pongTimeout());
                failure = new TimeoutException("no answer to a ping within " + config.pongTimeout());
                peerUnresponsive = true;
                s.close(CloseCode.INTERNAL_ERROR, "keepalive ping timeout");
            }
        } else if (now - last >= pingInterval) {
            pings++;
            pingSentAt = now;
            pingOutstanding = true;
            s.sendPing(ByteBuffer.allocate(8).putLong(pings).array());
        }
    }

    /** Whether the peer stopped answering (ping or close): the session ends without lingering for it. */
    boolean peerUnresponsive() {
        return peerUnresponsive;
    }

    /** The heartbeat's verdict when the peer never answered a ping, else null. */
    TimeoutException failure() {
        return failure;
    }
}
