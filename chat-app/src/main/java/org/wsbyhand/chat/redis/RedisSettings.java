package org.wsbyhand.chat.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the room's Redis is and how the chat uses it. Built from a URL of the form
 * {@code redis://[[user]:password@]host[:port][/db]} and a key prefix; every other limit has a safe
 * default:
 *
 * <pre>
 * field            default   meaning
 * port             6379      Redis TCP port
 * database         0         logical database (SELECT n), 0-15 on a stock server
 * prefix           chat      the room's keys are {@code <prefix>:...}; the stream is {@code <prefix>:messages}
 * timeout          2 s       connect and reply timeout of every command; a command that takes
 *                            longer fails, and a post that fails gets an error reply
 * poolSize         16        connections for appends and history reads (shared by all clients of a node)
 * streamMaxLength  1000      approximate length the stream is trimmed to (MAXLEN ~); at least the
 *                            history size, the rest is slack for a node that fell behind
 * blockTime        1 s       how long the reader's XREAD BLOCK waits before it asks again
 * retryMin/Max     100 ms/5 s  the reader's reconnect backoff, doubling from min to max
 * failFast         1 s       after an append failed to reach Redis, further appends fail at once
 *                            (without trying) for this long, so that while Redis hangs posts get
 *                            their error reply at once instead of queueing behind timeouts; 0 = off
 * </pre>
 *
 * <p>The password never appears in {@link #toString()} or in log lines.
 *
 * @param host            the Redis host name or address
 * @param port            the Redis TCP port, 1-65535
 * @param database        the logical database, 0 or more
 * @param user            the ACL user, if the URL names one
 * @param password        the password, if the URL has one
 * @param prefix          the room's key prefix: 1-100 characters, no whitespace or control characters
 * @param timeout         connect and reply timeout, 100 ms to 60 s
 * @param poolSize        connections for appends and reads, 1-256
 * @param streamMaxLength approximate number of entries the stream keeps, 1-1000000
 * @param blockTime       how long one XREAD BLOCK waits, 10 ms to 60 s
 * @param retryMin        the first reconnect delay, at least 1 ms
 * @param retryMax        the longest reconnect delay, at least {@code retryMin}
 * @param failFast        how long appends fail without trying after one could not reach Redis, 0-60 s
 */
public record RedisSettings(
        String host,
        int port,
        int database,
        Optional<String> user,
        Optional<String> password,
        String prefix,
        Duration timeout,
        int poolSize,
        int streamMaxLength,
        Duration blockTime,
        Duration retryMin,
        Duration retryMax,
        Duration failFast) {

    /** The port a URL without one means. */
    public static final int DEFAULT_PORT = 6379;
    /** The key prefix when none is configured. */
    public static final String DEFAULT_PREFIX = "chat";
    /** Connect and reply timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Connections for appends and history reads. */
    public static final int DEFAULT_POOL_SIZE = 16;
    /** Entries the stream keeps (approximately): twenty times the default history. */
    public static final int DEFAULT_STREAM_MAX_LENGTH = 1000;
    /** One XREAD BLOCK wait. */
    public static final Duration DEFAULT_BLOCK_TIME = Duration.ofSeconds(1);
    /** The first reconnect delay. */
    public static final Duration DEFAULT_RETRY_MIN = Duration.ofMillis(100);
    /** The longest reconnect delay. */
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(5);
    /** How long appends fail at once after one could not reach Redis. */
    public static final Duration DEFAULT_FAIL_FAST = Duration.ofSeconds(1);

    private static final Pattern PREFIX = Pattern.compile("[^\\s\\p{Cntrl}]{1,100}");

    /** Validates every field once. */
    public RedisSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(blockTime, "blockTime");
        Objects.requireNonNull(retryMin, "retryMin");
        Objects.requireNonNull(retryMax, "retryMax");
        Objects.requireNonNull(failFast, "failFast");
        check(!host.isBlank(), "Redis host must not be empty");
        check(port >= 1 && port <= 65535, "Redis port must be 1-65535, was " + port);
        check(database >= 0, "Redis database must not be negative, was " + database);
        check(PREFIX.matcher(prefix).matches(),
                "Redis prefix must be 1-100 characters without spaces or control characters, was \"" + prefix + "\"");
        check(between(timeout, Duration.ofMillis(100), Duration.ofSeconds(60)),
                "Redis timeout must be 100 ms - 60 s, was " + timeout);
        check(poolSize >= 1 && poolSize <= 256, "Redis pool size must be 1-256, was " + poolSize);
        check(streamMaxLength >= 1 && streamMaxLength <= 1_000_000,
                "Redis stream length must be 1-1000000, was " + streamMaxLength);
        check(between(blockTime, Duration.ofMillis(10), Duration.ofSeconds(60)),
                "Redis block time must be 10 ms - 60 s, was " + blockTime);
        check(retryMin.toMillis() >= 1, "Redis retry delay must be at least 1 ms, was " + retryMin);
        check(retryMax.compareTo(retryMin) >= 0, "Redis longest retry delay must not be below the first");
        check(between(failFast, Duration.ZERO, Duration.ofSeconds(60)), "Redis fail-fast time must be 0-60 s, was " + failFast);
    }

    /**
     * Settings for {@code url} (see the class comment for its form) and key {@code prefix}, with
     * the default limits.
     *
     * @throws IllegalArgumentException with a message for the user when the URL or prefix is malformed
     */
    public static RedisSettings of(String url, String prefix) {
        Objects.requireNonNull(url, "url");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(malformed(url) + ": " + e.getReason());
        }
        if (!"redis".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException(malformed(url));
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        int database = 0;
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            if (!path.matches("/\\d{1,5}")) {
                throw new IllegalArgumentException(malformed(url) + ": the path must be a database number");
            }
            database = Integer.parseInt(path.substring(1));
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String u = colon < 0 ? userInfo : userInfo.substring(0, colon);
            user = u.isEmpty() ? Optional.empty() : Optional.of(decode(u));
            if (colon >= 0) {
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            } else {
                // redis://secret@host is the common short form for a password without a user.
                password = user;
                user = Optional.empty();
            }
        }
        return new RedisSettings(uri.getHost(), port, database, user, password, prefix, DEFAULT_TIMEOUT,
                DEFAULT_POOL_SIZE, DEFAULT_STREAM_MAX_LENGTH, DEFAULT_BLOCK_TIME, DEFAULT_RETRY_MIN,
                DEFAULT_RETRY_MAX, DEFAULT_FAIL_FAST);
    }

    /** The room's stream: the message history and the broadcast log at once. */
    public String streamKey() {
        return prefix + ":messages";
    }

    /** These settings with another key prefix. */
    public RedisSettings withPrefix(String newPrefix) {
        return new RedisSettings(host, port, database, user, password, newPrefix, timeout, poolSize,
                streamMaxLength, blockTime, retryMin, retryMax, failFast);
    }

    /** These settings with other timing: command timeout, XREAD block time and reconnect backoff. */
    public RedisSettings withTiming(Duration newTimeout, Duration newBlockTime, Duration newRetryMin,
            Duration newRetryMax) {
        return new RedisSettings(host, port, database, user, password, prefix, newTimeout, poolSize,
                streamMaxLength, newBlockTime, newRetryMin, newRetryMax, failFast);
    }

    /** These settings with another fail-fast time ({@link Duration#ZERO} turns it off). */
    public RedisSettings withFailFast(Duration newFailFast) {
        return new RedisSettings(host, port, database, user, password, prefix, timeout, poolSize,
                streamMaxLength, blockTime, retryMin, retryMax, newFailFast);
    }

    /** The URL without the password, for log lines: {@code redis://host:port/db}. */
    public String redactedUrl() {
        String who = user.map(u -> u + (password.isPresent() ? ":***@" : "@"))
                .orElse(password.isPresent() ? ":***@" : "");
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "redis://" + who + h + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
        return "RedisSettings[" + redactedUrl() + ", prefix=" + prefix + ", timeout=" + timeout
                + ", poolSize=" + poolSize + ", streamMaxLength=" + streamMaxLength + ", blockTime=" + blockTime
                + ", retry=" + retryMin + ".." + retryMax + ", failFast=" + failFast + "]";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String malformed(String url) {
        // Never echo a password into an error message.
        String shown = url.replaceFirst("//[^/@]*@", "//***@");
        return "Redis URL must look like redis://host:port[/db], was \"" + shown + "\"";
    }

    private static boolean between(Duration d, Duration min, Duration max) {
        return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
