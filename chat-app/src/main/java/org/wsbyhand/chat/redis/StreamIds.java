package org.wsbyhand.chat.redis;

import java.util.Map;
import java.util.Optional;
import org.wsbyhand.chat.ChatMessage;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Converts between the room stream's entries and {@link ChatMessage}s.
 *
 * <p>A stream entry id is {@code <ms>-<seq>}: the Redis server's clock in milliseconds and a
 * sequence number within that millisecond. The chat's message id is {@code ms * 1000 + seq}; the
 * append script ({@code append.lua}) never gives an entry a sequence number of 1000 or more, so the
 * mapping is one to one and keeps the order. The id stays below 2<sup>53</sup> (exact in a
 * JavaScript number, which our front end receives it as) until the year 2255, and, because it grows
 * with the clock, stays increasing even if the stream is deleted and starts again. The message's
 * time is the id's millisecond part: the moment Redis accepted it, the same on every node.
 */
final class StreamIds {

    /** Sequence numbers per millisecond the append script hands out. */
    static final int SEQUENCES_PER_MS = 1000;
    /** The stream entry fields of a message. */
    static final String USER = "user";
    static final String TEXT = "text";

    private StreamIds() {}

    /**
     * The message id of entry {@code id}.
     *
     * @throws IllegalArgumentException when the id was not made by the append script (sequence
     *     1000 or more, or 0-0)
     */
    static long messageId(StreamEntryID id) {
        if (id.getSequence() < 0 || id.getSequence() >= SEQUENCES_PER_MS || id.getTime() < 0) {
            throw new IllegalArgumentException("stream entry id " + id + " has a sequence outside 0-999");
        }
        long messageId = Math.addExact(Math.multiplyExact(id.getTime(), SEQUENCES_PER_MS), id.getSequence());
        if (messageId <= 0) {
            throw new IllegalArgumentException("stream entry id " + id + " maps to no positive message id");
        }
        return messageId;
    }

    /** The stream entry id of message {@code messageId} (the inverse of {@link #messageId}). */
    static StreamEntryID entryId(long messageId) {
        if (messageId < 0) {
            throw new IllegalArgumentException("message id must not be negative, was " + messageId);
        }
        return new StreamEntryID(messageId / SEQUENCES_PER_MS, messageId % SEQUENCES_PER_MS);
    }

    /** The message an entry holds, or empty when the entry was not written by this chat. */
    static Optional<ChatMessage> message(StreamEntry entry) {
        Map<String, String> fields = entry.getFields();
        String user = fields == null ? null : fields.get(USER);
        String text = fields == null ? null : fields.get(TEXT);
        if (user == null || text == null) {
            return Optional.empty();
        }
        try {
            long id = messageId(entry.getID());
            return Optional.of(new ChatMessage(id, user, text, entry.getID().getTime()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
