package org.wsbyhand.chat.redis;

import java.util.List;
import java.util.Objects;
import org.wsbyhand.chat.Broadcaster;
import org.wsbyhand.chat.ChatMessage;
import org.wsbyhand.chat.LocalClients;
import redis.clients.jedis.StreamEntryID;

/**
 * The {@link Broadcaster} of a room shared by several nodes through Redis. It works with a
 * {@link RedisMessageStore}: the store's stream is also the broadcast log, so {@link #publish} has
 * nothing left to send; the message reached every node the moment {@code XADD} stored it.
 *
 * <p>Each node runs one reader thread ({@code XREAD BLOCK}, see {@link StreamReader}) that hands
 * every entry, in stream order, to this node's {@link LocalClients}, which encodes each outgoing
 * frame once per protocol for all local clients. Every node reads the same stream, so every client
 * on every node sees the same messages in the same order, each exactly once, including the
 * sender's own message (it arrives through the stream like any other). The reader starts after
 * the newest message in the {@link LocalClients}' history (the history the node was started with),
 * survives Redis restarts by resuming after the last entry it delivered, and stops on
 * {@link #close}.
 *
 * <p>Presence ("people online") stays per node: each node reports its own clients.
 */
public final class RedisBroadcaster implements Broadcaster {

    private final StreamReader reader;

    /**
     * Starts delivering the messages of {@code store}'s stream that are newer than the newest one in
     * {@code clients}' history.
     */
    public RedisBroadcaster(RedisMessageStore store, LocalClients clients) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(clients, "clients");
        List<ChatMessage> history = clients.history();
        StreamEntryID after = history.isEmpty() ? new StreamEntryID(0, 0) : StreamIds.entryId(history.get(0).id());
        this.reader = new StreamReader(store.settings(), after, clients::deliver);
        reader.start();
    }

    /**
     * Does nothing more: {@link RedisMessageStore#append} already added the message to the stream
     * every node reads, and it failed (so the sender got an error) if it could not.
     */
    @Override
    public void publish(ChatMessage message) {
        Objects.requireNonNull(message, "message");
    }

    /** Stops the reader thread and closes its connection. */
    @Override
    public void close() {
        reader.close();
    }
}
