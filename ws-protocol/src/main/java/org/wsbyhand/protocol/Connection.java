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
 * calls application code; timeouts, sockets and threads belong to the caller. Create one with
 * {@link #server()}, {@link #client()} or {@link #builder(Role)}.
 *
 * <p>What it does by itself: reassembles fragmented messages (control frames may come between the
 * fragments), validates text as UTF-8 while it arrives so that an invalid message fails at its first
 * bad byte, enforces the frame and message size limits before buffering, answers pings with pongs,
 * echoes the peer's close frame, and fails the connection with the right close code on every
 * protocol violation.
 *
 * <p><b>How a connection ends.</b> The stream of events ends with at most one terminal event: the
 * peer's {@link Event.Close} or an {@link Event.Failure} (the peer broke the protocol or a limit).
 * {@link #receive} never throws for what the peer sent; decoding simply stops after the terminal
 * event. The terminal event comes after every event decoded before it and takes effect when it is
 * polled: only then is the echoing close frame (or, for a failure, the close frame with the
 * violation's code) queued, so whatever the caller sends in answer to the earlier events goes out
 * before it, in wire order. {@link #state()} says who closed first ({@link State#CLOSE_SENT} while
 * this side waits for the peer's close), {@link #ending()} how it ended once {@link State#CLOSED}.
 *
 * <p><b>The transport.</b> The connection also says what the caller does with the transport
 * (RFC 6455 section 7.1.1): {@link #transportAction()} once the outbound bytes are written, and
 * {@link #closeDeadlineStarted()} from the moment this side's close frame is queued, after which
 * the caller bounds with its own timer how long it waits for the peer.
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
 * on the first fragment only, because their total size is unknown when the first fragment goes out.
 * The connection owns the {@code PerMessageDeflate} and ends its native zlib memory when it reaches
 * {@link State#CLOSED} (a terminal event polled, or {@link #transportClosed()}) or on
 * {@link #release()}; a caller must call one of those when the connection ends, abnormal ends included.
 *
 * <p>Not thread-safe: a caller that sends from several threads serializes calls with a lock.
 */
public final class Connection {

    /** Where the closing handshake is, and who started it. */
    public enum State {
        /** Messages flow both ways. A terminal event may be waiting to be polled. */
        OPEN,
        /**
         * This side sent the first close frame and waits for the peer's. Messages still arrive but
         * are not delivered, pings are still answered (section 5.5.2), and the caller can send
         * nothing more.
         */
        CLOSE_SENT,
        /**
         * Nothing more is sent or received: the closing handshake completed, the connection failed,
         * or the transport ended. {@link #ending()} says which.
         */
        CLOSED
    }

    /** How a {@link State#CLOSED} connection ended. */
    public enum Ending {
        /** This side sent the first close frame and the peer answered it: a clean close started here. */
        LOCAL_CLOSE,
        /** The peer sent the first close frame and this side answered it: a clean close started by the peer. */
        PEER_CLOSE,
        /** The peer broke the protocol or a limit ({@link Event.Failure}); this side failed the connection. */
        FAILURE,
        /** The transport ended ({@link #transportClosed()}) before the closing handshake completed. */
        TRANSPORT_ENDED
    }

    /**
     * What the caller does with the transport once every outbound buffer is written (RFC 6455 7.1.1).
     */
    public enum TransportAction {
        /** Keep reading and writing: the connection is open or waits for the peer's close frame. */
        KEEP_OPEN,
        /**
         * A client after the closing handshake or a failure: wait for the server to close the
         * transport first, at most until the close deadline (see {@link #closeDeadlineStarted()}),
         * then close it. No half-close before: the side that sends the first FIN holds TIME_WAIT,
         * and RFC 6455 7.1.1 wants that to be the server.
         */
        AWAIT_SERVER_CLOSE,
        /**
         * Close the transport: a server after the closing handshake or a failure (it closes the TCP
         * connection first), or either side once the transport ended. A server may first half-close
         * and drain the input briefly so that unread bytes do not make the kernel reset the connection
         * before the close frame arrives.
         */
        CLOSE
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
    /** How the connection ended; null until {@link State#CLOSED}. */
    private Ending ending;
    private CloseCode closeCode;
    private String closeReason = "";
    /**
     * The peer's close or the failure that ended receiving, null while decoding goes on. It waits
     * at the end of {@link #events} until polled, and then takes effect.
     */
    private Event terminal;
    /** This side's close frame is queued (by {@link #close}, as the echo, or for a failure). */
    private boolean closeFrameQueued;
    /** {@link #transportClosed()} was called. */
    private boolean transportEnded;

    /** The opcode of the fragmented message being sent, or null. */
    private Opcode sendingFragmented;

    /** permessage-deflate state when the extension was negotiated, else null. */
    private final PerMessageDeflate deflate;
    /** Whether the fragmented message being sent is compressed. */
    private boolean sendingCompressed;

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
     * A server connection with the default {@link Limits}, no extension and an unlimited memory
     * budget; the same as {@code builder(Role.SERVER).build()}.
     *
     * @return a new server connection in state {@link State#OPEN}
     */
    public static Connection server() {
        return builder(Role.SERVER).build();
    }

    /**
     * A client connection with the default {@link Limits}, mask keys from
     * {@link MaskKeys#secureRandom()}, no extension and an unlimited memory budget; the same as
     * {@code builder(Role.CLIENT).build()}.
     *
     * @return a new client connection in state {@link State#OPEN}
     */
    public static Connection client() {
        return builder(Role.CLIENT).build();
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
     * Complete messages and control frames become events; pings are answered at once. Payload bytes
     * may be unmasked in place in {@code data}.
     *
     * <p>The peer's close frame, or a violation of the protocol or a limit, becomes the last event
     * ({@link Event.Close}, {@link Event.Failure}); decoding stops there for good and the rest of
     * {@code data}, like all bytes once {@link State#CLOSED}, is ignored. Nothing is thrown for what
     * the peer sent.
     *
     * <p>One exception keeps a burst of messages from piling up: when the messages decoded and not
     * yet polled hold more than {@link Limits#maxMessageSize()} bytes of buffers (a few KB of
     * compressed messages can inflate to many megabytes), decoding stops after the message that
     * crossed that mark and the rest of {@code data} is left in it. Poll the events, then call
     * again while {@code data.hasRemaining()}.
     *
     * @param data the bytes read from the transport; its position moves past the bytes consumed
     */
    public void receive(ByteBuffer data) {
        if (state == State.CLOSED || terminal != null) {
            data.position(data.limit());
            return;
        }
        try {
            decoder.decode(data, receiver);
        } catch (ProtocolException e) {
            Event.Failure failure = new Event.Failure(e);
            terminal = failure;
            events.addLast(failure);
        }
        if (terminal != null) {
            data.position(data.limit());
        }
    }

    /**
     * The next event, or {@code null} when there is none. Polling a terminal event makes it take
     * effect: for the peer's {@link Event.Close}, the echoing close frame is queued (unless this side
     * sent its close first) and the connection is {@link State#CLOSED}; for an {@link Event.Failure},
     * a close frame with the violation's code is queued (unless this side sent its close already)
     * and the connection is {@link State#CLOSED}. Once this side has sent its close frame
     * ({@link State#CLOSE_SENT}), no more text or binary messages are delivered, not even ones
     * already decoded.
     *
     * <p>The bytes of the messages returned stay counted against the {@link MemoryBudget} until
     * this method returns null: the caller is then taken to be done with them.
     *
     * @return the next event, or {@code null}
     */
    public Event pollEvent() {
        while (true) {
            Event event = events.pollFirst();
            if (event == null) {
                // The caller is done with every message it was given: their buffers no longer count.
                assembler.eventsTaken();
                return null;
            }
            if (event == terminal) {
                applyTerminal();
            } else if (closeFrameQueued && (event instanceof Event.Text || event instanceof Event.Binary)) {
                continue; // this side has closed: messages still queued are not delivered
            }
            return event;
        }
    }

    /**
     * Like {@link #pollEvent()}, except that it returns {@code null} instead of the terminal event
     * (see {@link #endWaiting()}), which stays to be taken by {@link #pollEvent()}. A caller that
     * takes a whole read's events at once takes them with this, acts on them (its answers queue
     * before any close frame), and then polls the terminal event.
     *
     * @return the next event that is not terminal, or {@code null}
     */
    public Event pollEventBeforeEnd() {
        Event next = events.peekFirst();
        if (next != null && next == terminal) {
            return null;
        }
        return pollEvent();
    }

    /**
     * Whether the next event to poll is the terminal one (the peer's close, or a failure).
     *
     * @return {@code true} when {@link #pollEvent()} would return the terminal event now
     */
    public boolean endWaiting() {
        Event next = events.peekFirst();
        return next != null && next == terminal;
    }

    /**
     * Tells the connection the transport ended (EOF or error). Moves to {@link State#CLOSED}. When
     * no closing handshake completed, {@link #ending()} becomes {@link Ending#TRANSPORT_ENDED} and
     * {@link #closeCode()} 1006 (section 7.1.5), or the peer's code when its close frame had arrived
     * but was not polled yet; a failure not polled yet ends the connection as {@link Ending#FAILURE}
     * with its code. Events not polled yet can still be polled.
     */
    public void transportClosed() {
        transportEnded = true;
        release();
        if (state == State.CLOSED) {
            return;
        }
        if (terminal instanceof Event.Failure failure) {
            end(Ending.FAILURE, failure.closeCode(), failure.violation().description());
        } else if (terminal instanceof Event.Close close) {
            end(Ending.TRANSPORT_ENDED, close.code(), close.reason());
        } else {
            end(Ending.TRANSPORT_ENDED, CloseCode.ABNORMAL_CLOSURE, "");
        }
    }

    /**
     * The terminal event was polled. The peer's close is answered with a close frame echoing its
     * status code (section 5.5.1); a failure is answered with a close frame carrying the violation's
     * code (section 7.1.7). Either one only if this side has not sent its close frame yet.
     */
    private void applyTerminal() {
        if (state == State.CLOSED) {
            return; // the transport ended first
        }
        if (terminal instanceof Event.Close close) {
            if (!closeFrameQueued) {
                boolean hasStatus = !close.code().equals(CloseCode.NO_STATUS_RECEIVED);
                queueCloseFrame(hasStatus ? ClosePayload.encode(close.code(), "") : ByteBuffer.allocate(0));
            }
            end(state == State.CLOSE_SENT ? Ending.LOCAL_CLOSE : Ending.PEER_CLOSE, close.code(), close.reason());
        } else {
            Event.Failure failure = (Event.Failure) terminal;
            String description = failure.violation().description();
            if (!closeFrameQueued) {
                queueCloseFrame(ClosePayload.encode(failure.closeCode(), description));
            }
            end(Ending.FAILURE, failure.closeCode(), description);
        }
    }

    private void end(Ending how, CloseCode code, String reason) {
        state = State.CLOSED;
        ending = how;
        closeCode = code;
        closeReason = reason;
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

    /** The last event waiting to be polled, or null; for tests that look at a terminal event before polling it. */
    Event lastEvent() {
        return events.peekLast();
    }

    /**
     * Whether {@link #pollOutbound} has something.
     *
     * @return {@code true} when at least one buffer is waiting to be written
     */
    public boolean hasOutbound() {
        return !outbound.isEmpty();
    }

    /**
     * The total of bytes waiting in {@link #pollOutbound}.
     *
     * @return the number of bytes queued and not yet handed out by {@link #pollOutbound}
     */
    public long outboundBytes() {
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
     * Starts the closing handshake: queues a close frame and moves to {@link State#CLOSE_SENT}; the
     * close deadline starts now ({@link #closeDeadlineStarted()}). Does nothing unless
     * {@link State#OPEN}.
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
        queueCloseFrame(payload);
        state = State.CLOSE_SENT;
        resetMessage(); // a message in progress will not be delivered: give its buffer back now
        receiver.dropRestOfDataFrame();
        closeCode = code;
        closeReason = reason == null ? "" : reason;
    }

    // ---------------------------------------------------------------- state

    /**
     * The current state: {@link State#OPEN}, {@link State#CLOSE_SENT} when this side closed first,
     * or {@link State#CLOSED}. A terminal event changes it only when polled.
     *
     * @return the connection's state
     */
    public State state() {
        return state;
    }

    /**
     * Whether messages can still be sent.
     *
     * @return {@code true} while the state is {@link State#OPEN}
     */
    public boolean isOpen() {
        return state == State.OPEN;
    }

    /**
     * The close code to report: the peer's code once its {@link Event.Close} was polled (1005 when
     * its close frame had none), otherwise the code this side closed with ({@link #close}) or failed
     * with (once the {@link Event.Failure} was polled), or 1006 when the transport ended without a
     * close handshake. {@code null} while nothing of the sort has happened.
     *
     * @return the close code, or {@code null} while the connection has not started to close
     */
    public CloseCode closeCode() {
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
     * Whether the peer's close frame arrived (its {@link Event.Close} may still wait to be polled).
     *
     * @return {@code true} once the peer's close frame was received
     */
    public boolean closeReceived() {
        return terminal instanceof Event.Close;
    }

    /**
     * How the connection ended: {@code null} until {@link State#CLOSED}, then who closed first, or
     * that it failed or the transport ended.
     *
     * @return how the connection ended, or {@code null} while it has not
     */
    public Ending ending() {
        return ending;
    }

    /**
     * Whether the caller should now bound with a timer how long it waits for the transport to end:
     * {@code true} from the moment this side's close frame is queued (by {@link #close}, as the echo
     * of the peer's close, or for a failure). Once it turns true it stays true. The connection reads
     * no clock; the caller owns the timer and, when it expires, closes the transport and calls
     * {@link #transportClosed()}.
     *
     * @return {@code true} once this side's close frame is queued
     */
    public boolean closeDeadlineStarted() {
        return closeFrameQueued;
    }

    /**
     * What to do with the transport once every buffer from {@link #pollOutbound} is written,
     * following RFC 6455 section 7.1.1: {@link TransportAction#KEEP_OPEN} until {@link State#CLOSED};
     * then {@link TransportAction#CLOSE} for a server (it closes the TCP connection first) and
     * {@link TransportAction#AWAIT_SERVER_CLOSE} for a client (it waits for the server to close); and
     * {@link TransportAction#CLOSE} for both once the transport ended ({@link Ending#TRANSPORT_ENDED},
     * or {@link #transportClosed()} called for any other reason).
     *
     * @return what to do with the transport now
     */
    public TransportAction transportAction() {
        if (state != State.CLOSED) {
            return TransportAction.KEEP_OPEN;
        }
        if (role == Role.SERVER || ending == Ending.TRANSPORT_ENDED || transportEnded) {
            return TransportAction.CLOSE;
        }
        return TransportAction.AWAIT_SERVER_CLOSE;
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

    private void queueCloseFrame(ByteBuffer payload) {
        queueControl(Opcode.CLOSE, payload);
        closeFrameQueued = true;
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
            if (state == State.CLOSE_SENT) {
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
                    resetMessage();
                    terminal = new Event.Close(close.code(), close.reason());
                    events.addLast(terminal);
                    return false;
                }
            }
        }
    }
}
