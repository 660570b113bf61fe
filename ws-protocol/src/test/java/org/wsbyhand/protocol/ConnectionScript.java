package org.wsbyhand.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.protocol.deflate.DeflateParameters;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * Plays a fuzzer's script against one {@link Connection}: bytes from the peer in chunks of the
 * script's choosing, polls of events and of outbound buffers, and the application's sends, closes
 * and transport end, in any order. Shared by {@link ConnectionFuzzTest} and
 * {@link ConnectionDeflateFuzzTest}, which differ only in whether permessage-deflate was agreed.
 *
 * <p>Script layout after the configuration bytes: a sequence of operations, each an operation byte
 * {@code op} (its value modulo {@value #OPERATIONS} selects the operation) followed by its
 * arguments; see the {@code OP_} constants. {@code SeedCorpus} writes scripts in this layout.
 *
 * <p>What is checked, after every operation or at the end:
 * <ul>
 *   <li>{@link Connection#receive} throws nothing; a violation becomes one {@link Event.Failure}
 *       with a {@link Violation}, at most once, and no event is added once CLOSED; it consumes every
 *       byte, or stops behind undelivered messages and goes on once they are polled (the script
 *       then polls them all and calls again, as documented);</li>
 *   <li>a terminal event ({@link Event.Close} or {@link Event.Failure}) is always the last one;
 *       polling it leaves the connection CLOSED with the matching {@link Connection#ending()} and
 *       close code;</li>
 *   <li>the state only moves forward (OPEN, CLOSE_SENT, CLOSED); {@link Connection#ending()} is set
 *       exactly when CLOSED; {@link Connection#transportAction()} is KEEP_OPEN until CLOSED and then
 *       what RFC 6455 7.1.1 says for the role; {@link Connection#closeDeadlineStarted()} is true
 *       exactly when this side's close frame was queued;</li>
 *   <li>the application's calls succeed or fail exactly as documented: {@link IllegalStateException}
 *       unless OPEN (and out of fragment order), {@link IllegalArgumentException} for a control
 *       payload over 125 bytes or a close code or reason that may not be sent;</li>
 *   <li>events stay within the limits, text events are well-formed UTF-8, a Close event leaves the
 *       connection CLOSED, no message is delivered after the application called close;</li>
 *   <li>the reassembly buffer never exceeds {@link Limits#maxMessageSize()}, and the bytes queued to
 *       send never exceed what the application sent (with framing and deflate overhead) plus what
 *       the received bytes can make it answer;</li>
 *   <li>the peer, decoding everything the connection sent with its own {@link FrameDecoder} (and
 *       inflater), sees valid frames only: the application's messages, pings and pongs in order and
 *       intact, RSV1 exactly on the messages that should be compressed, at most one close frame and
 *       after it nothing but pongs (RFC 6455 5.5.1, 5.5.2), the close frame carrying the
 *       application's code, the echoed code or the violation's code;</li>
 *   <li>unless the application closed first, the events are the same as those of a second
 *       connection fed all received bytes in one buffer without any interleaved call, and so is the
 *       violation (but see {@link #sameFailure});</li>
 *   <li>permessage-deflate's zlib streams are ended once the connection is CLOSED, and no Deflater or
 *       Inflater outlives the script;</li>
 *   <li>the connection's {@link MemoryBudget} (a small one, or an unlimited one that counts) never
 *       gets back more than it granted, and has everything back after transportClosed.</li>
 * </ul>
 */
final class ConnectionScript {

    /** Frame and message limits, small so that scripts reach them: (frame, message). */
    static final Limits[] LIMITS = {
        Limits.defaults().withMaxFrameSize(125).withMaxMessageSize(16).withMaxFragments(4),
        Limits.defaults().withMaxFrameSize(300).withMaxMessageSize(64),
        Limits.defaults().withMaxFrameSize(200).withMaxMessageSize(600).withMaxFragments(8),
        Limits.defaults().withMaxFrameSize(1000).withMaxMessageSize(1500),
    };

    /** The small memory budget a script may choose (bit 3 of the configuration byte), in bytes. */
    static final long SMALL_BUDGET = 700;

    /**
     * A {@link MemoryBudget} that counts what the connection holds: it refuses past its capacity,
     * and fails the test if more is given back than was granted.
     */
    static final class CountingBudget implements MemoryBudget {
        private final long capacity;
        private long reserved;

        CountingBudget(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean tryReserve(long bytes) {
            assertTrue(bytes > 0, "asked the budget for " + bytes + " bytes");
            if (reserved + bytes > capacity) {
                return false;
            }
            reserved += bytes;
            return true;
        }

        @Override
        public void release(long bytes) {
            assertTrue(bytes > 0 && bytes <= reserved, "gave back " + bytes + " bytes of " + reserved + " reserved");
            reserved -= bytes;
        }

        long reserved() {
            return reserved;
        }
    }

    static final int OPERATIONS = 12;
    /** 0-3: receive a run of bytes (length byte, bytes) in a buffer of kind {@code op % 4}. */
    static final int OP_RECEIVE = 0;
    /** Poll one event. */
    static final int OP_POLL_EVENT = 4;
    /** Poll one outbound buffer and hand it to the peer. */
    static final int OP_POLL_OUTBOUND = 5;
    /** sendText of a run decoded as UTF-8 (invalid bytes become U+FFFD). */
    static final int OP_SEND_TEXT = 6;
    /** sendBinary of a run, in a buffer of the kind of the next byte. */
    static final int OP_SEND_BINARY = 7;
    /** A flags byte (bit 0: pong instead of ping), then a run: sendPing or sendPong. */
    static final int OP_SEND_CONTROL = 8;
    /** close with the code at the next byte in {@link #CLOSE_CODES}, then a reason-length byte. */
    static final int OP_CLOSE = 9;
    /** sendFrame: a flags byte (bit 0 fin, bit 1 continuation, bit 2 text), then a run. */
    static final int OP_SEND_FRAME = 10;
    /** Next byte modulo 4: transportClosed, sendEncoded, the accessors, poll every event. */
    static final int OP_OTHER = 11;

    static final int[] CLOSE_CODES = {1000, 1001, 1003, 1011, 3000, 4999, 1005, 1006, 1004, 1015, 999, 5000, 2999};

    private final Role role;
    private final Limits limits;
    private final DeflateSetup deflateSetup;
    private final Connection connection;
    private final CountingBudget budget;
    private final PerMessageDeflate deflate;
    private final PeerView peer;

    private Connection.State lastState = Connection.State.OPEN;
    private boolean fragmenting;
    private Opcode fragmentOpcode;
    private Boolean fragmentCompressed;
    private final ByteArrayOutputStream fragmentData = new ByteArrayOutputStream();

    private final ArrayDeque<Expected> expectedMessages = new ArrayDeque<>();
    private final ArrayDeque<byte[]> expectedPings = new ArrayDeque<>();
    private final ArrayDeque<byte[]> expectedAppPongs = new ArrayDeque<>();
    /** The close code the connection's close frame must carry (1005: an empty close frame), or null for none. */
    private CloseCode expectedClose;

    private ProtocolException failure;
    /** The application started the closing handshake: from then on data is dropped, not delivered. */
    private boolean applicationClosed;
    private boolean transportClosed;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<String> events = new ArrayList<>();
    private long fed;
    private long appBound;
    private long polled;

    /** A message the application sent: its opcode, bytes, and whether it must be compressed (null: either). */
    private record Expected(Opcode opcode, byte[] data, Boolean compressed) {}

    /** The permessage-deflate agreement and this side's options, read from two configuration bytes. */
    record DeflateSetup(DeflateParameters parameters, DeflateOptions options) {
        private static final int[] SERVER_BITS = {15, 15, 15, 10};
        private static final int[] CLIENT_BITS = {15, 15, 15, 8};
        private static final int[] MIN_SIZES = {0, 1, 32, 300};

        static DeflateSetup read(FuzzInput in) {
            int p = in.nextByte();
            int o = in.nextByte();
            DeflateParameters parameters = new DeflateParameters((p & 1) != 0, (p & 2) != 0,
                    SERVER_BITS[(p >> 2) & 3], CLIENT_BITS[(p >> 4) & 3]);
            DeflateOptions options = DeflateOptions.defaults()
                    .withCompressionLevel((o & 0x0F) % 11 - 1)
                    .withMinMessageSize(MIN_SIZES[(o >> 4) & 3]);
            return new DeflateSetup(parameters, options);
        }

        PerMessageDeflate create(Role role) {
            return new PerMessageDeflate(role, parameters, options);
        }
    }

    private ConnectionScript(Role role, Limits limits, DeflateSetup deflateSetup, long budgetCapacity) {
        this.role = role;
        this.limits = limits;
        this.deflateSetup = deflateSetup;
        this.deflate = deflateSetup == null ? null : deflateSetup.create(role);
        this.budget = new CountingBudget(budgetCapacity);
        this.connection = newConnection(role, limits, deflate, budget);
        this.peer = new PeerView(role.peer(), deflateSetup == null ? null : deflateSetup.create(role.peer()));
    }

    private static Connection newConnection(Role role, Limits limits, PerMessageDeflate deflate, MemoryBudget budget) {
        MaskKeys keys = new MaskKeys() {
            private int key = 0x2545F491;

            @Override
            public int next() {
                key = key * 0x01000193 + 0x9E3779B9;
                return key;
            }
        };
        return Connection.builder(role).limits(limits).maskKeys(keys).deflate(deflate).memoryBudget(budget).build();
    }

    /**
     * Reads the configuration (a byte: bit 0 the role, bits 1-2 the limits, bit 3 a small
     * {@link MemoryBudget} of {@value #SMALL_BUDGET} bytes instead of an unlimited one; with
     * {@code withDeflate} two more bytes, see {@link DeflateSetup#read}) and plays the rest of the
     * input as the script.
     */
    static void play(byte[] input, boolean withDeflate) {
        long deflatersBefore = PerMessageDeflate.liveDeflaters();
        long inflatersBefore = PerMessageDeflate.liveInflaters();
        FuzzInput in = new FuzzInput(input);
        int config = in.nextByte();
        Role role = (config & 1) == 0 ? Role.SERVER : Role.CLIENT;
        Limits limits = LIMITS[(config >> 1) & 3];
        long budgetCapacity = (config & 8) != 0 ? SMALL_BUDGET : Long.MAX_VALUE;
        DeflateSetup setup = withDeflate ? DeflateSetup.read(in) : null;
        ConnectionScript script = new ConnectionScript(role, limits, setup, budgetCapacity);
        while (in.hasMore()) {
            script.step(in);
            script.checkAfterStep();
        }
        script.finish();
        assertEquals(deflatersBefore, PerMessageDeflate.liveDeflaters(), "a Deflater outlived the connection");
        assertEquals(inflatersBefore, PerMessageDeflate.liveInflaters(), "an Inflater outlived the connection");
    }

    // ---------------------------------------------------------------- operations

    private void step(FuzzInput in) {
        int op = in.nextByte() % OPERATIONS;
        switch (op) {
            case 0, 1, 2, 3 -> receive(FuzzInput.BufferKind.values()[op], in.nextRun());
            case OP_POLL_EVENT -> pollEvent();
            case OP_POLL_OUTBOUND -> pollOutbound();
            case OP_SEND_TEXT -> sendText(new String(in.nextRun(), StandardCharsets.UTF_8));
            case OP_SEND_BINARY -> {
                FuzzInput.BufferKind kind = FuzzInput.BufferKind.values()[in.nextByte() % 4];
                sendBinary(kind.wrap(in.nextRun()));
            }
            case OP_SEND_CONTROL -> sendControl((in.nextByte() & 1) != 0, in.nextRun());
            case OP_CLOSE -> {
                CloseCode code = CloseCode.of(CLOSE_CODES[in.nextByte() % CLOSE_CODES.length]);
                int reasonLength = in.nextByte();
                // Up to 127 bytes: over 123 is refused. Bit 7 of the length byte picks two-byte characters.
                String reason = (reasonLength & 0x80) == 0 ? "r".repeat(reasonLength % 128) : "é".repeat((reasonLength % 128) / 2);
                close(code, reason);
            }
            case OP_SEND_FRAME -> {
                int flags = in.nextByte();
                sendFrame((flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, in.nextRun());
            }
            default -> {
                switch (in.nextByte() % 4) {
                    case 0 -> transportClosed();
                    case 1 -> sendEncoded(in.nextByte(), in.nextRun());
                    case 2 -> accessors();
                    default -> {
                        while (pollEvent()) {
                            // poll them all
                        }
                    }
                }
            }
        }
    }

    private void receive(FuzzInput.BufferKind kind, byte[] bytes) {
        Connection.State before = connection.state();
        int eventsBefore = connection.pendingEvents();
        if (!transportClosed) {
            received.writeBytes(bytes);
        }
        fed += bytes.length;
        ByteBuffer buffer = kind.wrap(bytes);
        boolean drained = false;
        while (true) {
            int position = buffer.position();
            connection.receive(buffer);
            if (connection.lastEvent() instanceof Event.Failure f && f.exception() != failure) {
                assertNotEquals(Connection.State.CLOSED, before, "receive failed although the connection was CLOSED");
                assertNull(failure, "a second failure after " + failure);
                assertNotNull(f.violation(), "failure without a violation");
                assertTrue(connection.isOpen() || before == Connection.State.CLOSE_SENT,
                        "the failure took effect before it was polled");
                failure = f.exception();
                assertFalse(buffer.hasRemaining(), "receive failed and left " + buffer.remaining() + " bytes");
                break;
            }
            if (!buffer.hasRemaining()) {
                break;
            }
            // receive stops behind messages not yet polled that hold more than maxMessageSize bytes;
            // as documented, the caller polls every event, then calls again with the rest.
            assertNotEquals(Connection.State.CLOSED, before, "bytes left by receive on a CLOSED connection");
            if (drained) {
                assertTrue(buffer.position() > position, "receive consumed nothing although every event was polled");
            }
            while (pollEvent()) {
                // all of them
            }
            drained = true;
        }
        if (before == Connection.State.CLOSED) {
            assertEquals(eventsBefore, connection.pendingEvents(), "events made from bytes received once CLOSED");
        }
    }

    /** Polls one event and checks it; false when there was none. */
    private boolean pollEvent() {
        Event event = connection.pollEvent();
        if (event == null) {
            if (failure != null) {
                assertEquals(Connection.State.CLOSED, connection.state(), "not CLOSED after " + failure.violation());
                assertEquals(failure.closeCode(), connection.closeCode(), "close code after " + failure.violation());
            }
            return false;
        }
        boolean message = event instanceof Event.Text || event instanceof Event.Binary;
        checkEvent(event, limits);
        assertEquals(0, connection.pendingEvents() > 0 && isTerminal(event) ? 1 : 0, "an event after a terminal one");
        if (event instanceof Event.Failure f) {
            assertSame(failure, f.exception(), "the failure polled is not the one received");
        } else {
            // Failures are compared apart (see sameFailure).
            events.add(Peer.describe(event));
        }
        if (applicationClosed) {
            assertFalse(message, "a message delivered after the application started the closing handshake");
        }
        if (isTerminal(event)) {
            assertEquals(Connection.State.CLOSED, connection.state(), "not CLOSED after polling " + event);
            // A close polled after the transport ended was never answered: the transport ended it.
            Connection.Ending expected = event instanceof Event.Failure ? Connection.Ending.FAILURE
                    : transportClosed ? Connection.Ending.TRANSPORT_ENDED
                    : applicationClosed ? Connection.Ending.LOCAL_CLOSE : Connection.Ending.PEER_CLOSE;
            assertEquals(expected, connection.ending(), "ending after polling " + event);
        }
        return true;
    }

    private static boolean isTerminal(Event event) {
        return event instanceof Event.Close || event instanceof Event.Failure;
    }

    private void pollOutbound() {
        ByteBuffer buffer = connection.pollOutbound();
        if (buffer != null) {
            polled += buffer.remaining();
            peer.accept(buffer);
        }
    }

    private void sendText(String text) {
        Connection.State state = connection.state();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Boolean compressed = wholeMessageCompressed(bytes.length);
        try {
            connection.sendText(text);
            assertTrue(state == Connection.State.OPEN && !fragmenting, "sendText accepted when " + state);
            expectMessage(Opcode.TEXT, bytes, compressed);
        } catch (IllegalStateException e) {
            assertFalse(state == Connection.State.OPEN && !fragmenting, "sendText refused when OPEN: " + e);
        }
    }

    private void sendBinary(ByteBuffer data) {
        Connection.State state = connection.state();
        int position = data.position();
        byte[] bytes = new byte[data.remaining()];
        data.get(position, bytes);
        Boolean compressed = wholeMessageCompressed(bytes.length);
        try {
            connection.sendBinary(data);
            assertTrue(state == Connection.State.OPEN && !fragmenting, "sendBinary accepted when " + state);
            expectMessage(Opcode.BINARY, bytes, compressed);
        } catch (IllegalStateException e) {
            assertFalse(state == Connection.State.OPEN && !fragmenting, "sendBinary refused when OPEN: " + e);
        }
        assertEquals(position, data.position(), "sendBinary moved the caller's buffer");
    }

    private void sendControl(boolean pong, byte[] payload) {
        Connection.State state = connection.state();
        try {
            if (pong) {
                connection.sendPong(ByteBuffer.wrap(payload));
            } else {
                connection.sendPing(ByteBuffer.wrap(payload));
            }
            assertTrue(state == Connection.State.OPEN && payload.length <= 125,
                    "a " + payload.length + "-byte control frame accepted when " + state);
            (pong ? expectedAppPongs : expectedPings).add(payload);
            appBound += payload.length + 14;
        } catch (IllegalStateException e) {
            assertNotEquals(Connection.State.OPEN, state, "control frame refused when OPEN: " + e);
        } catch (IllegalArgumentException e) {
            assertTrue(state == Connection.State.OPEN && payload.length > 125, "control frame of "
                    + payload.length + " bytes refused with " + e);
        }
    }

    private void close(CloseCode code, String reason) {
        Connection.State state = connection.state();
        int reasonBytes = reason.getBytes(StandardCharsets.UTF_8).length;
        boolean sendable = code.equals(CloseCode.NO_STATUS_RECEIVED) ? reason.isEmpty()
                : code.isValidOnWire() && reasonBytes <= ClosePayload.MAX_REASON_BYTES;
        try {
            connection.close(code, reason);
            assertTrue(sendable, "close accepted code " + code + " with a " + reasonBytes + "-byte reason");
            if (state == Connection.State.OPEN) {
                assertEquals(Connection.State.CLOSE_SENT, connection.state(), "close from OPEN");
                assertTrue(connection.closeDeadlineStarted(), "close did not start the close deadline");
                applicationClosed = true;
                expectedClose = code;
                appBound += 2 + reasonBytes + 14;
            } else {
                assertEquals(state, connection.state(), "close changed the state from " + state);
            }
        } catch (IllegalArgumentException e) {
            assertFalse(sendable, "close refused code " + code + ": " + e);
        }
    }

    private void sendFrame(boolean fin, boolean continuation, boolean text, byte[] payload) {
        Opcode opcode = continuation ? Opcode.CONTINUATION : text ? Opcode.TEXT : Opcode.BINARY;
        if (text || (continuation && fragmentOpcode == Opcode.TEXT)) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] &= 0x7F; // the caller keeps a fragmented text message UTF-8: ASCII here
            }
        }
        Connection.State state = connection.state();
        boolean inOrder = continuation == fragmenting;
        Boolean compressed = continuation ? null : fin ? wholeMessageCompressed(payload.length) : connection.compresses();
        try {
            connection.sendFrame(opcode, ByteBuffer.wrap(payload), fin);
            assertTrue(state == Connection.State.OPEN && inOrder, "sendFrame " + opcode + " accepted when " + state
                    + (fragmenting ? " inside a fragmented message" : " outside a fragmented message"));
            appBound += payload.length + payload.length / 8 + 80;
            if (!continuation && fin) {
                expectMessage(opcode, payload, compressed);
            } else if (!continuation) {
                fragmenting = true;
                fragmentOpcode = opcode;
                fragmentCompressed = compressed;
                fragmentData.reset();
                fragmentData.writeBytes(payload);
            } else {
                fragmentData.writeBytes(payload);
                if (fin) {
                    fragmenting = false;
                    expectedMessages.add(new Expected(fragmentOpcode, fragmentData.toByteArray(), fragmentCompressed));
                }
            }
        } catch (IllegalStateException e) {
            assertFalse(state == Connection.State.OPEN && inOrder, "sendFrame " + opcode + " refused: " + e);
        }
    }

    private void sendEncoded(int flags, byte[] payload) {
        Opcode opcode = (flags & 2) != 0 ? Opcode.TEXT : Opcode.BINARY;
        if (opcode == Opcode.TEXT) {
            payload = new String(payload, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        }
        boolean compressed = (flags & 1) != 0;
        byte[] framePayload = compressed ? PerMessageDeflate.compressWithoutContext(ByteBuffer.wrap(payload), 6) : payload;
        byte[] frame = FrameEncoder.encode(true, compressed ? Frame.RSV1 : 0, opcode, ByteBuffer.wrap(framePayload), false, 0);
        Connection.State state = connection.state();
        boolean allowed = role == Role.SERVER && state == Connection.State.OPEN && !fragmenting
                && (!compressed || connection.compresses());
        try {
            connection.sendEncoded(ByteBuffer.wrap(frame));
            assertTrue(allowed, "sendEncoded accepted: " + role + ", " + state + ", compressed " + compressed);
            expectMessage(opcode, payload, compressed);
            appBound += frame.length;
        } catch (IllegalStateException e) {
            assertFalse(allowed, "sendEncoded refused: " + e);
        }
    }

    private void transportClosed() {
        connection.transportClosed();
        transportClosed = true;
        assertEquals(Connection.State.CLOSED, connection.state(), "transportClosed");
        assertNotNull(connection.closeCode(), "no close code after transportClosed");
        // No close frame is due for this transition: the transport is gone.
        lastState = Connection.State.CLOSED;
    }

    private void accessors() {
        Connection.State state = connection.state();
        assertEquals(state == Connection.State.OPEN, connection.isOpen(), "isOpen vs state");
        assertTrue(connection.outboundBytes() >= 0, "negative outboundBytes");
        if (connection.outboundBytes() > 0) {
            assertTrue(connection.hasOutbound(), "outboundBytes without hasOutbound");
        }
        assertNotNull(connection.closeReason(), "closeReason");
        if (state != Connection.State.OPEN) {
            assertNotNull(connection.closeCode(), "no close code when " + state);
        }
        assertEquals(state == Connection.State.CLOSED, connection.ending() != null, "ending() when " + state);
        Connection.TransportAction action = connection.transportAction();
        if (state != Connection.State.CLOSED) {
            assertEquals(Connection.TransportAction.KEEP_OPEN, action, "transport action when " + state);
        } else if (role == Role.SERVER || transportClosed) {
            assertEquals(Connection.TransportAction.CLOSE, action, "transport action of a closed " + role);
        } else {
            assertEquals(Connection.TransportAction.AWAIT_SERVER_CLOSE, action, "transport action of a closed client");
        }
        if (deflate == null) {
            assertFalse(connection.compresses(), "compresses without the extension");
        }
    }

    /** The compression a whole message of {@code length} bytes must get, judged before it is sent. */
    private Boolean wholeMessageCompressed(int length) {
        return deflate != null && connection.compresses() && deflate.shouldCompress(length);
    }

    private void expectMessage(Opcode opcode, byte[] bytes, Boolean compressed) {
        expectedMessages.add(new Expected(opcode, bytes, compressed));
        appBound += bytes.length + bytes.length / 8 + 80;
    }

    // ---------------------------------------------------------------- invariants

    private void checkAfterStep() {
        Connection.State now = connection.state();
        assertTrue(now.ordinal() >= lastState.ordinal(), "state went back from " + lastState + " to " + now);
        if (lastState == Connection.State.OPEN && now == Connection.State.CLOSED) {
            // Failed or closed by the peer: the connection answers with a close frame of the code it reports.
            expectedClose = connection.closeCode();
            assertNotNull(expectedClose, "CLOSED without a close code");
        }
        lastState = now;
        // This side's close frame is queued exactly when the close deadline has started.
        assertEquals(expectedClose != null, connection.closeDeadlineStarted(), "closeDeadlineStarted vs close frame");
        assertTrue(connection.reassemblyCapacity() <= limits.maxMessageSize(),
                "reassembly buffer of " + connection.reassemblyCapacity() + " bytes, limit " + limits.maxMessageSize());
        long replies = role == Role.SERVER ? fed + 127 : 3 * fed + 131;
        long queued = polled + connection.outboundBytes();
        assertTrue(queued <= appBound + replies, queued + " bytes queued to send; the application asked for at most "
                + appBound + " and " + fed + " bytes received justify " + replies);
        if (deflate != null && now == Connection.State.CLOSED) {
            assertTrue(deflate.isClosed(), "permessage-deflate not released at CLOSED");
        }
    }

    private void finish() {
        while (pollEvent()) {
            // every event decoded
        }
        checkAfterStep();
        for (ByteBuffer buffer = connection.pollOutbound(); buffer != null; buffer = connection.pollOutbound()) {
            polled += buffer.remaining();
            peer.accept(buffer);
        }
        checkWhatThePeerSaw();
        compareWithOneBufferReference();
        connection.transportClosed();
        if (deflate != null) {
            assertTrue(deflate.isClosed(), "permessage-deflate not released after transportClosed");
        }
        assertEquals(0, budget.reserved(), "memory still counted against the budget after transportClosed");
        peer.release();
    }

    private void checkWhatThePeerSaw() {
        int closeFrames = 0;
        for (int i = 0; i < peer.sent.size(); i++) {
            Object item = peer.sent.get(i);
            if (item instanceof PeerView.Message message) {
                Expected expected = expectedMessages.poll();
                assertNotNull(expected, "the connection sent a message the application did not: " + message);
                assertEquals(expected.opcode, message.opcode(), "opcode of a sent message");
                assertArrayEquals(expected.data, message.data(), "content of a sent " + message.opcode() + " message");
                if (expected.compressed != null) {
                    assertEquals(expected.compressed, message.compressed(), "RSV1 of a sent " + expected.data.length
                            + "-byte message (minimum " + (deflateSetup == null ? "-" : deflateSetup.options().minMessageSize()) + ")");
                }
            } else if (item instanceof Frame control) {
                switch (control.opcode()) {
                    case PING -> {
                        byte[] expected = expectedPings.poll();
                        assertNotNull(expected, "a ping the application did not send");
                        assertArrayEquals(expected, control.payload(), "ping payload");
                    }
                    case PONG -> {
                        if (!expectedAppPongs.isEmpty() && Arrays.equals(expectedAppPongs.peek(), control.payload())) {
                            expectedAppPongs.poll();
                        }
                    }
                    default -> {
                        closeFrames++;
                        assertNotNull(expectedClose, "a close frame nobody asked for");
                        byte[] payload = control.payload();
                        if (expectedClose.equals(CloseCode.NO_STATUS_RECEIVED)) {
                            assertEquals(0, payload.length, "close frame for 1005 has a payload");
                        } else {
                            try {
                                ClosePayload parsed = ClosePayload.parse(payload, payload.length);
                                assertEquals(expectedClose, parsed.code(), "code of the close frame sent");
                            } catch (ProtocolException e) {
                                fail("the connection sent an invalid close frame: " + e.getMessage());
                            }
                        }
                    }
                }
            }
        }
        assertTrue(expectedMessages.isEmpty(), expectedMessages.size() + " messages were queued but never sent");
        assertTrue(expectedPings.isEmpty(), expectedPings.size() + " pings were queued but never sent");
        assertTrue(expectedAppPongs.isEmpty(), expectedAppPongs.size() + " pongs were queued but never sent");
        assertEquals(expectedClose == null ? 0 : 1, closeFrames, "close frames sent (expected code " + expectedClose + ")");
    }

    /**
     * A second connection fed every byte the first one received (before its transport ended) in one
     * buffer, with no call in between but the polls receive asks for. Skipped when the application
     * closed first (from then on the connection drops data unread, so what it decodes depends on
     * when the close was called) and under the small memory budget (what it grants depends on when
     * events are polled).
     */
    private void compareWithOneBufferReference() {
        if (applicationClosed || budget.capacity != Long.MAX_VALUE) {
            return;
        }
        PerMessageDeflate referenceDeflate = deflateSetup == null ? null : deflateSetup.create(role);
        Connection reference = newConnection(role, limits, referenceDeflate, MemoryBudget.unlimited());
        ProtocolException referenceFailure = null;
        List<String> referenceEvents = new ArrayList<>();
        ByteBuffer all = ByteBuffer.wrap(received.toByteArray());
        while (true) {
            reference.receive(all);
            for (Event event = reference.pollEvent(); event != null; event = reference.pollEvent()) {
                checkEvent(event, limits);
                if (event instanceof Event.Failure f) {
                    referenceFailure = f.exception();
                } else {
                    referenceEvents.add(Peer.describe(event));
                }
            }
            if (referenceFailure != null || !all.hasRemaining()) {
                break;
            }
        }
        reference.transportClosed();
        Violation inOneBuffer = referenceFailure == null ? null : referenceFailure.violation();
        Violation inChunks = failure == null ? null : failure.violation();
        if (!sameFailure(inOneBuffer, inChunks)) {
            assertEquals(inOneBuffer, inChunks, "violation in chunks vs in one buffer");
        }
        assertEquals(referenceEvents, events, "events in chunks with interleaved calls vs in one buffer");
    }

    /**
     * Whether two runs over the same bytes failed alike. One exception, with permessage-deflate only:
     * a compressed message that is bad in more than one way (its inflated bytes are not UTF-8, or
     * exceed the message limit, or its DEFLATE data turns bad) may fail with any of those
     * violations, because which one shows first depends on how the inflated output is cut, and so
     * on how the input was cut: the size limit is checked on each inflated piece before its UTF-8,
     * and {@link java.util.zip.Inflater} throws on bad data without returning the output of that
     * call. The events before the failure must still be the same.
     */
    private boolean sameFailure(Violation a, Violation b) {
        if (a == b) {
            return true;
        }
        Set<Violation> ofACompressedMessage = EnumSet.of(Violation.INVALID_UTF8, Violation.MESSAGE_TOO_BIG,
                Violation.INVALID_COMPRESSED_DATA);
        return deflateSetup != null && ofACompressedMessage.contains(a) && ofACompressedMessage.contains(b);
    }

    static void checkEvent(Event event, Limits limits) {
        switch (event) {
            case Event.Text text -> {
                byte[] utf8;
                try {
                    ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .encode(CharBuffer.wrap(text.text()));
                    utf8 = Arrays.copyOf(encoded.array(), encoded.limit());
                    String back = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(utf8)).toString();
                    assertEquals(text.text(), back, "text event does not round-trip through UTF-8");
                } catch (CharacterCodingException e) {
                    throw new AssertionError("text event is not well-formed Unicode: " + e, e);
                }
                assertTrue(utf8.length <= limits.maxMessageSize(), "text event of " + utf8.length + " bytes");
            }
            case Event.Binary binary -> assertTrue(binary.data().length <= limits.maxMessageSize(),
                    "binary event of " + binary.data().length + " bytes");
            case Event.Ping ping -> assertTrue(ping.payload().length <= 125, "ping event over 125 bytes");
            case Event.Pong pong -> assertTrue(pong.payload().length <= 125, "pong event over 125 bytes");
            case Event.Failure f -> assertNotNull(f.violation(), "failure without a violation");
            case Event.Close close -> {
                assertTrue(close.code().isValidOnWire() || close.code().equals(CloseCode.NO_STATUS_RECEIVED),
                        "close event with code " + close.code());
                assertTrue(close.reason().getBytes(StandardCharsets.UTF_8).length <= ClosePayload.MAX_REASON_BYTES,
                        "close reason over 123 bytes");
            }
        }
    }

    /**
     * The connection's peer: decodes every buffer the connection queued with a {@link FrameDecoder}
     * of the other role (so server frames must be unmasked and client frames masked), reassembles
     * data messages and inflates compressed ones with its own {@link PerMessageDeflate}. Anything
     * that is not a valid frame stream fails the test.
     */
    static final class PeerView implements FrameSink {
        /** A whole data message as the peer received it. */
        record Message(Opcode opcode, byte[] data, boolean compressed) {}

        /** {@link Message}s and control {@link Frame}s, in the order they arrived. */
        final List<Object> sent = new ArrayList<>();
        private final FrameDecoder decoder;
        private final PerMessageDeflate inflater;

        private Opcode frameOpcode;
        private boolean frameFin;
        private int frameRsv;
        private final ByteArrayOutputStream framePayload = new ByteArrayOutputStream();
        private Opcode messageOpcode;
        private boolean messageCompressed;
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        PeerView(Role peerRole, PerMessageDeflate inflater) {
            this.decoder = new FrameDecoder(peerRole, Integer.MAX_VALUE);
            this.inflater = inflater;
            if (inflater != null) {
                decoder.allowReservedBits(Frame.RSV1);
            }
        }

        /** Decodes a copy of the buffer's remaining bytes; the connection's buffer is left as it is. */
        void accept(ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(buffer.position(), copy);
            try {
                decoder.decode(ByteBuffer.wrap(copy), this);
            } catch (ProtocolException e) {
                throw new AssertionError("the connection sent an invalid frame: " + e.getMessage(), e);
            }
        }

        void release() {
            if (inflater != null) {
                inflater.close();
            }
        }

        @Override
        public void frameStart(boolean fin, int rsv, Opcode opcode, long length) {
            frameOpcode = opcode;
            frameFin = fin;
            frameRsv = rsv;
            framePayload.reset();
            if (opcode.isControl()) {
                assertEquals(0, rsv, "RSV1 on a control frame sent");
                return;
            }
            if (opcode == Opcode.CONTINUATION) {
                assertNotNull(messageOpcode, "a continuation frame sent without a message to continue");
                assertEquals(0, rsv, "RSV1 on a continuation frame sent");
            } else {
                assertNull(messageOpcode, "a new " + opcode + " message sent inside a fragmented one");
                messageOpcode = opcode;
                messageCompressed = rsv != 0;
                message.reset();
            }
        }

        private boolean closeSent() {
            for (Object item : sent) {
                if (item instanceof Frame frame && frame.opcode() == Opcode.CLOSE) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void framePayload(byte[] bytes, int offset, int length) {
            framePayload.write(bytes, offset, length);
        }

        @Override
        public boolean frameEnd() {
            if (frameOpcode.isControl()) {
                // RFC 6455 5.5.1 and 5.5.2: after its close frame an endpoint sends no data, but still
                // answers pings until the peer's close arrives; a ping or a second close is wrong.
                if (frameOpcode != Opcode.PONG && closeSent()) {
                    fail("a " + frameOpcode + " frame sent after the close frame");
                }
                sent.add(new Frame(true, frameRsv, frameOpcode, framePayload.toByteArray()));
                return true;
            }
            if (closeSent()) {
                fail("a data frame sent after the close frame");
            }
            message.writeBytes(framePayload.toByteArray());
            if (frameFin) {
                byte[] data = message.toByteArray();
                if (messageCompressed) {
                    try {
                        data = inflater.decompress(data, Integer.MAX_VALUE - 16);
                    } catch (ProtocolException e) {
                        throw new AssertionError("the connection sent a compressed message that does not inflate: " + e, e);
                    }
                }
                sent.add(new Message(messageOpcode, data, messageCompressed));
                messageOpcode = null;
            }
            return true;
        }
    }
}
