package org.wsbyhand.server;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.FrameEncoder;
import org.wsbyhand.protocol.Opcode;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.core.PreparedFrames;
import org.wsbyhand.session.UpgradeRequest;
import org.wsbyhand.session.PreparedMessage;

/**
 * The server's {@link Session}: one {@link Connection} guarded by one {@link ReentrantLock}, plus
 * its {@link Outbound} writer.
 *
 * <p>Every call into the connection (the reader feeding bytes, any thread sending) holds the lock
 * for as long as the call takes, which is never longer than encoding a frame: no socket I/O
 * happens under it. Sends check the session's outbound bound first: a message that would take the
 * unsent bytes over {@link ServerConfig#maxOutboundBytes()} is not queued, the session is closed
 * with 1008 (policy violation), and the socket is dropped if the client has not read its way to the
 * close frame within {@link ServerConfig#closeTimeout()}.
 */
final class ServerSession implements Session {
    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    /** The close code of a session whose unsent bytes exceeded its bound. */
    static final CloseCode SLOW_CONSUMER = CloseCode.POLICY_VIOLATION;

    private final long id;
    private final HttpUpgradeRequest request;
    private final Optional<String> subprotocol;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Outbound outbound;
    private final long maxOutboundBytes;
    private final Counters counters;
    private volatile Connection.State state = Connection.State.OPEN;
    private volatile boolean slowConsumer;
    private volatile boolean overBudget;
    private final SessionMemory memory;
    private final Outbound.Owner owner;
    private volatile ConcurrentMap<String, Object> attributes;

    /** permessage-deflate state when negotiated (owned by the connection), else null. */
    private final PerMessageDeflate deflate;
    private final CompressionCounts compressionCounts;

    ServerSession(long id, HttpUpgradeRequest request, Optional<String> subprotocol, Connection connection,
            OutputStream out, ServerConfig config, Counters counters, Outbound.Owner owner, PerMessageDeflate deflate,
            SessionMemory memory) {
        this.deflate = deflate;
        this.compressionCounts = deflate == null ? null : new CompressionCounts(deflate);
        this.id = id;
        this.request = request;
        this.subprotocol = subprotocol;
        this.connection = connection;
        this.maxOutboundBytes = config.maxOutboundBytes();
        this.counters = counters;
        this.memory = memory;
        this.owner = owner;
        this.outbound = new Outbound(lock, connection, out, counters, owner, id, memory);
    }

    @Override
    public String id() {
        return Long.toString(id);
    }

    @Override
    public UpgradeRequest request() {
        return request;
    }

    @Override
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return request.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return state == Connection.State.OPEN;
    }

    /** The connection's state as of the last call into it. */
    Connection.State state() {
        return state;
    }

    @Override
    public boolean sendText(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return sendData(frameLength(utf8.length), c -> c.sendFrame(Opcode.TEXT, ByteBuffer.wrap(utf8), true));
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        // The caller may reuse its buffer after the call, so the session keeps a copy.
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return sendData(frameLength(copy.remaining()), c -> c.sendBinary(copy));
    }

    @Override
    public boolean sendBinary(byte[] data) {
        ByteBuffer wrapped = ByteBuffer.wrap(data);
        return sendData(frameLength(data.length), c -> c.sendBinary(wrapped));
    }

    /**
     * On a compressing session a message of at least the minimum size goes out as the message's
     * shared compressed frame: compressed once without LZ77 context for every session (RFC 7692
     * 7.2.1 lets any message start with an empty window), after which this session's own next
     * message starts with an empty window too (see {@link Connection#sendEncoded}). A frame
     * compressed with this session's window could not be shared. The shared frame keeps to this
     * session's window size (RFC 7692 7.1.2).
     */
    @Override
    public boolean send(PreparedMessage message) {
        if (deflate != null && deflate.canCompress() && message.payloadLength() >= deflate.options().minMessageSize()) {
            PreparedFrames.Compressed compressed = PreparedFrames.access()
                    .compressed(message, deflate.options().compressionLevel(), deflate.sendWindowBits());
            boolean sent = sendData(compressed.frame().length, c -> c.sendEncoded(ByteBuffer.wrap(compressed.frame())));
            if (sent) {
                counters.compressedMessagesOut.increment();
                counters.originalBytesOut.add(message.payloadLength());
                counters.compressedBytesOut.add(compressed.payloadLength());
            }
            return sent;
        }
        return sendData(message.frameLength(), c -> c.sendEncoded(PreparedFrames.access().sharedFrame(message)));
    }

    @Override
    public boolean isCompressed() {
        return deflate != null;
    }

    @Override
    public boolean sendPing(byte[] payload) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("ping payload longer than 125 bytes (RFC 6455 5.5)");
        }
        ByteBuffer wrapped = ByteBuffer.wrap(payload.clone());
        return send(frameLength(payload.length), false, c -> c.sendPing(wrapped));
    }

    @Override
    public void close(CloseCode code, String reason) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        lock.lock();
        try {
            connection.close(code, reason);
            afterCall();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ConcurrentMap<String, Object> attributes() {
        ConcurrentMap<String, Object> map = attributes;
        if (map == null) {
            lock.lock();
            try {
                map = attributes;
                if (map == null) {
                    map = new ConcurrentHashMap<>(4);
                    attributes = map;
                }
            } finally {
                lock.unlock();
            }
        }
        return map;
    }

    private boolean sendData(long frameLength, java.util.function.Consumer<Connection> queue) {
        return send(frameLength, true, queue);
    }

    private boolean send(long frameLength, boolean data, java.util.function.Consumer<Connection> queue) {
        if (frameLength > maxOutboundBytes) {
            throw new IllegalArgumentException("a " + frameLength + "-byte frame can never fit the session's"
                    + " outbound bound of " + maxOutboundBytes + " bytes (maxOutboundBytes)");
        }
        lock.lock();
        try {
            if (connection.state() != Connection.State.OPEN) {
                return false;
            }
            if (outbound.queuedBytes() + frameLength > maxOutboundBytes) {
                failSlowConsumer();
                return false;
            }
            if (!memory.reserveOutbound(frameLength)) {
                failOverBudget(frameLength);
                return false;
            }
            queue.accept(connection);
            if (data) {
                outbound.countMessage();
            }
            afterCall();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records the connection's state after a call into it, counts its unsent bytes against the
     * memory budget, enforces the outbound bound and the budget on bytes the connection queued by
     * itself (pongs, close echoes), and starts the writer. Lock held. Returns true when the bound
     * or the budget was exceeded and the session is now closing.
     *
     * <p>After our close frame the peer gets no more messages, but it can still make us queue
     * pongs; a peer that does so past the bound or the budget without reading is dropped at once.
     */
    boolean afterCall() {
        if (compressionCounts != null) {
            compressionCounts.addTo(counters);
        }
        boolean withinBudget = memory.settleOutbound(outbound.queuedBytes());
        boolean overflow = false;
        Connection.State now = connection.state();
        if (now == Connection.State.OPEN && outbound.queuedBytes() > maxOutboundBytes) {
            failSlowConsumer();
            overflow = true;
        } else if (now == Connection.State.OPEN && !withinBudget) {
            failOverBudget(0);
            overflow = true;
        } else if (now == Connection.State.CLOSE_SENT && (!withinBudget || outbound.queuedBytes() > maxOutboundBytes)) {
            log.info("session {} ({}): keeps sending after our close without reading, dropped", id, request.remoteAddress());
            owner.abort();
        }
        state = connection.state();
        outbound.flush();
        return overflow;
    }

    /** Lock held. */
    private void failSlowConsumer() {
        log.info("session {} ({}): over {} unsent bytes, closing with {}", id, request.remoteAddress(),
                maxOutboundBytes, SLOW_CONSUMER);
        slowConsumer = true;
        counters.slowConsumers.increment();
        connection.close(SLOW_CONSUMER, "too many unsent bytes");
        memory.settleOutbound(outbound.queuedBytes());
        state = connection.state();
        outbound.flush();
    }

    /** The memory budget has no room for this session's unsent bytes. Lock held. */
    private void failOverBudget(long frameLength) {
        log.info("session {} ({}): no room in the memory budget for {} unsent bytes, closing with {}", id,
                request.remoteAddress(), outbound.queuedBytes() + frameLength, CloseCode.TRY_AGAIN_LATER);
        overBudget = true;
        counters.memoryRefusals.increment();
        connection.close(CloseCode.TRY_AGAIN_LATER, "server memory budget exhausted");
        memory.settleOutbound(outbound.queuedBytes());
        state = connection.state();
        outbound.flush();
    }

    // ---- the reader's thread hand-over (see Outbound and IdleWatcher); each takes the lock ----

    /** The reader may give back its thread: the session is open and nothing is pending or was just written. */
    boolean tryReleaseReader() {
        lock.lock();
        try {
            if (connection.state() != Connection.State.OPEN || !outbound.tryRelease()) {
                return false;
            }
            connection.trim(); // an idle session keeps no message buffer
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the memory budget for {@code bytes} more of read buffer; false means read with what there is. */
    boolean reserveReadBuffer(long bytes) {
        lock.lock();
        try {
            return memory.tryReserve(bytes);
        } finally {
            lock.unlock();
        }
    }

    /** Gives back {@code bytes} of read buffer. */
    void releaseReadBuffer(long bytes) {
        lock.lock();
        try {
            memory.release(bytes);
        } finally {
            lock.unlock();
        }
    }

    /** The session ended: everything it held goes back to the budget. Lock held. */
    void releaseMemory() {
        memory.close();
    }

    /** Bytes held of the memory budget (approximate: read without the lock). */
    long memoryHeld() {
        return memory.held();
    }

    /** The reader's socket is registered with the idle watcher; its thread ends now. */
    void readerParked() {
        lock.lock();
        try {
            outbound.parked();
        } finally {
            lock.unlock();
        }
    }

    /** A reader runs again on {@code thread} (resumed, or its release failed). */
    void readerResumed(Thread thread) {
        lock.lock();
        try {
            outbound.resumed(thread);
        } finally {
            lock.unlock();
        }
    }

    /** The watcher's claim on a parked session whose socket became ready; true the first time only. */
    boolean claimWake() {
        lock.lock();
        try {
            return outbound.claimWake();
        } finally {
            lock.unlock();
        }
    }

    /** Brings a parked reader back (its socket was closed); nothing when the reader runs. */
    void wakeReader() {
        lock.lock();
        try {
            outbound.requestWake();
        } finally {
            lock.unlock();
        }
    }

    /** Whether everything queued so far has been written (or the socket failed). */
    boolean drained() {
        lock.lock();
        try {
            return outbound.isBroken() || outbound.queuedBytes() == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Whether this session was closed for exceeding its outbound bound. */
    boolean wasSlowConsumer() {
        return slowConsumer;
    }

    /** Whether this session was closed because the memory budget had no room for its unsent bytes. */
    boolean wasOverBudget() {
        return overBudget;
    }

    long maxOutboundBytes() {
        return maxOutboundBytes;
    }

    /** The most unsent bytes this session held at any time (for tests and diagnostics). */
    long outboundHighWater() {
        lock.lock();
        try {
            return outbound.highWater();
        } finally {
            lock.unlock();
        }
    }

    /** The session lock; the reader holds it while feeding bytes. */
    ReentrantLock lock() {
        return lock;
    }

    Connection connection() {
        return connection;
    }

    Outbound outbound() {
        return outbound;
    }

    /** Frame length of an unmasked frame with this payload length (RFC 6455 5.2). */
    static long frameLength(long payloadLength) {
        return FrameEncoder.headerLength(payloadLength, false) + payloadLength;
    }

    @Override
    public String toString() {
        return "Session[" + id + " " + request + "]";
    }
}
