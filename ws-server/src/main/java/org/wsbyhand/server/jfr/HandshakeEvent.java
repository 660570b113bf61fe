package org.wsbyhand.server.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * An upgrade request answered: with 101, or with the status it was refused with (404 without a
 * route, 403 for an origin, the upgrade hook's status, 408 when the head did not arrive in time,
 * ...). The event's duration runs from the first byte of the request head to the answer written.
 */
@Name("org.wsbyhand.Handshake")
@Label("WebSocket Handshake")
@Category({"ws-by-hand", "Server"})
@Description("An upgrade request answered with 101 or refused; from the head's first byte to the answer")
@StackTrace(false)
public final class HandshakeEvent extends Event {
    /** The request's path, percent-decoded; empty when the head could not be read. */
    @Label("Path")
    @Description("The request path, percent-decoded; empty when the head could not be read")
    public String path;

    /** The HTTP status answered: 101, or the refusal's. */
    @Label("Status")
    @Description("101, or the status of the refusal")
    public int status;

    /** The client's address and port. */
    @Label("Remote Address")
    @Description("The client's address and port")
    public String remoteAddress;

    /** An event with no fields set. */
    public HandshakeEvent() {}
}
