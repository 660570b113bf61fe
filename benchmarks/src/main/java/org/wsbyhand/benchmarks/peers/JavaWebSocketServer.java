package org.wsbyhand.benchmarks.peers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.permessage_deflate.PerMessageDeflateExtension;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.DefaultSSLWebSocketServerFactory;
import org.java_websocket.server.WebSocketServer;

/**
 * Peer: a Java-WebSocket 1.6 server (its selector thread plus one decoder thread per core, the
 * library's defaults); a broadcast uses the library's own {@code broadcast}, which encodes once.
 * Usage: {@code JavaWebSocketServer PORT [echo|broadcast] [tls] [deflate]} (see {@link ServerArgs}):
 * {@code tls} wraps every channel with the library's {@code DefaultSSLWebSocketServerFactory} over
 * {@link BenchTls}'s context; {@code deflate} offers the library's {@code PerMessageDeflateExtension}
 * (its defaults: server_no_context_takeover, so each message is compressed on its own).
 */
public final class JavaWebSocketServer extends WebSocketServer {

    private final ServerArgs options;

    private JavaWebSocketServer(ServerArgs options) {
        super(new InetSocketAddress("127.0.0.1", options.port()), List.of(options.deflate()
                ? new Draft_6455(new PerMessageDeflateExtension())
                : new Draft_6455()));
        this.options = options;
        setReuseAddr(true);
        setTcpNoDelay(true);
        // Java-WebSocket's pings are its idle check; keep them out of the measurements.
        setConnectionLostTimeout(0);
    }

    public static void main(String[] args) {
        ServerArgs options = ServerArgs.parse("JavaWebSocketServer", args).withoutWindow("JavaWebSocketServer");
        JavaWebSocketServer server = new JavaWebSocketServer(options);
        if (options.tls()) {
            server.setWebSocketFactory(new DefaultSSLWebSocketServerFactory(BenchTls.context("JavaWebSocketServer")));
        }
        server.start();
    }

    @Override
    public void onStart() {
        System.out.println("java-websocket " + options.describe() + " server on " + options.scheme() + "://127.0.0.1:" + getPort());
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {}

    @Override
    public void onMessage(WebSocket conn, String message) {
        if (options.broadcast()) {
            broadcast(message);
        } else {
            conn.send(message);
        }
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        conn.send(message);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

    @Override
    public void onError(WebSocket conn, Exception ex) {
        System.err.println("java-websocket error: " + ex);
    }
}
