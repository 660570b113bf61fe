package org.wsbyhand.chat;

/**
 * Carries a message the {@link MessageStore} accepted to every client of the room: the clients of
 * this node and, for a broadcaster shared by several nodes (such as one over Redis pub/sub), the
 * clients of every node.
 *
 * <p>Contract for implementations: a broadcaster is created with this node's {@link LocalClients}
 * and hands each published message to {@link LocalClients#deliver} exactly once on every node, in
 * the same order everywhere; {@link LocalClients} encodes the frames once per protocol for all
 * local clients. {@link #publish} returns once the message is on its way to all nodes, or throws
 * {@link RoomUnavailableException} so the sender gets an error instead of a false success.
 * Methods are safe to call from many threads.
 */
public interface Broadcaster extends AutoCloseable {

    /**
     * Publishes an accepted message to every client of the room.
     *
     * @throws RoomUnavailableException when the message could not be published
     */
    void publish(ChatMessage message);

    /** Stops delivering and releases resources (connections, threads). The default does nothing. */
    @Override
    default void close() {}
}
