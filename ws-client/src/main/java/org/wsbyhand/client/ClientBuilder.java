package org.wsbyhand.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.wsbyhand.session.SessionSettings;

/**
 * Configures a {@link WebSocketClient}. The session options (limits, outbound bound, heartbeat,
 * timeouts, compression) are {@link SessionSettings}', shared with the server's builder; the ones
 * here are the client's own: connecting, TLS, proxies and redirects. Every option has a safe default.
 */
public final class ClientBuilder extends SessionSettings<ClientBuilder> {
    private Duration connectTimeout = ClientConfig.DEFAULT_CONNECT_TIMEOUT;
    private Duration handshakeTimeout = ClientConfig.DEFAULT_HANDSHAKE_TIMEOUT;
    private SSLContext sslContext;
    private boolean verifyHostname = true;
    private boolean trustAnyCertificate;
    private ProxySettings proxy;
    private boolean proxyFromEnvironment;
    private int maxRedirects;
    private int maxErrorBodyBytes = ClientConfig.DEFAULT_MAX_ERROR_BODY_BYTES;

    ClientBuilder() {}

    @Override
    protected ClientBuilder self() {
        return this;
    }

    /**
     * The longest wait for a TCP connection, to the server or to the proxy (default 10 s).
     *
     * @param timeout the connect timeout
     * @return this builder
     */
    public ClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /**
     * The longest wait, once connected, for the proxy tunnel, the TLS handshake and the server's 101
     * together (default 10 s).
     *
     * @param timeout the handshake timeout
     * @return this builder
     */
    public ClientBuilder handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = timeout;
        return this;
    }

    /**
     * The TLS context for {@code wss://}: its trust managers decide which certificates are trusted,
     * its key managers which client certificate is shown (default: the JDK's default context).
     * The host name is verified either way.
     *
     * @param context the TLS context
     * @return this builder
     */
    public ClientBuilder sslContext(SSLContext context) {
        this.sslContext = Objects.requireNonNull(context, "context");
        return this;
    }

    /**
     * <b>Insecure.</b> Accepts a trusted certificate that does not name the server's host. Anyone
     * holding any certificate from a trusted authority can then read and change the traffic. For
     * tests with certificates made for another name; never in production.
     *
     * @return this builder
     */
    public ClientBuilder dangerouslyDisableHostnameVerification() {
        this.verifyHostname = false;
        return this;
    }

    /**
     * <b>Insecure.</b> Accepts any certificate for any host, so TLS protects nothing against an
     * active attacker. For debugging (WsCat's {@code --insecure}); never in production.
     *
     * @return this builder
     */
    public ClientBuilder dangerouslyTrustAnyCertificate() {
        this.trustAnyCertificate = true;
        this.verifyHostname = false;
        return this;
    }

    /**
     * Connects through this HTTP proxy with a CONNECT tunnel (default: direct).
     *
     * @param proxy the proxy and its optional credentials
     * @return this builder
     */
    public ClientBuilder proxy(ProxySettings proxy) {
        this.proxy = Objects.requireNonNull(proxy, "proxy");
        return this;
    }

    /**
     * Takes the proxy from the environment for each connection: {@code https_proxy} for
     * {@code wss://}, {@code http_proxy} for {@code ws://} (or their upper-case forms), skipped for
     * hosts in {@code no_proxy} (default: the environment is not read).
     *
     * @return this builder
     */
    public ClientBuilder proxyFromEnvironment() {
        this.proxyFromEnvironment = true;
        return this;
    }

    /**
     * Follows up to {@code max} redirects (301, 302, 303, 307, 308) answered to the opening
     * handshake (default 0: a redirect fails the attempt). Only to the same or a more secure
     * scheme ({@code ws://} to {@code wss://}, never back); {@code Authorization} and
     * {@code Cookie} fields are not sent to another host or port.
     *
     * @param max the most redirects per connection, 0-20
     * @return this builder
     */
    public ClientBuilder followRedirects(int max) {
        this.maxRedirects = max;
        return this;
    }

    /**
     * How many bytes of a non-101 answer's body are kept for {@link WebSocketConnectException#body()}
     * (default 4 KiB; at most 1 MiB).
     *
     * @param bytes the most body bytes kept
     * @return this builder
     */
    public ClientBuilder maxErrorBodyBytes(int bytes) {
        this.maxErrorBodyBytes = bytes;
        return this;
    }

    /**
     * The settings, checked.
     *
     * @return the client's configuration
     * @throws IllegalArgumentException when a setting is out of range
     */
    public ClientConfig config() {
        return new ClientConfig(limits(), maxOutboundBytes(), overflowPolicy(), idleTimeout(), pingInterval(),
                pongTimeout(), closeTimeout(), deflate(), connectTimeout, handshakeTimeout,
                Optional.ofNullable(sslContext), verifyHostname, trustAnyCertificate, Optional.ofNullable(proxy),
                proxyFromEnvironment, maxRedirects, maxErrorBodyBytes);
    }

    /**
     * A client with these settings.
     *
     * @return a new client
     * @throws IllegalArgumentException when a setting is out of range
     */
    public WebSocketClient build() {
        return new WebSocketClient(config());
    }
}
