package org.wsbyhand.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The other end of a {@link Connection} under test, reduced to bytes: it encodes the frames that
 * end sends (masked when it is a client) and decodes what the connection queued for it.
 */
final class Peer {

    /** The key a simulated client masks its frames with; any key will do, the connection must unmask. */
    static final int PEER_KEY = 0x5A17C0DE;

    private Peer() {}

    /** The bytes the peer of {@code receiver} sends for {@code frame}: masked towards a server. */
    static byte[] wire(Role receiver, Frame frame) {
        return receiver == Role.SERVER ? FrameEncoder.encodeMasked(frame, PEER_KEY) : FrameEncoder.encode(frame);
    }

    static byte[] wire(Role receiver, boolean fin, Opcode opcode, byte[] payload) {
        return wire(receiver, new Frame(fin, 0, opcode, payload));
    }

    static byte[] text(Role receiver, boolean fin, String text) {
        return wire(receiver, fin, Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] close(Role receiver, int code, String reason) {
        ByteBuffer payload = ByteBuffer.allocate(2 + reason.getBytes(StandardCharsets.UTF_8).length);
        payload.putShort((short) code).put(reason.getBytes(StandardCharsets.UTF_8));
        return wire(receiver, true, Opcode.CLOSE, payload.array());
    }

    /**
     * Everything the connection queued, decoded as its peer decodes it: a server's frames must be
     * unmasked and a client's masked, or the decoder throws.
     */
    static List<Frame> sent(Connection connection) {
        byte[] bytes = Wire.drain(connection);
        try {
            return FrameCollector.decode(new FrameDecoder(connection.role().peer(), Integer.MAX_VALUE),
                    List.of(ByteBuffer.wrap(bytes)));
        } catch (ProtocolException e) {
            throw new AssertionError("connection sent an invalid frame: " + e.getMessage(), e);
        }
    }

    /**
     * Feeds {@code data} to the connection, whose events must now end with a failure; returns the
     * failure's exception without polling anything (the events before it are still there).
     */
    static ProtocolException receiveFailing(Connection connection, ByteBuffer data) {
        connection.receive(data);
        if (!(connection.lastEvent() instanceof Event.Failure failure)) {
            throw new AssertionError("no failure event; last event " + connection.lastEvent());
        }
        return failure.exception();
    }

    /** A readable, comparable form of an event (records with arrays compare by identity). */
    static String describe(Event event) {
        return switch (event) {
            case Event.Text t -> "text " + t.text();
            case Event.Binary b -> "binary " + HexFormat.of().formatHex(b.data());
            case Event.Ping p -> "ping " + HexFormat.of().formatHex(p.payload());
            case Event.Pong p -> "pong " + HexFormat.of().formatHex(p.payload());
            case Event.Close c -> "close " + c.code().code() + " " + c.reason();
            case Event.Failure f -> failure(f.violation());
        };
    }

    static List<String> describe(List<Event> events) {
        List<String> out = new ArrayList<>(events.size());
        for (Event event : events) {
            out.add(describe(event));
        }
        return out;
    }

    /** The events a connection has, described. */
    static List<String> events(Connection connection) {
        return describe(Wire.events(connection));
    }

    static String text(String text) {
        return "text " + text;
    }

    static String binary(byte[] data) {
        return "binary " + HexFormat.of().formatHex(data);
    }

    static String ping(byte[] payload) {
        return "ping " + HexFormat.of().formatHex(payload);
    }

    static String pong(byte[] payload) {
        return "pong " + HexFormat.of().formatHex(payload);
    }

    static String close(int code, String reason) {
        return "close " + code + " " + reason;
    }

    static String failure(Violation violation) {
        return "failure " + violation;
    }

    /** The close code a close frame carries, or 1005 for an empty one. */
    static int closeCode(Frame frame) {
        if (frame.opcode() != Opcode.CLOSE) {
            throw new AssertionError("not a close frame: " + frame);
        }
        byte[] payload = frame.payload();
        return payload.length == 0 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    static String closeReason(Frame frame) {
        byte[] payload = frame.payload();
        return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
}
