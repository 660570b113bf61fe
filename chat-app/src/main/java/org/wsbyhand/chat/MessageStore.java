package org.wsbyhand.chat;

import java.util.List;

/**
 * Where a room keeps its messages: the last {@link #capacity()} accepted ones, the history a client
 * sees when it connects.
 *
 * <p>Contract for implementations (in memory on one node, or shared by several nodes such as a
 * Redis-backed store):
 * <ul>
 *   <li>{@link #append} is the moment a message is accepted. The store assigns the id (positive,
 *       strictly increasing in acceptance order, unique in the room) and the time. It either
 *       returns the stored message or throws {@link RoomUnavailableException}: a message is never
 *       reported stored when it was not.</li>
 *   <li>{@link #recent} returns at most {@code limit} of the newest messages, newest first.</li>
 *   <li>All methods are safe to call from many threads at once.</li>
 * </ul>
 */
public interface MessageStore extends AutoCloseable {

    /**
     * Accepts a validated message and returns it with its id and time.
     *
     * @throws RoomUnavailableException when the message could not be stored
     */
    ChatMessage append(String user, String text);

    /**
     * The newest messages, newest first, at most {@code limit} and at most {@link #capacity()}.
     *
     * @throws IllegalArgumentException when {@code limit} is negative
     * @throws RoomUnavailableException when the store cannot be read
     */
    List<ChatMessage> recent(int limit);

    /** How many of the newest messages this store keeps. */
    int capacity();

    /** Releases the store's resources (connections, threads). The default does nothing. */
    @Override
    default void close() {}
}
