package org.wsbyhand.server.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A WebSocket session ended: how, after how long, and what it carried each way. */
@Name("org.wsbyhand.SessionClosed")
@Label("WebSocket Session Closed")
@Category({"ws-by-hand", "Server"})
@Description("A WebSocket session ended: close code, who closed first, its duration and its traffic")
@StackTrace(false)
public final class SessionClosedEvent extends Event {
    /** The session's id. */
    @Label("Session")
    @Description("The session's id")
    public String session;

    /** The path it was upgraded on. */
    @Label("Path")
    @Description("The path the session was upgraded on")
    public String path;

    /** The client's address and port. */
    @Label("Remote Address")
    @Description("The client's address and port")
    public String remoteAddress;

    /** The close code the handler heard (1006 when the transport ended without a closing handshake). */
    @Label("Close Code")
    @Description("The close code the handler heard; 1006 when the transport ended without a closing handshake")
    public int closeCode;

    /** The close reason the handler heard. */
    @Label("Close Reason")
    @Description("The close reason the handler heard")
    public String closeReason;

    /**
     * Who closed first: {@code LOCAL_CLOSE} (the server, and the client answered), {@code PEER_CLOSE}
     * (the client), {@code FAILURE} (the client broke the protocol or a limit) or
     * {@code TRANSPORT_ENDED} (the connection ended before a closing handshake completed).
     */
    @Label("Closed By")
    @Description("LOCAL_CLOSE, PEER_CLOSE, FAILURE or TRANSPORT_ENDED")
    public String closedBy;

    /** From the 101 to the end of the session. */
    @Label("Session Duration")
    @Description("From the 101 response to the end of the session")
    @Timespan(Timespan.NANOSECONDS)
    public long sessionDuration;

    /** Data messages received. */
    @Label("Messages In")
    @Description("Text and binary messages received")
    public long messagesIn;

    /** Data messages sent. */
    @Label("Messages Out")
    @Description("Text and binary messages queued for sending")
    public long messagesOut;

    /** Bytes read from the socket after the 101. */
    @Label("Bytes In")
    @Description("Bytes read from the socket after the 101")
    @DataAmount(DataAmount.BYTES)
    public long bytesIn;

    /** Bytes written to the socket after the 101. */
    @Label("Bytes Out")
    @Description("Bytes written to the socket after the 101")
    @DataAmount(DataAmount.BYTES)
    public long bytesOut;

    /** The most unsent bytes the session held at once. */
    @Label("Send Queue High Water")
    @Description("The most unsent bytes the session held at once")
    @DataAmount(DataAmount.BYTES)
    public long outboundHighWater;

    /** Whether permessage-deflate was negotiated. */
    @Label("Compressed")
    @Description("Whether permessage-deflate was negotiated")
    public boolean compressed;

    /** Inflated over received payload bytes of the compressed messages received; 0 when none. */
    @Label("Compression Ratio In")
    @Description("Inflated over received payload bytes of compressed messages received; 0 when none")
    public double compressionRatioIn;

    /** Original over sent payload bytes of the compressed messages sent; 0 when none. */
    @Label("Compression Ratio Out")
    @Description("Original over sent payload bytes of compressed messages sent; 0 when none")
    public double compressionRatioOut;

    /** An event with no fields set. */
    public SessionClosedEvent() {}
}
