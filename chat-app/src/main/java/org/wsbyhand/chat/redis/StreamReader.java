package org.wsbyhand.chat.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.chat.ChatMessage;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * One thread that follows the room's stream and hands every entry after a starting id to a sink,
 * in stream order, each exactly once.
 *
 * <p>It loops on {@code XREAD BLOCK <blockTime> COUNT <batch> STREAMS <key> <last id>} over its
 * own connection, remembering the id of the last entry it handed on. When Redis goes away it logs
 * once, reconnects with exponential backoff (from {@link RedisSettings#retryMin()} doubling up to
 * {@link RedisSettings#retryMax()}) and resumes after that id, so entries added meanwhile are
 * delivered late but not lost, and none is delivered twice. Entries the stream trimmed before the
 * reader got to them (more than {@link RedisSettings#streamMaxLength()} new entries while this
 * node was cut off from a Redis the other nodes still reached) cannot be delivered; the room's
 * history is unaffected.
 *
 * <p>The sink runs on the reader thread and should not block for long; an exception it throws is
 * logged and the entry counts as delivered.
 */
final class StreamReader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamReader.class);
    /** Entries per XREAD reply at most: bounds one reply's memory, not the throughput. */
    static final int BATCH = 256;

    private final RedisSettings settings;
    private final Consumer<ChatMessage> sink;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Jedis connection;
    /** The id of the last entry handed to the sink (or the starting id). Written by the reader thread only. */
    private volatile StreamEntryID position;

    /**
     * A reader (not yet started) that delivers the entries after {@code after}.
     *
     * @param after the id of the last entry already delivered; {@code 0-0} for all of them
     */
    StreamReader(RedisSettings settings, StreamEntryID after, Consumer<ChatMessage> sink) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.position = Objects.requireNonNull(after, "after");
        this.sink = Objects.requireNonNull(sink, "sink");
        // A platform thread: one per node, it spends its life blocked in a socket read.
        this.thread = Thread.ofPlatform().daemon().name("redis-reader-" + settings.prefix()).unstarted(this::run);
    }

    /** Starts the reader thread. */
    void start() {
        thread.start();
    }

    /** The id of the last entry handed to the sink. */
    StreamEntryID position() {
        return position;
    }

    /** Stops the thread: closes its connection and waits up to the timeout plus one block time. */
    @Override
    public void close() {
        running = false;
        Jedis c = connection;
        if (c != null) {
            try {
                c.close(); // unblocks a pending XREAD: the read fails and the loop sees running == false
            } catch (RuntimeException e) {
                log.debug("closing reader connection: {}", e.toString());
            }
        }
        thread.interrupt();
        try {
            thread.join(settings.timeout().plus(settings.blockTime()).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        String key = settings.streamKey();
        Duration delay = settings.retryMin();
        boolean failing = false;
        XReadParams params = XReadParams.xReadParams()
                .block(Math.toIntExact(settings.blockTime().toMillis()))
                .count(BATCH);
        while (running) {
            // The socket read timeout must outlast the block time, or every idle XREAD would time out.
            try (Jedis jedis = new Jedis(RedisMessageStore.hostAndPort(settings),
                    RedisMessageStore.clientConfig(settings, settings.timeout().plus(settings.blockTime())))) {
                connection = jedis;
                if (!running) {
                    break;
                }
                while (running) {
                    List<Map.Entry<String, List<StreamEntry>>> reply = jedis.xread(params, Map.of(key, position));
                    if (failing) {
                        log.info("reconnected to Redis at {}; resuming {} after {}", settings.redactedUrl(), key,
                                position);
                        failing = false;
                    }
                    delay = settings.retryMin();
                    if (reply != null) {
                        for (Map.Entry<String, List<StreamEntry>> stream : reply) {
                            stream.getValue().forEach(this::deliver);
                        }
                    }
                }
            } catch (JedisException e) {
                if (!running) {
                    break;
                }
                if (!failing) {
                    log.warn("lost Redis at {} ({}); reconnecting with backoff, messages will resume after {}",
                            settings.redactedUrl(), RedisMessageStore.describe(e), position);
                    failing = true;
                } else {
                    log.debug("Redis still unreachable: {}", RedisMessageStore.describe(e));
                }
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    if (!running) {
                        break;
                    }
                }
                delay = delay.multipliedBy(2).compareTo(settings.retryMax()) > 0
                        ? settings.retryMax() : delay.multipliedBy(2);
            } finally {
                connection = null;
            }
        }
        log.debug("reader of {} stopped after {}", key, position);
    }

    private void deliver(StreamEntry entry) {
        Optional<ChatMessage> message = StreamIds.message(entry);
        if (message.isEmpty()) {
            log.warn("stream {} entry {} is not a chat message; skipped", settings.streamKey(), entry.getID());
        } else {
            try {
                sink.accept(message.get());
            } catch (RuntimeException e) {
                log.error("delivering message {} failed", message.get().id(), e);
            }
        }
        position = entry.getID();
    }
}
