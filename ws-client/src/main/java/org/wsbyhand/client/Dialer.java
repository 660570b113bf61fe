package org.wsbyhand.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.wsbyhand.client.WebSocketConnectException.Failure;

/**
 * Opens the byte stream of one attempt: resolves and connects (to the server, or to the proxy and
 * through its CONNECT tunnel), then for {@code wss://} runs the TLS handshake with SNI and, unless
 * turned off, endpoint identification (the certificate must name the host). Every failure becomes a
 * {@link WebSocketConnectException} naming its step.
 */
final class Dialer {
    private final ClientConfig config;
    private final SSLContext insecure;

    Dialer(ClientConfig config) {
        this.config = config;
        this.insecure = config.trustAnyCertificate() ? InsecureTrust.context() : null;
    }

    /**
     * A stream ready for the opening handshake, and when that handshake must be done.
     *
     * @param socket the connected socket, tunnel and TLS done
     * @param deadline the handshake deadline ({@link System#nanoTime()}), which started once TCP was connected
     */
    record Dialed(Socket socket, long deadline) {}

    /**
     * A connected socket for {@code request}, tunnel and TLS done within the handshake timeout,
     * which starts once the TCP connection is made.
     */
    Dialed open(ClientRequest request) throws WebSocketConnectException {
        URI uri = request.uri();
        Optional<ProxySettings> proxy = config.proxyFromEnvironment()
                ? ProxySettings.fromEnvironment(uri)
                : config.proxy();
        String host = proxy.map(ProxySettings::host).orElse(request.host());
        int port = proxy.map(ProxySettings::port).orElse(request.port());
        Socket socket = connect(uri, host, port);
        long deadline = System.nanoTime() + config.handshakeTimeout().toNanos();
        try {
            socket.setTcpNoDelay(true);
            timeout(socket, uri, deadline);
            if (proxy.isPresent()) {
                ProxyTunnel.open(socket, request.host(), request.port(), proxy.get(),
                        config.limits().maxHeadSize(), uri);
            }
            if (request.secure()) {
                socket = tls(socket, request, deadline);
            }
            timeout(socket, uri, deadline);
            return new Dialed(socket, deadline);
        } catch (WebSocketConnectException e) {
            close(socket);
            throw e;
        } catch (SocketTimeoutException e) {
            close(socket);
            throw new WebSocketConnectException(Failure.HANDSHAKE_TIMEOUT, uri,
                    "no TLS handshake within the handshake timeout " + config.handshakeTimeout(), e);
        } catch (IOException e) {
            close(socket);
            throw new WebSocketConnectException(Failure.IO, uri, "connection failed: " + e, e);
        }
    }

    private Socket connect(URI uri, String host, int port) throws WebSocketConnectException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new WebSocketConnectException(Failure.UNKNOWN_HOST, uri, "unknown host " + host,
                    new UnknownHostException(host));
        }
        Socket socket = new Socket();
        int millis = (int) Math.clamp(config.connectTimeout().toMillis(), 1, Integer.MAX_VALUE);
        try {
            socket.connect(address, millis);
            return socket;
        } catch (SocketTimeoutException e) {
            close(socket);
            throw new WebSocketConnectException(Failure.CONNECT_TIMEOUT, uri,
                    "no TCP connection to " + address + " within " + config.connectTimeout(), e);
        } catch (ConnectException | NoRouteToHostException e) {
            close(socket);
            throw new WebSocketConnectException(Failure.REFUSED, uri,
                    "connection to " + address + " refused: " + e.getMessage(), e);
        } catch (IOException e) {
            close(socket);
            throw new WebSocketConnectException(Failure.IO, uri, "cannot connect to " + address + ": " + e, e);
        }
    }

    private Socket tls(Socket plain, ClientRequest request, long deadline) throws IOException {
        URI uri = request.uri();
        SSLContext context;
        try {
            context = insecure != null ? insecure : config.sslContext().isPresent()
                    ? config.sslContext().get() : SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new WebSocketConnectException(Failure.TLS, uri, "no default TLS context: " + e.getMessage(), e);
        }
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, request.host(), request.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        if (config.verifyHostname()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpLiteral(request.host())) {
            parameters.setServerNames(List.of(new SNIHostName(request.host())));
        }
        socket.setSSLParameters(parameters);
        try {
            timeout(socket, uri, deadline);
            socket.startHandshake();
            return socket;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SSLException e) {
            throw new WebSocketConnectException(Failure.TLS, uri, "TLS handshake failed: " + reason(e), e);
        }
    }

    /** The deepest message of a TLS failure: the one that says which check failed. */
    private static String reason(Throwable e) {
        String message = e.getMessage();
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return message;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** Sets the socket's read timeout to what is left of the deadline; fails when nothing is. */
    void timeout(Socket socket, URI uri, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new WebSocketConnectException(Failure.HANDSHAKE_TIMEOUT, uri,
                    "no opening handshake within the handshake timeout " + config.handshakeTimeout(), null);
        }
        socket.setSoTimeout((int) Math.clamp(TimeUnit.NANOSECONDS.toMillis(left), 1, Integer.MAX_VALUE));
    }

    static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already failed
        }
    }
}
