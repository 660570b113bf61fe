package org.wsbyhand.chat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.wsbyhand.session.AttributeKey;
import org.wsbyhand.session.PreparedMessage;
import org.wsbyhand.session.Session;
import org.wsbyhand.session.SessionGroup;

/**
 * The clients connected to this node, and the room's recent history as this node has seen it.
 * A {@link Broadcaster} hands every accepted message to {@link #deliver}, which has it sent to each
 * local client in that client's protocol, encoding each outgoing WebSocket frame once per protocol
 * ({@link PreparedMessage}) however many clients there are.
 *
 * <p>The members are two {@link SessionGroup}s, one per wire protocol, so each frame is encoded once
 * per protocol; what a fan-out needs to know of a client (its protocol, and for presence the
 * announcement it joined after and the count it was told) travels with its session as a typed
 * attribute. A client that ends leaves its group by itself.
 *
 * <p>Where the work happens: the lock guards joining, the history and the list of delivered ids.
 * Joining and leaving are O(1) under it (a joining client is sent the history and the current online
 * count, and nobody else is sent anything). {@link #deliver} records the message and takes the
 * groups' snapshots under the lock (a group rebuilds its snapshot only after its membership
 * changed), then hands the sending to the fan-out executor: the loop over every client
 * runs there, outside the lock, so joins, leaves and other callers never wait for it. The executor
 * must run its tasks one at a time in the order they were handed over (the app's
 * {@link FanOutThread}; tests run them on the caller's thread).
 *
 * <p>Presence is coalesced: {@link #announcePresence} is called by a timer (the app calls it once
 * per {@link ChatConfig#presenceInterval()}) and sends the online count to the clients whose
 * protocol has presence only when the count changed since the last announcement. A client is
 * told the count when it joins; an announcement skips the clients that joined after the previous
 * one and were told that same count. So however many clients join and leave, each client gets at
 * most one presence update per interval, and only a count it did not have.
 *
 * <p>Ordering and exactly-once: a client that joins gets the history up to some message and then
 * every later message, none twice and none missing, because the history and the snapshot of
 * members change together under the lock and the snapshot is handed to the executor under it too.
 * Messages go out in the order the broadcaster hands them over (with several nodes, the
 * broadcaster's order, which is the same on every node, even where it differs from id order); a
 * message whose id is among the last {@value #REMEMBERED_IDS} delivered is ignored, so a
 * broadcaster that re-delivers after a reconnect cannot show a message twice. A client that left
 * may still be handed a message that was on its way when it left; a closed session ignores it.
 * Sending never blocks: the server queues each session's outgoing bytes up to its bound and closes
 * a session that falls too far behind, so one slow client never holds up the others.
 */
public final class LocalClients {

    private enum Wire { JSON, LEAN }

    /**
     * What a fan-out knows of a client: its protocol, the announcement it joined after, and the
     * online count it was told when it joined (-1 for a protocol without presence).
     */
    private record Joined(ChatProtocol protocol, long joinedAfter, int toldOnline) {}

    private static final AttributeKey<Joined> JOINED = AttributeKey.of("chat.joined", Joined.class);

    /** The members of one wire protocol at one moment, as a fan-out gets them. */
    private record Members(Wire wire, List<Session> sessions) {}

    /** How many delivered ids are remembered to drop duplicates. */
    static final int REMEMBERED_IDS = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final int historySize;
    private final Executor fanOut;
    /** Newest first, at most {@code historySize}. */
    private final Deque<ChatMessage> history = new ArrayDeque<>();
    private final Map<Wire, SessionGroup> rooms = new EnumMap<>(Map.of(
            Wire.JSON, new SessionGroup("chat json"), Wire.LEAN, new SessionGroup("chat lean")));
    /** The online count last announced to everyone. */
    private int announcedOnline;
    /** How many announcements there were. */
    private long announcements;
    /** The ids delivered most recently, oldest first, at most {@link #REMEMBERED_IDS}. */
    private final LinkedHashSet<Long> deliveredIds = new LinkedHashSet<>();

    /**
     * Clients of a room whose history is {@code newestFirst} (as read from the store at start), sending
     * on the caller's thread. For tests and single-threaded use.
     *
     * @param historySize how many messages a joining client gets, at least 1
     */
    public LocalClients(int historySize, List<ChatMessage> newestFirst) {
        this(historySize, newestFirst, Runnable::run);
    }

    /**
     * Clients of a room whose history is {@code newestFirst} (as read from the store at start).
     *
     * @param historySize how many messages a joining client gets, at least 1
     * @param fanOut      runs the fan-outs, one at a time, in the order they are handed over; may block
     *                    the caller when it is far behind (that holds up this object's other callers)
     */
    public LocalClients(int historySize, List<ChatMessage> newestFirst, Executor fanOut) {
        if (historySize < 1) {
            throw new IllegalArgumentException("history size must be at least 1, was " + historySize);
        }
        this.historySize = historySize;
        this.fanOut = Objects.requireNonNull(fanOut, "fanOut");
        for (ChatMessage m : newestFirst) {
            if (history.size() == historySize) {
                break;
            }
            history.addLast(m);
        }
        history.descendingIterator().forEachRemaining(m -> remember(m.id()));
    }

    /**
     * Has an accepted message sent to every local client, in its protocol. Called by broadcasters,
     * from any thread; returns once the message is recorded and queued for sending.
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
            List<Members> to = members();
            // Handed over under the lock, so fan-outs run in the order their snapshots were taken.
            fanOut.execute(() -> sendMessage(to, message, newestFirst));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the online count to every client whose protocol has presence, if it changed since the
     * last announcement; does nothing otherwise. Called by the app's timer once per presence
     * interval (tests call it to move time).
     */
    void announcePresence() {
        lock.lock();
        try {
            int online = count();
            if (online == announcedOnline) {
                return;
            }
            announcedOnline = online;
            long previous = announcements++;
            List<Members> to = members();
            fanOut.execute(() -> sendPresence(to, online, previous));
        } finally {
            lock.unlock();
        }
    }

    /** How many clients are connected to this node. */
    public int online() {
        lock.lock();
        try {
            return count();
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

    /**
     * Adds a client: it gets the history and, if its protocol has presence, the online count
     * including itself. The others hear of it at the next {@link #announcePresence}. O(1) in the
     * number of clients.
     */
    void join(Session session, ChatProtocol protocol) {
        lock.lock();
        try {
            session.sendText(protocol.history(List.copyOf(history)));
            rooms.values().forEach(room -> room.remove(session)); // a client joins once, in one protocol
            int online = count() + 1;
            Optional<String> presence = protocol.presence(online);
            session.attribute(JOINED, new Joined(protocol, announcements, presence.isPresent() ? online : -1));
            rooms.get(wire(protocol)).add(session);
            presence.ifPresent(session::sendText);
        } finally {
            lock.unlock();
        }
    }

    /** Removes a client (idempotent); the others hear of it at the next {@link #announcePresence}. O(1). */
    void leave(Session session) {
        rooms.values().forEach(room -> room.remove(session));
    }

    /** Online clients. */
    private int count() {
        return rooms.get(Wire.JSON).size() + rooms.get(Wire.LEAN).size();
    }

    /** The members now, per protocol: each group's snapshot, rebuilt only after it changed. Lock held. */
    private List<Members> members() {
        return List.of(new Members(Wire.LEAN, rooms.get(Wire.LEAN).members()),
                new Members(Wire.JSON, rooms.get(Wire.JSON).members()));
    }

    /** The fan-out of one message: each frame is encoded once per protocol, on first use. No lock held. */
    private static void sendMessage(List<Members> to, ChatMessage message, List<ChatMessage> newestFirst) {
        for (Members group : to) {
            PreparedMessage frame = null;
            for (Session session : group.sessions()) {
                Optional<Joined> joined = session.attribute(JOINED);
                if (joined.isEmpty()) {
                    continue;
                }
                if (frame == null) {
                    frame = PreparedMessage.text(joined.get().protocol().delivered(message, newestFirst));
                }
                session.send(frame);
            }
        }
    }

    /**
     * The fan-out of presence update number {@code previous + 1} to the members whose protocol has
     * presence, except those that joined after update {@code previous} and were told this count
     * then. No lock held.
     */
    private static void sendPresence(List<Members> to, int online, long previous) {
        for (Members group : to) {
            Optional<PreparedMessage> frame = null;
            for (Session session : group.sessions()) {
                Optional<Joined> joined = session.attribute(JOINED);
                if (joined.isEmpty() || joined.get().joinedAfter() == previous && joined.get().toldOnline() == online) {
                    continue;
                }
                if (frame == null) {
                    frame = joined.get().protocol().presence(online).map(PreparedMessage::text);
                }
                frame.ifPresent(session::send);
            }
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
