package org.wsbyhand.session;

/**
 * What a session does with a message that would take its unsent bytes over its outbound bound
 * ({@code maxOutboundBytes}): the peer is not reading as fast as the application sends.
 */
public enum OverflowPolicy {
    /**
     * Refuse the message and close the session with 1008 (policy violation); the handler's
     * {@code onError} gets a {@link SlowConsumerException}. The default: a peer that cannot keep
     * up is told so, and the messages it did get are a prefix of what was sent.
     */
    CLOSE,
    /**
     * Refuse the message, count it, and keep the session open: the send returns false and later
     * messages go out once the peer has read its way below the bound. For streams where a newer
     * message replaces an older one (prices, positions, presence), so a slow peer gets gaps rather
     * than a disconnect.
     */
    DROP
}
