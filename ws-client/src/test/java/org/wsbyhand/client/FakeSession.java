package org.wsbyhand.client;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.UpgradeRequest;
import org.wsbyhand.session.WebSocketHandler;

/**
 * A session without a network, for unit tests: it runs its handler's callbacks in order on a
 * virtual thread of its own, as the session core does, from {@code onOpen} to {@code onClose}.
 * A close from this side is answered at once with the same code.
 */
final class FakeSession implements Session {
    private final String id;
    private final WebSocketHandler handler;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicReference<CloseCode> closedWith = new AtomicReference<>();

    FakeSession(String id, WebSocketHandler handler) {
        this.id = id;
        this.handler = handler;
    }

    /** Runs onOpen; one that throws fails the session with 1011, as the session core does. */
    void start() {
        thread.execute(() -> {
            try {
                handler.onOpen(this);
            } catch (RuntimeException e) {
                end(e, CloseCode.INTERNAL_ERROR, "");
            }
        });
    }

    /** The peer closes (or the connection drops, with 1006): onClose follows. */
    void peerCloses(CloseCode code, String reason) {
        end(null, code, reason);
    }

    /** The connection fails: onError, then onClose with 1006. */
    void fails(Throwable error) {
        end(error, CloseCode.ABNORMAL_CLOSURE, "");
    }

    private void end(Throwable error, CloseCode code, String reason) {
        if (open.compareAndSet(true, false)) {
            thread.execute(() -> {
                if (error != null) {
                    handler.onError(this, error);
                }
                handler.onClose(this, code, reason);
            });
            thread.shutdown();
        }
    }

    /** The code this side closed with, or null. */
    CloseCode closedWith() {
        return closedWith.get();
    }

    @Override
    public void close(CloseCode code, String reason) {
        closedWith.compareAndSet(null, code);
        end(null, code, reason);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UpgradeRequest request() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<String> subprotocol() {
        return Optional.empty();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 9);
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public boolean sendText(String text) {
        return open.get();
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        return open.get();
    }

    @Override
    public boolean send(PreparedMessage message) {
        return open.get();
    }

    @Override
    public boolean sendPing(byte[] payload) {
        return open.get();
    }

    @Override
    public long queuedBytes() {
        return 0;
    }

    @Override
    public boolean awaitQueuedBytesAtMost(long bytes, Duration timeout) {
        return true;
    }

    @Override
    public ConcurrentMap<String, Object> attributes() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        return Optional.empty();
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {}

    @Override
    public String toString() {
        return "FakeSession " + id;
    }
}
