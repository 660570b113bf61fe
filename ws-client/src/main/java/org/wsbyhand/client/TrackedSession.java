package org.wsbyhand.client;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.UpgradeRequest;

/**
 * A session of a {@link ReconnectingConnection} as its handler, its listener and
 * {@link ReconnectingConnection#current()} see it: the client's session, with the first
 * {@code close} the application called on it recorded, so that the connection can tell the
 * application's own close from the server's.
 */
final class TrackedSession implements Session {
    private final Session session;
    private final AtomicReference<CloseCode> closedWith = new AtomicReference<>();

    TrackedSession(Session session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** The client's session underneath. */
    Session delegate() {
        return session;
    }

    /** The code of the first {@code close} the application called, or null when it called none. */
    CloseCode closedWith() {
        return closedWith.get();
    }

    @Override
    public void close(CloseCode code, String reason) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        closedWith.compareAndSet(null, code);
        session.close(code, reason);
    }

    @Override
    public String id() {
        return session.id();
    }

    @Override
    public UpgradeRequest request() {
        return session.request();
    }

    @Override
    public Optional<String> subprotocol() {
        return session.subprotocol();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return session.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public boolean sendText(String text) {
        return session.sendText(text);
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        return session.sendBinary(data);
    }

    @Override
    public boolean sendBinary(byte[] data) {
        return session.sendBinary(data);
    }

    @Override
    public boolean send(PreparedMessage message) {
        return session.send(message);
    }

    @Override
    public boolean isCompressed() {
        return session.isCompressed();
    }

    @Override
    public boolean sendPing(byte[] payload) {
        return session.sendPing(payload);
    }

    @Override
    public long queuedBytes() {
        return session.queuedBytes();
    }

    @Override
    public boolean awaitQueuedBytesAtMost(long bytes, Duration timeout) throws InterruptedException {
        return session.awaitQueuedBytesAtMost(bytes, timeout);
    }

    @Override
    public ConcurrentMap<String, Object> attributes() {
        return session.attributes();
    }

    @Override
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        return session.attribute(key);
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {
        session.attribute(key, value);
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
