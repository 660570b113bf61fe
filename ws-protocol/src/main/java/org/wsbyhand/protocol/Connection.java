package org.wsbyhand.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

import org.wsbyhand.protocol.deflate.PerMessageDeflate;

/**
 * One WebSocket connection after the opening handshake, as a pure state machine (RFC 6455 sections
 * 5-7): bytes received go in through {@link #receive}, events come out of {@link #pollEvent} and
 * bytes to write come out of {@link #pollOutbound}. It never blocks, never reads a clock and never
 * calls application code; timeouts, sockets and threads belong to the caller.
 *
 * <p>What it does by itself: reassembles fragmented messages (control frames may come between the
 * fragments), validates text as UTF-8 while it arrives so that an invalid message fails at its first
 * bad byte, enforces the frame and message size limits before buffering, answers pings with pongs,
 * echoes the peer's close frame, and fails the connection with the right close code on every
 * protocol violation.
 *
 * <p><b>permessage-deflate (RFC 7692).</b> A connection created with a {@link PerMessageDeflate}
 * accepts RSV1 on the first frame of a data message and inflates such messages as their frames
 * arrive; UTF-8 validation and the message size limit apply to the inflated bytes, so a small
 * compressed frame cannot expand past {@link Limits#maxMessageSize()} (1009), and bad DEFLATE data
 * fails with 1007. RSV1 on a continuation frame fails with 1002
 * ({@link Violation#COMPRESSED_CONTINUATION}), on a control frame with 1002
 * ({@link Violation#RESERVED_BITS}). Whole messages of at least
 * {@link org.wsbyhand.protocol.deflate.DeflateOptions#minMessageSize()} bytes are sent compressed,
 * with RSV1; smaller ones and control frames never are. Fragmented messages ({@link #sendFrame}
 * with {@code fin} false on the first frame) are always compressed, as one DEFLATE stream with RSV1
 * on the first fragment only, because their total size is unknown when the first fragment goes out. The connection owns the
 * {@code PerMessageDeflate} and ends its native zlib memory when it reaches {@link State#CLOSED}
 * (close handshake done, failure applied, or {@link #transportClosed()}) or on {@link #release()};
 * a caller must call one of those when the connection ends, abnormal ends included.
 *
 * <p>Not thread-safe: a caller that sends from several threads serializes calls with a lock.
 */
public final class Connection {

    /** The state of the closing handshake. */
    public enum State {
        /** Messages flow both ways. */
        OPEN,
        /**
         * This side sent a close frame and waits for the peer's. Messages still arrive and pings are
         * still answered (section 5.5.2), but the caller can send nothing more.
         */
        CLOSING,
        /** Both close frames were exchanged, or the connection failed. Nothing more is sent. */
        CLOSED
    }

    /** Payloads up to this size are copied behind their header into one buffer, saving a write. */
    private static final int COMBINE_LIMIT = 512;

    private final Role role;
    private final Limits limits;
    private final MaskKeys maskKeys;
    private final FrameDecoder decoder;
    private final Receiver receiver = new Receiver();
    private final MessageAssembler assembler;

    // Small to start with: an idle connection holds both queues empty; busy ones grow them once.
    private final ArrayDeque<Event> events = new ArrayDeque<>(1);
    private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>(1);
    private long outboundBytes;

    private State state = State.OPEN;
    private CloseCode closeCode;
    private String closeReason = "";
    private boolean closeReceived;
    /** This side started the closing handshake ({@link #close}): no more messages are delivered. */
    private boolean closeSent;

    /*
     * Terminal transitions wait for the events decoded before them, so that whatever the caller
     * sends in answer to those events goes out before the close frame, in wire order. The peer's
     * close takes effect when its Close event is polled; a violation when the caller polls past the
     * last event decoded before it (or asks for outbound bytes or the state with no event left).
     */
    private ClosePayload pendingPeerClose;
    private ProtocolException pendingFailure;
    private int eventsBeforeFailure;
    private boolean failureDue;

    /** The opcode of the fragmented message being sent, or null. */
    private Opcode sendingFragmented;

    /** permessage-deflate state when the extension was negotiated, else null. */
    private final PerMessageDeflate deflate;
    /** Whether the fragmented message being sent is compressed. */
    private boolean sendingCompressed;

    /**
     * A connection with the default limits. Client connections take their mask keys from
     * {@link MaskKeys#secureRandom()}.
     *
     * @param role whether this is the client or the server end
     */
    public Connection(Role role) {
        this(builder(role));
    }

    /**
     * A connection with the given limits.
     *
     * @param role whether this is the client or the server end
     * @param limits the frame and message size limits to enforce
     */
    public Connection(Role role, Limits limits) {
        this(builder(role).limits(limits));
    }

    /**
     * A connection whose client frames take their mask keys from {@code maskKeys} (unused by servers).
     *
     * @param role whether this is the client or the server end
     * @param limits the frame and message size limits to enforce
     * @param maskKeys the source of the client's mask keys
     */
    public Connection(Role role, Limits limits, MaskKeys maskKeys) {
        this(builder(role).limits(limits).maskKeys(maskKeys));
    }

    /**
     * A connection that negotiated permessage-deflate (RFC 7692): {@code deflate} holds the agreed
     * parameters and this side's level and minimum message size. The connection takes ownership of
     * {@code deflate} and closes it when it ends (see the class comment).
     *
     * @param role whether this is the client or the server end
     * @param limits the frame and message size limits to enforce
     * @param maskKeys the source of the client's mask keys
     * @param deflate the negotiated permessage-deflate state, owned by the connection from now on
     */
    public Connection(Role role, Limits limits, MaskKeys maskKeys, PerMessageDeflate deflate) {
        this(builder(role).limits(limits).maskKeys(maskKeys).deflate(requireDeflate(deflate)));
    }

    private Connection(Builder builder) {
        if (builder.role == Role.CLIENT && builder.maskKeys == null) {
            throw new IllegalArgumentException("a client connection needs mask keys");
        }
        this.role = builder.role;
        this.limits = builder.limits;
        this.maskKeys = builder.maskKeys;
        this.deflate = builder.deflate;
        this.decoder = new FrameDecoder(role, limits.maxFrameSize());
        this.assembler = new MessageAssembler(limits, deflate, builder.memoryBudget);
        if (deflate != null) {
            // RFC 7692 section 6: the extension gives RSV1 its meaning ("per-message compressed").
            decoder.allowReservedBits(Frame.RSV1);
        }
    }

    /**
     * A builder for a connection of {@code role}, with the default {@link Limits}, mask keys from
     * {@link MaskKeys#secureRandom()} for clients, no extension and an unlimited memory budget.
     *
     * @param role whether the connection is the client or the server end
     * @return a new builder
     */
    public static Builder builder(Role role) {
        return new Builder(role);
    }

    private static PerMessageDeflate requireDeflate(PerMessageDeflate deflate) {
        if (deflate == null) {
            throw new IllegalArgumentException("deflate is required; use another constructor without the extension");
        }
        return deflate;
    }

    /** Collects what a {@link Connection} is made of; {@link #build()} checks it. */
    public static final class Builder {
        private final Role role;
        private Limits limits = Limits.defaults();
        private MaskKeys maskKeys;
        private PerMessageDeflate deflate;
        private MemoryBudget memoryBudget = MemoryBudget.unlimited();

        private Builder(Role role) {
            if (role == null) {
                throw new IllegalArgumentException("role is required");
            }
            this.role = role;
            this.maskKeys = role == Role.CLIENT ? MaskKeys.secureRandom() : null;
        }

        /**
         * The limits to enforce (default {@link Limits#defaults()}).
         *
         * @param limits the limits to enforce
         * @return this builder
         */
        public Builder limits(Limits limits) {
            if (limits == null) {
                throw new IllegalArgumentException("limits are required");
            }
            this.limits = limits;
            return this;
        }

        /**
         * Where a client's mask keys come from (default {@link MaskKeys#secureRandom()}; unused by servers).
         *
         * @param maskKeys the source of the client's mask keys
         * @return this builder
         */
        public Builder maskKeys(MaskKeys maskKeys) {
            this.maskKeys = maskKeys;
            return this;
        }

        /**
         * permessage-deflate as negotiated (default none). The connection takes ownership of it and
         * closes it when it ends (see the class comment).
         *
         * @param deflate the negotiated permessage-deflate state, or {@code null} for none
         * @return this builder
         */
        public Builder deflate(PerMessageDeflate deflate) {
            this.deflate = deflate;
            return this;
        }

        /**
         * The budget that message reassembly asks before it allocates (default
         * {@link MemoryBudget#unlimited()}: only the limits bound it).
         *
         * @param budget the budget to ask before allocating
         * @return this builder
         */
        public Builder memoryBudget(MemoryBudget budget) {
            if (budget == null) {
                throw new IllegalArgumentException("budget is required; use MemoryBudget.unlimited()");
            }
            this.memoryBudget = budget;
            return this;
        }

        /**
         * The connection.
         *
         * @return a new connection in state {@link State#OPEN}
         * @throws IllegalArgumentException for a client without mask keys
         */
        public Connection build() {
            return new Connection(this);
        }
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Consumes the remaining bytes of {@code data} (any chunking: part of a frame, many frames).
     * Complete messages and control frames become events; pings are answered and the peer's close
     * is echoed in the outbound queue. Payload bytes may be unmasked in place in {@code data}.
     * Bytes after the peer's close frame, and all bytes once {@link State#CLOSED}, are ignored.
     *
     * <p>One exception keeps a burst of messages from piling up: when the messages decoded and not
     * yet polled hold more than {@link Limits#maxMessageSize()} bytes of buffers (a few KB of
     * compressed messages can inflate to many megabytes), decoding stops after the message that
     * crossed that mark and the rest of {@code data} is left in it. Poll the events, then call
     * again while {@code data.hasRemaining()}.
     *
     * @param data the bytes read from the transport; its position moves past the bytes consumed
     * @throws ProtocolException when the peer broke the protocol or a limit. Decoding stops there
     *     for good. The events decoded before the violation can still be polled and answered; once
     *     they are (when {@link #pollEvent} returns null, or at once if there were none), the
     *     connection queues a close frame with the violation's code (unless it had sent one already)
     *     and is {@link State#CLOSED}. The caller then writes the outbound bytes and closes the
     *     transport.
     */
    public void receive(ByteBuffer data) throws ProtocolException {
        if (state == State.CLOSED || closeReceived || pendingFailure != null) {
            data.position(data.limit());
            return;
        }
        try {
            decoder.decode(data, receiver);
        } catch (ProtocolException e) {
            pendingFailure = e;
            eventsBeforeFailure = events.size();
            failureDue = eventsBeforeFailure == 0;
            data.position(data.limit());
            settle();
            throw e;
        }
        if (closeReceived) {
            data.position(data.limit());
        }
    }

    /**
     * The next event, or {@code null} when there is none. When the peer's close frame arrives
     * behind other events, polling its {@link Event.Close} queues the echoing close frame and makes
     * the connection {@link State#CLOSED}; with no event before it, that happens at once. Once this
     * side has started the closing handshake ({@link State#CLOSING}), no more text or binary
     * messages are delivered, not even ones already decoded.
     *
     * <p>The bytes of the messages returned stay counted against the {@link MemoryBudget} until
     * this method returns null: the caller is then taken to be done with them.
     *
     * @return the next event, or {@code null}
     */
    public Event pollEvent() {
        while (true) {
            if (pendingFailure != null) {
                if (eventsBeforeFailure == 0) {
                    failureDue = true;
                    settle();
                    return null;
                }
                eventsBeforeFailure--;
            }
            Event event = events.pollFirst();
            if (event == null) {
                // The caller is done with every message it was given: their buffers no longer count.
                assembler.eventsTaken();
                return null;
            }
            if (event instanceof Event.Close) {
                applyPeerClose();
            } else if (closeSent && (event instanceof Event.Text || event instanceof Event.Binary)) {
                continue; // this side has closed: messages still queued are not delivered
            }
            return event;
        }
    }

    /**
     * Tells the connection the transport ended (EOF or error). Moves to {@link State#CLOSED}; when no
     * close handshake completed, {@link #closeCode()} becomes 1006 (section 7.1.5).
     */
    public void transportClosed() {
        release();
        if (state == State.CLOSED) {
            return;
        }
        if (pendingFailure != null) {
            closeCode = pendingFailure.closeCode();
            closeReason = pendingFailure.violation().description();
        } else if (pendingPeerClose != null) {
            closeCode = pendingPeerClose.code();
            closeReason = pendingPeerClose.reason();
        } else {
            closeCode = CloseCode.ABNORMAL_CLOSURE;
            closeReason = "";
        }
        pendingFailure = null;
        pendingPeerClose = null;
        state = State.CLOSED;
    }

    /** Applies a pending failure once the caller polled past the events decoded before it. */
    private void settle() {
        if (pendingFailure == null || !failureDue) {
            return;
        }
        ProtocolException e = pendingFailure;
        pendingFailure = null;
        events.clear();
        if (state == State.OPEN) {
            queueControl(Opcode.CLOSE, ClosePayload.encode(e.closeCode(), e.violation().description()));
        }
        closeCode = e.closeCode();
        closeReason = e.violation().description();
        state = State.CLOSED;
        resetMessage();
        release();
    }

    /** Section 5.5.1: reply to the peer's close with a close frame echoing its status code. */
    private void applyPeerClose() {
        ClosePayload close = pendingPeerClose;
        pendingPeerClose = null;
        if (close == null || state == State.CLOSED) {
            return;
        }
        if (state == State.OPEN) {
            boolean hasStatus = !close.code().equals(CloseCode.NO_STATUS_RECEIVED);
            queueControl(Opcode.CLOSE, hasStatus ? ClosePayload.encode(close.code(), "") : ByteBuffer.allocate(0));
        }
        state = State.CLOSED;
        closeCode = close.code();
        closeReason = close.reason();
        release();
    }

    // ---------------------------------------------------------------- sending

    /**
     * The next buffer to write to the transport, in order, or {@code null}. The caller writes all
     * its remaining bytes and does not modify them: a buffer may be shared with other connections
     * ({@link #sendEncoded}) or be the caller's own payload ({@link #sendBinary}). Buffers may be
     * heap or direct.
     *
     * @return the next buffer to write, or {@code null} when nothing is waiting
     */
    public ByteBuffer pollOutbound() {
        settle();
        ByteBuffer next = outbound.pollFirst();
        if (next != null) {
            outboundBytes -= next.remaining();
        }
        return next;
    }

    /** How many events wait to be polled. */
    int pendingEvents() {
        return events.size();
    }

    /**
     * Whether {@link #pollOutbound} has something.
     *
     * @return {@code true} when at least one buffer is waiting to be written
     */
    public boolean hasOutbound() {
        settle();
        return !outbound.isEmpty();
    }

    /**
     * The total of bytes waiting in {@link #pollOutbound}.
     *
     * @return the number of bytes queued and not yet handed out by {@link #pollOutbound}
     */
    public long outboundBytes() {
        settle();
        return outboundBytes;
    }

    /**
     * Queues a text message as one frame.
     *
     * @param text the message text
     * @throws IllegalStateException unless {@link State#OPEN} and no fragmented message is being sent
     */
    public void sendText(CharSequence text) {
        checkCanStartMessage();
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        queueMessage(Opcode.TEXT, ByteBuffer.wrap(bytes));
    }

    /**
     * Queues a binary message, the buffer's remaining bytes, as one frame. A server connection
     * queues the buffer itself (no copy), so it must not be changed until written; its position is
     * not moved.
     *
     * @param data the message payload, from its position to its limit
     * @throws IllegalStateException unless {@link State#OPEN} and no fragmented message is being sent
     */
    public void sendBinary(ByteBuffer data) {
        checkCanStartMessage();
        queueMessage(Opcode.BINARY, data.slice());
    }

    /**
     * Queues one frame of a fragmented message: the first with {@link Opcode#TEXT} or
     * {@link Opcode#BINARY}, later ones with {@link Opcode#CONTINUATION}, the last with {@code fin}.
     * Control frames may be sent between fragments. The caller keeps text fragments UTF-8 as a whole.
     *
     * @param opcode {@link Opcode#TEXT} or {@link Opcode#BINARY} for the first fragment,
     *     {@link Opcode#CONTINUATION} after it
     * @param payload the fragment's payload, from its position to its limit
     * @param fin {@code true} for the last fragment of the message
     * @throws IllegalStateException on a fragment out of order, a control opcode, or unless
     *     {@link State#OPEN}
     */
    public void sendFrame(Opcode opcode, ByteBuffer payload, boolean fin) {
        checkOpen();
        if (opcode.isControl()) {
            throw new IllegalStateException("use sendPing, sendPong or close for control frames");
        }
        if (opcode == Opcode.CONTINUATION) {
            if (sendingFragmented == null) {
                throw new IllegalStateException("no fragmented message to continue");
            }
        } else if (sendingFragmented != null) {
            throw new IllegalStateException("the fragmented " + sendingFragmented + " message is not finished");
        }
        if (opcode != Opcode.CONTINUATION && fin) {
            // One frame that is the whole message: the same as sendText/sendBinary.
            queueMessage(opcode, payload.slice());
            return;
        }
        if (opcode != Opcode.CONTINUATION) {
            sendingCompressed = compresses();
        }
        if (sendingCompressed) {
            // RFC 7692 6.1: RSV1 on the first frame of the message only.
            byte[] compressed = deflate.compressFragment(payload.slice(), fin);
            queueData(fin, opcode != Opcode.CONTINUATION ? Frame.RSV1 : 0, opcode, ByteBuffer.wrap(compressed));
        } else {
            queueData(fin, opcode, payload.slice());
        }
        if (opcode != Opcode.CONTINUATION) {
            sendingFragmented = opcode;
        }
        if (fin) {
            sendingFragmented = null;
        }
    }

    /**
     * Queues an already encoded, unmasked frame (see {@link FrameEncoder}); the same buffer may be
     * queued on many connections, each of which writes its own view of it. Server role only.
     *
     * <p>With permessage-deflate: a frame without RSV1 (an uncompressed message) is fine on every
     * connection. A frame with RSV1 must hold a whole message compressed by
     * {@link PerMessageDeflate#compressWithoutContext} and is accepted only when {@link #compresses()};
     * the connection then starts its own next compressed message with an empty window, because a
     * message compressed with one connection's LZ77 context cannot be decoded by another's peer.
     *
     * @param frame the encoded frame, from its position to its limit
     * @throws IllegalStateException for a client, unless {@link State#OPEN}, mid-fragmented-send, or
     *     for a compressed frame on a connection that does not compress
     */
    public void sendEncoded(ByteBuffer frame) {
        if (role != Role.SERVER) {
            throw new IllegalStateException("a client masks each frame with a fresh key; encoded frames are for servers");
        }
        checkCanStartMessage();
        if (frame.hasRemaining() && (frame.get(frame.position()) & (Frame.RSV1 << 4)) != 0) {
            if (!compresses()) {
                throw new IllegalStateException("a compressed (RSV1) frame on a connection that does not compress");
            }
            deflate.messageSentWithoutContext();
        }
        enqueue(frame.duplicate());
    }

    /**
     * Queues a ping of at most 125 bytes.
     *
     * @param payload the ping's application data, at most 125 bytes
     * @throws IllegalStateException unless {@link State#OPEN}
     */
    public void sendPing(ByteBuffer payload) {
        checkOpen();
        queueControl(Opcode.PING, checkControlPayload(payload));
    }

    /**
     * Queues an unsolicited pong of at most 125 bytes (a unidirectional heartbeat, section 5.5.3).
     *
     * @param payload the pong's application data, at most 125 bytes
     * @throws IllegalStateException unless {@link State#OPEN}
     */
    public void sendPong(ByteBuffer payload) {
        checkOpen();
        queueControl(Opcode.PONG, checkControlPayload(payload));
    }

    /**
     * Starts the closing handshake: queues a close frame and moves to {@link State#CLOSING}. Does
     * nothing unless {@link State#OPEN}.
     *
     * @param code the close code to send
     * @param reason the reason to send, at most 123 UTF-8 bytes; may be empty
     * @throws IllegalArgumentException when the code may not be sent or the reason is longer than 123 UTF-8
     *     bytes
     */
    public void close(CloseCode code, String reason) {
        ByteBuffer payload = ClosePayload.encode(code, reason);
        if (state != State.OPEN) {
            return;
        }
        queueControl(Opcode.CLOSE, payload);
        state = State.CLOSING;
        closeSent = true;
        resetMessage(); // a message in progress will not be delivered: give its buffer back now
        receiver.dropRestOfDataFrame();
        closeCode = code;
        closeReason = reason == null ? "" : reason;
    }

    // ---------------------------------------------------------------- state

    /**
     * The current state.
     *
     * @return the connection's state
     */
    public State state() {
        settle();
        return state;
    }

    /**
     * Whether messages can still be sent.
     *
     * @return {@code true} while the state is {@link State#OPEN}
     */
    public boolean isOpen() {
        settle();
        return state == State.OPEN;
    }

    /**
     * The close code to report: the peer's code once its close frame arrived (1005 when it had
     * none), otherwise the code this side closed or failed with, or 1006 when the transport ended
     * without a close handshake. {@code null} while nothing of the sort has happened.
     *
     * @return the close code, or {@code null} while the connection has not started to close
     */
    public CloseCode closeCode() {
        settle();
        return closeCode;
    }

    /**
     * The reason that goes with {@link #closeCode()}, empty when none.
     *
     * @return the close reason, or an empty string
     */
    public String closeReason() {
        return closeReason;
    }

    /**
     * Whether the peer's close frame arrived.
     *
     * @return {@code true} once the peer's close frame was received
     */
    public boolean closeReceived() {
        return closeReceived;
    }

    /**
     * The capacity of the buffer that holds a fragmented message being reassembled, 0 when there is
     * none. Package-private so that tests can check buffering never exceeds {@link Limits#maxMessageSize()}.
     */
    int reassemblyCapacity() {
        return assembler.capacity();
    }

    /**
     * This side's role.
     *
     * @return the role given at construction
     */
    public Role role() {
        return role;
    }

    /**
     * The limits this connection enforces.
     *
     * @return the connection's limits
     */
    public Limits limits() {
        return limits;
    }

    /**
     * Whether this connection sends compressed messages: permessage-deflate was negotiated, this
     * side's compressor is not released.
     * Frames pre-encoded with RSV1 may be passed to {@link #sendEncoded} only then.
     *
     * @return {@code true} when messages sent through this connection may be compressed
     */
    public boolean compresses() {
        return deflate != null && deflate.canCompress() && !deflate.isClosed();
    }

    /**
     * Releases the native zlib memory of permessage-deflate and gives back everything counted
     * against the {@link MemoryBudget}, now. Idempotent; the connection calls it itself on reaching
     * {@link State#CLOSED} and in {@link #transportClosed()}. It ends the connection's receiving
     * side: on a connection still open, a message in progress is dropped, later messages go out
     * uncompressed and a compressed message received throws {@link IllegalStateException}.
     */
    public void release() {
        if (deflate != null) {
            deflate.close();
        }
        assembler.releaseAll();
    }

    /**
     * Gives back the memory kept for reuse between messages (the last message's reassembly buffer,
     * when it was small enough to keep). For a connection that goes idle: the next message that
     * needs a buffer allocates one again.
     */
    public void trim() {
        assembler.trim();
    }

    // ---------------------------------------------------------------- internals

    private void checkOpen() {
        settle();
        if (state != State.OPEN) {
            throw new IllegalStateException("connection is " + state);
        }
    }

    private void checkCanStartMessage() {
        checkOpen();
        if (sendingFragmented != null) {
            throw new IllegalStateException("the fragmented " + sendingFragmented + " message is not finished");
        }
    }

    private static ByteBuffer checkControlPayload(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("control frame payload is " + payload.remaining() + " bytes, at most 125");
        }
        return payload.slice();
    }

    private void queueControl(Opcode opcode, ByteBuffer payload) {
        queueData(true, opcode, payload);
    }

    /**
     * Queues one frame. Server frames go out as header plus the payload buffer itself, or as one
     * combined array for small payloads; client frames are copied once to be masked.
     */
    private void queueData(boolean fin, Opcode opcode, ByteBuffer payload) {
        queueData(fin, 0, opcode, payload);
    }

    /** Queues a whole data message, compressed when permessage-deflate says it is worth it. */
    private void queueMessage(Opcode opcode, ByteBuffer payload) {
        if (compresses() && deflate.shouldCompress(payload.remaining())) {
            queueData(true, Frame.RSV1, opcode, ByteBuffer.wrap(deflate.compress(payload)));
        } else {
            queueData(true, 0, opcode, payload);
        }
    }

    private void queueData(boolean fin, int rsv, Opcode opcode, ByteBuffer payload) {
        int length = payload.remaining();
        if (role == Role.CLIENT) {
            enqueue(ByteBuffer.wrap(FrameEncoder.encode(fin, rsv, opcode, payload, true, maskKeys.next())));
        } else if (length <= COMBINE_LIMIT) {
            enqueue(ByteBuffer.wrap(FrameEncoder.encode(fin, rsv, opcode, payload, false, 0)));
        } else {
            byte[] header = new byte[FrameEncoder.headerLength(length, false)];
            FrameEncoder.writeHeader(header, 0, fin, rsv, opcode, length, false, 0);
            enqueue(ByteBuffer.wrap(header));
            enqueue(payload);
        }
    }

    private void enqueue(ByteBuffer buffer) {
        outbound.addLast(buffer);
        outboundBytes += buffer.remaining();
    }

    private void resetMessage() {
        assembler.reset();
    }

    /** Turns decoded frames into events, applying the message-level rules of sections 5.4-5.5. */
    private final class Receiver implements FrameSink {
        // The frame being received.
        private Opcode frameOpcode;
        private boolean frameFin;
        private long frameLength;
        private boolean frameDeliveredWhole;
        /** The data frame being received is dropped unread (this side is closing). */
        private boolean discarding;

        /** This side closed while a data frame was arriving: the rest of it is dropped too. */
        void dropRestOfDataFrame() {
            if (frameOpcode != null && !frameOpcode.isControl()) {
                discarding = true;
            }
        }

        // The control frame being received (at most 125 bytes).
        private byte[] control;
        private int controlSize;

        @Override
        public void frameStart(boolean fin, int rsv, Opcode opcode, long length) throws ProtocolException {
            frameOpcode = opcode;
            frameFin = fin;
            frameLength = length;
            frameDeliveredWhole = false;
            discarding = false;
            if (rsv != 0) {
                checkCompressedFrame(opcode);
            }
            if (opcode.isControl()) {
                controlSize = 0;
                return;
            }
            if (state == State.CLOSING) {
                // This side sent its close: data is read and dropped until the peer's close arrives
                // (RFC 6455 5.5.1 lets it come after more data), without reassembling or inflating it.
                discarding = true;
                return;
            }
            if (opcode == Opcode.CONTINUATION) {
                if (!assembler.inProgress()) {
                    throw new ProtocolException(Violation.UNEXPECTED_CONTINUATION);
                }
            } else {
                if (assembler.inProgress()) {
                    throw new ProtocolException(Violation.EXPECTED_CONTINUATION,
                            opcode + " frame inside a fragmented " + assembler.opcode() + " message");
                }
                assembler.begin(opcode, rsv != 0);
            }
            assembler.checkFrame(length, fin);
        }

        @Override
        public void framePayload(byte[] bytes, int offset, int length) throws ProtocolException {
            if (discarding) {
                return;
            }
            if (frameOpcode.isControl()) {
                if (control == null) {
                    control = new byte[125];
                }
                System.arraycopy(bytes, offset, control, controlSize, length);
                controlSize += length;
            } else if (frameFin && !assembler.compressed() && assembler.isEmpty() && length == frameLength) {
                // The whole message is in this chunk: make the event from it without buffering.
                events.addLast(assembler.whole(bytes, offset, length));
                frameDeliveredWhole = true;
            } else {
                assembler.append(bytes, offset, length);
            }
        }

        @Override
        public boolean frameEnd() throws ProtocolException {
            if (frameOpcode.isControl()) {
                return controlFrame();
            }
            if (discarding) {
                return true;
            }
            if (frameFin && !frameDeliveredWhole) {
                events.addLast(assembler.finish());
                // Stop decoding while the messages not yet polled hold more than one message's worth.
                return assembler.bytesLent() <= limits.maxMessageSize();
            }
            return true;
        }

        /**
         * RFC 7692: only RSV1 can be allowed (by the decoder), and only on the first frame of a
         * data message; on a control frame it is an undefined reserved bit (RFC 6455 5.2).
         */
        private void checkCompressedFrame(Opcode opcode) throws ProtocolException {
            if (opcode.isControl()) {
                throw new ProtocolException(Violation.RESERVED_BITS, "RSV1 on a " + opcode + " frame");
            }
            if (opcode == Opcode.CONTINUATION) {
                throw new ProtocolException(Violation.COMPRESSED_CONTINUATION);
            }
        }

        private boolean controlFrame() throws ProtocolException {
            byte[] payload = control == null ? new byte[0] : control;
            switch (frameOpcode) {
                case PING -> {
                    byte[] data = Arrays.copyOf(payload, controlSize);
                    if (state != State.CLOSED) {
                        // Section 5.5.2: answer with a pong carrying the same application data,
                        // also after sending our close: only a received close frame exempts us.
                        queueControl(Opcode.PONG, ByteBuffer.wrap(data));
                    }
                    events.addLast(new Event.Ping(data));
                    return true;
                }
                case PONG -> {
                    events.addLast(new Event.Pong(Arrays.copyOf(payload, controlSize)));
                    return true;
                }
                default -> {
                    ClosePayload close = ClosePayload.parse(payload, controlSize);
                    // Nothing after the close frame counts (section 5.5.1); the echo goes out when
                    // the caller polls the Close event, after its answers to earlier messages.
                    closeReceived = true;
                    pendingPeerClose = close;
                    resetMessage();
                    if (events.isEmpty()) {
                        applyPeerClose();
                    }
                    events.addLast(new Event.Close(close.code(), close.reason()));
                    return false;
                }
            }
        }
    }
}
