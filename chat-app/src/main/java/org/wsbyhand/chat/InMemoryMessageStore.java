package org.wsbyhand.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The default {@link MessageStore}: a ring buffer of the last {@code capacity} messages in this
 * process. History lives as long as the process; ids start at 1 and never repeat within it.
 * Appending never fails.
 */
public final class InMemoryMessageStore implements MessageStore {

    private final ReentrantLock lock = new ReentrantLock();
    private final ChatMessage[] ring;
    private final LongSupplier clock;
    private long lastId;
    private int size;
    /** Index the next message goes to. */
    private int head;

    /** A store of {@code capacity} messages stamped with the system clock (epoch ms). */
    public InMemoryMessageStore(int capacity) {
        this(capacity, System::currentTimeMillis);
    }

    /**
     * A store of {@code capacity} messages stamped with {@code epochMillis}.
     *
     * @throws IllegalArgumentException when {@code capacity} is less than 1
     */
    public InMemoryMessageStore(int capacity, LongSupplier epochMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.ring = new ChatMessage[capacity];
        this.clock = epochMillis;
    }

    @Override
    public ChatMessage append(String user, String text) {
        lock.lock();
        try {
            ChatMessage message = new ChatMessage(++lastId, user, text, clock.getAsLong());
            ring[head] = message;
            head = (head + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
            return message;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ChatMessage> recent(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        lock.lock();
        try {
            int n = Math.min(limit, size);
            List<ChatMessage> newestFirst = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                newestFirst.add(ring[Math.floorMod(head - i, ring.length)]);
            }
            return List.copyOf(newestFirst);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int capacity() {
        return ring.length;
    }
}
