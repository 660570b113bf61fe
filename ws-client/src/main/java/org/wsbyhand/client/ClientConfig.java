package org.wsbyhand.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.wsbyhand.protocol.Limits;
import org.wsbyhand.protocol.deflate.DeflateOptions;
import org.wsbyhand.session.OverflowPolicy;

/**
 * A {@link WebSocketClient}'s settings, fixed when it is built (see {@link ClientBuilder} for each
 * option and its default).
 *
 * @param limits frame, message and head size limits
 * @param maxOutboundBytes the bound on bytes queued to send per session
 * @param overflowPolicy what a send does when that bound is reached
 * @param idleTimeout a session with no traffic this long is closed (zero: never)
 * @param pingInterval how often a quiet session is pinged (zero: never)
 * @param pongTimeout how long a ping waits for its pong
 * @param closeTimeout how long the client waits for the server's close frame, then for it to close TCP
 * @param compression permessage-deflate offered with these options, or empty
 * @param connectTimeout the longest TCP connect (to the server or to the proxy)
 * @param handshakeTimeout the longest TLS handshake, proxy tunnel and opening handshake together
 * @param sslContext the TLS context for {@code wss://}, or empty for the JDK's default
 * @param verifyHostname whether the server's certificate must name the host (endpoint identification)
 * @param trustAnyCertificate whether any certificate is accepted (tests and debugging only)
 * @param proxy the HTTP proxy, or empty
 * @param proxyFromEnvironment whether a proxy is taken from {@code https_proxy}/{@code http_proxy}/{@code no_proxy}
 * @param maxRedirects how many redirects are followed (zero: none)
 * @param maxErrorBodyBytes how much of a non-101 answer's body is kept for the exception
 */
public record ClientConfig(Limits limits, long maxOutboundBytes, OverflowPolicy overflowPolicy, Duration idleTimeout,
        Duration pingInterval, Duration pongTimeout, Duration closeTimeout, Optional<DeflateOptions> compression,
        Duration connectTimeout, Duration handshakeTimeout, Optional<SSLContext> sslContext, boolean verifyHostname,
        boolean trustAnyCertificate, Optional<ProxySettings> proxy, boolean proxyFromEnvironment, int maxRedirects,
        int maxErrorBodyBytes) {
    /** Default {@link ClientBuilder#connectTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link ClientBuilder#handshakeTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@link ClientBuilder#maxErrorBodyBytes(int)}: 4 KiB. */
    public static final int DEFAULT_MAX_ERROR_BODY_BYTES = 4096;
    /** The most redirects {@link ClientBuilder#followRedirects(int)} allows. */
    public static final int MAX_REDIRECTS = 20;

    /** Checks the settings. */
    public ClientConfig {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(sslContext, "sslContext");
        Objects.requireNonNull(proxy, "proxy");
        if (maxOutboundBytes < 1) {
            throw new IllegalArgumentException("maxOutboundBytes must be positive: " + maxOutboundBytes);
        }
        nonNegative("idleTimeout", idleTimeout);
        nonNegative("pingInterval", pingInterval);
        positive("pongTimeout", pongTimeout);
        positive("closeTimeout", closeTimeout);
        positive("connectTimeout", connectTimeout);
        positive("handshakeTimeout", handshakeTimeout);
        if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS) {
            throw new IllegalArgumentException("maxRedirects must be 0-" + MAX_REDIRECTS + ": " + maxRedirects);
        }
        if (maxErrorBodyBytes < 0 || maxErrorBodyBytes > 1 << 20) {
            throw new IllegalArgumentException("maxErrorBodyBytes must be 0-1 MiB: " + maxErrorBodyBytes);
        }
        if (proxy.isPresent() && proxyFromEnvironment) {
            throw new IllegalArgumentException("a proxy is given and also to be taken from the environment: pick one");
        }
    }

    private static void nonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
