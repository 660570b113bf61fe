package org.wsbyhand.session;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.wsbyhand.protocol.CloseCode;
import org.wsbyhand.session.core.CoreSession;

/**
 * A set of sessions that receive the same messages: a chat room, a topic's subscribers, a game's
 * players. Sessions join and leave from any thread, and leave by themselves when they end (before
 * their handler's {@code onClose} runs, so a goodbye broadcast from {@code onClose} skips the
 * session that is leaving). A session may be in any number of groups.
 *
 * <p>A broadcast encodes the message once ({@link PreparedMessage}) and compresses it at most once
 * for all the members that negotiated permessage-deflate; every member gets the same bytes. A member
 * that cannot take the message (over its outbound bound, or closing) is skipped as its overflow
 * policy says, and never slows the others. A group needs no server: create it before the server
 * and hand it to the handlers that use it.
 *
 * <pre>{@code
 * SessionGroup lobby = new SessionGroup("lobby");
 * // in the handler:
 * public void onOpen(Session session) { lobby.add(session); }
 * public void onText(Session session, String text) { lobby.broadcast(text); }
 * }</pre>
 */
public final class SessionGroup {
    private final String name;
    private final Set<Session> members = ConcurrentHashMap.newKeySet();
    /** Counts membership changes: a snapshot taken at another count is stale. */
    private final AtomicLong changes = new AtomicLong();
    /** The last snapshot and the count it was taken at; rebuilt only after a change. */
    private volatile Snapshot cached = new Snapshot(List.of(), 0);

    private record Snapshot(List<Session> members, long at) {}

    /**
     * An empty group.
     *
     * @param name the group's name, for logs and {@link #toString()}
     */
    public SessionGroup(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The group's name.
     *
     * @return the name given when it was created
     */
    public String name() {
        return name;
    }

    /**
     * Adds a session, which leaves again when it ends.
     *
     * @param session the session to add
     * @return {@code true} when it joined; {@code false} when it was a member already or is closed
     */
    public boolean add(Session session) {
        Objects.requireNonNull(session, "session");
        if (!session.isOpen() || !members.add(session)) {
            return false;
        }
        changes.incrementAndGet();
        if (session instanceof CoreSession core) {
            core.whenEnded(() -> remove(session));
        } else if (!session.isOpen()) {
            remove(session); // another Session type: members that closed are also dropped on broadcast
            return false;
        }
        return true;
    }

    /**
     * Removes a session.
     *
     * @param session the session to remove
     * @return {@code true} when it was a member
     */
    public boolean remove(Session session) {
        if (!members.remove(session)) {
            return false;
        }
        changes.incrementAndGet();
        return true;
    }

    /**
     * Whether a session is a member.
     *
     * @param session the session
     * @return {@code true} when it is a member
     */
    public boolean contains(Session session) {
        return members.contains(session);
    }

    /**
     * The number of members now.
     *
     * @return the member count
     */
    public int size() {
        return members.size();
    }

    /**
     * The members now: an immutable snapshot, shared by every caller until the membership changes,
     * so taking it again is cheap. A caller that changes membership under a lock of its own and takes
     * the snapshot under that lock gets exactly the members of that moment: an application can keep
     * "who was in the room" and other state (a message history) consistent with each other.
     *
     * @return the members, unmodifiable
     */
    public List<Session> members() {
        Snapshot snapshot = cached;
        long now = changes.get();
        if (snapshot.at() == now) {
            return snapshot.members();
        }
        List<Session> taken = List.copyOf(members); // may already hold changes counted after now: taken again next time
        cached = new Snapshot(taken, now);
        return taken;
    }

    /**
     * Sends a message to every member.
     *
     * @param message the message, prepared once
     * @return the number of members it was queued for
     */
    public int broadcast(PreparedMessage message) {
        return broadcast(message, session -> true);
    }

    /**
     * Sends a message to every member that {@code to} accepts, e.g. everyone but the sender.
     *
     * @param message the message, prepared once
     * @param to which members get it
     * @return the number of members it was queued for
     */
    public int broadcast(PreparedMessage message, Predicate<Session> to) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(to, "to");
        int sent = 0;
        for (Session member : members()) {
            if (!to.test(member)) {
                continue;
            }
            if (member.send(message)) {
                sent++;
            } else if (!member.isOpen()) {
                remove(member);
            }
        }
        return sent;
    }

    /**
     * Sends a text message to every member.
     *
     * @param text the message
     * @return the number of members it was queued for
     */
    public int broadcast(String text) {
        return broadcast(PreparedMessage.text(text));
    }

    /**
     * Sends a binary message to every member.
     *
     * @param data the message; not kept
     * @return the number of members it was queued for
     */
    public int broadcast(byte[] data) {
        return broadcast(PreparedMessage.binary(data));
    }

    /**
     * Starts the closing handshake of every member (they leave as they end).
     *
     * @param code the close code to send
     * @param reason the reason, at most 123 UTF-8 bytes
     */
    public void close(CloseCode code, String reason) {
        for (Session member : members()) {
            member.close(code, reason);
        }
    }

    @Override
    public String toString() {
        return "SessionGroup[" + name + ", " + members.size() + " members]";
    }
}
