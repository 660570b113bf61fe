package org.wsbyhand.session.core;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.protocol.Connection;
import org.wsbyhand.protocol.FrameEncoder;
import org.wsbyhand.protocol.Opcode;
import org.wsbyhand.protocol.Role;
import org.wsbyhand.protocol.deflate.PerMessageDeflate;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.UpgradeRequest;

/**
 * The {@link Session} of both ends: what a handler calls, turned into calls on the session's
 * {@link Outbound}, which owns everything that leaves.
 */
public final class CoreSession implements Session {
    /**
     * What a session is, fixed when it opens.
     *
     * @param id the session's id
     * @param request the upgrade request (the one received by a server, the one sent by a client)
     * @param subprotocol the agreed subprotocol
     * @param remoteAddress the peer's address
     */
    public record Identity(String id, UpgradeRequest request, Optional<String> subprotocol,
            InetSocketAddress remoteAddress) {}

    private final Identity identity;
    private final SessionLock lock;
    private final Connection connection;
    private final Outbound outbound;
    private final PerMessageDeflate deflate;
    private volatile ConcurrentMap<String, Object> attributes;
    /** Typed attributes, created on first use: most sessions have none. */
    private volatile Map<AttributeKey<?>, Object> typed;
    /** What runs when the session ends (groups it leaves); null until the first; guarded by the lock. */
    private List<Runnable> endActions;
    private boolean ended;
    /** What opened the session (the server, or the client), for the handler to find; set before it runs. */
    private volatile Object opener;

    /**
     * A session over a connection and its outbound side.
     *
     * @param identity what the session is
     * @param lock the session's lock
     * @param connection the protocol state
     * @param outbound the outbound side
     * @param deflate permessage-deflate when negotiated, else null
     */
    public CoreSession(Identity identity, SessionLock lock, Connection connection, Outbound outbound,
            PerMessageDeflate deflate) {
        this.identity = identity;
        this.lock = lock;
        this.connection = connection;
        this.outbound = outbound;
        this.deflate = deflate;
    }

    @Override
    public String id() {
        return identity.id();
    }

    @Override
    public UpgradeRequest request() {
        return identity.request();
    }

    @Override
    public Optional<String> subprotocol() {
        return identity.subprotocol();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return identity.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        lock.lock();
        try {
            return connection.state() == Connection.State.OPEN;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean sendText(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return outbound.send(frameLength(utf8.length), true, c -> c.sendFrame(Opcode.TEXT, ByteBuffer.wrap(utf8), true));
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        // The caller may reuse its buffer after the call, so the session keeps a copy.
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return outbound.send(frameLength(copy.remaining()), true, c -> c.sendBinary(copy));
    }

    @Override
    public boolean sendBinary(byte[] data) {
        ByteBuffer wrapped = ByteBuffer.wrap(data);
        return outbound.send(frameLength(data.length), true, c -> c.sendBinary(wrapped));
    }

    /**
     * A server sends the message's shared frame as it is. On a compressing session a message of at
     * least the minimum size goes out as the message's shared compressed frame instead: compressed
     * once without LZ77 context for every session (RFC 7692 7.2.1 lets any message start with an
     * empty window), after which this session's own next message starts with an empty window too
     * (see {@link Connection#sendEncoded}); it keeps to this session's window size (RFC 7692 7.1.2).
     * A client masks every frame with a key of its own, so it sends the payload like any message.
     */
    @Override
    public boolean send(PreparedMessage message) {
        if (connection.role() == Role.CLIENT) {
            ByteBuffer payload = message.payload();
            Opcode opcode = message.isText() ? Opcode.TEXT : Opcode.BINARY;
            return outbound.send(frameLength(payload.remaining()), true, c -> c.sendFrame(opcode, payload, true));
        }
        PreparedFrames.Access frames = PreparedFrames.access();
        if (deflate != null && deflate.canCompress() && message.payloadLength() >= deflate.options().minMessageSize()) {
            PreparedFrames.Compressed compressed =
                    frames.compressed(message, deflate.options().compressionLevel(), deflate.sendWindowBits());
            return outbound.send(compressed.frame().length, true, c -> {
                c.sendEncoded(ByteBuffer.wrap(compressed.frame()));
                outbound.preparedCompressed(message.payloadLength(), compressed.payloadLength());
            });
        }
        return outbound.send(message.frameLength(), true, c -> c.sendEncoded(frames.sharedFrame(message)));
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
        return outbound.send(frameLength(payload.length), false, c -> c.sendPing(wrapped));
    }

    @Override
    public long queuedBytes() {
        lock.lock();
        try {
            return outbound.queuedBytes();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitQueuedBytesAtMost(long bytes, Duration timeout) throws InterruptedException {
        return outbound.awaitQueuedAtMost(bytes, timeout.toNanos());
    }

    @Override
    public void close(CloseCode code, String reason) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        outbound.close(code, reason);
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

    @Override
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        Objects.requireNonNull(key, "key");
        Map<AttributeKey<?>, Object> map = typed;
        return map == null ? Optional.empty() : Optional.ofNullable(key.cast(map.get(key)));
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            Map<AttributeKey<?>, Object> map = typed;
            if (map != null) {
                map.remove(key);
            }
            return;
        }
        Object checked = key.cast(value);
        Map<AttributeKey<?>, Object> map = typed;
        if (map == null) {
            lock.lock();
            try {
                map = typed;
                if (map == null) {
                    map = new ConcurrentHashMap<>(4);
                    typed = map;
                }
            } finally {
                lock.unlock();
            }
        }
        map.put(key, checked);
    }

    /**
     * Records what opened the session, before it runs.
     *
     * @param opener the server or client that opened it
     */
    public void opener(Object opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /**
     * What opened the session.
     *
     * @return the server or client given to {@link #opener(Object)}, or null
     */
    public Object opener() {
        return opener;
    }

    /**
     * Runs {@code action} when the session ends, before its handler's {@code onClose}; at once, on
     * the calling thread, when it has ended already. For the groups it joins. Takes the lock.
     *
     * @param action what to run once, on the session's thread; must not block
     */
    public void whenEnded(Runnable action) {
        Objects.requireNonNull(action, "action");
        lock.lock();
        try {
            if (!ended) {
                if (endActions == null) {
                    endActions = new ArrayList<>(2);
                }
                endActions.add(action);
                return;
            }
        } finally {
            lock.unlock();
        }
        action.run();
    }

    /** The session ended: runs what {@link #whenEnded} registered. Takes the lock. */
    void ended() {
        List<Runnable> actions;
        lock.lock();
        try {
            ended = true;
            actions = endActions;
            endActions = null;
        } finally {
            lock.unlock();
        }
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
    }

    /**
     * The most unsent bytes this session ever held (for tests and diagnostics). Takes the lock.
     *
     * @return the high water mark of unsent bytes
     */
    public long outboundHighWater() {
        lock.lock();
        try {
            return outbound.highWater();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The session's lock.
     *
     * @return the lock
     */
    public SessionLock lock() {
        return lock;
    }

    /**
     * The session's protocol state; guarded by {@link #lock()}.
     *
     * @return the connection
     */
    public Connection connection() {
        return connection;
    }

    /**
     * The session's outbound side.
     *
     * @return the outbound side
     */
    public Outbound outbound() {
        return outbound;
    }

    /** Frame length with a header for this payload length: masked for a client (RFC 6455 5.2). */
    private long frameLength(long payloadLength) {
        boolean masked = connection.role() == Role.CLIENT;
        return FrameEncoder.headerLength(payloadLength, masked) + payloadLength;
    }

    @Override
    public String toString() {
        return "Session[" + identity.id() + " " + identity.request() + "]";
    }
}
