package org.wsbyhand.session;

import java.io.IOException;

/**
 * Passed to {@link WebSocketHandler#onError} when a session was closed because its client did not
 * read fast enough: sending another message would have taken the session's unsent bytes over its
 * outbound bound ({@code maxOutboundBytes} in the configuration), and the overflow policy was
 * {@link OverflowPolicy#CLOSE}. The session then sent close code 1008 (policy violation) and dropped
 * the connection if the peer did not answer within the close timeout.
 */
public final class SlowConsumerException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception stating the bound that was exceeded.
     *
     * @param maxOutboundBytes the session's bound on unsent bytes
     */
    public SlowConsumerException(long maxOutboundBytes) {
        super("client too slow: unsent bytes would exceed the outbound bound of " + maxOutboundBytes + " bytes");
    }
}
