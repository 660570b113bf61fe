package org.wsbyhand.session.core;

import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.Violation;
import org.wsbyhand.session.OverflowPolicy;

/**
 * What the opener of a session learns about it besides what its handler hears, for metrics and
 * tracing: a slow consumer, a protocol violation, and the session's totals when it ends. Set on the
 * session's {@link Outbound} and {@link SessionLoop} before it runs; {@link #NONE} watches nothing.
 * No method is called holding the session lock. Implementations must not block or throw.
 */
public interface SessionObserver {
    /** An observer that does nothing. */
    SessionObserver NONE = new SessionObserver() {};

    /**
     * A send went over the session's bound on unsent bytes. Under {@link OverflowPolicy#CLOSE} the
     * session is closing with 1008; under {@link OverflowPolicy#DROP} the message was refused, and
     * this is called for the first refusal only until a later message fits again. Called on a thread
     * that sent to the session (or its reader, when the protocol's own frames overflowed it).
     *
     * @param bound the bound, {@code maxOutboundBytes}
     * @param queuedBytes the unsent bytes at that moment, without the refused message
     * @param policy what was done: the session closed, or the message dropped
     */
    default void slowConsumer(long bound, long queuedBytes, OverflowPolicy policy) {}

    /**
     * The peer broke a rule or a limit; the session is failing with {@code code}. Called on the
     * reader's thread, before the handler's {@code onError}.
     *
     * @param violation the rule
     * @param code the close code sent
     */
    default void protocolViolation(Violation violation, CloseCode code) {}

    /**
     * The session is over. Called on the reader's thread, once, after the opener's
     * {@link SessionLoop.Listener#ending()} and before the handler's {@code onError} and {@code onClose}.
     *
     * @param code the close code the handler hears
     * @param reason the close reason the handler hears
     * @param ending who closed first, or that it failed or the transport ended
     * @param totals what the session did
     */
    default void ended(CloseCode code, String reason, Connection.Ending ending, SessionTotals totals) {}
}
