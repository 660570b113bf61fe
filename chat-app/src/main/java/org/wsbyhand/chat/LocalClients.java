package org.wsbyhand.chat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.wsbyhand.server.PreparedMessage;
import org.wsbyhand.server.Session;

/**
 * The clients connected to this node, and the room's recent history as this node has seen it.
 * A {@link Broadcaster} hands every accepted message to {@link #deliver}, which sends it to each
 * local client in that client's protocol, encoding each outgoing WebSocket frame once per protocol
 * ({@link PreparedMessage}) however many clients there are.
 *
 * <p>Ordering and exactly-once: joining, leaving and delivering happen under one lock, so a client
 * that joins gets the history up to some message and then every later message, none twice and
 * none missing. Messages go out in the order the broadcaster hands them over (with several nodes,
 * the broadcaster's order, which is the same on every node, even where it differs from id order);
 * a message whose id is among the last {@value #REMEMBERED_IDS} delivered is ignored, so a
 * broadcaster that re-delivers after a reconnect cannot show a message twice. Sending never blocks: the server queues each session's outgoing
 * bytes up to its bound and closes a session that falls too far behind, so one slow client never
 * holds up the others.
 */
public final class LocalClients {

    private enum Wire { JSON, LEAN }

    /** How many delivered ids are remembered to drop duplicates. */
    static final int REMEMBERED_IDS = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final int historySize;
    /** Newest first, at most {@code historySize}. */
    private final Deque<ChatMessage> history = new ArrayDeque<>();
    private final Map<Session, ChatProtocol> sessions = new LinkedHashMap<>();
    /** The ids delivered most recently, oldest first, at most {@link #REMEMBERED_IDS}. */
    private final LinkedHashSet<Long> deliveredIds = new LinkedHashSet<>();

    /**
     * Clients of a room whose history is {@code newestFirst} (as read from the store at start).
     *
     * @param historySize how many messages a joining client gets, at least 1
     */
    public LocalClients(int historySize, List<ChatMessage> newestFirst) {
        if (historySize < 1) {
            throw new IllegalArgumentException("history size must be at least 1, was " + historySize);
        }
        this.historySize = historySize;
        for (ChatMessage m : newestFirst) {
            if (history.size() == historySize) {
                break;
            }
            history.addLast(m);
        }
        history.descendingIterator().forEachRemaining(m -> remember(m.id()));
    }

    /**
     * Sends an accepted message to every local client, in its protocol. Called by broadcasters,
     * from any thread.
     */
    public void deliver(ChatMessage message) {
        lock.lock();
        try {
            if (deliveredIds.contains(message.id())) {
                return;
            }
            remember(message.id());
            history.addFirst(message);
            if (history.size() > historySize) {
                history.removeLast();
            }
            List<ChatMessage> newestFirst = List.copyOf(history);
            Map<Wire, PreparedMessage> encoded = new EnumMap<>(Wire.class);
            for (Map.Entry<Session, ChatProtocol> e : sessions.entrySet()) {
                ChatProtocol p = e.getValue();
                // Encode once per protocol, then hand the same frame bytes to every session.
                PreparedMessage frame = encoded.computeIfAbsent(wire(p),
                        w -> PreparedMessage.text(p.delivered(message, newestFirst)));
                e.getKey().send(frame);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many clients are connected to this node. */
    public int online() {
        lock.lock();
        try {
            return sessions.size();
        } finally {
            lock.unlock();
        }
    }

    /** The history as this node has seen it, newest first. */
    public List<ChatMessage> history() {
        lock.lock();
        try {
            return List.copyOf(history);
        } finally {
            lock.unlock();
        }
    }

    /** Adds a client: it gets the history, then everybody speaking a protocol with presence gets the new count. */
    void join(Session session, ChatProtocol protocol) {
        lock.lock();
        try {
            session.sendText(protocol.history(List.copyOf(history)));
            sessions.put(session, protocol);
            announcePresence();
        } finally {
            lock.unlock();
        }
    }

    /** Removes a client (idempotent) and tells the others the new count. */
    void leave(Session session) {
        lock.lock();
        try {
            if (sessions.remove(session) != null) {
                announcePresence();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends the new online count once-encoded to every session whose protocol has presence. Lock held. */
    private void announcePresence() {
        int online = sessions.size();
        Map<Wire, Optional<PreparedMessage>> encoded = new EnumMap<>(Wire.class);
        for (Map.Entry<Session, ChatProtocol> e : sessions.entrySet()) {
            ChatProtocol p = e.getValue();
            Optional<PreparedMessage> frame = encoded.computeIfAbsent(wire(p),
                    w -> p.presence(online).map(PreparedMessage::text));
            frame.ifPresent(e.getKey()::send);
        }
    }

    /** Lock held (or in the constructor). */
    private void remember(long id) {
        deliveredIds.add(id);
        if (deliveredIds.size() > REMEMBERED_IDS) {
            deliveredIds.removeFirst();
        }
    }

    private static Wire wire(ChatProtocol p) {
        return switch (p) {
            case JsonProtocol j -> Wire.JSON;
            case LeanProtocol l -> Wire.LEAN;
        };
    }
}
