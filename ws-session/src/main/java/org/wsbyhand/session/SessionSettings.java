package org.wsbyhand.session;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.deflate.DeflateOptions;

/**
 * The settings every session has, whichever end opened it: protocol limits, the outbound bound and
 * its overflow policy, the heartbeat, the idle and close timeouts, and permessage-deflate. The
 * server's and the client's builders extend it, so each option is written and documented once and
 * means the same on both ends. A setter returns the builder it was called on, {@code B}.
 *
 * @param <B> the builder that extends this class
 */
public abstract class SessionSettings<B extends SessionSettings<B>> {
    /** Default {@link #maxOutboundBytes(long)}: 4 MiB. */
    public static final long DEFAULT_MAX_OUTBOUND_BYTES = 4L << 20;
    /** Default {@link #idleTimeout(Duration)}: 5 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default {@link #pingInterval(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    /** Default {@link #pongTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link #closeTimeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private Limits limits = Limits.defaults();
    private long maxOutboundBytes = DEFAULT_MAX_OUTBOUND_BYTES;
    private OverflowPolicy overflowPolicy = OverflowPolicy.CLOSE;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration pingInterval = DEFAULT_PING_INTERVAL;
    private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private boolean compression = true;
    private DeflateOptions deflateOptions = DeflateOptions.defaults();

    /** For the builders that extend it. */
    protected SessionSettings() {}

    /**
     * The builder itself, typed as the subclass.
     *
     * @return {@code this}
     */
    protected abstract B self();

    /**
     * All protocol limits at once (default {@link Limits#defaults()}).
     *
     * @param limits the frame, message and head size limits
     * @return this builder
     */
    public B limits(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return self();
    }

    /**
     * The largest frame payload accepted (default 1 MiB); larger frames fail with 1009.
     *
     * @param bytes the largest frame payload, in bytes
     * @return this builder
     */
    public B maxFrameSize(int bytes) {
        this.limits = limits.withMaxFrameSize(bytes);
        return self();
    }

    /**
     * The largest message accepted (default 1 MiB); larger messages fail with 1009.
     *
     * @param bytes the largest message, in bytes
     * @return this builder
     */
    public B maxMessageSize(int bytes) {
        this.limits = limits.withMaxMessageSize(bytes);
        return self();
    }

    /**
     * The largest HTTP head read in the opening handshake (default 8 KiB); a server answers a
     * larger request head with 431.
     *
     * @param bytes the largest head, in bytes
     * @return this builder
     */
    public B maxHeadSize(int bytes) {
        this.limits = limits.withMaxHeadSize(bytes);
        return self();
    }

    /**
     * The most unsent bytes a session may hold (default 4 MiB); a message that would go over it is
     * refused as the {@link #overflowPolicy overflow policy} says.
     *
     * @param bytes the most unsent bytes per session
     * @return this builder
     */
    public B maxOutboundBytes(long bytes) {
        this.maxOutboundBytes = bytes;
        return self();
    }

    /**
     * What a send that would take a session over {@link #maxOutboundBytes} does (default
     * {@link OverflowPolicy#CLOSE}: the session closes with 1008; {@link OverflowPolicy#DROP}: the
     * message is dropped and counted, and the session stays open).
     *
     * @param policy the overflow policy
     * @return this builder
     */
    public B overflowPolicy(OverflowPolicy policy) {
        this.overflowPolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * Close a session that receives nothing for this long with 1001 (default 5 min; zero disables).
     *
     * @param timeout the idle time after which a session is closed, or zero to keep idle sessions open
     * @return this builder
     */
    public B idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return self();
    }

    /**
     * Ping a session that received nothing for this long (default 30 s; zero disables).
     *
     * @param interval the quiet time after which a session is pinged, or zero to never ping
     * @return this builder
     */
    public B pingInterval(Duration interval) {
        this.pingInterval = interval;
        return self();
    }

    /**
     * Fail a pinged session with 1011 when nothing arrives for this long (default 10 s).
     *
     * @param timeout the time to wait for anything from a pinged session
     * @return this builder
     */
    public B pongTimeout(Duration timeout) {
        this.pongTimeout = timeout;
        return self();
    }

    /**
     * Wait this long for the peer's close frame after ours, and on a server for open sessions at
     * shutdown (default 5 s).
     *
     * @param timeout the time to wait for the peer's close frame
     * @return this builder
     */
    public B closeTimeout(Duration timeout) {
        this.closeTimeout = timeout;
        return self();
    }

    /**
     * Whether to use permessage-deflate (RFC 7692) when the other end agrees (default on, as in
     * browsers). A session whose peer does not take part is served uncompressed either way.
     *
     * @param enabled {@code true} to negotiate permessage-deflate
     * @return this builder
     */
    public B compression(boolean enabled) {
        this.compression = enabled;
        return self();
    }

    /**
     * Turns compression on with these options (level, minimum size, no-context-takeover).
     *
     * @param options the compression options
     * @return this builder
     */
    public B compression(DeflateOptions options) {
        this.deflateOptions = Objects.requireNonNull(options, "options");
        this.compression = true;
        return self();
    }

    /**
     * The zlib level, 0-9 or -1 for zlib's default (default 6).
     *
     * @param level the zlib compression level, 0-9, or -1
     * @return this builder
     */
    public B compressionLevel(int level) {
        this.deflateOptions = deflateOptions.withCompressionLevel(level);
        return self();
    }

    /**
     * Messages shorter than this are sent uncompressed (default 32 bytes).
     *
     * @param bytes the smallest message size that is compressed
     * @return this builder
     */
    public B compressionMinSize(int bytes) {
        this.deflateOptions = deflateOptions.withMinMessageSize(bytes);
        return self();
    }

    /**
     * Whether to ask for no context takeover in both directions (default false): each message is
     * then compressed on its own and a session holds no zlib memory between messages (instead of
     * about 300 KiB), at the price of compression on small messages.
     *
     * @param enabled {@code true} to ask for no context takeover in both directions
     * @return this builder
     */
    public B compressionNoContextTakeover(boolean enabled) {
        this.deflateOptions = deflateOptions.withServerNoContextTakeover(enabled).withClientNoContextTakeover(enabled);
        return self();
    }

    /**
     * Replaces the compression options, keeping whether compression is on; for a subclass's own
     * compression settings.
     *
     * @param options the new compression options
     */
    protected final void deflateOptions(DeflateOptions options) {
        this.deflateOptions = Objects.requireNonNull(options, "options");
    }

    /**
     * The protocol limits set.
     *
     * @return the limits
     */
    protected final Limits limits() {
        return limits;
    }

    /**
     * The outbound bound set.
     *
     * @return the most unsent bytes per session
     */
    protected final long maxOutboundBytes() {
        return maxOutboundBytes;
    }

    /**
     * The overflow policy set.
     *
     * @return the overflow policy
     */
    protected final OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    /**
     * The idle timeout set.
     *
     * @return the idle timeout, zero when disabled
     */
    protected final Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * The ping interval set.
     *
     * @return the ping interval, zero when disabled
     */
    protected final Duration pingInterval() {
        return pingInterval;
    }

    /**
     * The pong timeout set.
     *
     * @return the pong timeout
     */
    protected final Duration pongTimeout() {
        return pongTimeout;
    }

    /**
     * The close timeout set.
     *
     * @return the close timeout
     */
    protected final Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * The compression options when compression is on.
     *
     * @return the options, or empty when compression is off
     */
    protected final Optional<DeflateOptions> deflate() {
        return compression ? Optional.of(deflateOptions) : Optional.empty();
    }

    /**
     * The compression options, on or off.
     *
     * @return the options kept for when compression is on
     */
    protected final DeflateOptions deflateOptions() {
        return deflateOptions;
    }
}
