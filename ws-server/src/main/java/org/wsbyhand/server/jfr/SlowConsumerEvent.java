package org.wsbyhand.server.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A send went over a session's bound on unsent bytes ({@code maxOutboundBytes}): the session is
 * closed with 1008 ({@code CLOSE}), or the message dropped ({@code DROP}; one event for the first
 * refused message, none more until a message fits again).
 */
@Name("org.wsbyhand.SlowConsumer")
@Label("WebSocket Slow Consumer")
@Category({"ws-by-hand", "Server"})
@Description("A send went over a session's bound on unsent bytes: the session closed (CLOSE) or the message dropped (DROP)")
@StackTrace(false)
public final class SlowConsumerEvent extends Event {
    /** The session's id. */
    @Label("Session")
    @Description("The session's id")
    public String session;

    /** The path it was upgraded on. */
    @Label("Path")
    @Description("The path the session was upgraded on")
    public String path;

    /** The bound, {@code maxOutboundBytes}. */
    @Label("Bound")
    @Description("The bound on unsent bytes, maxOutboundBytes")
    @DataAmount(DataAmount.BYTES)
    public long bound;

    /** The unsent bytes at that moment, the refused message not included. */
    @Label("Queued Bytes")
    @Description("The unsent bytes at that moment, the refused message not included")
    @DataAmount(DataAmount.BYTES)
    public long queuedBytes;

    /** {@code CLOSE} or {@code DROP}. */
    @Label("Policy")
    @Description("CLOSE (closed with 1008) or DROP (message refused)")
    public String policy;

    /** An event with no fields set. */
    public SlowConsumerEvent() {}
}
