package org.wsbyhand.chat.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsbyhand.chat.ChatMessage;
import org.wsbyhand.chat.MessageStore;
import org.wsbyhand.chat.RoomUnavailableException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A {@link MessageStore} in one Redis Stream, {@code <prefix>:messages}, shared by every node of
 * the room. The same stream is the broadcast log that {@link RedisBroadcaster} reads, so a message
 * is published the moment it is stored.
 *
 * <ul>
 *   <li>{@link #append} runs a small Lua script (atomic in Redis) that adds the entry with an id
 *       {@code <ms>-<seq>} taken from the Redis server's clock, and trims the stream to about
 *       {@link RedisSettings#streamMaxLength()} entries ({@code XADD ... MAXLEN ~}). The message id
 *       and time derive from the entry id (see {@link StreamIds}): unique, increasing in the order
 *       Redis accepted the messages, identical on every node.</li>
 *   <li>{@link #recent} is {@code XREVRANGE + - COUNT n}: newest first.</li>
 *   <li>Every Redis failure (connection refused or lost, timeout, error reply) becomes a
 *       {@link RoomUnavailableException}, so the sender gets an error reply. An append whose reply
 *       was lost may nevertheless have been stored: the sender then sees an error and, shortly
 *       after, its message; never the reverse.</li>
 *   <li>After an append could not reach Redis (connection refused or lost, timeout, no free
 *       connection), appends fail at once without trying for {@link RedisSettings#failFast()}: while
 *       Redis hangs, each post would otherwise wait out the timeouts, one after the other.</li>
 * </ul>
 *
 * <p>Connections come from a bounded pool (commands are short; a caller waits at most the
 * configured timeout for a free one). Safe for concurrent use.
 */
public final class RedisMessageStore implements MessageStore {

    private static final Logger log = LoggerFactory.getLogger(RedisMessageStore.class);
    private static final String APPEND_SCRIPT = loadScript("append.lua");

    private final RedisSettings settings;
    private final int capacity;
    private final JedisPool pool;
    private final String appendSha;
    /** {@link System#nanoTime()} before which appends fail without trying. */
    private volatile long failFastUntil;

    private RedisMessageStore(RedisSettings settings, int capacity, JedisPool pool, String appendSha) {
        this.settings = settings;
        this.capacity = capacity;
        this.pool = pool;
        this.appendSha = appendSha;
        this.failFastUntil = System.nanoTime();
    }

    /**
     * Connects to Redis, checks it answers ({@code PING}) and returns a store keeping the newest
     * {@code capacity} messages.
     *
     * @throws IllegalArgumentException when {@code capacity} is below 1 or above the stream's
     *     maximum length
     * @throws RoomUnavailableException when Redis cannot be reached or refuses the connection
     *     (wrong password, unknown database); its message says where it tried to connect
     */
    public static RedisMessageStore connect(RedisSettings settings, int capacity) {
        Objects.requireNonNull(settings, "settings");
        if (capacity < 1 || capacity > settings.streamMaxLength()) {
            throw new IllegalArgumentException("capacity must be 1-" + settings.streamMaxLength()
                    + " (the stream's maximum length), was " + capacity);
        }
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(settings.poolSize());
        poolConfig.setMaxIdle(settings.poolSize());
        poolConfig.setMinIdle(0);
        // Bounded wait for a free connection, and no JMX registration (one pool per store).
        poolConfig.setMaxWait(settings.timeout());
        poolConfig.setJmxEnabled(false);
        // A PING before each use: after Redis restarted, idle connections are dead, and a command on
        // one fails in a way that cannot tell "not sent" from "reply lost", so it could not be retried.
        poolConfig.setTestOnBorrow(true);
        JedisPool pool = new JedisPool(poolConfig, hostAndPort(settings), clientConfig(settings, settings.timeout()));
        try (Jedis jedis = pool.getResource()) {
            jedis.ping();
            String sha = jedis.scriptLoad(APPEND_SCRIPT);
            log.info("message store on {} stream {}", settings.redactedUrl(), settings.streamKey());
            return new RedisMessageStore(settings, capacity, pool, sha);
        } catch (JedisException e) {
            pool.close();
            throw new RoomUnavailableException("Redis at " + settings.redactedUrl() + " is not reachable: "
                    + describe(e), e);
        }
    }

    @Override
    public ChatMessage append(String user, String text) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(text, "text");
        if (System.nanoTime() - failFastUntil < 0) {
            throw new RoomUnavailableException("Redis at " + settings.redactedUrl()
                    + " failed a moment ago; not retrying for up to " + settings.failFast());
        }
        List<String> keys = List.of(settings.streamKey());
        List<String> args = List.of(Integer.toString(settings.streamMaxLength()), user, text);
        try (Jedis jedis = pool.getResource()) {
            Object reply;
            try {
                reply = jedis.evalsha(appendSha, keys, args);
            } catch (JedisNoScriptException e) {
                // A restarted Redis has an empty script cache: EVAL sends the script and caches it again.
                reply = jedis.eval(APPEND_SCRIPT, keys, args);
            }
            StreamEntryID id = new StreamEntryID((String) reply);
            return new ChatMessage(StreamIds.messageId(id), user, text, id.getTime());
        } catch (JedisException e) {
            if (unreachable(e)) {
                failFastUntil = System.nanoTime() + settings.failFast().toNanos();
            }
            throw new RoomUnavailableException("Redis append failed: " + describe(e), e);
        }
    }

    @Override
    public List<ChatMessage> recent(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        int n = Math.min(limit, capacity);
        if (n == 0) {
            return List.of();
        }
        List<StreamEntry> entries;
        try (Jedis jedis = pool.getResource()) {
            entries = jedis.xrevrange(settings.streamKey(), "+", "-", n);
        } catch (JedisException e) {
            throw new RoomUnavailableException("Redis history read failed: " + describe(e), e);
        }
        List<ChatMessage> newestFirst = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            Optional<ChatMessage> message = StreamIds.message(entry);
            if (message.isPresent()) {
                newestFirst.add(message.get());
            } else {
                log.warn("stream {} entry {} is not a chat message; skipped", settings.streamKey(), entry.getID());
            }
        }
        return List.copyOf(newestFirst);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** The settings this store was connected with. */
    public RedisSettings settings() {
        return settings;
    }

    /** Closes the connection pool; later calls fail with {@link RoomUnavailableException}. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }

    /** Whether {@code e} means Redis could not be reached, as opposed to an error reply. */
    private static boolean unreachable(JedisException e) {
        return e instanceof JedisConnectionException || e.getCause() instanceof java.util.NoSuchElementException;
    }

    static HostAndPort hostAndPort(RedisSettings settings) {
        return new HostAndPort(settings.host(), settings.port());
    }

    /** Client settings with {@code replyTimeout} as the socket read timeout. */
    static JedisClientConfig clientConfig(RedisSettings settings, java.time.Duration replyTimeout) {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.toIntExact(settings.timeout().toMillis()))
                .socketTimeoutMillis(Math.toIntExact(replyTimeout.toMillis()))
                .database(settings.database())
                .clientName(settings.prefix().replaceAll("[^A-Za-z0-9_.:-]", "_") + "-chat");
        settings.user().ifPresent(b::user);
        settings.password().ifPresent(b::password);
        return b.build();
    }

    /** A short reason for log lines and exception messages: the root cause's message. */
    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        what = what.replaceAll("\\.+$", ""); // messages end up inside sentences
        return root == e ? what : e.getClass().getSimpleName() + ": " + what;
    }

    private static String loadScript(String name) {
        try (InputStream in = RedisMessageStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + RedisMessageStore.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
