package org.wsbyhand.server.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A client broke a rule of RFC 6455 or RFC 7692, or a limit; its session fails with the rule's close code. */
@Name("org.wsbyhand.ProtocolViolation")
@Label("WebSocket Protocol Violation")
@Category({"ws-by-hand", "Server"})
@Description("A client broke a protocol rule or a limit; the session fails with the rule's close code")
@StackTrace(false)
public final class ProtocolViolationEvent extends Event {
    /** The session's id. */
    @Label("Session")
    @Description("The session's id")
    public String session;

    /** The path it was upgraded on. */
    @Label("Path")
    @Description("The path the session was upgraded on")
    public String path;

    /** The rule, a constant of {@link org.wsbyhand.protocol.Violation}. */
    @Label("Rule")
    @Description("The rule broken, a constant of org.wsbyhand.protocol.Violation")
    public String rule;

    /** The close code the session fails with. */
    @Label("Close Code")
    @Description("The close code the session fails with")
    public int closeCode;

    /** An event with no fields set. */
    public ProtocolViolationEvent() {}
}
