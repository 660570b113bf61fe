package org.wsbyhand.chat;

import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accepts posts: stores each one (which assigns its id and time) and publishes it. Storing and
 * publishing happen under one lock, so this node publishes messages in the order the store
 * accepted them. Publishing does not send: the broadcaster hands the message to
 * {@link LocalClients}, which queues its fan-out, so the lock is held for the store's append and a
 * hand-over, never for a loop over the clients.
 */
final class ChatRoom {

    private final ReentrantLock lock = new ReentrantLock();
    private final MessageStore store;
    private final Broadcaster broadcaster;

    ChatRoom(MessageStore store, Broadcaster broadcaster) {
        this.store = Objects.requireNonNull(store, "store");
        this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
    }

    /**
     * Stores and publishes a validated post.
     *
     * @throws RoomUnavailableException when the store or the broadcaster failed; the sender must be
     *     told the message was not delivered
     */
    ChatMessage post(InputRules.Post post) {
        lock.lock();
        try {
            ChatMessage message = store.append(post.user(), post.text());
            broadcaster.publish(message);
            return message;
        } finally {
            lock.unlock();
        }
    }
}
