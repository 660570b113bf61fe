package org.wsbyhand.chat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.UpgradeRequest;

/**
 * A {@link Session} for unit tests that records what would have been sent. Prepared messages are
 * kept as the same instances so tests can check a frame was encoded once for all recipients.
 */
final class RecordingSession implements Session {

    private static final AtomicInteger IDS = new AtomicInteger();

    private final String id = "s" + IDS.incrementAndGet();
    private final Optional<String> subprotocol;
    private final InetSocketAddress remoteAddress;
    private final ConcurrentMap<String, Object> attributes = new ConcurrentHashMap<>();
    private final ConcurrentMap<AttributeKey<?>, Object> typed = new ConcurrentHashMap<>();
    final List<String> texts = new ArrayList<>();
    final List<PreparedMessage> prepared = new ArrayList<>();
    boolean open = true;

    RecordingSession(String subprotocol) {
        this(subprotocol, "127.0.0.1");
    }

    /** A session of a client at {@code address} (an IP address literal). */
    RecordingSession(String subprotocol, String address) {
        this.subprotocol = Optional.ofNullable(subprotocol);
        this.remoteAddress = new InetSocketAddress(address, 40000);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public UpgradeRequest request() {
        return new TestUpgradeRequest(java.util.Map.of());
    }

    @Override
    public Optional<String> subprotocol() {
        return subprotocol;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean sendText(String text) {
        if (open) {
            texts.add(text);
        }
        return open;
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        throw new AssertionError("the chat never sends binary");
    }

    @Override
    public boolean send(PreparedMessage message) {
        if (open) {
            prepared.add(message);
            texts.add(StandardCharsets.UTF_8.decode(message.payload()).toString());
        }
        return open;
    }

    @Override
    public boolean sendPing(byte[] payload) {
        return open;
    }

    @Override
    public void close(CloseCode code, String reason) {
        open = false;
    }

    @Override
    public ConcurrentMap<String, Object> attributes() {
        return attributes;
    }

    @Override
    public <T> Optional<T> attribute(AttributeKey<T> key) {
        return Optional.ofNullable(key.cast(typed.get(key)));
    }

    @Override
    public <T> void attribute(AttributeKey<T> key, T value) {
        if (value == null) {
            typed.remove(key);
        } else {
            typed.put(key, key.cast(value));
        }
    }

    /** The last text sent. */
    String last() {
        return texts.get(texts.size() - 1);
    }

    /** Nothing is ever unsent: every message is recorded at once. */
    @Override
    public long queuedBytes() {
        return 0;
    }

    @Override
    public boolean awaitQueuedBytesAtMost(long bytes, java.time.Duration timeout) {
        return true;
    }
}
